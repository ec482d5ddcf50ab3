"""The offline save on a slow phone with a poor connection: Slow 4G and a CPU four times slower, as DevTools does it."""
import json
import time

from .offline import (QUEUED, latencies, measure, ready, report_latencies, save_contacts, saved, visit_shell, wait_saved,
                      worker_ready)

# Chrome DevTools' "Slow 4G" preset (front_end/core/sdk/NetworkManager.ts, Slow4GConditions): latency 150 ms × 3.75
# = 562.5 ms; download 1.6 Mbit/s × 0.9 = 180000 bytes/s (≈1.44 Mbit/s); upload 750 kbit/s × 0.9 = 84375 bytes/s.
SLOW_4G = {"offline": False, "latency": 562.5, "downloadThroughput": 180000, "uploadThroughput": 84375}
CPU_SLOWDOWN = 4  # DevTools' "4× slowdown": a mid-range phone next to the test machine.
SLOW = 90000  # ms; every wait is on a condition, this only bounds it on a slow, shared CI machine.


class WorkerTarget:
    """The DevTools protocol to our service worker, through the browser session."""

    # The page's own network conditions do not reach the worker's fetches (every navigation to a shell page goes
    # through it), and Playwright opens sessions to pages only; DevTools itself throttles each target like this.

    def __init__(self, browser, page, port):
        """Attach to the service worker of the test server (it must be installed)."""
        self.page, self.answers, self.last = page, set(), 0
        self.cdp = browser.new_browser_cdp_session()
        self.cdp.on("Target.receivedMessageFromTarget", self.received)
        targets = self.cdp.send("Target.getTargets")["targetInfos"]
        worker = next(t for t in targets if t["type"] == "service_worker" and f":{port}/" in t["url"])
        # Not flattened: Playwright's session object cannot address a child session, sendMessageToTarget can.
        self.session = self.cdp.send("Target.attachToTarget", {"targetId": worker["targetId"],
                                                               "flatten": False})["sessionId"]

    def received(self, event):
        """Note which of our commands the worker has answered."""
        message = json.loads(event["message"])
        if "id" in message:
            assert "error" not in message, message
            self.answers.add(message["id"])

    def send(self, method, params=None):
        """Send one command and wait for its answer (events arrive while Playwright waits, hence the page's wait)."""
        self.last += 1
        self.cdp.send("Target.sendMessageToTarget", {"sessionId": self.session, "message": json.dumps(
            {"id": self.last, "method": method, "params": params or {}})})
        deadline = time.monotonic() + 30
        while self.last not in self.answers:
            assert time.monotonic() < deadline, f"{method}: no answer from the service worker"
            self.page.wait_for_timeout(20)


def network(conditions, *sessions):
    """The same network conditions for the page and the service worker."""
    for session in sessions:
        session.send("Network.emulateNetworkConditions", conditions)


def test_offline_save_at_slow_4g_and_4x_cpu(serve, open_phone, browser, database):
    """Online a save is slow but arrives; offline 6 contacts and a visit wait, counted at once; then all arrive once."""
    server = serve(database)
    port = server.port
    page = open_phone(server.url, route_tiles=False)
    context = page.context
    context.set_default_timeout(SLOW)
    context.set_default_navigation_timeout(SLOW)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    # The page's main thread, where a save runs (form, IndexedDB, the count); DevTools' CPU throttling is per page.
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    worker_ready(page)
    worker = WorkerTarget(browser, page, port)
    worker.send("Network.enable")
    network(SLOW_4G, worker)
    visit_shell(page)  # Now every request is slow, through the worker or not.

    page.goto("/contacts/new")  # Online: posted, slowly, and on to the start page.
    ready(page)
    page.get_by_role("button", name="Opslaan").first.click()
    # While it travels (about 1.5 s here) she sees that it does, and a second tap is visibly not expected.
    page.get_by_role("status").filter(has_text="Versturen…").wait_for()
    page.wait_for_url("**/")
    online = saved(database, "contacts")
    assert list(online.values()) == [1]

    page.goto("/contacts/new")
    ready(page)
    server.stop()  # Bars on the phone, nothing behind them: each save tries the server first.
    measure(page)
    save_contacts(page, 1, 3)
    network({**SLOW_4G, "offline": True}, cdp, worker)  # Now no network at all.
    page.wait_for_function("() => !navigator.onLine")
    save_contacts(page, 4, 6)
    times = latencies(page)  # Read before the next page replaces this one.
    gone, offline = times[:3], times[3:]
    page.goto("/visits/new")  # From the cache.
    ready(page)
    measure(page)
    page.get_by_label("Hangplek").select_option(label="Skatebaan")
    page.locator('[name="youths_present"]').fill("2")
    page.get_by_role("button", name="Opslaan").click()
    page.locator("#pending").filter(has_text="7 wachtend").wait_for()
    offline += latencies(page)
    queued = page.evaluate(QUEUED)
    assert len(set(queued)) == 7
    page.reload()  # From the cache, the queue read back from IndexedDB.
    page.locator("#pending").filter(has_text="7 wachtend").wait_for()

    report_latencies("Slow 4G + 4x CPU, server gone (navigator.onLine true)", gone)
    report_latencies("Slow 4G + 4x CPU, offline (navigator.onLine false)", offline)
    # Bounds with room for a busy 2-core CI box; the measured figures are printed for the closing note.
    assert report_latencies("Slow 4G + 4x CPU, all", gone + offline) < 250 and max(gone + offline) < 2000

    server.start()
    network(SLOW_4G, worker, cdp)  # The online event sends the queue.
    contacts, visits = wait_saved(database, 8, timeout=SLOW / 1000)
    page.locator("#pending").wait_for(state="hidden")
    assert page.locator("#queue-stuck").count() == 0
    assert set(contacts) | set(visits) == set(queued) | set(online)
    assert len(contacts) == 7 and len(visits) == 1
    assert set(contacts.values()) == {1} and set(visits.values()) == {1}
