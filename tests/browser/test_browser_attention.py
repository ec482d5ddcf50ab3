"""What a tired user must not miss on a phone: after a save with mistakes, the list of what to fix is in view and
has focus, each line leading to its field; after a save that looks like it holds a name, the warning is."""
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import check_page, log_in


def focused(phone):
    """The id of the element that has the focus."""
    return phone.evaluate("document.activeElement && document.activeElement.id")


def focus_moves_to(phone, element_id):
    """Wait (up to 5 s) until the page's script has moved the focus to element_id: app.js loads after the first
    paint, so the focus follows the page by a moment; returns the id that has the focus then."""
    try:
        phone.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=element_id,
                                timeout=5000)
    except PlaywrightTimeout:  # The assertion after this says what has the focus instead.
        pass
    return focused(phone)


def in_view(phone, selector):
    """True when the element's top is on the 360×800 screen, below the sticky top bar (not hidden under it)."""
    top = phone.locator(selector).evaluate("e => e.getBoundingClientRect().top")
    bar = phone.locator(".topbar").evaluate("e => e.getBoundingClientRect().bottom")
    return bar - 1 <= top < 800


def test_errors_are_summed_up_in_view_and_lead_to_their_field(phone, live):
    """A visit without the count: the summary at the top has focus and its link focuses the field."""
    log_in(phone, "worker")
    phone.goto("/visits/new")
    phone.get_by_label("Korte notitie").fill("Rustig avondje")
    phone.get_by_role("button", name="Opslaan").click()
    phone.locator("#fouten").wait_for()
    assert focus_moves_to(phone, "fouten") == "fouten" and in_view(phone, "#fouten")
    summary = phone.locator("#fouten").inner_text()
    assert "Er is 1 ding om te verbeteren" in summary and "Aantal jongeren" in summary
    check_page(phone, "visit-errors")
    phone.locator("#fouten a").first.click()
    assert focused(phone) == "youths_present"
    assert phone.get_by_label("Korte notitie").input_value() == "Rustig avondje"  # What was typed is kept.


def test_the_personal_data_warning_is_brought_into_view(phone, live):
    """A note with a name and a phone number: not saved yet, and the warning is on screen with the focus."""
    log_in(phone, "worker")
    phone.goto("/visits/new")
    phone.get_by_label("Aantal jongeren (schatting, 0 = niemand)").fill("3")
    phone.get_by_label("Korte notitie").fill("Daan de Vries belde, 06-12345678")
    phone.get_by_role("button", name="Opslaan").click()
    phone.locator("#waarschuwing").wait_for()
    assert focus_moves_to(phone, "waarschuwing") == "waarschuwing" and in_view(phone, "#waarschuwing")
    assert "Dit lijkt op een naam of telefoonnummer" in phone.locator("#waarschuwing").inner_text()
    check_page(phone, "visit-warning")
