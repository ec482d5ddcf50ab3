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

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from . import audit, reporter_store
from .db import connect, exists, get_db

# Every encrypted column of the database, in one place: a handoff's identifying details and text, free text.
ENCRYPTED = {
    "handoffs": ["full_name", "birth_date", "phone", "address", "reason", "facts", "summary", "decline_reason"],
    "concerns": ["worry", "facts"],
    "contacts": ["note"],
    "visits": ["note"],
    "handoff_events": ["text"],
    "spots": ["description"],
    "insights": ["text"],
    # The second factor's shared secret: with a copied database file alone, nobody can make valid codes.
    "users": ["totp_secret"],
}
# Reporter details, sealed the same way but kept in their own file (outreach/reporters.py), never in the database.
REPORTERS = {"concern_reporters": ["name", "reach"]}
COLUMNS = {**ENCRYPTED, **REPORTERS}
SEALED = re.compile(r"v1:([0-9a-f]{8}):([A-Za-z0-9_-]+=*)\Z")
KEY_ID = re.compile(r"[0-9a-f]{8}:")  # What follows 'v1:' in a sealed value.
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


def key_ids(conn, tables=ENCRYPTED):
    """The ids of the data keys that sealed values in these tables need (a table or column conn lacks, in a
    database an older release made, is skipped)."""
    present = {(table, column) for table, column in conn.execute(
        "select m.name, p.name from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table'")}
    found = set()
    for table, columns in tables.items():
        for column in [c for c in columns if (table, c) in present]:
            # Names from this module only: nothing typed reaches this SQL. One scan per column (see check_keys);
            # a binary range, not LIKE, which folds case and takes twice as long.
            sql = (f"SELECT DISTINCT substr({column}, 4, 9) FROM {table} "  # nosec B608
                   f"WHERE {column} >= 'v1:' AND {column} < 'v1;'")
            # Only real key ids: a legacy plain note that happens to start with 'v1:' names no key.
            found.update(row[0][:8] for row in conn.execute(sql) if KEY_ID.fullmatch(row[0]))
    return sorted(found)


def stored_key_ids():
    """The key ids that the database and the reporter store hold sealed values under."""
    database = current_app.config["DATABASE"]
    if not exists(database):  # Nothing sealed yet; init-db is about to make it.
        return []
    # A connection of its own: at start the pool would refuse a database that still waits for migrations, and
    # COLUMNS on it because before migration 0010 the reporters were still kept there.
    main = connect(database)
    try:
        found = set(key_ids(main.conn, COLUMNS))
    finally:
        main.close()
    side = reporter_store.path_for(database)
    if side.exists():
        store = reporter_store.connect(side)
        try:
            found.update(key_ids(store.conn, REPORTERS))
        finally:
            store.close()
    return sorted(found)


def restore_hint(path):
    """Where the key file comes from: the admin's own copy, since backups never hold keys (Dutch, for messages)."""
    return (f"Zet het sleutelbestand terug als {path}: de kopie van data-keys.json die de beheerder apart van de "
            "databaseback-ups bewaart (back-ups bevatten nooit sleutels; zie de README, Back-ups). Maak geen "
            "nieuw sleutelbestand: dan is de versleutelde tekst voorgoed onleesbaar.")


class KeyFileError(SystemExit):
    """Straatwerk refuses to start: the key file is missing or lacks a key that stored values need.

    A SystemExit, so the server (run.py) and every flask command stop with this Dutch message and exit code 1,
    without a traceback and before anything is read or written under a wrong key.
    """


def check_keys(app):
    """At start: refuse when values are sealed with a key id that the key file lacks, or the key file is missing.

    One DISTINCT scan per encrypted column, once per start: 0.5-0.75 s at the demo year's million contacts
    (contacts.note is most of it); no index is worth its cost on every save for that.
    """
    with app.app_context():
        needed = stored_key_ids()
        if not needed:
            return
        path = key_path()
        if not path.exists():
            raise KeyFileError(f"Straatwerk start niet: het sleutelbestand {path} ontbreekt, maar er zijn gegevens "
                               f"versleuteld met sleutel {', '.join(needed)}. {restore_hint(path)}")
        try:
            have = set(read_keyring(path)["keys"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise KeyFileError(f"Straatwerk start niet: het sleutelbestand {path} is niet te lezen "
                               f"({type(error).__name__}). {restore_hint(path)}") from None
        lacking = [key_id for key_id in needed if key_id not in have]
        if lacking:
            raise KeyFileError(f"Straatwerk start niet: het sleutelbestand {path} mist sleutel "
                               f"{', '.join(lacking)}, waarmee gegevens versleuteld zijn (het bestand heeft "
                               f"{', '.join(sorted(have)) or 'geen sleutels'}). {restore_hint(path)}")


def create_keyring(path):
    """First run: make the keyring, unless sealed values exist already (then their key file is lost)."""
    if stored_key_ids():
        raise RuntimeError(f"Sleutelbestand {path} ontbreekt, maar er zijn versleutelde gegevens. "
                           + restore_hint(path))
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
    """The associated data that binds a value to its column; refuses a column that is not encrypted."""
    if column not in COLUMNS.get(table, ()):
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


def decrypt(table, column, stored, ring=None, aad=None):
    """Open a sealed value of table.column; None and plain text from before encryption pass through unchanged.

    ring and aad: the keyring and associated(table, column), when the caller opens many values at once.
    """
    match = SEALED.match(stored) if isinstance(stored, str) else None
    if not match:
        return stored
    aad = aad or associated(table, column)
    cipher = (ring or keyring())[1].get(match[1])
    if cipher is None:
        raise DecryptionError(f"Sleutel {match[1]} ontbreekt in {key_path()}")
    try:
        body = base64.urlsafe_b64decode(match[2])
        return cipher.decrypt(body[:NONCE], body[NONCE:], aad).decode()
    except (binascii.Error, InvalidTag):  # The message names the column only: never anything of the content.
        raise DecryptionError(f"{table}.{column}: waarde is gewijzigd of hoort niet in deze kolom") from None


def seal(table, values):
    """A copy of a row's values with its encrypted columns sealed, for an insert or update."""
    columns = COLUMNS.get(table, ())
    return {k: encrypt(table, k, v) if k in columns else v for k, v in values.items()}


def unseal(table, row):
    """A copy of a row (or None) with its encrypted columns opened, for a page or a form."""
    if row is None:
        return None
    columns = COLUMNS[table]
    return {k: decrypt(table, k, v) if k in columns else v for k, v in dict(row).items()}


def unseal_all(table, rows):
    """unseal for a page of rows, opened in place: rows are dicts of the caller's own (db.query makes each anew).

    The keyring is looked up once (keyring() checks the key file on every call), and each column's associated
    data made once: a page's cost must not grow with its rows (bench/growth.py).
    """
    if not rows:
        return rows
    ring = keyring()
    # Only the sealed columns the page selected are touched (a list page selects one or two of them).
    for column in [c for c in COLUMNS[table] if c in rows[0]]:
        aad = associated(table, column)
        for row in rows:
            row[column] = decrypt(table, column, row[column], ring, aad)
    return rows


def sealed(table, rows):
    """Seal many rows on their way into insert_all (the demo seed)."""
    return (seal(table, row) for row in rows)


def save_sealed(table, object_type, values, row_id=None, **on_create):
    """audit.save with the values sealed inside its write transaction (see rotate_key_command for why)."""
    db = get_db()
    with db.atomic():
        return audit.save(table, object_type, seal(table, values), row_id, **on_create)


