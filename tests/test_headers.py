"""Security headers on every response: every GET route in app.url_map, per role and anonymous, over HTTP and HTTPS."""
import re

import pytest

from conftest import USERNAMES, AuthActions, make_app
from formwalk import STATIC, may, rules

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.I)
# What a policy without 'unsafe-inline' blocks in the browser: inline handlers, style attributes and elements.
BLOCKED_INLINE = re.compile(r"<[a-z][^>]*\s(on[a-z]+|style)\s*=|<style[\s>]", re.I)


def get_routes(app, role="anyone"):
    """Every GET (endpoint, url) with sample URL values; for a role, split in (may open, may not open)."""
    found = rules(app, "GET")
    if role == "anyone":
        return [(e, u) for e, u, _ in found]
    return [(e, u) for e, u, r in found if may(role, r)], [(e, u) for e, u, r in found if not may(role, r)]


def directives(policy):
    """The CSP as {directive: [sources]}."""
    parsed = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def header_problems(response, logged_in, https=False):
    """What is missing or wrong in one response's security headers (an empty list when all is well)."""
    h, problems = response.headers, []
    csp = directives(h.get("Content-Security-Policy", ""))
    nonces = [s for s in csp.get("script-src", []) if s.startswith("'nonce-")]
    if not nonces:
        problems.append("CSP script-src without a nonce")
    if any("'unsafe-inline'" in sources or "'unsafe-eval'" in sources for sources in csp.values()):
        problems.append("CSP allows unsafe-inline/eval")
    for name in ("frame-ancestors", "object-src", "base-uri"):
        if csp.get(name) != ["'none'"]:
            problems.append(f"CSP {name} is {csp.get(name)}")
    if h.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if h.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy {h.get('Referrer-Policy')}")
    if logged_in and h.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control {h.get('Cache-Control')}")
    if https != ("Strict-Transport-Security" in h):
        problems.append(f"HSTS {'missing' if https else 'sent over plain HTTP'}")
    if https and h.get("Strict-Transport-Security", "").split(";")[0] != "max-age=31536000":
        problems.append(f"HSTS {h.get('Strict-Transport-Security')}")
    for cookie in h.getlist("Set-Cookie"):
        if https and not (cookie.startswith("__Host-") and "; Secure" in cookie and "Domain=" not in cookie):
            problems.append(f"cookie not __Host-/Secure: {cookie[:40]}")
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        nonce = nonces[0][len("'nonce-"):-1] if nonces else None
        # JSON data blocks (the maps' data) are never run, so only scripts that run need the nonce.
        if any(f'nonce="{nonce}"' not in attrs for attrs in INLINE_SCRIPT.findall(body)
               if 'type="application/json"' not in attrs):
            problems.append("inline <script> without this response's nonce")
        blocked = BLOCKED_INLINE.search(body)
        if blocked:
            problems.append(f"inline markup the CSP blocks: {blocked.group(0)[:60]}")
    return problems


def walk(client, routes, logged_in, https=False):
    """GET every route and return {url: problems} for the responses that fail."""
    failures = {}
    for endpoint, url in routes:
        response = client.get(url)
        # Static files of a logged-in user are the same for everyone: caching them is allowed (and kind to phones).
        problems = header_problems(response, logged_in and endpoint not in STATIC, https)
        if response.status_code >= 500:
            problems.append(f"status {response.status_code}")
        if problems:
            failures[f"{response.status_code} {url}"] = problems
    return failures


@pytest.mark.parametrize("role", list(USERNAMES))
def test_every_page_of_every_role_has_the_headers(app, auth, client, one_of_each, role):
    """Each role's own pages, the pages it may not open (403) and the public ones all carry the headers."""
    auth.login_role(role)
    mine, forbidden = get_routes(app, role)
    assert len(mine) > 3 and walk(client, mine, logged_in=True) == {}
    assert walk(client, forbidden, logged_in=True) == {}


def test_every_route_anonymous_has_the_headers(app, client, one_of_each):
    """Anonymous visitors get the same headers on the login page, redirects and static files."""
    assert walk(client, get_routes(app), logged_in=False) == {}


def test_error_responses_have_the_headers(auth, client):
    """404, 405, a refused CSRF token (400) and a redirect after login carry the headers as well."""
    assert header_problems(client.get("/bestaat-niet"), logged_in=False) == []
    response = client.post("/login", data={"username": "werker", "password": "x"})  # No CSRF token.
    assert response.status_code == 400 and header_problems(response, logged_in=False) == []
    login = auth.login("werker")
    assert login.status_code == 302 and header_problems(login, logged_in=True) == []
    for response in (client.get("/bestaat-niet"), client.put("/contacts/new"), client.get("/admin/")):
        assert response.status_code in (403, 404, 405)
        assert header_problems(response, logged_in=True) == []


class HttpsClient:
    """A test client as the app sees it behind the HTTPS reverse proxy: waitress made the scheme https (run.py)."""

    @staticmethod
    def make(app):
        """A client whose every request came in over HTTPS through the proxy."""
        client = app.test_client()
        client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/"})
        return client


def test_https_adds_hsts_and_the_host_cookie_on_every_route(template_db, tmp_path):
    """With HTTPS = True every response has HSTS, and every session cookie is __Host- and Secure."""
    import shutil
    shutil.copy(template_db, tmp_path / "db.sqlite")
    app = make_app(tmp_path / "db.sqlite", HTTPS=True)
    try:
        client = HttpsClient.make(app)
        assert walk(client, get_routes(app), logged_in=False, https=True) == {}
        login = AuthActions(client).login("werker")
        assert login.status_code == 302, login.text
        assert header_problems(login, logged_in=True, https=True) == []
        assert login.headers["Set-Cookie"].startswith("__Host-straatwerk=")
        assert walk(client, get_routes(app, "worker")[0], logged_in=True, https=True) == {}
    finally:
        app.extensions["outreach.db"].close_all()
