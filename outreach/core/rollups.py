"""Monthly roll-ups the pilot report counts from, kept exact by triggers in the same transaction as every write.

Why: at a million contacts, counting distinct youths over the raw links takes seconds; the report only needs
whole months, so each youth's presence per spot and year is one row with a 12-bit month mask (bit 0 =
January). The counts tables (report_contacts, report_links, report_visits, report_substances) can go down as
well as up, so edits, corrections, deletes and merges stay exact; report_reach is derived from report_links.
Only current contacts count: a corrected original (replaced_by set) drops out, its correction counts.

The trigger bodies below are fixed SQL text with no values in them; `expected()` recomputes every roll-up
from the base tables, so a test can prove the triggers never drift.

@HELP stands for the topic that marks a question for help: its code 'help' (vocab.TOPIC) since migration 0012,
the Dutch label 'hulpvraag' that migration 0005 installed the triggers with, when labels were stored.
"""
HELP = "'help'"
LEGACY_HELP = "'hulpvraag'"

# A contact's contribution as SQL over the trigger row @R with sign @S (+1 or -1); see _contribution().
CONTACT_PART = """
INSERT INTO report_contacts (month, contacts, ed, group_contacts, group_youths, minutes, help)
VALUES (substr(@R.contacted_at, 1, 7), @S, @S * @R.ed_present, @S * (@R.youths_present >= 2),
        @S * (CASE WHEN @R.youths_present >= 2 THEN @R.youths_present ELSE 0 END), @S * coalesce(@R.duration_min, 0),
        @S * EXISTS (SELECT 1 FROM json_each(@R.topics) WHERE value = @HELP))
ON CONFLICT (month) DO UPDATE SET contacts = contacts + excluded.contacts, ed = ed + excluded.ed,
    group_contacts = group_contacts + excluded.group_contacts, group_youths = group_youths + excluded.group_youths,
    minutes = minutes + excluded.minutes, help = help + excluded.help;
DELETE FROM report_contacts WHERE month = substr(@R.contacted_at, 1, 7) AND contacts = 0;
INSERT INTO report_substances (month, substance, contacts)
SELECT substr(@R.contacted_at, 1, 7), value, @S FROM json_each(@R.substances) WHERE true
ON CONFLICT (month, substance) DO UPDATE SET contacts = contacts + excluded.contacts;
DELETE FROM report_substances WHERE month = substr(@R.contacted_at, 1, 7) AND contacts = 0;
INSERT INTO report_links (youth_id, spot_id, month, contacts, ed, help)
SELECT youth_id, coalesce(@R.spot_id, 0), substr(@R.contacted_at, 1, 7), @S, @S * @R.ed_present,
       @S * EXISTS (SELECT 1 FROM json_each(@R.topics) WHERE value = @HELP)
FROM contact_youths WHERE contact_id = @R.id AND true
ON CONFLICT (youth_id, spot_id, month) DO UPDATE SET contacts = contacts + excluded.contacts,
    ed = ed + excluded.ed, help = help + excluded.help;
DELETE FROM report_links WHERE spot_id = coalesce(@R.spot_id, 0) AND month = substr(@R.contacted_at, 1, 7)
    AND contacts = 0 AND youth_id IN (SELECT youth_id FROM contact_youths WHERE contact_id = @R.id);
"""

# One link (youth @L.youth_id at contact @L.contact_id) with sign @S, if that contact counts.
LINK_PART = """
INSERT INTO report_links (youth_id, spot_id, month, contacts, ed, help)
SELECT @L.youth_id, coalesce(c.spot_id, 0), substr(c.contacted_at, 1, 7), @S, @S * c.ed_present,
       @S * EXISTS (SELECT 1 FROM json_each(c.topics) WHERE value = @HELP)
FROM contacts c WHERE c.id = @L.contact_id AND c.replaced_by IS NULL
ON CONFLICT (youth_id, spot_id, month) DO UPDATE SET contacts = contacts + excluded.contacts,
    ed = ed + excluded.ed, help = help + excluded.help;
DELETE FROM report_links WHERE youth_id = @L.youth_id AND contacts = 0;
"""

VISIT_PART = """
INSERT INTO report_visits (month, spot_id, visits) VALUES (substr(@R.visited_at, 1, 7), @R.spot_id, @S)
ON CONFLICT (month, spot_id) DO UPDATE SET visits = visits + excluded.visits;
DELETE FROM report_visits WHERE month = substr(@R.visited_at, 1, 7) AND spot_id = @R.spot_id AND visits = 0;
"""

# Re-derive the mask row of one (youth, spot, year) from its monthly counts.
REACH_PART = """
DELETE FROM report_reach WHERE youth_id = @K.youth_id AND spot_id = @K.spot_id
    AND year = CAST(substr(@K.month, 1, 4) AS INTEGER);
INSERT INTO report_reach (youth_id, spot_id, year, months, ed_months, help_months)
SELECT youth_id, spot_id, CAST(substr(month, 1, 4) AS INTEGER), sum(1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1)),
       sum(CASE WHEN ed > 0 THEN 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1) ELSE 0 END),
       sum(CASE WHEN help > 0 THEN 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1) ELSE 0 END)
FROM report_links WHERE youth_id = @K.youth_id AND spot_id = @K.spot_id AND substr(month, 1, 4) = substr(@K.month, 1, 4)
GROUP BY youth_id, spot_id;
"""

# A youth's first and latest stage with when they were set, so the report need not look each youth up.
STAGE_COLUMNS = (
    "(SELECT stage FROM youth_stages WHERE youth_id = {youth} ORDER BY set_at, id LIMIT 1), "
    "(SELECT set_at FROM youth_stages WHERE youth_id = {youth} ORDER BY set_at, id LIMIT 1), "
    "(SELECT stage FROM youth_stages WHERE youth_id = {youth} ORDER BY set_at DESC, id DESC LIMIT 1), "
    "(SELECT set_at FROM youth_stages WHERE youth_id = {youth} ORDER BY set_at DESC, id DESC LIMIT 1)")
# Constant SQL throughout: fragments are joined, values never formatted in (hence the nosec B608 marks).
STAGE_UPDATE = ("UPDATE report_youth_years SET (first_stage, first_at, last_stage, last_at) = ("  # nosec B608
                + "SELECT " + STAGE_COLUMNS.format(youth="@R.youth_id") + ") WHERE youth_id = @R.youth_id;")

# The same per youth and year over all spots (sum(DISTINCT bit) is a bitwise OR of the months), with the
# youth's age band, gender and stages copied in so the report never has to look each youth up.
YEAR_PART = (""  # nosec B608 - constant SQL (bandit reads a nosec only outside the string)
             """
DELETE FROM report_youth_years WHERE youth_id = @K.youth_id AND year = CAST(substr(@K.month, 1, 4) AS INTEGER);
INSERT INTO report_youth_years (youth_id, year, months, ed_months, help_months, age_band, gender,
                                first_stage, first_at, last_stage, last_at)
SELECT l.youth_id, CAST(substr(month, 1, 4) AS INTEGER), sum(DISTINCT 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1)),
       sum(DISTINCT CASE WHEN ed > 0 THEN 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1) ELSE 0 END),
       sum(DISTINCT CASE WHEN help > 0 THEN 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1) ELSE 0 END),
       y.age_band, y.gender, """ + STAGE_COLUMNS.format(youth="l.youth_id") + """
FROM report_links l JOIN youths y ON y.id = l.youth_id
WHERE l.youth_id = @K.youth_id AND substr(month, 1, 4) = substr(@K.month, 1, 4) GROUP BY l.youth_id;
""")

TABLES = [
    "CREATE TABLE report_contacts (month TEXT NOT NULL PRIMARY KEY, contacts INTEGER NOT NULL, "
    "ed INTEGER NOT NULL, group_contacts INTEGER NOT NULL, group_youths INTEGER NOT NULL, minutes INTEGER NOT NULL, "
    "help INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE report_substances (month TEXT NOT NULL, substance TEXT NOT NULL, contacts INTEGER NOT NULL, "
    "PRIMARY KEY (month, substance)) WITHOUT ROWID",
    "CREATE TABLE report_links (youth_id INTEGER NOT NULL, spot_id INTEGER NOT NULL, month TEXT NOT NULL, "
    "contacts INTEGER NOT NULL, ed INTEGER NOT NULL, help INTEGER NOT NULL, "
    "PRIMARY KEY (youth_id, spot_id, month)) WITHOUT ROWID",
    "CREATE TABLE report_reach (youth_id INTEGER NOT NULL, spot_id INTEGER NOT NULL, year INTEGER NOT NULL, "
    "months INTEGER NOT NULL, ed_months INTEGER NOT NULL, help_months INTEGER NOT NULL, "
    "PRIMARY KEY (youth_id, year, spot_id)) WITHOUT ROWID",
    "CREATE TABLE report_youth_years (youth_id INTEGER NOT NULL, year INTEGER NOT NULL, months INTEGER NOT NULL, "
    "ed_months INTEGER NOT NULL, help_months INTEGER NOT NULL, age_band TEXT, gender TEXT, first_stage INTEGER, "
    "first_at TEXT, last_stage INTEGER, last_at TEXT, PRIMARY KEY (youth_id, year)) WITHOUT ROWID",
    "CREATE TABLE report_visits (month TEXT NOT NULL, spot_id INTEGER NOT NULL, visits INTEGER NOT NULL, "
    "PRIMARY KEY (month, spot_id)) WITHOUT ROWID",
]

# What each roll-up holds, computed from the base tables: used to fill them once and to check the triggers.
EXPECTED = {
    "report_contacts": """
        SELECT substr(contacted_at, 1, 7), count(*), sum(ed_present), sum(youths_present >= 2),
               sum(CASE WHEN youths_present >= 2 THEN youths_present ELSE 0 END), sum(coalesce(duration_min, 0)),
               sum(EXISTS (SELECT 1 FROM json_each(topics) WHERE value = @HELP))
        FROM contacts WHERE replaced_by IS NULL GROUP BY 1""",
    "report_substances": """
        SELECT substr(c.contacted_at, 1, 7), j.value, count(*) FROM contacts c, json_each(c.substances) j
        WHERE c.replaced_by IS NULL GROUP BY 1, 2""",
    "report_links": """
        SELECT cy.youth_id, coalesce(c.spot_id, 0), substr(c.contacted_at, 1, 7), count(*), sum(c.ed_present),
               sum(EXISTS (SELECT 1 FROM json_each(c.topics) WHERE value = @HELP))
        FROM contact_youths cy JOIN contacts c ON c.id = cy.contact_id WHERE c.replaced_by IS NULL GROUP BY 1, 2, 3""",
    "report_reach": """
        SELECT youth_id, spot_id, CAST(substr(month, 1, 4) AS INTEGER),
               sum(1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1)),
               sum(CASE WHEN ed > 0 THEN 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1) ELSE 0 END),
               sum(CASE WHEN help > 0 THEN 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1) ELSE 0 END)
        FROM report_links GROUP BY 1, 2, 3""",
    "report_youth_years": (""  # nosec B608 - constant SQL
        """
        SELECT l.youth_id, CAST(substr(month, 1, 4) AS INTEGER),
               sum(DISTINCT 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1)),
               sum(DISTINCT CASE WHEN ed > 0 THEN 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1) ELSE 0 END),
               sum(DISTINCT CASE WHEN help > 0 THEN 1 << (CAST(substr(month, 6, 2) AS INTEGER) - 1) ELSE 0 END),
               y.age_band, y.gender, """ + STAGE_COLUMNS.format(youth="l.youth_id") + """
        FROM report_links l JOIN youths y ON y.id = l.youth_id GROUP BY 1, 2"""),
    "report_visits": "SELECT substr(visited_at, 1, 7), spot_id, count(*) FROM visits GROUP BY 1, 2",
}


def _contribution(part, row, sign):
    """A trigger body fragment for one row (NEW/OLD) and sign; plain text substitution of fixed SQL."""
    for marker in ("@R.", "@L.", "@K."):
        part = part.replace(marker, f"{row}.")
    return part.replace("@S", f"({sign})")


def _help(sql, topic):
    """Fixed SQL with @HELP as one of the two constants above."""
    assert topic in (HELP, LEGACY_HELP)  # nosec B101 - never a value from outside this module
    return sql.replace("@HELP", topic)


# A retention purge cuts the links the counts came from but must not change the counts (invariant 5): while
# this meta key exists (only inside the purge's transaction) the triggers stand still.
THAWED = "NOT EXISTS (SELECT 1 FROM meta WHERE key = 'rollups_frozen')"


TRIGGER_NAMES = []


def _trigger(name, event, body, when=None):
    """CREATE TRIGGER statement text."""
    TRIGGER_NAMES.append(name)
    condition = f" WHEN {when} AND {THAWED}" if when else f" WHEN {THAWED}"
    return f"CREATE TRIGGER {name} AFTER {event}{condition} BEGIN {body} END"


CONTACT_COLUMNS = "contacted_at, spot_id, ed_present, youths_present, duration_min, substances, topics, replaced_by"
TRIGGERS = [
    _trigger("report_contact_insert", "INSERT ON contacts", _contribution(CONTACT_PART, "NEW", 1),
             "NEW.replaced_by IS NULL"),
    _trigger("report_contact_delete", "DELETE ON contacts", _contribution(CONTACT_PART, "OLD", -1),
             "OLD.replaced_by IS NULL"),
    _trigger("report_contact_update_old", f"UPDATE OF {CONTACT_COLUMNS} ON contacts",
             _contribution(CONTACT_PART, "OLD", -1), "OLD.replaced_by IS NULL"),
    _trigger("report_contact_update_new", f"UPDATE OF {CONTACT_COLUMNS} ON contacts",
             _contribution(CONTACT_PART, "NEW", 1), "NEW.replaced_by IS NULL"),
    _trigger("report_link_insert", "INSERT ON contact_youths", _contribution(LINK_PART, "NEW", 1)),
    _trigger("report_link_delete", "DELETE ON contact_youths", _contribution(LINK_PART, "OLD", -1)),
    _trigger("report_link_update", "UPDATE ON contact_youths",
             _contribution(LINK_PART, "OLD", -1) + _contribution(LINK_PART, "NEW", 1)),
    _trigger("report_visit_insert", "INSERT ON visits", _contribution(VISIT_PART, "NEW", 1)),
    _trigger("report_visit_delete", "DELETE ON visits", _contribution(VISIT_PART, "OLD", -1)),
    _trigger("report_visit_update", "UPDATE OF visited_at, spot_id ON visits",
             _contribution(VISIT_PART, "OLD", -1) + _contribution(VISIT_PART, "NEW", 1)),
    _trigger("report_youth_profile", "UPDATE OF age_band, gender ON youths",
             "UPDATE report_youth_years SET age_band = NEW.age_band, gender = NEW.gender WHERE youth_id = NEW.id;"),
    _trigger("report_stage_insert", "INSERT ON youth_stages", _contribution(STAGE_UPDATE, "NEW", 1)),
    _trigger("report_stage_delete", "DELETE ON youth_stages", _contribution(STAGE_UPDATE, "OLD", 1)),
    _trigger("report_stage_update", "UPDATE ON youth_stages",
             _contribution(STAGE_UPDATE, "OLD", 1) + _contribution(STAGE_UPDATE, "NEW", 1)),
    _trigger("report_reach_insert", "INSERT ON report_links", _contribution(REACH_PART + YEAR_PART, "NEW", 1)),
    _trigger("report_reach_update", "UPDATE ON report_links", _contribution(REACH_PART + YEAR_PART, "NEW", 1)),
    _trigger("report_reach_delete", "DELETE ON report_links", _contribution(REACH_PART + YEAR_PART, "OLD", 1)),
]


def install(db, topic=LEGACY_HELP):
    """Create the roll-up tables, fill them from what is already stored, then keep them exact with triggers.

    The default is what migration 0005 did (stored labels); reinstall() puts the triggers on the codes.
    """
    for statement in TABLES:
        db.execute(statement)
    for table in EXPECTED:
        db.execute(f"INSERT INTO {table} {_help(EXPECTED[table], topic)}")  # noqa: S608 - fixed text, no values
    for statement in TRIGGERS:
        db.execute(_help(statement, topic))


def drop_triggers(db):
    """Remove every roll-up trigger (the counts stay as they are)."""
    for name in TRIGGER_NAMES:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")


def create_triggers(db):
    """The roll-up triggers over stored codes."""
    for statement in TRIGGERS:
        db.execute(_help(statement, HELP))


def drift(db):
    """Rows where a roll-up differs from a fresh count over the base tables (empty when the triggers are exact)."""
    found = {}
    for table, query in EXPECTED.items():
        stored = set(db.execute(f"SELECT * FROM {table}").fetchall())  # nosec B608 - constant table names
        fresh = set(db.execute(_help(query, HELP)).fetchall())
        if stored != fresh:
            found[table] = (sorted(stored - fresh)[:5], sorted(fresh - stored)[:5])
    return found
