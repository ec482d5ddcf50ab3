"""Form pieces shared by the field-logging pages: Dutch validators, choice lists, the personal-data guard."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DateTimeLocalField, FloatField, IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

LOCAL = ZoneInfo("Europe/Amsterdam")
NOTE_MAX = 2000
# The Netherlands, generously boxed (mainland and Wadden islands).
NL_LAT, NL_LON = (50.75, 53.56), (3.35, 7.23)


def choices(values, empty=None):
    """SelectChoice list from plain values (label = value), optionally led by an empty prompt."""
    lead = [SelectChoice("", empty)] if empty else []
    return lead + [SelectChoice(str(v), str(v)) for v in values]


def now_local():
    """Now, as naive local wall-clock time (minutes), the form field moments are stored in."""
    return datetime.now(LOCAL).replace(tzinfo=None, second=0, microsecond=0)


def stamp(moment):
    """Local wall-clock text as stored: 'YYYY-MM-DD HH:MM'."""
    return moment.strftime("%Y-%m-%d %H:%M")


def not_future(form, field):
    """Refuse moments more than 10 minutes ahead (phone clocks drift a little) and older than 90 days."""
    if field.data is None:
        return
    moment = field.data if isinstance(field.data, datetime) else datetime.combine(field.data, datetime.min.time())
    if moment > now_local() + timedelta(minutes=10):
        raise ValidationError("Dit moment ligt in de toekomst.")
    if moment < now_local() - timedelta(days=90) and not getattr(form, "allow_old", False):
        raise ValidationError("Kies een moment in de afgelopen 90 dagen.")


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


PHONE = re.compile(r"(?<!\d)(?:\+31|0031|0)[\s-]?(?:6[\s-]?\d{8}|\d{2,3}[\s-]?\d{6,7})(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
POSTCODE = re.compile(r"\b[1-9]\d{3}\s?[A-Z]{2}\b")
STREET = re.compile(r"\b[A-Z][a-zà-ÿ]+(?:straat|weg|laan|plein|singel|dijk|pad|hof|kade|gracht|steeg|dreef|park)\s+\d+[a-z]?\b")
NAME_PARTICLE = re.compile(r"\b[A-Z][a-zà-ÿ]+\s+(?:van der|van den|van de|van|de|den|der|ter|ten|te)\s+[A-Z][a-zà-ÿ]+")
FIRST_NAMES = set("""Daan Sem Milan Noah Lucas Jesse Liam Finn Levi Luuk Bram Thijs Ruben Stijn Lars Tim Sven Max Tom Mees
Jayden Julian Sam Thomas Niels Kevin Mohammed Mohamed Ahmed Youssef Omar Ayoub Rayan Dylan Justin Damian Gijs Jens Tygo
Emma Tess Sophie Julia Zoë Sara Anna Eva Lotte Fenna Isa Nina Yara Lisa Sanne Femke Noor Evi Lieke Maud Roos Iris Fleur
Lina Amira Fatima Aya Nora Jasmijn Esmee Demi Kim Britt Romy Naomi Chantal Priscilla Shanna Kelly Melissa""".split())
FULL_NAME = re.compile(r"\b([A-Z][a-zà-ÿ]+)\s+([A-Z][a-zà-ÿ]{2,})\b")


def personal_data_in(text):
    """Dutch descriptions of what in a free text looks like a full name, phone number, e-mail or address."""
    found = []
    if not text:
        return found
    if PHONE.search(text):
        found.append("een telefoonnummer")
    if EMAIL.search(text):
        found.append("een e-mailadres")
    if POSTCODE.search(text) or STREET.search(text):
        found.append("een adres")
    if NAME_PARTICLE.search(text) or any(m.group(1) in FIRST_NAMES for m in FULL_NAME.finditer(text)):
        found.append("een naam")
    return found


class Form(FlaskForm):
    """Base form: WTForms' own messages in Dutch (needs WTF_I18N_ENABLED = False, set in create_app)."""

    class Meta:
        """Use WTForms' bundled Dutch translations."""
        locales = ["nl"]


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
            for what in personal_data_in(getattr(self, name).data):
                spotted.setdefault(what, None)
        if not spotted:
            return None
        return ("Dit lijkt op een naam of telefoonnummer. Weet je zeker dat je dit wilt opslaan? "
                f"Gevonden: {', '.join(spotted)}.")


def dutch_field(base, message, clean=lambda v: v.strip()):
    """A WTForms field class that accepts Dutch input, leaves empty input to the required check, and says what is wrong in Dutch."""

    class Field(base):
        """base with a Dutch parse error."""

        def process_formdata(self, valuelist):
            """Parse the submitted value; an empty value is None, a wrong one a Dutch error."""
            if not valuelist or not clean(valuelist[0]):
                self.data = None
                return
            try:
                super().process_formdata([clean(valuelist[0])])
            except ValueError:
                self.data = None
                raise ValueError(message) from None

    Field.__name__ = f"Dutch{base.__name__}"
    return Field


CoordinateField = dutch_field(FloatField, "Vul een getal in, bijvoorbeeld 52,3878.",
                              lambda v: v.strip().replace(",", "."))
CountField = dutch_field(IntegerField, "Vul een heel getal in.")
MomentField = dutch_field(DateTimeLocalField, "Vul een datum en tijd in, bijvoorbeeld 27-11-2026 20:30.")
DayField = dutch_field(DateField, "Vul een datum in, bijvoorbeeld 27-11-2026.")
