"""Migration 0012: the Dutch labels earlier releases stored become the stable codes of vocab.py.

The labels → codes below are frozen as they were stored up to 0011, on purpose not read from vocab.py: a label
may be reworded later, but what old databases hold does not change. Each (table, column) is rewritten in one
UPDATE with the pairs as bound parameters (a value that is not a known label is left as it is).
"""
import json

LABEL_TO_CODE = {
    "handoff_status": {"verzonden": "sent", "ontvangen": "received", "geaccepteerd": "accepted",
                       "afgewezen": "declined", "afgesloten": "closed"},
    "outcome": {"in zorg bij CJG": "in_care_cjg", "doorverwezen naar verslavingszorg (Tactus)": "addiction_care",
                "geen hulp nodig": "no_help_needed", "jongere weigert hulp": "refuses_help", "verhuisd": "moved",
                "anders": "other"},
    "urgency": {"normaal": "normal", "hoog": "high", "acuut": "acute"},
    "consent": {"ja": "yes", "nee": "no", "niet gevraagd": "not_asked"},
    "concern_source": {"vriend/vriendin": "friend", "ouder": "parent", "school": "school", "politie": "police",
                       "huisarts": "gp", "jongere zelf": "youth", "eigen waarneming": "own_observation",
                       "anoniem": "anonymous", "andere partner": "other_partner"},
    "concern_level": {"laag": "low", "midden": "medium", "hoog": "high", "acuut": "acute"},
    "concern_status": {"nieuw": "new", "in onderzoek": "investigating", "contact gelegd": "contacted",
                       "overgedragen": "handed_over", "afgesloten": "closed"},
    "close_reason": {"geen zorgen": "no_concern", "al in zorg": "already_in_care", "niet gevonden": "not_found",
                     "anders": "other"},
    "contact_kind": {"straatcontact": "street", "groepsgesprek": "group", "individueel gesprek": "individual",
                     "telefonisch/online": "remote"},
    "topic": {"school/werk/toekomstperspectief": "school_work", "middelengebruik": "substance_use",
              "dealen": "dealing", "thuissituatie": "home", "vrienden": "friends", "veiligheid": "safety",
              "meiden/relaties": "relationships", "vrije tijd": "leisure", "hulpvraag": "help"},
    "substance": {"cannabis/softdrugs": "cannabis", "lachgas": "nitrous_oxide", "xtc": "xtc", "cocaïne": "cocaine",
                  "amfetamine": "amphetamine", "GHB": "ghb", "alcohol": "alcohol", "anders": "other"},
    "atmosphere": {"rustig": "calm", "ontspannen": "relaxed", "gespannen": "tense", "onrustig": "restless"},
    "spot_kind": {"skatebaan": "skatepark", "park": "park", "schoolplein": "schoolyard", "station": "station",
                  "winkelcentrum": "shopping", "anders": "other"},
    "age_band": {"≤11": "0-11", "12–15": "12-15", "16–17": "16-17", "18–23": "18-23", "24+": "24+"},
    "gender": {"m": "male", "v": "female", "x": "other", "onbekend": "unknown"},
    "risk_signal": {"kind van verslaafde ouder": "addicted_parent", "LVB": "lvb", "ADHD": "adhd",
                    "meisje in kwetsbare positie rond gebruikers": "vulnerable_girl", "schooluitval": "school_dropout",
                    "geen werk of opleiding": "no_work_or_school", "contact met politie": "police_contact"},
}

# Every column that holds a value of a list: (table, column, list). The roll-ups hold copies of some.
STORED = [
    ("handoffs", "status", "handoff_status"), ("handoffs", "outcome", "outcome"), ("handoffs", "urgency", "urgency"),
    ("handoffs", "consent", "consent"), ("handoff_events", "status", "handoff_status"),
    ("concerns", "source", "concern_source"), ("concerns", "level", "concern_level"),
    ("concerns", "status", "concern_status"), ("concerns", "close_reason", "close_reason"),
    ("contacts", "kind", "contact_kind"), ("visits", "atmosphere", "atmosphere"), ("spots", "kind", "spot_kind"),
    ("youths", "age_band", "age_band"), ("youths", "gender", "gender"),
    ("report_substances", "substance", "substance"), ("report_youth_years", "age_band", "age_band"),
    ("report_youth_years", "gender", "gender"),
]
# Columns holding a JSON array of values.
STORED_JSON = [("contacts", "topics", "topic"), ("contacts", "substances", "substance"),
               ("youths", "risk_signals", "risk_signal")]
# One JSON array rewritten element by element, in its order; unknown elements are kept.
JSON_SQL = ("UPDATE {table} SET {column} = (SELECT json_group_array(v) FROM (SELECT coalesce("
            "(SELECT value ->> '$.code' FROM json_each(?1) WHERE value ->> '$.label' = j.value), j.value) AS v "
            "FROM json_each({table}.{column}) j ORDER BY j.key)) WHERE {column} IS NOT NULL AND {column} != '[]'")
ONE_SQL = ("UPDATE {table} SET {column} = (SELECT value ->> '$.code' FROM json_each(?1) "
           "WHERE value ->> '$.label' = {table}.{column}) "
           "WHERE {column} IN (SELECT value ->> '$.label' FROM json_each(?1))")


def pairs(name):
    """A list's frozen pairs as one JSON parameter: [{"label": ..., "code": ...}, ...]."""
    return json.dumps([{"label": label, "code": code} for label, code in LABEL_TO_CODE[name].items()])


def relabel(db):
    """Rewrite every stored label to its code (call with the roll-up triggers dropped: counts must not move)."""
    for table, column, name in STORED:
        db.execute(ONE_SQL.format(table=table, column=column), [pairs(name)])  # nosec B608 - names from STORED
    for table, column, name in STORED_JSON:
        db.execute(JSON_SQL.format(table=table, column=column), [pairs(name)])  # nosec B608 - names from STORED_JSON
