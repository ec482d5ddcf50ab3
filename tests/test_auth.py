"""Logging in and out, revocable sessions, CSRF, safe redirects, time limits, passwords, create-user."""
import re
import time

import pytest

from conftest import PASSWORDS, csrf_token, form_errors
from outreach.auth import throttle
from outreach.core.passwords import password_problem


def test_login_page_in_dutch(client):
    """Login page in dutch."""
    page = client.get("/login")
    assert page.status_code == 200
    assert "Gebruikersnaam" in page.text and "Wachtwoord" in page.text
    assert 'lang="nl"' in page.text


def test_login_ok_goes_home_and_shows_user(client, auth):
    """Login ok goes home and shows user."""
    response = auth.login("werker")
    assert response.headers["Location"] == "/"
    assert "werker" in client.get("/").text


@pytest.mark.parametrize("username, password", [("werker", "verkeerd-wachtwoord"), ("niemand", "verkeerd-wachtwoord")])
def test_login_failure_same_message_and_username_kept(client, auth, username, password):
    """Unknown user and wrong password read the same, so the form cannot be used to find accounts."""
    response = auth.login(username, password)
    assert response.status_code == 200
    assert "Gebruikersnaam of wachtwoord klopt niet." in response.text
    assert f'value="{username}"' in response.text
    assert client.get("/").status_code == 302


def test_login_empty_fields_have_dutch_messages(client):
    """Login empty fields have dutch messages."""
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"username": "", "password": "", "csrf_token": token})
    assert "Vul je gebruikersnaam in." in response.text
    assert "Vul je wachtwoord in." in response.text


def test_invariant_4_every_login_attempt_is_audited(auth, query):
    """Invariant 4 every login attempt is audited."""
    auth.login("werker", "fout-wachtwoord-123")
    auth.login("onbekend", "fout-wachtwoord-123")
    auth.login("werker")
    log = query("select action, actor_id, object_type, object_id, result, origin from audit_log order by id")
    assert [r["action"] for r in log] == ["login failed", "login failed", "login ok"]
    werker = query("select id from users where username = 'werker'")[0]["id"]
    assert log[0]["object_id"] == str(werker) and log[0]["result"] == "refused"
    assert log[1]["object_id"] is None
    assert log[2]["actor_id"] == werker and log[2]["origin"] == "127.0.0.1"
    # The log holds no content: no typed password anywhere in it.
    assert "fout-wachtwoord" not in str(query("select * from audit_log"))


def test_post_without_csrf_token_is_refused(client):
    """Post without csrf token is refused."""
    response = client.post("/login", data={"username": "werker", "password": PASSWORDS["worker"]})
    assert response.status_code == 400
    assert "formulier was verlopen" in response.text
    assert client.get("/").status_code == 302


def test_logout_requires_post_and_csrf(client, auth):
    """Logout requires post and csrf."""
    auth.login_role("worker")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_copied_cookie_is_rejected_after_logout(app, client, auth):
    """Session revocation: a cookie captured before logout no longer works afterwards."""
    auth.login_role("worker")
    stolen = client.get_cookie("straatwerk").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("straatwerk", stolen)
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
    "http:evil.example", "%2F%2Fevil.example", "/%09/evil.example", "\t//evil.example",
])
def test_next_open_redirect_refused(auth, target):
    """Next open redirect refused."""
    response = auth.login("werker", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_same_site_path_accepted(auth):
    """Next same site path accepted."""
    response = auth.login("beheerder", next="/admin/users/new")
    assert response.headers["Location"] == "/admin/users/new"


def test_anonymous_redirected_to_login_with_next(client):
    """Anonymous redirected to login with next."""
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/"


def test_absolute_session_lifetime(client, auth):
    """Absolute session lifetime."""
    auth.login_role("worker")
    with client.session_transaction() as session:
        session["login_at"] = time.time() - 12 * 3600 - 1
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("password, problem", [
    ("kort", "minstens 12 tekens"), ("a" * 257, "hoogstens 256"), ("werker-is-mijn-naam", "gebruikersnaam"),
    ("aaaaaaaaaaaaaaa", "te eenvoudig"), ("een goede lange zin", None),
])
def test_password_policy(password, problem):
    """Password policy."""
    result = password_problem(password, "werker")
    assert (result is None) if problem is None else (problem in result)


def test_change_password_ends_other_sessions(app, client, auth, query):
    """Change password ends other sessions."""
    auth.login_role("manager")
    other = app.test_client()
    other_auth = type(auth)(other)
    other_auth.login_role("manager")
    response = auth.post("/account/password", {"current": PASSWORDS["manager"], "new": "nieuw wachtwoord 2027",
                                               "repeat": "nieuw wachtwoord 2027"}, page="/account/password")
    assert response.headers["Location"] == "/"
    assert client.get("/report/").status_code == 200  # This session continues with the new token.
    assert other.get("/report/").headers["Location"] == "/login?next=/report/"  # The other device is logged out.
    assert other_auth.login("manager", PASSWORDS["manager"]).status_code == 200  # Old password refused.
    assert other_auth.login("manager", "nieuw wachtwoord 2027").status_code == 302


def test_change_password_bad_input_saves_nothing(client, auth, query):
    """Change password bad input saves nothing."""
    auth.login_role("manager")
    before = query("select password_hash from users where username='manager'")
    response = auth.post("/account/password", {"current": "fout", "new": "kort", "repeat": "anders"},
                         page="/account/password")
    assert response.status_code == 200
    assert "minstens 12 tekens" in response.text
    assert "niet gelijk" in response.text
    assert query("select password_hash from users where username='manager'") == before


def test_deactivated_user_cannot_log_in(auth, query, app):
    """Deactivated user cannot log in."""
    with app.app_context():
        from outreach.core.db import get_db
        get_db()["users"].update(query("select id from users where username='cjg'")[0]["id"], {"active": 0})
    response = auth.login("cjg")
    assert "Gebruikersnaam of wachtwoord klopt niet." in response.text


def test_create_user_command_with_stdin(runner, auth, query):
    """Create user command with stdin."""
    result = runner.invoke(args=["create-user", "Nieuwe.Werker", "--role", "worker", "--password-stdin"],
                           input="een lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "nieuwe.werker" in result.output
    assert query("select role from users where username='nieuwe.werker'") == [{"role": "worker"}]
    assert auth.login("nieuwe.werker", "een lang wachtwoord").status_code == 302


def test_create_user_command_with_full_name_and_email(runner, query):
    """--full-name and --email are stored (the address lower-cased) and the output names the person."""
    result = runner.invoke(args=["create-user", "sanne", "--role", "cjg", "--full-name", "Sanne de Boer",
                                 "--email", "Sanne@Heerde.nl", "--password-stdin"], input="een lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "Sanne de Boer (CJG)" in result.output
    assert query("select full_name, email from users where username='sanne'") == [
        {"full_name": "Sanne de Boer", "email": "sanne@heerde.nl"}]


def test_create_user_command_prompts(runner, query):
    """Create user command prompts."""
    result = runner.invoke(args=["create-user", "cjg2", "--role", "cjg"],
                           input="geheim wachtwoord 1\ngeheim wachtwoord 1\n")
    assert result.exit_code == 0, result.output
    assert query("select count(*) n from users where username='cjg2'") == [{"n": 1}]


@pytest.mark.parametrize("args, stdin, message", [
    (["create-user", "x1", "--role", "worker", "--password-stdin"], "lang genoeg wachtwoord\n", "3 tot 40 tekens"),
    (["create-user", "werker", "--role", "worker", "--password-stdin"], "lang genoeg wachtwoord\n", "bestaat al"),
    (["create-user", "nieuw", "--role", "worker", "--password-stdin"], "kort\n", "minstens 12"),
    (["create-user", "nieuw", "--role", "baas", "--password-stdin"], "lang genoeg wachtwoord\n", "baas"),
    (["create-user", "nieuw", "--role", "cjg", "--email", "geen-adres", "--password-stdin"], "lang genoeg wachtwoord\n",
     "e-mailadres"),
    (["create-user", "nieuw", "--role", "cjg", "--full-name", " ", "--password-stdin"], "lang genoeg wachtwoord\n",
     "volledige naam"),
])
def test_create_user_command_refuses_bad_input(runner, query, args, stdin, message):
    """Create user command refuses bad input."""
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert query("select count(*) n from users") == [{"n": 4}]


def test_https_mode_secure_host_cookie(template_db, tmp_path):
    """Https mode secure host cookie."""
    import shutil
    from conftest import make_app
    shutil.copy(template_db, tmp_path / "db.sqlite")
    app = make_app(tmp_path / "db.sqlite", HTTPS=True)
    client = app.test_client()
    page = client.get("/login", base_url="https://straatwerk.example")
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("__Host-straatwerk=") and "Secure" in cookie and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Path=/" in cookie and "Domain" not in cookie
    app.extensions["outreach.db"].close_all()


def test_new_password_must_differ_from_the_current_one(auth, query):
    """New password must differ from the current one."""
    auth.login_role("manager")
    before = query("select password_hash from users where username='manager'")
    response = auth.post("/account/password", {"current": PASSWORDS["manager"], "new": PASSWORDS["manager"],
                                               "repeat": PASSWORDS["manager"]}, page="/account/password")
    assert "Kies een ander wachtwoord" in response.text
    assert query("select password_hash from users where username='manager'") == before


def test_a_post_after_a_lost_session_goes_to_login_without_next(client):
    """A post after a lost session goes to login without next."""
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"  # Never back to a page that only takes a POST.


@pytest.fixture
def clock(monkeypatch):
    """Move the throttle's clock: returns a function that sets it to now + seconds."""
    start = time.time()

    def move(seconds=0):
        """Pretend seconds have passed since the test began."""
        monkeypatch.setattr(throttle, "now", lambda: start + seconds)
    move(0)
    return move


def without_token(html):
    """A page without its CSRF token, CSP nonce and typed username, to compare two answers byte for byte."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+|(name="username"[^>]*value=")[^"]+|(nonce=")[^"]+',
                  r"\1\2\3", html)


def test_five_failures_then_429_and_audit(auth, client, clock, query):
    """After 5 failures: 429 with the wait in Dutch, even for the right password; audited as 'locked'."""
    for _ in range(4):
        assert auth.login("werker", "fout-wachtwoord-123").status_code == 200
    fifth = auth.login("werker", "fout-wachtwoord-123")
    assert fifth.status_code == 429
    assert form_errors(fifth.text) == ["Te veel mislukte pogingen. Probeer het over 1 minuut opnieuw."]
    assert 'value="werker"' in fifth.text  # What was typed is kept.
    assert auth.login("werker").status_code == 429  # The right password does not help while it lasts.
    assert client.get("/").status_code == 302
    locked = query("select actor_id, object_id, result from audit_log where action = 'locked'")
    werker = str(query("select id from users where username = 'werker'")[0]["id"])
    assert locked == [{"actor_id": None, "object_id": werker, "result": "refused"}] * 2
    clock(31)
    assert auth.login("werker").status_code == 302  # Waited: in.
    auth.logout()
    assert auth.login("werker", "fout-wachtwoord-123").status_code == 200  # The counter was cleared.


def test_the_wait_grows_and_is_capped(app, auth, clock):
    """30 s, 60 s, 120 s … at most 15 minutes; each failure after a wait doubles it."""
    from outreach.auth.throttle import wait_seconds
    waited = 0
    for _ in range(5):
        auth.login("werker", "fout-wachtwoord-123")
    waits = []
    for _ in range(7):
        with app.app_context():
            waits.append(wait_seconds("werker", "127.0.0.1"))
        waited += waits[-1]
        clock(waited)
        assert auth.login("werker", "fout-wachtwoord-123").status_code == 429
    assert waits == [30, 60, 120, 240, 480, 900, 900]
    assert "over 15 minuten" in auth.login("werker").text


def test_throttled_unknown_and_known_accounts_answer_alike(auth, client, monkeypatch):
    """No enumeration: the same status and page for an unknown name, and one argon2 check per attempt."""
    from outreach.core import passwords
    answers = {}

    class Counting:
        """The real hasher, counting its verifications."""
        calls = 0

        def verify(self, *args):
            """Count, then verify for real (the time it costs is the point)."""
            Counting.calls += 1
            return real.verify(*args)

    real = passwords.hasher
    firsts = {}
    for username in ("werker", "niemand"):
        first = auth.login(username, "fout-wachtwoord-123")
        firsts[username] = (first.status_code, without_token(first.text))
        for _ in range(4):
            auth.login(username, "fout-wachtwoord-123")
        Counting.calls = 0
        monkeypatch.setattr(passwords, "hasher", Counting())
        answer = auth.login(username, "fout-wachtwoord-123")
        monkeypatch.undo()
        answers[username] = (answer.status_code, without_token(answer.text), Counting.calls)
    assert firsts["werker"] == firsts["niemand"] and firsts["werker"][0] == 200
    assert answers["werker"] == answers["niemand"]
    assert answers["werker"][0] == 429 and answers["werker"][2] == 1


def test_throttling_per_ip(auth):
    """Twenty failures from one address, whatever the names, hold off every login from there for a while."""
    for n in range(20):
        auth.login(f"poging{n}", "fout-wachtwoord-123")
    assert auth.login("werker").status_code == 429


def test_wrong_codes_count_as_failures(auth, query):
    """Wrong second-factor codes count like wrong passwords; after five the code page answers 429 too."""
    auth.login("cjg", second_factor=False)
    answers = [auth.code("000000").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    assert "Te veel mislukte pogingen" in auth.code("111111").text
    assert auth.login("cjg", second_factor=False).status_code == 429  # The account itself, too.
    assert len(query("select id from audit_log where action = 'locked'")) == 3


@pytest.mark.parametrize("password, username", [
    ("wachtwoord2026!", ""), ("Welkom123456", ""), ("QWERTYUIOP12", ""), ("iloveyou iloveyou", "x"),
    ("werkerqwertyuiop", "werker"), ("Straatwerk2026!", ""), ("password12345", ""), ("123456789012", ""),
])
def test_common_passwords_refused(password, username):
    """Common passwords, in any case, padded with digits or wrapped around the username, are refused."""
    problem = password_problem(password, username)
    assert problem and ("veelgebruikte wachtwoorden" in problem or "te eenvoudig" in problem)


def test_common_password_message_at_the_field(auth):
    """Changing to a common password: the Dutch message next to the field, nothing saved."""
    auth.login_role("manager")
    response = auth.post("/account/password", {"current": PASSWORDS["manager"], "new": "Wachtwoord2026",
                                               "repeat": "Wachtwoord2026"}, page="/account/password")
    assert response.status_code == 200
    assert form_errors(response.text) == [
        "Dit wachtwoord staat op de lijst van veelgebruikte wachtwoorden. Kies iets minder voorspelbaars."]


def test_changing_the_password_keeps_the_session_limit(auth, client):
    """A new password does not start a new 12 hours: the limit still counts from the login."""
    auth.login_role("manager")
    with client.session_transaction() as session:
        session["login_at"] = started = time.time() - 11 * 3600
    auth.post("/account/password", {"current": PASSWORDS["manager"], "new": "nieuw wachtwoord 2027",
                                    "repeat": "nieuw wachtwoord 2027"}, page="/account/password")
    with client.session_transaction() as session:
        assert session["login_at"] == started


def test_parallel_guesses_cannot_pass_the_limit(template_db, tmp_path):
    """Sixteen guesses at once for one account: at most five passwords are checked (counted before checking)."""
    import http.cookiejar
    import shutil
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request

    from waitress import create_server

    from conftest import csrf_token, make_app
    from outreach.core.db import connect
    path = tmp_path / "s.sqlite"
    shutil.copy(template_db, path)
    app = make_app(path)
    httpd = create_server(app, host="127.0.0.1", port=0, threads=16)
    threading.Thread(target=httpd.run, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.effective_port}/login"
    openers = [urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
               for _ in range(16)]
    tokens = [csrf_token(o.open(url).read().decode()) for o in openers]
    barrier, codes = threading.Barrier(16), []

    def guess(i):
        """One wrong password, sent together with the others."""
        data = urllib.parse.urlencode({"username": "beheerder", "password": f"gok-{i}-onjuist-wachtwoord",
                                       "csrf_token": tokens[i]}).encode()
        barrier.wait()
        try:
            codes.append(openers[i].open(url, data).status)
        except urllib.error.HTTPError as error:
            codes.append(error.code)
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    httpd.close()
    app.extensions["outreach.db"].close_all()
    db = connect(path)
    checked = db.execute("select count(*) from audit_log where action = 'login failed'").fetchone()[0]
    db.close()
    assert checked <= 5 and codes.count(429) >= 11, (checked, sorted(codes))


def failures_at(app, moments, scope="account", key="werker"):
    """Failed attempts of one key at these moments (seconds), as the throttle stores them."""
    from outreach.core.db import get_db
    with app.app_context():
        get_db()["login_failures"].insert_all({"scope": scope, "key": key, "at": float(at)} for at in moments)


@pytest.mark.parametrize("moments, at, run", [
    ([0, 900, 1800], 1800, (3, 1800)),     # Exactly 15 minutes apart: one run.
    ([0, 901, 1802], 1802, (1, 1802)),     # Just over: each failure starts a new run.
    ([0, 60, 961], 961, (1, 961)),          # The run before the gap no longer counts.
    ([0, 60, 120], 1020, (3, 120)),         # The latest failure exactly 15 minutes ago: the run still counts.
    ([0, 60, 120], 1021, (0, None)),        # Longer ago: no run at all.
])
def test_a_run_of_failures_ends_after_15_minutes_without_one(app, moments, at, run):
    """Failures count together when each follows the previous within 900 s; the edge itself still counts."""
    failures_at(app, moments)
    with app.app_context():
        assert throttle.streak("account", "werker", at) == run


def test_the_wait_per_number_of_failures(app):
    """None below the limit, 30 s at it, then doubling up to the 15-minute cap."""
    assert [throttle.delay(n, 5) for n in range(3, 14)] == [0, 0, 30, 60, 120, 240, 480, 900, 900, 900, 900]
    assert throttle.delay(40, 5) == 900 and throttle.delay(19, 20) == 0 and throttle.delay(20, 20) == 30


def test_the_wait_counts_down_to_zero_in_whole_seconds(app, clock):
    """After the fifth failure the wait is 30 s, read as whole seconds rounded up, and then 0."""
    start = throttle.now()
    failures_at(app, [start - 40, start - 30, start - 20, start - 10, start - 0.5])
    with app.app_context():
        assert throttle.wait_seconds(" WERKER ", "10.0.0.1") == 30  # 29.5 s left, shown as 30.
        clock(29.5)
        assert throttle.wait_seconds("werker", "10.0.0.1") == 0
        assert throttle.wait_seconds("iemand-anders", "10.0.0.1") == 0


def test_failures_older_than_a_day_are_forgotten_and_deleted(app, clock):
    """A failure from yesterday neither counts nor stays in the table once someone tries again."""
    from outreach.core.db import get_db
    start = throttle.now()
    failures_at(app, [start - 24 * 3600 - 1, start - 10])
    with app.app_context():
        assert throttle.streak("account", "werker", start) == (1, start - 10)
        assert throttle.claim("werker", "10.0.0.1")[0] == 0
        assert [r[0] for r in get_db().execute("select at from login_failures order by at")] == [start - 10, start]


def test_nineteen_failures_from_one_address_are_fine_and_the_twentieth_locks_until_the_wait_ends(auth, clock):
    """The office limit: 19 wrong logins under other names still let a colleague in; 20 hold everyone off 30 s."""
    for n in range(19):
        auth.login(f"poging{n}", "fout-wachtwoord-123")
    assert auth.login("werker").status_code == 302
    auth.logout()
    auth.login("poging19", "fout-wachtwoord-123")
    assert auth.login("werker").status_code == 429
    clock(29)
    assert auth.login("werker").status_code == 429
    clock(30)
    assert auth.login("werker").status_code == 302


@pytest.mark.parametrize("setting, limit", [("LOGIN_FAILURE_LIMIT", 3), ("LOGIN_FAILURE_LIMIT_IP", 4)])
def test_the_failure_limits_are_settings(template_db, tmp_path, clock, setting, limit):
    """The number of failures before the wait is set per account and per IP in the config, and honoured."""
    import shutil

    from conftest import AuthActions, make_app
    shutil.copy(template_db, tmp_path / "db.sqlite")
    app = make_app(tmp_path / "db.sqlite", **{setting: limit})
    auth = AuthActions(app.test_client())
    name = (lambda n: "werker") if setting == "LOGIN_FAILURE_LIMIT" else (lambda n: f"poging{n}")
    answers = [auth.login(name(n), "fout-wachtwoord-123").status_code for n in range(limit)]
    assert answers[:limit - 1] == [200] * (limit - 1)
    assert auth.login("werker").status_code == 429
    app.extensions["outreach.db"].close_all()


@pytest.mark.parametrize("seconds, text", [(1, "1 minuut"), (60, "1 minuut"), (61, "2 minuten"), (900, "15 minuten")])
def test_the_wait_is_told_in_whole_minutes_rounded_up(seconds, text):
    """The Dutch message never says 0 minutes and rounds up."""
    assert throttle.message(seconds) == f"Te veel mislukte pogingen. Probeer het over {text} opnieuw."


def test_failures_from_one_address_do_not_hold_off_another(app, clock):
    """The IP limit is per address: twenty wrong logins from one office do not lock out the next office."""
    from conftest import AuthActions
    office, elsewhere = (AuthActions(app.test_client()) for _ in range(2))
    office.client.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    elsewhere.client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    for n in range(20):
        office.login(f"poging{n}", "fout-wachtwoord-123")
    assert office.login("werker").status_code == 429
    assert elsewhere.login("werker").status_code == 302


@pytest.mark.parametrize("https, proxy, address, known", [
    (False, None, "10.0.0.1", True),           # Plain HTTP straight to waitress: the socket's address is the client's.
    (True, None, "10.0.0.1", False),           # HTTPS but no trusted proxy: every address is the unknown proxy's.
    (True, "10.0.0.9", "10.0.0.1", True),      # Behind the trusted proxy, which passed the client's address on.
    (True, "10.0.0.9", "10.0.0.9", False),     # The proxy's own address: it sent no X-Forwarded-For.
    (False, None, "", False), (False, None, None, False),
])
def test_failures_count_per_address_only_when_the_address_is_the_clients_own(app, clock, https, proxy, address,
                                                                                known):
    """Twenty-five failures under other names from one address lock out a colleague there only when the address is
    really the client's; otherwise only each account is counted (one shared address must not lock out everyone)."""
    app.config.update(HTTPS=https, TRUSTED_PROXY=proxy)
    with app.test_request_context():
        assert throttle.ip_known(address) is known
        for n in range(25):
            throttle.claim(f"poging{n}", address)
            throttle.fail(address)
        assert (throttle.wait_seconds("werker", address) > 0) is known
        assert throttle.wait_seconds("werker", "10.0.0.2") == 0


@pytest.mark.parametrize("https, proxy, reason", [
    (True, None, "HTTPS = True zonder TRUSTED_PROXY in de instellingen"),
    (True, "10.0.0.9", None), (False, None, None), (False, "10.0.0.9", None),
])
def test_the_start_warning_names_the_missing_proxy_setting(https, proxy, reason):
    """run.py warns at start when no request can carry the client's address, naming the setting to fill in."""
    assert throttle.ip_unknown_reason({"HTTPS": https, "TRUSTED_PROXY": proxy}) == reason


def test_a_proxy_that_sends_no_address_is_warned_about_once(app, caplog):
    """The proxy's own address as client: one warning in the log naming it, not one per login attempt."""
    app.config.update(HTTPS=True, TRUSTED_PROXY="10.0.0.77")
    with app.test_request_context(), caplog.at_level("WARNING"):
        assert [throttle.ip_known("10.0.0.77") for _ in range(3)] == [False] * 3
    warnings = [r.getMessage() for r in caplog.records if "10.0.0.77" in r.getMessage()]
    assert warnings == [throttle.UNKNOWN_IP.format(why="de proxy 10.0.0.77 stuurde geen X-Forwarded-For")]
