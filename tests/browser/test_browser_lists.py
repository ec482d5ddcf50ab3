"""Lists as they are after a year: closed, declined and switched-off items among the open ones pass axe too
(a faded closed row once failed the colour-contrast rule)."""
import pytest

from .conftest import check_page, log_in

LISTS = {"worker": ["/concerns/", "/handoffs/"], "cjg": ["/cjg/"], "admin": ["/admin/"]}


@pytest.mark.parametrize("role", list(LISTS))
def test_lists_with_closed_items_pass_axe(phone, live, role):
    """Every list of the role, with the demo year's closed items in it: axe clean at 360 px, closed rows present."""
    log_in(phone, role)
    for url in LISTS[role]:
        phone.goto(url)
        check_page(phone, f"list-{role}-{url.strip('/').replace('/', '-')}")
    if role == "worker":
        phone.goto("/concerns/")
        assert phone.locator(".row.inactive").count() > 0  # The demo year has closed concerns: they were checked.
