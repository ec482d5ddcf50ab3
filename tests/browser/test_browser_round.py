"""A round on the phone: Start ronde with the ED, the round in the top bar on every page, the ED preset on the
contact form (also on the copy kept offline), a contact queued without signal keeps its round, Einde ronde."""
from outreach.core.db import connect

from .conftest import check_page
from .offline import ready, worker_ready

KEPT_WITH_ROUND = """async (round) => { const hit = await caches.match("/contacts/new");
    return !!hit && (await hit.text()).includes('name="round_id" type="hidden" value="' + round + '"'); }"""


def rows(database, sql):
    """Rows from the server's database."""
    db = connect(database)
    try:
        return [tuple(r) for r in db.execute(sql)]
    finally:
        db.close()


def test_round_online_and_offline(serve, open_phone, database):
    """Start with the ED, a contact online and one queued offline: both in the round with the ED; then the end."""
    server = serve(database)
    page = open_phone(server.url, route_tiles=False)
    worker_ready(page)
    ready(page)
    page.get_by_label("Ervaringsdeskundige (ED) gaat mee").check()
    page.get_by_role("button", name="Start ronde").click()
    page.get_by_role("status").filter(has_text="Ronde gestart met de ervaringsdeskundige.").wait_for()
    ready(page)
    [(round_id, ed, ended)] = rows(database, "select id, ed_present, ended_at from rounds")
    assert (ed, ended) == (1, None)
    assert page.locator(".roundbar").filter(has_text="met ED").is_visible()
    check_page(page, "round-home-running")
    # The kept copy of the contact form is made again with the round's presets (the phone may lose signal next).
    page.wait_for_function(KEPT_WITH_ROUND, arg=round_id, timeout=30000, polling=200)

    page.goto("/contacts/new")
    ready(page)
    assert page.get_by_label("Ervaringsdeskundige (ED) erbij").is_checked()
    assert page.locator(".roundbar").is_visible()
    bar = page.locator(".topbar").bounding_box()["height"]
    check_page(page, "round-contact-form")
    page.get_by_role("button", name="Opslaan").first.click()
    page.wait_for_url(f"{server.url}/")

    page.context.set_offline(True)
    page.goto("/contacts/new")  # The phone's copy.
    ready(page)
    assert page.get_by_label("Ervaringsdeskundige (ED) erbij").is_checked()
    page.get_by_role("button", name="Opslaan").first.click()
    page.locator("#pending").filter(has_text="1 wachtend").wait_for()
    # The top bar with the round's line keeps its height with the queue: the count takes the name's place.
    assert page.locator(".topbar").bounding_box()["height"] == bar
    page.locator(".roundbar").get_by_role("button", name="Einde ronde").click()
    page.get_by_role("status").filter(has_text="Geen verbinding: de ronde").wait_for()
    check_page(page, "round-offline-end-refused")
    assert rows(database, "select ended_at from rounds") == [(None,)]

    page.context.set_offline(False)  # The phone sends what waited, with its round.
    page.wait_for_function("() => document.getElementById('pending').hidden", timeout=30000)
    assert rows(database, "select round_id, ed_present from contacts order by id") == [(round_id, 1), (round_id, 1)]

    page.locator(".roundbar").get_by_role("button", name="Einde ronde").click()
    page.get_by_role("status").filter(has_text="Ronde beëindigd.").wait_for()
    assert page.locator(".roundbar").count() == 0
    [(started, ended)] = rows(database, "select started_at, ended_at from rounds")
    assert ended and ended >= started
    assert page.get_by_role("button", name="Start ronde").is_visible()
    actions = rows(database, "select action from audit_log where object_type = 'round' order by id")
    assert actions == [("round start",), ("round end",)]
    check_page(page, "round-home-ended")
