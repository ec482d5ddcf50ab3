"""Retention (invariant 5): terms set by the admin, `purge` erases what is due, the report stays the same."""
from datetime import date, datetime

import pytest

from conftest import form_errors
from outreach.core.db import connect
from outreach.demo.seed import seed
from outreach.report.figures import Period
from outreach.report.model import collect
from outreach.admin.retention import DEFAULTS, purge
from outreach.admin.retention import months_before

END = date(2026, 6, 30)
DEMO = Period("2025-07", "2026-06")


@pytest.fixture
def demo_db(app):
    """The demo year up to 30 June 2026 in the app's database; yields a connection of its own."""
    with app.app_context():
        seed(2026, 1, END)
    db = connect(app.config["DATABASE"])
    yield db
    db.close()


def figures(db):
    """Every raw figure of the demo year and of the year before, with the medians."""
    out = {}
    for period in (DEMO, DEMO.previous(), Period("2026-01", "2026-03")):
        sheet = collect(db, period, reach=True)[0]
        out[period] = (sheet.cells, sheet.medians, sheet.minutes, sheet.hours)
    return out


def one(db, sql):
    """One number."""
    return db.execute(sql).fetchone()[0]


def test_invariant_5_report_unchanged_by_a_purge_one_year_later(app, demo_db):
    """Notes, handoff details and texts go after a year with the default terms; every figure stays."""
    before = figures(demo_db)
    notes = one(demo_db, "select count(*) from contacts where note is not null")
    names = one(demo_db, "select count(*) from handoffs where full_name is not null and closed_at is not null")
    assert notes > 20 and names > 0
    with app.app_context():
        done = purge(demo_db, now=datetime(2027, 6, 30, 12, 0))
    assert done["notes"] >= notes and done["handoff_identity"] >= names
    assert one(demo_db, "select count(*) from contacts where note is not null") == 0
    assert one(demo_db, "select count(*) from handoffs where full_name is not null and closed_at is not null") == 0
    assert figures(demo_db) == before


def test_report_unchanged_when_every_term_is_zero(app, demo_db):
    """With every term at 0 months every youth is anonymised and every link cut; the counts are still equal."""
    before = figures(demo_db)
    # The purge empties every profile's risk signals: the report's count of them must not follow (issue 15).
    assert before[DEMO][0]["risk_future"] > 0 and before[DEMO][0]["topic:school_work"] > 0
    assert before[DEMO][0]["use_visits"] > 0 and before[DEMO][0]["dealing_visits"] > 0
    demo_db["meta"].upsert_all([{"key": f"retention.{k}", "value": "0"} for k in DEFAULTS], pk="key")
    with app.app_context():
        done = purge(demo_db, now=datetime(2026, 7, 1, 12, 0))
    assert done["youths"] == one(demo_db, "select count(*) from youths") > 0
    assert one(demo_db, "select count(*) from contact_youths") == 0
    assert one(demo_db, "select count(*) from youths where alias is not null") == 0
    assert one(demo_db, "select count(*) from youths where risk_signals != '[]'") == 0
    assert one(demo_db, "select count(*) from concerns where worry is not null or facts is not null") == 0
    assert figures(demo_db) == before


def test_purged_name_is_gone_from_the_database_file(app, demo_db, tmp_path):
    """A handoff's name, closed long enough ago, is not in the file's bytes after purge and checkpoint."""
    canary = "Canaryvogel Zeldzaam"
    demo_db.execute("update handoffs set full_name = ? where id = (select min(id) from handoffs "
                    "where closed_at < '2026-01-01')", [canary])
    demo_db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = app.config["DATABASE"]
    assert canary.encode() in open(path, "rb").read()
    with app.app_context():
        purge(demo_db, now=datetime(2026, 6, 30, 12, 0))
    app.extensions["outreach.db"].close_all()
    demo_db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("", "-wal"):
        try:
            data = open(path + suffix, "rb").read()
        except FileNotFoundError:
            continue
        assert canary.encode() not in data, suffix


def test_audit_log_lets_go_only_of_rows_past_their_term(app, demo_db):
    """Purge deletes audit rows older than the term; otherwise the log still refuses update and delete."""
    demo_db.execute("insert into audit_log (at, action, result) values ('2019-01-01T00:00:00Z', 'view', 'ok')")
    with app.app_context():
        done = purge(demo_db, now=datetime(2026, 7, 1, 12, 0))
    assert done["audit"] == 1
    assert one(demo_db, "select count(*) from audit_log where at < '2020-01-01'") == 0
    row = one(demo_db, "select id from audit_log where action = 'purge'")
    for statement in ("delete from audit_log where id = ?", "update audit_log set result = 'x' where id = ?"):
        with pytest.raises(Exception, match="append-only"):
            demo_db.execute(statement, [row])


def test_purge_command_writes_what_it_erased_to_the_audit_log(runner, query):
    """`flask purge` says what it erased and leaves an audit row with the counts, not the content."""
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "Opgeschoond: vrije teksten 0, teksten van zorgmeldingen 0" in result.output
    assert "jongerenprofielen 0" in result.output and "notes" not in result.output
    rows = query("select action, object_type, result from audit_log where action = 'purge'")
    assert rows[0]["object_type"] == "retention" and "notes 0" in rows[0]["result"]


def test_admin_sets_a_term_and_bad_input_is_named_in_dutch(auth, client, query):
    """The admin page stores terms in months; a wrong number is named next to its field."""
    auth.login_role("admin")
    page = "/admin/retention/"
    values = {key: str(months) for key, months in DEFAULTS.items()}
    html = auth.post(page, {**values, "notes": "duizend"}, page=page).get_data(as_text=True)
    assert form_errors(html) and 'value="duizend"' in html
    assert query("select count(*) as n from meta where key like 'retention.%'")[0]["n"] == 0
    auth.post(page, {**values, "notes": "6"}, page=page)
    assert query("select value from meta where key = 'retention.notes'")[0]["value"] == "6"
    assert query("select result from audit_log where object_type = 'retention'") == [{"result": "notes 12→6"}]


@pytest.mark.parametrize("moment, months, expected", [
    (datetime(2026, 3, 31, 10, 0), 1, datetime(2026, 2, 28, 10, 0)),
    (datetime(2024, 3, 31, 10, 0), 1, datetime(2024, 2, 29, 10, 0)),
    (datetime(2026, 1, 15, 8, 0), 24, datetime(2024, 1, 15, 8, 0)),
    (datetime(2026, 1, 15, 8, 0), 0, datetime(2026, 1, 15, 8, 0)),
])
def test_months_before(moment, months, expected):
    """Whole months back, the day clipped to a shorter month."""
    assert months_before(moment, months) == expected


def test_audit_term_cannot_empty_the_log_and_changes_are_logged(auth, client, query):
    """The audit log keeps at least a year; the audit row of a change says what changed, old → new."""
    auth.login_role("admin")
    page = "/admin/retention/"
    values = {key: str(months) for key, months in DEFAULTS.items()}
    html = auth.post(page, {**values, "audit": "0"}, page=page).get_data(as_text=True)
    assert "Kies 12 tot 120 maanden." in form_errors(html)
    auth.post(page, {**values, "notes": "6"}, page=page)
    assert query("select result from audit_log where object_type = 'retention'") == [{"result": "notes 12→6"}]


@pytest.mark.parametrize("year", [1900, 2000, 2025, 2026, 2027, 2028, 2100])
@pytest.mark.parametrize("month", range(1, 13))
def test_months_before_from_the_last_day_of_every_month(year, month):
    """From the 31st (or the month's last day), one and thirteen months back land on a day that exists."""
    import calendar
    moment = datetime(year, month, calendar.monthrange(year, month)[1], 23, 59)
    for back in (1, 13):
        index = year * 12 + month - 1 - back
        y, m = index // 12, index % 12 + 1
        assert months_before(moment, back) == datetime(y, m, min(moment.day, calendar.monthrange(y, m)[1]), 23, 59)


NOW = datetime(2026, 7, 15, 12, 0)  # Cutoffs with the default terms: 2025-07-15 12:00 (12 months), 2026-04-15 (3).
TABLES = ["youths", "contacts", "contact_youths", "visits", "concerns", "handoffs", "handoff_events"]


@pytest.fixture
def around_the_cutoffs(seed_rows, worker_id, spot):
    """Rows on both sides of every term's cutoff, for an active youth (1) and an inactive one (2)."""
    youth = {"age_band": "16-17", "gender": "male", "created_by": worker_id, "created_at": "2023-01-01T10:00:00Z",
             "risk_signals": '["schooluitval"]'}
    ids = {f"youth_{n}": seed_rows("youths", code=f"J-000{n}", alias=f"Pet {n}", **youth) for n in range(1, 6)}
    for name, at in [("contact_due", "2025-07-15 11:59"), ("contact_edge", "2025-07-15 12:00"),
                     ("contact_recent", "2026-06-15 09:00")]:
        ids[name] = seed_rows("contacts", worker_id=worker_id, spot_id=spot, contacted_at=at, kind="street",
                              youths_present=1, note=f"Notitie {name}")
        seed_rows("contact_youths", contact_id=ids[name], youth_id=ids["youth_1"])
    for name, at in [("visit_due", "2025-07-15 11:59"), ("visit_edge", "2025-07-15 12:00")]:
        ids[name] = seed_rows("visits", spot_id=spot, worker_id=worker_id, visited_at=at, youths_present=2,
                              note=f"Notitie {name}")
    concern = {"youth_id": ids["youth_1"], "recorded_by": worker_id, "source": "friend", "level": "high",
               "received_at": "2024-01-01 10:00"}
    for name, status, closed in [("concern_due", "closed", "2025-07-15 11:59"),
                                 ("concern_edge", "closed", "2025-07-15 12:00"),
                                 ("concern_open", "investigating", None)]:
        ids[name] = seed_rows("concerns", status=status, closed_at=closed, worry=f"Zorg {name}",
                              facts=f"Feit {name}", **concern)
    # Youth 3 shows life through a recent concern, 4 through a recent handoff, 5 through a stage change.
    seed_rows("concerns", **{**concern, "youth_id": ids["youth_3"], "received_at": "2026-07-01 10:00"},
              status="new", worry="Recent")
    handoff = {"worker_id": worker_id, "facts": "Feiten", "urgency": "high", "consent": "yes", "birth_date": "2009-02-03",
               "phone": "0612345678", "address": "Dorpsstraat 1", "summary": "Samenvatting"}
    for name, youth_id, sent, closed, declined in [
            ("handoff_text_due", "youth_1", "2025-01-01 10:00", "2025-07-15 11:59", None),
            ("handoff_identity_due", "youth_1", "2026-01-01 10:00", None, "2026-04-15 11:59"),
            ("handoff_identity_edge", "youth_1", "2026-01-01 10:00", "2026-04-15 12:00", None),
            ("handoff_open", "youth_1", "2020-01-01 10:00", None, None),
            ("handoff_recent", "youth_4", "2026-07-01 10:00", None, None)]:
        ids[name] = seed_rows("handoffs", youth_id=ids[youth_id], reason=f"Reden {name}", full_name=f"Naam {name}",
                              sent_at=sent, closed_at=closed, declined_at=declined,
                              status="closed" if closed else "declined" if declined else "sent", **handoff)
        seed_rows("handoff_events", handoff_id=ids[name], at=sent, kind="opmerking", text=f"Tijdlijn {name}")
    seed_rows("youth_stages", youth_id=ids["youth_5"], stage=3, set_at="2026-07-01 10:00")
    # Inactive youth 2 (and the duplicate merged into it) still has an open concern, an open handoff and a link:
    # only the youth's own erasure takes those, no term does.
    ids["youth_6"] = seed_rows("youths", code="J-0006", alias="Dubbel", merged_into=ids["youth_2"], **youth)
    ids["contact_of_2"] = seed_rows("contacts", worker_id=worker_id, spot_id=spot, contacted_at="2024-01-01 10:00",
                                    kind="street", youths_present=1, note="Notitie bij 2")
    seed_rows("contact_youths", contact_id=ids["contact_of_2"], youth_id=ids["youth_2"])
    ids["concern_of_2"] = seed_rows("concerns", **{**concern, "youth_id": ids["youth_2"]}, status="new",
                                    worry="Zorg om 2", facts="Feit om 2")
    ids["handoff_of_2"] = seed_rows("handoffs", youth_id=ids["youth_2"], reason="Reden 2", full_name="Naam 2",
                                    sent_at="2024-01-01 10:00", status="sent", **handoff)
    seed_rows("handoff_events", handoff_id=ids["handoff_of_2"], at="2024-01-01 10:00", kind="opmerking",
              text="Tijdlijn 2")
    return ids


def snapshot(query):
    """Every row of the tables purge may touch, as {(table, id): row}."""
    return {(t, r.get("id", (r.get("contact_id"), r.get("youth_id")))): r
            for t in TABLES for r in query(f"select * from {t}")}  # noqa: S608 - fixed table names


def test_purge_erases_exactly_what_is_due_and_leaves_the_rest_untouched_field_by_field(app, query,
                                                                                        around_the_cutoffs):
    """One minute past a term: erased; at the cutoff or newer, open or active: every field as it was."""
    ids, before = around_the_cutoffs, snapshot(query)
    with app.app_context():
        from outreach.core.db import get_db
        done = purge(get_db(), now=NOW)
    after = snapshot(query)
    expected = {key: dict(row) for key, row in before.items()}
    for name in ("contact_due", "visit_due", "contact_of_2"):
        expected[(name.split("_")[0] + "s", ids[name])]["note"] = None  # contact_of_2: due by the notes term too.
    expected[("concerns", ids["concern_due"])].update(worry=None, facts=None)
    identity = {"full_name": None, "birth_date": None, "phone": None, "address": None}
    expected[("handoffs", ids["handoff_identity_due"])].update(identity)
    expected[("handoffs", ids["handoff_text_due"])].update(identity, reason="", facts="", summary=None,
                                                          decline_reason=None)
    for handoff in ("handoff_text_due", "handoff_of_2"):
        event = next(k for k, r in before.items() if k[0] == "handoff_events" and r["handoff_id"] == ids[handoff])
        expected[event]["text"] = None
    expected[("handoffs", ids["handoff_of_2"])].update(identity, reason="", facts="", summary=None)
    expected[("concerns", ids["concern_of_2"])].update(worry=None, facts=None)
    del expected[("contact_youths", (ids["contact_of_2"], ids["youth_2"]))]
    for youth in ("youth_2", "youth_6"):
        key = ("youths", ids[youth])
        assert after[key]["erased_at"] is not None
        expected[key].update(alias=None, risk_signals="[]", erased_at=after[key]["erased_at"])
    # The cut link leaves youth 2 without contacts in the list's kept figures (core/activity.py) too.
    expected[("youths", ids["youth_2"])].update(last_seen=None, contacts=0)
    assert after == expected
    assert (done["notes"], done["concern_text"], done["handoff_identity"], done["youths"]) == (3, 1, 2, 2)


def test_purge_erases_the_reporter_of_every_closed_or_handed_off_concern_and_no_other(app, auth, client, youth):
    """A concern closed or handed off without its reporter erased (an interrupted close): purge erases it then."""
    from test_concerns import post_concern
    auth.login_role("worker")
    pages = [post_concern(auth, reporter_name=f"Melder {n}").headers["Location"] for n in range(3)]
    with app.app_context():
        from outreach.core.db import get_db
        db = get_db()
        for page, status in zip(pages, ("closed", "handed_over")):
            db.execute("update concerns set status = ?, closed_at = '2026-07-01 10:00' where id = ?",
                       [status, int(page.rstrip("/").rsplit("/", 1)[1])])
        assert purge(db, now=NOW)["reporters"] == 2
    shown = [client.get(page).text for page in pages]
    assert "Melder 0" not in shown[0] and "Melder 1" not in shown[1]
    assert "06-11122233" not in shown[0] + shown[1]
    assert "Melder 2" in shown[2] and "06-11122233" in shown[2]  # An open concern keeps its reporter.


def test_erasing_a_youth_counts_the_notes_and_links_it_cut(app, around_the_cutoffs):
    """anonymise_youth reports what it took for the whole family: here one group note and one link."""
    from outreach.core.db import get_db
    from outreach.admin.retention import anonymise_youth, frozen
    with app.app_context():
        db = get_db()
        with db.atomic(), frozen(db):
            assert anonymise_youth(db, around_the_cutoffs["youth_2"]) == {"notes": 1, "links": 1}
            assert anonymise_youth(db, around_the_cutoffs["youth_1"]) == {"notes": 3, "links": 3}


def test_the_audit_term_counts_in_utc_from_local_time_and_the_log_closes_again(app, monkeypatch):
    """Local noon in summer is 10:00 UTC: the audit rows before the cutoff go, the rest stay, and afterwards
    the log refuses deletes again (also of old rows), whatever time zone the server itself runs in."""
    import time
    from outreach.core.db import get_db
    monkeypatch.setenv("TZ", "America/New_York")  # Not the municipality's zone, not UTC.
    time.tzset()
    try:
        with app.app_context():
            db = get_db()
            for at in ("2021-07-01T09:59:59Z", "2021-07-01T10:00:00Z"):
                db.execute("insert into audit_log (at, action, result) values (?, 'view', 'ok')", [at])
            done = purge(db, now=datetime(2026, 7, 1, 12, 0))
            assert done["audit"] == 1
            assert [r[0] for r in db.execute("select at from audit_log where at < '2022'")] == ["2021-07-01T10:00:00Z"]
            result = db.execute("select result from audit_log where action = 'purge'").fetchone()[0]
            assert result == ", ".join(f"{k} {v}" for k, v in done.items()) and result.startswith("notes 0, ")
            db.execute("insert into audit_log (at, action, result) values ('2019-01-01T00:00:00Z', 'view', 'ok')")
            with pytest.raises(Exception, match="append-only"):
                db.execute("delete from audit_log where at < '2020'")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
