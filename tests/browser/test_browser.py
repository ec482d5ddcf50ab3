"""Real browser at phone size: Debian's Chromium via Playwright against waitress, with axe for accessibility."""
import pytest

from conftest import USERNAMES

from .conftest import check_page, log_in

HEADINGS = {"worker": "Goedendag, werker", "cjg": "Inbox overdrachten",
            "manager": "Pilotevaluatie straathoekwerk", "admin": "Gebruikers"}


@pytest.mark.parametrize("role", list(USERNAMES))
def test_role_logs_in_on_a_phone(phone, server, role):
    """Role logs in on a phone."""
    phone.goto("/login")
    assert phone.get_by_text("DEMO", exact=True).is_visible()
    check_page(phone, "login")
    log_in(phone, role)
    assert phone.get_by_role("heading", level=1).inner_text().startswith(HEADINGS[role])
    check_page(phone, f"{role}-home")
    nav = phone.get_by_role("navigation", name="Hoofdmenu")
    assert nav.is_visible()
    box = nav.get_by_role("link").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # Thumb-sized.
    phone.goto("/account/password")
    check_page(phone, f"{role}-password")
    phone.goto("/admin/users/new" if role != "admin" else "/cjg-bestaat-niet")
    assert phone.get_by_role("heading", level=1).inner_text() in ("Geen toegang", "Pagina niet gevonden")
    check_page(phone, f"{role}-error")
    phone.get_by_role("button", name="Uitloggen").click()
    phone.wait_for_url("**/login")  # Out before the next step (a worker page first reads its queue).
    assert phone.get_by_text("Je bent uitgelogd.").is_visible()
    # Invariant 7: nothing but our own origin, and map tiles (the manager's home is the report with its map).
    foreign = [url for url in phone.requested if not url.startswith((server + "/", "https://service.pdok.nl/"))]
    assert foreign == []


def test_login_error_shown_at_the_field(phone):
    """Login error shown at the field."""
    phone.goto("/login")
    phone.get_by_label("Gebruikersnaam").fill("werker")
    phone.get_by_label("Wachtwoord").fill("niet het goede wachtwoord")
    phone.get_by_role("button", name="Inloggen").click()
    error = phone.locator("#password-error")
    assert error.inner_text() == "Gebruikersnaam of wachtwoord klopt niet."
    assert phone.get_by_label("Gebruikersnaam").input_value() == "werker"
    assert phone.get_by_label("Wachtwoord").get_attribute("aria-describedby") == "password-error"
    check_page(phone, "login-error")


def test_admin_creates_account_with_errors_then_success(phone):
    """Admin creates account with errors then success."""
    log_in(phone, "admin")
    phone.get_by_role("link", name="Nieuwe gebruiker").click()
    phone.get_by_label("Gebruikersnaam").fill("werker")
    phone.get_by_role("button", name="Aanmaken").click()
    assert "bestaat al" in phone.locator("#username-error").inner_text()
    assert "Kies een rol." in phone.locator("#role-error").inner_text()
    check_page(phone, "admin-user-form-errors")
    phone.get_by_label("Gebruikersnaam").fill("nieuwe.collega")
    phone.get_by_label("Volledige naam").fill("Nieuwe Collega")
    phone.get_by_label("Rol").select_option("cjg")
    phone.get_by_role("button", name="Aanmaken").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Eenmalig wachtwoord"
    check_page(phone, "admin-one-time-password")


def test_works_with_javascript_off(open_phone, server):
    """Works with javascript off."""
    page = open_phone(server, java_script_enabled=False)
    log_in(page, "worker")
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS["worker"]
