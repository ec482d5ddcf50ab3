"""The worker without signal: every page that is not kept on the phone shows the Dutch offline page (what still
works, how many entries wait, the hangplekken by name and distance, no youth data), never Chrome's English error."""
from outreach.core.db import connect

from .conftest import check_page
from .offline import CACHED_PAGES, owner, ready, worker_ready


def kept(page, path):
    """Wait until the service worker has kept path for this worker."""
    page.wait_for_function("""async ([owner, path]) => (await (%s)()).some(p => p[0] === path && p[1] === owner)"""
                           % CACHED_PAGES, arg=[owner(page), path], timeout=30000, polling=200)


def test_offline_pages_fall_back_to_the_dutch_offline_page(open_phone, live):
    """Kaart, Jongeren, Zorgmeldingen offline: the offline page with the queue count and the spots by distance."""
    page = open_phone(live.url, route_tiles=False)
    worker_ready(page)
    page.goto("/")
    ready(page)
    for path in ("/offline", "/contacts/new", "/visits/new"):
        kept(page, path)  # Asked for by the home page in the background, without a visit.
    page.goto("/contacts/new")
    ready(page)
    page.context.set_offline(True)
    page.get_by_role("button", name="Opslaan").first.click()
    page.locator("#pending").filter(has_text="1 wachtend").wait_for(timeout=10000)

    db = connect(live.path)
    try:
        aliases = [r[0] for r in db.execute("select alias from youths where alias is not null limit 200")]
        spots = db.execute("select count(*) from spots where archived_at is null").fetchone()[0]
    finally:
        db.close()
    for path, name in (("/spots/", "kaart"), ("/youths/", "jongeren"), ("/concerns/", "zorgmeldingen"),
                       ("/handoffs/", "overdracht")):
        page.goto(path)
        ready(page)
        assert page.url.endswith(path)  # The address she typed or tapped stays; the page says what works.
        page.get_by_role("heading", name="Zonder verbinding").wait_for()
        page.locator("#queue-count").filter(has_text="1 contact of bezoek wacht").wait_for(timeout=10000)
        page.locator("#offline-where").filter(has_text="Dichtstbij eerst").wait_for(timeout=10000)
        rows = page.locator("#offline-spots li")
        assert rows.count() == spots
        distances = page.locator("#offline-spots .distance").all_inner_texts()
        assert all(d.startswith("· ") and d.endswith(("m", "km")) for d in distances), distances[:3]
        metres = [float(d[2:].split()[0].replace(",", ".")) * (1000 if d.endswith("km") else 1) for d in distances]
        assert metres == sorted(metres)
        text = page.locator("main").inner_text()
        assert not [alias for alias in aliases if alias in text]
        assert page.get_by_role("link", name="Contact Contactmoment vastleggen").is_visible()
        check_page(page, f"offline-fallback-{name}")
    # The two forms themselves still open from the phone.
    page.get_by_role("link", name="Bezoek Hangplek bezocht").click()
    page.get_by_role("heading", name="Bezoek loggen").wait_for()
    page.context.set_offline(False)
