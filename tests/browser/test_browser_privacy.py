"""The privacy officer's tasks on a phone: a retention term, the audit trail of one youth, a subject access page."""
from .conftest import check_page, log_in


def test_admin_sets_a_term_and_reads_the_trail_of_a_youth(phone):
    """Admin: retention page (term changed), inzage page of J-0001, its audit trail, the register."""
    log_in(phone, "admin")
    phone.get_by_role("link", name="Bewaren").click()
    phone.get_by_role("heading", name="Bewaartermijnen").wait_for()
    check_page(phone, "admin-retention")
    field = phone.get_by_label("Vrije tekst bij contacten en bezoeken")
    field.fill("9")
    phone.get_by_role("button", name="Opslaan").click()
    phone.get_by_text("Bewaartermijnen opgeslagen.").wait_for()
    assert phone.get_by_label("Vrije tekst bij contacten en bezoeken").input_value() == "9"

    phone.get_by_role("link", name="Inzage").click()
    phone.get_by_label("Code jongere").fill("J-0001")
    phone.get_by_role("button", name="Tonen").click()  # Without the request's reference and reason: refused.
    assert phone.locator("#reference-error").inner_text() == "Vul het kenmerk van het verzoek in, bijvoorbeeld AVG-2026-014."
    assert phone.get_by_label("Code jongere").input_value() == "J-0001"
    check_page(phone, "admin-subject-request")
    phone.get_by_label("Kenmerk van het verzoek").fill("AVG-2026-014")
    phone.get_by_label("Reden").select_option("inzage")
    phone.get_by_role("button", name="Tonen").click()
    phone.get_by_role("heading", name="Inzage · J-0001").wait_for()
    assert "AVG-2026-014" in phone.locator("main").inner_text()
    check_page(phone, "admin-subject")

    phone.get_by_role("link", name="Auditlog").click()
    phone.get_by_label("Code jongere").fill("J-0001")
    phone.get_by_role("button", name="Zoeken").click()
    phone.get_by_role("heading", name="Spoor van jongere J-0001").wait_for()
    row = phone.locator("table.audit tbody tr", has_text="inzage (pagina)")
    assert row.count() == 1  # the page just opened
    # On a phone a row is a card: every value readable without scrolling sideways, beside its label.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    outcome = row.locator('td[data-label="Uitkomst"]')
    box = outcome.bounding_box()
    assert outcome.inner_text() == "inzage (pagina); kenmerk AVG-2026-014; Inzageverzoek (AVG art. 15)"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    check_page(phone, "admin-audit-youth")

    phone.get_by_role("link", name="Register").click()
    phone.get_by_role("heading", name="Register van verwerkingen").wait_for()
    check_page(phone, "admin-register")
