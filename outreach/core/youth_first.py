"""One row per youth for the report's cohorts (migration 0021): the month of the first contact ever, whether the ED
was there in it, the first question for help from that month on, and the month of the first handoff ever.

Why: the ED comparison and the time to trust (report/cohorts.py) follow every youth from their first month. Worked
out from report_youth_years on every report, that took a third of the report's SQL at a million contacts; these
values do not depend on the period asked for, so triggers keep them here and the report reads one row per youth.
Months are codes year * 4096 + bit (bit 0 = January), as in report_youth_years.

Kept from report_youth_years (itself a roll-up that a purge leaves alone) and from handoffs' youth and send
time, so a purge changes nothing here either. Every change recomputes the youth's row whole, from those rows.
"""

TABLE = ("CREATE TABLE report_youth_first (youth_id INTEGER PRIMARY KEY, start INTEGER NOT NULL, "
         "with_ed INTEGER NOT NULL, helped INTEGER, sent INTEGER) WITHOUT ROWID")

# A handoff's month as a code; the first handoff ever of youth @Y (NULL when none was sent).
SENT = ("(SELECT min(CAST(substr(sent_at, 1, 4) AS INTEGER) * 4096 + (1 << (CAST(substr(sent_at, 6, 2) AS INTEGER) "
        "- 1))) FROM handoffs WHERE youth_id = @Y AND sent_at IS NOT NULL)")
# Help in a later year than the first: the first such month.
LATER_HELP = ("(SELECT min(year * 4096 + (help_months & -help_months)) FROM report_youth_years l "
              "WHERE l.youth_id = f.youth_id AND l.year > f.year AND help_months != 0)")
# From the youth's first year row f (bit b = its first month): help from b on in that year, else in a later year.
FROM_FIRST = ("f.youth_id, f.year * 4096 + (f.months & -f.months), (f.ed_months & f.months & -f.months) != 0, "
              "coalesce(CASE WHEN f.help_months & ~((f.months & -f.months) - 1) THEN f.year * 4096 + "
              "((f.help_months & ~((f.months & -f.months) - 1)) & -(f.help_months & ~((f.months & -f.months) - 1))) "
              "END, " + LATER_HELP + "), " + SENT.replace("@Y", "f.youth_id"))
# Every youth's row from scratch: the backfill, and the check that the triggers keep it exact.
FRESH = ("SELECT " + FROM_FIRST + " FROM report_youth_years f WHERE f.year = "  # nosec B608 - constant SQL
         "(SELECT min(year) FROM report_youth_years m WHERE m.youth_id = f.youth_id)")
# One youth's row again, whole (no row when the youth has no contacts left).
REDO = ("DELETE FROM report_youth_first WHERE youth_id = @Y; "
        "INSERT INTO report_youth_first (youth_id, start, with_ed, helped, sent) SELECT " + FROM_FIRST +  # nosec B608
        " FROM report_youth_years f WHERE f.youth_id = @Y ORDER BY f.year LIMIT 1;")

TRIGGERS = {
    "youth_first_years_insert": "AFTER INSERT ON report_youth_years BEGIN " + REDO.replace("@Y", "NEW.youth_id"),
    # The roll-up deletes a youth's year row and inserts it again from the links left (rollups.YEAR_PART): only
    # when no link of that year is left does the row stay gone, and this one has to work it out; otherwise the
    # insert that follows does (half the work on every contact saved).
    "youth_first_years_delete": "AFTER DELETE ON report_youth_years WHEN NOT EXISTS (SELECT 1 FROM report_links "  # nosec B608
                                "WHERE youth_id = OLD.youth_id AND month BETWEEN OLD.year || '-01' AND OLD.year "
                                "|| '-12') BEGIN " + REDO.replace("@Y", "OLD.youth_id"),
    # Not when only the stages copied onto the row change (rollups.STAGE_UPDATE, on every stage set).
    "youth_first_years_update": "AFTER UPDATE OF youth_id, year, months, ed_months, help_months ON report_youth_years "
                                "BEGIN " + REDO.replace("@Y", "OLD.youth_id")
                                + REDO.replace("@Y", "NEW.youth_id"),
    "youth_first_handoff_insert": "AFTER INSERT ON handoffs WHEN NEW.sent_at IS NOT NULL BEGIN "
                                  + REDO.replace("@Y", "NEW.youth_id"),
    "youth_first_handoff_delete": "AFTER DELETE ON handoffs WHEN OLD.sent_at IS NOT NULL BEGIN "
                                  + REDO.replace("@Y", "OLD.youth_id"),
    "youth_first_handoff_update": "AFTER UPDATE OF youth_id, sent_at ON handoffs BEGIN "
                                  + REDO.replace("@Y", "OLD.youth_id") + REDO.replace("@Y", "NEW.youth_id"),
}


def install(db):
    """Create the table, fill it from what is stored, add the triggers."""
    db.execute(TABLE)
    db.execute("INSERT INTO report_youth_first " + FRESH)  # nosec B608 - constant SQL
    for name, body in TRIGGERS.items():
        db.execute(f"CREATE TRIGGER {name} {body} END")  # nosec B608 - names and bodies from this module


def drift(db):
    """Rows that differ from a fresh computation (empty when the triggers are exact): (stored only, fresh only)."""
    stored = set(db.execute("SELECT * FROM report_youth_first").fetchall())
    fresh = set(db.execute(FRESH).fetchall())
    return (sorted(stored - fresh)[:5], sorted(fresh - stored)[:5]) if stored != fresh else ()
