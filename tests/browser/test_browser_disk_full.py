"""A full disk seen from the phone: the save is kept in the offline queue, not lost, and arrives once there is
room again. The server runs as in production (waitress in its own process) on a database on a small tmpfs."""
import pytest

from conftest import PHONE, fill, log_in
from outreach.db import connect
from .test_browser_offline import Server, ready, saved, wait_saved

pytestmark = pytest.mark.browser


def test_a_save_refused_for_lack_of_room_waits_on_the_phone_and_arrives_later(browser, small_disk):
    """503 from a full disk: 'Opgeslagen op dit toestel', 1 waiting; room made and a reload: saved exactly once."""
    database = small_disk / "straatwerk.sqlite"
    db = connect(database)
    worker = db.execute("select id from users where username = 'werker'").fetchone()[0]
    db["spots"].insert({"name": "Skatebaan", "kind": "skatebaan", "lat": 52.3905, "lon": 6.0330,
                        "created_by": worker, "created_at": "2026-01-01T10:00:00Z"})
    db.close()
    server = Server(database)
    context = browser.new_context(base_url=f"http://127.0.0.1:{server.port}", **PHONE)
    page = context.new_page()
    try:
        log_in(page, "worker")
        page.goto("/contacts/new")
        ready(page)
        connect(database).execute("PRAGMA wal_checkpoint(TRUNCATE)")  # Every write must now grow a file.
        filler = fill(small_disk)
        page.get_by_role("button", name="Opslaan").first.click()
        page.locator("#pending").filter(has_text="1 wachtend").wait_for(timeout=30000)
        assert page.get_by_role("status").filter(has_text="Opgeslagen op dit toestel").count() == 1
        assert saved(database, "contacts") == {}
        filler.unlink()
        page.reload()  # A page load sends what waits.
        contacts, _ = wait_saved(database, 1)
        assert list(contacts.values()) == [1]
    finally:
        context.close()
        server.stop()
