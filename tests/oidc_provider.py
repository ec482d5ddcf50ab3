"""A real OpenID provider for the tests: tests/oidc/provider.js (npm's oidc-provider) on 127.0.0.1.

The fixture installs the provider's packages (`npm ci`, from tests/oidc/package-lock.json) when they are missing,
starts it once per test session and registers clients with their redirect URIs through its registration endpoint.
Without node or npm the tests skip, except under CI=true, where they fail: CI installs both (.ci/run).
"""
import json
import os
import re
import shutil
import subprocess  # nosec B404 - the tests' own provider script
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oidc")
# Groups at the municipality and the Straatwerk role each one gives.
ROLE_GROUPS = {"sw-straathoekwerk": "worker", "sw-cjg": "cjg", "sw-beleid": "manager", "sw-beheer": "admin"}
GROUP_OF = {role: group for group, role in ROLE_GROUPS.items()}
APP = "http://localhost"  # Where the Flask test client's app lives (url_for(_external=True)).
MFA = ("pwd", "mfa")


class Provider:
    """The running provider: its issuer URL, its test control, client registration."""

    def __init__(self, process, port):
        """Wrap a started provider process."""
        self.process, self.url = process, f"http://127.0.0.1:{port}"

    def set(self, accounts=None, skew=0, reissue=None):
        """Replace the provider's accounts ({login: {sub, name, groups, amr, ...}}), clock skew and re-issue."""
        response = requests.post(f"{self.url}/_test/state", timeout=10,
                                 data=json.dumps({"accounts": accounts or {}, "skew": skew, "reissue": reissue}))
        response.raise_for_status()

    def register(self, base_url):
        """Register an app served at base_url; the settings that app needs to use this provider."""
        response = requests.post(f"{self.url}/reg", timeout=10, json={
            "redirect_uris": [f"{base_url}/login/oidc/callback"],
            "post_logout_redirect_uris": [f"{base_url}/login"],
            "response_types": ["code"], "grant_types": ["authorization_code"],
            "token_endpoint_auth_method": "client_secret_basic"})
        assert response.status_code == 201, response.text
        client = response.json()
        return {"OIDC_ISSUER": self.url, "OIDC_CLIENT_ID": client["client_id"],
                "OIDC_CLIENT_SECRET": client["client_secret"], "OIDC_SCOPES": "openid profile groups",
                "OIDC_ROLE_CLAIM": "groups", "OIDC_ROLES": dict(ROLE_GROUPS)}


def unavailable(reason):
    """Skip without the tools, but fail under CI, which must have installed them."""
    if os.environ.get("CI"):
        pytest.fail(f"the OpenID provider for the tests cannot start under CI: {reason}")
    pytest.skip(f"OpenID provider for the tests: {reason}")


@pytest.fixture(scope="session")
def oidc_provider():
    """tests/oidc/provider.js, started once; stopped after the session."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        unavailable("node and npm are not installed (apt-get install nodejs npm)")
    if not os.path.isdir(os.path.join(HERE, "node_modules", "oidc-provider")):
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE,  # nosec B603
                              capture_output=True, text=True, timeout=600)
        if done.returncode:
            unavailable(f"npm ci failed: {done.stderr[-2000:]}")
    process = subprocess.Popen([node, "provider.js"], cwd=HERE, stdout=subprocess.PIPE,  # nosec B603
                               stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if not line.startswith("PORT "):
        process.kill()
        unavailable(f"provider.js did not start: {line!r}")
    yield Provider(process, int(line.split()[1]))
    process.terminate()
    process.wait(timeout=30)
    process.stdout.close()


def account(login, role=None, amr=("pwd",), **claims):
    """One account at the provider (its login name → claims); role gives it that role's group."""
    groups = [GROUP_OF[role]] if role else []
    return {login: {"sub": f"sub-{login}", "name": f"{login.title()} de Vries", "groups": groups,
                    "amr": list(amr), **claims}}


def at_provider(url, login, stop, session=None):
    """As the browser: follow the provider's redirects and fill in its login page, until a URL starting with stop.

    Returns the URL the provider sent the browser to (the app's callback, or the logout's return).
    """
    session = session or requests.Session()
    for _ in range(10):
        if url.startswith(stop):
            return url
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200:
            form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
            assert form, response.text[:500]
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
            data = {**fields, "logout": "yes"} if "xsrf" in fields else {**fields, "login": login}
            response = session.post(urljoin(url, form.group(1)), data=data, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["Location"])
    raise AssertionError(f"the provider never sent the browser back to {stop}")


@pytest.fixture
def oidc_app(template_db, tmp_path, oidc_provider):
    """A fresh app on its own database, registered at the provider."""
    from conftest import make_app
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
