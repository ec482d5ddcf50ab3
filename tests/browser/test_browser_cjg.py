"""The CJG's first week on a phone: colleagues by name (the admin names them), the inbox in the order of need with
its tabs and 'mijn zaken', and a message thread both ways with the personal-data warning and the badges."""
import re

from outreach.core.db import connect

from .conftest import check_page, log_in


def one(live, sql, params=()):
    """One row from the live database."""
    db = connect(live.path)
    try:
        return db.execute(sql, params).fetchone()
    finally:
        db.close()


def badge(phone):
    """The count on the inbox's navigation entry (0 when it shows none)."""
    found = phone.get_by_role("navigation", name="Hoofdmenu").locator(".badge")
    return int(found.inner_text().split()[-1]) if found.count() else 0


def log_out(phone):
    """Press Uitloggen and wait for the login page."""
    phone.get_by_role("button", name="Uitloggen").click()
    phone.wait_for_url("**/login")



def send_message(phone, to, text, shot):
    """Write text in the thread's field 'Bericht aan {to}', send it, wait for its confirmation, check the page."""
    phone.get_by_label(f"Bericht aan {to}").fill(text)
    phone.get_by_role("button", name="Bericht sturen").click()
    phone.get_by_text(f"Bericht verstuurd naar {to}.").wait_for()
    check_page(phone, shot)

def test_names_inbox_and_thread(phone, live):
    """Admin names the CJG account; the CJG works its inbox and writes; the worker answers; the CJG sees it."""
    log_in(phone, "admin")
    check_page(phone, "admin-users")
    phone.get_by_role("link", name="Naam en e-mail van cjg", exact=True).click()
    phone.get_by_label("Volledige naam").fill("Sanne de Boer")
    phone.get_by_label("E-mailadres (niet verplicht)").fill("s.deboer@heerde.nl")
    check_page(phone, "admin-user-name")
    phone.get_by_role("button", name="Opslaan").click()
    phone.get_by_text("Gegevens van Sanne de Boer opgeslagen.").wait_for()
    phone.get_by_role("link", name="Nieuwe gebruiker").click()
    phone.get_by_role("button", name="Aanmaken").click()  # Empty: every field says what is missing.
    phone.get_by_text("Vul de volledige naam in, zoals collega's die zien.", exact=True).wait_for()
    check_page(phone, "admin-new-user-errors")
    log_out(phone)

    # An accepted handoff of the CJG account, and one the worker sent that the CJG has received.
    mine = one(live, "select id, youth_id from handoffs where status = 'accepted' and assigned_to = "
                     "(select id from users where username = 'cjg') order by sent_at desc limit 1")
    log_in(phone, "cjg")
    headings = phone.locator("main h2").all_inner_texts()
    order = ["Te laat geopend", "Nieuw", "Ontvangen, nog niet geaccepteerd", "Lopend"]
    assert [h for h in order if h in headings] == [h for h in headings if h in order] and "Lopend" in headings
    check_page(phone, "cjg-inbox")
    phone.get_by_role("link", name="Afgerond").click()
    assert phone.locator(".tag", has_text="afgesloten").count() + phone.locator(".tag", has_text="afgewezen").count() > 0
    assert phone.locator(".tag", has_text="geaccepteerd").count() == 0
    check_page(phone, "cjg-inbox-finished")
    phone.get_by_role("link", name="Te doen en lopend").click()
    phone.get_by_label("Mijn zaken").check()
    phone.get_by_role("button", name="Filter").click()
    phone.get_by_text("Alleen overdrachten die aan jou zijn toegewezen.").wait_for()
    assert phone.locator(".tag", has_text=re.compile(r"^nieuw$")).count() == 0  # Nothing unassigned here.
    check_page(phone, "cjg-inbox-mine")

    phone.goto(f"/cjg/{mine[0]}")
    phone.get_by_label("Bericht aan de straathoekwerker").fill("Haar tante Petra Jansen belt ons morgen.")
    phone.get_by_role("button", name="Bericht sturen").click()
    warning = phone.locator("#waarschuwing")
    warning.wait_for()
    assert "Gevonden: een naam" in warning.inner_text()
    check_page(phone, "cjg-message-warning")
    send_message(phone, "de straathoekwerker", "Eerste gesprek is gepland; kun jij erbij zijn?", "cjg-thread")
    log_out(phone)

    log_in(phone, "worker")
    nav = phone.get_by_role("navigation", name="Hoofdmenu")
    assert nav.get_by_role("link", name="Overdracht").locator(".badge").count() == 1
    phone.goto(f"/handoffs/{mine[0]}")
    thread = phone.locator("ol.thread")
    assert "Sanne de Boer (CJG)" in thread.inner_text() and "Eerste gesprek is gepland" in thread.inner_text()
    send_message(phone, "het CJG", "Ja, dinsdag kan ik erbij zijn.", "worker-thread")
    log_out(phone)

    log_in(phone, "cjg")
    before = badge(phone)
    phone.get_by_label("Mijn zaken").check()
    phone.get_by_role("button", name="Filter").click()
    row = phone.locator("li.row", has=phone.locator(f"a[href='/cjg/{mine[0]}']"))
    assert row.locator(".tag", has_text="nieuw bericht").count() == 1
    check_page(phone, "cjg-inbox-new-message")
    row.get_by_role("link").click()
    assert "Ja, dinsdag kan ik erbij zijn." in phone.locator("ol.thread").inner_text()
    phone.goto("/cjg/")
    assert badge(phone) == before - 1  # Read by the one it is assigned to.
