"""Rounds: start and end, the ED preset on every contact and visit form of a round, round_id on what is saved,
a forgotten round ended at its last entry, every start and end audited."""
import re
from datetime import timedelta

from conftest import csrf_token
from outreach.core.dates import now_local, stamp
from outreach.core.db import get_db
from outreach.field.rounds import RUNNING


def start(auth, ed=True):
    """Start a round from the home page (with or without the ED)."""
    return auth.post("/rounds/start", {"ed_present": "1"} if ed else {})


def running(query, worker_id):
    """The worker's rounds that have not ended."""
    return query("select * from rounds where worker_id = ? and ended_at is null", [worker_id])


def test_start_and_end_a_round(auth, client, query, worker_id):
    """Start ronde → one running round with the ED, shown in the header; Einde ronde ends it, audited both ways."""
    auth.login_role("worker")
    page = client.get("/").text
    assert "Start ronde" in page and "roundbar" not in page
    assert start(auth).status_code == 302
    [row] = running(query, worker_id)
    assert row["ed_present"] == 1 and row["started_at"] <= stamp(now_local())
    page = client.get("/spots/").text
    assert "Ronde sinds" in page and "met ED" in page and "Einde ronde" in page
    assert auth.post("/rounds/end").status_code == 302
    assert running(query, worker_id) == []
    [ended] = query("select * from rounds where worker_id = ?", [worker_id])
    assert ended["ended_at"] >= ended["started_at"]
    actions = [r["action"] for r in query("select action from audit_log where object_type = 'round' order by id")]
    assert actions == ["round start", "round end"]
    assert "Ronde sinds" not in client.get("/spots/").text
    # A second tap on Einde ronde changes nothing.
    auth.post("/rounds/end")
    assert query("select ended_at from rounds where id = ?", [ended["id"]])[0]["ended_at"] == ended["ended_at"]


def test_forms_preset_the_ed_and_entries_keep_their_round(auth, client, query, worker_id, spot):
    """During a round with the ED both forms come with the ED ticked and the round id; saved rows carry it."""
    auth.login_role("worker")
    start(auth, ed=True)
    [row] = running(query, worker_id)
    for url in ("/contacts/new", "/visits/new"):
        html = client.get(url).text
        assert re.search(r'<input checked id="ed_present"', html), url
        assert f'name="round_id" type="hidden" value="{row["id"]}"' in html, url
    html = client.get("/contacts/new").text
    client.post("/contacts/new", data={"csrf_token": csrf_token(html), "contacted_at": stamp(now_local()).replace(" ", "T"),
                                       "kind": "street", "youths_present": "1", "ed_present": "y",
                                       "round_id": str(row["id"])})
    html = client.get("/visits/new").text
    client.post("/visits/new", data={"csrf_token": csrf_token(html), "spot": str(spot), "youths_present": "2",
                                     "visited_at": stamp(now_local()).replace(" ", "T"), "atmosphere": "calm",
                                     "ed_present": "y", "round_id": str(row["id"])})
    assert [r["round_id"] for r in query("select round_id from contacts")] == [row["id"]]
    assert [r["round_id"] for r in query("select round_id from visits")] == [row["id"]]
    # Without a round: nothing preset, nothing stored.
    auth.post("/rounds/end")
    html = client.get("/visits/new").text
    assert 'name="round_id" type="hidden" value=""' in html and not re.search(r'<input checked id="ed_present"', html)


def test_an_entry_sent_after_the_round_ended_keeps_its_round(auth, client, query, worker_id):
    """A contact kept offline during a round and sent after its end still belongs to that round."""
    auth.login_role("worker")
    start(auth, ed=False)
    [row] = running(query, worker_id)
    html = client.get("/contacts/new").text  # The page the phone kept while the round ran.
    auth.post("/rounds/end")
    client.post("/contacts/new", data={"csrf_token": csrf_token(html), "kind": "street", "youths_present": "1",
                                       "contacted_at": stamp(now_local()).replace(" ", "T"),
                                       "round_id": str(row["id"])})
    assert [r["round_id"] for r in query("select round_id from contacts")] == [row["id"]]


def test_round_of_another_worker_or_garbage_is_not_taken(app, auth, client, query, seed_rows):
    """A round id that is not the worker's own (or not a number) is stored as no round at all."""
    from outreach.core.accounts import create_user
    with app.app_context():
        other = create_user("werker9", "worker", "een-ander-wachtwoord-26")
    foreign = seed_rows("rounds", worker_id=other, started_at=stamp(now_local()), ed_present=1,
                        created_at="2026-01-01T00:00:00Z")
    auth.login_role("worker")
    for value in (str(foreign), "abc", "99999999999999999999"):
        html = client.get("/contacts/new").text
        client.post("/contacts/new", data={"csrf_token": csrf_token(html), "kind": "street", "youths_present": "1",
                                           "contacted_at": stamp(now_local()).replace(" ", "T"), "round_id": value})
    assert {r["round_id"] for r in query("select round_id from contacts")} == {None}


def old_round(seed_rows, worker_id, hours):
    """A round started that many hours ago and never ended."""
    return seed_rows("rounds", worker_id=worker_id, started_at=stamp(now_local() - timedelta(hours=hours)),
                     ed_present=0, created_at="2026-01-01T00:00:00Z")


def test_forgotten_round_ends_at_its_last_entry_after_12_hours(auth, client, query, seed_rows, worker_id):
    """A round left running for over 12 h ends by itself at its last entry, not at now (no invented hours)."""
    round_id = old_round(seed_rows, worker_id, 14)
    last = stamp(now_local() - timedelta(hours=13))
    seed_rows("contacts", worker_id=worker_id, contacted_at=last, kind="street", youths_present=1, topics="[]",
              substances="[]", ed_present=0, created_at="2026-01-01T00:00:00Z", round_id=round_id)
    auth.login_role("worker")
    page = client.get("/").text
    assert "Start ronde" in page and "Ronde sinds" not in page
    assert query("select ended_at from rounds where id = ?", [round_id])[0]["ended_at"] == last
    assert [r["result"] for r in query("select result from audit_log where action = 'round auto end'")] == \
        ["forgotten 12h"]


def test_new_round_ends_a_forgotten_one_at_its_start_when_empty(auth, query, seed_rows, worker_id):
    """Start ronde while an older round (no entries) still runs: it ends at its own start (zero hours)."""
    round_id = old_round(seed_rows, worker_id, 3)
    started = query("select started_at from rounds where id = ?", [round_id])[0]["started_at"]
    auth.login_role("worker")
    start(auth)
    assert query("select ended_at from rounds where id = ?", [round_id])[0]["ended_at"] == started
    assert len(query("select id from rounds where worker_id = ? and ended_at is null", [worker_id])) == 1


def test_running_round_is_read_off_the_index_of_running_rounds(app):
    """The header's query (every worker page) uses the partial index of running rounds, so it costs the same
    however many rounds have ended."""
    with app.app_context():
        plan = " ".join(row[3] for row in get_db().execute("explain query plan " + RUNNING, [1]))
    assert "USING INDEX rounds_running" in plan and "TEMP B-TREE" not in plan
