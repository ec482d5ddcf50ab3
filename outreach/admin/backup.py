"""`backup PATH`: a consistent copy of the live database by SQLite's online backup API, checked before it counts."""
import os
import sqlite3
from datetime import datetime
from pathlib import Path

import click
from flask import current_app

from ..core import audit
from ..core.crypto import key_ids
from ..core.db import get_db
from ..core.ready import open_database

EXISTS = ("{path} bestaat al; gebruik --force om het te overschrijven, of geef een map op: dan krijgt elke back-up "
          "een eigen naam met datum en tijd.")

# The tables an administrator recognises, with their Dutch names, in the order the summary prints them.
TABLES = {
    "users": "accounts", "spots": "hangplekken", "visits": "bezoeken", "contacts": "contactmomenten",
    "youths": "jongeren", "concerns": "zorgmeldingen", "handoffs": "overdrachten", "audit_log": "auditregels",
}


def dutch_number(n):
    """An integer with Dutch thousands separators: 12.345."""
    return f"{n:,}".replace(",", ".")


def dutch_size(size):
    """A file size in kB or MB with a decimal comma."""
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} kB".replace(".", ",")
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def new_private_file(directory, name):
    """Create an empty owner-only file next to the target; the caller renames it into place when it is good."""
    for n in range(100):
        candidate = directory / f".{name}.{os.getpid()}.{n}.tmp"
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return candidate
        except FileExistsError:
            continue
    raise click.ClickException(f"Kan geen tijdelijk bestand maken in {directory}.")


def copy_database(source, target):
    """Copy the live database into target in one backup step and return the copy's integrity_check answer."""
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        # One step (pages=-1) reads one snapshot: WAL lets writers go on, and a stepwise copy would
        # restart each time another connection commits.
        source.backup(dest, pages=-1)
        # The copy is a self-contained file: no -wal beside it to forget when it is moved to other media.
        dest.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in dest.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            return problems, {}
        counts = {table: dest.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # nosec B608 - TABLES
                  for table in TABLES}
        counts["keys"] = key_ids(dest)
    except sqlite3.DatabaseError as error:  # A page so damaged that SQLite refuses to read on.
        return [str(error)], {}
    finally:
        dest.close()
    with open(target, "rb+") as f:
        os.fsync(f.fileno())  # On disk before it is called a backup.
    return problems, counts


def dated_name(directory):
    """A new file name in directory with the date and time: a second backup on one day gets its own file."""
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    for n in range(1, 100):
        path = directory / (f"straatwerk-{stamp}.sqlite" if n == 1 else f"straatwerk-{stamp}-{n}.sqlite")
        if not path.exists():
            return path
    raise click.ClickException(f"Kan geen nieuwe bestandsnaam maken in {directory}.")


def make_backup(path, force=False):
    """Back the app's database up to path (a folder: a dated file in it); returns (path, size, counts)."""
    path = Path(path)
    if path.is_dir():
        path = dated_name(path)
    database = Path(current_app.config["DATABASE"])
    if path.resolve() in {database.resolve(), Path(f"{database}-wal").resolve(), Path(f"{database}-shm").resolve()}:
        raise click.ClickException("Het doel is de database zelf; kies een ander bestand.")
    if not path.parent.is_dir():
        raise click.ClickException(f"Map bestaat niet: {path.parent}")
    if path.exists() and not force:
        raise click.ClickException(EXISTS.format(path=path))
    open_database()  # As it is: a backup never makes a database and never migrates one (the upgrade's step 1).
    db = get_db()
    temporary = new_private_file(path.parent, path.name)
    try:
        problems, counts = copy_database(db.conn, temporary)
        if problems != ["ok"]:
            audit.record("backup", "database", None, result="integrity_check failed", db=db)
            raise click.ClickException("Integriteitscontrole van de kopie mislukt; de database zelf is mogelijk "
                                       "beschadigd (er is geen back-up geschreven):\n  " + "\n  ".join(problems[:20]))
        if force:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # Fails if someone created path meanwhile: never overwrite without --force.
    except FileExistsError:
        raise click.ClickException(EXISTS.format(path=path)) from None
    finally:
        temporary.unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # The new name survives a power cut too.
    finally:
        os.close(directory)
    size = path.stat().st_size
    audit.record("backup", "database", None, result=f"ok {size} bytes", db=db)
    return path, size, counts


