"""The page's scripts load after its first paint (base.html's loader): an entry sent before the queue (offline.js)
runs is held and then sent through it, online and without signal; nothing is lost and nothing is saved twice."""
from pathlib import Path

import pytest

from .conftest import log_in
from .offline import saved, wait_saved

OFFLINE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "offline.js"


@pytest.fixture
def worker_page(serve, open_phone, database):
    """A logged-in worker on our own server, without a service worker (so that every request meets page.route)."""
    server = serve(database)
    page = open_phone(server.url, route_tiles=False, service_workers="block")
    log_in(page, "worker")
    page.wait_for_url("**/")
    return page


def open_form_with_queue_held_back(page):
    """Open the contact form while offline.js is held at the network; returns the held requests."""
    held = []
    page.route("**/static/js/offline.js", lambda route: held.append(route))
    page.goto("/contacts/new")
    page.wait_for_function("() => document.querySelector('script[src$=\"/js/offline.js\"]')")  # Asked for: painted.
    assert held and not page.locator("body[data-offline-ready]").count()
    return held


@pytest.mark.parametrize("signal", [True, False])
def test_an_entry_sent_before_the_queue_runs_is_held_then_saved_once(worker_page, database, signal):
    """Opslaan tapped before offline.js ran: held (no plain post), then sent once through the queue when it runs,
    at once with signal, from the phone's queue when the signal comes back."""
    page = worker_page
    held = open_form_with_queue_held_back(page)
    if not signal:
        page.context.set_offline(True)
    page.get_by_role("button", name="Opslaan").first.click()
    page.get_by_role("button", name="Opslaan").first.click()  # A second tap while held is the same entry.
    page.wait_for_timeout(500)
    assert page.url.endswith("/contacts/new") and saved(database, "contacts") == {}  # Held, not posted.
    for route in held:  # The queue arrives.
        route.fulfill(path=str(OFFLINE_JS), content_type="text/javascript")
    if signal:
        page.wait_for_url("**/", timeout=15000)
    else:
        page.locator("#pending").filter(has_text="1 wachtend").wait_for(timeout=15000)
        assert saved(database, "contacts") == {}
        page.context.set_offline(False)
    contacts, _ = wait_saved(database, 1, timeout=30)
    assert list(contacts.values()) == [1]
    page.wait_for_timeout(1000)
    assert list(saved(database, "contacts").values()) == [1]  # Nothing sent twice.
