"""Activity on the row: each youth's last contact and count, each spot's last activity, kept exact by triggers."""
from outreach.core import activity
from outreach.core.db import connect


def test_activity_follows_inserts_edits_corrections_deletes_and_merges(app, seed_rows, worker_id):
    """After every kind of write the stored figures equal a fresh count, and they are the expected values."""
    for name in ("A", "B"):
        seed_rows("spots", name=name, kind="park", lat=52.39, lon=6.03, created_by=worker_id)
    for code in ("J-0001", "J-0002"):
        seed_rows("youths", code=code, alias="Pet", age_band="16-17", gender="male", created_by=worker_id)
    db = connect(app.config["DATABASE"])

    def contact(spot, at, *youths):
        """One contact at spot with links to youths; returns its id."""
        cid = db["contacts"].insert({"worker_id": worker_id, "spot_id": spot, "contacted_at": at, "kind": "street",
                                     "youths_present": 1}).last_pk
        db["contact_youths"].insert_all([{"contact_id": cid, "youth_id": y} for y in youths])
        return cid

    def figures():
        """(youth 1, youth 2, spot 1, spot 2) as stored."""
        youths = [tuple(r) for r in db.execute("select last_seen, contacts from youths order by id")]
        spots = [tuple(r) for r in db.execute("select last_active, last_visit, visits, contacts from spots order by id")]
        return youths + spots

    first = contact(1, "2026-03-01 10:00", 1, 2)
    second = contact(1, "2026-04-01 10:00", 1)
    db["visits"].insert({"spot_id": 2, "worker_id": worker_id, "visited_at": "2026-05-01 10:00", "youths_present": 0})
    assert figures() == [("2026-04-01 10:00", 2), ("2026-03-01 10:00", 1),
                         ("2026-04-01 10:00", None, 0, 2), ("2026-05-01 10:00", "2026-05-01 10:00", 1, 0)]
    # A correction: the original drops out, the new row (at spot 2) counts.
    fix = contact(2, "2026-03-02 10:00", 2)
    db.execute("update contacts set replaced_by = ? where id = ?", [fix, first])
    db.execute("update contacts set contacted_at = '2026-02-01 10:00' where id = ?", [second])
    assert figures() == [("2026-02-01 10:00", 1), ("2026-03-02 10:00", 1),
                         ("2026-02-01 10:00", None, 0, 1), ("2026-05-01 10:00", "2026-05-01 10:00", 1, 1)]
    # A merge of youth 2 into 1, a deleted contact and a deleted visit.
    db.execute("insert or ignore into contact_youths (contact_id, youth_id) select contact_id, 1 from contact_youths "
               "where youth_id = 2")
    db.execute("delete from contact_youths where youth_id = 2")
    db.execute("delete from contact_youths where contact_id = ?", [second])
    db.execute("delete from contacts where id = ?", [second])
    db.execute("delete from visits")
    assert figures() == [("2026-03-02 10:00", 1), (None, 0), (None, None, 0, 0),
                         ("2026-03-02 10:00", None, 0, 1)]
    assert activity.drift(db) == {"youths": [], "spots": []}


def test_drift_sees_a_figure_the_triggers_did_not_keep(app, seed_rows, worker_id):
    """drift() is not empty by construction: a figure changed behind the triggers' back shows up."""
    seed_rows("youths", code="J-0001", alias="Pet", age_band="16-17", gender="male", created_by=worker_id)
    seed_rows("spots", name="A", kind="park", lat=52.39, lon=6.03, created_by=worker_id)
    db = connect(app.config["DATABASE"])
    db.execute("update youths set contacts = 3")
    db.execute("update spots set last_active = '2026-01-01 10:00'")
    assert activity.drift(db) == {"youths": [1], "spots": [1]}
