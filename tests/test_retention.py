"""Retention (invariant 5): terms set by the admin, `purge` erases what is due, the report stays the same."""
from datetime import date, datetime

import pytest

from conftest import form_errors
from outreach.db import connect
from outreach.demo import seed
from outreach.report_figures import Period
from outreach.report_model import collect
from outreach.retention import DEFAULTS, months_before, purge

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
        out[period] = (sheet.cells, sheet.medians, sheet.minutes)
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
    demo_db["meta"].upsert_all([{"key": f"retention.{k}", "value": "0"} for k in DEFAULTS], pk="key")
    with app.app_context():
        done = purge(demo_db, now=datetime(2026, 7, 1, 12, 0))
    assert done["youths"] == one(demo_db, "select count(*) from youths") > 0
    assert one(demo_db, "select count(*) from contact_youths") == 0
    assert one(demo_db, "select count(*) from youths where alias is not null") == 0
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
    assert result.exit_code == 0 and "Opgeschoond:" in result.output
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
