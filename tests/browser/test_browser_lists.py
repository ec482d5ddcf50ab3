"""Lists as they are after a year: closed, declined and switched-off items and overdue ones among the open ones
pass axe too, in both themes (a faded closed row once failed the colour-contrast rule). Lists with erased items:
test_browser_purged.py."""
import pytest

from outreach.core.dates import days_ago
from outreach.core.db import connect

from .conftest import check_page, log_in

LISTS = {"worker": ["/concerns/", "/handoffs/"], "cjg": ["/cjg/"], "admin": ["/admin/"]}


@pytest.fixture(scope="module")
def overdue(live):
    """One sent handoff that waits unopened for ten days (overdue for the CJG and the worker alike)."""
    db = connect(live.path)
    try:
        handoff = db.execute("select id from handoffs where status = 'sent' order by id limit 1").fetchone()[0]
        db["handoffs"].update(handoff, {"sent_at": days_ago(10)})
    finally:
        db.close()
    return handoff


@pytest.mark.parametrize("role", list(LISTS))
def test_lists_with_closed_items_pass_axe(phone, live, role, overdue):
    """Every list of the role, with the demo year's closed items in it: axe clean at 360 px, closed rows present."""
    log_in(phone, role)
    for url in LISTS[role]:
        phone.goto(url)
        check_page(phone, f"list-{role}-{url.strip('/').replace('/', '-')}")
    if role == "worker":
        phone.goto("/concerns/")
        assert phone.locator(".row.inactive").count() > 0  # The demo year has closed concerns: they were checked.
        assert phone.locator(".tag", has_text="langer dan 14 dagen").count() > 0  # And overdue ones (reminders).
        phone.goto("/handoffs/")
        assert phone.locator(".tag", has_text="niet geopend").count() > 0
    if role == "cjg":
        phone.goto("/cjg/")
        assert phone.locator(".tag", has_text="te laat").count() > 0  # Handoffs not opened in time.
        phone.goto("/cjg/?tab=afgerond")
        check_page(phone, "list-cjg-finished")
        assert phone.locator(".tag", has_text="afgesloten").count() > 0
