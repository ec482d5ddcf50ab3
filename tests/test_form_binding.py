"""Forms bind their fields as copies of fields bound once per process (core.binding.bound_copy): nothing leaks."""
import pytest
from wtforms import FieldList, StringField
from wtforms.fields.core import Flags, Label

from outreach.core.forms import Form
from outreach.field.contacts import ContactForm


def test_two_forms_share_no_state_a_request_can_change(app):
    """What one request sets on its form (choices, label, flags, render_kw, data, errors) the next one never sees."""
    with app.test_request_context("/contacts/new", method="POST", data={"youths_present": "x"}):
        first = ContactForm()
        first.validate()
        first.spot.choices = [("1", "Skatebaan")]
        first.kind.choices.append(("x", "Iets anders"))
        # The label and flags are shared by every form: changed in place they would change for every request,
        # so that is refused; a form that needs another one gives its field its own.
        with pytest.raises(AttributeError, match="shared by every form"):
            first.note.label.text = "Veranderd"
        with pytest.raises(AttributeError, match="shared by every form"):
            first.note.flags.required = True
        with pytest.raises(AttributeError, match="shared by every form"):
            del first.note.label.text
        first.note.label = Label(first.note.id, "Veranderd")
        first.note.flags = Flags()
        first.note.flags.required = True
        assert first.note.label.text == "Veranderd" and first.note.flags.required
        first.youths_present.render_kw = {"data-x": "1"}
        assert first.youths_present.errors
    with app.test_request_context("/contacts/new"):
        second = ContactForm()
        assert second.spot._form is second and second.spot.meta is second.meta
        assert second.spot.choices is None
        assert ("x", "Iets anders") not in second.kind.choices
        assert second.note.label.text == "Notitie" and second.note.label() == '<label for="note">Notitie</label>'
        assert not second.note.flags.required and second.youths_present.flags.required  # (InputRequired's flag)
        assert second.youths_present.render_kw is None
        assert second.youths_present.data == 1 and not second.youths_present.errors
        # A prototype is kept per field, without a form of a request attached to it.
        proto = next(iter(ContactForm.note.__dict__["_bound_once"].values()))[0]
        assert proto._form is None and proto.meta is None


def test_sub_forms_and_own_meta_are_bound_anew(app):
    """A FieldList (entries per instance) and a form given meta of its own are bound the ordinary way."""

    class Several(Form):
        """A form with a list of fields."""
        names = FieldList(StringField("Naam"), min_entries=2)

    with app.test_request_context("/"):
        one, two = Several(), Several()
        assert one.names is not two.names and one.names.entries[0] is not two.names.entries[0]
        assert "_bound_once" not in Several.names.__dict__
        own = ContactForm(meta={"locales": ["en"]})
        assert own.note.meta is own.meta


def test_validation_worked_out_once_per_class_still_follows_each_form(app):
    """validate_<name> runs after the given extra validators, a dropped field is skipped, text fields are cleaned."""
    from wtforms.validators import ValidationError

    class Named(Form):
        """Two text fields, one with a check of its own."""
        name = StringField("Naam")
        other = StringField("Ander")
        seen = []

        def validate_name(self, field):
            """Record the order and refuse 'x'."""
            self.seen.append("inline")
            if field.data == "x":
                raise ValidationError("Geen x.")

    def given(form, field):
        """An extra validator passed to validate()."""
        form.seen.append("given")

    with app.test_request_context("/", method="POST", data={"name": "x", "other": "a\x00b"}):
        full = Named()
        assert not full.validate(extra_validators={"name": [given]})
        assert Named.seen == ["given", "inline"] and full.name.errors == ["Geen x."]
        assert full.other.data == "ab" and full.other.errors  # The invisible-character check, beside the field.
        again = Named()
        assert not again.validate() and again.name.errors == ["Geen x."]  # Without extra validators too.
        Named.seen.clear()
        dropped = Named()
        del dropped.name
        assert not dropped.validate() and "name" not in dropped.errors and dropped.other.errors
        assert Named.seen == []  # Not run for the form without the field.
