"""A randomised run: the server goes down and up 50 times while the worker saves 200 contacts; none lost or doubled."""
import os
import random
import threading
import time

import pytest

from .offline import ready, saved, worker_ready

ENTRIES, TOGGLES = 200, 50
CUT = 0.05  # Share of saves after which the server dies before it answers.
CURRENT_ID = "() => document.querySelector('form input[name=client_id]').value"


def toggle(server, rng, log):
    """Kill and restart the server TOGGLES times at random moments, often in the middle of a send."""
    for _ in range(TOGGLES):
        time.sleep(rng.uniform(0.1, 0.8))
        if server.running:
            log.append(server.stop())  # True: it had died by itself, right after a save.
        else:
            server.start(CUT)
    if server.running:
        log.append(server.stop())
    server.start()  # Up for the end, without cuts.


@pytest.fixture
def outages(serve):
    """outages(server, rng, log) runs toggle in a thread; joined after the test, before the server is stopped (it
    must not start one after that)."""
    threads = []

    def start(server, rng, log):
        """Start toggling."""
        threads.append(threading.Thread(target=toggle, args=(server, rng, log)))
        threads[-1].start()
        return threads[-1]
    yield start
    for thread in threads:
        thread.join()


def on_form(page):
    """Open the contact form (from the server or, while it is down, from the cache), once the queue has given it its
    id (offline.js runs after the first paint; a tap before it is held, see test_browser_offline_hold.py)."""
    for _ in range(20):
        try:
            page.goto("/contacts/new")
            if page.url.endswith("/contacts/new") and page.locator("input[name=client_id]").count():
                ready(page)
                return
        except Exception:  # noqa: BLE001 - a navigation cut by the server going away: just try again
            pass
        time.sleep(0.2)
    raise AssertionError("the contact form did not open")


def test_random_outages_lose_nothing_and_double_nothing(serve, open_phone, database, outages):
    """Every client id the form handed out is in the database exactly once at the end."""
    seed = int(os.environ.get("OFFLINE_SEED", time.time()))
    rng = random.Random(seed)
    server = serve(database, cut=CUT)
    page = open_phone(server.url, route_tiles=False)
    log = []
    worker_ready(page)
    for url in ("/", "/contacts/new", "/visits/new"):
        page.goto(url)
    worker = outages(server, rng, log)
    ids = []
    while len(set(ids)) < ENTRIES:
        if not page.url.endswith("/contacts/new"):
            on_form(page)
        try:
            before = page.evaluate(CURRENT_ID)
            page.get_by_role("button", name="Opslaan").first.click(timeout=5000)
            ids.append(before)
            page.wait_for_function(f"() => location.pathname !== '/contacts/new' || "
                                   f"document.querySelector('input[name=client_id]').value !== '{before}'",
                                   timeout=20000)
        except Exception:  # noqa: BLE001 - the page navigated away (saved online) or was cut: carry on
            pass
    worker.join()  # All the toggles, then the server stays up.
    deadline = time.time() + 120
    while time.time() < deadline:
        on_form(page)  # Every page load sends the queue.
        time.sleep(1)
        if page.locator("#pending").is_hidden() and page.locator("#queue-stuck").count() == 0:
            break
    assert page.locator("#queue-stuck").count() == 0, page.locator("#queue-stuck").inner_text()
    rows = saved(database, "contacts")
    lost = [i for i in set(ids) if i not in rows]
    doubled = [i for i, n in rows.items() if n > 1]
    unknown = [i for i in rows if i not in set(ids)]
    print(f"seed {seed}: {len(set(ids))} entries, {TOGGLES} toggles, {sum(log)} cut after a save, lost {len(lost)}, "
          f"doubled {len(doubled)}, unknown {len(unknown)}")
    assert len(set(ids)) == ENTRIES
    assert not lost and not doubled and not unknown
