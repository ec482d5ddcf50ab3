"""What the offline tests read and do on the phone: the queue in IndexedDB, the pages in Cache Storage, the rows the
server saved, the save → count timing."""
import statistics
import time

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from outreach.core.db import connect
from serve_for_tests import SECRET_KEY as SERVER_SECRET

from .conftest import log_in

SHELL = ("/", "/contacts/new", "/visits/new")
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


def worker_ready(page):
    """Log the worker in on a page of a Served and wait until the service worker is in place."""
    log_in(page, "worker")
    page.wait_for_url("**/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
