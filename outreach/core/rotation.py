"""`rotate-key`: every protected value re-sealed under a new key, then the old keys dropped."""
from flask import current_app

from . import audit, reporters
from .crypto import ENCRYPTED, REPORTERS, decrypt, encrypt, key_path, keyring, new_key, read_keyring, write_keyring
from .db import fold_wal, get_db


def reseal(db, key_id, batch=2000, tables=ENCRYPTED):
    """Seal every value not yet under key_id (older keys, plain text) under it; returns the count per table."""
    counts = {}
    for table, columns in tables.items():
        # Only names from ENCRYPTED and a hex key id are put into the SQL; the values are parameters.
        todo = " or ".join(f"({c} is not null and {c} not like 'v1:{key_id}:%')" for c in columns)
        sql = f"select rowid, {', '.join(columns)} from {table} where rowid > ? and ({todo})"  # nosec B608
        update = f"update {table} set {', '.join(f'{c} = ?' for c in columns)} where rowid = ?"  # nosec B608
        # Batches in rowid order; a resealed row no longer matches, and `last` moves past it anyway.
        counts[table], last = 0, -2**63
        while rows := db.execute(sql + " order by rowid limit ?", [last, batch]).fetchall():
            for rowid, *values in rows:
                db.execute(update, [encrypt(table, c, decrypt(table, c, v)) for c, v in zip(columns, values)]
                           + [rowid])
                counts[table] += sum(v is not None for v in values)
            last = rows[-1][0]
    return counts


def reseal_everything(db, key_id, batch):
    """Reseal the database and the reporter store under key_id; call inside the database's write transaction.

    Every writer of the reporter store holds the database's write lock, so none seals with an old key
    meanwhile; the store commits first, which is harmless: the new key is already in the key file.
    """
    counts = reseal(db, key_id, batch)
    store = reporters.store()
    with store.atomic():
        return counts | reseal(store, key_id, batch, REPORTERS)


def rotate_key():
    """Seal everything under a new key and drop the old ones; returns (new key id, old key ids, count per table,
    count the second pass found)."""
    path, db, batch = key_path(), get_db(), current_app.config.get("RESEAL_BATCH", 2000)
    keyring()  # Makes the keyring on a fresh install, so there is an old key to rotate from.
    ring = read_keyring(path)
    old = sorted(ring["keys"])
    key_id = new_key(ring)
    write_keyring(path, ring)  # New key current, old ones kept: a crash from here on leaves every value readable.
    # Why dropping the old key below is safe while the app keeps serving: every seal happens inside the write
    # transaction that stores it (crypto.save_sealed, db.atomic around each encrypt), and the key file already
    # names the new key current. A value sealed under an old key was therefore committed before this
    # transaction could take the write lock, and is resealed here; a value sealed later uses the new key.
    with db.atomic():
        counts = reseal_everything(db, key_id, batch)
        audit.record("update", "keys", key_id, result=f"rotate: {sum(counts.values())} waarden", db=db)
    # A second pass for writers that do not follow that rule (an older server still running).
    with db.atomic():
        late = sum(reseal_everything(db, key_id, batch).values())
    write_keyring(path, {"current": key_id, "keys": {key_id: ring["keys"][key_id]}})
    fold_wal(db)  # Old ciphertexts leave the WAL too.
    return key_id, old, counts, late
