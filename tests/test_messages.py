"""The message thread on a handoff: both directions, the badge for the other side, the personal-data guard,
sealed text, retention, the subject-access export, and colleagues shown by name."""
import json
import re

import pytest

from conftest import AuthActions
from outreach.core.accounts import create_user
from outreach.core.dates import days_ago

NAME = "Daan de Vries"


@pytest.fixture
def handoff(seed_rows, youth, worker_id):
    """A handoff of J-0001 accepted by the test CJG account, which is named."""
    from outreach.core.db import connect
    return seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="Zorgen", facts="Niet op school",
                     stage=3, urgency="high", consent="yes", full_name=NAME, phone="06-11112222",
                     summary="Samenvatting", status="received", sent_at=days_ago(2))


@pytest.fixture
def named(query, app):
    """Give the CJG and worker accounts a full name (as the admin would)."""
    from outreach.core.db import connect
    db = connect(app.config["DATABASE"])
    db.execute("update users set full_name = 'Sanne de Boer' where username = 'cjg'")
    db.execute("update users set full_name = 'Femke Visser' where username = 'werker'")
    db.close()


def other(app, role):
    """A second logged-in client."""
    actions = AuthActions(app.test_client())
    actions.login_role(role)
    return actions


def write(actions, handoff, text, confirm=False):
    """The CJG's message form (token from the inbox, so posting does not open the handoff)."""
    data = {"feedback-text": text, **({"feedback-confirm_personal": "y"} if confirm else {})}
    return actions.post(f"/cjg/{handoff}/feedback", data, page="/cjg/")


def answer(actions, handoff, text, confirm=False):
    """The worker's message form."""
    data = {"reply-text": text, **({"reply-confirm_personal": "y"} if confirm else {})}
    return actions.post(f"/handoffs/{handoff}/bericht", data, page="/handoffs/")


def badge(page, label):
    """The count on a navigation entry (0 when it shows none)."""
    page = page.replace("\u00ad", "")  # The menu label's soft hyphen (home.NAV_BREAKS).
    found = re.search(rf">{label}<span class=\"badge\"><span class=\"sr-only\">, nieuw: </span>(\d+)<", page)
    return int(found.group(1)) if found else 0


def test_a_thread_both_ways_with_the_badge_for_the_other_side(app, auth, handoff, named, query, plain):
    """The CJG writes, the worker sees a badge and the message by name, answers; the CJG sees a badge and a tag
    in the inbox until it opens the handoff; every message is audited and stored sealed."""
    cjg = other(app, "cjg")
    assert write(cjg, handoff, "Eerste gesprek gepland, kan jij erbij zijn?").status_code == 302
    auth.login_role("worker")
    listing = auth.client.get("/handoffs/").text
    assert "nieuw bericht" in listing and badge(listing, "Overdracht") == 1
    page = auth.client.get(f"/handoffs/{handoff}").text
    assert "Eerste gesprek gepland" in page and "Sanne de Boer (CJG)" in page
    assert badge(auth.client.get("/handoffs/").text, "Overdracht") == 0  # Seen.
    assert answer(auth, handoff, "Ja, dinsdag kan ik.").status_code == 302
    inbox = cjg.client.get("/cjg/").text
    assert "nieuw bericht" in inbox and badge(inbox, "Inbox") == 1
    page = cjg.client.get(f"/cjg/{handoff}").text
    assert "Ja, dinsdag kan ik." in page and "Femke Visser (straathoekwerker)" in page
    assert "nieuw bericht" not in cjg.client.get("/cjg/").text
    assert badge(cjg.client.get("/cjg/").text, "Inbox") == 0
    assert [(r["kind"], r["text"]) for r in plain("handoff_events", "select kind, text from handoff_events "
                                                  "where kind != 'status' order by id")] == [
        ("feedback", "Eerste gesprek gepland, kan jij erbij zijn?"), ("reply", "Ja, dinsdag kan ik.")]
    assert all(r["text"].startswith("v1:") for r in query("select text from handoff_events where text is not null"))
    assert query("select result from audit_log where action = 'message' order by id") == [
        {"result": "to worker"}, {"result": "to cjg"}]


def test_the_assignee_reads_the_workers_message_a_colleague_does_not_clear_it(app, auth, handoff, query):
    """Once assigned, only the assigned employee's look counts the worker's message as read."""
    with app.app_context():
        colleague = create_user("ruud", "cjg", "een lang wachtwoord")
    from outreach.core.db import connect
    db = connect(app.config["DATABASE"])
    db.execute("update handoffs set status = 'accepted', assigned_to = ?", [colleague])
    db.close()
    auth.login_role("worker")
    answer(auth, handoff, "Nog een vraag.")
    cjg = other(app, "cjg")
    cjg.client.get(f"/cjg/{handoff}")
    assert query("select cjg_seen_at from handoffs") == [{"cjg_seen_at": None}]
    assert "nieuw bericht" in cjg.client.get("/cjg/").text  # The tag shows who has news, for the team too.


@pytest.mark.parametrize("side", ["worker", "cjg"])
def test_the_personal_data_guard_spares_what_the_handoff_holds(app, auth, handoff, query, side):
    """Another person's name or number raises the warning and saves nothing until confirmed; the youth's own name
    and phone from the handoff do not."""
    actions = other(app, side) if side == "cjg" else auth
    if side == "worker":
        auth.login_role("worker")
    send = write if side == "cjg" else answer
    response = send(actions, handoff, "Zijn oom Piet Jansen belt op 06-98765432.")
    assert response.status_code == 200 and "Dit lijkt op een naam of telefoonnummer" in response.text
    assert "Piet Jansen" in response.text  # What was typed stays.
    assert query("select count(*) n from handoff_events where kind != 'status'") == [{"n": 0}]
    assert send(actions, handoff, f"{NAME} is bereikbaar op 06-11112222.").status_code == 302
    assert send(actions, handoff, "Zijn oom Piet Jansen belt op 06-98765432.", confirm=True).status_code == 302
    assert query("select count(*) n from handoff_events where kind != 'status'") == [{"n": 2}]


@pytest.mark.parametrize("text, message", [("", "Schrijf een bericht."), ("x" * 501, "Maximaal 500 tekens.")])
def test_a_bad_answer_says_so_and_saves_nothing(auth, handoff, query, text, message):
    """Invariant 6 for the worker's message."""
    auth.login_role("worker")
    response = answer(auth, handoff, text)
    assert response.status_code == 200 and message in response.text
    assert query("select count(*) n from handoff_events") == [{"n": 0}]


@pytest.mark.parametrize("status", ["closed", "declined"])
def test_no_answer_on_a_finished_handoff(app, auth, handoff, query, status):
    """Once closed or declined the thread is read-only: no form, and a post changes nothing."""
    from outreach.core.db import connect
    db = connect(app.config["DATABASE"])
    db.execute("update handoffs set status = ?", [status])
    db.close()
    auth.login_role("worker")
    assert "Bericht sturen" not in auth.client.get(f"/handoffs/{handoff}").text
    answer(auth, handoff, "Toch nog iets.")
    assert query("select count(*) n from handoff_events") == [{"n": 0}]


@pytest.mark.parametrize("role", ["cjg", "manager", "admin"])
def test_only_a_worker_answers_from_her_side(auth, handoff, query, role):
    """The worker's message route is hers; every other role is refused."""
    auth.login_role(role)
    assert auth.post(f"/handoffs/{handoff}/bericht", {"reply-text": "Hoi"}).status_code == 403
    assert query("select count(*) n from handoff_events") == [{"n": 0}]


def test_retention_erases_messages_and_the_subject_export_has_them(app, auth, runner, handoff, query):
    """Messages are in the subject-access export (in words), and purge erases them with the handoff's text."""
    auth.login_role("worker")
    answer(auth, handoff, "Ze wil eerst met mij praten.")
    admin = other(app, "admin")
    admin.subject_request()
    data = json.loads(admin.client.get("/admin/subject/J-0001.json").get_data(as_text=True))
    assert [(e["kind"], e["text"]) for e in data["overdrachten"][0]["events"]] == [
        ("bericht van de straathoekwerker", "Ze wil eerst met mij praten.")]
    from outreach.core.db import connect
    db = connect(app.config["DATABASE"])
    db.execute("update handoffs set status = 'closed', closed_at = '2020-01-01 10:00'")
    db.close()
    assert runner.invoke(args=["purge"]).exit_code == 0
    assert query("select text from handoff_events") == [{"text": None}]
    page = auth.client.get(f"/handoffs/{handoff}").text
    assert "gewist na bewaartermijn (1 jan 2020)" in page and "None" not in page


def test_gender_reads_gender_geslacht(auth, client):
    """The youth form and quick-add say 'Gender/geslacht'."""
    auth.login_role("worker")
    assert "Gender/geslacht" in client.get("/youths/new").text
    assert "Gender/geslacht" in client.get("/contacts/new").text
