"""Per-youth and per-spot activity kept on the row itself by triggers, so lists sort and show it at any size.

Why: the youth list ordered by last contact and the spot list ordered by last activity used to aggregate every
contact link and visit on each page view (seconds at a million contacts). Each youth now carries `last_seen`
and `contacts` (its current contacts), each spot `last_active`, `last_visit`, `visits` and `contacts`; the
triggers below keep them exact in the same transaction as every write (a new row adds one; an edit,
correction, delete or merge recounts just the rows it touched). `drift()` recomputes everything from the base
tables, so a test can prove the triggers never drift. The SQL is fixed text: no value is ever formatted in.
"""
from sqlite_utils.db import DescIndex

# A youth's figures from its links to current contacts (a corrected original no longer counts).
YOUTH_FIGURES = ("(SELECT max(c.contacted_at), count(c.id) FROM contact_youths cy JOIN contacts c "
                 "ON c.id = cy.contact_id AND c.replaced_by IS NULL WHERE cy.youth_id = youths.id)")
RECOUNT_YOUTHS = (f"UPDATE youths SET (last_seen, contacts) = {YOUTH_FIGURES} "  # nosec B608
                  "WHERE id IN ({ids});")

SPOT_CONTACTS = "FROM contacts c WHERE c.spot_id = spots.id AND c.replaced_by IS NULL"
SPOT_FIGURES = (f"(SELECT count(*) {SPOT_CONTACTS}), (SELECT count(*) FROM visits v WHERE v.spot_id = spots.id), "  # nosec B608
                "(SELECT max(v.visited_at) FROM visits v WHERE v.spot_id = spots.id), "
                f"nullif(max(coalesce((SELECT max(c.contacted_at) {SPOT_CONTACTS}), ''), "
                "coalesce((SELECT max(v.visited_at) FROM visits v WHERE v.spot_id = spots.id), '')), '')")
RECOUNT_SPOTS = (f"UPDATE spots SET (contacts, visits, last_visit, last_active) = ({SPOT_FIGURES}) "  # nosec B608
                 "WHERE id IN ({ids});")

TRIGGERS = {
    "activity_link_insert": ("AFTER INSERT ON contact_youths", RECOUNT_YOUTHS.format(ids="NEW.youth_id")),
    "activity_link_delete": ("AFTER DELETE ON contact_youths", RECOUNT_YOUTHS.format(ids="OLD.youth_id")),
    "activity_link_update": ("AFTER UPDATE ON contact_youths",
                             RECOUNT_YOUTHS.format(ids="OLD.youth_id, NEW.youth_id")),
    "activity_contact_insert": (
        "AFTER INSERT ON contacts WHEN NEW.spot_id IS NOT NULL AND NEW.replaced_by IS NULL",
        "UPDATE spots SET contacts = contacts + 1, last_active = max(coalesce(last_active, ''), NEW.contacted_at) "
        "WHERE id = NEW.spot_id;"),
    "activity_contact_update": (
        "AFTER UPDATE OF spot_id, contacted_at, replaced_by ON contacts",
        RECOUNT_SPOTS.format(ids="OLD.spot_id, NEW.spot_id") + RECOUNT_YOUTHS.format(
            ids="SELECT youth_id FROM contact_youths WHERE contact_id = NEW.id")),
    "activity_contact_delete": (
        "AFTER DELETE ON contacts",
        RECOUNT_SPOTS.format(ids="OLD.spot_id") + RECOUNT_YOUTHS.format(
            ids="SELECT youth_id FROM contact_youths WHERE contact_id = OLD.id")),
    "activity_visit_insert": (
        "AFTER INSERT ON visits",
        "UPDATE spots SET visits = visits + 1, last_visit = max(coalesce(last_visit, ''), NEW.visited_at), "
        "last_active = max(coalesce(last_active, ''), NEW.visited_at) WHERE id = NEW.spot_id;"),
    "activity_visit_update": ("AFTER UPDATE OF spot_id, visited_at ON visits",
                              RECOUNT_SPOTS.format(ids="OLD.spot_id, NEW.spot_id")),
    "activity_visit_delete": ("AFTER DELETE ON visits", RECOUNT_SPOTS.format(ids="OLD.spot_id")),
    # The worker's navigation badge: the latest CJG feedback or decision on a handoff, so counting the unseen
    # ones reads a partial index instead of every handoff's events on every page.
    "activity_handoff_news": (
        "AFTER INSERT ON handoff_events WHEN NEW.kind = 'feedback' OR NEW.status IN ('accepted', 'declined', 'closed')",
        "UPDATE handoffs SET worker_news_at = max(coalesce(worker_news_at, ''), NEW.at) WHERE id = NEW.handoff_id;"),
}
HANDOFF_NEWS = ("(SELECT max(e.at) FROM handoff_events e WHERE e.handoff_id = handoffs.id "
                "AND (e.kind = 'feedback' OR e.status IN ('accepted', 'declined', 'closed')))")
UNSEEN = "worker_news_at > coalesce(worker_seen_at, '')"  # Word for word in the badge's query: the index's WHERE.


def install(db):
    """Add the columns, fill them from the base tables, create the triggers and the indexes the lists read."""
    for column, kind in [("last_seen", str), ("contacts", int)]:
        db["youths"].add_column(column, kind, not_null_default=0 if kind is int else None)
    for column, kind in [("last_active", str), ("last_visit", str), ("visits", int), ("contacts", int)]:
        db["spots"].add_column(column, kind, not_null_default=0 if kind is int else None)
    db["handoffs"].add_column("worker_news_at", str)
    db.execute(f"UPDATE handoffs SET worker_news_at = {HANDOFF_NEWS}")  # nosec B608 - constant SQL
    db.execute(f"CREATE INDEX handoffs_unseen ON handoffs (worker_id) WHERE {UNSEEN}")  # nosec B608
    db.execute(RECOUNT_YOUTHS.format(ids="SELECT id FROM youths"))
    db.execute(RECOUNT_SPOTS.format(ids="SELECT id FROM spots"))
    for name, (when, body) in TRIGGERS.items():
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")  # nosec B608 - constant SQL
    # Descending where the lists sort descending, so a page is read straight off the index with no sort.
    db["youths"].create_index(["merged_into", DescIndex("last_seen"), "code"])
    db["spots"].create_index(["archived_at", DescIndex("last_active"), "name"])
    db["contacts"].create_index(["replaced_by", "contacted_at"])
    db["visits"].create_index(["worker_id", "visited_at"])  # A worker's recent spots, for the forms' menus.
    db["visits"].create_index(["visited_at"])  # The team's latest visits.
    db["spots"].create_index(["lat", "lon"])  # The nearest spots: a box around the phone first.
    db["concerns"].create_index(["status", "level", "received_at"])  # The open concerns, most worrying first.


def drift(db):
    """Youths and spots whose stored figures differ from a fresh count (empty when the triggers are exact)."""
    youths = db.execute(
        f"SELECT id FROM youths WHERE (last_seen, contacts) IS NOT {YOUTH_FIGURES}").fetchall()  # nosec B608
    spots = db.execute(f"SELECT id FROM spots WHERE (contacts, visits, last_visit, last_active) "  # nosec B608
                       f"IS NOT ({SPOT_FIGURES})").fetchall()
    handoffs = db.execute(
        f"SELECT id FROM handoffs WHERE worker_news_at IS NOT {HANDOFF_NEWS}").fetchall()  # nosec B608
    found = {"youths": [r[0] for r in youths], "spots": [r[0] for r in spots]}
    return {**found, "handoffs": [r[0] for r in handoffs]} if handoffs else found
