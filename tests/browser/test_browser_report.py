"""The manager's five minutes on a phone: the demo year's report, another period, the CSV and the A4 print."""
import csv
import io
from pathlib import Path

from .conftest import SHOTS, check_page, log_in

A4 = {"width": 794, "height": 1123}  # CSS pixels at 96 dpi
A4_PRINTABLE = 1123 - 2 * 68  # 18 mm margins top and bottom


def page_cells(page):
    """{(figure, period): text} of every value cell on the page."""
    pairs = page.eval_on_selector_all("[data-cijfer]", "els => els.map(e => [e.dataset.cijfer, e.dataset.periode, "
                                                        "e.textContent.trim()])")
    return {(figure, period): text for figure, period, text in pairs}


def headline(page, label):
    """The current value of a headline figure."""
    return page.locator(".headline li", has_text=label).locator("strong").inner_text()


def test_manager_reads_switches_downloads_and_prints(phone):
    """Manager: report for the demo year, another period, the CSV equal to the page, the print view."""
    log_in(phone, "manager")
    phone.get_by_role("heading", name="Pilotevaluatie straathoekwerk").wait_for()
    reached = headline(phone, "Jongeren bereikt")
    assert reached == "<5" or int(reached.replace(".", "")) >= 5
    assert phone.get_by_role("img", name="Bereikte jongeren naar leeftijd").count() == 1  # an SVG chart
    check_page(phone, "report")

    phone.get_by_role("link", name="2026", exact=True).click()
    phone.get_by_role("heading", name="jan 2026").wait_for()
    assert "van=2026-01" in phone.url
    phone.get_by_text("Andere periode").click()
    phone.get_by_label("Van (maand)").fill("2026-03")
    phone.get_by_label("Tot en met (maand)").fill("2026-05")
    phone.get_by_role("button", name="Toon deze periode").click()
    phone.get_by_role("heading", name="mrt 2026 – mei 2026").wait_for()
    assert phone.get_by_text("de vorige periode van gelijke lengte (dec 2025 – feb 2026)").is_visible()
    check_page(phone, "report-quarter")

    with phone.expect_download() as download:
        phone.get_by_role("link", name="CSV downloaden").click()
    body = Path(download.value.path()).read_bytes().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Onderdeel", "Cijfer", "Periode", "Waarde"]
    assert {(r[1], r[2]): r[3] for r in rows[1:] if r[0] != "Inzichten"} == page_cells(phone)

    phone.get_by_role("link", name="Afdrukken (A4)").click()
    phone.get_by_role("button", name="Afdrukken").wait_for()
    check_page(phone, "report-print-view")
    phone.set_viewport_size(A4)
    phone.emulate_media(media="print")
    first = phone.locator(".first-page")
    # Issue 15: no forced break after page 1 (it left the page half empty); the box below must still fit.
    box = first.bounding_box()
    assert box["y"] + box["height"] <= A4_PRINTABLE, "the headline figures and summary must fit on page 1"
    assert phone.locator(".first-page .headline li").count() == 6
    assert "jongeren" in phone.locator(".first-page .summary-text").inner_text()
    assert not phone.locator(".bottomnav").is_visible()
    phone.screenshot(path=str(SHOTS / "report-print-a4.png"), full_page=True)


PRINT_CEILING = 4  # Printed A4 pages of the whole pilot's report (issue 15: it was fourteen).


def test_printed_report_is_short_with_the_headline_figures_on_page_1(phone):
    """Chromium's print to PDF at A4: at most PRINT_CEILING pages, no table split, page 1 the six figures."""
    import re
    log_in(phone, "manager")
    phone.goto(phone.url.split("/report")[0] + "/report/print")
    phone.get_by_role("button", name="Afdrukken").wait_for()
    phone.emulate_media(media="print")
    pdf = phone.pdf(format="A4", print_background=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "report-print.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    print(f"\nprinted pages: {pages}")
    assert pages <= PRINT_CEILING, pages
    assert phone.locator(".first-page .headline li").count() == 6
    for selector in ("table.figures", "figure.breakdown", ".report-section h2"):
        assert all(v in ("avoid", "avoid-page") for v in phone.locator(selector).evaluate_all(
            "els => els.map(e => getComputedStyle(e).breakInside)")) or selector.endswith("h2")
