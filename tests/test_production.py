"""The install as an administrator runs it: one instance folder (STRAATWERK_INSTANCE), commands only as its owner,
no new empty database but by init-db, migrations only on purpose, and an upgrade by the README's steps."""
import csv
import io
import os
import sqlite3
import subprocess
import sys
from datetime import date

import pytest

from conftest import PASSWORDS, csrf_token
from outreach import create_app
from outreach.core.accounts import create_user
from outreach.core import context, signals, youth_first
from outreach.core.crypto import ENCRYPTED, decrypt
from outreach.core.db import connect, get_db
from outreach.core.ready import open_database
from outreach.demo.seed import seed
from outreach.core.schema import migrations
from servers import Client, free_port, run_py, wait_for_port

LAST = migrations.pending(connect(":memory:"))[-1].name  # The newest migration: the previous release lacked it.
SEAL = "0011_seal_plain_values"  # The migration that seals values earlier releases kept in clear.
_NAMES = [m.name for m in migrations.pending(connect(":memory:"))]
SINCE_SEAL = ", ".join(_NAMES[_NAMES.index(SEAL):])  # What a release from before SEAL has still to apply.


def flask(instance, *args, cwd, stdin=None):
    """`flask --app outreach ARGS` in a fresh process on an instance folder, from another folder than the code."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "outreach", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "STRAATWERK_INSTANCE": str(instance)})


def applied(path):
    """The names of the migrations a database file says it has."""
    db = sqlite3.connect(path)
    try:
        return [r[0] for r in db.execute("select name from _sqlite_migrations order by id")]
    finally:
        db.close()


def test_a_command_pointed_at_an_empty_instance_makes_no_database(tmp_path):
    """The wrong folder (or a non-editable install's own): backup and rotate-key refuse, only init-db makes one."""
    instance = tmp_path / "instance"
    for command in (["backup", str(tmp_path)], ["rotate-key"], ["purge"], ["migrate"]):
        result = flask(instance, *command, cwd=tmp_path)
        assert result.returncode != 0 and "Er is geen database" in result.stderr, (command, result.stderr)
        assert "STRAATWERK_INSTANCE" in result.stderr
    assert not instance.exists()  # Not even the folder or a config.py.
    assert list(tmp_path.glob("straatwerk-*.sqlite")) == []  # No backup "with 0 rows".
    result = flask(instance, "init-db", cwd=tmp_path)
    assert result.returncode == 0 and (instance / "straatwerk.sqlite").exists(), result.stderr
    assert applied(instance / "straatwerk.sqlite")[-1] == LAST
    assert oct(instance.stat().st_mode & 0o777) == "0o700"
    assert oct((instance / "config.py").stat().st_mode & 0o777) == "0o600"


def test_a_command_run_by_another_user_than_the_owner_refuses(tmp_path):
    """Run as another user than the instance folder's owner (root too), a command refuses and writes nothing."""
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("This test needs root (to give a folder to another user); CI runs as root.")
        pytest.skip("needs root to chown a folder to another user")
    instance = tmp_path / "instance"
    assert flask(instance, "init-db", cwd=tmp_path).returncode == 0
    before = sorted(p.name for p in instance.iterdir())
    os.chown(instance, 65534, 65534)  # Now the service user's (here: nobody's) folder.
    result = flask(instance, "rotate-key", cwd=tmp_path)
    assert result.returncode != 0
    assert "is van gebruiker nobody, maar u bent root" in result.stderr and "sudo -u nobody" in result.stderr
    assert sorted(p.name for p in instance.iterdir()) == before  # No key file, no -wal made by root.
    log = tmp_path / "run.log"
    server = run_py(instance, "--port", str(free_port()), log=open(log, "w"))
    assert server.wait(timeout=60) == 1 and "is van gebruiker nobody" in log.read_text()
    os.chown(instance, 0, 0)
    assert flask(instance, "migrate", cwd=tmp_path).returncode == 0  # Its owner may.


def test_the_server_refuses_a_missing_database_and_pending_migrations(tmp_path):
    """run.py exits 1 with a Dutch reason instead of serving a new empty database or an outdated schema."""
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o700)
    log = tmp_path / "run.log"
    server = run_py(instance, "--port", str(free_port()), log=open(log, "w"))
    assert server.wait(timeout=60) == 1 and "Straatwerk start niet: Er is geen database" in log.read_text()
    assert not (instance / "straatwerk.sqlite").exists()
    old = connect(instance / "straatwerk.sqlite")
    migrations.apply(old, stop_before=LAST)
    old.close()
    server = run_py(instance, "--port", str(free_port()), log=open(log, "w"))
    assert server.wait(timeout=60) == 1
    assert f"wacht op 1 migratie(s) ({LAST})" in log.read_text() and "flask --app outreach migrate" in log.read_text()
    assert applied(instance / "straatwerk.sqlite")[-1] != LAST


def report_csv(app):
    """The pilot report's CSV for the demo year, as a manager downloads it."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "127.0.0.9"
    assert client.post("/login", data={"username": "pilot", "password": PASSWORDS["manager"],
                                       "csrf_token": csrf_token(client.get("/login").text)}).status_code == 302
    body = client.get("/report/export.csv", query_string={"van": "2025-12", "tot": "2026-11"}).get_data(as_text=True)
    return list(csv.reader(io.StringIO(body), delimiter=";"))


CJG_READ = ("cjg_news_at", "cjg_seen_at")


def previous_release(instance):
    """A database as a release before the sealing migration left it: the demo year, second-factor secrets and a
    few notes in clear (as earlier releases stored them); returns the plain secrets."""
    instance.mkdir(mode=0o700)
    (instance / "config.py").write_text("SECRET_KEY = 'upgrade-test'\n")
    old = connect(instance / "straatwerk.sqlite")
    migrations.apply(old, stop_before=SEAL)
    old.close()
    app = create_app({"DATABASE": str(instance / "straatwerk.sqlite"), "SECRET_KEY": "upgrade-test"})
    with app.app_context():
        open_database()  # As it is: the previous release's schema.
        # This code's demo and report use tables the previous release did not have (migrations 0018 and 0021):
        # stand-ins while it seeds and reads, dropped again so the upgrade makes and fills them itself.
        get_db().execute(context.TABLE)
        youth_first.install(get_db())
        # The demo's threads say when the CJG read the worker's answer (columns of migration 0016): stand-ins too.
        for column in CJG_READ:
            get_db().execute(f"alter table handoffs add column {column} text")  # noqa: S608 - names from CJG_READ
        seed(2026, 1, date(2026, 11, 27))
        create_user("pilot", "manager", PASSWORDS["manager"])
        db = get_db()
        secrets = {r["id"]: decrypt("users", "totp_secret", r["totp_secret"])
                   for r in db.query("select id, totp_secret from users where totp_secret is not null")}
        for user_id, secret in secrets.items():
            db.execute("update users set totp_secret = ? where id = ?", [secret, user_id])
        for contact in db.query("select id, note from contacts where note is not null limit 5"):
            db.execute("update contacts set note = ? where id = ?", [decrypt("contacts", "note", contact["note"]),
                                                                      contact["id"]])
        # This code's report reads roll-ups the previous release did not have (migration 0017): empty stand-ins
        # while it reads, so every figure that release had is compared (the new ones are filled by the upgrade).
        for statement in signals.TABLES:
            db.execute(statement)
        before = report_csv(app)
        for table in signals.EXPECTED:
            db.execute(f"drop table {table}")  # noqa: S608 - names from signals.EXPECTED only
        for name in youth_first.TRIGGERS:
            db.execute(f"drop trigger {name}")  # noqa: S608 - names from youth_first.TRIGGERS only
        db.execute("drop table report_youth_first")
        db.execute("drop table report_context")  # The administrator fills it in after the upgrade.
        for column in CJG_READ:
            db.execute(f"alter table handoffs drop column {column}")  # noqa: S608 - names from CJG_READ
    app.extensions["outreach.db"].close_all()
    return secrets, [row for row in before if row[0].lstrip("\ufeff") not in NEW_SECTIONS]


# Sections of the report made of roll-ups newer than the previous release (migration 0017_report_signals).
# The estimate of the group reads what the administrator enters (migration 0018): empty right after an upgrade.
NEW_SECTIONS = ("Wat de straathoekwerker ziet en hoort", "Inzet en kosten",
                "Omvang van de groep (schatting met de GGD-cijfers)")


def test_upgrade_by_the_readme_steps_keeps_every_figure_and_seals_every_secret(tmp_path):
    """Backup (never migrates), migrate, start: the report CSV is the same, every secret and note sealed, the
    server serves again, and the pre-upgrade backup is still the previous release's database."""
    instance = tmp_path / "instance"
    secrets, before = previous_release(instance)
    assert len(secrets) >= 3 and len(before) > 50
    database = instance / "straatwerk.sqlite"
    result = flask(instance, "backup", str(tmp_path), cwd=tmp_path)  # 1. Back up.
    assert result.returncode == 0, result.stderr
    (copy,) = tmp_path.glob("straatwerk-*.sqlite")
    assert SEAL not in applied(copy) and SEAL not in applied(database)  # The backup migrated nothing.
    result = flask(instance, "migrate", cwd=tmp_path)  # 4. Migrate (2./3.: stop, install: this code).
    assert result.returncode == 0 and f"Migraties toegepast: {SINCE_SEAL}." in result.stdout, result.stderr
    assert applied(database)[-1] == LAST
    db = connect(database)
    for table, columns in ENCRYPTED.items():
        for column in columns:  # Names from ENCRYPTED only.
            plain = db.execute(f"select count(*) from {table} where {column} not like 'v1:%'").fetchone()[0]
            assert plain == 0, f"{table}.{column}: {plain} values in clear"
    db.close()
    app = create_app({"DATABASE": str(database), "SECRET_KEY": "upgrade-test"})
    with app.app_context():
        stored = {r["id"]: r["totp_secret"] for r in get_db().query("select id, totp_secret from users")}
        assert {i: decrypt("users", "totp_secret", stored[i]) for i in secrets} == secrets
        after = report_csv(app)
        assert [row for row in after if row[0] not in NEW_SECTIONS] == before
        # The upgrade filled the new roll-ups from what was stored: the street figures are there.
        assert any(row[0] == NEW_SECTIONS[0] and row[3] not in ("0", "–") for row in after)
    app.extensions["outreach.db"].close_all()
    port, log = free_port(), tmp_path / "run.log"
    server = run_py(instance, "--port", str(port), log=open(log, "w"))  # 5. Start.
    try:
        wait_for_port(port, server, log)
        assert Client(f"http://127.0.0.1:{port}", "127.0.0.1").request("GET", "/login").status_code == 200  # 6.
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_make_run_on_a_fresh_clone_makes_the_demo_and_serves(tmp_path):
    """`run.py --demo` (what `make run` runs) on an empty instance writes config.py, makes and fills the database."""
    instance, port, log = tmp_path / "instance", free_port(), tmp_path / "run.log"
    instance.mkdir(mode=0o700)
    server = run_py(instance, "--demo", "--port", str(port), log=open(log, "w"))
    try:
        wait_for_port(port, server, log, seconds=120)
        assert Client(f"http://127.0.0.1:{port}", "127.0.0.1").request("GET", "/login").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert {"config.py", "straatwerk.sqlite", "demo-logins.txt"} <= {p.name for p in instance.iterdir()}
    assert "Demo-inloggegevens" in log.read_text() and applied(instance / "straatwerk.sqlite")[-1] == LAST


def test_a_port_in_use_gets_one_dutch_line_and_no_traceback(tmp_path):
    """Another program on the port: run.py says so in one Dutch line with the way out, and never claims to run."""
    import socket
    instance, log = tmp_path / "instance", tmp_path / "run.log"
    instance.mkdir(mode=0o700)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = run_py(instance, "--demo", "--port", str(port), log=open(log, "w"))
        assert server.wait(timeout=120) == 1
    said = log.read_text()
    assert f"Straatwerk start niet: poort {port} op 127.0.0.1 is niet te gebruiken" in said
    assert f"make run PORT={port + 1}" in said
    assert "Traceback" not in said and "draait op" not in said


def test_the_editable_install_prints_no_warning_box(tmp_path):
    """`make`'s `pip install -e .` (here into a folder of its own) builds without setuptools' warning box."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-v", "-e", root,
                           "--target", str(tmp_path / "site")], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    said = done.stdout + done.stderr  # -v: the build backend's own output too, where the box would stand.
    assert "Successfully installed straatwerk" in said
    assert "!!" not in said and "*" * 20 not in said and "BuildBackendWarning" not in said, said[-3000:]


def test_make_run_takes_a_port():
    """`make run PORT=5001` serves on that port (what make would run, without running it); 5000 without one."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    said = [subprocess.run(["make", "-n", "run", *extra], cwd=root, capture_output=True,
                           text=True, timeout=30).stdout for extra in (["PORT=5001"], [])]
    assert "run.py --demo --port 5001" in said[0] and "run.py --demo --port 5000" in said[1]
