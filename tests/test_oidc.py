"""Logging in with the municipality's account (OpenID Connect) against a real provider (tests/oidc_provider.py)."""
import shutil
import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from conftest import START, TOTP_SECRETS, csrf_token, make_app, next_code
from oidc_provider import account, at_provider

APP = "http://localhost"  # Where the Flask test client's app lives (url_for(_external=True)).
MFA = ("pwd", "mfa")


@pytest.fixture
def app(template_db, tmp_path, oidc_provider):
    """A fresh app on its own database, registered at the provider."""
    path = tmp_path / "straatwerk.sqlite"
    shutil.copy(template_db, path)
    app = make_app(path, **oidc_provider.register(APP))
    yield app
    app.extensions["outreach.db"].close_all()


def changed(url, **params):
    """url with some of its query parameters replaced (what a hostile browser can do)."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **params})))


def oidc_login(client, login, next=None, to_provider=lambda url: url, to_app=lambda url: url):
    """The whole flow as a browser goes through it: the app, the provider's login page, back to the callback."""
    response = client.get("/login/oidc" + (f"?next={next}" if next else ""))
    assert response.status_code == 302, response.text
    authorize = response.headers["Location"]
    callback = at_provider(to_provider(authorize), login, stop=APP)
    assert callback.startswith(f"{APP}/login/oidc/callback?")
    return client.get(to_app(callback)[len(APP):])


def audit_rows(query, action):
    """The result column of every audit row with that action, oldest first."""
    return [r["result"] for r in query("select result from audit_log where action = ? order by id", [action])]


@pytest.mark.parametrize("role", ["worker", "cjg", "manager", "admin"])
def test_each_role_lands_on_its_start_page(client, query, oidc_provider, role):
    """A provider that did MFA: every role straight in, with the name from the token, matched on issuer + sub."""
    oidc_provider.set(account("anna", role, amr=MFA))
    response = oidc_login(client, "anna")
    assert response.status_code == 302 and response.headers["Location"] == START[role]
    assert client.get(START[role]).status_code == 200
    user = query("select users.* from users join oidc_accounts on user_id = users.id "
                 "where issuer = ? and subject = 'sub-anna'", [oidc_provider.url])
    assert [(u["role"], u["full_name"]) for u in user] == [(role, "Anna de Vries")]
    assert audit_rows(query, "login ok") == ["oidc mfa"]


def test_login_page_shows_the_button_only_when_configured(client, template_db, tmp_path):
    """The button is there with OIDC_ISSUER, and neither it nor /login/oidc exists without."""
    assert "Inloggen met je gemeente-account" in client.get("/login").text
    plain = make_app(shutil.copy(template_db, tmp_path / "plain.sqlite"))
    assert "gemeente-account" not in plain.test_client().get("/login").text
    assert plain.test_client().get("/login/oidc").status_code == 404
    plain.extensions["outreach.db"].close_all()


def test_no_role_gets_a_dutch_refusal_and_no_session(client, query, oidc_provider):
    """Groups that map to no role: a clear page, no account, nothing reachable, a refusal in the audit log."""
    oidc_provider.set(account("bert", None, groups=["gemeente-iedereen"]))
    response = oidc_login(client, "bert")
    assert response.status_code == 403
    assert "geen rol in Straatwerk" in response.text
    assert client.get("/").headers["Location"].startswith("/login")
    assert query("select * from oidc_accounts") == []
    assert audit_rows(query, "login failed") == ["oidc no role"]


def test_a_changed_group_gives_the_new_role_at_the_next_login(client, auth, query, oidc_provider):
    """Same sub, new group: the same account, with the new role, and the change audited."""
    oidc_provider.set(account("carla", "worker"))
    assert oidc_login(client, "carla").headers["Location"] == "/"
    first = query("select user_id from oidc_accounts")
    auth.logout()
    oidc_provider.set(account("carla", "manager", amr=MFA))
    assert oidc_login(client, "carla").headers["Location"] == "/report/"
    assert query("select user_id from oidc_accounts") == first
    assert query("select role from users where id = ?", [first[0]["user_id"]]) == [{"role": "manager"}]
    assert audit_rows(query, "update") == ["oidc role worker -> manager"]
    assert client.get("/spots/").status_code == 403  # The worker's pages are gone with the old role.


def test_never_matched_on_the_username(client, query, oidc_provider):
    """A provider account whose preferred_username is a local account's name gets an account of its own."""
    oidc_provider.set(account("dirk", "worker", preferred_username="werker"))
    oidc_login(client, "dirk")
    rows = query("select users.username from users join oidc_accounts on user_id = users.id")
    assert rows == [{"username": "werker-2"}]


def test_tampered_state_is_refused(client, query, oidc_provider):
    """A callback whose state is not the one this browser was given: refused before any token is asked for."""
    oidc_provider.set(account("eva", "worker"))
    response = oidc_login(client, "eva", to_app=lambda url: changed(url, state="aanvaller"))
    assert response.status_code == 403 and "niet veilig" in response.text
    assert client.get("/").status_code == 302
    assert audit_rows(query, "login failed") == ["oidc state"]


def test_wrong_nonce_is_refused(client, query, oidc_provider):
    """The provider signed a token for another nonce than this login's (the browser changed the request)."""
    oidc_provider.set(account("eva", "worker"))
    response = oidc_login(client, "eva", to_provider=lambda url: changed(url, nonce="andere-nonce"))
    assert response.status_code == 403 and "niet veilig" in response.text
    assert audit_rows(query, "login failed") == ["oidc id token invalid_claim"]
    assert query("select * from oidc_accounts") == []


def test_expired_token_is_refused(client, query, oidc_provider):
    """A provider whose clock runs two hours behind issues a token that expired an hour ago."""
    oidc_provider.set(account("eva", "worker"), skew=-7200)
    response = oidc_login(client, "eva")
    assert response.status_code == 403 and "niet veilig" in response.text
    assert audit_rows(query, "login failed") == ["oidc id token expired_token"]


@pytest.mark.parametrize("claims", [{"aud": "een-andere-app"}, {"aud": ["een-andere-app"], "azp": "mine"},
                                    {"iss": "http://127.0.0.1:1"}])
def test_token_for_another_audience_or_issuer_is_refused(app, client, query, oidc_provider, claims):
    """Signed with the provider's own key, but for another app (aud; also when azp names this app), or by another
    issuer (iss). Authlib alone lets the second through: the app asks for aud itself."""
    if claims.get("azp") == "mine":
        claims["azp"] = app.config["OIDC_CLIENT_ID"]
    oidc_provider.set(account("eva", "worker"), reissue=claims)
    response = oidc_login(client, "eva")
    assert response.status_code == 403 and "niet veilig" in response.text
    assert audit_rows(query, "login failed") == ["oidc id token invalid_claim"]


def test_reissued_token_for_this_app_passes(app, client, oidc_provider):
    """The control of the test above: the same re-issue with this app's own client id as audience gets in."""
    oidc_provider.set(account("eva", "worker"), reissue={"aud": app.config["OIDC_CLIENT_ID"]})
    assert oidc_login(client, "eva").headers["Location"] == "/"


def test_mfa_at_the_provider_skips_the_code_step_for_cjg(client, query, oidc_provider):
    """amr says mfa: the CJG worker is in, no code asked and no enrolment forced."""
    oidc_provider.set(account("fleur", "cjg", amr=MFA))
    assert oidc_login(client, "fleur").headers["Location"] == "/cjg/"
    assert client.get("/cjg/").status_code == 200


def test_without_mfa_cjg_still_needs_the_apps_second_factor(app, client, query, oidc_provider):
    """amr only pwd: first the enrolment is forced; once enrolled, the code step comes after the provider."""
    oidc_provider.set(account("fleur", "cjg"))
    assert oidc_login(client, "fleur").headers["Location"] == "/cjg/"
    assert client.get("/cjg/").headers["Location"] == "/account/2fa"
    user_id = query("select user_id from oidc_accounts")[0]["user_id"]
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/account/2fa").text)})
    from outreach.core.db import connect
    db = connect(app.config["DATABASE"])
    db["users"].update(user_id, {"totp_secret": TOTP_SECRETS["cjg"], "totp_enrolled_at": "2026-01-01T08:00:00Z"})
    db.close()
    assert oidc_login(client, "fleur").headers["Location"] == "/login/code"
    assert client.get("/cjg/").headers["Location"].startswith("/login")  # Not logged in before the code.
    username = query("select username from users where id = ?", [user_id])[0]["username"]
    page = client.get("/login/code")
    code = next_code(app.config["DATABASE"], username, TOTP_SECRETS["cjg"])
    response = client.post("/login/code", data={"code": code, "csrf_token": csrf_token(page.text)})
    assert response.headers["Location"] == "/cjg/"
    assert audit_rows(query, "login oidc ok") == ["code asked"]
    with client.session_transaction() as session:
        assert session["oidc"] and session["until"] > time.time()  # The token's limit came through the code step.


def test_session_ends_with_the_token(client, oidc_provider):
    """The session lasts as long as the ID token, then goes back through the provider (never extended)."""
    oidc_provider.set(account("gijs", "worker"), skew=-3600 + 120)  # Token still valid for two minutes.
    oidc_login(client, "gijs")
    with client.session_transaction() as session:
        assert time.time() + 60 < session["until"] < time.time() + 180
        session["until"] = time.time() - 1
    response = client.get("/spots/")
    assert response.headers["Location"] == "/login/oidc?next=/spots/"
    assert client.get("/login").status_code == 200  # Logged out meanwhile.


def test_logout_ends_the_session_at_the_provider(client, auth, query, oidc_provider):
    """Logout: the app's session ends, the browser goes to end_session_endpoint and comes back to /login."""
    oidc_provider.set(account("hanna", "worker"))
    browser = __import__("requests").Session()  # One browser: the provider's own cookies must carry over.
    response = client.get("/login/oidc")
    callback = at_provider(response.headers["Location"], "hanna", stop=APP, session=browser)
    client.get(callback[len(APP):])
    assert client.get("/").status_code == 200
    response = auth.logout()
    assert response.headers["Location"] == "/login/oidc/logout"
    end = client.get("/login/oidc/logout").headers["Location"]
    assert end.startswith(f"{oidc_provider.url}/session/end?")
    assert parse_qs(urlsplit(end).query)["post_logout_redirect_uri"] == [f"{APP}/login"]
    assert at_provider(end, None, stop=f"{APP}/login", session=browser) == f"{APP}/login"
    assert client.get("/").headers["Location"].startswith("/login")
    # The provider's session is gone too: the next login asks for the account again.
    again = browser.get(client.get("/login/oidc").headers["Location"], allow_redirects=True, timeout=10)
    assert "/interaction/" in again.url and "Gebruikersnaam" in again.text
