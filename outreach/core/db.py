"""The SQLite connection: one persistent connection per server thread (WAL, foreign keys, busy timeout)."""
import contextlib
import os
import sqlite3
import threading
from types import SimpleNamespace

import sqlite_utils
from flask import abort, current_app


# Applied to every connection; synchronous=FULL because a lost acknowledged write is a lost contact.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    # Deleted content (a reporter's name, purged free text) is overwritten, not left in free pages.
    "PRAGMA secure_delete=ON",
    # Reads straight from the OS page cache instead of copying through read() calls: the report at a million
    # contacts walks ~100 MB of roll-ups and indexes (see bench/report.py).
    "PRAGMA mmap_size=268435456",
    "PRAGMA cache_size=-32768",  # 32 MiB per connection (the default is 2 MiB)
)


class Database(sqlite_utils.Database):
    """sqlite-utils Database whose outermost atomic() takes the write lock up front and caches the schema's names."""

    def _names(self, kind):
        """Names of tables or views, read again only after the schema changed (any connection bumps its version)."""
        # sqlite-utils asks for these on every db[...] and insert; scanning sqlite_master each time was a fifth of
        # a saved contact's time (bench/field.py), while PRAGMA schema_version reads one header field.
        version = self.conn.execute("PRAGMA schema_version").fetchone()[0]
        cache = self.__dict__.get("_schema_names")
        if cache is None or cache[0] != version:
            cache = self._schema_names = (version, {})
        if kind not in cache[1]:
            cache[1][kind] = [r[0] for r in self.conn.execute(
                "select name from sqlite_master where type = ?", [kind]).fetchall()]
        return list(cache[1][kind])

    def table_names(self, fts4=False, fts5=False):
        """Table names, from the cache unless an FTS filter is asked for."""
        if fts4 or fts5:
            return super().table_names(fts4=fts4, fts5=fts5)
        return self._names("table")

    def view_names(self):
        """View names, from the cache."""
        return self._names("view")

    @contextlib.contextmanager
    def atomic(self):
        """Run a block in one transaction, begun IMMEDIATE so read-then-write never deadlocks."""
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            self.conn.execute("COMMIT")


def connect(path):
    """Open a Database on path in autocommit mode with the project's PRAGMAs."""
    if str(path) != ":memory:" and not os.path.exists(path):
        # Special-category data: the file (and the -wal/-shm SQLite gives the same mode) is the owner's only.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=5)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return Database(conn)


def exists(path):
    """Whether the database file is there (an in-memory one always is)."""
    return str(path) == ":memory:" or os.path.exists(path)


class ConnectionPool:
    """Keeps one connection per thread, because closing the last one checkpoints and drops the WAL."""

    def __init__(self, path, opener=connect, first=None):
        """Remember the database path and how to open it (first: how to open and check the first connection)."""
        self.path, self.opener, self.first = path, opener, first or opener
        self.local = threading.local()
        self.lock = threading.Lock()
        self.all = []
        self.ready = False  # Until the first connection was opened (and checked).

    def get(self):
        """Return this thread's connection, opening it on first use (the first one checks the database)."""
        db = getattr(self.local, "db", None)
        if db is None:
            # The first connection checks the database (main pool only); later ones trust that check.
            db = (self.opener if self.ready else self.first)(self.path)
            self.ready = True
            self.local.db = db
            with self.lock:
                self.all.append(db)
        return db

    def close_all(self):
        """Close every connection this pool opened (tests and shutdown)."""
        with self.lock:
            for db in self.all:
                db.close()
            self.all.clear()
        self.local = threading.local()


def get_db():
    """The Database for the current app and thread."""
    return current_app.extensions["outreach.db"].get()


class Listed(SimpleNamespace):
    """A list page's row as templates read it: `row.column` found at once (Jinja tries an attribute before a key,
    so a dict row pays a failed lookup for every column it prints); `row["column"]` still works in Python."""

    def __getitem__(self, key):
        """The column's value, as a dict row gives it."""
        return self.__dict__[key]


def listed(rows):
    """Rows (dicts or sqlite rows) as Listed, for a page that prints a column or more of each of many rows."""
    return [Listed(**row) for row in rows]


def get_or_404(table, where, params):
    """The first row of table matching where, or a 404 page."""
    rows = list(get_db()[table].rows_where(where, params, limit=1))
    if not rows:
        abort(404)
    return rows[0]


def end_request(exc=None):
    """Roll back anything a failed request left open, so the next request starts clean."""
    pool = current_app.extensions["outreach.db"]
    db = getattr(pool.local, "db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


def fold_wal(db):
    """After a purge or erasure, fold the WAL into the database and empty it, so old pages leave the disk.

    Returns whether it could; reporters never depend on it (they are not in this database, see reporters.py).
    """
    busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    if busy:  # Another connection is reading; the next purge or erasure folds it in.
        current_app.logger.warning("WAL-checkpoint na wissen uitgesteld (database bezig)")
    return not busy
