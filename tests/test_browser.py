"""Real browser at phone size: Debian's Chromium via Playwright against waitress, with axe for accessibility."""
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from waitress import create_server

from conftest import PASSWORDS, USERNAMES, make_app
from outreach.demo import seed

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"
PHONE = {"viewport": {"width": 360, "height": 800}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "nl-NL"}
HEADINGS = {"worker": "Goedendag, werker", "cjg": "Inbox overdrachten",
            "manager": "Pilotevaluatie straathoekwerk", "admin": "Gebruikers"}
axe = Axe()


@pytest.fixture(scope="module")
def server(template_db, tmp_path_factory):
    """The app with the demo year, served by waitress on a free loopback port."""
    path = tmp_path_factory.mktemp("live") / "straatwerk.sqlite"
    shutil.copy(template_db, path)
    app = make_app(path)
    with app.app_context():
        seed(2026, 1, date(2026, 11, 27))
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    httpd.close()
    app.extensions["outreach.db"].close_all()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; Playwright's own browser download is never used."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, server):
    """A fresh phone-sized page that records every URL it requests."""
    context = browser.new_context(base_url=server, **PHONE)
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    yield page
    context.close()


def check_page(page, name):
    """What every page must pass: no horizontal scroll at 360 px, axe clean, a screenshot to look at."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{name} scrolls sideways"
    results = axe.run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, role):
    """Fill the login form like a person does."""
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill(USERNAMES[role])
    page.get_by_label("Wachtwoord").fill(PASSWORDS[role])
    page.get_by_role("button", name="Inloggen").click()


@pytest.mark.parametrize("role", list(USERNAMES))
def test_role_logs_in_on_a_phone(phone, server, role):
    phone.goto("/login")
    assert phone.get_by_text("DEMO", exact=True).is_visible()
    check_page(phone, "login")
    log_in(phone, role)
    assert phone.get_by_role("heading", level=1).inner_text() == HEADINGS[role]
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
    assert phone.get_by_text("Je bent uitgelogd.").is_visible()
    foreign = [url for url in phone.requested if not url.startswith(server + "/")]
    assert foreign == []  # Invariant 7: nothing but our own origin.


def test_login_error_shown_at_the_field(phone):
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
    log_in(phone, "admin")
    phone.get_by_role("link", name="Nieuwe gebruiker").click()
    phone.get_by_label("Gebruikersnaam").fill("werker")
    phone.get_by_role("button", name="Aanmaken").click()
    assert "bestaat al" in phone.locator("#username-error").inner_text()
    assert "Kies een rol." in phone.locator("#role-error").inner_text()
    check_page(phone, "admin-user-form-errors")
    phone.get_by_label("Gebruikersnaam").fill("nieuwe.collega")
    phone.get_by_label("Rol").select_option("cjg")
    phone.get_by_role("button", name="Aanmaken").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Eenmalig wachtwoord"
    check_page(phone, "admin-one-time-password")


def test_works_with_javascript_off(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, **PHONE)
    page = context.new_page()
    log_in(page, "worker")
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS["worker"]
    context.close()
