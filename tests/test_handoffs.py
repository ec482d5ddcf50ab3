"""Overdrachten, the worker's side: required facts and consent, concerns closed, nothing half saved, overdue."""
import re
import uuid
from datetime import datetime, timedelta

import pytest

from conftest import AuthActions, form_errors
from outreach.core.accounts import create_user
from outreach.core.dates import now_local


@pytest.fixture
def concern(seed_rows, youth, worker_id):
    """An open concern about J-0001 with a reporter."""
    concern_id = seed_rows("concerns", youth_id=youth, recorded_by=worker_id, received_at="2026-11-20 10:00",
                           source="friend", worry="Blowt elke dag", level="high", status="investigating")
    seed_rows("concern_reporters", concern_id=concern_id, name="Melder Canary", reach="06-99988877")
    return concern_id


def good(concern_id=None, **change):
    """A complete handoff form."""
    data = {"submission": uuid.uuid4().hex, "reason": "Gebruik loopt uit de hand", "facts": "Drie weken niet op school", "stage": "3",
            "urgency": "high", "consent": "yes", "full_name": "Daan de Vries", "birth_date": "2009-04-01",
            "phone": "06-12345678", "address": "Dorpsstraat 1, Heerde", "summary": "Samenvatting voor het CJG"}
    if concern_id:
        data["concerns"] = [str(concern_id)]
    return {**data, **change}


def post_handoff(auth, youth, data):
    """Submit the handoff form for a youth."""
    url = f"/handoffs/new?youth={youth}"
    return auth.post(url, data, page=url)


def test_draft_summary_from_the_timeline(auth, client, youth, spot, seed_rows, worker_id):
    """Draft summary from the timeline."""
    for day in ("2026-09-01 20:00", "2026-10-01 20:00"):
        contact = seed_rows("contacts", worker_id=worker_id, spot_id=spot, contacted_at=day, kind="street",
                            youths_present=1, substances='["nitrous_oxide"]', topics='["school_work"]')
        seed_rows("contact_youths", contact_id=contact, youth_id=youth)
    seed_rows("youth_stages", youth_id=youth, stage=2, set_by=worker_id, set_at="2026-09-01 20:00")
    seed_rows("concerns", youth_id=youth, recorded_by=worker_id, received_at="2026-10-15 10:00", source="school",
              worry="Spijbelt", level="medium", status="closed")
    auth.login_role("worker")
    page = client.get(f"/handoffs/new?youth={youth}").text
    # Days as every page shows them ('1 sep 2026'), stages by name, counts with their noun in the right form.
    assert ("2 contactmomenten sinds 1 sep 2026, het laatste op 1 okt 2026. Fase-verloop: recreatief gebruik "
            "(fase 2, 1 sep 2026). Genoemde middelen: lachgas. Besproken: school/werk/toekomstperspectief. "
            "1 zorgmelding, de laatste op 15 okt 2026. Leeftijd") in page


def test_draft_summary_of_a_youth_without_history_says_so(auth, client, youth):
    """No contacts, stages or concerns yet: plain sentences, never '0 contactmomenten' or 'middelen: geen'."""
    auth.login_role("worker")
    page = client.get(f"/handoffs/new?youth={youth}").text
    assert "Nog geen contactmomenten vastgelegd. Fase nog niet vastgelegd. Leeftijd" in page
    assert "0 contactmoment" not in page and "geen." not in page


def test_a_handoff_from_a_concern_starts_with_its_worry_and_facts(auth, client, youth, concern, seed_rows):
    """Coming from a concern's page, the reason and the facts are the concern's own; from elsewhere they are empty."""
    auth.login_role("worker")
    assert f"/handoffs/new?youth={youth}&amp;concern={concern}" in client.get(f"/concerns/{concern}").text
    page = client.get(f"/handoffs/new?youth={youth}&concern={concern}").text
    assert re.search(r'<textarea[^>]*name="reason"[^>]*>\s*Blowt elke dag</textarea>', page)
    plain = client.get(f"/handoffs/new?youth={youth}").text
    assert not re.search(r'<textarea[^>]*name="reason"[^>]*>\s*Blowt', plain)
    other = seed_rows("concerns", youth_id=youth, recorded_by=1, received_at="2026-11-21 10:00", source="school",
                      worry="Al afgesloten", level="low", status="closed")
    assert "Al afgesloten" not in client.get(f"/handoffs/new?youth={youth}&concern={other}").text


def test_send_closes_concerns_and_erases_reporters(auth, client, query, plain, reporters, youth, concern):
    """Send closes concerns and erases reporters."""
    auth.login_role("worker")
    response = post_handoff(auth, youth, good(concern))
    assert response.status_code == 302
    handoff = plain("handoffs", "select * from handoffs")[0]
    assert handoff["status"] == "sent" and handoff["full_name"] == "Daan de Vries" and handoff["stage"] == 3
    assert query("select status, closed_at is not null as closed from concerns") == [
        {"status": "handed_over", "closed": 1}]
    assert reporters() == []
    assert query("select handoff_id, concern_id from handoff_concerns") == [{"handoff_id": 1, "concern_id": concern}]
    assert query("select kind, status from handoff_events") == [{"kind": "status", "status": "sent"}]
    assert "Melder Canary" not in str(handoff)
    assert "verzonden" in client.get(response.headers["Location"]).text


@pytest.mark.parametrize("change, message", [
    ({"reason": ""}, "Beschrijf de reden."),
    ({"facts": ""}, "Noem de concrete feiten."),
    ({"full_name": ""}, "Het CJG heeft de naam nodig."),
    ({"stage": ""}, "Kies de huidige fase."),
    ({"urgency": ""}, "Kies de urgentie."),
    ({"consent": "no"}, "noem de grond om toch te delen"),
    ({"consent": "not_asked"}, "noem de grond om toch te delen"),
    ({"birth_date": "", "phone": "", "address": ""}, "zodat het CJG de jongere vindt"),
    ({"birth_date": "2099-01-01"}, "Een geboortedatum ligt in het verleden."),
    ({"warm_handoff_at": "2020-01-01T10:00"}, "ligt in de toekomst"),
    ({"summary": "s" * 5000}, "Veld mag niet langer zijn dan 4000 karakters."),
    ({"concerns": ["999"]}, "Kies alleen open meldingen van deze jongere."),
])
def test_handoff_bad_input_saves_nothing(auth, query, reporters, youth, concern, change, message):
    """Handoff bad input saves nothing."""
    auth.login_role("worker")
    response = post_handoff(auth, youth, good(concern, **change))
    assert response.status_code == 200
    assert any(message in e for e in form_errors(response.text)), form_errors(response.text)
    assert "Drie weken niet op school" in response.text or "facts" in change
    assert query("select (select count(*) from handoffs) h, (select count(*) from handoff_events) e, "
                 "(select status from concerns) s") == [{"h": 0, "e": 0, "s": "investigating"}]
    assert len(reporters()) == 1


def test_parents_informed_required_under_16(auth, query, seed_rows, worker_id):
    """Parents informed required under 16."""
    young = seed_rows("youths", code="J-0005", alias="Klein", age_band="12-15", gender="female", created_by=worker_id)
    auth.login_role("worker")
    response = post_handoff(auth, young, good())
    assert "Vul in of de ouders zijn geïnformeerd" in " ".join(form_errors(response.text))
    assert post_handoff(auth, young, good(parents_informed="yes")).status_code == 302
    assert query("select parents_informed from handoffs") == [{"parents_informed": 1}]


def test_no_orphan_rows_when_sending_fails(app, auth, query, reporters, youth, concern, monkeypatch):
    """No orphan rows when sending fails."""
    from outreach.casework import sending
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        """Fail after the handoff row and its links were written."""
        raise RuntimeError("schijf vol")
    monkeypatch.setattr(sending, "add_event", broken)
    auth.login_role("worker")
    assert post_handoff(auth, youth, good(concern)).status_code == 500
    assert query("select (select count(*) from handoffs) h, (select count(*) from handoff_concerns) l, "
                 "(select status from concerns) s") == [{"h": 0, "l": 0, "s": "investigating"}]
    assert len(reporters()) == 1  # The concern stays open, so its reporter stays.


@pytest.mark.parametrize("sent, now, expected", [
    ("2026-11-23 10:00", datetime(2026, 11, 25, 9), False),  # Monday → Wednesday: two working days.
    ("2026-11-23 10:00", datetime(2026, 11, 26, 9), True),   # Thursday: the third.
    ("2026-11-20 16:00", datetime(2026, 11, 24, 9), False),  # Friday → Tuesday: the weekend does not count.
    ("2026-11-20 16:00", datetime(2026, 11, 25, 9), True),
])
def test_overdue_counts_working_days(app, sent, now, expected):
    """Overdue counts working days."""
    from outreach.casework.sending import overdue
    with app.app_context():
        assert overdue({"status": "sent", "sent_at": sent}, now) is expected
        assert overdue({"status": "received", "sent_at": sent}, now) is False


def test_overdue_flag_on_both_sides(app, auth, client, query, youth, seed_rows, worker_id):
    """Overdue flag on both sides."""
    seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="r", facts="f", stage=3, urgency="normal",
              consent="yes", full_name="Oud Verzonden", summary="s", status="sent", sent_at="2026-10-01 10:00")
    auth.login_role("worker")
    assert "niet geopend" in client.get("/handoffs/").text
    auth.logout()
    auth.login_role("cjg")
    assert "te laat" in client.get("/cjg/").text


def test_overdue_flag_only_on_the_late_ones(app, auth, client, youth, seed_rows, worker_id):
    """The list flags a sent handoff as unopened only once it is late: one sent today is not, one received is not."""
    today = now_local().strftime("%Y-%m-%d %H:%M")
    for name, status, sent_at in (("Oud", "sent", "2026-10-01 10:00"), ("Vers", "sent", today),
                                  ("Gezien", "received", "2026-10-01 09:00")):
        seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="r", facts="f", stage=3, urgency="normal",
                  consent="yes", full_name=name, summary="s", status=status, sent_at=sent_at)
    auth.login_role("worker")
    rows = [" ".join(row.split()) for row in client.get("/handoffs/").text.split('<li class="row">')[1:]]
    assert len(rows) == 3
    assert ["niet geopend" in row for row in rows] == [False, True, False]  # Newest first: today, Oud, Gezien.


def test_new_feedback_badge_for_the_worker(app, auth, client, youth, concern):
    """New feedback badge for the worker."""
    auth.login_role("worker")
    post_handoff(auth, youth, good(concern))
    cjg = AuthActions(app.test_client())
    cjg.login_role("cjg")
    cjg.client.get("/cjg/1")
    assert 'class="badge"' not in client.get("/").text  # "Ontvangen" alone is no news for the worker.
    cjg.post("/cjg/1/feedback", {"feedback-text": "Eerste gesprek gepland."}, page="/cjg/")
    home = client.get("/").text.replace("\u00ad", "")  # The menu label's soft hyphen (home.NAV_BREAKS).
    assert 'Overdracht<span class="badge"><span class="sr-only">, nieuw: </span>1</span>' in home
    with app.app_context():
        create_user("collega", "worker", "een ander wachtwoord")
    colleague = AuthActions(app.test_client())
    colleague.login("collega", "een ander wachtwoord")
    assert 'class="badge"' not in colleague.client.get("/").text  # The news is the sender's...
    colleague.client.get("/handoffs/1")
    assert 'class="badge"' in client.get("/").text  # ...and a colleague's look does not clear it.
    page = client.get("/handoffs/1").text
    assert "Eerste gesprek gepland." in page
    assert 'class="badge"' not in client.get("/").text  # Seen by the sender.


def test_a_double_tap_sends_one_handoff(auth, query, youth, concern):
    """A double tap sends one handoff."""
    auth.login_role("worker")
    data = good(concern)
    first = post_handoff(auth, youth, data)
    second = post_handoff(auth, youth, data)
    assert first.headers["Location"] == second.headers["Location"] == "/handoffs/1"
    assert query("select count(*) n from handoffs") == [{"n": 1}]
    assert query("select count(*) n from handoff_events") == [{"n": 1}]


def test_a_concern_closed_meanwhile_is_not_handed_over(app, auth, query, youth, concern):
    """A concern closed meanwhile is not handed over."""
    auth.login_role("worker")
    with app.app_context():
        from outreach.core.db import get_db
        get_db()["concerns"].update(concern, {"status": "closed"})  # A colleague closed it a moment ago.
    response = post_handoff(auth, youth, good(concern))
    assert "Kies alleen open meldingen van deze jongere." in form_errors(response.text)
    assert query("select (select count(*) from handoffs) h, (select status from concerns) s") == [
        {"h": 0, "s": "closed"}]


@pytest.fixture
def smtp_server():
    """A local SMTP server (aiosmtpd) on a free port that keeps what it receives."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        """Collects messages."""

        def __init__(self):
            """Start empty."""
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            """Keep one message."""
            self.messages.append(message)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox.messages
    controller.stop()


def test_cjg_team_gets_an_email_without_personal_data(app, auth, youth, concern, smtp_server):
    """Cjg team gets an email without personal data."""
    port, messages = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, CJG_TEAM_EMAIL="cjg-team@heerde.example")
    auth.login_role("worker")
    assert post_handoff(auth, youth, good(concern)).status_code == 302
    assert len(messages) == 1
    mail = messages[0]
    assert mail["To"] == "cjg-team@heerde.example" and mail["Subject"] == "Nieuwe overdracht in Straatwerk"
    body = mail.as_string()
    assert "Er staat een nieuwe overdracht klaar in Straatwerk." in body
    for private in ("Daan", "Vries", "J-0001", "Rode pet", "Melder Canary", "06-"):
        assert private not in body


def test_no_email_without_smtp_and_a_failing_server_does_not_block(app, auth, query, youth, concern):
    """No email without smtp and a failing server does not block."""
    auth.login_role("worker")
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, CJG_TEAM_EMAIL="cjg-team@heerde.example")
    assert post_handoff(auth, youth, good(concern)).status_code == 302  # Nobody listens on port 1.
    assert query("select count(*) n from handoffs") == [{"n": 1}]


def test_birth_date_under_16_asks_about_the_parents(auth, query, youth):
    """J-0001 is in band 16–17, but a birth date 15 years ago makes the parents' question required."""
    born = (now_local().date() - timedelta(days=15 * 365)).isoformat()
    auth.login_role("worker")
    response = post_handoff(auth, youth, good(birth_date=born))
    assert "Vul in of de ouders zijn geïnformeerd" in " ".join(form_errors(response.text))
    assert query("select count(*) n from handoffs") == [{"n": 0}]


def test_the_worker_list_shows_50_a_page_newest_first_and_walks_on(auth, client, youth, seed_rows, worker_id):
    """The team's list pages by keyset ('Oudere overdrachten'): every handoff once, newest first."""
    for i in range(60):
        seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="r", facts="f", stage=3, urgency="normal",
                  consent="yes", full_name="x", summary="s", status="sent",
                  sent_at=f"2026-0{1 + i // 28}-{1 + i % 28:02d} 10:00")
    auth.login_role("worker")
    first = client.get("/handoffs/").text
    ids = [int(i) for i in re.findall(r'href="/handoffs/(\d+)"', first)]
    assert ids == list(range(60, 10, -1))
    later = re.search(r'href="([^"]+)">Oudere overdrachten', first).group(1).replace("&amp;", "&")
    second = client.get(later).text
    assert [int(i) for i in re.findall(r'href="/handoffs/(\d+)"', second)] == list(range(10, 0, -1))
    assert "Oudere overdrachten" not in second and "Naar het begin" in second
