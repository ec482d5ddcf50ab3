"""Logging in with the municipality's account on a phone: the app, the real test provider's page, and back."""
import shutil
import socket
import threading

import pytest

from conftest import make_app
from oidc_provider import account

from .conftest import check_page


@pytest.fixture
def oidc_server(template_db, tmp_path, oidc_provider):
    """The app registered at the test provider, served by waitress on a loopback port known before it starts."""
    from waitress import create_server
    with socket.socket() as probe:  # The redirect URI is registered first, so the port must be known first.
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    shutil.copy(template_db, tmp_path / "straatwerk.sqlite")
    app = make_app(tmp_path / "straatwerk.sqlite", **oidc_provider.register(url))
    httpd = create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=httpd.run, daemon=True).start()
    yield url
    httpd.close()
    app.extensions["outreach.db"].close_all()


def through_provider(phone, login):
    """From the app's login page to the provider's, and log in there."""
    phone.goto("/login")
    phone.get_by_role("link", name="Inloggen met je gemeente-account").click()
    phone.get_by_label("Gebruikersnaam").fill(login)
    phone.get_by_role("button", name="Inloggen bij de gemeente").click()


def test_whole_flow_on_a_phone(open_phone, oidc_server, oidc_provider):
    """Button, provider, the worker's home with her name from the token, logout at the provider, and back."""
    oidc_provider.set(account("anna", "worker"))
    phone = open_phone(oidc_server)
    phone.goto("/login")
    check_page(phone, "oidc-login")
    through_provider(phone, "anna")
    phone.wait_for_url(f"{oidc_server}/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Goedendag, Anna de Vries"  # Name from the token.
    check_page(phone, "oidc-worker-home")
    phone.get_by_role("button", name="Uitloggen").click()
    phone.wait_for_url(f"{oidc_provider.url}/session/end**")
    phone.locator("button[name=logout]").click()  # The provider's own question: sign out there too.
    phone.wait_for_url(f"{oidc_server}/login")
    assert "Je bent uitgelogd" in phone.content()
    check_page(phone, "oidc-logged-out")


def test_no_role_on_a_phone(open_phone, oidc_server, oidc_provider):
    """An account without a Straatwerk group reads why, in Dutch, and can go back to the login page."""
    oidc_provider.set(account("bert", None))
    phone = open_phone(oidc_server)
    through_provider(phone, "bert")
    phone.wait_for_url(f"{oidc_server}/login/oidc/callback**")
    assert phone.get_by_role("heading", level=1).inner_text() == "Inloggen niet gelukt"
    assert "geen rol in Straatwerk" in phone.get_by_role("alert").inner_text()
    check_page(phone, "oidc-refused")
    phone.get_by_role("link", name="Terug naar inloggen").click()
    phone.wait_for_url(f"{oidc_server}/login")
