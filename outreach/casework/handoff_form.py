"""The handoff form: what the CJG needs and nothing more, with the rules a worker is told about at the field."""
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.dates import now_local
from ..core.forms import DayField, Form, MomentField, MultiCheckboxField
from ..core.youth import STAGE_CHOICES
from ..vocab import CONSENT, URGENCY, YES_NO, choices


class HandoffForm(Form):
    """What the CJG needs, and nothing more: the only form where a youth's real identity is typed (invariant 1)."""
    concerns = MultiCheckboxField("Zorgmeldingen die hiertoe leidden", coerce=int, validate_choice=False)
    reason = TextAreaField("Reden van overdracht", validators=[DataRequired("Beschrijf de reden."), Length(max=1000)])
    facts = TextAreaField("Concrete feiten", validators=[DataRequired("Noem de concrete feiten."), Length(max=2000)])
    stage = SelectField("Huidige fase (Jellinek)", choices=[SelectChoice("", "Kies de fase")] + STAGE_CHOICES[1:],
                        validators=[DataRequired("Kies de huidige fase.")])
    urgency = RadioField("Urgentie", choices=choices(URGENCY), validators=[InputRequired("Kies de urgentie.")])
    consent = RadioField("Jongere akkoord met overdracht", choices=choices(CONSENT),
                         validators=[InputRequired("Vul in of de jongere akkoord is.")])
    parents_informed = RadioField("Ouders geïnformeerd (onder 16)", choices=choices(YES_NO),
                                  validate_choice=False)
    sharing_ground = StringField("Grond om zonder toestemming te delen", validators=[Length(max=300)])
    full_name = StringField("Naam van de jongere", validators=[DataRequired("Het CJG heeft de naam nodig."),
                                                              Length(max=120)])
    birth_date = DayField("Geboortedatum")
    phone = StringField("Telefoon", validators=[Optional(), Length(max=40)])
    address = StringField("Adres", validators=[Optional(), Length(max=200)])
    summary = TextAreaField("Samenvatting voor het CJG", validators=[DataRequired("Schrijf een samenvatting."),
                                                                    Length(max=4000)])
    warm_handoff_at = MomentField("Voorstel warme overdracht (gezamenlijk gesprek)", validators=[Optional()])
    # One id per opened form: sending it twice (a double tap, a retry) makes one handoff.
    submission = HiddenField(validators=[DataRequired("Laad het formulier opnieuw."), Length(min=16, max=64)])

    def validate_sharing_ground(self, field):
        """Without the youth's consent, say on what ground the worker shares anyway."""
        if self.consent.data in ("no", "not_asked") and not (field.data or "").strip():
            raise ValidationError("Zonder toestemming: noem de grond om toch te delen, bijv. acute zorg over veiligheid.")

    def validate_parents_informed(self, field):
        """For a youth under 16 (by age band, or by the birth date typed here), say whether the parents know."""
        born = self.birth_date.data
        today = now_local().date()
        if born and today.year - born.year - ((today.month, today.day) < (born.month, born.day)) < 16:
            self.under_16 = True
        if self.under_16 and field.data not in YES_NO:
            raise ValidationError("Vul in of de ouders zijn geïnformeerd (jongere onder 16).")

    def validate_birth_date(self, field):
        """A birth date in the past, and a way for the CJG to find the youth."""
        if field.data and field.data >= now_local().date():
            raise ValidationError("Een geboortedatum ligt in het verleden.")
        if not (field.data or (self.phone.data or "").strip() or (self.address.data or "").strip()):
            raise ValidationError("Vul een geboortedatum, telefoonnummer of adres in, zodat het CJG de jongere vindt.")

    def validate_warm_handoff_at(self, field):
        """A proposed meeting lies ahead."""
        if field.data and field.data < now_local():
            raise ValidationError("Een voorstel voor een gesprek ligt in de toekomst.")
