"""Browser tests: Debian's Chromium driven by Playwright at phone size (360×800) against a real waitress server.

One set of fixtures: `live`/`server` (waitress in this process, the demo year loaded), `serve` (serve_for_tests.py
in a process of its own, which a test may kill and start again), `browser` (Chromium), `open_phone`/`phone` (phone
pages, closed after the test). Playwright and axe are imported inside them only, so that the fast tests collect
without either installed (`--ignore tests/browser`, or `-m "not browser"`: every test here is marked `browser`).
"""
import os
import shutil
import signal
import subprocess  # nosec B404 - the tests' own server script
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import PASSWORDS, TOTP_SECRETS, USERNAMES, demo_app, next_code
from outreach.core.db import connect

HERE = Path(__file__).resolve().parent
SERVE = HERE.parent / "serve_for_tests.py"
SHOTS = HERE / "screenshots"
HEERDE_SKATEPARK = {"latitude": 52.3906, "longitude": 6.0331}
PHONE = {"viewport": {"width": 360, "height": 800}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam",
         "geolocation": HEERDE_SKATEPARK, "permissions": ["geolocation"]}
# A 1×1 PNG that stands in for map tiles: the tile host is recorded, never reached.
BLANK_TILE = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                           "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
DATABASES = {}  # Base URL of a server under test → its database file (to pick codes that were not used yet).


@pytest.hookimpl(tryfirst=True)  # Before `-m` deselects by marker.
def pytest_collection_modifyitems(items):
    """Mark every test in this folder `browser`."""
    for item in items:
        if item.path.resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def live(template_db, tmp_path_factory):
    """The app with the demo year, served by waitress on a free loopback port; url and database path."""
    yield from serving(*demo_app(template_db, tmp_path_factory.mktemp("live")))


def serving(app, path):
    """Serve app (on database path) with waitress on a free loopback port; yields url and path, then stops it."""
    from waitress import create_server

    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    loop = threading.Thread(target=httpd.run, daemon=True)
    loop.start()
    url = f"http://127.0.0.1:{httpd.effective_port}"
    DATABASES[url] = path
    yield SimpleNamespace(url=url, path=path)
    # Its sockets are closed inside its own loop, which then ends: closed from here they raced the loop's select()
    # (EBADF in the server's thread, now and then).
    httpd.trigger.pull_trigger(lambda: [d.close() for d in list(httpd._map.values())])
    loop.join(timeout=10)
    assert not loop.is_alive(), "the test server did not stop"
    httpd.task_dispatcher.shutdown()
    app.extensions["outreach.db"].close_all()


@pytest.fixture(scope="module")
def server(live):
    """The live server's base URL."""
    return live.url


class Served:
    """tests/serve_for_tests.py in a process of its own: killed as a lost connection looks to the phone, and started
    again on the same port, as the phone sees its server come back."""

    def __init__(self, database, cut=0.0):
        """Start it on a database file."""
        self.database, self.port, self.process = database, 0, None
        self.start(cut)

    @property
    def url(self):
        """Its base URL (the port stays the same over restarts)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self):
        """Started and not stopped since (it may have died by itself)."""
        return self.process is not None

    def start(self, cut=0.0):
        """Start and wait until it listens; with cut, it dies after that share of saves before answering."""
        command = [sys.executable, str(SERVE), str(self.database), "4", str(self.port)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=SERVE.parent.parent,  # nosec B603
                                        env={**os.environ, "CUT_AFTER_COMMIT": str(cut)})
        line = self.process.stdout.readline()
        assert line.startswith(b"PORT "), line
        self.port = int(line.split()[1])
        DATABASES[self.url] = self.database

    def stop(self):
        """Kill it and wait; True when it had already died by itself."""
        process, self.process = self.process, None
        died = process.poll() is not None
        if not died:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stdout.close()
        return died


@pytest.fixture
def serve():
    """serve(database, cut=0.0) starts a Served on that database; whatever still runs is killed after the test."""
    started = []

    def start(database, cut=0.0):
        """One more server process."""
        started.append(Served(database, cut))
        return started[-1]
    yield start
    for served in started:
        if served.running:
            served.stop()


def add_spot(path):
    """The skatepark in a database, made by the test worker (the visit form needs a spot)."""
    db = connect(path)
    try:
        worker = db.execute("select id from users where username = 'werker'").fetchone()[0]
        db["spots"].insert({"name": "Skatebaan", "kind": "skatepark", "lat": 52.3905, "lon": 6.0330,
                            "created_by": worker, "created_at": "2026-01-01T10:00:00Z"})
    finally:
        db.close()


@pytest.fixture
def database(template_db, tmp_path):
    """A fresh database with one spot for the visit form, for a Served."""
    path = tmp_path / "straatwerk.sqlite"
    shutil.copy(template_db, path)
    add_spot(path)
    return path


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; Playwright's own browser download is never used."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield chromium
        chromium.close()


@pytest.fixture
def open_phone(browser):
    """open_phone(base_url, route_tiles=True, **context options): a fresh phone-sized page at the Heerde skatepark
    in a context of its own, recording every URL it requests and what the CSP blocked; all closed after the test.

    route_tiles answers map tiles with a blank one; the offline tests pass False, so that no request interception
    sits between the page and its service worker.
    """
    contexts = []

    def open_page(base_url, route_tiles=True, **options):
        """One more phone."""
        context = browser.new_context(base_url=base_url, **{**PHONE, **options})
        contexts.append(context)
        page = context.new_page()
        page.requested, page.csp_errors = [], []
        page.on("request", lambda request: page.requested.append(request.url))
        page.on("console", lambda message: "Content Security Policy" in message.text
                and page.csp_errors.append(message.text))
        if route_tiles:
            page.route("https://service.pdok.nl/**",
                       lambda route: route.fulfill(body=BLANK_TILE, content_type="image/png"))
        return page
    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone(open_phone, server):
    """A phone on the live server."""
    return open_phone(server)


DARK = "matchMedia('(prefers-color-scheme: dark)').matches"


def check_page(page, name, both=True):
    """What every page must pass: no horizontal scroll at 360 px, axe clean, a screenshot to look at.

    With both (the default), in the light and the dark theme: the page is checked as it is, then with the phone
    asking for the other theme (no reload, so a form's errors or an offline page stay as they are), then put back.
    The dark screenshot gets '-dark' after its name (unless the name says its theme already).
    """
    from axe_playwright_python.sync_playwright import Axe
    SHOTS.mkdir(exist_ok=True)
    # A page found by its heading may still be loading its stylesheets (on a busy machine): the browser paints
    # nothing before they apply, so the layout a person sees is the one after the load event.
    page.wait_for_load_state("load")
    first = "dark" if page.evaluate(DARK) else "light"
    themes = [first, "light" if first == "dark" else "dark"] if both else [first]
    for theme in themes:
        page.emulate_media(color_scheme=theme)
        assert page.evaluate(DARK) == (theme == "dark"), f"{name}: the {theme} theme did not apply"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{name} ({theme}) scrolls sideways"
        assert page.csp_errors == [], f"{name}: {page.csp_errors}"  # Nothing the policy had to block.
        results = Axe().run(page)
        assert results.violations_count == 0, f"{name} ({theme}): {results.generate_report()}"
        shot = name if theme == "light" or name.startswith("dark") else f"{name}-dark"
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    page.emulate_media(color_scheme=first)


def log_in_as(page, username, password):
    """Fill the login form like a person does and press Inloggen."""
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def log_in(page, role):
    """Log in as a role's test account, with the code from the authenticator app where the role has one."""
    log_in_as(page, USERNAMES[role], PASSWORDS[role])
    if role in TOTP_SECRETS:
        page.wait_for_url("**/login/code")
        database = DATABASES[page.url.rsplit("/login", 1)[0]]
        page.get_by_label("Code").fill(next_code(database, USERNAMES[role]))
        page.get_by_role("button", name="Inloggen").click()
