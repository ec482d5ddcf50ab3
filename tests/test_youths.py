"""Jongeren: generated codes, aliases, stage history, audited reads, timeline and merging."""
import re

import pytest

from conftest import form_errors

GOOD = {"alias": "Blauwe jas", "age_band": "12-15", "gender": "female", "stage": "2",
        "risk_signals": ["adhd", "school_dropout"]}


def test_create_youth_gets_next_code_and_stage_history(auth, query, worker_id):
    """Create youth gets next code and stage history."""
    auth.login_role("worker")
    for _ in range(2):
        assert auth.post("/youths/new", GOOD, page="/youths/new").status_code == 302
    assert query("select code, alias, age_band, gender, stage, risk_signals from youths order by code") == [
        {"code": "J-0001", "alias": "Blauwe jas", "age_band": "12-15", "gender": "female", "stage": 2,
         "risk_signals": '["adhd", "school_dropout"]'},
        {"code": "J-0002", "alias": "Blauwe jas", "age_band": "12-15", "gender": "female", "stage": 2,
         "risk_signals": '["adhd", "school_dropout"]'}]
    assert [r["set_by"] for r in query("select set_by from youth_stages")] == [worker_id, worker_id]


@pytest.mark.parametrize("change, message", [
    ({"alias": ""}, "Kies een bijnaam"),
    ({"alias": "x" * 41}, "Maximaal 40 tekens."),
    ({"age_band": ""}, "Kies een leeftijdsgroep."),
    ({"age_band": "30"}, "Ongeldige keuze."),
    ({"gender": "z"}, "Ongeldige keuze."),
    ({"stage": "9"}, "Ongeldige keuze."),
    ({"risk_signals": ["verzonnen"]}, "ongeldige keuze"),
])
def test_youth_bad_input(auth, query, change, message):
    """Youth bad input."""
    auth.login_role("worker")
    response = auth.post("/youths/new", {**GOOD, **change}, page="/youths/new")
    assert response.status_code == 200
    assert any(message in e for e in form_errors(response.text)), form_errors(response.text)
    assert query("select count(*) n from youths") == [{"n": 0}]


def test_alias_that_looks_like_a_name_warns_first(auth, query):
    """Alias that looks like a name warns first."""
    auth.login_role("worker")
    response = auth.post("/youths/new", {**GOOD, "alias": "Emma Jansen"}, page="/youths/new")
    assert "Dit lijkt op een naam" in response.text and 'value="Emma Jansen"' in response.text
    assert query("select count(*) n from youths") == [{"n": 0}]


def test_invariant_4_reading_a_youth_is_audited(auth, client, query, youth):
    """Invariant 4 reading a youth is audited."""
    auth.login_role("worker")
    assert client.get(f"/youths/{youth}").status_code == 200
    assert query("select action, object_type, object_id, actor_role from audit_log where object_type='youth'") == [
        {"action": "view", "object_type": "youth", "object_id": str(youth), "actor_role": "worker"}]


def test_stage_change_adds_history_with_who_and_when(auth, client, query, youth, named_worker):
    """Stage change adds history with who and when."""
    auth.login_role("worker")
    response = auth.post(f"/youths/{youth}/edit", {**GOOD, "stage": "4"}, page=f"/youths/{youth}/edit")
    assert response.status_code == 302
    assert query("select stage from youths") == [{"stage": 4}]
    history = query("select stage, set_by, set_at from youth_stages")
    assert [h["stage"] for h in history] == [4] and history[0]["set_at"]
    page = client.get(f"/youths/{youth}").text
    # Colleagues by their name and role, never the login name.
    assert f"fase 4 (problematisch gebruik), door {named_worker}" in page and "door werker" not in page


def test_timeline_shows_contacts(auth, client, youth, spot, seed_rows, worker_id):
    """Timeline shows contacts."""
    contact = seed_rows("contacts", worker_id=worker_id, spot_id=spot, contacted_at="2026-11-20 20:15",
                        kind="group", youths_present=4, topics='["dealing"]', substances='["nitrous_oxide"]')
    seed_rows("contact_youths", contact_id=contact, youth_id=youth)
    auth.login_role("worker")
    page = client.get(f"/youths/{youth}").text
    assert "20 nov 2026 20:15" in page and "groepsgesprek" in page and "dealen · lachgas" in page


def test_merge_moves_everything_once(auth, client, query, youth, spot, seed_rows, worker_id):
    """Merge moves everything once."""
    twin = seed_rows("youths", code="J-0002", alias="Pet", age_band="16-17", gender="male", created_by=worker_id)
    shared = seed_rows("contacts", worker_id=worker_id, spot_id=spot, contacted_at="2026-11-20 20:00",
                       kind="group", youths_present=3)
    own = seed_rows("contacts", worker_id=worker_id, spot_id=spot, contacted_at="2026-11-21 20:00",
                    kind="street", youths_present=1)
    for contact_id, youth_id in ((shared, youth), (shared, twin), (own, twin)):
        seed_rows("contact_youths", contact_id=contact_id, youth_id=youth_id)
    seed_rows("youth_stages", youth_id=twin, stage=3, set_by=worker_id, set_at="2026-11-21 20:00")
    seed_rows("youth_stages", youth_id=youth, stage=2, set_by=worker_id, set_at="2026-10-01 20:00")
    from outreach.core.db import connect
    db = connect(client.application.config["DATABASE"])
    db["youths"].update(twin, {"risk_signals": '["ADHD"]'})
    db["youths"].update(youth, {"risk_signals": '["LVB"]'})
    concern = db["concerns"].insert({"youth_id": twin, "recorded_by": worker_id, "received_at": "2026-11-01 10:00",
                                     "source": "friend", "level": "high", "status": "new"}).last_pk
    db.close()
    auth.login_role("worker")
    response = auth.post(f"/youths/{youth}/merge", {"other": "j-0002", "sure": "y"}, page=f"/youths/{youth}/merge")
    assert response.status_code == 302
    assert query("select contact_id, youth_id from contact_youths order by contact_id") == [
        {"contact_id": shared, "youth_id": youth}, {"contact_id": own, "youth_id": youth}]
    assert query("select youth_id from youth_stages") == [{"youth_id": youth}, {"youth_id": youth}]
    assert query("select merged_into from youths where id = ?", [twin]) == [{"merged_into": youth}]
    # Signals of both, the latest stage of the joined history, and the concern moved along.
    assert query("select stage, risk_signals from youths where id = ?", [youth]) == [
        {"stage": 3, "risk_signals": '["ADHD", "LVB"]'}]
    assert query("select youth_id from concerns where id = ?", [concern]) == [{"youth_id": youth}]
    # An old link to the merged profile leads to the one that was kept.
    assert client.get(f"/youths/{twin}").headers["Location"] == f"/youths/{youth}"
    assert client.get(f"/youths/{twin}/edit").status_code == 404
    assert "J-0002" not in client.get("/youths/").text


@pytest.mark.parametrize("data, message", [
    ({"other": "J-0001", "sure": "y"}, "Geen ander actief profiel met deze code."),
    ({"other": "J-0404", "sure": "y"}, "Geen ander actief profiel met deze code."),
    ({"other": "J-0002"}, "Vink aan dat je het zeker weet."),
])
def test_merge_refuses_bad_input(auth, query, youth, seed_rows, worker_id, data, message):
    """Merge refuses bad input."""
    seed_rows("youths", code="J-0002", alias="Pet", age_band="16-17", gender="male", created_by=worker_id)
    auth.login_role("worker")
    response = auth.post(f"/youths/{youth}/merge", data, page=f"/youths/{youth}/merge")
    assert message in form_errors(response.text)
    assert query("select count(*) n from youths where merged_into is not null") == [{"n": 0}]


def test_search_and_escaping(auth, client, seed_rows, worker_id):
    """Search and escaping."""
    seed_rows("youths", code="J-0007", alias="<i>Scooter</i>", age_band="16-17", gender="male", created_by=worker_id)
    seed_rows("youths", code="J-0008", alias="Krullen", age_band="16-17", gender="female", created_by=worker_id)
    auth.login_role("worker")
    page = client.get("/youths/?q=scoot").text
    assert "&lt;i&gt;Scooter&lt;/i&gt;" in page and "<i>Scooter" not in page and "Krullen" not in page


def test_edit_with_bad_input_changes_nothing(auth, query, youth):
    """Edit with bad input changes nothing."""
    auth.login_role("worker")
    before = query("select * from youths")
    response = auth.post(f"/youths/{youth}/edit", {**GOOD, "alias": "y" * 10240}, page=f"/youths/{youth}/edit")
    assert "Maximaal 40 tekens." in form_errors(response.text)
    assert "y" * 10240 in response.text  # What was typed is kept, even when far too long.
    assert query("select * from youths") == before
    assert query("select count(*) n from youth_stages") == [{"n": 0}]


def test_timeline_links_concerns_and_handoffs(auth, client, youth, seed_rows, worker_id):
    """Timeline links concerns and handoffs."""
    seed_rows("concerns", youth_id=youth, recorded_by=worker_id, received_at="2026-11-01 10:00", source="school",
              worry="w", level="medium", status="new")
    seed_rows("handoffs", youth_id=youth, worker_id=worker_id, reason="r", facts="f", stage=3, urgency="high",
              consent="yes", full_name="Naam", summary="s", status="accepted", sent_at="2026-11-02 10:00")
    auth.login_role("worker")
    page = client.get(f"/youths/{youth}").text
    assert re.search(r'href="/concerns/1">zorgmelding</a>\s*: midden', page)
    assert re.search(r'href="/handoffs/1">overdracht</a>\s*: geaccepteerd', page)
    assert "Naam" not in page  # The timeline names no one.


def test_youth_list_pages_by_last_contact(auth, client, seed_rows, worker_id):
    """Fifty youths a page, latest contact first (never seen last), with their count; the next page goes on."""
    for n in range(1, 56):
        seed_rows("youths", code=f"J-{n:04d}", alias="Pet", age_band="16-17", gender="male", created_by=worker_id)
    contact = seed_rows("contacts", worker_id=worker_id, contacted_at="2026-11-01 20:00", kind="street",
                        youths_present=1)
    seed_rows("contact_youths", contact_id=contact, youth_id=55)
    auth.login_role("worker")
    first = client.get("/youths/").text
    codes = re.findall(r"<strong>(J-\d+)</strong>", first)
    assert len(codes) == 50 and codes[:3] == ["J-0055", "J-0001", "J-0002"]
    assert re.search(r"\b1 contact(?!en)", first) and "1 contacten" not in first
    second = client.get("/youths/?pagina=2").text
    assert re.findall(r"<strong>(J-\d+)</strong>", second) == [f"J-{n:04d}" for n in range(50, 55)]
    assert 'rel="prev"' in second and 'rel="next"' not in second
