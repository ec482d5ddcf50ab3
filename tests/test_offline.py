"""The worker's offline support: the service worker route, its cache list and the web app manifest."""
import json
import re
import shutil
import time

from conftest import make_app
from outreach.core.accounts import create_user
from outreach.field.offline import SHELL_PAGES, owner_marker

OWNER = re.compile(r'<body[^>]*\sdata-owner="([^"]*)"')


def listed(script, name):
    """The JSON list a constant holds in the service worker script."""
    return json.loads(re.search(rf"const {name} = (\[.*?\]);", script).group(1))


def test_service_worker_is_public_with_its_headers(client):
    """Anyone may fetch it (browsers re-check it after logout); revalidated every time, scope the whole site."""
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_service_worker_for_a_logged_in_worker_is_never_stored(client, auth):
    """A logged-in browser gets it too, and never from a stale copy."""
    auth.login_role("worker")
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] in ("no-cache", "no-store")


def test_only_the_worker_shell_and_static_files_are_cached(client):
    """No youth pages, no lists, no API data: the home, the two forms, the offline page, and static files."""
    script = client.get("/sw.js").text
    assert listed(script, "PAGES") == ["/", "/contacts/new", "/visits/new", "/offline"] == list(SHELL_PAGES)
    static = listed(script, "STATIC")
    assert static and all(path.startswith("/static/") for path in static)
    assert "/static/js/offline.js" in static and "/static/css/style.css" in static
    for path in static:
        assert client.get(path).status_code == 200, path


def test_cache_name_changes_with_the_static_files(app, client, monkeypatch):
    """A deploy that changes a cached file renames the cache, so phones drop the old one on activate."""
    first = re.search(r'const CACHE = "([^"]+)"', client.get("/sw.js").text).group(1)
    import outreach.field.offline as offline
    monkeypatch.setattr(offline, "CACHE_VERSION", offline.CACHE_VERSION + 1)
    second = re.search(r'const CACHE = "([^"]+)"', client.get("/sw.js").text).group(1)
    assert first.startswith("straatwerk-v") and first != second


def test_cache_name_follows_a_changed_static_file(app, client, tmp_path):
    """A cached static file that changes on disk (a deploy without restart) gives the cache a new name."""
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    app.static_folder = str(static)
    first = re.search(r'const CACHE = "([^"]+)"', client.get("/sw.js").text).group(1)
    assert first == re.search(r'const CACHE = "([^"]+)"', client.get("/sw.js").text).group(1)
    with open(static / "js" / "app.js", "a") as f:
        f.write("\n/* deployed */\n")
    second = re.search(r'const CACHE = "([^"]+)"', client.get("/sw.js").text).group(1)
    assert second != first and second.startswith("straatwerk-v")


def test_manifest(client):
    """Dutch name, standalone, the worker home as start, our theme colour and an icon from our own origin."""
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "Straatwerk" and manifest["short_name"]
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5c4a" and manifest["lang"] == "nl"
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/") and client.get(icon["src"]).status_code == 200


def test_manifest_and_queue_script_for_workers_only(client, auth):
    """The worker's pages load the manifest and the queue; other roles get neither, the login page the tidying."""
    login = client.get("/login").text
    assert 'data-offline="login"' in login and "js/offline.js" in login and "manifest.webmanifest" not in login
    assert "data-owner" not in login
    auth.login_role("worker")
    home = client.get("/").text
    assert '"manifest.webmanifest"' in home and 'data-offline="worker"' in home and 'id="pending"' in home
    auth.logout()
    auth.login_role("manager")
    page = client.get("/").text
    assert "manifest.webmanifest" not in page and "js/offline.js" not in page and "data-offline" not in page


def test_scripts_load_through_the_nonced_loader_only(client, auth):
    """The page's own scripts and the manifest come from one inline loader carrying this response's CSP nonce, after
    the first frame: no script or manifest tag that the first paint would wait for."""
    auth.login_role("worker")
    response = client.get("/contacts/new")
    page = response.text
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    loaders = re.findall(r'<script nonce="([^"]+)">\s*\(function \(base, sources, manifest\)', page)
    assert loaders == [nonce]
    assert "<script src" not in page and 'rel="manifest"' not in page
    listed = '["js/app.js", "js/offline-store.js", "js/offline.js", "js/offline-shell.js"], "manifest.webmanifest")'
    assert listed in page


def test_worker_pages_carry_an_opaque_owner_marker(app, client, auth, worker_id):
    """A keyed hash of the account, the same at every login, different per worker and per secret key."""
    auth.login_role("worker")
    marker = OWNER.search(client.get("/").text).group(1)
    assert re.fullmatch(r"[0-9a-f]{16}", marker)
    with app.app_context():
        assert marker == owner_marker(worker_id)
        other = create_user("werker2", "worker", "straat-werk-twee-26")
    auth.logout()
    auth.login_role("worker")
    assert OWNER.search(client.get("/contacts/new").text).group(1) == marker  # Her queue is still hers.
    auth.logout()
    auth.login("werker2", "straat-werk-twee-26")
    assert OWNER.search(client.get("/").text).group(1) not in (marker, "")
    with make_app(app.config["DATABASE"], SECRET_KEY="another-secret").app_context():
        assert owner_marker(worker_id) != marker and owner_marker(other) != marker


def test_logout_asks_the_browser_to_clear_the_phone(client, auth):
    """Logging out answers with Clear-Site-Data, so the queue and caches go even without JavaScript."""
    auth.login_role("worker")
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_a_timed_out_session_leaves_the_phone_alone(client, auth):
    """The idle timeout sends the worker to the login page without clearing anything: her queue waits for her."""
    auth.login_role("worker")
    with client.session_transaction() as session:
        session["seen"] = time.time() - 3 * 3600
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Clear-Site-Data" not in response.headers
    login = client.get("/login")
    assert "Clear-Site-Data" not in login.headers and 'data-offline="login"' in login.text


def test_a_queued_save_into_an_ended_session_is_told_401_not_sent_to_login(client, auth, query):
    """With the queue's header an anonymous save gets 401 (nothing saved); a plain form post still goes to login."""
    queued = client.post("/contacts/new", data={"kind": "street"}, headers={"X-Straatwerk-Queue": "1"})
    assert queued.status_code == 401 and "log opnieuw in" in queued.text
    plain = client.post("/contacts/new", data={"kind": "street"})
    assert plain.status_code == 302 and "/login" in plain.headers["Location"]
    auth.login_role("worker")
    page = client.get("/contacts/new").text  # Logged in, the header changes nothing: a save is a redirect.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client_id = re.search(r'name="client_id"[^>]*value="([^"]+)"', page).group(1)
    saved = client.post("/contacts/new", headers={"X-Straatwerk-Queue": "1"}, data={
        "csrf_token": token, "client_id": client_id, "kind": "street", "youths_present": "1",
        "contacted_at": re.search(r'name="contacted_at"[^>]*value="([^"]+)"', page).group(1)})
    assert saved.status_code == 302 and query("select count(*) n from contacts") == [{"n": 1}]


def test_offline_page_lists_spot_names_and_no_youth_data(client, auth, seed_rows, worker_id, youth, spot):
    """The page shown offline instead of any other: what still works, the queue line, spot names with positions;
    never an alias, a code or an archived spot; the worker's only."""
    seed_rows("spots", name="Oude schuur", kind="other", lat=52.39, lon=6.04, created_by=worker_id,
              created_at="2026-01-01T10:00:00Z", archived_at="2026-02-01T10:00:00Z")
    assert client.get("/offline").status_code == 302  # Anonymous: to the login page.
    auth.login_role("worker")
    page = client.get("/offline")
    assert page.status_code == 200
    html = page.text
    for text in ("Zonder verbinding", 'href="/contacts/new"', 'href="/visits/new"', 'id="queue-count"',
                 'data-lat="52.3905" data-lon="6.033"', "Skatebaan", "/static/js/offline-page.js"):
        assert text in html, text
    for text in ("Rode pet", "J-0001", "Oude schuur"):
        assert text not in html, text
    auth.logout()
    auth.login_role("cjg")
    assert client.get("/offline").status_code == 403


def test_service_worker_falls_back_to_the_offline_page(client):
    """Every other navigation falls back to the kept offline page (not the browser's error page); refresh asks."""
    script = client.get("/sw.js").text
    assert 'const FALLBACK = "/offline"' in script
    assert 'request.mode === "navigate"' in script and "caches.match(FALLBACK" in script
    assert 'addEventListener("message"' in script and "PAGES.indexOf(path) !== -1" in script
