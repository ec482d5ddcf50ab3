"""A database the app may use: made or migrated only when a command asks, refused otherwise (missing, behind)."""
import os

import click
from flask import current_app

from .db import ConnectionPool, connect, end_request, exists, get_db
from .instance import ensure_config
from .schema import migrations


MIGRATE = "flask --app outreach migrate"


class NotReady(click.ClickException):
    """The database is missing or behind the code: refuse rather than make an empty one or change it unasked."""


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


def open_database(create=False, upgrade=False):
    """For a command that says so: make the file (init-db, the demo), migrate (migrate), or take it as it is (backup).

    Returns the names of the migrations applied. Any other use of get_db() refuses a missing or outdated database.
    """
    pool = current_app.extensions["outreach.db"]
    if not create and not exists(pool.path):
        refuse_missing(pool.path)
    if create and not exists(pool.path):
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


def init_app(app):
    """Attach the connection pool (nothing opened yet: commands say what they need) and the database commands."""
    app.extensions["outreach.db"] = ConnectionPool(app.config["DATABASE"], first=open_checked)
    app.teardown_request(end_request)
