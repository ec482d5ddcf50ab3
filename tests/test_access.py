"""The permission matrix of DESIGN.md, checked on the server for every route in app.url_map."""
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import START, TOTP_SECRETS, USERNAMES, AuthActions, connect, insert_one_of_each, make_app, query_on
from formwalk import STATIC, sample

# One allow-list per role: every endpoint a role may use. A new route without an entry here fails.
ALLOWED = {
    "worker": {"home.index", "auth.logout", "auth.change_password",
               "spots.list_spots", "spots.new_spot", "spots.show_spot", "spots.edit_spot", "spots.archive_spot",
               "spots.archived_spots",
               "spot_map.in_view", "spot_map.search", "spot_map.contacts",
               "visits.list_visits", "visits.new_visit", "visits.edit_visit", "visits.delete_visit",
               "contacts.list_contacts", "contacts.new_contact", "contacts.edit_contact", "contacts.delete_contact",
               "youths.list_youths", "youths.new_youth", "youths.show_youth", "youths.edit_youth",
               "youths.merge_youth", "concerns.list_concerns", "concerns.new_concern", "concerns.show_concern",
               "handoffs.list_handoffs", "handoffs.new_handoff", "handoffs.show_handoff", "handoffs.reply",
               "report.show_report", "report.print_report", "report.export_report", "report.edit_insights",
               "report.export_quarters",
               "rounds.start_round", "rounds.end_round", "offline.offline_page"},
    "cjg": {"home.index", "auth.logout", "auth.change_password", "cjg.inbox", "cjg.open_handoff", "cjg.act",
            "cjg.print_handoff", "report.show_report", "report.print_report", "report.export_report",
            "report.export_quarters"},
    "manager": {"home.index", "auth.logout", "auth.change_password", "report.show_report", "report.print_report",
                "report.export_report", "report.export_quarters"},
    "admin": {"home.index", "auth.logout", "auth.change_password", "admin.list_users",
              "admin.create_account", "admin.edit_person", "admin.toggle_active", "admin.reset_password",
              "audit.show_log", "audit.export_log", "retention.edit_terms", "ggd.edit_figures", "subject.find_youth",
              "subject.show_subject", "subject.export_subject", "subject.erase_subject", "register.show_register"},
}
PUBLIC = {"auth.login", "static", "maps.vendor_file", "offline.service_worker"}
# Second factor: every role's own settings, the admin's reset of someone else's, and the public code step of login.
for _endpoints in ALLOWED.values():
    _endpoints |= {"twofactor.enrol", "twofactor.renew_codes", "twofactor.switch_off"}
ALLOWED["admin"].add("admin.reset_second_factor")
PUBLIC.add("twofactor.verify")
# OpenID Connect (tests/test_oidc.py): public, and not there at all while it is not configured, as here.
UNCONFIGURED = {"oidc.start", "oidc.callback", "oidc.end_session"}
PUBLIC |= UNCONFIGURED
# Where an allowed request for row 1 (one_of_each) or an empty form lands when it is not a page of its own.
REDIRECTS = {
    ("auth.login", "GET"): "/", ("auth.login", "POST"): "/", ("twofactor.verify", "GET"): "/",
    ("twofactor.verify", "POST"): "/", ("auth.logout", "POST"): "/login",
    ("spots.archive_spot", "POST"): "/spots/1", ("visits.delete_visit", "POST"): "/visits/",
    ("contacts.delete_contact", "POST"): "/contacts/", ("youths.edit_youth", "POST"): "/youths/1",
    ("cjg.act", "POST"): "/cjg/1", ("admin.toggle_active", "POST"): "/admin/",
    ("admin.reset_second_factor", "POST"): "/admin/", ("twofactor.switch_off", "POST"): "/account/2fa",
    ("twofactor.renew_codes", "POST"): "/account/2fa",  # Without a second factor there are no codes to renew.
    # Case content only after the request's reference and reason: first the request form, code filled in.
    ("subject.show_subject", "GET"): "/admin/subject/?code=J-0001",
    ("subject.export_subject", "GET"): "/admin/subject/?code=J-0001",
    ("subject.erase_subject", "POST"): "/admin/subject/?code=J-0001",
    ("rounds.start_round", "POST"): "/", ("rounds.end_round", "POST"): "/",
}
# Anonymous on a public route: the page, except the code step (no password given yet) and a post without a token.
ANONYMOUS = {("twofactor.verify", "GET"): (302, "/login"), ("twofactor.verify", "POST"): (400, None),
             ("auth.login", "POST"): (400, None)}


def routes():
    """Every (endpoint, method, url) the app serves, with sample values for URL arguments."""
    app = make_app(":memory:")
    found = []
    for rule in app.url_map.iter_rules():
        values = STATIC.get(rule.endpoint) or {arg: sample(rule._converters[arg]) for arg in rule.arguments}
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


def expected(role, endpoint, method):
    """The exact answer (status, Location) a logged-in role gets: the page, its known redirect, or 403."""
    if endpoint not in PUBLIC and endpoint not in ALLOWED[role]:
        return 403, None
    if endpoint in UNCONFIGURED:
        return 404, None
    target = REDIRECTS.get((endpoint, method))
    if (endpoint, method) == ("home.index", "GET") and role != "worker":
        target = START[role]  # Every other role starts on the page it comes for.
    if endpoint == "twofactor.renew_codes" and role in TOTP_SECRETS:
        target = None  # An enrolled account gets its ten new codes on the page itself.
    return (302, target) if target else (200, None)


def enter_as(client, query, role):
    """The session a completed login leaves (user id + session token, its start and last activity), written
    directly: the matrix is about the permission check, and argon2's deliberate cost per login made it the slowest
    part of every mutant's run. test_the_matrix_login_is_a_real_login shows the two lead to the same pages."""
    row = query("select id, session_token from users where username = ?", [USERNAMES[role]])[0]
    with client.session_transaction() as session:
        session.update({"_user_id": f"{row['id']}:{row['session_token']}", "_fresh": True, "seen": time.time(),
                        "login_at": time.time()})
        session.permanent = True


@pytest.fixture(scope="module")
def matrix_app(template_db, tmp_path_factory):
    """One app for the whole matrix, on a database with row 1 in every table, kept as a snapshot to start from."""
    folder = tmp_path_factory.mktemp("matrix")
    path, snapshot = folder / "straatwerk.sqlite", folder / "snapshot.sqlite"
    shutil.copy(template_db, path)
    app = make_app(path)
    db = connect(path)
    worker = db.execute("select id from users where username = 'werker'").fetchone()[0]
    insert_one_of_each(lambda table, **values: db[table].insert(values).last_pk, worker)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    shutil.copy(path, snapshot)
    yield app, snapshot
    app.extensions["outreach.db"].close_all()


@pytest.fixture
def matrix_client(matrix_app):
    """A new client on the matrix app, its database put back to the snapshot (so no test sees another's changes)."""
    app, snapshot = matrix_app
    app.extensions["outreach.db"].close_all()
    path = Path(app.config["DATABASE"])
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(snapshot, path)
    return app.test_client()


@pytest.mark.parametrize("role", list(USERNAMES))
def test_the_matrix_login_is_a_real_login(app, auth, client, query, role):
    """A session written by enter_as opens exactly what the login form's session opens, and nothing once logged out."""
    other = app.test_client()
    enter_as(other, query, role)
    auth.login_role(role)
    for url in (START[role], "/report/", "/admin/", "/cjg/", "/contacts/new", "/account/2fa"):
        real, written = client.get(url), other.get(url)
        assert (real.status_code, real.headers.get("Location")) == (written.status_code, written.headers.get("Location"))
    AuthActions(other).logout()
    assert other.get(START[role]).headers.get("Location", "").startswith("/login")


@pytest.mark.parametrize("endpoint, method, url", ROUTES)
@pytest.mark.parametrize("role", list(USERNAMES))
def test_role_route_matrix(matrix_app, matrix_client, role, endpoint, method, url):
    """Allowed: the page itself, or exactly its own redirect (never back to /login); not allowed: 403."""
    client = matrix_client
    enter_as(client, query_on(matrix_app[0]), role)
    if method == "POST":
        response = AuthActions(client).post(url)
    else:
        response = client.open(url, method=method)
    status, location = expected(role, endpoint, method)
    assert (response.status_code, response.headers.get("Location")) == (status, location)
    if status == 403:
        assert "Geen toegang" in response.text


@pytest.mark.parametrize("endpoint, method, url", [r for r in ROUTES if r[0] in PUBLIC])
def test_public_routes_answer_anonymous_users_exactly(client, endpoint, method, url):
    """The login page, its code step, the service worker and static files, for someone not logged in."""
    response = client.open(url, method=method)
    status, location = ANONYMOUS.get((endpoint, method), (404, None) if endpoint in UNCONFIGURED else (200, None))
    assert (response.status_code, response.headers.get("Location")) == (status, location)


@pytest.fixture
def unmarked(template_db, tmp_path):
    """An app with one extra view that carries no role mark at all (a developer forgot @allow)."""
    import shutil
    shutil.copy(template_db, tmp_path / "db.sqlite")
    app = make_app(tmp_path / "db.sqlite")
    app.add_url_rule("/vergeten", "vergeten", lambda: "geheim")
    yield app
    app.extensions["outreach.db"].close_all()


@pytest.mark.parametrize("role", list(USERNAMES))
def test_a_view_without_a_role_mark_is_refused_for_every_role(unmarked, role):
    """Deny by default: a view nobody marked is 403 for every role, never shown."""
    client = unmarked.test_client()
    AuthActions(client).login_role(role)
    response = client.get("/vergeten")
    assert response.status_code == 403 and "geheim" not in response.text


def test_a_view_without_a_role_mark_sends_anonymous_users_to_login(unmarked):
    """Deny by default also for someone not logged in: to the login page, not the view."""
    response = unmarked.test_client().get("/vergeten")
    assert (response.status_code, response.headers["Location"]) == (302, "/login?next=/vergeten")


def test_an_unknown_role_in_a_mark_is_a_programming_error():
    """A typo in @allow fails at import time instead of silently locking a page."""
    from outreach.core.access import allow
    with pytest.raises(ValueError, match="unknown roles"):
        allow("worker", "wroker")
    assert allow("worker", "cjg")(lambda: None).allowed_roles == {"worker", "cjg"}


def first_role(endpoint):
    """A role allowed on an endpoint (the first in USERNAMES' order), or None for a public one."""
    return next((role for role in USERNAMES if endpoint in ALLOWED[role]), None)


@pytest.mark.parametrize("endpoint, url", [(e, u) for e, m, u in ROUTES if m == "POST"])
def test_every_post_without_csrf_token_is_refused(auth, client, one_of_each, query, endpoint, url):
    """A POST without the token, by a role allowed there, is refused before the view runs: 400, nothing written."""
    role = first_role(endpoint)
    if role:
        enter_as(client, query, role)
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
    from outreach.core.access import allow
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


def test_static_files_keep_their_cache_for_a_logged_in_user(auth, client):
    """Only pages are no-store: our own script and the vendored Leaflet are no personal data and stay cached."""
    auth.login_role("worker")
    for url in ("/static/js/map.js", next(u for e, m, u in ROUTES if e == "maps.vendor_file")):
        response = client.get(url)
        assert response.status_code == 200 and response.headers.get("Cache-Control") != "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("https", [True, False])
def test_strict_transport_security_only_behind_https(template_db, tmp_path, https):
    """HSTS for a year when the app is served over HTTPS, never on plain http (it would lock out the dev server)."""
    import shutil
    shutil.copy(template_db, tmp_path / "db.sqlite")
    app = make_app(tmp_path / "db.sqlite", HTTPS=https)
    response = app.test_client().get("/login")
    assert response.headers.get("Strict-Transport-Security") == ("max-age=31536000" if https else None)
    assert response.headers["Referrer-Policy"] == "same-origin"
    app.extensions["outreach.db"].close_all()


def test_a_forced_password_change_comes_before_every_page(app, auth, client):
    """An account that must change its password sees only that page (and may log out), whatever its role allows."""
    from outreach.core.db import get_db
    with app.app_context():
        get_db().execute("update users set must_change_password = 1 where username = 'werker'")
    auth.login_role("worker")
    for url in ("/", "/contacts/", "/report/"):
        response = client.get(url)
        assert (response.status_code, response.headers.get("Location")) == (302, "/account/password")
    assert client.get("/account/password").status_code == 200
    assert client.get("/admin/").status_code == 403  # The role check still comes first.
    assert auth.post("/logout", page="/account/password").headers["Location"] == "/login"


def test_a_role_that_needs_a_second_factor_gets_only_the_enrolment_page(app, auth, client):
    """A CJG account without a second factor set up is sent to enrol on every page but logout."""
    from outreach.core.db import get_db
    with app.app_context():
        get_db().execute("update users set totp_secret = null, totp_enrolled_at = null where username = 'cjg'")
    response = auth.login("cjg")
    assert response.headers["Location"] in ("/cjg/", "/account/2fa")
    for url in ("/", "/cjg/", "/report/"):
        response = client.get(url)
        assert (response.status_code, response.headers.get("Location")) == (302, "/account/2fa")
    assert client.get("/account/2fa").status_code == 200
    assert auth.post("/logout", page="/account/2fa").headers["Location"] == "/login"


def test_activity_keeps_a_session_alive_past_the_idle_time(auth, client):
    """Each request (at most every 30 s) moves 'last seen', so a worker busy for longer than the idle time stays in."""
    import time
    auth.login_role("manager")
    with client.session_transaction() as session:
        session["seen"] = time.time() - 1800 + 5
    assert client.get("/report/").status_code == 200
    with client.session_transaction() as session:
        assert session["seen"] > time.time() - 5
        session["seen"] -= 20  # Seen 20 s ago: not rewritten (the cookie changes at most every 30 s).
        before = session["seen"]
    client.get("/report/")
    with client.session_transaction() as session:
        assert session["seen"] == before
        session["seen"] = time.time() - 30.5  # Seen just over 30 s ago: rewritten.
    client.get("/report/")
    with client.session_transaction() as session:
        assert session["seen"] > time.time() - 5


@pytest.mark.parametrize("target, safe", [
    ("/contacts/?spot=1", True), ("/", True), ("", False), (None, False), ("//evil.example", False),
    ("/\\evil.example", False), ("https://evil.example/", False), ("evil.example", False), ("/a b", False),
    ("/a\tb", False), ("/a\x7fb", True), ("/%2F%2Fevil", True), ("/:x", True), ("/a!b", True)])
def test_next_accepts_only_a_path_on_this_site(target, safe):
    """?next= after login may only lead to a path here: no other host, no backslash trick, no control characters."""
    from outreach.core.access import safe_next
    assert safe_next(target) == (target if safe else None)


def test_a_session_ends_twelve_hours_after_the_password_step_however_active(auth, client):
    """The absolute limit: even a worker active a minute ago logs in again after 12 hours."""
    import time
    auth.login_role("worker")
    with client.session_transaction() as session:
        session["login_at"] = time.time() - 12 * 3600 + 60
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["login_at"] = time.time() - 12 * 3600 - 1
    response = client.get("/contacts/")
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert client.get("/").headers["Location"] == "/login?next=/"  # Logged out for real, not just redirected once.


@pytest.mark.parametrize("role, idle", [("worker", 2 * 3600), ("cjg", 1800), ("manager", 1800), ("admin", 1800)])
def test_idle_timeout_per_role(client, auth, role, idle):
    """The idle limit is the role's own: a worker on her round 2 hours, the others 30 minutes."""
    import time
    auth.login_role(role)
    with client.session_transaction() as session:
        session["seen"] = time.time() - idle + 60
    assert client.get(START[role]).status_code == 200
    with client.session_transaction() as session:
        session["seen"] = time.time() - idle - 60
    response = client.get(START[role])
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "te lang niet actief" in client.get("/login").text


def test_a_queued_save_that_the_guard_would_redirect_is_told_401(app, auth, client):
    """The offline queue's header turns each of the guard's redirects (anonymous, session ended, forced password
    change) into a 401 saying to log in again; without the header the same requests are redirected."""
    from outreach.core.db import get_db
    queue = {"X-Straatwerk-Queue": "1"}
    queued = client.post("/contacts/new", data={"kind": "street"}, headers=queue)
    assert (queued.status_code, queued.text) == (401, "Niet ingelogd: log opnieuw in.")
    assert queued.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert client.post("/contacts/new", data={"kind": "street"}).status_code == 302
    auth.login_role("worker")
    with client.session_transaction() as session:
        session["seen"] = time.time() - 3 * 3600
    assert client.post("/contacts/new", data={"kind": "street"}, headers=queue).status_code == 401
    with app.app_context():
        get_db().execute("update users set must_change_password = 1 where username = 'werker'")
    auth.login_role("worker")
    assert client.post("/contacts/new", data={"kind": "street"}, headers=queue).status_code == 401
    assert client.get("/contacts/new").headers["Location"] == "/account/password"
    assert client.get("/admin/", headers=queue).status_code == 403  # A refusal stays a refusal.


def test_an_idle_session_ends_with_the_notice_on_the_login_page(auth, client):
    """After the idle time the login page says why, in words and in the notice's own style (flash-info)."""
    auth.login_role("manager")
    with client.session_transaction() as session:
        session["seen"] = time.time() - 1800 - 60
    assert client.get("/report/").headers["Location"] == "/login"
    assert ('<p class="flash flash-info" role="status">Je was te lang niet actief. Log opnieuw in.</p>'
            in client.get("/login").text)


def next_of(location):
    """The ?next= target of a redirect, decoded."""
    from urllib.parse import parse_qs, urlsplit
    return parse_qs(urlsplit(location).query)["next"][0]


def test_the_page_to_return_to_keeps_its_whole_query(app, auth, client):
    """Anonymous, or at the end of an OpenID token, ?next= is the page asked for with all of its query (a bare
    trailing '?' dropped), also when the query ends in capitals."""
    response = client.get("/youths/?q=AX")
    location = response.headers["Location"]
    assert location.startswith("/login?") and next_of(location) == "/youths/?q=AX"
    assert client.get("/youths/?").headers["Location"] == "/login?next=/youths/"
    auth.login_role("worker")
    with client.session_transaction() as session:
        session["until"] = time.time() - 1  # As an OpenID login whose ID token has just run out.
    response = client.get("/youths/?q=AX")
    assert response.headers["Location"].startswith("/login/oidc?")
    assert next_of(response.headers["Location"]) == "/youths/?q=AX"


@pytest.mark.parametrize("issuer, form_action", [
    ("", "form-action 'self'"),
    ("https://login.heerde.nl/tenant/v2.0", "form-action 'self' https://login.heerde.nl")])
def test_forms_may_only_post_here_and_to_the_municipalitys_login(template_db, tmp_path, issuer, form_action):
    """form-action: our own origin, plus the OpenID provider's origin (logout ends there) only when it is set."""
    shutil.copy(template_db, tmp_path / "db.sqlite")
    app = make_app(tmp_path / "db.sqlite", OIDC_ISSUER=issuer, OIDC_CLIENT_ID="straatwerk" if issuer else "")
    policy = app.test_client().get("/login").headers["Content-Security-Policy"]
    assert policy.endswith("; " + form_action)
    app.extensions["outreach.db"].close_all()


def test_the_script_nonce_is_128_random_bits(auth, client, spot):
    """The map script's nonce: 16 random bytes (22 URL-safe characters), the same in the header and the page."""
    auth.login_role("worker")
    response = client.get("/spots/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", nonce) and f'nonce="{nonce}"' in response.text
