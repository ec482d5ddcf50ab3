"""Offline first: the worker logs contacts and visits with the server gone; all arrive once when it is back."""
import os
import shutil
import signal
import statistics
import subprocess  # nosec B404 - the test's own server script
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from playwright.sync_api import Error as PlaywrightError

from conftest import PHONE, check_page, log_in, make_app
from outreach.auth import create_user
from outreach.db import connect
from serve_for_tests import SECRET_KEY as SERVER_SECRET

pytestmark = pytest.mark.browser
SERVER = Path(__file__).parent.parent / "serve_for_tests.py"
SHELL = ("/", "/contacts/new", "/visits/new")
SECOND_WORKER = ("werker2", "straat-werk-twee-26")
# Time from pressing Opslaan to the count in the top bar changing, per offline save (in the page's clock).
MEASURE = """() => {
  window.__lat = window.__lat || [];
  document.addEventListener("submit", () => { window.__t0 = performance.now(); }, true);
  new MutationObserver(() => { if (window.__t0) { window.__lat.push(performance.now() - window.__t0); window.__t0 = 0; } })
    .observe(document.getElementById("pending"), {childList: true, characterData: true, subtree: true});
}"""
STORED = """async () => ({databases: (await indexedDB.databases()).map(d => d.name), caches: await caches.keys()})"""
# The client ids in the queue; [] when there is none (and looking makes none).
QUEUED = """() => new Promise(done => { const r = indexedDB.open("straatwerk-offline");
  r.onupgradeneeded = () => r.transaction.abort();
  r.onerror = () => done([]);
  r.onsuccess = () => { const db = r.result;
    if (!db.objectStoreNames.contains("queue")) { db.close(); done([]); return; }
    const q = db.transaction("queue").objectStore("queue").getAllKeys();
    q.onsuccess = () => { done(q.result); db.close(); }; }; })"""
# The pages in Cache Storage (not the static files) with the owner each was kept for; works in a page or the worker.
CACHED_PAGES = """async () => { const found = [];
  for (const key of await caches.keys()) { const cache = await caches.open(key);
    for (const request of await cache.keys()) { const path = new URL(request.url).pathname;
      if (path.startsWith("/static/")) continue;
      found.push([path, (await cache.match(request)).headers.get("X-Straatwerk-Owner")]); } }
  return found; }"""
# Make every cached page look kept that many hours ago (the phone's clock is not ours to move).
AGE_CACHE = """async (hours) => {
  for (const key of await caches.keys()) { const cache = await caches.open(key);
    for (const request of await cache.keys()) { const hit = await cache.match(request);
      if (!hit.headers.get("X-Straatwerk-Kept")) continue;
      const headers = new Headers(hit.headers);
      headers.set("X-Straatwerk-Kept", String(Date.now() - hours * 3600 * 1000));
      await cache.put(request, new Response(await hit.text(), {status: hit.status, headers})); } } }"""


class Server:
    """tests/serve_for_tests.py in a subprocess, so the test can stop it like a lost connection would."""

    def __init__(self, database, port=0, cut=0.0):
        """Start and wait until it listens; with cut, it dies after that share of saves before answering."""
        self.process = subprocess.Popen([sys.executable, str(SERVER), str(database), "4", str(port)],  # nosec B603
                                        stdout=subprocess.PIPE, cwd=SERVER.parent.parent,
                                        env={**os.environ, "CUT_AFTER_COMMIT": str(cut)})
        line = self.process.stdout.readline()
        assert line.startswith(b"PORT "), line
        self.port = int(line.split()[1])

    def stop(self):
        """Kill it (as a dead network looks to the phone) and wait; True when it had already died by itself."""
        died = self.process.poll() is not None
        if not died:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process.stdout.close()
        return died


@pytest.fixture
def database(template_db, tmp_path):
    """A fresh database with one spot for the visit form."""
    path = tmp_path / "straatwerk.sqlite"
    shutil.copy(template_db, path)
    db = connect(path)
    worker = db.execute("select id from users where username = 'werker'").fetchone()[0]
    db["spots"].insert({"name": "Skatebaan", "kind": "skatebaan", "lat": 52.3905, "lon": 6.0330,
                        "created_by": worker, "created_at": "2026-01-01T10:00:00Z"})
    db.close()
    return path


def saved(database, table):
    """Client ids saved in a table, with their number of rows each."""
    db = connect(database)
    try:
        return dict(db.execute(f"select client_id, count(*) from {table} where client_id is not null "  # nosec B608
                               "group by client_id").fetchall())
    finally:
        db.close()


def wait_saved(database, expected, timeout=60):
    """Poll the database until contacts + visits hold that many client ids (the phone sends in the background)."""
    deadline = time.monotonic() + timeout
    while len(saved(database, "contacts")) + len(saved(database, "visits")) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return saved(database, "contacts"), saved(database, "visits")


def add_worker(database, username, password):
    """A second worker account in the database, as the administrator would make one."""
    app = make_app(database)
    with app.app_context():
        create_user(username, "worker", password)
    app.extensions["outreach.db"].close_all()


def age_session(context, seconds=2 * 3600 + 60):
    """Make the session cookie look idle for longer than the worker's limit, so the server itself ends it."""
    app = Flask(__name__)
    app.secret_key = SERVER_SECRET
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    cookie = next(c for c in context.cookies() if c["name"] == "straatwerk")
    data = serializer.loads(cookie["value"])
    data["seen"] -= seconds
    context.add_cookies([{**cookie, "value": serializer.dumps(data)}])


def ready(page):
    """Wait until offline.js has tidied the phone and shown the queue on this page load."""
    page.locator("body[data-offline-ready]").wait_for(state="attached", timeout=30000)


def put_entry(page, client_id, owner, hours_ago=0):
    """Put an (empty) contact straight into the phone's queue, as saved hours_ago by the given owner."""
    page.evaluate("""([id, owner, ago]) => window.straatwerkStore.put({client_id: id, url: "/contacts/new", body: "",
                                                                       at: Date.now() - ago, owner: owner})""",
                  [client_id, owner, hours_ago * 3600 * 1000])


def assert_phone_cleared(page):
    """On the login page after a logout: no queue database and no cached pages left in the browser."""
    page.wait_for_url("**/login")
    ready(page)
    stored = page.evaluate(STORED)
    assert "straatwerk-offline" not in stored["databases"] and stored["caches"] == []


def owner(page):
    """The opaque owner marker of the worker page on screen."""
    return page.evaluate("document.body.dataset.owner")


def visit_shell(page):
    """Open the three shell pages online and wait until the service worker has kept all three for this worker."""
    for url in SHELL:
        page.goto(url)
        ready(page)
    page.wait_for_function("""async ([owner, shell]) => { const kept = (await (%s)()).filter(p => p[1] === owner);
        return shell.every(path => kept.some(p => p[0] === path)); }""" % CACHED_PAGES,
                           arg=[owner(page), list(SHELL)], timeout=30000, polling=200)


def measure(page):
    """Start timing save → badge on the page on screen; call again after each navigation."""
    page.evaluate(MEASURE)


def latencies(page):
    """The save → badge times recorded on the page on screen, in ms."""
    return page.evaluate("window.__lat || []")


def report_latencies(label, values):
    """Print median and max (for the closing note) and return the median."""
    median = statistics.median(values)
    print(f"{label}: pending count after save: median {median:.1f} ms, max {max(values):.1f} ms (n={len(values)})")
    return median


def save_contacts(page, first, last):
    """Press Opslaan on the contact form for entries first..last, each time waiting for the count to reach it."""
    for n in range(first, last + 1):
        page.get_by_role("button", name="Opslaan").first.click()
        page.locator("#pending").filter(has_text=f"{n} wachtend").wait_for(timeout=30000)


def log_in_as(page, username, password):
    """Fill the login form for an account that is not one of the conftest roles."""
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/")


def worker_online(browser, database):
    """Our own server, a phone logged in as the worker, and the service worker in place: (server, context, page)."""
    server = Server(database)
    context = browser.new_context(base_url=f"http://127.0.0.1:{server.port}", **PHONE)
    page = context.new_page()
    log_in(page, "worker")
    page.wait_for_url("**/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return server, context, page


def test_offline_queue_end_to_end(browser, database):
    """Load online, stop the server, save 20 contacts and 5 visits, reload from cache, restart: 25 arrive once."""
    server, context, page = worker_online(browser, database)
    port = server.port
    try:
        visit_shell(page)  # Now through the service worker, which keeps them.
        check_page(page, "offline-visit-form")
        server.stop()

        page.goto("/contacts/new")  # From the cache: the server is gone.
        measure(page)
        save_contacts(page, 1, 20)
        assert page.get_by_role("status").filter(has_text="Opgeslagen op dit toestel").count() == 1
        times = latencies(page)
        page.goto("/visits/new")
        page.get_by_label("Hangplek").select_option(label="Skatebaan")
        for n in range(21, 26):
            page.locator('[name="youths_present"]').fill(str(n - 20))
            page.get_by_role("button", name="Opslaan").click()
            page.locator("#pending").filter(has_text=f"{n} wachtend").wait_for(timeout=5000)
        queued = page.evaluate(QUEUED)
        assert len(set(queued)) == 25
        page.reload()
        page.locator("#pending").filter(has_text="25 wachtend").wait_for(timeout=5000)  # Read from IndexedDB.
        check_page(page, "offline-queued")

        server = Server(database, port)
        page.reload()  # The page load sends the queue.
        # Wait on the database, not the badge: right after the reload the badge is hidden until the queue is read.
        wait_saved(database, 25)
        page.wait_for_function("() => document.getElementById('pending').hidden"
                               " || !!document.getElementById('queue-stuck')", timeout=30000)
        assert page.locator("#queue-stuck").count() == 0, page.locator("#queue-stuck").inner_text()
        contacts, visits = saved(database, "contacts"), saved(database, "visits")
        assert len(contacts) == 20 and len(visits) == 5
        assert set(contacts) | set(visits) == set(queued)
        assert set(contacts.values()) == {1} and set(visits.values()) == {1}
        # The max is reported: on a busy shared CI box one may be slow.
        assert report_latencies("unthrottled, server gone", times) < 100

        page.get_by_role("button", name="Uitloggen").click()
        assert_phone_cleared(page)
    finally:
        context.close()
        server.stop()


def test_refused_entry_is_kept_shown_and_fixed(browser, database):
    """A queued visit the server refuses stays on the phone with the reason; Aanpassen opens it to fix and send."""
    server, context, page = worker_online(browser, database)
    port = server.port
    try:
        page.goto("/visits/new")
        server.stop()
        page.goto("/visits/new")
        page.get_by_label("Hangplek").select_option(label="Skatebaan")
        page.get_by_role("button", name="Opslaan").click()  # No number of youths: the server will refuse it.
        page.locator("#pending").filter(has_text="1 wachtend").wait_for(timeout=5000)
        server = Server(database, port)
        page.reload()
        stuck = page.locator("#queue-stuck")
        stuck.wait_for(timeout=30000)
        assert "Vul een aantal in" in stuck.inner_text()
        page.locator("#pending").filter(has_text="1 niet verstuurd").wait_for()
        assert "wachtend" not in page.locator("#pending").inner_text()
        check_page(page, "offline-refused")
        stuck.get_by_role("link", name="Aanpassen").click()
        page.locator("form[data-replaces]").wait_for()
        assert page.get_by_label("Hangplek").input_value() != ""
        page.locator('[name="youths_present"]').fill("3")
        page.get_by_role("button", name="Opslaan").click()
        page.wait_for_url("**/spots/*")
        assert page.locator("#pending").is_hidden() and page.locator("#queue-stuck").count() == 0
        assert len(saved(database, "visits")) == 1
    finally:
        context.close()
        server.stop()


def test_a_timed_out_session_keeps_the_queue_for_the_same_worker(browser, database):
    """Entries waiting when the idle limit ends the session survive the login page and are sent once she is back."""
    server, context, page = worker_online(browser, database)
    port = server.port
    try:
        visit_shell(page)
        server.stop()
        page.goto("/contacts/new")
        save_contacts(page, 1, 3)
        queued = page.evaluate(QUEUED)
        age_session(context)  # Two hours without signal, and then some.
        server = Server(database, port)
        page.goto("/")
        page.wait_for_url("**/login")  # The server ended the session, as it does after the idle limit.
        assert "te lang niet actief" in page.locator("#inhoud").inner_text()
        ready(page)
        assert sorted(page.evaluate(QUEUED)) == sorted(queued)  # The login page wiped nothing.
        assert saved(database, "contacts") == {}

        log_in(page, "worker")
        page.wait_for_url("**/")
        contacts, _ = wait_saved(database, 3)
        page.locator("#pending").wait_for(state="hidden", timeout=30000)
        page.reload()  # Another page load, another flush: nothing left to send twice.
        ready(page)
        assert saved(database, "contacts") == contacts == {client_id: 1 for client_id in queued}
        assert page.evaluate(QUEUED) == []
    finally:
        context.close()
        server.stop()


def test_another_worker_on_the_phone_neither_sees_nor_sends_the_first_ones_entries(browser, database):
    """A colleague on her phone sees and sends only his own; her cached pages go; hers arrive when she is back."""
    add_worker(database, *SECOND_WORKER)
    server, context, page = worker_online(browser, database)
    port = server.port
    try:
        first = owner(page)
        visit_shell(page)
        server.stop()
        page.goto("/contacts/new")
        save_contacts(page, 1, 2)
        hers = set(page.evaluate(QUEUED))
        age_session(context)
        server = Server(database, port)
        page.goto("/")
        page.wait_for_url("**/login")

        log_in_as(page, *SECOND_WORKER)
        ready(page)
        second = owner(page)
        assert second and second != first
        assert page.locator("#pending").is_hidden() and page.locator("#queue-stuck").count() == 0
        assert set(page.evaluate(QUEUED)) == hers  # Kept for her, not shown here.
        page.wait_for_function(f"async () => !(await ({CACHED_PAGES})()).some(p => p[1] === {first!r})",
                               timeout=30000, polling=200)  # Her spot list and youth aliases are gone.
        visit_shell(page)  # His own shell, the static files kept again too.
        server.stop()
        page.goto("/contacts/new")  # From the cache, for him.
        save_contacts(page, 1, 1)  # "1 wachtend": his one, not three.
        his = set(page.evaluate(QUEUED)) - hers
        assert len(his) == 1
        server = Server(database, port)
        page.reload()
        contacts, _ = wait_saved(database, 1)
        page.locator("#pending").wait_for(state="hidden", timeout=30000)
        assert set(contacts) == his and set(page.evaluate(QUEUED)) == hers  # Never sent under his account.

        age_session(context)  # His session ends too; she logs in again.
        page.goto("/")
        page.wait_for_url("**/login")
        log_in(page, "worker")
        page.wait_for_url("**/")
        contacts, _ = wait_saved(database, 3)
        page.locator("#pending").wait_for(state="hidden", timeout=30000)
        assert contacts == {client_id: 1 for client_id in hers | his}
        db = connect(database)
        try:
            by_worker = dict(db.execute("select c.client_id, u.username from contacts c join users u "
                                        "on u.id = c.worker_id").fetchall())
        finally:
            db.close()
        assert {by_worker[c] for c in hers} == {"werker"} and {by_worker[c] for c in his} == {SECOND_WORKER[0]}

        page.get_by_role("button", name="Uitloggen").click()  # A real logout clears everything.
        assert_phone_cleared(page)
    finally:
        context.close()
        server.stop()


def test_logout_clears_the_phone_even_without_javascript(browser, database):
    """The logout answer's Clear-Site-Data alone empties IndexedDB and Cache Storage and removes the service worker."""
    server, context, page = worker_online(browser, database)
    try:
        visit_shell(page)
        put_entry(page, "waiting", "someone-else")
        stored = page.evaluate(STORED)
        assert "straatwerk-offline" in stored["databases"] and stored["caches"]
        page.evaluate("document.querySelector('form.logout').submit()")  # Past offline.js: no wipe in the page.
        assert_phone_cleared(page)
        assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    finally:
        context.close()
        server.stop()


def test_nothing_older_than_a_shift_is_shown_or_kept(browser, database):
    """A cached page older than 12 h is not served; any page load, the login page too, drops what is that old."""
    server, context, page = worker_online(browser, database)
    port = server.port
    try:
        visit_shell(page)
        page.evaluate(AGE_CACHE, 13)
        server.stop()
        with pytest.raises(PlaywrightError):
            page.goto("/contacts/new")  # Not from the cache: that copy is from the previous shift.
        worker = context.service_workers[0]
        deadline = time.monotonic() + 30
        while worker.evaluate(CACHED_PAGES) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker.evaluate(CACHED_PAGES) == []

        server = Server(database, port)
        visit_shell(page)
        mine = owner(page)
        put_entry(page, "old", mine, hours_ago=13)
        put_entry(page, "recent", "0123456789abcdef")
        page.evaluate(AGE_CACHE, 13)
        age_session(context)
        page.goto("/")
        page.wait_for_url("**/login")
        ready(page)
        assert page.evaluate(QUEUED) == ["recent"]  # Another worker's recent entry stays for her.
        assert page.evaluate(CACHED_PAGES) == []
    finally:
        context.close()
        server.stop()


def test_a_save_after_the_session_timed_out_is_kept_until_she_logs_in(browser, database):
    """Saved online into an ended session (a redirect to the login page, not a save): kept, sent once after login."""
    server, context, page = worker_online(browser, database)
    try:
        page.goto("/contacts/new")
        ready(page)
        client_id = page.evaluate("document.querySelector('form input[name=client_id]').value")
        age_session(context)  # The form stayed open in her pocket for more than two hours.
        page.get_by_role("button", name="Opslaan").first.click()
        note = page.locator("#queued").filter(has_text="Je sessie is verlopen")
        note.wait_for(timeout=30000)
        page.locator("#pending").filter(has_text="1 wachtend").wait_for(timeout=30000)
        assert page.evaluate(QUEUED) == [client_id] and saved(database, "contacts") == {}
        check_page(page, "offline-session-ended")
        note.get_by_role("link", name="Opnieuw inloggen").click()
        page.wait_for_url("**/login")
        log_in(page, "worker")
        page.wait_for_url("**/")
        contacts, _ = wait_saved(database, 1)
        page.locator("#pending").wait_for(state="hidden", timeout=30000)
        assert contacts == {client_id: 1}
    finally:
        context.close()
        server.stop()


def test_logout_warns_before_unsent_entries_are_wiped(browser, database):
    """With entries still waiting, Uitloggen asks first: 'Annuleren' keeps her logged in with the queue intact."""
    server, context, page = worker_online(browser, database)
    try:
        ready(page)
        put_entry(page, "waiting", owner(page))
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_role("button", name="Uitloggen").click()
        deadline = time.monotonic() + 10
        while not asked and time.monotonic() < deadline:  # The question comes after the queue is read.
            page.wait_for_timeout(50)
        assert asked == ["Er staat nog 1 niet verstuurd contact of bezoek op dit toestel. Als je nu uitlogt, "
                         "wordt dat gewist. Toch uitloggen?"]
        assert page.url.endswith("/") and page.evaluate(QUEUED) == ["waiting"]
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Uitloggen").click()
        assert_phone_cleared(page)
    finally:
        context.close()
        server.stop()
