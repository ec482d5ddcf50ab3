"""Night use: the dark theme the phone asks for passes axe (contrast included) on each role's main pages, the
map page and forms with errors, as the light theme does; the bottom menu's labels are at least 14 px and keep
clear of the screen's edges; the top bar stays one line when entries wait in the queue."""
import pytest

from .conftest import check_page, log_in
from .offline import put_entry, owner, ready

PAGES = {"worker": ["/", "/spots/", "/spots/new", "/spots/1", "/contacts/new", "/visits/new", "/youths/", "/youths/1",
                    "/concerns/", "/concerns/1", "/handoffs/", "/handoffs/1", "/contacts/", "/offline"],
         "cjg": ["/cjg/", "/cjg/1"], "manager": ["/report/"], "admin": ["/admin/", "/admin/audit/", "/admin/retention/",
                                                               "/admin/register/"]}


def name(role, url, scheme):
    """A screenshot's name for a page."""
    return f"{scheme}-{role}-{url.strip('/').replace('/', '-') or 'home'}"


def menu_fits(page):
    """Every bottom-menu label at 14 px or more, inside the screen with room to its edges, and no text cut off."""
    labels = page.evaluate("""() => Array.from(document.querySelectorAll('.bottomnav a')).map(a => {
        const range = document.createRange(); range.selectNodeContents(a.firstChild);
        const box = range.getBoundingClientRect();
        return {text: a.textContent, size: parseFloat(getComputedStyle(a).fontSize), left: box.left, right: box.right,
                cut: a.scrollWidth > a.clientWidth}; })""")
    assert labels
    for label in labels:
        assert label["size"] >= 14, label
        assert label["left"] >= 4 and label["right"] <= 356, label
        assert not label["cut"], label


@pytest.mark.parametrize("scheme", ["dark", "light"])
@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_in_both_themes(open_phone, server, role, scheme):
    """Axe clean (contrast in the dark too) and the menu readable on every main page of the role."""
    page = open_phone(server, color_scheme=scheme)
    if role == "worker":
        page.goto("/login")
        check_page(page, f"{scheme}-login", both=False)
    log_in(page, role)
    page.wait_for_url(lambda url: "/login" not in url)
    page.locator("h1").first.wait_for()
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    if scheme == "dark":  # The theme is really on: the page background is dark.
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(17, 24, 22)"
    for url in PAGES[role]:
        page.goto(url)
        if url == "/spots/":
            page.locator(".leaflet-marker-pane > *, .leaflet-overlay-pane path").first.wait_for()
        assert page.locator("h1").first.inner_text() not in ("Pagina niet gevonden", "Geen toegang"), url
        check_page(page, name(role, url, scheme), both=False)  # The scheme is this test's parameter.
        menu_fits(page)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_forms_with_errors_in_both_themes(open_phone, server, scheme):
    """The error summary and the messages next to the fields pass axe in both themes."""
    page = open_phone(server, color_scheme=scheme)
    log_in(page, "worker")
    page.goto("/contacts/new")
    page.locator('[name="youths_present"]').fill("0")
    page.get_by_role("button", name="Opslaan").first.click()
    page.locator("#fouten").wait_for()
    check_page(page, f"{scheme}-contact-errors", both=False)
    page.goto("/spots/new")
    page.get_by_role("button", name="Opslaan").click()
    page.locator("#fouten").wait_for()
    check_page(page, f"{scheme}-spot-errors", both=False)


def test_header_stays_one_line_with_a_queue(open_phone, server):
    """The top bar is as high with entries waiting (and some refused) as without: the count gives way."""
    page = open_phone(server, route_tiles=False)
    log_in(page, "worker")
    ready(page)
    empty = page.locator(".topbar").bounding_box()["height"]
    # Sending fails (as without signal), so the entries stay waiting; the page itself loads as usual.
    page.route("**/contacts/new", lambda route: route.abort() if route.request.method == "POST"
               else route.continue_())
    for n in range(12):
        put_entry(page, f"test-{n}", owner(page))
    page.evaluate("""async (owner) => { const s = window.straatwerkStore;
        await s.put({client_id: "refused", url: "/contacts/new", body: "", at: Date.now(), owner: owner,
                     state: "refused", reason: "Controleer de gegevens."}); }""", owner(page))
    page.reload()
    ready(page)
    page.locator("#pending").filter(has_text="12 wachtend").wait_for()
    assert page.locator(".topbar").bounding_box()["height"] == empty
    assert page.locator("#pending").inner_text() == "12 wachtend, 1 niet verstuurd"
    assert page.evaluate("(b => b.scrollHeight <= b.clientHeight && b.scrollWidth <= b.clientWidth)"
                         "(document.getElementById('pending'))")  # All of it shown, nothing cut off.
    badge = page.locator("#pending").bounding_box()
    assert badge["x"] + badge["width"] <= page.get_by_role("button", name="Uitloggen").bounding_box()["x"]
    check_page(page, "header-queue")
    page.evaluate("() => window.straatwerkStore.wipe()")
