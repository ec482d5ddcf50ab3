"""Pages at size, as the worker sees them: the youth list a page at a time, the contact form's bounded spot menu
with its search, the map asking the server per view once the spots are many."""
import pytest

from outreach.core.db import connect

from .conftest import check_page, log_in


def fill(database, spots=0, youths=0):
    """Many spots around Heerde (a few hundred metres apart) and youths, made by the test worker."""
    db = connect(database)
    try:
        worker = db.execute("select id from users where username = 'werker'").fetchone()[0]
        db["spots"].insert_all({"name": f"Bankje {i:03d}", "kind": "park", "lat": 52.36 + (i % 20) * 0.003,
                                "lon": 6.00 + (i // 20) * 0.004, "created_by": worker,
                                "created_at": "2026-01-01T10:00:00Z"} for i in range(spots))
        db["youths"].insert_all({"code": f"J-{n:04d}", "alias": "Pet", "age_band": "16-17", "gender": "male",
                                 "created_by": worker} for n in range(1, youths + 1))
    finally:
        db.close()


@pytest.fixture
def worker_on(serve, open_phone, database):
    """fill(**sizes) the database, start a server on it and log the worker in on a phone: the page."""
    def start(**sizes):
        """The phone, logged in."""
        fill(database, **sizes)
        page = open_phone(serve(database).url)
        log_in(page, "worker")
        page.wait_for_url("**/")
        return page
    return start


def test_contact_form_finds_a_spot_outside_its_menu(worker_on, database):
    """40 spots: the menu holds a few; the search adds the one asked for and chooses it; the contact is saved there."""
    page = worker_on(spots=40)
    page.goto("/contacts/new")
    menu = page.get_by_label("Hangplek", exact=True)
    page.locator("#spot option").nth(5).wait_for(state="attached")  # The nearest ten to the phone's GPS came in.
    assert menu.locator("option").count() <= 12 and menu.locator("option", has_text="Bankje 000").count() == 0
    page.get_by_placeholder("Andere hangplek zoeken").fill("bankje 000")
    page.get_by_role("button", name="Zoek", exact=True).click()
    page.locator("#plek-status").filter(has_text="Bankje 000 gekozen").wait_for(timeout=10000)
    assert menu.evaluate("m => m.options[m.selectedIndex].text") == "Bankje 000"
    check_page(page, "contact-form-spot-search")
    page.get_by_role("button", name="Opslaan").first.click()
    page.wait_for_url("**/")
    db = connect(database)
    assert db.execute("select s.name from contacts c join spots s on s.id = c.spot_id").fetchall() == [("Bankje 000",)]
    db.close()


def test_the_map_asks_for_its_spots_once_they_are_many(worker_on):
    """400 spots (and the skatepark): the page carries 30, the map asks /spots/kaart.json for each view and draws what comes back."""
    page = worker_on(spots=400)
    with page.expect_response(lambda r: "/spots/kaart.json?bbox=" in r.url) as answer:
        page.goto("/spots/")
    assert answer.value.ok
    page.locator(".leaflet-interactive, .marker-cluster").first.wait_for(timeout=10000)
    assert page.get_by_text("1–30 van 401 hangplekken").is_visible()
    check_page(page, "spots-many")


def test_youth_list_pages(worker_on):
    """60 youths: 50 on the first page, the rest behind Volgende."""
    page = worker_on(youths=60)
    page.goto("/youths/")
    assert page.locator("li.row").count() == 50
    check_page(page, "youths-paged")
    page.get_by_role("link", name="Volgende").click()
    page.wait_for_url("**/youths/?pagina=2")
    assert page.locator("li.row").count() == 10
