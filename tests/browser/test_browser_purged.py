"""The morning after the nightly purge (every term at 0, so everything that can be erased is) and a backup: the admin
finds both on the home page and in the audit log in Dutch; the worker's and the CJG's lists and pages say what was
erased and when, never 'None', and pass axe in both themes with their erased, closed and overdue rows."""
import re

import pytest

from outreach.admin.retention import DEFAULTS
from outreach.core.db import connect

from .conftest import check_page, log_in, serving

DAY = r"\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec) \d{4}"


@pytest.fixture(scope="module")
def purged(template_db, tmp_path_factory):
    """The demo year, purged by `flask purge` with every term at 0 and backed up by `flask backup`, served."""
    from conftest import demo_app
    folder = tmp_path_factory.mktemp("purged")
    app, path = demo_app(template_db, folder)
    db = connect(path)
    try:
        db["meta"].upsert_all([{"key": f"retention.{key}", "value": "0"} for key in DEFAULTS], pk="key")
    finally:
        db.close()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["purge"]).exit_code == 0
    assert runner.invoke(args=["backup", str(folder / "backup.sqlite")]).exit_code == 0
    yield from serving(app, path)


def first(purged, sql):
    """The first column of the first row of a query on the purged database."""
    db = connect(purged.path)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def visit(page, url, name):
    """Open a page: it shows no 'None', and passes check_page (axe in both themes, 360 px)."""
    page.goto(url)
    text = page.locator("main").inner_text()
    assert not re.search(r"\bNone\b", text), f"{url}: {text[:300]}"
    check_page(page, name)
    return " ".join(text.split())


def test_admin_after_purge(open_phone, purged):
    """The admin's home says when the purge and the backup ran and what they did; the audit log says it in Dutch."""
    page = open_phone(purged.url)
    log_in(page, "admin")
    home = visit(page, "/admin/", "purged-admin-home")
    assert re.search(rf"Laatste opschoning {DAY} \d\d:\d\d · [\d.]+ gegevens gewist", home), home[:400]
    assert re.search(rf"Laatste back-up {DAY} \d\d:\d\d · in orde, ", home), home[:400]
    log = visit(page, "/admin/audit/?action=purge", "purged-admin-audit")
    assert "opgeschoond" in log and "1 rij" in log
    terms = visit(page, "/admin/retention/", "purged-admin-retention")
    assert re.search(rf"Laatste opschoning: {DAY} \d\d:\d\d \([\d.]+ gegevens gewist\)", terms), terms[-300:]


def test_worker_and_cjg_after_purge(open_phone, purged):
    """Erased aliases and names say so with their day; closed and erased rows sit among the rest, axe clean."""
    page = open_phone(purged.url)
    log_in(page, "worker")
    for url in ("/concerns/", "/youths/"):
        text = visit(page, url, f"purged-worker-{url.strip('/')}")
        assert re.search(rf"J-\d+ · gewist na bewaartermijn \({DAY}\)", text), url
    page.goto("/concerns/")
    assert page.locator(".row.inactive").count() > 0  # Closed concerns among the erased ones.
    visit(page, "/handoffs/", "purged-worker-handoffs")
    youth = first(purged, "select id from youths where erased_at is not null order by id limit 1")
    assert "gewist na bewaartermijn" in visit(page, f"/youths/{youth}", "purged-worker-youth")
    handoff = first(purged, "select id from handoffs where full_name is null order by id limit 1")
    assert "gewist na bewaartermijn" in visit(page, f"/handoffs/{handoff}", "purged-worker-handoff")
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login")

    log_in(page, "cjg")
    visit(page, "/cjg/", "purged-cjg-inbox")
    finished = visit(page, "/cjg/?tab=afgerond", "purged-cjg-finished")
    assert "gewist na bewaartermijn" in finished
    assert "gewist na bewaartermijn" in visit(page, f"/cjg/{handoff}", "purged-cjg-handoff")
