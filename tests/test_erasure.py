"""Invariant 2 under load: once a close, hand-over, purge or erasure has answered, no file in the instance folder
holds the reporter readable or decryptable, even while another process holds a read snapshot on the database."""
import base64
import binascii
import json
import re
import secrets
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import AuthActions
from outreach.core.crypto import COLUMNS, NONCE
from outreach.core.db import connect
from outreach.core.dates import now_local

SEALED_BYTES = re.compile(rb"v1:([0-9a-f]{8}):([A-Za-z0-9_-]+=*)")
# A reader in its own process, as a long report or a backup would be: it keeps its snapshot until told to stop.
READER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
print(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0], flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


@pytest.fixture
def canary():
    """A reporter's name and phone that occur nowhere else."""
    return {"name": f"Kanarie Melder {uuid.uuid4().hex[:10]}", "phone": f"06-{secrets.randbelow(10**8):08d}"}


@contextmanager
def read_snapshot(database):
    """A second process with `BEGIN; SELECT count(*) FROM audit_log;` open, so the WAL cannot be folded meanwhile."""
    reader = subprocess.Popen([sys.executable, "-c", READER, str(database)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip().isdigit()  # The snapshot is taken.
        yield reader
    finally:
        reader.communicate("\n", timeout=10)


def snapshot_still_held(database):
    """True when a checkpoint cannot copy every WAL frame: some reader still holds an older snapshot."""
    db = connect(database)
    try:
        busy, log, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        db.close()
    return copied < log


def keys_present(folder):
    """Every key in every key file in the folder (the current keyring and any other copy lying there)."""
    return [base64.urlsafe_b64decode(key) for path in Path(folder).glob("*.json")
            for key in json.loads(path.read_text())["keys"].values()]


def readable_copies(folder, canary):
    """Each place in the folder where the canary can be read: plain in some encoding, or by decrypting a sealed value.

    Every file's bytes are searched for the sealed format `v1:<key id>:<base64>`, and each value is tried with every
    key present and every table.column as associated data.
    """
    found, keys = [], keys_present(folder)
    aads = [f"{table}.{column}".encode() for table, columns in COLUMNS.items() for column in columns]
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        raw = path.read_bytes()
        for text in canary.values():
            found += [(path.name, encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be")
                      if text.encode(encoding) in raw]
        for match in SEALED_BYTES.finditer(raw):
            try:
                body = base64.urlsafe_b64decode(match[2])
            except (binascii.Error, ValueError):
                continue
            for key in keys:
                for aad in aads:
                    try:
                        plain = AESGCM(key).decrypt(body[:NONCE], body[NONCE:], aad).decode()
                    except (InvalidTag, ValueError):
                        continue
                    found += [(path.name, f"decrypts ({aad.decode()})") for text in canary.values() if text in plain]
    return found


def record_concern(auth, canary, youth_code="J-0001"):
    """The worker records a concern with the canary reporter through the real form; returns its id."""
    auth.login_role("worker")
    response = auth.post("/concerns/new", {
        "received_at": now_local().strftime("%Y-%m-%dT%H:%M"), "source": "friend",
        "reporter_name": canary["name"], "reporter_reach": canary["phone"], "youth_code": youth_code,
        "worry": "Blowt elke ochtend", "level": "high", "new_gender": "unknown"}, page="/concerns/new")
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def assert_readable_before(app, client, concern_id, canary):
    """Not vacuous: the recording worker sees the reporter, and the scan finds the sealed value it decrypts."""
    page = client.get(f"/concerns/{concern_id}").text
    assert canary["name"] in page and canary["phone"] in page
    folder = Path(app.config["DATABASE"]).parent
    assert {how for _, how in readable_copies(folder, canary)} == {"decrypts (concern_reporters.name)",
                                                                  "decrypts (concern_reporters.reach)"}


def assert_erased_while_read(app, canary):
    """Right after the answer, with the other process still reading: no readable or decryptable copy anywhere."""
    database = app.config["DATABASE"]
    assert snapshot_still_held(database)  # The reader really kept the WAL from being folded.
    assert readable_copies(Path(database).parent, canary) == []


def test_reporter_is_readable_by_the_recording_worker_until_the_close(app, auth, client, youth, canary):
    """Before any erase the reporter is there for the worker who recorded it (so the tests below are not vacuous)."""
    concern_id = record_concern(auth, canary)
    assert_readable_before(app, client, concern_id, canary)
    colleague = AuthActions(app.test_client())
    colleague.login_role("cjg")
    assert canary["name"] not in colleague.client.get(f"/cjg/").text


def test_closing_erases_the_reporter_from_every_file_while_another_process_reads(app, auth, client, youth, canary):
    """Close via the real route while a second process holds a read snapshot: nothing readable is left."""
    concern_id = record_concern(auth, canary)
    assert_readable_before(app, client, concern_id, canary)
    with read_snapshot(app.config["DATABASE"]):
        response = auth.post(f"/concerns/{concern_id}", {"status": "closed", "close_reason": "no_concern"},
                             page=f"/concerns/{concern_id}")
        assert response.status_code == 302
        assert_erased_while_read(app, canary)
    assert canary["name"] not in client.get(f"/concerns/{concern_id}").text


def test_handing_over_erases_the_reporter_from_every_file_while_another_process_reads(app, auth, client, query,
                                                                                        youth, canary):
    """Hand the youth over via the real route while a second process reads: the concern's reporter is gone."""
    concern_id = record_concern(auth, canary)
    assert_readable_before(app, client, concern_id, canary)
    url = f"/handoffs/new?youth={youth}"
    with read_snapshot(app.config["DATABASE"]):
        response = auth.post(url, {
            "concerns": [str(concern_id)], "submission": uuid.uuid4().hex, "reason": "Gebruik loopt uit de hand",
            "facts": "Spijbelt", "stage": "3", "urgency": "high", "consent": "yes", "full_name": "Daan de Vries",
            "birth_date": "2009-04-01", "summary": "Samenvatting"}, page=url)
        assert response.status_code == 302
        assert_erased_while_read(app, canary)
    assert query("select status from concerns") == [{"status": "handed_over"}]


def test_purge_of_an_inactive_youth_erases_the_reporter_while_another_process_reads(app, auth, client, youth, canary):
    """Purge with the youth's term due (three years on) while a second process reads: the reporter is gone."""
    from outreach.core.db import get_db
    from outreach.admin.retention import purge
    concern_id = record_concern(auth, canary)
    assert_readable_before(app, client, concern_id, canary)
    with read_snapshot(app.config["DATABASE"]):
        with app.app_context():
            done = purge(get_db(), now=datetime(now_local().year + 3, 1, 1))
        assert done["youths"] == 1
        assert_erased_while_read(app, canary)


def test_purge_sweeps_a_reporter_left_with_a_closed_concern_while_another_process_reads(app, auth, client, runner,
                                                                                        youth, canary):
    """A reporter whose concern was closed without its erase (an older version, a restore) goes at `purge`."""
    concern_id = record_concern(auth, canary)
    assert_readable_before(app, client, concern_id, canary)
    db = connect(app.config["DATABASE"])
    db.execute("update concerns set status = 'closed', closed_at = '2026-01-01 10:00' where id = ?", [concern_id])
    db.close()
    with read_snapshot(app.config["DATABASE"]):
        result = runner.invoke(args=["purge"])
        assert result.exit_code == 0 and "melders 1" in result.output
        assert_erased_while_read(app, canary)


def test_subject_erasure_erases_the_reporter_while_another_process_reads(app, auth, client, youth, canary):
    """The admin erases the youth on a lawful request while a second process reads: the reporter is gone."""
    concern_id = record_concern(auth, canary)
    assert_readable_before(app, client, concern_id, canary)
    admin = AuthActions(app.test_client())
    admin.login_role("admin")
    admin.subject_request(reason="wissen")
    with read_snapshot(app.config["DATABASE"]):
        response = admin.post("/admin/subject/J-0001/erase", {"ground": "Verzoek van de jongere", "confirm": "y"},
                              page="/admin/subject/J-0001")
        assert response.status_code == 302 and response.headers["Location"] == "/admin/subject/J-0001"
        assert_erased_while_read(app, canary)


def test_reporter_store_is_a_private_rollback_journal_file_with_secure_delete(app, auth, youth, canary):
    """The store's settings that the erasure relies on: no WAL, deleted cells overwritten, owner-only."""
    from outreach.core.reporters import path_for, store
    record_concern(auth, canary)
    with app.app_context():
        side = store()
        assert side.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert side.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert side.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert path_for(app.config["DATABASE"]).stat().st_mode & 0o777 == 0o600
    assert not Path(f"{path_for(app.config['DATABASE'])}-wal").exists()


def test_upgrade_moves_reporters_out_of_the_database_and_leaves_no_copy_in_its_files(tmp_path, canary):
    """Migration 0010 on a database of the previous release: the sealed rows move to the store, the old table and
    every page of it leave the database file and its WAL (folded at the first start)."""
    from conftest import make_app
    from outreach.core.crypto import encrypt
    from outreach.core.reporters import path_for
    from outreach.core.schema import migrations
    helper = make_app(tmp_path / "helper.sqlite")  # Only for the installation's key file (data-keys.json here).
    with helper.app_context():
        sealed = (encrypt("concern_reporters", "name", canary["name"]),
                  encrypt("concern_reporters", "reach", canary["phone"]))
    helper.extensions["outreach.db"].close_all()
    database = tmp_path / "straatwerk.sqlite"
    old = connect(database)  # The previous release: its schema, a reporter stored the way it stored them.
    migrations.apply(old, stop_before="0010_reporters_apart")
    old.execute("PRAGMA foreign_keys=OFF")  # Concern 7 itself does not matter here.
    old.execute("insert into concern_reporters values (7, ?, ?)", sealed)
    old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    old.close()
    assert sealed[0].encode() in database.read_bytes() and not path_for(database).exists()
    upgraded = make_app(database)
    try:
        with upgraded.app_context():
            from outreach.core import reporters
            assert reporters.get(7) == {"name": canary["name"], "reach": canary["phone"]}
        db = connect(database)
        assert db.execute("select count(*) from sqlite_master where name = 'concern_reporters'").fetchone()[0] == 0
        assert db.execute("select count(*) from meta where key = 'fold_wal'").fetchone()[0] == 0
        db.close()
        for name in (database, Path(f"{database}-wal")):
            if name.exists():
                raw = name.read_bytes()
                assert sealed[0].encode() not in raw and sealed[1].encode() not in raw, name.name
    finally:
        upgraded.extensions["outreach.db"].close_all()
