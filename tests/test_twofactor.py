"""Second factor: required for CJG and admin, optional for others; codes once only; recovery codes; the pending step."""
import re
import time

import pyotp
import pytest

from conftest import SECRET_OF, TOTP_SECRETS, csrf_token, form_errors
from outreach.auth import otp, twofactor
from outreach.core.accounts import clear_second_factor, create_user
from outreach.core.forms import INVISIBLE_MESSAGE

T = 1_800_000_000.0  # A fixed moment (a multiple of 30 s), so the codes of each time step are known.


@pytest.fixture
def clock(monkeypatch):
    """Set the clock the TOTP codes are checked against; returns a setter."""
    def set_to(moment):
        """Pretend it is this moment (None: the real time again)."""
        monkeypatch.setattr(otp, "now", time.time if moment is None else lambda: moment)
    set_to(T)
    return set_to


def code_at(username, moment):
    """The code of a test account's app at a moment."""
    return pyotp.TOTP(SECRET_OF[username]).at(moment)


def secret_on(page):
    """The manual-entry secret shown on the enrolment page."""
    return re.search(r'class="secret" aria-label="Sleutel voor de app">([^<]+)<', page).group(1).replace(" ", "")


def recovery_codes(page):
    """The recovery codes shown once after enrolment."""
    return re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", page)


def enrol(auth, moment=None):
    """Enrol the logged-in user through the page; returns (secret, recovery codes)."""
    secret = secret_on(auth.client.get("/account/2fa").text)
    code = pyotp.TOTP(secret).at(moment) if moment else pyotp.TOTP(secret).now()
    response = auth.post("/account/2fa", {"code": code}, page="/account/2fa")
    return secret, recovery_codes(response.text)


@pytest.mark.parametrize("role", list(TOTP_SECRETS))
def test_password_alone_reaches_nothing(auth, client, role):
    """Between password and code the browser is not logged in: every page sends it to the login page."""
    username = {"cjg": "cjg", "admin": "beheerder"}[role]
    response = auth.login(username, second_factor=False)
    assert response.headers["Location"] == "/login/code"
    for url in ("/", "/cjg/", "/cjg/1", "/admin/", "/admin/users/new", "/report/", "/account/2fa", "/account/password"):
        got = client.get(url)
        assert got.status_code == 302 and got.headers["Location"].startswith("/login"), url
    assert auth.post("/logout", page="/login").headers["Location"] == "/login"
    with client.session_transaction() as session:
        assert "_user_id" not in session and session["pending"]["user"]


def test_code_page_in_dutch_and_no_pending_means_login(client, auth):
    """Code page in Dutch; without a password step first it sends you to the login page."""
    assert client.get("/login/code").headers["Location"] == "/login"
    auth.login("cjg", second_factor=False)
    page = client.get("/login/code")
    assert page.status_code == 200 and "Code invullen" in page.text and 'autocomplete="one-time-code"' in page.text


def test_each_code_works_once(auth, client, clock, query):
    """A code that logged in once is refused the second time, even within its 30 seconds."""
    code = code_at("cjg", T)
    auth.login("cjg", second_factor=False)
    assert auth.code(code).headers["Location"] == "/cjg/"
    assert client.get("/cjg/").status_code == 200
    auth.logout()
    auth.login("cjg", second_factor=False)
    replay = auth.code(code)
    assert replay.status_code == 200 and twofactor.WRONG in form_errors(replay.text)
    assert client.get("/cjg/").status_code == 302
    clock(T + 30)
    assert auth.code(code_at("cjg", T + 30)).headers["Location"] == "/cjg/"
    results = [r["result"] for r in query("select result from audit_log where action like 'login%' order by id")]
    assert results == ["code asked", "ok", "code asked", "wrong code", "ok"]


def test_one_step_early_or_late_but_never_an_older_step(auth, clock):
    """Valid window ±1 step; a step not newer than the last accepted one is refused (replay)."""
    auth.login("cjg", second_factor=False)
    assert auth.code(code_at("cjg", T - 60)).status_code == 200  # Two steps old: refused.
    assert auth.code(code_at("cjg", T - 30)).status_code == 302  # One step old: fine.
    auth.logout()
    auth.login("cjg", second_factor=False)
    assert auth.code(code_at("cjg", T + 30)).status_code == 302  # One step ahead: fine.
    auth.logout()
    auth.login("cjg", second_factor=False)
    assert auth.code(code_at("cjg", T)).status_code == 200  # Now, but older than the step just used.


def test_pending_step_expires_after_five_minutes(auth, client):
    """The marker between password and code lasts five minutes."""
    auth.login("beheerder", second_factor=False)
    token = csrf_token(client.get("/login/code").text)
    with client.session_transaction() as session:
        session["pending"] = {**session["pending"], "at": time.time() - 301}
    response = client.post("/login/code", data={"code": code_at("beheerder", time.time()), "csrf_token": token})
    assert response.headers["Location"] == "/login"
    assert "De tijd voor de code is verlopen" in client.get("/login").text
    assert client.get("/admin/").status_code == 302


def test_pending_step_is_bound_to_the_session_token(app, auth, client):
    """When the account's sessions are ended meanwhile (password reset, 2FA reset), the code step is void."""
    auth.login("beheerder", second_factor=False)
    token = csrf_token(client.get("/login/code").text)
    from outreach.core.db import connect
    db = connect(app.config["DATABASE"])
    db.execute("update users set session_token = 'nieuw' where username = 'beheerder'")
    db.close()
    response = client.post("/login/code", data={"code": code_at("beheerder", time.time()), "csrf_token": token})
    assert response.headers["Location"] == "/login"
    assert client.get("/admin/").status_code == 302


def test_session_limits_count_from_the_password_step(auth, client):
    """The 12-hour limit starts at the password step; the idle timeout applies as soon as the login completes."""
    auth.login("cjg", second_factor=False)
    with client.session_transaction() as session:
        started = session["pending"]["at"]
    auth.code(code_at("cjg", time.time()))
    with client.session_transaction() as session:
        assert session["login_at"] == started and "pending" not in session
        session["login_at"] = time.time() - 12 * 3600 - 1
    assert client.get("/cjg/").status_code == 302


def test_cjg_must_enrol_before_anything_else(app, auth, client, query, clock):
    """A CJG account without a second factor gets only the enrolment page; after it, the inbox."""
    with app.app_context():
        create_user("cjg.nieuw", "cjg", "een lang wachtwoord")
    assert auth.login("cjg.nieuw", "een lang wachtwoord").headers["Location"] == "/cjg/"  # No code yet to ask.
    for url in ("/", "/cjg/", "/report/", "/account/password"):
        assert client.get(url).headers["Location"] == "/account/2fa", url
    page = client.get("/account/2fa").text
    assert "<svg" in page and 'role="img"' in page and "QR-code voor je app" in page
    assert "http" not in re.search(r"<svg.*?</svg>", page, re.S).group(0).replace("http://www.w3.org", "")
    secret = secret_on(page)
    assert secret == secret_on(client.get("/account/2fa").text)  # Reloading shows the same QR code.
    wrong = auth.post("/account/2fa", {"code": "123456x"}, page="/account/2fa")
    assert "Deze code klopt niet" in form_errors(wrong.text)[0]
    assert 'value="123456x"' in wrong.text
    secret, codes = enrol(auth, T)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/cjg/").status_code == 200
    stored = query("select code_hash from recovery_codes")
    assert len(stored) == 10 and all(r["code_hash"].startswith("$argon2id$") for r in stored)
    assert not any(code.replace("-", "") in str(stored) for code in codes)
    assert query("select result from audit_log where action = 'update'") == [{"result": "second factor enrolled"}]
    auth.logout()
    assert auth.login("cjg.nieuw", "een lang wachtwoord", second_factor=False).headers["Location"] == "/login/code"


def test_recovery_code_works_once(auth, client, clock):
    """A recovery code logs in instead of the app's code, once."""
    auth.login_role("worker")
    _, codes = enrol(auth, T)
    auth.logout()
    auth.login("werker", second_factor=False)
    response = auth.code(codes[3].upper().replace("-", " "))  # Typed in capitals, with a space: still the code.
    assert response.headers["Location"] == "/"
    assert "je hebt er nog 9" in client.get("/").text
    auth.logout()
    auth.login("werker", second_factor=False)
    assert twofactor.WRONG in form_errors(auth.code(codes[3]).text)
    assert auth.code(codes[4]).headers["Location"] == "/"


def test_worker_may_switch_it_off_but_cjg_may_not(auth, client, clock, query):
    """Optional for the worker (on and off again), required for the CJG."""
    auth.login_role("worker")
    assert "Tweestapsverificatie instellen" in client.get("/account/password").text
    secret, _ = enrol(auth, T)
    status = client.get("/account/2fa").text
    assert "nog <strong>10</strong>" in status and "Uitzetten" in status
    clock(T + 30)
    response = auth.post("/account/2fa/off", {"off_code": pyotp.TOTP(secret).at(T + 30)}, page="/account/2fa")
    assert response.headers["Location"] == "/account/2fa"
    assert client.get("/").status_code == 200  # This session continues.
    assert query("select totp_secret, totp_enrolled_at from users where username = 'werker'") == [
        {"totp_secret": None, "totp_enrolled_at": None}]
    auth.logout()
    clock(None)
    auth.login_role("cjg")
    assert "Uitzetten" not in client.get("/account/2fa").text
    auth.post("/account/2fa/off", {"off_code": code_at("cjg", time.time())}, page="/account/2fa")
    assert query("select totp_enrolled_at from users where username = 'cjg'")[0]["totp_enrolled_at"]


def test_new_recovery_codes_replace_the_old(auth, client, clock):
    """New recovery codes need a current code; the old ones stop working."""
    auth.login_role("worker")
    secret, old = enrol(auth, T)
    bad = auth.post("/account/2fa/codes", {"renew_code": "000000"}, page="/account/2fa")
    assert twofactor.WRONG in form_errors(bad.text)
    clock(T + 30)
    new = recovery_codes(auth.post("/account/2fa/codes", {"renew_code": pyotp.TOTP(secret).at(T + 30)},
                                   page="/account/2fa").text)
    assert len(new) == 10 and not set(new) & set(old)
    auth.logout()
    auth.login("werker", second_factor=False)
    assert auth.code(old[0]).status_code == 200
    assert auth.code(new[0]).headers["Location"] == "/"


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "<b>1</b>", "\x00" * 3, "9" * 10_000])
def test_odd_codes_get_a_dutch_message_not_an_error(auth, client, code):
    """Anything typed on the code page gets the Dutch message (or 'Vul de code in.'), never a 500."""
    auth.login("cjg", second_factor=False)
    page = client.get("/login/code")
    response = client.post("/login/code", data={"code": code, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 200
    assert form_errors(response.text)[0] in (twofactor.WRONG, "Vul de code in.", INVISIBLE_MESSAGE)


@pytest.fixture
def cjg_row(app):
    """The CJG test account's row as a request loads it before checking a code."""
    from outreach.core.db import get_db

    def load():
        """A fresh read of the row."""
        return next(get_db().query("select id, totp_secret, totp_last_step from users where username = 'cjg'"))
    return load


def test_a_totp_code_raced_by_two_requests_is_accepted_once(app, clock, cjg_row):
    """Two requests that both loaded the account before either stored the step: only one code use succeeds."""
    with app.app_context():
        first, second = cjg_row(), cjg_row()
        code = code_at("cjg", T)
        assert otp.use_code(first, code) is True
        assert otp.use_code(second, code) is False  # Its stale row says no step was used yet: the UPDATE refuses.
        assert cjg_row()["totp_last_step"] == T // 30


def test_the_code_of_the_step_last_used_is_refused_and_a_newer_one_accepted(app, clock, cjg_row):
    """Only a step newer than the last one used counts: the same step again is refused, the next one works."""
    with app.app_context():
        assert otp.use_code(cjg_row(), code_at("cjg", T - 30)) is True
        assert otp.use_code(cjg_row(), code_at("cjg", T - 30)) is False
        assert otp.use_code(cjg_row(), code_at("cjg", T - 60)) is False
        assert otp.use_code(cjg_row(), code_at("cjg", T)) is True
        assert otp.use_code(cjg_row(), code_at("cjg", T + 30)) is True
        assert cjg_row()["totp_last_step"] == T // 30 + 1


@pytest.mark.parametrize("offset, accepted", [(-60, False), (-30, True), (0, True), (29, True), (30, True),
                                              (60, False)])
def test_a_code_is_accepted_one_step_early_or_late_and_no_further(app, clock, cjg_row, offset, accepted):
    """Clock drift of one 30-second step either way is allowed; two steps is not."""
    with app.app_context():
        assert otp.use_code(cjg_row(), code_at("cjg", T + offset)) is accepted


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", "", None])
def test_anything_but_six_digits_is_no_code(app, clock, cjg_row, typed):
    """A wrong length or letters never match, and store no step."""
    with app.app_context():
        assert otp.use_code(cjg_row(), typed) is False
        assert cjg_row()["totp_last_step"] is None


def test_a_code_typed_with_spaces_or_a_dash_is_accepted(app, clock, cjg_row):
    """People copy '123 456' or '123-456' from their app."""
    code = code_at("cjg", T)
    with app.app_context():
        assert otp.use_code(cjg_row(), f" {code[:3]} -{code[3:]} ") is True


def test_a_recovery_code_raced_by_two_requests_is_spent_once(app, monkeypatch):
    """Two requests with the same recovery code, interleaved after both read the unused codes: one succeeds."""
    from outreach.core import passwords
    shown, hashes = otp.new_recovery_codes()
    with app.app_context():
        otp.store_recovery_codes(2, hashes)
        real, results, raced = otp.verify_hash, [], []

        def verify_then_let_the_other_request_in(stored, typed):
            """The first request's hash check passes; before it writes, the second request runs to its end."""
            ok = real(stored, typed)
            if ok and not raced:
                raced.append(True)
                results.append(otp.use_recovery_code(2, typed))
            return ok
        monkeypatch.setattr(otp, "verify_hash", verify_then_let_the_other_request_in)
        results.append(otp.use_recovery_code(2, shown[0]))
        monkeypatch.setattr(otp, "verify_hash", real)
        assert results == [9, None]  # The second request (inside) spent it; the first one's UPDATE found it used.
        assert otp.use_recovery_code(2, shown[0].upper().replace("-", " ")) is None
        assert otp.use_recovery_code(2, shown[1].upper().replace("-", " ")) == 8
        assert otp.use_recovery_code(2, "geen-code") is None and otp.use_recovery_code(2, "") is None
    assert passwords.verify_hash is real


def test_an_account_without_a_secret_never_passes_a_code(app, clock):
    """Six digits against an account that has no second factor (yet): refused, no error."""
    with app.app_context():
        assert otp.use_code({"id": 1, "totp_secret": None, "totp_last_step": None}, "123456") is False


def test_switching_the_second_factor_off_is_audited_and_removes_everything(app, query):
    """clear_second_factor(): secret, step and recovery codes gone, sessions ended, and one audit row naming the account."""
    _, hashes = otp.new_recovery_codes()
    with app.app_context():
        otp.store_recovery_codes(2, hashes)
        before = query("select session_token from users where id = 2")[0]["session_token"]
        clear_second_factor(2, "second factor reset")
    assert query("select totp_secret, totp_enrolled_at, totp_last_step from users where id = 2") == [
        {"totp_secret": None, "totp_enrolled_at": None, "totp_last_step": None}]
    assert query("select session_token from users where id = 2")[0]["session_token"] != before
    assert query("select count(*) as n from recovery_codes")[0]["n"] == 0
    assert query("select action, object_type, object_id, result from audit_log") == [
        {"action": "update", "object_type": "user", "object_id": "2", "result": "second factor reset"}]


def test_the_qr_code_is_an_accessible_black_on_white_svg_with_medium_error_correction():
    """Scanners need dark on light; a screen reader hears its title; size = error level M at 5 px a module."""
    import segno
    uri = "otpauth://totp/Straatwerk:cjg?secret=JBSWY3DPEHPK3PXP&issuer=Straatwerk"
    svg = str(otp.qr_svg(uri))
    size = segno.make(uri, error="m", boost_error=False).symbol_size(scale=5)
    assert svg.startswith(f'<svg role="img" width="{size[0]}" height="{size[1]}" class="segno">'
                          '<title>QR-code voor je app</title>')
    assert 'fill="#fff"' in svg and 'stroke="#000"' in svg and svg.count("<svg") == 1
