"""Bezoeken: log a visit at a spot, 0 allowed, bad input refused in Dutch."""
import re

import pytest

from conftest import form_errors
from outreach.core.dates import now_local


def good(spot):
    """A valid visit form."""
    return {"spot": str(spot), "visited_at": now_local().strftime("%Y-%m-%dT%H:%M"), "youths_present": "0",
            "atmosphere": "calm", "note": ""}


def test_log_visit_with_nobody_there(auth, client, query, spot):
    """Log visit with nobody there."""
    auth.login_role("worker")
    response = auth.post("/visits/new", {**good(spot), "use_seen": "y", "ed_present": "y"}, page="/visits/new")
    assert response.status_code == 302 and response.headers["Location"] == f"/spots/{spot}"
    assert query("select youths_present, use_seen, dealing_seen, ed_present, atmosphere from visits") == [
        {"youths_present": 0, "use_seen": 1, "dealing_seen": 0, "ed_present": 1, "atmosphere": "calm"}]
    assert "niemand" in client.get(f"/spots/{spot}").text
    assert "niemand" in client.get("/visits/").text


def test_spot_preselected_from_link(auth, client, spot):
    """Spot preselected from link."""
    auth.login_role("worker")
    page = client.get(f"/visits/new?spot={spot}").text
    option = re.search(r"<option[^>]*>Skatebaan</option>", page).group(0)
    assert "selected" in option and 'data-lat="52.3905"' in option


@pytest.mark.parametrize("change, message", [
    ({"spot": ""}, "Kies de hangplek."),
    ({"spot": "999"}, "Kies een hangplek uit de lijst."),
    ({"youths_present": ""}, "Vul een aantal in; 0 als er niemand was."),
    ({"youths_present": "-1"}, "Kies een aantal van 0 tot 200."),
    ({"youths_present": "veel"}, "Vul een heel getal in."),
    ({"visited_at": "2099-01-01T20:00"}, "Dit moment ligt in de toekomst."),
    ({"visited_at": "2020-01-01T20:00"}, "Kies een moment in de afgelopen 90 dagen."),
    ({"atmosphere": "feest"}, "Ongeldige keuze."),
    ({"note": "<b>" + "x" * 10240}, "Maximaal 2000 tekens"),
])
def test_visit_bad_input(auth, query, spot, change, message):
    """Visit bad input."""
    auth.login_role("worker")
    response = auth.post("/visits/new", {**good(spot), **change}, page="/visits/new")
    assert response.status_code == 200
    assert any(message in e for e in form_errors(response.text)), form_errors(response.text)
    if "youths_present" in change and change["youths_present"]:
        assert f'value="{change["youths_present"]}"' in response.text
    assert query("select count(*) n from visits") == [{"n": 0}]


def test_archived_spot_cannot_be_chosen(auth, query, spot, seed_rows):
    """Archived spot cannot be chosen."""
    auth.login_role("worker")
    auth.post(f"/spots/{spot}/archive", {"archive": "1"})
    response = auth.post("/visits/new", good(spot), page="/visits/new")
    assert "Kies een hangplek uit de lijst." in form_errors(response.text)
    assert query("select count(*) n from visits") == [{"n": 0}]


def test_note_with_phone_number_warns(auth, query, plain, spot):
    """Note with phone number warns."""
    auth.login_role("worker")
    data = {**good(spot), "note": "Zijn moeder belt terug op 0578-123456"}
    response = auth.post("/visits/new", data, page="/visits/new")
    assert "Weet je zeker dat je dit wilt opslaan?" in response.text
    assert "Zijn moeder belt terug op 0578-123456" in response.text
    assert query("select count(*) n from visits") == [{"n": 0}]
    auth.post("/visits/new", {**data, "confirm_personal": "y"}, page="/visits/new")
    assert plain("visits", "select note from visits") == [{"note": "Zijn moeder belt terug op 0578-123456"}]


def test_markup_in_note_is_escaped(auth, client, spot):
    """Markup in note is escaped."""
    auth.login_role("worker")
    auth.post("/visits/new", {**good(spot), "note": "<script>alert(1)</script>"}, page="/visits/new")
    for url in ("/visits/", f"/spots/{spot}"):
        page = client.get(url).text
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_own_visit_can_be_fixed_or_deleted_for_24_hours(app, auth, client, query, spot):
    """Own visit can be fixed or deleted for 24 hours."""
    auth.login_role("worker")
    auth.post("/visits/new", {**good(spot), "youths_present": "30"}, page="/visits/new")
    auth.post("/visits/new", good(spot), page="/visits/new")
    first, second = [r["id"] for r in query("select id from visits order by id")]
    response = auth.post(f"/visits/{first}/edit", {**good(spot), "youths_present": "3"}, page=f"/visits/{first}/edit")
    assert response.status_code == 302
    auth.post(f"/visits/{second}/delete")
    assert query("select id, youths_present from visits") == [{"id": first, "youths_present": 3}]
    with app.app_context():
        from outreach.core.db import get_db
        get_db()["visits"].update(first, {"created_at": "2020-01-01T00:00:00Z"})
    assert client.get(f"/visits/{first}/edit").status_code == 404
    assert auth.post(f"/visits/{first}/delete").status_code == 404
    assert query("select count(*) n from visits") == [{"n": 1}]
