"""The administrator's account pages."""
import re

import pyotp
import pytest


def one_time_password(html):
    """The one-time password shown on the page."""
    return re.search(r'class="secret"[^>]*>([^<]+)<', html).group(1).strip()


def test_user_list_shows_every_account(auth, client):
    """User list shows every account."""
    auth.login_role("admin")
    page = client.get("/admin/")
    for name in ("werker", "cjg", "manager", "beheerder"):
        assert name in page.text
    assert "CJG-medewerker" in page.text


def test_create_account_with_one_time_password(app, auth, client, query):
    """Create account with one time password."""
    auth.login_role("admin")
    response = auth.post("/admin/users/new", {"username": "Cjg.Heerde", "role": "cjg",
                                            "full_name": "Sanne de Boer", "email": "S.deBoer@Heerde.nl"}, page="/admin/users/new")
    assert response.status_code == 200
    password = one_time_password(response.text)
    assert response.headers["Cache-Control"] == "no-store"
    assert query("select role, must_change_password, full_name, email from users where username='cjg.heerde'") == [
        {"role": "cjg", "must_change_password": 1, "full_name": "Sanne de Boer", "email": "s.deboer@heerde.nl"}]
    assert "Sanne de Boer (CJG)" in response.text
    assert query("select action, object_type, result from audit_log where action='create'") == [
        {"action": "create", "object_type": "user", "result": "role cjg"}]
    # The new user logs in and must choose a password before anything else.
    newcomer = app.test_client()
    from conftest import AuthActions
    new_auth = AuthActions(newcomer)
    assert new_auth.login("cjg.heerde", password).status_code == 302
    assert newcomer.get("/").headers["Location"] == "/account/password"
    new_auth.post("/account/password", {"current": password, "new": "mijn eigen wachtwoord",
                                        "repeat": "mijn eigen wachtwoord"}, page="/account/password")
    # A CJG account then sets up its second factor, and only then reaches its inbox.
    assert newcomer.get("/").headers["Location"] == "/account/2fa"
    page = newcomer.get("/account/2fa").text
    secret = one_time_password(page).replace(" ", "")
    new_auth.post("/account/2fa", {"code": pyotp.TOTP(secret).now()}, page="/account/2fa")
    assert newcomer.get("/cjg/").status_code == 200


@pytest.mark.parametrize("form, field_message", [
    ({"username": "", "role": "cjg", "full_name": "Sanne de Boer"}, "Vul een gebruikersnaam in."),
    ({"username": "a!", "role": "cjg", "full_name": "Sanne de Boer"}, "3 tot 40 tekens"),
    ({"username": "werker", "role": "worker", "full_name": "Sanne de Boer"}, "Deze gebruikersnaam bestaat al."),
    ({"username": "nieuw.account", "role": "", "full_name": "Sanne de Boer"}, "Kies een rol."),
    ({"username": "<b>x</b>", "role": "baas", "full_name": "Sanne de Boer"}, "3 tot 40 tekens"),
    ({"username": "nieuw.account", "role": "cjg", "full_name": "  "}, "Vul de volledige naam in"),
    ({"username": "nieuw.account", "role": "cjg", "full_name": "S" * 81}, "Maximaal 80 tekens."),
    ({"username": "nieuw.account", "role": "cjg", "full_name": "Sanne de Boer", "email": "sanne@"},
     "Vul een e-mailadres in zoals naam@heerde.nl"),
])
def test_create_account_bad_input(auth, query, form, field_message):
    """Invariant 6: a Dutch message at the field, what was typed kept, nothing saved."""
    auth.login_role("admin")
    response = auth.post("/admin/users/new", form, page="/admin/users/new")
    assert response.status_code == 200
    assert field_message in response.text
    assert 'class="field-error"' in response.text
    if form["username"]:
        assert 'value="' + form["username"].replace("<", "&lt;").replace(">", "&gt;") + '"' in response.text
    assert query("select count(*) n from users") == [{"n": 4}]


def test_deactivate_ends_sessions_and_blocks_login(app, auth, client, query):
    """Deactivate ends sessions and blocks login."""
    worker_client = app.test_client()
    from conftest import AuthActions
    worker_auth = AuthActions(worker_client)
    worker_auth.login_role("worker")
    auth.login_role("admin")
    werker = query("select id from users where username='werker'")[0]["id"]
    auth.post(f"/admin/users/{werker}/active", {"active": "0"})
    auth.post(f"/admin/users/{werker}/active", {"active": "0"})  # A double tap stays off.
    assert query("select active from users where id=?", [werker]) == [{"active": 0}]
    assert worker_client.get("/").status_code == 302
    assert "klopt niet" in worker_auth.login("werker").text
    auth.post(f"/admin/users/{werker}/active", {"active": "1"})  # And back on.
    assert worker_auth.login("werker").status_code == 302


def test_admin_cannot_deactivate_self(auth, client, query):
    """Admin cannot deactivate self."""
    auth.login_role("admin")
    me = query("select id from users where username='beheerder'")[0]["id"]
    response = auth.post(f"/admin/users/{me}/active", follow_redirects=True)
    assert "niet uitschakelen" in response.text
    assert query("select active from users where id=?", [me]) == [{"active": 1}]


def test_reset_password(app, auth, query):
    """Reset password."""
    auth.login_role("admin")
    manager = query("select id from users where username='manager'")[0]["id"]
    response = auth.post(f"/admin/users/{manager}/password")
    password = one_time_password(response.text)
    from conftest import AuthActions
    other = AuthActions(app.test_client())
    assert "klopt niet" in other.login("manager").text  # The old password no longer works.
    assert other.login("manager", password).status_code == 302
    assert query("select result from audit_log where action='update'") == [{"result": "password reset"}]


def test_unknown_user_is_404(auth):
    """Unknown user is 404."""
    auth.login_role("admin")
    assert auth.post("/admin/users/999/password").status_code == 404


def test_reset_second_factor_is_audited_and_forces_enrolment(app, auth, client, query):
    """A lost phone: the admin resets the CJG employee's second factor; sessions end, she sets it up anew."""
    from conftest import AuthActions
    colleague = AuthActions(app.test_client())
    colleague.login_role("cjg")
    auth.login_role("admin")
    cjg = query("select id from users where username='cjg'")[0]["id"]
    with app.app_context():
        from outreach.auth.otp import new_recovery_codes, store_recovery_codes
        store_recovery_codes(cjg, new_recovery_codes()[1])
    assert "Tweestaps resetten" in client.get("/admin/").text
    response = auth.post(f"/admin/users/{cjg}/second-factor", follow_redirects=True)
    assert "Tweestapsverificatie van cjg is gereset" in response.text
    assert query("select totp_secret, totp_enrolled_at, totp_last_step from users where id=?", [cjg]) == [
        {"totp_secret": None, "totp_enrolled_at": None, "totp_last_step": None}]
    assert query("select count(*) n from recovery_codes") == [{"n": 0}]
    assert query("select actor_id, object_id, result from audit_log where action='update'") == [
        {"actor_id": query("select id from users where username='beheerder'")[0]["id"], "object_id": str(cjg),
         "result": "second factor reset"}]
    assert colleague.client.get("/cjg/").status_code == 302  # Her open session ended.
    assert colleague.login("cjg", second_factor=False).headers["Location"] == "/cjg/"  # No code asked now …
    assert colleague.client.get("/cjg/").headers["Location"] == "/account/2fa"  # … but enrolment first.


def test_admin_cannot_reset_own_second_factor(auth, query):
    """Not on oneself: another admin has to do it."""
    auth.login_role("admin")
    me = query("select id from users where username='beheerder'")[0]["id"]
    response = auth.post(f"/admin/users/{me}/second-factor", follow_redirects=True)
    assert "alleen een andere beheerder" in response.text
    assert query("select totp_enrolled_at from users where id=?", [me])[0]["totp_enrolled_at"]
    assert query("select count(*) n from audit_log where action='update'") == [{"n": 0}]


def test_reset_second_factor_needs_post_and_csrf(auth, client, query):
    """A link cannot do it, nor a post without the form's token."""
    auth.login_role("admin")
    cjg = query("select id from users where username='cjg'")[0]["id"]
    assert client.get(f"/admin/users/{cjg}/second-factor").status_code == 405
    assert client.post(f"/admin/users/{cjg}/second-factor").status_code == 400
    assert query("select totp_enrolled_at from users where id=?", [cjg])[0]["totp_enrolled_at"]


def test_admin_home_shows_the_last_purge_and_backup(auth, client, runner, tmp_path):
    """The admin sees at once whether the nightly purge and the backups run: when, and what they did."""
    auth.login_role("admin")
    page = client.get("/admin/").text
    assert "Laatste opschoning</dt><dd>nog nooit" in page and "Laatste back-up</dt><dd>nog nooit" in page
    assert runner.invoke(args=["purge"]).exit_code == 0
    assert runner.invoke(args=["backup", str(tmp_path)]).exit_code == 0
    page = client.get("/admin/").text
    assert re.search(r"Laatste opschoning</dt><dd>\d{1,2} [a-z]{3} \d{4} \d\d:\d\d · 0 gegevens gewist", page)
    assert re.search(r"Laatste back-up</dt><dd>\d{1,2} [a-z]{3} \d{4} \d\d:\d\d · in orde, [\d,]+ [kM]B", page)


def test_a_new_account_page_does_not_speak_of_ended_sessions(auth, client):
    """Creating an account shows its one-time password, without the reset's 'open sessions ended'."""
    auth.login_role("admin")
    page = auth.post("/admin/users/new", {"username": "nieuw.lid", "role": "worker",
                                               "full_name": "Noor Bakker"}, page="/admin/users/new").text
    assert "Eenmalig wachtwoord" in page and "sessies" not in page


def test_the_list_shows_full_names_and_the_login_name_until_one_is_given(auth, client, query):
    """An account shows by its full name; one without a full name shows its login name and says so."""
    auth.login_role("admin")
    auth.post("/admin/users/new", {"username": "sanne", "role": "cjg", "full_name": "Sanne de Boer"},
              page="/admin/users/new")
    page = client.get("/admin/").text
    assert "<strong>Sanne de Boer</strong> · CJG-medewerker" in page and "Gebruikersnaam sanne" in page
    assert "<strong>werker</strong> · Straathoekwerker" in page and "nog geen volledige naam" in page


def test_the_admin_gives_an_existing_account_a_name_and_e_mail(auth, client, query):
    """Existing accounts get a full name and e-mail from their own page; audited; bad input keeps what was typed."""
    auth.login_role("admin")
    werker = query("select id from users where username = 'werker'")[0]["id"]
    url = f"/admin/users/{werker}"
    bad = auth.post(url, {"full_name": "", "email": "geen adres"}, page=url)
    assert bad.status_code == 200 and "Vul de volledige naam in" in bad.text and 'value="geen adres"' in bad.text
    assert query("select full_name, email from users where id = ?", [werker]) == [{"full_name": None, "email": None}]
    response = auth.post(url, {"full_name": " Femke Visser ", "email": ""}, page=url)
    assert response.status_code == 302
    assert query("select full_name, email from users where id = ?", [werker]) == [
        {"full_name": "Femke Visser", "email": None}]
    assert query("select result from audit_log where action = 'update' and object_id = ?", [str(werker)]) == [
        {"result": "name/e-mail"}]
    assert "Femke Visser" in client.get("/admin/").text
    assert client.get("/admin/users/9999").status_code == 404
