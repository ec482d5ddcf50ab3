"""The permission matrix of DESIGN.md, checked on the server for every route in app.url_map."""
import re

import pytest

from conftest import USERNAMES, make_app
from formwalk import sample

# One allow-list per role: every endpoint a role may use. A new route without an entry here fails.
ALLOWED = {
    "worker": {"home.index", "auth.logout", "auth.change_password",
               "spots.list_spots", "spots.new_spot", "spots.show_spot", "spots.edit_spot", "spots.archive_spot",
               "visits.list_visits", "visits.new_visit", "visits.edit_visit", "visits.delete_visit",
               "contacts.list_contacts", "contacts.new_contact", "contacts.edit_contact", "contacts.delete_contact",
               "youths.list_youths", "youths.new_youth", "youths.show_youth", "youths.edit_youth",
               "youths.merge_youth", "concerns.list_concerns", "concerns.new_concern", "concerns.show_concern",
               "handoffs.list_handoffs", "handoffs.new_handoff", "handoffs.show_handoff",
               "report.show_report", "report.print_report", "report.export_report", "report.edit_insights"},
    "cjg": {"home.index", "auth.logout", "auth.change_password", "cjg.inbox", "cjg.open_handoff", "cjg.act",
            "cjg.print_handoff", "report.show_report", "report.print_report", "report.export_report"},
    "manager": {"home.index", "auth.logout", "auth.change_password", "report.show_report", "report.print_report",
                "report.export_report"},
    "admin": {"home.index", "auth.logout", "auth.change_password", "admin.list_users",
              "admin.create_account", "admin.toggle_active", "admin.reset_password",
              "audit.show_log", "audit.export_log", "retention.edit_terms", "subject.find_youth",
              "subject.show_subject", "subject.export_subject", "subject.erase_subject", "register.show_register"},
}
PUBLIC = {"auth.login", "static", "maps.vendor_file", "offline.service_worker"}
# Second factor: every role's own settings, the admin's reset of someone else's, and the public code step of login.
for _endpoints in ALLOWED.values():
    _endpoints |= {"twofactor.enrol", "twofactor.renew_codes", "twofactor.switch_off"}
ALLOWED["admin"].add("admin.reset_second_factor")
PUBLIC.add("twofactor.verify")


def routes():
    """Every (endpoint, method, url) the app serves, with sample values for URL arguments."""
    app = make_app(":memory:")
    found = []
    for rule in app.url_map.iter_rules():
        values = {arg: sample(rule._converters[arg]) for arg in rule.arguments}
        url = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


ROUTES = routes()


def test_every_endpoint_is_declared():
    """A route nobody declared would be refused to all (deny by default) and must be added here."""
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    declared = set().union(*ALLOWED.values()) | PUBLIC
    assert endpoints == declared


@pytest.mark.parametrize("endpoint, method, url", ROUTES)
@pytest.mark.parametrize("role", list(USERNAMES))
def test_role_route_matrix(auth, client, one_of_each, role, endpoint, method, url):
    """Allowed: the page works (a page, a form with its messages, or a redirect); not allowed: 403."""
    auth.login_role(role)
    if method == "POST":
        response = auth.post(url)
    else:
        response = client.open(url, method=method)
    if endpoint in PUBLIC:
        assert response.status_code in (200, 302, 404)  # A vendor file that is not there is a 404.
    elif endpoint in ALLOWED[role]:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403
        assert "Geen toegang" in response.text


def first_role(endpoint):
    """A role allowed on an endpoint (the first in USERNAMES' order), or None for a public one."""
    return next((role for role in USERNAMES if endpoint in ALLOWED[role]), None)


@pytest.mark.parametrize("endpoint, url", [(e, u) for e, m, u in ROUTES if m == "POST"])
def test_every_post_without_csrf_token_is_refused(auth, client, one_of_each, query, endpoint, url):
    """A POST without the token, by a role allowed there, is refused before the view runs: 400, nothing written."""
    role = first_role(endpoint)
    if role:
        auth.login_role(role)
    before = query("select count(*) as n from audit_log")[0]["n"]
    response = client.post(url, data={"confirm": "y", "youths_present": "1"})
    assert response.status_code == 400 and "formulier was verlopen" in response.text
    assert query("select count(*) as n from audit_log")[0]["n"] == before  # Every change writes an audit row.


@pytest.mark.parametrize("endpoint, method, url", [r for r in ROUTES if r[0] not in PUBLIC])
def test_anonymous_goes_to_login(client, endpoint, method, url):
    """Anonymous goes to login."""
    response = client.open(url, method=method)
    assert response.status_code == 302
    # A page can be returned to after login; a form post cannot (it would land on a 405).
    expected = f"/login?next={url}" if method == "GET" else "/login"
    assert response.headers["Location"] == expected


def test_forbidden_page_is_dutch_and_logged_in_layout(auth, client):
    """Forbidden page is dutch and logged in layout."""
    auth.login_role("worker")
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Deze pagina hoort niet bij jouw rol" in response.text
    assert "Uitloggen" in response.text


def test_unknown_page_is_dutch_404(client):
    """Unknown page is dutch 404."""
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text


def test_server_error_is_dutch_500(template_db, tmp_path):
    """Server error is dutch 500."""
    import shutil
    from outreach.access import allow
    shutil.copy(template_db, tmp_path / "db.sqlite")
    app = make_app(tmp_path / "db.sqlite")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/kapot", "kapot", allow("worker")(lambda: 1 / 0))
    from conftest import AuthActions
    client = app.test_client()
    AuthActions(client).login_role("worker")
    response = client.get("/kapot")
    assert response.status_code == 500
    assert "Er ging aan onze kant iets mis" in response.text
    assert "ZeroDivisionError" not in response.text
    app.extensions["outreach.db"].close_all()


def test_pages_with_personal_data_are_not_cached(auth, client):
    """Pages with personal data are not cached."""
    auth.login_role("admin")
    response = client.get("/admin/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_content_security_policy_allows_only_our_origin_and_the_tiles(auth, client, spot):
    """Content security policy allows only our origin and the tiles."""
    auth.login_role("worker")
    response = client.get("/spots/")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "img-src 'self' data: https://service.pdok.nl" in policy
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
    run = [attrs for attrs in inline if 'type="application/json"' not in attrs]  # Data blocks never run.
    assert run and all(f'nonce="{nonce}"' in attrs for attrs in run)  # The map script carries the nonce.
    assert len(inline) > len(run)  # The map's data came as JSON blocks.
    assert nonce not in client.get("/spots/").headers["Content-Security-Policy"]  # A new one per response.
