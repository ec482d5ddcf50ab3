"""Field logging on a phone at the Heerde skatepark (mocked GPS): two taps to a contact, spots, visits, youths."""
import pytest

from outreach.core.db import connect

from .conftest import HEERDE_SKATEPARK, check_page, log_in



def one(live, sql, params=()):
    """First row of a query on the live database."""
    db = connect(live.path)
    try:
        return dict(next(iter(db.query(sql, params)), {}) or {})
    finally:
        db.close()


def selected_spot(page):
    """The name of the spot the form has selected."""
    return page.eval_on_selector("#spot", "s => s.options[s.selectedIndex].text")


# Counts what the worker does in the page itself: every tap (click) and key press, kept across pages.
COUNT_ACTIONS = """
for (const type of ["click", "keydown"]) {
  document.addEventListener(type, () => {
    sessionStorage.actions = String(Number(sessionStorage.actions || 0) + 1);
  }, true);
}
"""


def test_minimal_contact_in_two_actions_from_home(phone, live):
    """Minimal contact in two actions from home."""
    phone.context.add_init_script(COUNT_ACTIONS)
    log_in(phone, "worker")
    check_page(phone, "field-home")
    before = one(live, "select count(*) n from contacts")["n"]
    phone.evaluate("sessionStorage.actions = '0'")  # Counting starts on the home page.
    phone.get_by_role("link", name="Contact Contactmoment vastleggen").click()
    phone.get_by_text("Dichtstbijzijnde hangplek gekozen.").wait_for()  # GPS picked the nearest spot.
    nearest = selected_spot(phone)
    phone.get_by_role("button", name="Opslaan").first.click()
    phone.get_by_text("Contact opgeslagen").wait_for()
    actions = int(phone.evaluate("sessionStorage.actions"))
    assert actions <= 4 and actions == 2
    row = one(live, "select c.kind, c.youths_present, c.lat, c.lon, s.name from contacts c "
                    "join spots s on s.id = c.spot_id order by c.id desc limit 1")
    assert one(live, "select count(*) n from contacts")["n"] == before + 1
    assert row == {"kind": "street", "youths_present": 1, "lat": HEERDE_SKATEPARK["latitude"],
                   "lon": HEERDE_SKATEPARK["longitude"], "name": nearest}
    assert nearest in ("Skatebaan Sportpark Heerde", "Bankje achter de kerk")  # Both lie at the mocked spot.


def test_add_spot_with_my_location(phone, live):
    """Add spot with my location."""
    log_in(phone, "worker")
    phone.goto("/spots/")
    phone.get_by_role("link", name="Nieuwe hangplek").click()
    phone.get_by_label("Naam").fill("Bankje achter de kerk")
    phone.get_by_label("Soort plek").select_option("park")
    phone.get_by_role("button", name="Gebruik mijn locatie").click()
    phone.get_by_text("Locatie ingevuld.").wait_for()
    check_page(phone, "spot-form")
    phone.get_by_role("button", name="Opslaan").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Bankje achter de kerk"
    check_page(phone, "spot-page")
    assert one(live, "select lat, lon, kind from spots where name = ?", ["Bankje achter de kerk"]) == {
        "lat": HEERDE_SKATEPARK["latitude"], "lon": HEERDE_SKATEPARK["longitude"], "kind": "park"}


def test_log_a_visit(phone, live):
    """Log a visit."""
    log_in(phone, "worker")
    phone.get_by_role("link", name="Bezoek Hangplek bezocht").click()
    phone.get_by_text("Dichtstbijzijnde hangplek gekozen.").wait_for()
    nearest = selected_spot(phone)
    phone.get_by_label("Aantal jongeren (schatting, 0 = niemand)").fill("3")
    phone.get_by_role("button", name="Eén meer").click()
    phone.get_by_text("Dealen gezien").click()
    phone.get_by_text("gespannen").click()
    check_page(phone, "visit-form")
    phone.get_by_role("button", name="Opslaan").click()
    phone.get_by_text("Bezoek opgeslagen.").wait_for()
    assert phone.get_by_role("heading", level=1).inner_text() == nearest
    visit = one(live, "select youths_present, dealing_seen, atmosphere from visits order by id desc limit 1")
    assert visit == {"youths_present": 4, "dealing_seen": 1, "atmosphere": "tense"}


def test_quick_add_a_youth_inside_a_contact(phone, live):
    """Quick add a youth inside a contact."""
    log_in(phone, "worker")
    phone.goto("/contacts/new")
    phone.get_by_text("Jongeren, onderwerpen en meer").click()
    phone.get_by_label("Nieuwe jongere: bijnaam").fill("Groene pet")
    phone.get_by_label("Leeftijd").select_option("16–17")
    phone.get_by_text("middelengebruik").click()
    phone.get_by_text("lachgas").click()
    check_page(phone, "contact-form-details")
    phone.get_by_role("button", name="Opslaan").last.click()
    phone.get_by_text("Contact opgeslagen").wait_for()
    linked = one(live, "select y.code, y.alias, y.age_band, c.topics, c.substances from contacts c "
                       "join contact_youths cy on cy.contact_id = c.id join youths y on y.id = cy.youth_id "
                       "where y.alias = ?", ["Groene pet"])
    assert linked["age_band"] == "16-17" and linked["topics"] == '["substance_use"]'
    assert linked["substances"] == '["nitrous_oxide"]' and linked["code"].startswith("J-")
    phone.goto("/youths/?q=Groene")
    phone.get_by_role("link", name=linked["code"]).click()
    assert phone.get_by_role("heading", level=1).inner_text() == f"{linked['code']} · Groene pet"
    check_page(phone, "youth-page")


def test_map_page_loads_only_own_origin_and_tiles(phone, live):
    """Map page loads only own origin and tiles."""
    log_in(phone, "worker")
    phone.goto("/spots/")
    phone.locator(".leaflet-interactive").first.wait_for()  # Leaflet drew the spot layer.
    credit = phone.locator(".leaflet-control-attribution a").first
    assert credit.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"  # Not colour alone.
    check_page(phone, "map")
    hosts = {url.split("/")[2] for url in phone.requested}
    assert hosts <= {live.url.split("/")[2], "service.pdok.nl"}
    assert "service.pdok.nl" in hosts  # Tiles come from the configured TILE_URL.
    phone.get_by_role("button", name="Sorteer op afstand").click()
    phone.wait_for_url("**/spots/?lat=*")
    assert phone.get_by_role("heading", name="Dichtstbij").is_visible()
    first = phone.locator(".rows .row").first.inner_text()
    assert first.startswith(("Skatebaan Sportpark Heerde", "Bankje achter de kerk"))
    assert " m · " in first  # Distance shown in metres.


def test_contact_and_visit_forms_work_without_javascript(open_phone, live):
    """No GPS, no stepper: the plain forms still save, with the last spot preselected by the server."""
    page = open_phone(live.url, java_script_enabled=False)
    log_in(page, "worker")
    before = one(live, "select (select count(*) from contacts) c, (select count(*) from visits) v")
    page.get_by_role("link", name="Contact Contactmoment vastleggen").click()
    page.get_by_role("button", name="Opslaan").first.click()
    assert page.get_by_text("Contact opgeslagen").is_visible()
    page.get_by_role("link", name="Bezoek Hangplek bezocht").click()
    page.get_by_label("Aantal jongeren (schatting, 0 = niemand)").fill("0")
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_text("Bezoek opgeslagen.").is_visible()
    after = one(live, "select (select count(*) from contacts) c, (select count(*) from visits) v")
    assert after == {"c": before["c"] + 1, "v": before["v"] + 1}


@pytest.mark.parametrize("url, name", [("/contacts/", "contacts-list"), ("/visits/", "visits-list"),
                                       ("/youths/", "youths-list"), ("/youths/new", "youth-form"),
                                       ("/youths/1/edit", "youth-edit"), ("/youths/1/merge", "youth-merge"),
                                       ("/spots/1/edit", "spot-edit"), ("/spots/archief", "spots-archive")])
def test_lists_and_forms_are_accessible(phone, url, name):
    """Lists and forms are accessible."""
    log_in(phone, "worker")
    phone.goto(url)
    check_page(phone, name)
