"""The queue retries by itself: soon after the server returns, on `online` and on coming back into view; an online
save asks nothing after its answer (an ended session says so in the save's own response)."""
import time
from urllib.parse import urlparse

import pytest

from .conftest import check_page
from .offline import QUEUED, ready, saved, wait_saved, worker_ready

# navigator.onLine as the test says, without the events a real change of network sends.
ONLINE_SWITCH = """() => { window.__online = true;
  Object.defineProperty(Navigator.prototype, "onLine", {configurable: true, get: () => window.__online}); }"""


@pytest.fixture
def worker_online(serve, open_phone, database):
    """Our own server on a fresh database and a phone logged in as the worker: (server, page)."""
    server = serve(database)
    page = open_phone(server.url, route_tiles=False)
    worker_ready(page)
    return server, page


def test_a_queued_save_reaches_the_server_within_5_s_after_it_returns(worker_online, database):
    """Signal all along, the server gone for a moment (a restart): kept, then sent by a retry within 5 s of its return.

    After a longer outage the wait is at most the last retry step (30 s), or less when she opens the app again."""
    server, page = worker_online
    page.goto("/contacts/new")
    ready(page)
    server.stop()
    page.get_by_role("button", name="Opslaan").first.click()
    page.locator("#pending").filter(has_text="1 wachtend").wait_for(timeout=15000)
    assert page.evaluate("navigator.onLine")  # The phone had signal: no `online` event will come.
    check_page(page, "offline-retry-waiting")
    time.sleep(1)  # A restart's worth: the retry at 2 s fails; the next are due at 6 s and 14 s.
    server.start()
    back = time.monotonic()
    contacts, _ = wait_saved(database, 1, timeout=30)
    took = time.monotonic() - back
    print(f"queued save arrived {took:.1f} s after the server returned")
    assert len(contacts) == 1 and took < 5
    page.locator("#pending").wait_for(state="hidden", timeout=10000)


@pytest.mark.parametrize("event", ["online", "visibilitychange"])
def test_coming_online_or_into_view_sends_at_once(worker_online, database, event):
    """With no retry due (the phone was offline: none was set), `online` or the page coming into view sends it."""
    _, page = worker_online
    page.goto("/contacts/new")
    ready(page)
    page.evaluate(ONLINE_SWITCH)
    page.evaluate("window.__online = false")
    page.get_by_role("button", name="Opslaan").first.click()
    page.locator("#pending").filter(has_text="1 wachtend").wait_for(timeout=15000)
    time.sleep(2.5)  # The first retry finds the phone offline and sets no other.
    queued = page.evaluate(QUEUED)
    assert saved(database, "contacts") == {} and len(queued) == 1
    page.evaluate("window.__online = true")
    target = "window" if event == "online" else "document"
    page.evaluate(f"{target}.dispatchEvent(new Event({event!r}))")
    contacts, _ = wait_saved(database, 1, timeout=2)
    assert contacts == {queued[0]: 1}


def test_an_online_save_fetches_nothing_after_its_answer(worker_online, database):
    """Saved online: the redirect is the whole answer; no /login (or any other) request checks the session after."""
    _, page = worker_online
    page.goto("/contacts/new")
    ready(page)
    asked = []
    page.on("request", lambda request: asked.append((request.method, urlparse(request.url).path)))
    page.get_by_role("button", name="Opslaan").first.click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    assert len(saved(database, "contacts")) == 1
    assert asked[:2] == [("POST", "/contacts/new"), ("GET", "/")], asked
    assert ("GET", "/login") not in asked
