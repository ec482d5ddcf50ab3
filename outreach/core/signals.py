"""Roll-ups of what the worker sees and hears (migration 0017): topics per month, use and dealing seen at hangplekken
per month and kind of spot, each youth's risk signals, and the minutes of ended rounds per month, kept exact by
triggers like those in rollups.py.

Why apart from rollups.py: those triggers were installed by migrations 0005 and 0012 and must stay as they were;
these are new triggers on the same tables (SQLite runs every trigger of an event), with their own tables.
Why roll-ups at all: the report must read the same after a purge (invariant 5), which empties a youth's risk
signals, and stay fast at a million contacts. While a purge runs (meta 'rollups_frozen') the triggers stand still.
"""
from .rollups import THAWED

# A contact's topics with sign @S; only current contacts count (a corrected original drops out).
TOPIC_PART = """
INSERT INTO report_topics (month, topic, contacts)
SELECT substr(@R.contacted_at, 1, 7), value, @S FROM json_each(@R.topics) WHERE true
ON CONFLICT (month, topic) DO UPDATE SET contacts = contacts + excluded.contacts;
DELETE FROM report_topics WHERE month = substr(@R.contacted_at, 1, 7) AND contacts = 0;
"""

# A visit with sign @S: counted per month and kind of spot (so the report reads a few rows, never every spot's),
# with whether use or dealing was seen.
SIGN_PART = """
INSERT INTO report_visit_signs (month, kind, visits, use_seen, dealing_seen)
SELECT substr(@R.visited_at, 1, 7), kind, @S, @S * (coalesce(@R.use_seen, 0) > 0),
       @S * (coalesce(@R.dealing_seen, 0) > 0) FROM spots WHERE id = @R.spot_id
ON CONFLICT (month, kind) DO UPDATE SET visits = visits + excluded.visits,
    use_seen = use_seen + excluded.use_seen, dealing_seen = dealing_seen + excluded.dealing_seen;
DELETE FROM report_visit_signs WHERE month = substr(@R.visited_at, 1, 7) AND visits = 0;
"""

# A spot that changes kind takes its visits along: its months move from the old kind (@S -1) to the new (+1).
KIND_PART = """
INSERT INTO report_visit_signs (month, kind, visits, use_seen, dealing_seen)
SELECT substr(visited_at, 1, 7), @R.kind, @S * count(*), @S * sum(coalesce(use_seen, 0) > 0),
       @S * sum(coalesce(dealing_seen, 0) > 0) FROM visits WHERE spot_id = @R.id GROUP BY 1
ON CONFLICT (month, kind) DO UPDATE SET visits = visits + excluded.visits,
    use_seen = use_seen + excluded.use_seen, dealing_seen = dealing_seen + excluded.dealing_seen;
DELETE FROM report_visit_signs WHERE kind = @R.kind AND visits = 0;
"""

# A youth's risk signals as rows, replaced whole whenever the profile's list changes.
RISK_PART = """
DELETE FROM report_youth_signals WHERE youth_id = @R.id;
INSERT OR IGNORE INTO report_youth_signals (youth_id, signal) SELECT @R.id, value FROM json_each(@R.risk_signals)
WHERE @R.risk_signals IS NOT NULL AND json_valid(@R.risk_signals);
"""

# A round with sign @S, once it has ended: its whole minutes, by the month it started and the ED's presence.
ROUND_PART = """
INSERT INTO report_rounds (month, ed, rounds, minutes)
SELECT substr(@R.started_at, 1, 7), @R.ed_present != 0, @S,
       @S * CAST(round((julianday(@R.ended_at) - julianday(@R.started_at)) * 1440) AS INTEGER)
WHERE @R.ended_at > @R.started_at
ON CONFLICT (month, ed) DO UPDATE SET rounds = rounds + excluded.rounds, minutes = minutes + excluded.minutes;
DELETE FROM report_rounds WHERE month = substr(@R.started_at, 1, 7) AND rounds = 0;
"""

TABLES = [
    "CREATE TABLE report_topics (month TEXT NOT NULL, topic TEXT NOT NULL, contacts INTEGER NOT NULL, "
    "PRIMARY KEY (month, topic)) WITHOUT ROWID",
    "CREATE TABLE report_visit_signs (month TEXT NOT NULL, kind TEXT NOT NULL, visits INTEGER NOT NULL, "
    "use_seen INTEGER NOT NULL, dealing_seen INTEGER NOT NULL, PRIMARY KEY (month, kind)) WITHOUT ROWID",
    "CREATE TABLE report_youth_signals (youth_id INTEGER NOT NULL, signal TEXT NOT NULL, "
    "PRIMARY KEY (youth_id, signal)) WITHOUT ROWID",
    "CREATE TABLE report_rounds (month TEXT NOT NULL, ed INTEGER NOT NULL, rounds INTEGER NOT NULL, "
    "minutes INTEGER NOT NULL, PRIMARY KEY (month, ed)) WITHOUT ROWID",
]

# What each roll-up holds, from the base tables: fills them once (the migration's backfill) and checks the triggers.
EXPECTED = {
    "report_topics": "SELECT substr(c.contacted_at, 1, 7), j.value, count(*) FROM contacts c, json_each(c.topics) j "
                     "WHERE c.replaced_by IS NULL GROUP BY 1, 2",
    "report_visit_signs": "SELECT substr(v.visited_at, 1, 7), s.kind, count(*), sum(coalesce(v.use_seen, 0) > 0), "
                          "sum(coalesce(v.dealing_seen, 0) > 0) FROM visits v JOIN spots s ON s.id = v.spot_id "
                          "GROUP BY 1, 2",
    "report_youth_signals": "SELECT DISTINCT y.id, j.value FROM youths y, json_each(y.risk_signals) j "
                            "WHERE y.risk_signals IS NOT NULL AND json_valid(y.risk_signals)",
    "report_rounds": "SELECT substr(started_at, 1, 7), ed_present != 0, count(*), "
                     "sum(CAST(round((julianday(ended_at) - julianday(started_at)) * 1440) AS INTEGER)) "
                     "FROM rounds WHERE ended_at > started_at GROUP BY 1, 2",
}


def _body(part, row, sign):
    """A trigger body for one row (NEW/OLD) and sign; plain text substitution of the fixed SQL above."""
    return part.replace("@R.", f"{row}.").replace("@S", f"({sign})")


def _trigger(name, event, body, when=None):
    """CREATE TRIGGER text, standing still while a purge runs."""
    condition = f" WHEN {when} AND {THAWED}" if when else f" WHEN {THAWED}"
    return name, f"CREATE TRIGGER {name} AFTER {event}{condition} BEGIN {body} END"


TRIGGERS = dict([
    _trigger("signal_topic_insert", "INSERT ON contacts", _body(TOPIC_PART, "NEW", 1), "NEW.replaced_by IS NULL"),
    _trigger("signal_topic_delete", "DELETE ON contacts", _body(TOPIC_PART, "OLD", -1), "OLD.replaced_by IS NULL"),
    _trigger("signal_topic_update_old", "UPDATE OF contacted_at, topics, replaced_by ON contacts",
             _body(TOPIC_PART, "OLD", -1), "OLD.replaced_by IS NULL"),
    _trigger("signal_topic_update_new", "UPDATE OF contacted_at, topics, replaced_by ON contacts",
             _body(TOPIC_PART, "NEW", 1), "NEW.replaced_by IS NULL"),
    _trigger("signal_visit_insert", "INSERT ON visits", _body(SIGN_PART, "NEW", 1)),
    _trigger("signal_visit_delete", "DELETE ON visits", _body(SIGN_PART, "OLD", -1)),
    _trigger("signal_visit_update", "UPDATE OF visited_at, spot_id, use_seen, dealing_seen ON visits",
             _body(SIGN_PART, "OLD", -1) + _body(SIGN_PART, "NEW", 1)),
    _trigger("signal_spot_kind", "UPDATE OF kind ON spots",
             _body(KIND_PART, "OLD", -1) + _body(KIND_PART, "NEW", 1), "OLD.kind IS NOT NEW.kind"),
    _trigger("signal_youth_insert", "INSERT ON youths", _body(RISK_PART, "NEW", 1)),
    _trigger("signal_youth_update", "UPDATE OF risk_signals ON youths", _body(RISK_PART, "NEW", 1)),
    _trigger("signal_round_insert", "INSERT ON rounds", _body(ROUND_PART, "NEW", 1)),
    _trigger("signal_round_delete", "DELETE ON rounds", _body(ROUND_PART, "OLD", -1)),
    _trigger("signal_round_update", "UPDATE OF started_at, ended_at, ed_present ON rounds",
             _body(ROUND_PART, "OLD", -1) + _body(ROUND_PART, "NEW", 1)),
    _trigger("signal_youth_delete", "DELETE ON youths", "DELETE FROM report_youth_signals WHERE youth_id = OLD.id;"),
])


def install(db):
    """Create the tables, fill them from what is stored (a purged profile has no signals left), add the triggers."""
    for statement in TABLES:
        db.execute(statement)
    for table, query in EXPECTED.items():
        db.execute(f"INSERT INTO {table} {query}")  # nosec B608 - fixed text, no values
    for statement in TRIGGERS.values():
        db.execute(statement)


def drift(db):
    """Rows where a roll-up differs from a fresh count over the base tables (empty when the triggers are exact)."""
    found = {}
    for table, query in EXPECTED.items():
        stored = set(db.execute(f"SELECT * FROM {table}").fetchall())  # nosec B608 - constant table names
        fresh = set(db.execute(query).fetchall())
        if stored != fresh:
            found[table] = (sorted(stored - fresh)[:5], sorted(fresh - stored)[:5])
    return found
