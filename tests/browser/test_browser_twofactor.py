"""The second factor on a phone: a new CJG account sets it up (QR code, recovery codes), then logs in with a code."""
import time

import pyotp

from .conftest import check_page, log_in

NEW_PASSWORD = "mijn eigen lange zin"


def test_new_cjg_account_enrols_then_logs_in_with_a_code(phone, server):
    """Admin makes the account; the newcomer chooses a password, scans the QR code, keeps the codes, logs in again."""
    log_in(phone, "admin")
    phone.get_by_role("link", name="Nieuwe gebruiker").click()
    phone.get_by_label("Gebruikersnaam").fill("cjg.nieuw")
    phone.get_by_label("Volledige naam").fill("Nieuwe CJG-collega")
    phone.get_by_label("Rol").select_option("cjg")
    phone.get_by_role("button", name="Aanmaken").click()
    one_time = phone.locator(".secret").inner_text().strip()
    phone.get_by_role("button", name="Uitloggen").click()
    phone.wait_for_url("**/login")  # Out before the next step (a worker page first reads its queue).

    phone.get_by_label("Gebruikersnaam").fill("cjg.nieuw")
    phone.get_by_label("Wachtwoord").fill(one_time)
    phone.get_by_role("button", name="Inloggen").click()
    phone.get_by_label("Huidig wachtwoord").fill(one_time)
    phone.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Herhaal nieuw wachtwoord").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Opslaan").click()

    # The CJG role gets nothing before the second factor is set up.
    assert phone.get_by_role("heading", level=1).inner_text() == "Tweestapsverificatie instellen"
    assert phone.get_by_role("img", name="QR-code voor je app").is_visible()
    check_page(phone, "twofactor-enrol")
    phone.goto("/cjg/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Tweestapsverificatie instellen"
    secret = phone.locator(".secret").inner_text().replace(" ", "")
    phone.get_by_label("Code").fill("000000")
    phone.get_by_role("button", name="Bevestigen").click()
    assert "Deze code klopt niet" in phone.locator("#code-error").inner_text()
    check_page(phone, "twofactor-enrol-error")
    phone.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    phone.get_by_role("button", name="Bevestigen").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Herstelcodes"
    assert phone.locator(".secret li").count() == 10
    check_page(phone, "twofactor-recovery-codes")
    phone.get_by_role("link", name="Ik heb ze bewaard").click()
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Inbox overdrachten")
    phone.get_by_role("button", name="Uitloggen").click()
    phone.wait_for_url("**/login")  # Out before the next step (a worker page first reads its queue).

    phone.get_by_label("Gebruikersnaam").fill("cjg.nieuw")
    phone.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Inloggen").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Code invullen"
    check_page(phone, "twofactor-code")
    phone.get_by_label("Code").fill("12345")
    phone.get_by_role("button", name="Inloggen").click()
    assert "Deze code klopt niet" in phone.locator("#code-error").inner_text()
    check_page(phone, "twofactor-code-error")
    phone.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))  # The enrolment code was this step's.
    phone.get_by_role("button", name="Inloggen").click()
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Inbox overdrachten")
    phone.goto("/account/2fa")
    assert phone.get_by_text("nog 10 ongebruikte herstelcodes").is_visible()
    check_page(phone, "twofactor-status")
