"""A full disk seen from the phone: the save is kept in the offline queue, not lost, and arrives once there is
room again. The server runs as in production (waitress in its own process) on a database on a small tmpfs."""
from conftest import fill
from outreach.core.db import connect

from .conftest import add_spot, log_in
from .offline import ready, saved, wait_saved


def test_a_save_refused_for_lack_of_room_waits_on_the_phone_and_arrives_later(small_disk, serve, open_phone):
    """503 from a full disk: 'Opgeslagen op dit toestel', 1 waiting; room made and a reload: saved exactly once."""
    database = small_disk / "straatwerk.sqlite"  # small_disk comes first: unmounted after the server stopped.
    add_spot(database)
    server = serve(database)
    page = open_phone(server.url, route_tiles=False)
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
