"""Fixtures in the style of flaskr: app, client, runner, and a logged-in client per role.

Nothing here imports Playwright or axe: the browser fixtures live in tests/browser/conftest.py.
"""
import json
import os
import re
import shutil
import subprocess
import time

import pyotp
import pytest

from outreach import create_app
from outreach.core.accounts import create_user
from outreach.core.db import connect, get_db
from outreach.core.ready import open_database
from oidc_provider import oidc_app, oidc_provider  # noqa: F401 (fixtures: the real OpenID provider for the tests)

PASSWORDS = {"worker": "straat-werk-2026!", "cjg": "jeugd-en-gezin-2026", "manager": "pilot-evaluatie-26",
             "admin": "beheer-straatwerk-26"}
USERNAMES = {"worker": "werker", "cjg": "cjg", "manager": "manager", "admin": "beheerder"}
# Where each role lands after logging in (and from /): the worker's home, the inbox, the report, the users.
START = {"worker": "/", "cjg": "/cjg/", "manager": "/report/", "admin": "/admin/"}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# The roles that must use a second factor are enrolled in the template database with these known secrets.
TOTP_SECRETS = {"cjg": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "admin": "KRUGS4ZANFZSAYJAORSXG5BAMNXWIZLB"}
SECRET_OF = {USERNAMES[role]: secret for role, secret in TOTP_SECRETS.items()}


def csrf_token(html):
    """The CSRF token in a rendered page."""
    return CSRF.search(html).group(1)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated database with one account per role, made once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "straatwerk.sqlite"
    app = make_app(path, SECRET_KEY="test")
    with app.app_context():
        for role, username in USERNAMES.items():
            user_id = create_user(username, role, PASSWORDS[role])
            if role in TOTP_SECRETS:
                get_db()["users"].update(user_id, {"totp_secret": TOTP_SECRETS[role],
                                                   "totp_enrolled_at": "2026-01-01T08:00:00Z"})
    app.extensions["outreach.db"].close_all()
    db = connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def next_code(database, username, secret=None):
    """A code for a time step newer than the account's last used one (each code works once), waiting if need be."""
    db = connect(database)
    try:
        last = db.execute("select totp_last_step from users where username = ?", [username]).fetchone()[0]
    finally:
        db.close()
    while True:
        step = int(time.time() // 30)
        for candidate in (step, step + 1):  # Both stay valid if the server's clock ticks over meanwhile.
            if last is None or candidate > last:
                return pyotp.TOTP(secret or SECRET_OF[username]).generate_otp(candidate)
        time.sleep(30 - time.time() % 30 + 0.1)  # Two logins of one account in this step already: wait for the next.


def demo_app(template_db, folder):
    """An app on a copy of the template database with the demo year seeded up to today: (app, database path)."""
    from datetime import date

    from outreach.demo.seed import seed
    path = folder / "straatwerk.sqlite"
    shutil.copy(template_db, path)
    app = make_app(path)
    with app.app_context():
        seed(2026, 1, date.today())
    return app, path


def make_app(path, **config):
    """An app on the given database file with test settings, made or brought up to date as `init-db` does."""
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test-secret", **config})
    with app.app_context():
        open_database(create=True, upgrade=True)
    return app


@pytest.fixture
def app(template_db, tmp_path):
    """A fresh app on its own copy of the template database."""
    path = tmp_path / "straatwerk.sqlite"
    shutil.copy(template_db, path)
    app = make_app(path)
    yield app
    app.extensions["outreach.db"].close_all()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real login form (CSRF token included)."""

    def __init__(self, client):
        """Wrap a test client."""
        self.client = client

    def login(self, username="werker", password=None, next=None, second_factor=True):
        """Post the login form (and the code, for an enrolled test account); password defaults to the role's."""
        if password is None:
            password = PASSWORDS[{v: k for k, v in USERNAMES.items()}[username]]
        page = self.client.get("/login")
        url = "/login" + (f"?next={next}" if next else "")
        response = self.client.post(url, data={"username": username, "password": password,
                                               "csrf_token": csrf_token(page.text)})
        if second_factor and username in SECRET_OF and response.headers.get("Location") == "/login/code":
            return self.code(next_code(self.client.application.config["DATABASE"], username))
        return response

    def code(self, code):
        """Post the second-factor page with a code."""
        page = self.client.get("/login/code")
        return self.client.post("/login/code", data={"code": code, "csrf_token": csrf_token(page.text)})

    def login_role(self, role):
        """Log in as the test account of a role."""
        response = self.login(USERNAMES[role])
        assert response.status_code == 302, response.text
        return response

    def post(self, url, data=None, page="/", **kwargs):
        """POST with a CSRF token taken from a page the user can see."""
        token = csrf_token(self.client.get(page, follow_redirects=True).text)
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    def subject_request(self, code="J-0001", reference="AVG-2026-014", reason="inzage"):
        """As the admin: open a subject-access request for a youth (its reference and reason come first)."""
        return self.post("/admin/subject/", {"code": code, "reference": reference, "reason": reason},
                         page="/admin/subject/")

    def logout(self):
        """Press the logout button."""
        return self.post("/logout")


@pytest.fixture
def auth(client):
    """Login helpers for the client."""
    return AuthActions(client)


@pytest.fixture(params=list(USERNAMES))
def any_role(request, auth):
    """Run a test once per role, logged in as that role."""
    auth.login_role(request.param)
    return request.param


@pytest.fixture
def query(app):
    """Read the app's database directly (a separate connection), to check what was really stored."""
    return query_on(app)


def query_on(app):
    """A function that reads an app's database through its own connection: rows of one query as dicts."""
    def run(sql, params=()):
        """Rows of one query as dicts."""
        db = connect(app.config["DATABASE"])
        try:
            return [dict(r) for r in db.query(sql, params)]
        finally:
            db.close()
    return run


@pytest.fixture
def plain(app, query):
    """Like query, with the encrypted columns of one table opened (they are stored sealed, see outreach.core.crypto)."""
    from outreach.core.crypto import unseal

    def run(table, sql, params=()):
        """Rows of one query on table as dicts, decrypted."""
        with app.app_context():
            return [unseal(table, row) for row in query(sql, params)]
    return run


@pytest.fixture
def reporters(app):
    """Read the reporter store (reporters.sqlite beside the database) directly, like query does the database."""
    from outreach.core.reporters import connect as connect_store, path_for

    def run(sql="select * from concern_reporters", params=()):
        """Rows of one query on the reporter store as dicts."""
        store = connect_store(path_for(app.config["DATABASE"]))
        try:
            return [dict(r) for r in store.query(sql, params)]
        finally:
            store.close()
    return run


@pytest.fixture
def seed_rows(app):
    """Insert rows straight into the database (for known starting data); returns the new id.

    Reporter rows (concern_reporters) go where the app keeps them: the reporter store, not the database.
    """
    from outreach.core.reporters import connect as connect_store, path_for

    def insert(table, **values):
        """One row in table."""
        is_reporter = table == "concern_reporters"
        db = connect_store(path_for(app.config["DATABASE"])) if is_reporter else connect(app.config["DATABASE"])
        try:
            return db[table].insert(values).last_pk
        finally:
            db.close()
    return insert


@pytest.fixture
def worker_id(query):
    """The id of the test worker account."""
    return query("select id from users where username = 'werker'")[0]["id"]


@pytest.fixture
def named_worker(app, worker_id):
    """The test worker with a full name, as colleagues must see her: 'Sanne de Boer (straathoekwerker)'."""
    db = connect(app.config["DATABASE"])
    try:
        db["users"].update(worker_id, {"full_name": "Sanne de Boer"})
    finally:
        db.close()
    return "Sanne de Boer (straathoekwerker)"


@pytest.fixture
def spot(seed_rows, worker_id):
    """One active spot at the Heerde skatepark."""
    return seed_rows("spots", name="Skatebaan", kind="skatepark", lat=52.3905, lon=6.0330,
                     created_by=worker_id, created_at="2026-01-01T10:00:00Z")


@pytest.fixture
def youth(seed_rows, worker_id):
    """One youth, J-0001."""
    return seed_rows("youths", code="J-0001", alias="Rode pet", age_band="16-17", gender="male", stage=2,
                     created_by=worker_id, created_at="2026-01-01T10:00:00Z")


@pytest.fixture
def one_of_each(seed_rows, worker_id):
    """Row 1 in every table a URL can point at, owned by the test worker and saved just now."""
    insert_one_of_each(seed_rows, worker_id)


def insert_one_of_each(seed_rows, worker_id):
    """Insert one_of_each's rows with an insert(table, **values) function."""
    from outreach.core.audit import utcnow
    seed_rows("spots", name="Skatebaan", kind="skatepark", lat=52.39, lon=6.03, created_by=worker_id)
    seed_rows("youths", code="J-0001", alias="Pet", age_band="16-17", gender="male", created_by=worker_id)
    seed_rows("contacts", worker_id=worker_id, spot_id=1, contacted_at="2026-11-27 12:00", kind="street",
              youths_present=1, created_at=utcnow())
    seed_rows("visits", spot_id=1, worker_id=worker_id, visited_at="2026-11-27 12:00", youths_present=0,
              created_at=utcnow())
    seed_rows("concerns", youth_id=1, recorded_by=worker_id, received_at="2026-11-27 12:00", source="friend",
              worry="Zorgen", level="high", status="new")
    seed_rows("handoffs", youth_id=1, worker_id=worker_id, reason="Zorgen", facts="Feiten", stage=3,
              urgency="high", consent="yes", full_name="Test Jongere", summary="Samenvatting", status="sent",
              sent_at="2026-11-27 12:00")


def json_block(html, block_id):
    """The value of the page's <script type="application/json" id=block_id> (how maps get their data)."""
    found = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', html, re.S)
    assert found, f"no JSON block {block_id}"
    return json.loads(found.group(1))


def form_errors(html):
    """The Dutch error messages shown next to fields, in page order."""
    return re.findall(r'class="field-error"[^>]*>([^<]+)<', html)


@pytest.fixture
def small_disk(tmp_path, template_db):
    """A 3 MiB tmpfs holding a copy of the template database (needs root: CI runs as root, so it never skips)."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("CI must run as root to mount the small filesystem for the disk-full test")
        pytest.skip("mounting a tmpfs needs root (CI runs this test)")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    try:
        shutil.copy(template_db, mount / "straatwerk.sqlite")
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(folder):
    """Write a filler file until the filesystem refuses another byte; returns its path."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):  # Big blocks first, then the last partial block byte by byte.
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler
