"""Where the reporters' own file lives and how it is opened (reporters.py says why it is apart)."""
import os
import sqlite3
from pathlib import Path

from .db import Database


PRAGMAS = (
    # A rollback journal: a deleted row leaves no copy behind once its transaction ends (a WAL would keep it
    # for as long as any reader holds an older snapshot).
    "PRAGMA journal_mode=DELETE",
    "PRAGMA secure_delete=ON",  # The deleted cell and freed pages are overwritten with zeros.
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=5000",
)


def path_for(database):
    """The reporter store of a database: straatwerk.sqlite keeps its reporters in straatwerk-reporters.sqlite.

    Named after the database, so two databases in one folder (a test, a copy) never share reporters.
    """
    database = Path(database)
    return database.with_name(f"{database.stem}-reporters.sqlite")


def connect(path):
    """Open (and if need be create, owner-only) the reporter store with its PRAGMAs and its one table."""
    if not os.path.exists(path):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # The journal takes this file's mode.
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=5)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute("create table if not exists concern_reporters (concern_id integer primary key, name text, "
                 "reach text)")
    return Database(conn)
