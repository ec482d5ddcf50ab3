"""Subject access and erasure for one youth: complete, never the reporter, and the report's counts stay."""
import json
import re

import pytest

from outreach.core.db import connect
from outreach.report.figures import Period
from outreach.report.model import collect


def held_youth(seed_rows, worker_id):
    """A youth with an own contact, a group contact, a concern with a reporter and a handoff with a name."""
    seed_rows("spots", name="Skatebaan", kind="skatepark", lat=52.39, lon=6.03, created_by=worker_id)
    for yid, alias in ((1, "Rode pet"), (2, "Vriend")):
        seed_rows("youths", id=yid, code=f"J-000{yid}", alias=alias, age_band="16-17", gender="male",
                  risk_signals='["LVB"]', created_by=worker_id, created_at="2026-01-01T10:00:00Z")
    seed_rows("contacts", id=1, worker_id=worker_id, spot_id=1, contacted_at="2026-03-01 20:00", kind="street",
              youths_present=1, note="Eigen notitie over J1", created_at="2026-03-01T19:00:00Z")
    seed_rows("contacts", id=2, worker_id=worker_id, spot_id=1, contacted_at="2026-03-02 20:00", kind="group",
              youths_present=2, note="Groepsnotitie over beiden", created_at="2026-03-02T19:00:00Z")
    for contact, youth in ((1, 1), (2, 1), (2, 2)):
        seed_rows("contact_youths", contact_id=contact, youth_id=youth)
    seed_rows("concerns", id=1, youth_id=1, recorded_by=worker_id, received_at="2026-03-03 10:00",
              source="friend", worry="Blowt elke ochtend", level="high", status="new")
    seed_rows("concern_reporters", concern_id=1, name="Melder Geheim", reach="06-99999999")
    seed_rows("handoffs", id=1, youth_id=1, worker_id=worker_id, reason="Zorgen", facts="Feiten", urgency="high",
              consent="yes", full_name="Bram Inzage", birth_date="2009-05-01", status="sent",
              sent_at="2026-03-10 10:00")


def test_access_export_is_complete_and_never_names_the_reporter(auth, client, seed_rows, worker_id, query):
    """The JSON holds profile, own note, concern text and handoff details; no reporter, no group note."""
    held_youth(seed_rows, worker_id)
    auth.login_role("admin")
    auth.subject_request()
    response = client.get("/admin/subject/J-0001.json")
    data = json.loads(response.get_data(as_text=True))
    text = json.dumps(data, ensure_ascii=False)
    assert data["profiel"]["alias"] == "Rode pet" and data["profiel"]["risk_signals"] == ["LVB"]
    assert [c["note"] for c in data["contacten"]] == ["Eigen notitie over J1", None]
    assert data["zorgmeldingen"][0]["worry"] == "Blowt elke ochtend"
    assert data["overdrachten"][0]["full_name"] == "Bram Inzage"
    assert "Melder Geheim" not in text and "06-99999999" not in text
    assert "Groepsnotitie" not in text
    page = client.get("/admin/subject/J-0001").get_data(as_text=True)
    assert "Bram Inzage" in page and "Melder Geheim" not in page
    assert query("select count(*) as n from audit_log where action = 'export' and object_type = 'youth'")[0]["n"] == 2


def test_erasure_needs_a_ground_and_keeps_the_report_counts(app, auth, client, seed_rows, worker_id, query,
                                                            reporters):
    """Without confirmation nothing happens; with it the youth's text and links go, the counts stay."""
    held_youth(seed_rows, worker_id)
    db = connect(app.config["DATABASE"])
    before = collect(db, Period("2026-01", "2026-03"))[0].cells
    auth.login_role("admin")
    auth.subject_request(reason="wissen")
    url = "/admin/subject/J-0001/erase"
    response = auth.post(url, {"ground": "Verzoek", "confirm": "false"}, page="/admin/subject/J-0001")
    assert response.status_code == 200
    assert "Bevestig dat je het verzoek hebt getoetst." in response.get_data(as_text=True)
    assert query("select alias from youths where id = 1")[0]["alias"] == "Rode pet"
    auth.post(url, {"ground": "Verzoek van de jongere, 12-11-2026", "confirm": "y"}, page="/admin/subject/J-0001")
    assert query("select alias, risk_signals from youths where id = 1") == [{"alias": None, "risk_signals": "[]"}]
    assert query("select count(*) as n from contact_youths where youth_id = 1")[0]["n"] == 0
    assert query("select note from contacts order by id") == [{"note": None}, {"note": None}]  # a group note may name them
    assert query("select worry from concerns") == [{"worry": None}]
    assert reporters() == []
    assert query("select full_name, birth_date from handoffs") == [{"full_name": None, "birth_date": None}]
    assert query("select result from audit_log where action = 'erase' and object_type = 'youth'")[0][
        "result"].startswith("op verzoek")
    assert query("select object_id from audit_log where action = 'erase' and object_type = 'reporter'") == [
        {"object_id": "1"}]
    assert collect(db, Period("2026-01", "2026-03"))[0].cells == before
    db.close()


def test_merged_duplicate_is_in_the_export_and_erased_with_the_youth(auth, client, seed_rows, worker_id, query):
    """A profile merged into J-0001 (the same youth logged twice) is listed and loses its alias on erasure."""
    held_youth(seed_rows, worker_id)
    seed_rows("youths", id=3, code="J-0003", alias="Mo van de Dorpsstraat", age_band="16-17", gender="male",
              merged_into=1, created_by=worker_id)
    auth.login_role("admin")
    auth.subject_request()
    data = json.loads(client.get("/admin/subject/J-0001.json").get_data(as_text=True))
    assert [p["alias"] for p in data["samengevoegde_profielen"]] == ["Mo van de Dorpsstraat"]
    auth.post("/admin/subject/J-0001/erase", {"ground": "Verzoek", "confirm": "y"}, page="/admin/subject/J-0001")
    assert query("select alias from youths where id in (1, 3)") == [{"alias": None}, {"alias": None}]


@pytest.mark.parametrize("url", ["/admin/subject/J-0001", "/admin/subject/J-0001.json"])
def test_no_case_content_before_the_reference_and_reason(auth, client, seed_rows, worker_id, query, url):
    """The admin sees nothing of a youth, and nothing is logged as seen, until a request's reference and reason
    are given: the page and the download send her to the request form with the code filled in."""
    held_youth(seed_rows, worker_id)
    auth.login_role("admin")
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/subject/?code=J-0001"
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vul eerst het kenmerk en de reden van het verzoek in." in form and 'value="J-0001"' in form
    assert "Bram Inzage" not in form and "Rode pet" not in form
    assert query("select count(*) as n from audit_log where object_type = 'youth'")[0]["n"] == 0


def test_erasure_without_an_open_request_erases_nothing(auth, client, seed_rows, worker_id, query):
    """A posted erasure without a request's reference and reason is sent to the request form; the youth stays."""
    held_youth(seed_rows, worker_id)
    auth.login_role("admin")
    response = auth.post("/admin/subject/J-0001/erase", {"ground": "Verzoek", "confirm": "y"}, page="/admin/")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/subject/?code=J-0001"
    assert query("select alias from youths where id = 1")[0]["alias"] == "Rode pet"


def test_every_view_is_audited_with_the_reference_and_reason(auth, client, seed_rows, worker_id, query):
    """Page, download and erasure each write an audit line naming the request's reference and reason."""
    held_youth(seed_rows, worker_id)
    auth.login_role("admin")
    auth.subject_request(reference="AVG-2026-014", reason="inzage")
    page = client.get("/admin/subject/J-0001").get_data(as_text=True)
    assert "AVG-2026-014" in page and "Bram Inzage" in page
    client.get("/admin/subject/J-0001.json")
    auth.subject_request(reference="AVG-2026-015", reason="wissen")
    auth.post("/admin/subject/J-0001/erase", {"ground": "Verzoek", "confirm": "y"}, page="/admin/subject/J-0001")
    lines = query("select action, result from audit_log where object_type = 'youth' order by id")
    assert [r["result"] for r in lines if r["action"] == "export"] == [
        "inzage (pagina); kenmerk AVG-2026-014; Inzageverzoek (AVG art. 15)",
        "inzage (json); kenmerk AVG-2026-014; Inzageverzoek (AVG art. 15)",
        "inzage (pagina); kenmerk AVG-2026-015; Verzoek om te wissen (AVG art. 17)"]  # The page the erasure is on.
    erased = [r["result"] for r in lines if r["action"] == "erase"]
    assert len(erased) == 1 and "kenmerk AVG-2026-015" in erased[0] and "AVG art. 17" in erased[0]


@pytest.mark.parametrize("change, field, message", [
    ({"reference": ""}, "reference", "Vul het kenmerk van het verzoek in"),
    ({"reference": "Bram <b>"}, "reference", "Alleen letters, cijfers"),
    ({"reason": ""}, "reason", "Kies waarom je de gegevens inziet."),
    ({"code": "Bram"}, "code", "Vul een code in zoals J-0042."),
])
def test_request_form_says_what_is_missing_and_keeps_what_was_typed(auth, client, change, field, message):
    """A request without a reference or reason, or with a wrong code: the Dutch message beside that field."""
    auth.login_role("admin")
    data = {"code": "J-0001", "reference": "AVG-2026-014", "reason": "inzage", **change}
    response = auth.post("/admin/subject/", data, page="/admin/subject/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', page)
    assert f'value="{data["code"]}"' in page
