"""Encryption at rest: identifying details and free text are sealed per value with AES-GCM under a key kept in
instance/, so a copied database file shows no names; `rotate-key` moves everything to a new key.

A sealed value is text `v1:<key id>:<urlsafe base64 of nonce + ciphertext>` in the column's own TEXT field;
the table and column are the associated data, so a value moved to another column is refused. Plain text
written before encryption existed is read as is until `rotate-key` seals it.
"""
import base64
import binascii
import json
import os
import re
import secrets
import tempfile
from pathlib import Path

import click
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from flask.cli import with_appcontext

from . import audit
from .db import get_db

# Every encrypted column, in one place: a handoff's identifying details and text, reporter details, free text.
ENCRYPTED = {
    "handoffs": ["full_name", "birth_date", "phone", "address", "reason", "facts", "summary", "decline_reason"],
    "concern_reporters": ["name", "reach"],
    "concerns": ["worry", "facts"],
    "contacts": ["note"],
    "visits": ["note"],
    "handoff_events": ["text"],
    "spots": ["description"],
    "insights": ["text"],
    # The second factor's shared secret: with a copied database file alone, nobody can make valid codes.
    "users": ["totp_secret"],
}
SEALED = re.compile(r"v1:([0-9a-f]{8}):([A-Za-z0-9_-]+=*)\Z")
NONCE = 12  # 96 bits, random per value: AES-GCM's standard nonce size.
_rings = {}  # key file path -> (file identity, keyring); read again when rotate-key replaced the file.


class DecryptionError(ValueError):
    """A stored value that cannot be opened: changed, moved to another column, or its key is missing."""


def key_path():
    """The keyring file: DATA_KEY_FILE, else data-keys.json beside the database (in instance/ by default)."""
    config = current_app.config
    return Path(config.get("DATA_KEY_FILE") or Path(config["DATABASE"]).with_name("data-keys.json"))


def write_keyring(path, ring, replace=True):
    """Write the keyring owner-only and atomically (temp file, fsync, rename); replace=False never overwrites."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".data-keys-")  # mkstemp creates it 0600.
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(ring, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # Fails if another thread or process made the keyring first; theirs is kept.
    except FileExistsError:
        pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:  # The rename itself must survive a power cut: losing the keyring loses the data.
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def new_key(ring):
    """Add a fresh 256-bit key to the raw keyring dict and make it current; returns its id."""
    key_id = secrets.token_hex(4)
    while key_id in ring["keys"]:
        key_id = secrets.token_hex(4)
    ring["keys"][key_id] = base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()
    ring["current"] = key_id
    return key_id


def create_keyring(path):
    """First run: make the keyring, unless the database already holds sealed values (then its key file is lost)."""
    db = get_db()
    for table, columns in ENCRYPTED.items():
        where = " or ".join(f"{c} like 'v1:%'" for c in columns)
        if db.execute(f"select 1 from {table} where {where} limit 1").fetchone():  # nosec B608 - names, no input
            raise RuntimeError(f"Sleutelbestand {path} ontbreekt, maar de database bevat versleutelde gegevens; "
                               "zet het sleutelbestand terug uit de back-up.")
    ring = {"current": None, "keys": {}}
    new_key(ring)
    write_keyring(path, ring, replace=False)


def read_keyring(path):
    """The raw keyring dict as stored."""
    return json.loads(path.read_text())


def keyring():
    """The current key id and a cipher per key id; read again whenever the file changed (after rotate-key)."""
    path = key_path()
    if not path.exists():
        create_keyring(path)
    stat = path.stat()
    identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = _rings.get(path)
    if cached and cached[0] == identity:
        return cached[1]
    raw = read_keyring(path)
    ring = (raw["current"], {k: AESGCM(base64.urlsafe_b64decode(v)) for k, v in raw["keys"].items()})
    _rings[path] = (identity, ring)
    return ring


def associated(table, column):
    """The associated data that binds a value to its column; refuses a column that is not in ENCRYPTED."""
    if column not in ENCRYPTED.get(table, ()):
        raise KeyError(f"{table}.{column} is geen versleutelde kolom")
    return f"{table}.{column}".encode()


def encrypt(table, column, text):
    """Seal text for table.column under the current key; None stays None."""
    if text is None:
        return None
    aad = associated(table, column)
    key_id, ciphers = keyring()
    nonce = os.urandom(NONCE)
    body = nonce + ciphers[key_id].encrypt(nonce, str(text).encode(), aad)
    return f"v1:{key_id}:{base64.urlsafe_b64encode(body).decode()}"


def decrypt(table, column, stored):
    """Open a sealed value of table.column; None and plain text from before encryption pass through unchanged."""
    match = SEALED.match(stored) if isinstance(stored, str) else None
    if not match:
        return stored
    aad = associated(table, column)
    cipher = keyring()[1].get(match[1])
    if cipher is None:
        raise DecryptionError(f"Sleutel {match[1]} ontbreekt in {key_path()}")
    try:
        body = base64.urlsafe_b64decode(match[2])
        return cipher.decrypt(body[:NONCE], body[NONCE:], aad).decode()
    except (binascii.Error, InvalidTag):  # The message names the column only: never anything of the content.
        raise DecryptionError(f"{table}.{column}: waarde is gewijzigd of hoort niet in deze kolom") from None


def seal(table, values):
    """A copy of a row's values with its encrypted columns sealed, for an insert or update."""
    columns = ENCRYPTED.get(table, ())
    return {k: encrypt(table, k, v) if k in columns else v for k, v in values.items()}


def unseal(table, row):
    """A copy of a row (or None) with its encrypted columns opened, for a page or a form."""
    if row is None:
        return None
    columns = ENCRYPTED[table]
    return {k: decrypt(table, k, v) if k in columns else v for k, v in dict(row).items()}


def sealed(table, rows):
    """Seal many rows on their way into insert_all (the demo seed)."""
    return (seal(table, row) for row in rows)


def reseal(db, key_id, batch=2000):
    """Seal every value not yet under key_id (older keys, plain text) under it; returns the count per table."""
    counts = {}
    for table, columns in ENCRYPTED.items():
        # Only names from ENCRYPTED and a hex key id are put into the SQL; the values are parameters.
        todo = " or ".join(f"({c} is not null and {c} not like 'v1:{key_id}:%')" for c in columns)
        sql = f"select rowid, {', '.join(columns)} from {table} where rowid > ? and ({todo})"  # nosec B608
        update = f"update {table} set {', '.join(f'{c} = ?' for c in columns)} where rowid = ?"  # nosec B608
        counts[table], last = 0, 0
        while rows := db.execute(sql + " order by rowid limit ?", [last, batch]).fetchall():
            for rowid, *values in rows:
                db.execute(update, [encrypt(table, c, decrypt(table, c, v)) for c, v in zip(columns, values)]
                           + [rowid])
                counts[table] += sum(v is not None for v in values)
            last = rows[-1][0]
    return counts


@click.command("rotate-key")
@with_appcontext
def rotate_key_command():
    """Re-encrypt every protected value under a new key and drop the old keys (back up the key file again after)."""
    from .concerns import fold_wal  # Here, not on top: concerns imports this module.

    path, db = key_path(), get_db()
    keyring()  # Makes the keyring on a fresh install, so there is an old key to rotate from.
    ring = read_keyring(path)
    old = sorted(ring["keys"])
    key_id = new_key(ring)
    write_keyring(path, ring)  # New key current, old ones kept: a crash from here on leaves every value readable.
    with db.atomic():
        counts = reseal(db, key_id)
        audit.record("update", "keys", key_id, result=f"rotate: {sum(counts.values())} waarden", db=db)
    # A server still running may have sealed a value with the old key while this ran: catch it before dropping it.
    with db.atomic():
        late = sum(reseal(db, key_id).values())
    write_keyring(path, {"current": key_id, "keys": {key_id: ring["keys"][key_id]}})
    fold_wal(db)  # Old ciphertexts leave the WAL too.
    click.echo(f"Nieuwe sleutel {key_id}; {sum(counts.values()) + late} waarden opnieuw versleuteld:")
    for table, n in counts.items():
        click.echo(f"  {table:18} {n}")
    click.echo(f"Oude sleutels verwijderd: {', '.join(old)}. Maak nu een nieuwe back-up van {path.name}.")
