"""seed-demo: deterministic for a seed, fills every table, respects the invariants, scales."""
import shutil

import pytest

from conftest import make_app
from outreach.core.crypto import ENCRYPTED, unseal
from outreach.core.db import connect
from outreach.core.reporters import connect as connect_store, path_for

END = "2026-11-27"
RANDOM_COLUMNS = {"users": {"password_hash", "session_token", "created_at", "password_changed_at", "totp_secret",
                             "totp_enrolled_at"},
                  "audit_log": {"at"}, "_sqlite_migrations": {"applied_at"}}


def seeded(tmp_path, name, *args):
    """Seed a fresh database and return a plain connection to it."""
    app = make_app(tmp_path / f"{name}.sqlite")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--end-date", END, *args])
    assert result.exit_code == 0, result.output
    app.extensions["outreach.db"].close_all()
    return connect(tmp_path / f"{name}.sqlite"), result.output


def dump(db):
    """Every table's rows, decrypted (each seal has a random nonce), minus columns random by design (passwords)."""
    app, out = make_app(db.execute("PRAGMA database_list").fetchone()[2]), {}
    with app.app_context():
        for table in db.table_names():
            skip = RANDOM_COLUMNS.get(table, set())
            rows = (unseal(table, row) if table in ENCRYPTED else row for row in db[table].rows)
            out[table] = [{k: v for k, v in row.items() if k not in skip} for row in rows]
    app.extensions["outreach.db"].close_all()
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One seeded demo database shared by the read-only tests below."""
    db, output = seeded(tmp_path_factory.mktemp("demo"), "demo")
    yield db, output
    db.close()


def test_seed_is_deterministic(tmp_path, demo):
    """Seed is deterministic."""
    again, _ = seeded(tmp_path, "again")
    assert dump(again) == dump(demo[0])
    other, _ = seeded(tmp_path, "other", "--seed", "7")
    assert dump(other)["contacts"] != dump(demo[0])["contacts"]


def test_seed_fills_every_table(demo):
    """Seed fills every table."""
    db = demo[0]
    # Empty by design until someone uses them (oidc_accounts: the demo has no OpenID provider).
    unused = {"recovery_codes", "login_failures", "oidc_accounts"}
    empty = [t for t in db.table_names() if db[t].count == 0 and t not in unused]
    assert empty == []


def test_seed_prints_a_login_per_role(demo):
    """Seed prints a login per role."""
    output = demo[1]
    for role in ("worker", "cjg", "manager", "admin"):
        assert f"  {role}" in output


def test_seed_is_a_realistic_year(demo):
    """Seed is a realistic year."""
    db = demo[0]
    first, last = db.execute("select min(contacted_at), max(contacted_at) from contacts").fetchone()
    assert first >= "2025-11-28" and last <= "2026-11-27 23:59"
    assert 1200 <= db["contacts"].count <= 3000
    weekdays = dict(db.execute("select strftime('%w', contacted_at), count(*) from contacts group by 1").fetchall())
    assert len(weekdays) == 7 and weekdays["0"] < weekdays["5"]  # Sundays quieter than Fridays.
    evening = db.execute("select count(*) from contacts where substr(contacted_at, 12, 2) >= '19'").fetchone()[0]
    assert evening > db["contacts"].count / 3
    lat, lon = db.execute("select avg(lat), avg(lon) from spots").fetchone()
    assert 52.35 < lat < 52.45 and 6.0 < lon < 6.1  # Around Heerde.
    assert {r[0] for r in db.execute("select distinct stage from youths where stage is not null")} == {1, 2, 3, 4, 5}
    assert db.execute("select count(*) from visits where youths_present = 0").fetchone()[0] > 0


def test_seed_has_every_status(demo):
    """Seed has every status."""
    db = demo[0]
    assert {r[0] for r in db.execute("select distinct status from concerns")} == {
        "new", "investigating", "contacted", "handed_over", "closed"}
    assert {r[0] for r in db.execute("select distinct status from handoffs")} == {
        "sent", "received", "accepted", "declined", "closed"}


def test_seed_cases_in_hand_carry_a_thread_with_one_answer_unread_on_each_side(demo):
    """Every accepted or finished case has the CJG's word and the worker's answer a day later (a finished one a
    second word from the CJG), oldest first; the CJG has one answer unread and the worker one message, on
    different cases, so both badges show in the demo."""
    db = demo[0]
    threads = {}
    for handoff_id, status, kind, at, actor_role in db.execute(
            "select h.id, h.status, e.kind, e.at, u.role from handoffs h join handoff_events e on e.handoff_id = h.id "
            "join users u on u.id = e.actor_id where e.kind in ('feedback', 'reply') order by h.id, e.at, e.id"):
        threads.setdefault((handoff_id, status), []).append((kind, actor_role, at))
    in_hand = {r[0] for r in db.execute("select id from handoffs where status in ('accepted', 'closed')")}
    assert {h for h, _ in threads} == in_hand and in_hand
    for (_, status), messages in threads.items():
        kinds = [(kind, role) for kind, role, _ in messages]
        assert kinds == [("feedback", "cjg"), ("reply", "worker")] + ([("feedback", "cjg")] if status == "closed" else [])
        assert [at for *_, at in messages] == sorted(at for *_, at in messages)
    cjg_unread = [r[0] for r in db.execute("select id from handoffs where cjg_news_at > coalesce(cjg_seen_at, '')")]
    worker_unread = [r[0] for r in db.execute("select id from handoffs where worker_news_at > coalesce(worker_seen_at, '')")]
    assert len(cjg_unread) == len(worker_unread) == 1 and cjg_unread != worker_unread


def test_invariant_2_seed_keeps_reporters_only_for_open_concerns(demo):
    """Invariant 2: the seed keeps reporters, in the reporter store, only for open concerns."""
    db = demo[0]
    store = connect_store(path_for(db.execute("PRAGMA database_list").fetchone()[2]))
    ids = [r[0] for r in store.execute("select concern_id from concern_reporters")]
    store.close()
    statuses = {r[0] for r in db.execute(
        "select status from concerns where id in (select value from json_each(?))", [str(ids)])}
    assert statuses and statuses <= {"new", "investigating", "contacted"}


def test_seed_refuses_a_filled_database(tmp_path):
    """Seed refuses a filled database."""
    db, _ = seeded(tmp_path, "full")
    app = make_app(tmp_path / "full.sqlite")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "bevat al gegevens" in result.output
    assert db["spots"].count == 12
    app.extensions["outreach.db"].close_all()


def test_scale_multiplies(tmp_path, demo):
    """Scale multiplies."""
    db, _ = seeded(tmp_path, "double", "--scale", "2")
    assert db["spots"].count == 24 and db["youths"].count == 140
    assert db["contacts"].count > 1.6 * demo[0]["contacts"].count


def test_demo_marker_on_every_page(tmp_path, template_db):
    """Demo marker on every page."""
    shutil.copy(template_db, tmp_path / "plain.sqlite")
    plain = make_app(tmp_path / "plain.sqlite")
    assert "DEMO" not in plain.test_client().get("/login").text
    plain.extensions["outreach.db"].close_all()
    seeded(tmp_path, "marked")
    marked = make_app(tmp_path / "marked.sqlite")
    assert ">DEMO<" in marked.test_client().get("/login").text
    marked.extensions["outreach.db"].close_all()


def test_seed_walks_in_rounds(demo):
    """Every demo contact and visit lies inside an ended round of its own worker, the ED on exactly the rounds
    whose entries had the ED, and one worker's rounds never overlap: the report's hours on the street add up."""
    db = demo[0]
    assert db.execute("select count(*) from rounds where ended_at is null").fetchone()[0] == 0
    for table, at in (("contacts", "contacted_at"), ("visits", "visited_at")):
        outside = db.execute(f"select count(*) from {table} e left join rounds r on r.id = e.round_id "  # nosec B608
                             f"where r.id is null or r.worker_id != e.worker_id or e.{at} < r.started_at "
                             f"or e.{at} > r.ended_at or r.ed_present != e.ed_present").fetchone()[0]
        assert outside == 0, table
    lengths = [r[0] for r in db.execute("select (julianday(ended_at) - julianday(started_at)) * 24 * 60 from rounds")]
    assert 20 <= min(lengths) and max(lengths) <= 6 * 60  # From a short walk past one spot to a long evening.
    overlaps = db.execute("select count(*) from rounds a join rounds b on a.worker_id = b.worker_id and a.id < b.id "
                          "and a.started_at < b.ended_at and b.started_at < a.ended_at").fetchone()[0]
    assert overlaps == 0
    assert db.execute("select count(distinct ed_present) from rounds").fetchone()[0] == 2
