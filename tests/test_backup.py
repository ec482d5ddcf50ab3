"""`flask --app outreach backup PATH`: online copy during writes, integrity check, audit row, and a tested restore."""
import os
import re
import shutil
import sqlite3
import stat
import threading
import time
from datetime import date

import pytest

from conftest import AuthActions, csrf_token, make_app
from outreach.core.crypto import KeyFileError, decrypt, key_path, keyring
from outreach.core.db import connect
from outreach.core.dates import now_local
from outreach.core.rollups import drift


def contact(note):
    """A minimal contact form with a marker in the note."""
    return {"contacted_at": now_local().strftime("%Y-%m-%dT%H:%M"), "kind": "street",
            "youths_present": "1", "note": note}


class Writer(threading.Thread):
    """Keeps saving contacts through the app (its own test client and thread) until stopped."""

    def __init__(self, app):
        """Log a worker in on a fresh client."""
        super().__init__(daemon=True)
        self.client = app.test_client()
        AuthActions(self.client).login_role("worker")
        self.token = csrf_token(self.client.get("/contacts/new").text)
        self.acked, self.failures, self.stop = [], [], threading.Event()

    def run(self):
        """Post contacts; a marker counts as acknowledged once the redirect came back."""
        n = 0
        while not self.stop.is_set():
            marker = f"backup-{n}"
            response = self.client.post("/contacts/new", data={**contact(marker), "csrf_token": self.token})
            if response.status_code == 302:
                self.acked.append(marker)
            else:
                self.failures.append((marker, response.status_code))
            n += 1


def notes(app, path):
    """The set of contact notes in a database file, opened with the app's data keys (notes are sealed at rest)."""
    conn = sqlite3.connect(path)
    try:
        with app.app_context():
            return {decrypt("contacts", "note", row[0]) for row in conn.execute("select note from contacts")}
    finally:
        conn.close()


def test_backup_during_writes_holds_every_acknowledged_contact(app, runner, tmp_path):
    """A backup taken while contacts are being saved has every one acknowledged before it began, consistently."""
    writer = Writer(app)
    writer.start()
    deadline = time.monotonic() + 30
    while len(writer.acked) < 30 and writer.is_alive() and not writer.failures and time.monotonic() < deadline:
        time.sleep(0.01)
    before = list(writer.acked)
    result = runner.invoke(args=["backup", str(tmp_path / "kopie.sqlite")])
    during = len(writer.acked)
    time.sleep(0.2)  # The writer keeps going after the backup: the app was not blocked by it.
    writer.stop.set()
    writer.join()
    assert result.exit_code == 0, result.output
    assert writer.failures == [] and len(writer.acked) > during
    copy = tmp_path / "kopie.sqlite"
    saved = notes(app, copy)
    assert set(before) <= saved
    assert saved <= set(writer.acked)  # Nothing half-written or invented.
    backup = connect(copy)
    try:
        assert backup.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert drift(backup) == {}  # Roll-ups match the rows: one snapshot, not a mix of moments.
    finally:
        backup.close()
    assert f"contactmomenten  {len(saved):>9}" in result.output
    with app.app_context():
        assert f"sleutel {keyring()[0]} nodig" in result.output  # The one key a restore needs, named.


def test_backup_is_private_single_file_and_audited(app, runner, tmp_path, query):
    """The copy is owner-only, has no -wal to forget, and the backup is in the audit log."""
    (tmp_path / "backups").mkdir()
    target = tmp_path / "backups" / "kopie.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Back-up gemaakt" in result.output and "integriteitscontrole ok" in result.output
    assert "accounts" in result.output and "auditregels" in result.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert [p.name for p in target.parent.iterdir()] == ["kopie.sqlite"]  # No -wal, -journal or temporary file.
    rows = query("select action, object_type, result, origin from audit_log where action = 'backup'")
    assert rows == [{"action": "backup", "object_type": "database", "result": f"ok {target.stat().st_size} bytes",
                     "origin": "cli"}]


def test_backup_into_a_folder_gets_a_new_dated_file_each_run(app, runner, tmp_path):
    """A folder as PATH: every run, also twice in one second, writes its own straatwerk-DATE-TIME file."""
    folder = tmp_path / "backups"
    folder.mkdir()
    outputs = [runner.invoke(args=["backup", str(folder)]) for _ in range(2)]
    assert [r.exit_code for r in outputs] == [0, 0], [r.output for r in outputs]
    files = sorted(p.name for p in folder.iterdir())
    today = date.today().isoformat()
    assert len(files) == 2 and all(re.fullmatch(rf"straatwerk-{today}-\d{{6}}(-2)?\.sqlite", f) for f in files), files
    assert all(f"Back-up gemaakt: {folder}/" in r.output for r in outputs)
    for name in files:  # Two whole copies, each with the four accounts.
        conn = sqlite3.connect(folder / name)
        assert conn.execute("select count(*) from users").fetchone()[0] == 4
        conn.close()


def test_backup_of_an_existing_file_suggests_a_folder(app, runner, tmp_path):
    """A dated file name given twice on one day is refused with a message that says how to keep both."""
    target = tmp_path / f"straatwerk-{date.today().isoformat()}.sqlite"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "geef een map op" in result.output


def test_backup_refuses_to_overwrite_without_force(app, runner, tmp_path):
    """An existing file is kept unless --force is given; the database itself is never a target."""
    target = tmp_path / "kopie.sqlite"
    target.write_text("oud")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "--force" in result.output
    assert target.read_text() == "oud"
    result = runner.invoke(args=["backup", "--force", str(target)])
    assert result.exit_code == 0, result.output
    assert notes(app, target) == set()
    result = runner.invoke(args=["backup", "--force", app.config["DATABASE"]])
    assert result.exit_code != 0 and "database zelf" in result.output
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_backup_fails_loudly_on_a_corrupt_database(tmp_path, template_db):
    """A damaged page makes the command fail with a non-zero code and leaves no file that looks like a backup."""
    path = tmp_path / "straatwerk.sqlite"
    shutil.copy(template_db, path)
    conn = sqlite3.connect(path)
    root = conn.execute("select rootpage from sqlite_master where name = 'users'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    app = make_app(path)
    app.extensions["outreach.db"].close_all()
    with open(path, "r+b") as f:  # Scribble over the accounts' cell pointers, as a failing disk would.
        f.seek((root - 1) * page_size + 8)
        f.write(b"\xff" * 8)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "kopie.sqlite")])
    app.extensions["outreach.db"].close_all()
    assert result.exit_code != 0
    assert "Integriteitscontrole van de kopie mislukt" in result.output
    assert not (tmp_path / "kopie.sqlite").exists()


def test_restore_gives_a_working_app_with_the_same_rows(app, runner, auth, client, tmp_path):
    """README restore: stop, copy the backup over the database, remove -wal/-shm, start: same rows, app works."""
    auth.login_role("worker")
    token = csrf_token(client.get("/contacts/new").text)
    for n in range(5):
        assert client.post("/contacts/new", data={**contact(f"voor-{n}"), "csrf_token": token}).status_code == 302
    backup = tmp_path / "backup.sqlite"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    client.post("/contacts/new", data={**contact("na-de-backup"), "csrf_token": token})
    database = app.config["DATABASE"]
    app.extensions["outreach.db"].close_all()  # Stop the service.
    shutil.copy(backup, database)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.remove(database + suffix)
    restored = make_app(database)  # Start.
    try:
        assert notes(restored, database) == {f"voor-{n}" for n in range(5)}
        new_client = restored.test_client()
        AuthActions(new_client).login_role("worker")
        page = new_client.get("/contacts/").text
        assert all(f"voor-{n}" in page for n in range(5)) and "na-de-backup" not in page
        token = csrf_token(new_client.get("/contacts/new").text)
        response = new_client.post("/contacts/new", data={**contact("na-herstel"), "csrf_token": token})
        assert response.status_code == 302
        assert notes(restored, database) == {f"voor-{n}" for n in range(5)} | {"na-herstel"}
        db = connect(database)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # Back to WAL on start.
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
    finally:
        restored.extensions["outreach.db"].close_all()


def test_restore_on_a_new_machine_needs_the_key_file(app, runner, auth, client, tmp_path):
    """The backup holds no keys: restored beside a copy of data-keys.json it reads, without it it refuses to start."""
    auth.login_role("worker")
    token = csrf_token(client.get("/contacts/new").text)
    assert client.post("/contacts/new", data={**contact("geheim"), "csrf_token": token}).status_code == 302
    assert runner.invoke(args=["backup", str(tmp_path / "backup.sqlite")]).exit_code == 0
    with app.app_context():
        keys = key_path()
    for name, with_keys in (("zonder", False), ("met", True)):
        machine = tmp_path / name
        machine.mkdir()
        shutil.copy(tmp_path / "backup.sqlite", machine / "straatwerk.sqlite")
        if not with_keys:  # Never a fresh key that would make the restored text unreadable for good.
            with pytest.raises(KeyFileError, match=f"sleutelbestand {machine / 'data-keys.json'} ontbreekt"):
                make_app(machine / "straatwerk.sqlite")
            assert not (machine / "data-keys.json").exists()
            continue
        shutil.copy(keys, machine / "data-keys.json")
        restored = make_app(machine / "straatwerk.sqlite")
        try:
            assert notes(restored, machine / "straatwerk.sqlite") == {"geheim"}
        finally:
            restored.extensions["outreach.db"].close_all()
