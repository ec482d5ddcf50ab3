"""Contactmomenten: the two-tap minimal contact, details, quick-add, bad input, 24-hour edits and corrections."""
import re

import pytest

from conftest import form_errors
from pageforms import browser_data, post_forms
from outreach.core.dates import now_local


def form_defaults(html):
    """The contact form's data as a browser would send it without any change."""
    return browser_data(post_forms(html, "/contacts/new")["/contacts/new"])


def test_minimal_contact_is_form_defaults(auth, client, query, spot, seed_rows, worker_id):
    """Opening the form and pressing Opslaan stores a valid contact at the last spot used."""
    seed_rows("visits", spot_id=spot, worker_id=worker_id, visited_at="2026-11-20 20:00", youths_present=3)
    auth.login_role("worker")
    page = client.get("/contacts/new").text
    response = client.post("/contacts/new", data=form_defaults(page))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Contact opgeslagen" in client.get("/").text
    rows = query("select spot_id, kind, youths_present, topics, ed_present, note, worker_id from contacts")
    assert rows == [{"spot_id": spot, "kind": "street", "youths_present": 1, "topics": "[]",
                     "ed_present": 0, "note": None, "worker_id": worker_id}]


def test_saved_confirmation_shows_once_without_touching_the_session(auth, client, spot):
    """The save's redirect sets only the confirmation cookie (the session cookie is not signed anew); the next page
    says it once and removes it; a cookie with anything else in it shows nothing."""
    auth.login_role("worker")
    sent = full(spot)
    response = auth.post("/contacts/new", sent, page="/contacts/new")
    assert response.status_code == 302, form_errors(response.text)
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("opgeslagen=contact-") and "HttpOnly" in cookies[0]
    moment = sent["contacted_at"][11:]
    home = client.get("/")
    assert f"Contact opgeslagen ({moment})." in home.text
    assert any(c.startswith("opgeslagen=;") for c in home.headers.getlist("Set-Cookie"))
    assert "Contact opgeslagen" not in client.get("/").text
    for forged in ("contact-2530", "contact-<b>x</b>", "handoff-2000", "contact-20301"):
        client.set_cookie("opgeslagen", forged)
        assert "opgeslagen (" not in client.get("/").text


def test_the_save_goes_home_under_the_address_the_app_is_served_at(auth, client, spot):
    """The redirect home after a save follows where the app is mounted (a proxy's path prefix), whichever
    address was saved under first: the home URL is kept per mount, never one for all."""
    auth.login_role("worker")
    for root in ("/straatwerk", "", "/straatwerk", "/jeugd"):
        response = auth.post("/contacts/new", full(spot), page="/contacts/new",
                             environ_overrides={"SCRIPT_NAME": root})
        assert response.status_code == 302 and response.headers["Location"] == f"{root}/"


def full(spot_id, **change):
    """A complete contact form."""
    return {"contacted_at": now_local().strftime("%Y-%m-%dT%H:%M"), "spot": str(spot_id), "kind": "group",
            "youths_present": "5", "topics": ["substance_use", "help"], "substances": ["nitrous_oxide"],
            "ed_present": "y", "duration_min": "20", "note": "Vroegen naar werk", "lat": "52.3906",
            "lon": "6.0331", "new_gender": "unknown", **change}


def test_full_contact_with_known_code_and_quick_added_youth(auth, client, query, spot, youth):
    """Full contact with known code and quick added youth."""
    auth.login_role("worker")
    data = full(spot, other_codes="j-0001", new_alias="Skater B", new_age_band="12-15", new_gender="female")
    response = auth.post("/contacts/new", data, page="/contacts/new")
    assert response.status_code == 302, form_errors(response.text)
    contact = query("select * from contacts")[0]
    assert contact["topics"] == '["substance_use", "help"]' and contact["substances"] == '["nitrous_oxide"]'
    assert contact["ed_present"] == 1 and contact["duration_min"] == 20 and contact["lat"] == 52.3906
    youths = query("select y.code, y.alias, y.age_band, y.gender from contact_youths cy "
                   "join youths y on y.id = cy.youth_id order by y.code")
    assert youths == [{"code": "J-0001", "alias": "Rode pet", "age_band": "16-17", "gender": "male"},
                      {"code": "J-0002", "alias": "Skater B", "age_band": "12-15", "gender": "female"}]
    assert {r["object_type"] for r in query("select object_type from audit_log where action='create'")} == {
        "contact", "youth"}


def test_youths_seen_at_this_spot_are_offered_first(auth, client, spot, youth, seed_rows, worker_id):
    """Youths seen at this spot are offered first."""
    other = seed_rows("youths", code="J-0002", alias="Elders", age_band="18-23", gender="female",
                      created_by=worker_id)
    when = now_local().strftime("%Y-%m-%d %H:%M")
    c1 = seed_rows("contacts", worker_id=worker_id, spot_id=None, contacted_at=when, kind="street",
                   youths_present=1)
    seed_rows("contact_youths", contact_id=c1, youth_id=other)
    c2 = seed_rows("contacts", worker_id=worker_id, spot_id=spot,
                   contacted_at=(now_local().replace(hour=0)).strftime("%Y-%m-%d %H:%M"),
                   kind="street", youths_present=1)
    seed_rows("contact_youths", contact_id=c2, youth_id=youth)
    auth.login_role("worker")
    page = client.get(f"/contacts/new?spot={spot}").text
    assert page.index("J-0001 · Rode pet") < page.index("J-0002 · Elders")


@pytest.mark.parametrize("change, message", [
    ({"contacted_at": "2099-01-01T20:00"}, "Dit moment ligt in de toekomst."),
    ({"contacted_at": ""}, "Vul in wanneer."),
    ({"youths_present": "0"}, "Kies een aantal van 1 tot 100."),
    ({"youths_present": "veel"}, "Vul een heel getal in."),
    ({"kind": "feestje"}, "Ongeldige keuze."),
    ({"other_codes": "J-9999"}, "Onbekende code: J-9999."),
    ({"new_alias": "Nieuwe", "new_age_band": ""}, "Kies de leeftijd van de nieuwe jongere."),
    ({"duration_min": "600"}, "Kies 1 tot 480 minuten."),
    ({"note": "x" * 10240}, "Maximaal 2000 tekens"),
    ({"spot": "12345"}, "Kies een hangplek uit de lijst."),
])
def test_contact_bad_input_saves_nothing(auth, query, spot, change, message):
    """Contact bad input saves nothing."""
    auth.login_role("worker")
    response = auth.post("/contacts/new", full(spot, **change), page="/contacts/new")
    assert response.status_code == 200
    errors = form_errors(response.text)
    assert any(message in e for e in errors), errors
    assert "Vroegen naar werk" in response.text or "note" in change  # What was typed stays.
    assert query("select (select count(*) from contacts) c, (select count(*) from youths) y") == [{"c": 0, "y": 0}]


@pytest.mark.parametrize("lat, lon", [("40.1", "6.03"), ("52.39", ""), ("", "6.03"), ("noord", "oost")])
def test_a_bad_or_half_gps_fix_is_dropped_not_refused(auth, query, spot, lat, lon):
    """The worker cannot edit the hidden GPS fields, so a bad fix must never block saving."""
    auth.login_role("worker")
    response = auth.post("/contacts/new", full(spot, lat=lat, lon=lon), page="/contacts/new")
    assert response.status_code == 302
    assert query("select lat, lon from contacts") == [{"lat": None, "lon": None}]


def test_nothing_half_saved_when_the_transaction_fails(app, auth, query, spot, monkeypatch):
    """A failure after the quick-added youth was inserted leaves neither the youth nor the contact."""
    from outreach.field import contacts
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login_role("worker")

    def broken(*args, **kwargs):
        """Fail in the middle of the transaction."""
        raise RuntimeError("schijf vol")
    monkeypatch.setattr(contacts.audit, "record", broken)
    response = auth.post("/contacts/new", full(spot, new_alias="Nieuw", new_age_band="16-17"), page="/contacts/new")
    assert response.status_code == 500 and "Er is niets half opgeslagen" in response.text
    assert query("select (select count(*) from contacts) c, (select count(*) from youths) y, "
                 "(select count(*) from contact_youths) l") == [{"c": 0, "y": 0, "l": 0}]


def saved_contact(auth, spot, **change):
    """Log one contact through the form; return nothing."""
    response = auth.post("/contacts/new", full(spot, **change), page="/contacts/new")
    assert response.status_code == 302, form_errors(response.text)


def test_edit_within_24_hours_changes_in_place(auth, query, plain, spot, youth):
    """Edit within 24 hours changes in place."""
    auth.login_role("worker")
    saved_contact(auth, spot, other_codes="J-0001")
    contact_id = query("select id from contacts")[0]["id"]
    response = auth.post(f"/contacts/{contact_id}/edit", full(spot, youths_present="7", note="Aangepast"),
                         page=f"/contacts/{contact_id}/edit")
    assert response.status_code == 302
    assert plain("contacts", "select id, youths_present, note, corrects_id from contacts") == [
        {"id": contact_id, "youths_present": 7, "note": "Aangepast", "corrects_id": None}]
    assert query("select count(*) n from contact_youths") == [{"n": 0}]  # J-0001 no longer ticked or typed.


def test_after_24_hours_a_correction_keeps_the_original(app, auth, client, query, plain, spot):
    """After 24 hours a correction keeps the original."""
    auth.login_role("worker")
    saved_contact(auth, spot, note="Eerste versie")
    original = query("select id from contacts")[0]["id"]
    with app.app_context():
        from outreach.core.db import get_db
        get_db()["contacts"].update(original, {"created_at": "2020-01-01T00:00:00Z"})
    page = client.get(f"/contacts/{original}/edit").text
    assert "wordt opgeslagen als correctie" in page
    response = auth.post(f"/contacts/{original}/edit", full(spot, note="Gecorrigeerd"),
                         page=f"/contacts/{original}/edit")
    assert response.status_code == 302
    rows = plain("contacts", "select id, note, corrects_id, replaced_by from contacts order by id")
    assert rows[0] == {"id": original, "note": "Eerste versie", "corrects_id": None, "replaced_by": rows[1]["id"]}
    assert rows[1]["note"] == "Gecorrigeerd" and rows[1]["corrects_id"] == original
    listing = client.get("/contacts/").text
    assert "Gecorrigeerd" in listing and "Eerste versie" not in listing
    assert auth.post(f"/contacts/{original}/delete").status_code == 404  # The original is no longer current.
    assert auth.post(f"/contacts/{rows[1]['id']}/delete").status_code == 302
    # Deleting the correction (within its 24 hours) brings the original back; nothing is lost.
    assert query("select id, replaced_by from contacts") == [{"id": original, "replaced_by": None}]
    assert "Eerste versie" in client.get("/contacts/").text


def test_delete_only_within_24_hours(app, auth, query, spot):
    """Delete only within 24 hours."""
    auth.login_role("worker")
    saved_contact(auth, spot)
    saved_contact(auth, spot)
    first, second = [r["id"] for r in query("select id from contacts order by id")]
    with app.app_context():
        from outreach.core.db import get_db
        get_db()["contacts"].update(first, {"created_at": "2020-01-01T00:00:00Z"})
    auth.post(f"/contacts/{first}/delete")
    auth.post(f"/contacts/{second}/delete")
    assert query("select id from contacts") == [{"id": first}]


def test_someone_elses_contact_cannot_be_changed(app, auth, query, spot, seed_rows):
    """Someone elses contact cannot be changed."""
    from outreach.core.accounts import create_user
    with app.app_context():
        other = create_user("collega", "worker", "een ander wachtwoord")
    theirs = seed_rows("contacts", worker_id=other, spot_id=spot, contacted_at="2026-11-27 10:00",
                       kind="street", youths_present=1, created_at="2099-01-01T00:00:00Z")
    auth.login_role("worker")
    assert auth.post(f"/contacts/{theirs}/delete").status_code == 404
    assert auth.post(f"/contacts/{theirs}/edit", full(spot)).status_code == 404
    assert query("select count(*) n from contacts") == [{"n": 1}]


def test_quick_added_alias_that_looks_like_a_name_warns(auth, query, spot):
    """Quick added alias that looks like a name warns."""
    auth.login_role("worker")
    data = full(spot, new_alias="Daan de Vries", new_age_band="16-17")
    response = auth.post("/contacts/new", data, page="/contacts/new")
    assert "Weet je zeker dat je dit wilt opslaan?" in response.text
    assert 'value="Daan de Vries"' in response.text
    assert query("select count(*) n from youths") == [{"n": 0}]


@pytest.mark.parametrize("change, message", [
    ({"youths_present": "0"}, "Kies een aantal van 1 tot 100."),
    ({"contacted_at": "morgen"}, "Vul een datum en tijd in"),
    ({"youths": "abc"}, "Ongeldige"),
])
def test_edit_with_bad_input_changes_nothing(auth, query, spot, change, message):
    """Edit with bad input changes nothing."""
    auth.login_role("worker")
    saved_contact(auth, spot, note="Zoals het was")
    contact_id = query("select id from contacts")[0]["id"]
    before = query("select * from contacts")
    response = auth.post(f"/contacts/{contact_id}/edit", full(spot, note="Nieuw", **change),
                         page=f"/contacts/{contact_id}/edit")
    assert response.status_code == 200
    assert any(message in e for e in form_errors(response.text)), form_errors(response.text)
    assert query("select * from contacts") == before


def test_dutch_date_format_is_accepted(auth, query, spot):
    """Dutch date format is accepted."""
    auth.login_role("worker")
    when = now_local().strftime("%d-%m-%Y %H:%M")
    saved_contact(auth, spot, contacted_at=when)
    assert query("select contacted_at from contacts") == [{"contacted_at": now_local().strftime("%Y-%m-%d %H:%M")}]


def test_list_names_the_colleague_not_the_login(auth, client, spot, named_worker):
    """The list says who logged a contact by full name and role ('Sanne de Boer (straathoekwerker)')."""
    auth.login_role("worker")
    saved_contact(auth, spot)
    page = client.get("/contacts/").text
    assert f"· {named_worker}</small>" in page and not re.search(r"· werker\b", page)


def test_markup_in_note_is_escaped_in_the_list(auth, client, spot):
    """Markup in note is escaped in the list."""
    auth.login_role("worker")
    saved_contact(auth, spot, note="<img src=x onerror=alert(1)>", confirm_personal="y")
    page = client.get("/contacts/").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_editing_keeps_an_archived_spot(app, auth, query, plain, spot):
    """Editing keeps an archived spot."""
    auth.login_role("worker")
    saved_contact(auth, spot)
    contact_id = query("select id from contacts")[0]["id"]
    auth.post(f"/spots/{spot}/archive", {"archive": "1"})
    page = auth.client.get(f"/contacts/{contact_id}/edit").text
    assert re.search(r"<option[^>]*selected[^>]*>Skatebaan</option>", page)
    response = auth.post(f"/contacts/{contact_id}/edit", full(spot, note="Later aangevuld"),
                         page=f"/contacts/{contact_id}/edit")
    assert response.status_code == 302
    assert plain("contacts", "select spot_id, note from contacts") == [{"spot_id": spot, "note": "Later aangevuld"}]


def test_edit_page_never_lets_gps_move_the_contact(auth, client, query, spot):
    """Edit page never lets gps move the contact."""
    auth.login_role("worker")
    saved_contact(auth, spot)
    contact_id = query("select id from contacts")[0]["id"]
    assert "data-nearest" not in client.get(f"/contacts/{contact_id}/edit").text
    assert "data-nearest" not in client.get(f"/contacts/new?spot={spot}").text
    assert "data-nearest" in client.get("/contacts/new").text
