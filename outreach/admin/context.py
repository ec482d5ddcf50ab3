"""The admin enters the figures behind the report's estimate of the group (issue 15, item 4): the GGD monitor's
shares of youths who ever used drugs, and the inhabitants per age band, each with its source and year.

Stored in the database (core/context.py, migration 0018), not in config.py: the admin changes them on a page,
every change is in the audit log, and the report names where the numbers come from.
"""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import FloatField, StringField
from wtforms.widgets import TextInput
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from ..core import audit, context
from ..core.access import allow
from ..core.dates import now_local
from ..core.db import get_db
from ..core.forms import INVISIBLE_MESSAGE, INVISIBLE_ONE_LINE, CountField, Form, dutch_field
from ..vocab import AGE_BAND, GGD_GROUP

bp = Blueprint("ggd", __name__, url_prefix="/admin/ggd")
FIRST_YEAR = 1990


def _percent(value):
    """'7,5' or '7 %' as 7.5."""
    return value.strip().rstrip("%").strip().replace(",", ".")


class PercentField(dutch_field(FloatField, "Vul een percentage in, bijvoorbeeld 7 of 6,5.", _percent)):
    """A percentage typed the Dutch way; shown again with a comma (a text input: a number input refuses '6,5')."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        """Like every text field: control and bidi characters refused with their own message, the rest kept."""
        if valuelist and INVISIBLE_ONE_LINE.search(valuelist[0]):
            self.raw_data, self.data = [INVISIBLE_ONE_LINE.sub("", valuelist[0])], None
            raise ValueError(INVISIBLE_MESSAGE)
        super().process_formdata(valuelist)

    def _value(self):
        """What was typed, or the stored value as '7' or '6,5'."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return (f"{self.data:g}").replace(".", ",")


def parsed(form, field):
    """Stop at a value that could not be read: its own message says it all, no range message beside it."""
    if field.process_errors:
        raise StopValidation()


def percent(label, required=True):
    """A share of 0 to 100 per cent."""
    first = InputRequired("Vul een percentage in.") if required else Optional()
    return PercentField(label, validators=[parsed, first, NumberRange(0, 100, "Kies een percentage van 0 tot 100.")])


def inhabitants(band):
    """The inhabitants of one age band."""
    return CountField(f"Inwoners van {AGE_BAND[band]} jaar", validators=[
        parsed, InputRequired("Vul het aantal inwoners in."),
        NumberRange(0, 1_000_000, "Vul een aantal van 0 tot 1.000.000 in.")])


def source(label):
    """Where a figure comes from, in words."""
    return StringField(label, validators=[InputRequired("Noem de bron."),
                                          Length(max=200, message="Houd de bron kort: hoogstens 200 tekens.")])


def year(label):
    """The year a figure describes."""
    return CountField(label, validators=[parsed, InputRequired("Vul een jaartal in, bijvoorbeeld 2019.")])


class ContextForm(Form):
    """The GGD shares per group, the inhabitants per age band, and a source and year for each."""

    pupils_soft_drugs = percent(f"{GGD_GROUP['pupils'].capitalize()}: ooit softdrugs gebruikt (%)")
    pupils_other_drugs = percent(f"{GGD_GROUP['pupils'].capitalize()}: ooit andere drugs gebruikt (%)", False)
    young_adults_soft_drugs = percent(f"{GGD_GROUP['young_adults'].capitalize()}: ooit softdrugs gebruikt (%)")
    young_adults_other_drugs = percent(f"{GGD_GROUP['young_adults'].capitalize()}: ooit andere drugs gebruikt (%)",
                                       False)
    ggd_source = source("Bron van de percentages")
    ggd_year = year("Jaar van het GGD-onderzoek")
    inhabitants_12_15 = inhabitants("12-15")
    inhabitants_16_17 = inhabitants("16-17")
    inhabitants_18_23 = inhabitants("18-23")
    inhabitants_source = source("Bron van de inwonertallen")
    inhabitants_year = year("Peiljaar van de inwonertallen")

    def validate_ggd_year(self, field):
        """A survey year, not a typo."""
        check_year(field)

    def validate_inhabitants_year(self, field):
        """A year of counting, not a typo."""
        check_year(field)


def check_year(field):
    """From 1990 up to this year."""
    this_year = now_local().year
    if field.data is not None and not FIRST_YEAR <= field.data <= this_year:
        raise ValidationError(f"Kies een jaar van {FIRST_YEAR} tot en met {this_year}.")


@bp.route("/", methods=["GET", "POST"])
@allow("admin")
def edit_figures():
    """The admin enters or corrects the figures; the first time the form holds the memo's GGD figures."""
    db = get_db()
    stored = context.read(db)
    form = ContextForm(data=stored or context.MEMO)
    if form.validate_on_submit():
        values = {name: form[name].data for name in context.COLUMNS}
        values["ggd_source"], values["inhabitants_source"] = (form[n].data.strip() for n in
                                                              ("ggd_source", "inhabitants_source"))
        with db.atomic():
            changed = context.save(db, values, current_user.id)
            audit.record("update", "report_context", None, result="; ".join(changed) or "ongewijzigd", db=db)
        flash("GGD-cijfers en inwoners opgeslagen. Het rapport rekent er nu mee.", "success")
        return redirect(url_for("ggd.edit_figures"))
    groups = [(GGD_GROUP[g], [f"{g}_soft_drugs", f"{g}_other_drugs"]) for g in context.GROUPS]
    stored_at = db.execute("SELECT updated_at FROM report_context WHERE id = 1").fetchone()
    return render_template("admin/ggd.html", form=form, stored=stored, stored_at=stored_at and stored_at[0],
                           groups=groups, bands=list(context.INHABITANTS.values()))


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
