"""Each role's home page, its navigation, and pages that load nothing from other hosts."""
import re

import pytest

from conftest import START, USERNAMES

HOME_TEXT = {"worker": "Contactmoment vastleggen", "cjg": "Inbox overdrachten",
             "manager": "Pilotevaluatie straathoekwerk", "admin": "Nieuwe gebruiker"}


@pytest.mark.parametrize("role", list(USERNAMES))
def test_role_home(auth, client, role):
    """Each role starts on its own page: / is the worker's home and sends every other role to theirs."""
    assert auth.login_role(role).headers["Location"] == START[role]
    page = client.get("/")
    if role != "worker":
        assert (page.status_code, page.headers["Location"]) == (302, START[role])
        page = client.get(START[role])
    assert page.status_code == 200
    assert HOME_TEXT[role] in page.text
    for other, text in HOME_TEXT.items():
        if other != role:
            assert text not in page.text
    assert 'aria-label="Hoofdmenu"' in page.text and "Uitloggen" in page.text


def test_worker_home_has_the_five_actions(auth, client):
    """Worker home has the five actions."""
    auth.login_role("worker")
    page = client.get("/").text
    for label in ("Contact", "Bezoek", "Melding", "Overdracht", "Kaart"):
        assert f"<strong>{label}</strong>" in page


def test_worker_actions_never_link_to_missing_pages(auth, client):
    """Worker actions never link to missing pages."""
    auth.login_role("worker")
    for href in re.findall(r'href="(/[^"]*)"', client.get("/").text):
        assert client.get(href).status_code == 200, href


URL_ATTRIBUTE = re.compile(r'(?:src|href|action|srcset|poster)\s*=\s*"([^"]*)"', re.I)


def get_pages(app):
    """Every GET page of the app, with 1 for numeric URL parts (the row one_of_each makes)."""
    for rule in app.url_map.iter_rules():
        # The OpenID Connect pages do not exist without a provider (tests/test_oidc.py has them).
        if "GET" in rule.methods and rule.endpoint not in ("static", "maps.vendor_file") and \
                not rule.endpoint.startswith("oidc."):
            yield rule.build({arg: 1 for arg in rule.arguments})[1]


@pytest.mark.parametrize("role", list(USERNAMES))
def test_invariant_7_no_third_party_host_and_demo_marker_on_every_page(app, auth, client, role, one_of_each):
    """Every page a role reaches refers only to our own origin (the map adds the tile URL), and says DEMO."""
    with app.app_context():
        from outreach.core.db import get_db
        get_db()["meta"].insert({"key": "demo", "value": "1"})
    auth.login_role(role)
    reached = 0
    for url in get_pages(app):
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue  # A download (the report's CSV) is not a page.
        reached += 1
        html = response.text
        assert ">DEMO<" in html, url
        for ref in URL_ATTRIBUTE.findall(html):
            assert not re.match(r"^(https?:)?//", ref), (url, ref)
        hosts = set(re.findall(r"https?://([^/\"'\\]+)", html))
        assert hosts <= {"service.pdok.nl"}, (url, hosts)
        assert "@import" not in html and "fonts.googleapis" not in html
    assert reached >= (14 if role == "worker" else 2)
    for asset in ("/static/css/style.css", "/static/js/app.js", "/static/js/map.js"):
        text = client.get(asset).text
        assert "url(" not in text and "@import" not in text and "@font-face" not in text
        assert not re.search(r"https?://", text), asset


def test_local_time_shown_in_dutch_time_zone():
    """Local time shown in dutch time zone."""
    from outreach.core.dates import localtime
    assert localtime("2026-07-01T10:00:00Z") == "1 jul 2026 12:00"  # Summer time, UTC+2.
    assert localtime("2026-12-01T10:00:00Z") == "1 dec 2026 11:00"
    assert localtime(None) == "nooit"


@pytest.mark.parametrize("stored, text", [
    ("2026-11-30 21:45", "30 nov 2026 21:45"), ("2026-11-30 21:45:07.123456", "30 nov 2026 21:45"),
    ("2026-03-01T20:00", "1 mrt 2026 20:00"), ("2026-11-30T20:45:00Z", "30 nov 2026 21:45"),
    ("2026-05-09", "9 mei 2026"), ("", ""), (None, ""), ("onbekend", "onbekend")])
def test_every_date_reads_the_same_way(stored, text):
    """One form for every moment the app stores, for every role: '30 nov 2026 21:45'."""
    from datetime import date, datetime

    from outreach.core.dates import shown
    assert shown(stored) == text
    assert shown(date(2026, 10, 3)) == "3 okt 2026" and shown(datetime(2026, 1, 2, 8, 5)) == "2 jan 2026 08:05"


@pytest.mark.parametrize("stored, text", [
    ("2026-11-30 21:45", "30 nov 2026"), ("2026-11-30T22:30:00Z", "30 nov 2026"), ("2026-11-30T23:30:00Z", "1 dec 2026"), ("2026-05-09", "9 mei 2026"),
    ("", "–"), (None, "–")])
def test_a_day_alone_reads_like_every_date_without_its_time(stored, text):
    """The date-only form ('30 nov 2026') of the one date form, for lists and drafted texts without a time."""
    from datetime import datetime

    from outreach.core.dates import day
    assert day(stored, "–") == text
    assert day(datetime(2026, 1, 2, 8, 5)) == "2 jan 2026"
