"""Every value list of the app in one place: the stable code that is stored → the Dutch label that is shown.

Why: a label is wording and may change; a code is data and must not. The database, SQL and forms' posted
values hold codes only; templates, flashes, CSV exports and the subject-access export show the labels.
Display order is the dicts' order. The report, the demo and the views import their lists from here.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from wtforms.fields.choices import SelectChoice

HANDOFF_STATUS = {"sent": "verzonden", "received": "ontvangen", "accepted": "geaccepteerd", "declined": "afgewezen",
                  "closed": "afgesloten"}
OUTCOME = {"in_care_cjg": "in zorg bij CJG", "addiction_care": "doorverwezen naar verslavingszorg (Tactus)",
           "no_help_needed": "geen hulp nodig", "refuses_help": "jongere weigert hulp", "moved": "verhuisd",
           "other": "anders"}
URGENCY = {"normal": "normaal", "high": "hoog", "acute": "acuut"}
CONSENT = {"yes": "ja", "no": "nee", "not_asked": "niet gevraagd"}
YES_NO = {"yes": "ja", "no": "nee"}

# What `flask purge` erased, per step of admin/retention.py (the audit row keeps these codes).
PURGED = {"notes": "vrije teksten", "concern_text": "teksten van zorgmeldingen", "handoff_identity":
          "identiteiten in overdrachten", "handoff_text": "teksten van overdrachten", "reporters": "melders",
          "youths": "jongerenprofielen", "audit": "auditregels"}

CONCERN_SOURCE = {"friend": "vriend/vriendin", "parent": "ouder", "school": "school", "police": "politie",
                  "gp": "huisarts", "youth": "jongere zelf", "own_observation": "eigen waarneming",
                  "anonymous": "anoniem", "other_partner": "andere partner"}
CONCERN_LEVEL = {"low": "laag", "medium": "midden", "high": "hoog", "acute": "acuut"}
CONCERN_STATUS = {"new": "nieuw", "investigating": "in onderzoek", "contacted": "contact gelegd",
                  "handed_over": "overgedragen", "closed": "afgesloten"}
CLOSE_REASON = {"no_concern": "geen zorgen", "already_in_care": "al in zorg", "not_found": "niet gevonden",
                "other": "anders"}

CONTACT_KIND = {"street": "straatcontact", "group": "groepsgesprek", "individual": "individueel gesprek",
                "remote": "telefonisch/online"}
TOPIC = {"school_work": "school/werk/toekomstperspectief", "substance_use": "middelengebruik", "dealing": "dealen",
         "home": "thuissituatie", "friends": "vrienden", "safety": "veiligheid", "relationships": "meiden/relaties",
         "leisure": "vrije tijd", "help": "hulpvraag"}
SUBSTANCE = {"cannabis": "cannabis/softdrugs", "nitrous_oxide": "lachgas", "xtc": "xtc", "cocaine": "cocaïne",
             "amphetamine": "amfetamine", "ghb": "GHB", "alcohol": "alcohol", "other": "anders"}
ATMOSPHERE = {"calm": "rustig", "relaxed": "ontspannen", "tense": "gespannen", "restless": "onrustig"}
SPOT_KIND = {"skatepark": "skatebaan", "park": "park", "schoolyard": "schoolplein", "station": "station",
             "shopping": "winkelcentrum", "other": "anders"}

AGE_BAND = {"0-11": "≤11", "12-15": "12–15", "16-17": "16–17", "18-23": "18–23", "24+": "24+"}
GENDER = {"male": "m", "female": "v", "other": "x", "unknown": "onbekend"}
# The report names genders in words; the forms use the short letters above.
GENDER_REPORT = {"male": "jongen", "female": "meisje", "other": "x (anders)", "unknown": "onbekend"}
# The GGD monitor's groups the report estimates the size of (core/context.py): pupils of klas 2 and 4, young adults.
GGD_GROUP = {"pupils": "middelbare scholieren (klas 2 en 4)", "young_adults": "jongvolwassenen"}
RISK_SIGNAL = {"addicted_parent": "kind van verslaafde ouder", "lvb": "LVB", "adhd": "ADHD",
               "vulnerable_girl": "meisje in kwetsbare positie rond gebruikers", "school_dropout": "schooluitval",
               "no_work_or_school": "geen werk of opleiding", "police_contact": "contact met politie"}
# Why an admin may read a youth's records at all: a request under the AVG, or a question from the supervisor.
# Kept in the admin's session and written into the audit line in words; never stored as a code.
SUBJECT_REASON = {"inzage": "Inzageverzoek (AVG art. 15)", "wissen": "Verzoek om te wissen (AVG art. 17)",
                  "correctie": "Verzoek om correctie (AVG art. 16)", "bezwaar": "Bezwaar (AVG art. 21)",
                  "toezicht": "Vraag van de FG of de Autoriteit Persoonsgegevens"}
# A role as it follows a colleague's name: "Sanne de Boer (CJG)".
ROLE_SHORT = {"worker": "straathoekwerker", "cjg": "CJG", "manager": "beleid", "admin": "beheer"}
# What kind of line a handoff's timeline holds: a status change, or a message one way or the other.
EVENT_KIND = {"status": "status", "feedback": "bericht van het CJG", "reply": "bericht van de straathoekwerker"}
# Jellinek stages are stored as their number (1..5), already a stable code.
STAGE = {1: "experimenteren", 2: "recreatief gebruik", 3: "gewoontegebruik", 4: "problematisch gebruik",
         5: "verslaving"}

# Sets the workflows and the report rely on.
OPEN_CONCERN = ("new", "investigating", "contacted")
WAITING_CONCERN = ("new", "investigating")  # Nobody has reached the youth yet: flagged when it takes too long.
CLOSED_CONCERN = ("closed", "handed_over")  # A concern with one of these statuses keeps no reporter.
FINISHED_HANDOFF = ("closed", "declined")
IN_CARE = ("in_care_cjg", "addiction_care")  # Outcomes that count as "in care" in the report.
UNDER_16 = ("0-11", "12-15")
# The audit log's own codes (they stay English in the log), as the admin reads them.
AUDIT_ACTION = {"view": "bekeken", "create": "aangemaakt", "update": "gewijzigd", "delete": "verwijderd",
                "export": "geëxporteerd", "login ok": "ingelogd", "login password ok": "wachtwoord goed, code gevraagd",
                "login failed": "inloggen mislukt", "locked": "geweigerd (te veel pogingen)", "logout": "uitgelogd",
                "purge": "opgeschoond", "backup": "back-up", "erase": "gewist", "message": "bericht gestuurd",
                "round start": "ronde gestart",
                "round end": "ronde beëindigd", "round auto end": "ronde vanzelf beëindigd (vergeten)"}
AUDIT_OBJECT = {"user": "gebruiker", "youth": "jongere", "concern": "zorgmelding", "handoff": "overdracht",
                "contact": "contact", "visit": "bezoek", "spot": "hangplek", "reporter": "melder", "report": "rapport",
                "retention": "bewaartermijnen", "insights": "inzichten", "keys": "sleutels", "demo": "demo",
                "database": "database", "audit": "auditlog", "round": "ronde",
                "report_context": "GGD-cijfers en inwoners"}

# Every list by name, for the `label` filter in templates and for the tests.
LISTS = {
    "handoff_status": HANDOFF_STATUS, "outcome": OUTCOME, "urgency": URGENCY, "consent": CONSENT, "yes_no": YES_NO,
    "concern_source": CONCERN_SOURCE, "concern_level": CONCERN_LEVEL, "concern_status": CONCERN_STATUS,
    "close_reason": CLOSE_REASON, "contact_kind": CONTACT_KIND, "topic": TOPIC, "substance": SUBSTANCE,
    "atmosphere": ATMOSPHERE, "spot_kind": SPOT_KIND, "age_band": AGE_BAND, "gender": GENDER,
    "gender_report": GENDER_REPORT, "ggd_group": GGD_GROUP,
    "risk_signal": RISK_SIGNAL, "stage": STAGE, "subject_reason": SUBJECT_REASON,
    "audit_action": AUDIT_ACTION, "audit_object": AUDIT_OBJECT, "role_short": ROLE_SHORT, "event_kind": EVENT_KIND,
}


def _values(vocabulary):
    """A list given by name or as the dict itself."""
    return LISTS[vocabulary] if isinstance(vocabulary, str) else vocabulary


def label(code, vocabulary):
    """The Dutch label of a stored code ('' for none); an unknown code is shown as it is rather than hidden."""
    if code is None or code == "":
        return ""
    return _values(vocabulary).get(code, code)


def labels(codes, vocabulary):
    """The labels of several codes (a multi-valued column), in the given order."""
    return [label(code, vocabulary) for code in codes or []]


def by_label(codes, vocabulary):
    """Codes sorted by their labels: multi-valued columns keep the alphabetical order they were shown in."""
    values = _values(vocabulary)
    return sorted(codes, key=lambda code: values.get(code, code))


def choices(vocabulary, empty=None, only=None):
    """WTForms choices (code, label), optionally led by an empty prompt and limited to the codes in `only`."""
    values = _values(vocabulary)
    lead = [SelectChoice("", empty)] if empty else []
    return lead + [SelectChoice(str(code), text) for code, text in values.items() if only is None or code in only]


def in_words(row, words):
    """A row (dict) with its coded columns {column: list} in words; a list of codes label by label, None stays None."""
    for column, vocabulary in words.items():
        value = row[column]
        row[column] = labels(value, vocabulary) if isinstance(value, list) else (
            label(value, vocabulary) if value is not None else None)
    return row


ERASED = "gewist na bewaartermijn"
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def kept(text, erased_at=None):
    """A field's text, or what a user reads once retention or an erasure emptied it (with the day, when known)."""
    if text not in (None, ""):
        return text
    if not erased_at:
        return ERASED
    if erased_at.endswith("Z"):  # A UTC stamp: the local day (core/dates.py cannot be imported here, it uses us).
        moment = datetime.fromisoformat(erased_at[:-1] + "+00:00")
        erased_at = moment.astimezone(ZoneInfo("Europe/Amsterdam")).isoformat()
    year, month, day = erased_at[:10].split("-")
    return f"{ERASED} ({int(day)} {MONTHS[int(month) - 1]} {year})"  # The date as every page shows one.


def counted(number, one, many):
    """A count with its noun in the right form: '1 jongere', '3 jongeren', '0 contacten'."""
    return f"{number} {one if number == 1 else many}"


def person(full_name, username, role=None):
    """How a user is shown to colleagues: 'Sanne de Boer (CJG)'; the login name until the admin gave a full name."""
    if not username:
        return "–"
    name = full_name or username
    return f"{name} ({ROLE_SHORT.get(role, role)})" if role else name


def shown(value):
    """Jinja's finalize: a missing value prints as nothing, never as Python's 'None'."""
    return "" if value is None else value


def init_app(app):
    """Templates show labels: {{ value|label('handoff_status') }} and {{ values|labels('topic')|join(', ') }};
    erased text as {{ value|kept }}; and no template ever prints 'None'."""
    app.add_template_filter(label, "label")
    app.add_template_filter(labels, "labels")
    app.add_template_filter(kept, "kept")
    app.add_template_filter(counted, "counted")
    app.add_template_global(person, "person")
    app.jinja_env.finalize = shown
