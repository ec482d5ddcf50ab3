"""A new hangplek: a small map shows the pin (from GPS or tapped) to check before saving; our own Leaflet, tiles
from the configured URL only, no inline script; with the tiles failing (no signal) the form still works."""
from outreach.core.db import connect

from .conftest import check_page, log_in


def test_new_spot_pin_from_gps_and_tap_without_tiles(open_phone, live):
    """Tiles refused: the map still shows, GPS puts the pin at the skatepark, a tap moves it, the save keeps it."""
    page = open_phone(live.url, route_tiles=False)
    tiles = []
    page.route("https://service.pdok.nl/**", lambda route: (tiles.append(route.request.url), route.abort()))
    log_in(page, "worker")
    page.goto("/spots/new")
    pick = page.locator("#spot-pick")
    pick.wait_for()  # Shown by its script: Leaflet from our origin loaded.
    assert pick.locator(".leaflet-control-attribution").inner_text().endswith("Kaartgegevens © Kadaster / PDOK")
    page.get_by_role("button", name="Gebruik mijn locatie").click()
    page.get_by_text("Locatie ingevuld.").wait_for()
    assert pick.get_attribute("data-pin") == "52.390600,6.033100"  # The phone's position (conftest PHONE).
    assert page.locator("#spot-pick path.leaflet-interactive").count() == 1
    check_page(page, "spot-new-pin-gps")

    box = pick.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.3)  # A tap north-east of it.
    page.get_by_text("Plek gekozen op de kaart.").wait_for()
    lat, lon = float(page.locator("#lat").input_value()), float(page.locator("#lon").input_value())
    assert lat > 52.3906 and lon > 6.0331
    assert pick.get_attribute("data-pin") == f"{lat:.6f},{lon:.6f}"
    assert page.locator("#spot-pick path.leaflet-interactive").count() == 1  # Moved, not a second pin.

    page.get_by_label("Naam").fill("Bankje bij de vijver")
    page.get_by_label("Soort plek").select_option(index=1)
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Hangplek opgeslagen.").wait_for()
    db = connect(live.path)
    try:
        saved = db.execute("select lat, lon from spots where name = 'Bankje bij de vijver'").fetchone()
    finally:
        db.close()
    assert tuple(saved) == (lat, lon)
    assert tiles and all(url.startswith("https://service.pdok.nl/") for url in tiles)  # Asked, and failed.
    foreign = [url for url in page.requested if not url.startswith((live.url + "/", "https://service.pdok.nl/"))]
    assert foreign == [] and page.csp_errors == []


def test_typed_position_moves_the_pin(phone, live):
    """Typed coordinates put the pin there; a form with errors keeps the map and the pin (light and dark)."""
    log_in(phone, "worker")
    phone.goto("/spots/new")
    phone.locator("#spot-pick").wait_for()
    phone.locator("#lat").fill("52.3800")
    phone.locator("#lon").fill("6.0500")
    phone.locator("#lon").blur()
    assert phone.locator("#spot-pick").get_attribute("data-pin") == "52.380000,6.050000"
    phone.get_by_role("button", name="Opslaan").click()  # No name: an error, the position kept.
    phone.locator("#fouten").wait_for()
    phone.locator("#spot-pick[data-pin]").wait_for()  # Drawn once Leaflet has loaded.
    assert phone.locator("#spot-pick").get_attribute("data-pin") == "52.380000,6.050000"
    check_page(phone, "spot-new-errors-pin")
