"""Each role's home page, its navigation, and pages that load nothing from other hosts."""
import re

import pytest

from conftest import USERNAMES

HOME_TEXT = {"worker": "Contactmoment vastleggen", "cjg": "Inbox overdrachten",
             "manager": "Pilotevaluatie straathoekwerk", "admin": "Nieuwe gebruiker"}


@pytest.mark.parametrize("role", list(USERNAMES))
def test_role_home(auth, client, role):
    auth.login_role(role)
    page = client.get("/")
    assert page.status_code == 200
    assert HOME_TEXT[role] in page.text
    for other, text in HOME_TEXT.items():
        if other != role:
            assert text not in page.text
    assert 'aria-label="Hoofdmenu"' in page.text and "Uitloggen" in page.text


def test_worker_home_has_the_five_actions(auth, client):
    auth.login_role("worker")
    page = client.get("/").text
    for label in ("Contact", "Bezoek", "Melding", "Overdracht", "Kaart"):
        assert f"<strong>{label}</strong>" in page


def test_worker_actions_never_link_to_missing_pages(auth, client):
    auth.login_role("worker")
    for href in re.findall(r'href="(/[^"]*)"', client.get("/").text):
        assert client.get(href).status_code == 200, href


URL_ATTRIBUTE = re.compile(r'(?:src|href|action|srcset|poster)\s*=\s*"([^"]*)"', re.I)


@pytest.mark.parametrize("role", list(USERNAMES))
def test_invariant_7_no_third_party_host_in_any_page(auth, client, role):
    """Every page a role reaches refers only to our own origin: no CDN, no web font, no analytics."""
    pages = ["/login"]
    auth.login_role(role)
    pages += ["/", "/account/password", "/bestaat-niet"] + (["/admin/users/new"] if role == "admin" else [])
    for url in pages:
        html = client.get(url).text
        for ref in URL_ATTRIBUTE.findall(html):
            assert not re.match(r"^(https?:)?//", ref), (url, ref)
        assert "@import" not in html and "fonts.googleapis" not in html
    css = client.get("/static/css/style.css").text
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_local_time_shown_in_dutch_time_zone():
    from outreach.home import localtime
    assert localtime("2026-07-01T10:00:00Z") == "01-07-2026 12:00"  # Summer time, UTC+2.
    assert localtime("2026-12-01T10:00:00Z") == "01-12-2026 11:00"
    assert localtime(None) == "nooit"
