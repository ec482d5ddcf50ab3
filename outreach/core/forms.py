"""Form pieces shared by the field-logging pages: Dutch validators, choice lists, the personal-data guard."""
import re
from datetime import datetime, timedelta

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect, generate_csrf
from markupsafe import Markup
from wtforms import (BooleanField, DateField, DateTimeLocalField, FloatField, IntegerField, MonthField,
                     PasswordField, SelectMultipleField, StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.form import BaseForm
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import Length, Optional, ValidationError

from . import notices
from .binding import bound_copy, shape
from .dates import now_local

NOTE_MAX = 2000
# The Netherlands, generously boxed (mainland and Wadden islands).
NL_LAT, NL_LON = (50.75, 53.56), (3.35, 7.23)


def arg_id(name):
    """A positive id from the query string that fits SQLite's INTEGER, else None."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


def choices(values, empty=None):
    """SelectChoice list from plain values (label = value), optionally led by an empty prompt."""
    lead = [SelectChoice("", empty)] if empty else []
    return lead + [SelectChoice(str(v), str(v)) for v in values]


def not_future(form, field):
    """Refuse moments more than 10 minutes ahead (phone clocks drift a little) and older than 90 days."""
    if field.data is None:
        return
    moment = field.data if isinstance(field.data, datetime) else datetime.combine(field.data, datetime.min.time())
    now = now_local()
    if moment > now + timedelta(minutes=10):
        raise ValidationError("Dit moment ligt in de toekomst.")
    if moment < now - timedelta(days=90) and not getattr(form, "allow_old", False):
        raise ValidationError("Kies een moment in de afgelopen 90 dagen.")


def nl_position(lat, lon):
    """(lat, lon) rounded to six decimals when both are numbers inside the Netherlands, else None."""
    if not lat or not lon:  # No position sent (the usual case on a save): no exception to raise and catch.
        return None
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if NL_LAT[0] <= lat <= NL_LAT[1] and NL_LON[0] <= lon <= NL_LON[1]:
        return round(lat, 6), round(lon, 6)
    return None


def in_netherlands(form, field):
    """Latitude/longitude must lie in the Netherlands."""
    if field.data is None:
        return
    low, high = NL_LAT if field.name == "lat" else NL_LON
    if not low <= field.data <= high:
        raise ValidationError("Deze coördinaat ligt niet in Nederland.")


def note_length(maximum=NOTE_MAX):
    """Optional free text of at most maximum characters, with a Dutch message."""
    return [Optional(), Length(max=maximum, message=f"Maximaal {maximum} tekens (nu %(length)d).")]


# Phone numbers are matched after dropping spaces, dashes, dots and brackets between digits.
PHONE = re.compile(r"(?<!\d)(?:\+31|0031|0)\d{9}(?!\d)")
PHONE_SEPARATORS = re.compile(r"(?<=[\d)])[\s().-]+(?=[\d(])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# "8181 AB", "8181AB" or "8181ab"; a lower-case pair only when attached ("2026 en" is not a postcode).
POSTCODE = re.compile(r"\b[1-9]\d{3}(?:\s?[A-Z]{2}|[a-z]{2})\b")
STREET = re.compile(r"\b[A-Z][a-zà-ÿ]+(?:straat|weg|laan|plein|singel|dijk|pad|hof|kade|gracht|steeg|dreef|park)"
                    r"\s+\d+[a-z]?\b")
NAME_PARTICLE = re.compile(r"\b[A-Z][a-zà-ÿ]+\s+(?:van der|van den|van de|van|de|den|der|ter|ten|te|el|al)\s+"
                           r"[A-Z][a-zà-ÿ]+")
FIRST_NAMES = set("""Daan Sem Milan Noah Lucas Jesse Liam Finn Levi Luuk Bram Thijs Ruben Stijn Lars Tim Sven Max Tom
Mees Jayden Julian Sam Thomas Niels Kevin Mohammed Mohamed Ahmed Youssef Omar Ayoub Rayan Dylan Justin Damian Gijs Jens
Tygo Jan Kees Piet Bart Joost Koen Wouter Jeroen Mark Rick Dennis Stefan Robin Jordy Bilal Hamza Mehmet Emre Yusuf
Emma Tess Sophie Julia Zoë Sara Anna Eva Lotte Fenna Isa Nina Yara Lisa Sanne Femke Noor Evi Lieke Maud Roos Iris
Fleur Lina Amira Fatima Aya Nora Jasmijn Esmee Demi Kim Britt Romy Naomi Chantal Priscilla Shanna Kelly Melissa Anouk
Laura Lisanne Marloes Manon Ilse Kimberley Samira Soufiane Anouar Mila Saar Sofie Liv""".split())
SURNAMES = set("""Jansen Janssen Vries Jong Bakker Visser Smit Meijer Meyer Boer Mulder Groot Bos Vos Peters Hendriks
Leeuwen Dekker Brouwer Wit Dijkstra Smits Graaf Meer Linden Kok Jacobs Haan Vermeulen Heuvel Veen Broek Bruijn Bruin
Heijden Schouten Beek Willems Vliet Ven Hoekstra Maas Verhoeven Koster Dam Wal Prins Blom Huisman Peeters Postma
Kuipers Veenstra Kramer Berg Dijk Wijk Bosch Vink Boom Kaya Yilmaz Amrani Haddou Bouzid""".split())
FULL_NAME = re.compile(r"\b([A-Z][a-zà-ÿ]+)\s+(?:(?:van|de|der|den|el)\s+)*([A-Z][a-zà-ÿ]{2,})\b")


def personal_data_in(text):
    """Dutch descriptions of what in a free text looks like a full name, phone number, e-mail or address."""
    found = []
    if not text:
        return found
    if PHONE.search(PHONE_SEPARATORS.sub("", text)):
        found.append("een telefoonnummer")
    if EMAIL.search(text):
        found.append("een e-mailadres")
    if POSTCODE.search(text) or STREET.search(text):
        found.append("een adres")
    names = FULL_NAME.findall(text)
    if NAME_PARTICLE.search(text) or any(first in FIRST_NAMES or last in SURNAMES for first, last in names):
        found.append("een naam")
    return found


# Characters nobody types on purpose that change what a text is or how it reads: C0 controls and DEL (NUL ends
# strings in other tools), and the bidi embeddings, overrides and isolates that can make an alias read backwards.
# Tab and newline are text in a multi-line field. Passwords are never shown, so they may hold anything.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
INVISIBLE_ONE_LINE = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
INVISIBLE_MESSAGE = ("Er stonden onzichtbare stuurtekens in (zoals een nul-teken of een teken dat de leesrichting "
                     "omdraait). Die zijn weggehaald: controleer de tekst en sla opnieuw op.")


def invisible_removed(field):
    """Strip control and bidi characters from a text field's value; True when there were any."""
    if not isinstance(field, StringField) or isinstance(field, PasswordField) or not isinstance(field.data, str):
        return False
    pattern = INVISIBLE if isinstance(field, TextAreaField) else INVISIBLE_ONE_LINE
    # A browser sends a textarea's line breaks as CRLF; a lone CR is a control character like the others.
    text = field.data.replace("\r\n", "\n") if isinstance(field, TextAreaField) else field.data
    cleaned = pattern.sub("", text)
    if cleaned == text:
        return False
    field.data = cleaned  # Shown again in the field: what was typed, less what could not be seen.
    return True


class Form(FlaskForm):
    """Base form: WTForms' own messages in Dutch (needs WTF_I18N_ENABLED = False, set in create_app); every text
    field refuses invisible control and bidi characters, in this one place for every form."""

    class Meta:
        """Dutch messages; no CSRF field of its own: CSRFProtect checks every POST before any view runs."""
        locales = ["nl"]
        # A form-level token would be signed anew on every post only to be thrown away by the redirect
        # (bench/field.py); pages put the one token in with csrf_field().
        csrf = False

        def bind_field(self, form, unbound_field, options):
            """Bind a field as a copy of one bound once per process (bound_copy)."""
            return bound_copy(form, unbound_field, options)

    def validate(self, extra_validators=None):
        """WTForms' validation, then the invisible-character check on every text field (its message beside it)."""
        inline, texts = shape(self)
        if extra_validators:  # What WTForms' Form.validate adds: each validate_<name> after the given ones.
            extra = {name: tuple(v) for name, v in extra_validators.items()}
            for name, own in inline.items():
                extra[name] = (*extra.get(name, ()), *own)
        else:
            extra = inline
        valid = BaseForm.validate(self, extra)
        for name in texts:
            field = self._fields[name]
            if invisible_removed(field):
                field.errors = [*field.errors, INVISIBLE_MESSAGE]
                valid = False
        return valid


def csrf_field():
    """The hidden CSRF token input every POST form carries (CSRFProtect checks it)."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())  # Escapes it.


class GuardedForm(Form):
    """A form whose free-text fields are checked for personal data; the worker may confirm and save anyway."""

    confirm_personal = BooleanField("Ja, ik weet het zeker: toch opslaan")
    guarded = ()  # Names of the fields to check.
    warning = None

    def ready(self):
        """True when the form was posted, is valid and raised no personal-data warning (or it was confirmed)."""
        if not self.validate_on_submit():
            return False
        self.warning = self.personal_data_warning()
        return self.warning is None

    def personal_data_warning(self):
        """The warning to show before saving, or None when nothing was spotted or the worker confirmed."""
        if self.confirm_personal.data:
            return None
        spotted = {}
        for name in self.guarded:
            for what in personal_data_in(self.guarded_text(name)):
                spotted.setdefault(what, None)
        if not spotted:
            return None
        return ("Dit lijkt op een naam of telefoonnummer. Weet je zeker dat je dit wilt opslaan? "
                f"Gevonden: {', '.join(spotted)}.")

    def guarded_text(self, name):
        """The text of a guarded field as checked; a form may leave out what it is allowed to hold."""
        return getattr(self, name).data


# The browser's date-time picker sends this; fromisoformat reads it several times faster than strptime.
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def dutch_field(base, message, clean=lambda v: v.strip(), formats=None):
    """A WTForms field class that accepts Dutch input, leaves empty input to the required check, and says what is wrong in Dutch."""

    class Field(base):
        """base with a Dutch parse error."""

        def __init__(self, *args, **kwargs):
            """Accept the given formats (the first one is what the browser's own picker sends)."""
            if formats:
                kwargs.setdefault("format", formats)
            super().__init__(*args, **kwargs)

        def process_formdata(self, valuelist):
            """Parse the submitted value; an empty value is None, a wrong one a Dutch error."""
            if not valuelist or not clean(valuelist[0]):
                self.data = None
                self.raw_data = []  # Only spaces counts as not filled in, for InputRequired too.
                return
            value = clean(valuelist[0])
            try:
                if base is DateTimeLocalField and ISO_MOMENT.fullmatch(value):
                    self.data = datetime.fromisoformat(value)  # What the picker sends, without strptime's cost.
                else:
                    super().process_formdata([value])
            except ValueError:
                self.data = None
                raise ValueError(message) from None
            if getattr(self.data, "year", 2000) < 1900:  # "0226" for "2026": a typo, not a moment in history.
                self.data = None
                raise ValueError(message)

    Field.__name__ = f"Dutch{base.__name__}"
    return Field


CoordinateField = dutch_field(FloatField, "Vul een getal in, bijvoorbeeld 52,3878.",
                              lambda v: v.strip().replace(",", "."))
CountField = dutch_field(IntegerField, "Vul een heel getal in.")
MomentField = dutch_field(DateTimeLocalField, "Vul een datum en tijd in, bijvoorbeeld 27-11-2026 20:30.",
                          formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"])
DayField = dutch_field(DateField, "Vul een datum in, bijvoorbeeld 27-11-2026.", formats=["%Y-%m-%d", "%d-%m-%Y"])
MonthInputField = dutch_field(MonthField, "Vul een maand in, bijvoorbeeld 03-2026.", formats=["%Y-%m", "%m-%Y"])


def init_app(app):
    """Check the CSRF token of every POST before any view runs, and give pages csrf_field()."""
    CSRFProtect(app)
    app.add_template_global(csrf_field)
    notices.init_app(app)


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes for one list field."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
