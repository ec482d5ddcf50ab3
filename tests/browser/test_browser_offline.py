"""Offline first: the worker logs contacts and visits with the server gone; all arrive once when it is back."""
import time

import pytest

from conftest import make_app
from outreach.core.accounts import create_user
from outreach.core.db import connect

from .conftest import check_page, log_in, log_in_as
from .offline import (AGE_CACHE, CACHED_PAGES, QUEUED, STORED, age_session, assert_phone_cleared, latencies, measure,
                      owner, put_entry, ready, report_latencies, save_contacts, saved, visit_shell, wait_saved,
                      worker_ready)

SECOND_WORKER = ("werker2", "straat-werk-twee-26")


@pytest.fixture
def worker_online(serve, open_phone, database):
    """Our own server on a fresh database, a phone logged in as the worker, the service worker in place:
    (server, page). The page is closed after the test, then the server is stopped (in whatever state it was left)."""
    server = serve(database)
    page = open_phone(server.url, route_tiles=False)
    worker_ready(page)
    return server, page


@pytest.fixture
def second_worker(database):
    """A second worker account, as the administrator would make one (asked for before worker_online: made first)."""
    username, password = SECOND_WORKER
    app = make_app(database)
    with app.app_context():
        create_user(username, "worker", password)
    app.extensions["outreach.db"].close_all()


def test_offline_queue_end_to_end(worker_online, database):
    """Load online, stop the server, save 20 contacts and 5 visits, reload from cache, restart: 25 arrive once."""
    server, page = worker_online
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

    server.start()
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


def test_refused_entry_is_kept_shown_and_fixed(worker_online, database):
    """A queued visit the server refuses stays on the phone with the reason; Aanpassen opens it to fix and send."""
    server, page = worker_online
    page.goto("/visits/new")
    server.stop()
    page.goto("/visits/new")
    page.get_by_label("Hangplek").select_option(label="Skatebaan")
    page.get_by_role("button", name="Opslaan").click()  # No number of youths: the server will refuse it.
    page.locator("#pending").filter(has_text="1 wachtend").wait_for(timeout=5000)
    server.start()
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


def test_a_timed_out_session_keeps_the_queue_for_the_same_worker(worker_online, database):
    """Entries waiting when the idle limit ends the session survive the login page and are sent once she is back."""
    server, page = worker_online
    context = page.context
    visit_shell(page)
    server.stop()
    page.goto("/contacts/new")
    save_contacts(page, 1, 3)
    queued = page.evaluate(QUEUED)
    age_session(context)  # Two hours without signal, and then some.
    server.start()
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


def test_another_worker_on_the_phone_neither_sees_nor_sends_the_first_ones_entries(second_worker, worker_online,
                                                                                   database):
    """A colleague on her phone sees and sends only his own; her cached pages go; hers arrive when she is back."""
    server, page = worker_online
    context = page.context
    first = owner(page)
    visit_shell(page)
    server.stop()
    page.goto("/contacts/new")
    save_contacts(page, 1, 2)
    hers = set(page.evaluate(QUEUED))
    age_session(context)
    server.start()
    page.goto("/")
    page.wait_for_url("**/login")

    log_in_as(page, *SECOND_WORKER)
    page.wait_for_url("**/")
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
    server.start()
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


def test_logout_clears_the_phone_even_without_javascript(worker_online):
    """The logout answer's Clear-Site-Data alone empties IndexedDB and Cache Storage and removes the service worker."""
    _, page = worker_online
    visit_shell(page)
    put_entry(page, "waiting", "someone-else")
    stored = page.evaluate(STORED)
    assert "straatwerk-offline" in stored["databases"] and stored["caches"]
    page.evaluate("document.querySelector('form.logout').submit()")  # Past offline.js: no wipe in the page.
    assert_phone_cleared(page)
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0


def test_nothing_older_than_a_shift_is_shown_or_kept(worker_online):
    """A cached page older than 12 h is not served; any page load, the login page too, drops what is that old."""
    from playwright.sync_api import Error as PlaywrightError
    server, page = worker_online
    context = page.context
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

    server.start()
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


def test_a_save_after_the_session_timed_out_is_kept_until_she_logs_in(worker_online, database):
    """Saved online into an ended session (a redirect to the login page, not a save): kept, sent once after login."""
    _, page = worker_online
    context = page.context
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


def test_logout_warns_before_unsent_entries_are_wiped(worker_online):
    """With entries still waiting, Uitloggen asks first: 'Annuleren' keeps her logged in with the queue intact."""
    _, page = worker_online
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
