"""The admin enters the GGD figures and inhabitants on a phone; the manager's report shows the estimate with its
source (issue 15, item 4)."""
from .conftest import SHOTS, check_page, log_in


def test_admin_enters_ggd_figures_and_the_report_shows_the_estimate(open_phone, server):
    """From the admin home to the form (the demo's Heerde figures in it), a wrong value kept with its Dutch message,
    the corrected figures saved; then the manager reads the estimate and its source in the report."""
    admin = open_phone(server)
    log_in(admin, "admin")
    admin.get_by_role("link", name="GGD-cijfers en inwoners wijzigen").click()
    admin.get_by_role("heading", name="GGD-cijfers en inwoners").wait_for()
    assert admin.get_by_label("Inwoners van 12–15 jaar").input_value() == "860"  # What the demo filled in.
    check_page(admin, "admin-ggd")
    percent = admin.get_by_label("Middelbare scholieren (klas 2 en 4): ooit softdrugs gebruikt (%)")
    percent.fill("zeven")
    admin.get_by_label("Inwoners van 16–17 jaar").fill("450")
    admin.get_by_role("button", name="Opslaan").click()
    assert admin.locator("#pupils_soft_drugs-error").inner_text() == "Vul een percentage in, bijvoorbeeld 7 of 6,5."
    assert percent.input_value() == "zeven" and admin.get_by_label("Inwoners van 16–17 jaar").input_value() == "450"
    check_page(admin, "admin-ggd-error")
    percent.fill("7,5")
    admin.get_by_label("Bron van de inwonertallen").fill("CBS StatLine, bevolking op 1 januari")
    admin.get_by_role("button", name="Opslaan").click()
    admin.get_by_text("GGD-cijfers en inwoners opgeslagen.").wait_for()
    assert percent.input_value() == "7,5"

    manager = open_phone(server)
    log_in(manager, "manager")
    manager.get_by_role("heading", name="Omvang van de groep (schatting met de GGD-cijfers)").wait_for()
    text = manager.locator("main").inner_text()
    # (860 + 450) × 7,5% = 98,25: about 98 youths of 12–17 who ever used soft drugs.
    assert "(7,5% van ca. 1.310 inwoners van 12–17 jaar)" in text
    assert "Inwoners: CBS StatLine, bevolking op 1 januari" in text
    section = manager.locator("section", has=manager.get_by_role("heading", name="Omvang van de groep"))
    section.scroll_into_view_if_needed()
    assert "98" in section.inner_text() and "Een schatting, geen telling" in section.inner_text()
    section.screenshot(path=str(SHOTS / "report-ggd.png"))
    buttons = manager.locator(".buttons").first  # The CSV per quarter beside the period's CSV (item 8).
    quarters = buttons.get_by_role("link", name="CSV per kwartaal (hele pilot)")
    assert quarters.get_attribute("href") == "/report/kwartalen.csv"
    buttons.screenshot(path=str(SHOTS / "report-buttons.png"))
