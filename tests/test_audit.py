"""The admin's audit log page: filters, the trail of one youth, CSV export; never the content itself."""
import csv
import re
import io

from conftest import form_errors


def test_trail_of_one_youth_covers_profile_concerns_and_handoffs(auth, client, one_of_each, seed_rows, worker_id):
    """Looking up J-0001 shows reads of the youth and of its concern and handoff, not another youth's."""
    seed_rows("youths", code="J-0002", alias="Ander", age_band="16-17", gender="male", created_by=worker_id)
    auth.login_role("worker")
    client.get("/youths/1")
    client.get("/youths/2")
    client.get("/concerns/1")
    client.get("/handoffs/1")
    auth.logout()
    auth.login_role("admin")
    html = client.get("/admin/audit/", query_string={"youth": "j-1"}).get_data(as_text=True)
    assert "Spoor van jongere J-0001" in html
    assert "jongere 1" in html and "zorgmelding 1" in html and "overdracht 1" in html
    assert "jongere 2" not in html
    assert "Ander" not in html  # ids and outcomes only, never content


def test_unknown_code_and_bad_date_get_dutch_messages(auth, client):
    """A code that does not exist or a wrong date is named next to its field."""
    auth.login_role("admin")
    html = client.get("/admin/audit/", query_string={"youth": "J-9999"}).get_data(as_text=True)
    assert "Geen jongere met code J-9999." in form_errors(html)
    html = client.get("/admin/audit/", query_string={"since": "gisteren"}).get_data(as_text=True)
    assert form_errors(html) == ["Vul een datum in, bijvoorbeeld 27-11-2026."]
    assert 'value="gisteren"' in html


def test_filter_by_action_and_export_is_itself_audited(auth, client, query):
    """Failed logins filtered, exported as CSV with ';' and BOM; the export leaves an audit row."""
    auth.login("werker", "fout-wachtwoord-123")
    auth.login_role("admin")
    response = client.get("/admin/audit/export.csv", query_string={"action": "login failed"})
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffat;username;actor_role;action")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))[1:]
    assert rows and {r[3] for r in rows} == {"login failed"}
    assert query("select count(*) as n from audit_log where action = 'export' and object_type = 'audit'")[0]["n"] == 1


def test_the_log_names_people_and_finds_them_by_name(app, auth, client, query):
    """'Wie' reads 'Sanne de Boer (CJG)' (the login name while there is no full name); the filter takes either."""
    from outreach.core.db import connect
    db = connect(app.config["DATABASE"])
    db.execute("update users set full_name = 'Sanne de Boer' where username = 'cjg'")
    db.close()
    auth.login_role("cjg")
    auth.logout()
    auth.login_role("admin")
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "Sanne de Boer (CJG)" in html and "beheerder (beheer)" in html
    for typed in ("Sanne de Boer", "CJG"):
        rows = client.get("/admin/audit/", query_string={"actor": typed}).get_data(as_text=True)
        assert "Sanne de Boer (CJG)" in rows and "beheerder (beheer)" not in rows


def test_the_log_says_results_in_dutch_and_the_export_keeps_them_as_stored(auth, client, runner, tmp_path):
    """Actions and outcomes in Dutch on the page ('opgeschoond', 'code gevraagd', 'N gegevens gewist'); the CSV keeps
    the stored codes ('purge', 'code asked', 'ok N bytes', the counts)."""
    assert runner.invoke(args=["purge"]).exit_code == 0
    assert runner.invoke(args=["backup", str(tmp_path / "b.sqlite")]).exit_code == 0
    auth.login_role("admin")
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get("/admin/audit/").get_data(as_text=True)).split())
    assert "code gevraagd" in page and "in orde" in page and re.search(r"\b\d+ gegevens gewist", page)
    assert "opgeschoond" in page and "ingelogd" in page and "back-up" in page  # Actions in Dutch too.
    assert not re.search(r"\b(purge|login ok|login)\b", page.split("Uitkomst", 1)[1])
    assert re.search(r"in orde, [\d,]+ (kB|MB)", page)
    assert not re.search(r"code asked|\bok\b|\bbytes\b|notes \d", page)
    body = client.get("/admin/audit/export.csv").get_data(as_text=True)
    assert ";purge;" in body and ";code asked;" in body and re.search(r";ok \d+ bytes;", body) and "notes " in body
