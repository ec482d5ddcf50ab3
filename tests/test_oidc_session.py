"""OpenID Connect login: the second factor, the session's end with the token, logout at the provider."""
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from conftest import TOTP_SECRETS, csrf_token, next_code
from oidc_provider import APP, MFA, account, at_provider, audit_rows, oidc_login


@pytest.fixture
def app(oidc_app):
    """The app, registered at the test provider."""
    return oidc_app


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
    browser = requests.Session()  # One browser: the provider's own cookies must carry over.
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


def test_a_configured_acr_counts_as_mfa(app, client, query, oidc_provider):
    """OIDC_MFA_ACR: a provider that says MFA through acr (Keycloak's levels) skips the code step as amr does."""
    app.config["OIDC_MFA_ACR"] = ("mfa",)
    oidc_provider.set(account("fleur", "cjg", acr="mfa"))
    assert oidc_login(client, "fleur").headers["Location"] == "/cjg/"
    assert client.get("/cjg/").status_code == 200
    assert audit_rows(query, "login ok") == ["oidc mfa"]


def test_roles_from_a_nested_claim(app):
    """A dotted OIDC_ROLE_CLAIM reaches inside (Keycloak's realm_access.roles); unknown values are ignored."""
    from outreach.auth.oidc_accounts import roles_from
    app.config["OIDC_ROLE_CLAIM"] = "realm_access.roles"
    with app.app_context():
        assert roles_from({"realm_access": {"roles": ["offline_access", "sw-cjg"]}}) == {"cjg"}
        assert roles_from({"realm_access": "sw-cjg"}) == set()
        assert roles_from({}) == set()


def follow(browser, url):
    """Follow the provider's redirects: the URL back to the app, or the page the provider stops on (its form)."""
    while not url.startswith(APP):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code not in (302, 303):
            return f"{response.status_code} {response.text}"
        url = urljoin(url, response.headers["Location"])
    return url


def test_disabled_at_the_provider_is_out_when_the_token_ends(client, oidc_provider):
    """Token over: still known at the provider, straight back in (no form); removed there, its login form."""
    oidc_provider.set(account("ivo", "worker"))
    browser = requests.Session()
    client.get(at_provider(client.get("/login/oidc").headers["Location"], "ivo", stop=APP, session=browser)[len(APP):])
    for known in (True, False):
        if not known:
            oidc_provider.set(account("ivo", "worker", disabled=True))  # The municipality switches it off.
        with client.session_transaction() as session:
            session["until"] = time.time() - 1
        start = client.get("/spots/").headers["Location"]
        landed = follow(browser, client.get(start).headers["Location"])
        if known:
            assert landed.startswith(f"{APP}/login/oidc/callback?")
            assert client.get(landed[len(APP):]).headers["Location"] == "/spots/"
        else:
            assert landed.startswith("200 ") and "Gebruikersnaam" in landed  # Its login form, not the app.
            assert client.get("/spots/").headers["Location"].startswith("/login")
