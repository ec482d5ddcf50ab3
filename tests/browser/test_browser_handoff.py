"""The whole path on a phone: a friend's concern, a contact, a handoff from the concern (its worry and facts carried
over, the drafted summary with the contact) with consent, the CJG's answer."""
import re

from outreach.core.db import connect
from outreach.home import BADGES

from .conftest import check_page, log_in


def count(live, sql, params=()):
    """One number from the live database."""
    db = connect(live.path)
    try:
        return db.execute(sql, params).fetchone()[0]
    finally:
        db.close()


def test_concern_to_handoff_to_feedback(phone, live):
    """Concern to handoff to feedback."""
    cjg = count(live, "select id from users where username = 'cjg'")
    waiting = count(live, BADGES["cjg.inbox"], [cjg])  # Not opened yet, and the worker's answers the CJG has not read.
    werker = count(live, "select id from users where username = 'werker'")
    news_before = count(live, BADGES["handoffs.list_handoffs"], [werker])
    log_in(phone, "worker")
    phone.get_by_role("link", name="Melding Zorgmelding ontvangen").click()
    phone.get_by_label("Van wie komt de melding?").select_option("vriend/vriendin")
    phone.get_by_label("Naam melder (alleen voor jou zichtbaar)").fill("Sanne")
    phone.get_by_label("Hoe bereik je de melder?").fill("06-11122233")
    phone.get_by_label("Nieuwe jongere: bijnaam").fill("Zwarte jas")
    phone.get_by_label("Leeftijd").select_option("16–17")
    phone.get_by_label("Waar maakt de melder zich zorgen over?").fill("Gebruikt elke dag, slaapt overdag")
    phone.get_by_label("Concrete feiten").fill("Twee weken niet op school")
    phone.get_by_text("hoog", exact=True).click()
    check_page(phone, "concern-form")
    phone.get_by_role("button", name="Opslaan").click()
    phone.get_by_text("Zorgmelding opgeslagen.").wait_for()
    assert phone.get_by_text("Sanne · 06-11122233").is_visible()
    check_page(phone, "concern-page")
    concern_page = phone.url

    phone.get_by_role("link", name="· Zwarte jas").click()  # The youth's profile.
    phone.get_by_role("link", name="Contact met").click()
    phone.get_by_role("button", name="Opslaan").first.click()
    phone.get_by_text("Contact opgeslagen").wait_for()

    phone.goto(concern_page)  # The handoff starts from the concern: its worry and facts come along.
    phone.get_by_role("link", name="Overdragen aan CJG").click()
    assert phone.get_by_label("Reden van overdracht").input_value() == "Gebruikt elke dag, slaapt overdag"
    assert phone.get_by_label("Concrete feiten").input_value() == "Twee weken niet op school"
    assert phone.get_by_role("checkbox", name="vriend/vriendin").is_checked()  # The concern it comes from.
    phone.get_by_label("Concrete feiten").fill("Twee weken niet op school, blowt 's ochtends")
    phone.get_by_label("Huidige fase (Jellinek)").select_option("3")
    phone.get_by_text("hoog", exact=True).click()
    phone.get_by_role("group", name="Jongere akkoord met overdracht").get_by_text("ja", exact=True).click()
    phone.get_by_label("Naam van de jongere").fill("Bram Testkandidaat")
    phone.get_by_label("Geboortedatum").fill("2009-05-01")
    drafted = phone.get_by_label("Samenvatting voor het CJG").input_value()
    assert re.match(r"1 contactmoment sinds \d{1,2} [a-z]{3} \d{4}\. ", drafted), drafted  # A day as pages show it.
    check_page(phone, "handoff-form")
    phone.get_by_role("button", name="Verstuur naar CJG").click()
    phone.get_by_text("Overdracht verzonden naar het CJG.").wait_for()
    check_page(phone, "handoff-page")
    phone.get_by_role("button", name="Uitloggen").click()
    phone.wait_for_url("**/login")  # Out before the next step (a worker page first reads its queue).

    log_in(phone, "cjg")
    badge = phone.get_by_role("navigation", name="Hoofdmenu").locator(".badge")
    assert int(badge.inner_text().split()[-1]) == waiting + 1  # Ours is the new one.
    check_page(phone, "cjg-inbox")
    phone.get_by_role("link", name="Bram Testkandidaat").click()
    assert phone.locator(".tag", has_text="ontvangen").first.is_visible()
    assert phone.get_by_text("Sanne").count() == 0 and phone.get_by_text("06-11122233").count() == 0
    check_page(phone, "cjg-handoff")
    phone.get_by_role("button", name="Accepteren").click()
    phone.get_by_text("Overdracht geaccepteerd.").wait_for()
    phone.get_by_label("Bericht aan de straathoekwerker").fill("Eerste gesprek gehad, hij kwam zelf.")
    phone.get_by_role("button", name="Bericht sturen").click()
    phone.get_by_text("Bericht verstuurd naar de straathoekwerker.").wait_for()
    phone.get_by_label("Uitkomst").select_option("in zorg bij CJG")
    phone.get_by_role("button", name="Afsluiten").click()
    phone.get_by_text("Overdracht afgesloten.").wait_for()
    check_page(phone, "cjg-handoff-closed")
    phone.get_by_role("button", name="Uitloggen").click()
    phone.wait_for_url("**/login")  # Out before the next step (a worker page first reads its queue).

    log_in(phone, "worker")
    nav = phone.get_by_role("navigation", name="Hoofdmenu")
    news = nav.get_by_role("link", name="Overdracht").locator(".badge")
    assert int(news.inner_text().split()[-1]) == news_before + 1  # The CJG's answer on ours is new.
    nav.get_by_role("link", name="Overdracht").click()
    phone.get_by_role("link", name="Zwarte jas").first.click()
    assert phone.get_by_text("Eerste gesprek gehad, hij kwam zelf.").is_visible()
    assert phone.get_by_text("in zorg bij CJG").first.is_visible()
    check_page(phone, "worker-feedback")
