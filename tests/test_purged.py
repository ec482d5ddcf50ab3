"""Data that outlives its details: after the nightly purge with every retention term at 0, every page of every
role still reads well: a clear Dutch placeholder where text was erased, never Python's `None`."""
import re
from collections import Counter

import pytest

from conftest import START, USERNAMES
from outreach.admin.retention import DEFAULTS, purge
from outreach.core.db import get_db

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(static|vendor|logout|sw\.js|manifest)|\.csv|\.json|/print|export")
PER_PATTERN = 6  # Pages per route shape (/cjg/<id> …): enough to meet purged and living rows alike.


@pytest.fixture(scope="module")
def purged(tmp_path_factory, template_db):
    """The demo year, purged with every term at 0 (everything that can be erased is gone): the app."""
    from conftest import demo_app
    app, _ = demo_app(template_db, tmp_path_factory.mktemp("purged"))
    with app.app_context():
        db = get_db()
        for key in DEFAULTS:
            db.execute("insert or replace into meta (key, value) values (?, '0')", [f"retention.{key}"])
        done = purge(db)
    assert done["youths"] and done["handoff_identity"] and done["concern_text"]  # The purge really erased things.
    yield app
    app.extensions["outreach.db"].close_all()


def crawl(client, start):
    """Every page reachable by links from the role's start page, a few per route shape: {url: html}."""
    seen, queue, shapes = {}, [start], Counter()
    while queue:
        url = queue.pop(0)
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if url in seen or SKIP.search(url) or shapes[shape] >= PER_PATTERN:
            continue
        shapes[shape] += 1
        response = client.get(url)
        if response.status_code != 200:
            seen[url] = ""
            continue
        seen[url] = html = response.get_data(as_text=True)
        queue += [link.replace("&amp;", "&") for link in LINK.findall(html)]
    return seen


@pytest.mark.parametrize("role", list(USERNAMES))
def test_no_page_shows_none_after_a_full_purge(purged, role):
    """Crawl every role's pages after the purge: the word None appears on none of them, and erased text says so."""
    from conftest import AuthActions
    client = purged.test_client()
    AuthActions(client).login_role(role)
    pages = crawl(client, START[role])
    assert len(pages) > 5, pages.keys()
    shown = {url: re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S))
             for url, html in pages.items()}
    found = {url: sorted({m.group(0) for m in re.finditer(r".{0,40}\bNone\b.{0,20}", text)})[:3]
             for url, text in shown.items() if re.search(r"\bNone\b", text)}
    assert found == {}
    if role in ("worker", "cjg"):  # They see handoffs, whose names the purge erased.
        assert any("gewist na bewaartermijn" in text for text in shown.values())
    if role == "cjg":  # An inbox of erased names stays usable: each row says the youth's code.
        assert re.search(r"J-\d+ · gewist na bewaartermijn", " ".join(shown["/cjg/"].split()))
    if role == "worker":  # The lists of youths and concerns say when an alias was erased, as every page says a day.
        for url in ("/youths/", "/concerns/"):
            assert re.search(r"J-\d+ · gewist na bewaartermijn \(\d+ [a-z]{3} \d{4}\)", " ".join(shown[url].split())), url
