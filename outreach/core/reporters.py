"""Reporter details (invariant 2): who raised a concern, kept outside the WAL database so erasing them is final.

The design in three sentences (PRIVACY.md says the same): a reporter's name and reach live only in
`straatwerk-reporters.sqlite` beside the database, a small SQLite file in rollback-journal mode (journal_mode=DELETE,
secure_delete=ON, synchronous=FULL, owner-only), sealed with the data key like every protected value.
A close, hand-over, purge or erasure deletes the row there inside the main write transaction and commits that
delete before the main commit: SQLite overwrites the row with zeros and unlinks the journal that briefly held
its page, and the WAL database (whose -wal file a long reader keeps alive) never held it, so once the request
answers no file under instance/ holds a readable or decryptable copy, whatever else is reading.
Not guaranteed: copies outside this folder and outside SQLite's reach (backups never hold this file, but a
copy of the whole folder does; freed filesystem blocks of the old journal; SSD wear levelling; swap).
"""
from flask import current_app

from . import audit
from .crypto import seal, unseal
from ..vocab import CLOSED_CONCERN as CLOSED  # A concern with one of these statuses keeps no reporter.
from .db import ConnectionPool
from .reporter_store import connect, path_for  # noqa: F401 (the store's own functions, for callers)


def store():
    """This thread's connection to the reporter store."""
    return current_app.extensions["outreach.reporters"].get()


def save(concern_id, name, reach):
    """Store a new concern's reporter; call inside the main write transaction that inserts the concern.

    A row a rolled-back concern left under the same id is replaced (or removed when there is no reporter),
    so a reporter never shows up under another concern.
    """
    side = store()
    with side.atomic():
        side.execute("delete from concern_reporters where concern_id = ?", [concern_id])
        if name or reach:
            values = seal("concern_reporters", {"concern_id": concern_id, "name": name, "reach": reach})
            side.execute("insert into concern_reporters (concern_id, name, reach) values (:concern_id, :name, "
                         ":reach)", values)


def get(concern_id):
    """The reporter of one concern as {name, reach}, opened, or None."""
    row = store().execute("select name, reach from concern_reporters where concern_id = ?", [concern_id]).fetchone()
    return unseal("concern_reporters", {"name": row[0], "reach": row[1]}) if row else None


def delete(concern_ids):
    """Delete the reporters of these concerns in one committed transaction of the store; returns the ids erased."""
    side, erased = store(), []
    with side.atomic():
        for concern_id in concern_ids:
            if side.execute("delete from concern_reporters where concern_id = ?", [concern_id]).rowcount:
                erased.append(concern_id)
    return erased


def erase(db, concern_ids):
    """Erase reporters inside the caller's main transaction, before its commit, and audit each; returns the count.

    The store commits first: if the main transaction then fails, the reporter is gone anyway (the safe side).
    """
    erased = delete(concern_ids)
    for concern_id in erased:
        audit.record("erase", "reporter", concern_id, db=db)
    return len(erased)


def sweep(db):
    """Erase reporters whose concern is closed, handed over or gone (a rolled-back insert); returns the count."""
    stored = [r[0] for r in store().execute("select concern_id from concern_reporters")]
    keep = {r[0] for r in db.execute(
        "select id from concerns where id in (select value from json_each(?)) and status not in (?, ?)",
        [f"[{','.join(map(str, stored))}]", *CLOSED])}
    return len(delete([c for c in stored if c not in keep]))


def move_from_main(db):
    """Migration: copy the main database's concern_reporters rows (sealed as they are) into the store."""
    main = next(r[2] for r in db.execute("PRAGMA database_list") if r[1] == "main")
    rows = db.execute("select concern_id, name, reach from concern_reporters").fetchall()
    if not main:  # An in-memory database (never in use) has no folder to keep a store in.
        return
    side = connect(path_for(main))
    try:
        with side.atomic():
            side.conn.executemany("insert or replace into concern_reporters (concern_id, name, reach) "
                                  "values (?, ?, ?)", rows)
    finally:
        side.close()


def init_app(app):
    """Attach the store's per-thread connections."""
    app.extensions["outreach.reporters"] = ConnectionPool(path_for(app.config["DATABASE"]), opener=connect)
