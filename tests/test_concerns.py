"""Zorgmeldingen: recording, status flow, and the reporter who stays protected (invariant 2)."""
import re
from datetime import timedelta

import pytest

from conftest import AuthActions, form_errors
from outreach.core.accounts import create_user
from outreach.core.crypto import unseal
from outreach.core.dates import now_local


def good(**change):
    """A valid concern form for J-0001 from a friend, with reporter details."""
    return {"received_at": now_local().strftime("%Y-%m-%dT%H:%M"), "source": "friend",
            "reporter_name": "Sanne (vriendin)", "reporter_reach": "06-11122233", "youth_code": "J-0001",
            "worry": "Blowt elke ochtend voor school", "facts": "Drie weken niet op school", "level": "high",
            "new_gender": "unknown", **change}


def post_concern(auth, **change):
    """Submit the concern form."""
    return auth.post("/concerns/new", good(**change), page="/concerns/new")


def test_record_concern_keeps_reporter_apart(app, auth, client, query, plain, reporters, youth):
    """The reporter is kept sealed in the reporter store, not in the concern (nor anywhere in the database)."""
    auth.login_role("worker")
    response = post_concern(auth)
    assert response.status_code == 302
    concern = plain("concerns", "select * from concerns")[0]
    assert concern["youth_id"] == youth and concern["status"] == "new" and concern["source"] == "friend"
    assert "Sanne" not in str(concern) and "06-11122233" not in str(concern)  # Only the source category.
    stored = reporters("select name, reach from concern_reporters")
    with app.app_context():
        assert [unseal("concern_reporters", row) for row in stored] == [
            {"name": "Sanne (vriendin)", "reach": "06-11122233"}]
    assert stored[0]["name"].startswith("v1:")
    assert query("select name from sqlite_master where name like '%reporter%'") == []
    page = client.get(response.headers["Location"]).text
    assert "Sanne (vriendin)" in page and "alleen voor jou" in page


def test_reporter_only_visible_to_the_worker_who_recorded_it(app, auth, client, youth):
    """Reporter only visible to the worker who recorded it."""
    auth.login_role("worker")
    location = post_concern(auth).headers["Location"]
    with app.app_context():
        create_user("collega", "worker", "een ander wachtwoord")
    colleague = app.test_client()
    AuthActions(colleague).login("collega", "een ander wachtwoord")
    page = colleague.get(location).text
    assert "Blowt elke ochtend" in page  # The team sees the concern itself...
    assert "Sanne" not in page and "06-11122233" not in page  # ...never who reported it.


@pytest.mark.parametrize("change, message", [
    ({"source": ""}, "Kies van wie de melding komt."),
    ({"worry": ""}, "Beschrijf de zorg."),
    ({"worry": "z" * 10240}, "Maximaal 2000 tekens"),
    ({"level": "paniek"}, "Ongeldige keuze."),
    ({"youth_code": "J-0999"}, "Onbekende code: J-0999."),
    ({"youth_code": ""}, "Vul de code van de jongere in"),
    ({"new_alias": "Pet", "new_age_band": "16-17"}, "niet allebei"),
    ({"source": "anonymous"}, "Een anonieme melding heeft geen gegevens van de melder."),
    ({"received_at": "2099-01-01T10:00"}, "Dit moment ligt in de toekomst."),
])
def test_concern_bad_input_saves_nothing(auth, query, reporters, youth, change, message):
    """Concern bad input saves nothing."""
    auth.login_role("worker")
    response = post_concern(auth, **change)
    assert response.status_code == 200
    assert any(message in e for e in form_errors(response.text)), form_errors(response.text)
    assert "Drie weken niet op school" in response.text  # What was typed stays.
    assert query("select (select count(*) from concerns) c, (select count(*) from youths) y") == [{"c": 0, "y": 1}]
    assert reporters() == []


def test_concern_for_a_new_youth(auth, query):
    """Concern for a new youth."""
    auth.login_role("worker")
    response = post_concern(auth, youth_code="", new_alias="Blauwe pet", new_age_band="12-15")
    assert response.status_code == 302
    assert query("select y.code, y.alias from concerns c join youths y on y.id = c.youth_id") == [
        {"code": "J-0001", "alias": "Blauwe pet"}]


def set_status(auth, concern_id, **data):
    """Post the status form of a concern."""
    return auth.post(f"/concerns/{concern_id}", data, page=f"/concerns/{concern_id}")


def test_status_flow_and_closing_erases_the_reporter(auth, query, reporters, youth):
    """Status flow and closing erases the reporter."""
    auth.login_role("worker")
    post_concern(auth)
    concern = query("select id from concerns")[0]["id"]
    set_status(auth, concern, status="investigating")
    set_status(auth, concern, status="contacted")
    row = query("select status, first_contact_at from concerns")[0]
    assert row["status"] == "contacted" and row["first_contact_at"]
    response = set_status(auth, concern, status="closed")
    assert "Kies waarom de melding wordt afgesloten." in form_errors(response.text)
    assert len(reporters()) == 1
    set_status(auth, concern, status="closed", close_reason="already_in_care", reporter_informed="y")
    assert query("select status, close_reason, reporter_informed from concerns") == [
        {"status": "closed", "close_reason": "already_in_care", "reporter_informed": 1}]
    assert reporters() == []  # Erased, not hidden.
    assert query("select action, object_type from audit_log where action = 'erase'") == [
        {"action": "erase", "object_type": "reporter"}]


@pytest.mark.parametrize("path, target", [
    (["contacted"], "investigating"),
    (["closed"], "investigating"),
    ([], "handed_over"),
    ([], "new"),
])
def test_status_only_moves_forward(auth, query, youth, path, target):
    """Status only moves forward."""
    auth.login_role("worker")
    post_concern(auth)
    concern = query("select id from concerns")[0]["id"]
    for status in path:
        set_status(auth, concern, status=status, close_reason="other")
    before = query("select status from concerns")
    set_status(auth, concern, status=target)
    assert query("select status from concerns") == before


def test_anonymous_concern_keeps_no_way_to_reach_anyone(auth, query, reporters, youth):
    """Anonymous concern keeps no way to reach anyone."""
    auth.login_role("worker")
    response = post_concern(auth, source="anonymous", reporter_name="", reporter_reach="06-12312312")
    assert "Een anonieme melding heeft geen gegevens van de melder." in " ".join(form_errors(response.text))
    assert query("select count(*) c from concerns") == [{"c": 0}] and reporters() == []


@pytest.mark.parametrize("age_days, status, flagged", [
    (15, "new", True), (15, "investigating", True), (13, "new", False), (15, "contacted", False),
    (30, "closed", False), (30, "handed_over", False)])
def test_a_concern_nobody_acted_on_for_too_long_is_flagged(app, auth, client, seed_rows, worker_id, youth,
                                                          age_days, status, flagged):
    """Still 'nieuw' or 'in onderzoek' after CONCERN_REMINDER_DAYS (14): flagged on the list and on the worker's home;
    once the youth is reached, or the concern is closed, or while it is young, not."""
    from outreach.core.dates import now_local, stamp
    received = stamp(now_local() - timedelta(days=age_days))
    seed_rows("concerns", youth_id=youth, recorded_by=worker_id, received_at=received, source="friend",
              worry="Blowt", level="medium", status=status)
    auth.login_role("worker")
    listed = client.get("/concerns/").text
    home = client.get("/").text
    assert ("langer dan 14 dagen" in listed) is flagged
    assert ("1 zorgmelding wacht al langer dan 14 dagen op contact met de jongere" in home) is flagged
    app.config["CONCERN_REMINDER_DAYS"] = age_days + 1  # The setting moves the line.
    assert "langer dan" not in client.get("/concerns/").text and "langer dan" not in client.get("/").text


def test_the_list_goes_a_page_at_a_time_open_and_most_worrying_first(auth, client, seed_rows, worker_id, youth):
    """31 concerns: page 1 holds 30 (acute, high, medium, low open ones, newest first in each, then closed ones),
    page 2 the last closed one; every concern on exactly one page."""
    from outreach.core.dates import now_local, stamp
    made = {}
    for i, (level, status) in enumerate([("low", "new")] * 5 + [("acute", "investigating")] * 3
                                        + [("medium", "contacted")] * 4 + [("high", "new")] * 2
                                        + [("acute", "closed")] * 17):
        received = stamp(now_local() - timedelta(hours=i + 1))
        made[seed_rows("concerns", youth_id=youth, recorded_by=worker_id, received_at=received, source="friend",
                       worry="Blowt", level=level, status=status)] = (level, status, received)
    auth.login_role("worker")
    first, second = client.get("/concerns/").text, client.get("/concerns/?pagina=2").text
    ids = [[int(i) for i in re.findall(r'href="/concerns/(\d+)"', page)] for page in (first, second)]
    assert len(ids[0]) == 30 and len(ids[1]) == 1 and sorted(ids[0] + ids[1]) == sorted(made)
    rank = {"acute": 0, "high": 1, "medium": 2, "low": 3}
    expected = sorted(made, key=lambda c: (made[c][1] == "closed", rank[made[c][0]] if made[c][1] != "closed" else 0,
                                           [-ord(ch) for ch in made[c][2]]))
    assert ids[0] + ids[1] == expected
    assert 'rel="next" href="/concerns/?pagina=2"' in first and 'rel="next"' not in second
    assert 'rel="prev" href="/concerns/"' in second
