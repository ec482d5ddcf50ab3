"""The CJG inbox: ordering, each transition only from its states and only by CJG, print view, reporter canary."""
import logging
import os
import re
from datetime import timedelta

import pytest

from conftest import AuthActions
from outreach.core.dates import now_local, stamp

CANARY_NAME, CANARY_PHONE = "Kanarie Vogelzang-7781", "06-77810042"


@pytest.fixture
def handoff(seed_rows, youth, worker_id):
    """A handoff of J-0001 that the CJG has not opened yet."""
    return seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="Zorgen", facts="Niet op school",
                     stage=3, urgency="high", consent="yes", full_name="Daan de Vries", birth_date="2009-04-01",
                     summary="Samenvatting", status="sent", sent_at="2026-11-27 09:00")


def act(auth, handoff, action, **data):
    """Post one CJG action form (the token comes from the inbox, so posting does not open the handoff)."""
    return auth.post(f"/cjg/{handoff}/{action}", {f"{action}-{k}": v for k, v in data.items()}, page="/cjg/")


def status(query):
    """The handoff's status and event trail."""
    return query("select status from handoffs")[0]["status"], [
        (e["kind"], e["status"]) for e in query("select kind, status from handoff_events order by id")]


def test_opening_marks_received_once(auth, client, query, handoff):
    """Opening marks received once."""
    auth.login_role("cjg")
    page = client.get(f"/cjg/{handoff}").text
    assert "Daan de Vries" in page and "Samenvatting" in page and "Rode pet" not in page  # No alias for the CJG.
    client.get(f"/cjg/{handoff}")
    assert status(query) == ("received", [("status", "received")])
    assert query("select received_at is not null as r from handoffs") == [{"r": 1}]


def test_full_workflow(auth, client, query, handoff):
    """Full workflow."""
    auth.login_role("cjg")
    client.get(f"/cjg/{handoff}")
    act(auth, handoff, "accept", assigned_to=query("select id from users where username='cjg'")[0]["id"])
    act(auth, handoff, "feedback", text="Eerste gesprek was goed.")
    act(auth, handoff, "close", outcome="in_care_cjg")
    assert status(query) == ("closed", [("status", "received"), ("status", "accepted"),
                                        ("feedback", None), ("status", "closed")])
    row = query("select outcome, assigned_to, accepted_at is not null a, closed_at is not null c from handoffs")[0]
    assert row["outcome"] == "in_care_cjg" and row["a"] == 1 and row["c"] == 1
    assert [(r["action"], r["result"]) for r in query(
        "select action, result from audit_log where action in ('update', 'message') order by id")] == [
        ("update", "accept"), ("message", "to worker"), ("update", "close")]


STEPS = {  # The state each setup step must reach, so a broken step cannot hide behind the final check.
    "open": "received", "accept": "accepted", "decline": "declined", "close": "closed"}


@pytest.mark.parametrize("steps, action, data", [
    ([], "accept", {"assigned_to": "2"}),                                   # Not opened yet.
    ([], "decline", {"decline_reason": "te vroeg"}),
    ([], "feedback", {"text": "te vroeg"}),
    ([], "close", {"outcome": "in_care_cjg"}),
    (["open"], "close", {"outcome": "in_care_cjg"}),                    # Not accepted yet.
    (["open", "accept"], "accept", {"assigned_to": "2"}),                   # Accepted once.
    (["open", "accept"], "decline", {"decline_reason": "toch niet"}),
    (["open", "decline"], "accept", {"assigned_to": "2"}),                  # Declined stays declined.
    (["open", "decline"], "feedback", {"text": "nog iets"}),
    (["open", "accept", "close"], "accept", {"assigned_to": "2"}),          # Closed stays closed.
    (["open", "accept", "close"], "feedback", {"text": "nog iets"}),
    (["open", "accept", "close"], "close", {"outcome": "moved"}),
])
def test_transitions_only_from_valid_states(auth, client, query, handoff, steps, action, data):
    """Transitions only from valid states."""
    auth.login_role("cjg")
    cjg = query("select id from users where username='cjg'")[0]["id"]
    for step in steps:
        if step == "open":
            client.get(f"/cjg/{handoff}")
        elif step == "accept":
            act(auth, handoff, "accept", assigned_to=cjg)
        elif step == "decline":
            act(auth, handoff, "decline", decline_reason="Valt onder Veilig Thuis")
        else:
            act(auth, handoff, "close", outcome="no_help_needed")
        assert status(query)[0] == STEPS[step]
    before = status(query)
    act(auth, handoff, action, **data)
    assert status(query) == before


def test_a_colleague_acting_at_the_same_moment_wins_once(auth, query, handoff, monkeypatch):
    """Both CJG users saw 'ontvangen'; the second post, checked again under the write lock, changes nothing."""
    from outreach.casework import cjg
    auth.login_role("cjg")
    auth.client.get(f"/cjg/{handoff}")
    stale = dict(query("select * from handoffs")[0])
    act(auth, handoff, "decline", decline_reason="Valt onder Veilig Thuis")
    monkeypatch.setattr(cjg, "get_or_404", lambda *args: stale)  # The second user's page was read before.
    response = act(auth, handoff, "accept", assigned_to=stale["worker_id"] + 1)
    assert response.status_code == 302
    row = query("select status, assigned_to, accepted_at from handoffs")[0]
    assert row == {"status": "declined", "assigned_to": None, "accepted_at": None}
    assert [e[1] for e in status(query)[1]] == ["received", "declined"]


@pytest.mark.parametrize("action, data, message", [
    ("decline", {"decline_reason": ""}, "Geef een reden om af te wijzen."),
    ("feedback", {"text": ""}, "Schrijf een korte terugkoppeling."),
    ("feedback", {"text": "t" * 600}, "Maximaal 500 tekens."),
    ("accept", {"assigned_to": "999"}, "Ongeldige keuze"),
])
def test_cjg_bad_input(auth, client, query, handoff, action, data, message):
    """Cjg bad input."""
    auth.login_role("cjg")
    client.get(f"/cjg/{handoff}")
    response = act(auth, handoff, action, **data)
    assert response.status_code == 200 and message in response.text
    assert status(query) == ("received", [("status", "received")])


@pytest.mark.parametrize("role", ["worker", "manager", "admin"])
def test_only_cjg_can_act(auth, query, handoff, role):
    """A worker cannot accept, a manager sees none of it (the route matrix covers every other route)."""
    auth.login_role(role)
    for action in ("accept", "decline", "feedback", "close"):
        assert auth.post(f"/cjg/{handoff}/{action}").status_code == 403
    assert auth.client.get(f"/cjg/{handoff}").status_code == 403
    assert status(query) == ("sent", [])


def test_cjg_cannot_edit_the_summary(auth, client, query, handoff):
    """No CJG route takes the worker's text: extra fields posted with every action change nothing of it."""
    auth.login_role("cjg")
    client.get(f"/cjg/{handoff}")
    before = query("select reason, facts, summary, full_name, consent from handoffs")
    for action, data in (("feedback", {"text": "ok"}), ("accept", {"assigned_to": "2"}),
                         ("close", {"outcome": "other"})):
        act(auth, handoff, action, summary="Herschreven", reason="Anders", full_name="X", **data)
        auth.post(f"/cjg/{handoff}/{action}", {"summary": "Herschreven", "reason": "Anders"}, page="/cjg/")
    assert query("select reason, facts, summary, full_name, consent from handoffs") == before
    assert auth.client.get(f"/handoffs/{handoff}").status_code == 403
    assert auth.post("/handoffs/new?youth=1").status_code == 403


def days_ago(days):
    """A local stamp some days back from now."""
    return stamp(now_local() - timedelta(days=days))


def test_inbox_order_overdue_new_urgency(auth, client, seed_rows, youth, worker_id):
    """Inbox order overdue new urgency."""
    def handoff_row(name, urgency, status, sent):
        """One handoff in the inbox."""
        seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="r", facts="f", stage=3, urgency=urgency,
                  consent="yes", full_name=name, summary="s", status=status, sent_at=sent)
    handoff_row("Geaccepteerd Acuut", "acute", "accepted", days_ago(1))
    handoff_row("Nieuw Normaal", "normal", "sent", days_ago(0))
    handoff_row("Nieuw Acuut", "acute", "sent", days_ago(0))
    handoff_row("Te Laat", "normal", "sent", days_ago(30))
    auth.login_role("cjg")
    names = re.findall(r"<strong>([^<]+)</strong></a>", client.get("/cjg/").text)
    assert names == ["Te Laat", "Nieuw Acuut", "Nieuw Normaal", "Geaccepteerd Acuut"]
    filtered = re.findall(r"<strong>([^<]+)</strong></a>", client.get("/cjg/?status=accepted").text)
    assert filtered == ["Geaccepteerd Acuut"]


def test_print_view(auth, client, query, handoff):
    """Print view."""
    auth.login_role("cjg")
    page = client.get(f"/cjg/{handoff}/print").text
    assert "Daan de Vries" in page and "1 apr 2009" in page and "vertrouwelijk" in page
    assert status(query) == ("received", [("status", "received")])  # Read on paper is read.
    assert "@page" in client.get("/static/css/style.css").text  # A4 print styles.


def test_invariant_2_reporter_canary(app, auth, client, query, reporters, youth, caplog):
    """The reporter's name and phone appear on no page CJG or a manager can reach, in no log, and are erased."""
    caplog.set_level(logging.DEBUG)
    auth.login_role("worker")
    auth.post("/concerns/new", {"received_at": now_local().strftime("%Y-%m-%dT%H:%M"), "source": "friend",
                                "reporter_name": CANARY_NAME, "reporter_reach": CANARY_PHONE, "youth_code": "J-0001",
                                "worry": "Zorgen", "level": "high", "new_gender": "unknown"}, page="/concerns/new")
    assert CANARY_NAME in client.get("/concerns/1").text  # The recording worker does see it.
    seen = []
    for role in ("cjg", "manager"):
        other = AuthActions(app.test_client())
        other.login_role(role)
        urls = [r.build({a: 1 for a in r.arguments})[1] for r in app.url_map.iter_rules()
                if "GET" in r.methods and r.endpoint not in ("static", "maps.vendor_file")]
        for url in urls:
            seen.append(other.client.get(url).text)
    url = "/handoffs/new?youth=1"
    auth.post(url, {"concerns": ["1"], "reason": "r", "facts": "f", "stage": "3", "urgency": "high", "consent": "yes",
                    "full_name": "Daan", "phone": "06-1", "summary": "s", "submission": "a" * 32}, page=url)
    assert query("select status from concerns") == [{"status": "handed_over"}]
    cjg = AuthActions(app.test_client())
    cjg.login_role("cjg")
    for url in ("/", "/cjg/", "/cjg/1", "/cjg/1/print", "/cjg/?status=received"):
        seen.append(cjg.client.get(url).text)
    for text in seen + [caplog.text, str(query("select * from audit_log")), str(query("select * from handoffs"))]:
        assert CANARY_NAME not in text and CANARY_PHONE not in text
    # Handed over, so erased: in no file beside the database (its WAL, the reporter store), as the app left them.
    assert_gone_from_disk(app.config["DATABASE"])
    assert reporters() == []


def folder_bytes(path):
    """The bytes of every file in the database's folder (database, WAL, reporter store, key file)."""
    folder = os.path.dirname(path)
    return {name: open(os.path.join(folder, name), "rb").read() for name in os.listdir(folder)
            if os.path.isfile(os.path.join(folder, name))}


def assert_gone_from_disk(path):
    """The canary is in no byte of any file beside the database."""
    for name, raw in folder_bytes(path).items():
        assert CANARY_NAME.encode() not in raw and CANARY_PHONE.encode() not in raw, name


def test_invariant_2_closing_erases_the_reporter_from_disk(app, auth, query, reporters, youth):
    """Invariant 2 closing erases the reporter from disk."""
    auth.login_role("worker")
    auth.post("/concerns/new", {"received_at": now_local().strftime("%Y-%m-%dT%H:%M"), "source": "parent",
                                "reporter_name": CANARY_NAME, "reporter_reach": CANARY_PHONE, "youth_code": "J-0001",
                                "worry": "Zorgen", "level": "medium", "new_gender": "unknown"}, page="/concerns/new")
    raw = b"".join(folder_bytes(app.config["DATABASE"]).values())
    sealed = reporters("select name, reach from concern_reporters")[0]  # Stored encrypted (outreach.core.crypto)...
    assert sealed["name"].encode() in raw and CANARY_NAME.encode() not in raw
    auth.post("/concerns/1", {"status": "closed", "close_reason": "no_concern"}, page="/concerns/1")
    assert query("select status from concerns") == [{"status": "closed"}]
    assert_gone_from_disk(app.config["DATABASE"])  # ...and gone the moment it is closed, ciphertext too.
    for name, raw in folder_bytes(app.config["DATABASE"]).items():
        assert sealed["name"].encode() not in raw, name


NAMES = re.compile(r"<strong>([^<]+)</strong></a>")


def test_inbox_keeps_everything_open_and_the_latest_closed(auth, client, seed_rows, youth, worker_id):
    """The open tab holds no finished handoff; the finished tab shows the latest ended first, 50 a page, and its
    'Volgende' link (a keyset, not an offset) walks all of them once, in order."""
    for i in range(120):
        seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="r", facts="f", stage=3, urgency="normal",
                  consent="yes", full_name=f"Gesloten {i:03d}", summary="s", status="closed", sent_at=days_ago(i + 5),
                  closed_at=days_ago(i))
    seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="r", facts="f", stage=3, urgency="normal",
              consent="yes", full_name="Lang Lopend", summary="s", status="accepted", sent_at=days_ago(400))
    auth.login_role("cjg")
    page = client.get("/cjg/").text
    assert NAMES.findall(page) == ["Lang Lopend"] and "Volgende" not in page
    seen, url = [], "/cjg/?tab=afgerond"
    while url:
        page = client.get(url).text
        names = NAMES.findall(page)
        assert len(names) == (50 if len(seen) < 100 else 20)
        seen += names
        found = re.search(r'href="([^"]+)">Volgende', page)
        url = found and found.group(1).replace("&amp;", "&")
    assert seen == [f"Gesloten {i:03d}" for i in range(120)]


def test_inbox_order_and_groups(auth, client, seed_rows, youth, worker_id, query):
    """Overdue, new, received (by urgency, then oldest), then accepted; headings say which is which; finished
    ones only under 'Afgerond', declined and closed alike."""
    def row(name, urgency, status, sent, **more):
        """One handoff."""
        seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="r", facts="f", stage=3, urgency=urgency,
                  consent="yes", full_name=name, summary="s", status=status, sent_at=sent, **more)
    row("Lopend Normaal", "normal", "accepted", days_ago(9))
    row("Lopend Acuut", "acute", "accepted", days_ago(2))
    row("Ontvangen Hoog", "high", "received", days_ago(1))
    row("Ontvangen Acuut", "acute", "received", days_ago(1))
    row("Nieuw Normaal", "normal", "sent", days_ago(0))
    row("Te Laat Normaal", "normal", "sent", days_ago(30))
    row("Te Laat Hoog", "high", "sent", days_ago(20))
    row("Afgewezen", "acute", "declined", days_ago(3), declined_at=days_ago(2))
    row("Afgesloten", "acute", "closed", days_ago(8), closed_at=days_ago(1))
    auth.login_role("cjg")
    page = client.get("/cjg/").text
    assert NAMES.findall(page) == ["Te Laat Hoog", "Te Laat Normaal", "Nieuw Normaal", "Ontvangen Acuut",
                                   "Ontvangen Hoog", "Lopend Acuut", "Lopend Normaal"]
    assert [h for h in re.findall(r"<h2>([^<]+)</h2>", page)] == [
        "Te laat geopend", "Nieuw", "Ontvangen, nog niet geaccepteerd", "Lopend"]
    assert "(5 te doen)" in page and page.count("te laat</span>") == 2
    assert NAMES.findall(client.get("/cjg/?tab=afgerond").text) == ["Afgesloten", "Afgewezen"]
    assert NAMES.findall(client.get("/cjg/?status=sent").text) == ["Te Laat Hoog", "Te Laat Normaal", "Nieuw Normaal"]
    assert NAMES.findall(client.get("/cjg/?status=declined").text) == ["Afgewezen"]


@pytest.mark.parametrize("old, new", [
    ("/cjg/?status=verzonden", "/cjg/?status=sent"), ("/cjg/?status=Geaccepteerd", "/cjg/?status=accepted"),
    ("/cjg/?status=afgesloten&mijn=1", "/cjg/?status=closed&mijn=1"), ("/cjg/?status=onzin", "/cjg/")])
def test_old_links_with_dutch_statuses_land_on_the_right_list(auth, client, old, new):
    """Links from before the codes (?status=verzonden) redirect to the code; a finished status opens its tab."""
    auth.login_role("cjg")
    response = client.get(old)
    assert response.status_code == 302 and response.headers["Location"] == new
    if "closed" in new:
        assert 'aria-current="page">Afgerond' in client.get(new).text


def test_mijn_zaken_shows_only_what_is_assigned_to_me(auth, client, seed_rows, youth, worker_id, query):
    """'Mijn zaken': the accepted and finished handoffs assigned to the logged-in CJG employee, nobody else's."""
    from outreach.core.accounts import create_user
    with auth.client.application.app_context():
        colleague = create_user("ruud", "cjg", "een lang wachtwoord", full_name="Ruud Hendriks")
    me = query("select id from users where username = 'cjg'")[0]["id"]
    for name, status, assigned, extra in (("Mijn Lopend", "accepted", me, {}), ("Zijn Lopend", "accepted", colleague, {}),
                                          ("Nog Niemand", "received", None, {}),
                                          ("Mijn Klaar", "closed", me, {"closed_at": days_ago(1)})):
        seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="r", facts="f", stage=3, urgency="normal",
                  consent="yes", full_name=name, summary="s", status=status, sent_at=days_ago(3), assigned_to=assigned,
                  **extra)
    auth.login_role("cjg")
    assert NAMES.findall(client.get("/cjg/?mijn=1").text) == ["Mijn Lopend"]
    assert NAMES.findall(client.get("/cjg/?tab=afgerond&mijn=1").text) == ["Mijn Klaar"]
    page = client.get("/cjg/").text
    assert NAMES.findall(page) == ["Nog Niemand", "Mijn Lopend", "Zijn Lopend"] and "Ruud Hendriks" in page
