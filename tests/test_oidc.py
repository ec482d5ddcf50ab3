"""Logging in with the municipality's account (OpenID Connect) against a real provider (tests/oidc_provider.py)."""
import shutil

import pytest

from conftest import START, csrf_token, make_app
from oidc_provider import MFA, account, audit_rows, changed, oidc_login


@pytest.fixture
def app(oidc_app):
    """The app, registered at the test provider."""
    return oidc_app

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
    auth.logout()
    oidc_provider.set(account("carla", None))  # Out of every Straatwerk group: refused, audited on the account.
    assert oidc_login(client, "carla").status_code == 403
    assert query("select object_id, result from audit_log where action = 'login failed'") == [
        {"object_id": str(first[0]["user_id"]), "result": "oidc no role"}]


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


def test_groups_for_two_roles_are_refused(client, query, oidc_provider):
    """Groups that map to two roles: refused (the app does not guess which one), and said so in Dutch."""
    oidc_provider.set(account("bert", "worker", groups=["sw-straathoekwerk", "sw-beheer"]))
    response = oidc_login(client, "bert")
    assert response.status_code == 403 and "meer dan één rol" in response.text
    assert audit_rows(query, "login failed") == ["oidc several roles"]


def test_an_account_switched_off_in_straatwerk_stays_out(client, query, oidc_provider):
    """The admin's Uitschakelen holds for provider logins too."""
    oidc_provider.set(account("carla", "worker"))
    oidc_login(client, "carla")
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    user_id = query("select user_id from oidc_accounts")[0]["user_id"]
    from outreach.core.db import connect
    db = connect(client.application.config["DATABASE"])
    db["users"].update(user_id, {"active": 0})
    db.close()
    response = oidc_login(client, "carla")
    assert response.status_code == 403 and "uitgeschakeld" in response.text
    assert client.get("/").headers["Location"].startswith("/login")
    assert audit_rows(query, "login failed") == ["oidc inactive"]


def test_provider_unreachable_says_so(template_db, tmp_path):
    """No provider at the configured address: a Dutch 503 page, audited, and the password login still there."""
    shutil.copy(template_db, tmp_path / "down.sqlite")
    down = make_app(tmp_path / "down.sqlite", OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID="straatwerk")
    response = down.test_client().get("/login/oidc")
    assert response.status_code == 503 and "niet bereikbaar" in response.text
    assert 'name="password"' in down.test_client().get("/login").text
    db = down.extensions["outreach.db"]
    with down.app_context():
        from outreach.core.db import get_db
        assert [r["result"] for r in get_db().query("select result from audit_log")] == [
            "oidc discovery ConnectionError"]
    db.close_all()


def test_admin_sees_the_name_and_where_the_account_comes_from(client, auth, oidc_provider):
    """The user list names a provider account by its full name and marks it gemeente-account."""
    oidc_provider.set(account("anna", "worker"))
    oidc_login(client, "anna")
    auth.logout()
    auth.login_role("admin")
    page = client.get("/admin/").text
    assert "<strong>Anna de Vries</strong>" in page and page.count("gemeente-account") == 1


def test_provider_saying_no_is_refused_in_dutch(client, query):
    """The provider sends the browser back with error=access_denied (the user cancelled, or policy said no)."""
    client.get("/login/oidc")
    response = client.get("/login/oidc/callback?error=access_denied&state=x")
    assert response.status_code == 403 and "niet toegestaan of afgebroken" in response.text
    assert audit_rows(query, "login failed") == ["oidc error access_denied"]


def test_a_municipal_account_has_no_password_here_to_change(client, oidc_provider):
    """The password page says where the password lives (the municipality), and offers no form for one never had."""
    oidc_provider.set(account("anna", "worker", amr=MFA))
    oidc_login(client, "anna")
    page = client.get("/account/password").text
    assert "Je logt in met je gemeente-account" in page and 'name="current"' not in page
