"""The SQLite connection: one persistent connection per server thread, schema applied as migrations."""
import contextlib
import os
import sqlite3
import threading

import click
from flask.cli import with_appcontext
import sqlite_utils
from flask import abort, current_app

from .schema import migrations

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


MIGRATE = "flask --app outreach migrate"


class NotReady(click.ClickException):
    """The database is missing or behind the code: refuse rather than make an empty one or change it unasked."""


def exists(path):
    """Whether the database file is there (an in-memory one always is)."""
    return str(path) == ":memory:" or os.path.exists(path)


def refuse_missing(path):
    """A command outside init-db never makes a new, empty database (e.g. in the wrong instance folder)."""
    raise NotReady(f"Er is geen database {path}. Staat STRAATWERK_INSTANCE op de instance-map van deze installatie? "
                   "Een nieuwe, lege database maakt alleen 'flask --app outreach init-db'.")


def refuse_pending(db, path):
    """Refuse a database whose schema waits for migrations: they run only when asked for (after a backup)."""
    names = [m.name for m in migrations.pending(db)]
    if names:
        raise NotReady(f"De database {path} wacht op {len(names)} migratie(s) ({', '.join(names)}). Maak eerst een "
                       f"back-up en voer dan uit: {MIGRATE}")


def open_checked(path):
    """Open the app's database, refusing a missing one or one whose migrations have not been run."""
    if not exists(path):
        refuse_missing(path)
    db = connect(path)
    try:
        refuse_pending(db, path)
    except NotReady:
        db.close()
        raise
    return db


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


def open_database(create=False, upgrade=False):
    """For a command that says so: make the file (init-db, the demo), migrate (migrate), or take it as it is (backup).

    Returns the names of the migrations applied. Any other use of get_db() refuses a missing or outdated database.
    """
    pool = current_app.extensions["outreach.db"]
    if not create and not exists(pool.path):
        refuse_missing(pool.path)
    if create and not exists(pool.path):
        from .. import ensure_config  # The package's own: the instance folder and its config.py come with the database.
        os.makedirs(os.path.dirname(os.path.abspath(pool.path)), mode=0o700, exist_ok=True)
        if "outreach.new_secret_key" in current_app.extensions:
            ensure_config(current_app.instance_path, current_app.extensions.pop("outreach.new_secret_key"))
    pool.ready = True
    db = get_db()
    names = []
    if upgrade:
        names = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
        fold_after_migrations(db)
    return names


def fold_after_migrations(db):
    """A migration that erased something (meta 'fold_wal') leaves old pages in the WAL: fold it in now, or at the
    next run of migrate when a reader holds it (the nightly purge folds it too)."""
    if db.execute("select 1 from meta where key = 'fold_wal'").fetchone():
        if not db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
            db.execute("delete from meta where key = 'fold_wal'")


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database in the instance folder (or bring an existing one up to date)."""
    open_database(create=True, upgrade=True)
    click.echo(f"Database klaar: {current_app.config['DATABASE']}")


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Apply the pending migrations of an existing database (after a backup; see the README's upgrade steps)."""
    names = open_database(upgrade=True)
    click.echo(f"Migraties toegepast: {', '.join(names)}." if names else "Geen migraties te doen.")
    click.echo(f"Database bij: {current_app.config['DATABASE']}")


def init_app(app):
    """Attach the connection pool (nothing opened yet: commands say what they need) and the database commands."""
    app.extensions["outreach.db"] = ConnectionPool(app.config["DATABASE"], first=open_checked)
    app.teardown_request(end_request)
    app.cli.add_command(init_db_command)
    app.cli.add_command(migrate_command)
