"""Every command of `flask --app outreach …`; each one's help says what it does and gives an example."""
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from .admin.backup import TABLES, dutch_number, dutch_size, make_backup
from .admin.register import markdown, missing
from .admin.retention import purge
from .core import audit
from .core.access import ROLES
from .core.accounts import create_user, email_problem, full_name_problem, username_problem
from .core.crypto import key_path
from .core.db import get_db
from .core.ready import open_database
from .core.passwords import password_problem
from .core.rotation import rotate_key
from .demo.seed import CODE_HINT, login_line, seed, write_logins
from .vocab import PURGED, person


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database in the instance folder (or bring an existing one up to date).

    \b
    Example:
      flask --app outreach init-db
    """
    open_database(create=True, upgrade=True)
    click.echo(f"Database klaar: {current_app.config['DATABASE']}")


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Apply the pending migrations of an existing database (after a backup; see the README's upgrade steps).

    \b
    Example:
      sudo -u straatwerk flask --app outreach migrate
    """
    names = open_database(upgrade=True)
    click.echo(f"Migraties toegepast: {', '.join(names)}." if names else "Geen migraties te doen.")
    click.echo(f"Database bij: {current_app.config['DATABASE']}")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(list(ROLES)), help="worker, cjg, manager of admin")
@click.option("--full-name", default=None, help="Volledige naam zoals collega's die zien, bijv. 'Sanne de Boer'.")
@click.option("--email", default=None, help="E-mailadres (niet verplicht).")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
def create_user_command(username, role, full_name, email, password_stdin):
    """Create an account USERNAME with a role; the password comes from a prompt or --password-stdin.

    \b
    Example:
      flask --app outreach create-user sanne --role cjg --full-name "Sanne de Boer" --email sanne@heerde.nl
    """
    problem = username_problem(username) or (full_name is not None and full_name_problem(full_name)) or \
        email_problem(email)
    if problem:
        raise click.ClickException(problem)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Herhaal wachtwoord")
    problem = password_problem(password, username)
    if problem:
        raise click.ClickException(problem)
    user_id = create_user(username, role, password, full_name=full_name, email=email)
    audit.record("create", "user", user_id, result=f"role {role}")
    click.echo(f"Gebruiker {username.strip().lower()} ({person(full_name, username.strip().lower(), role)}, "
               f"{ROLES[role]}) aangemaakt.")


@click.command("seed-demo")
@with_appcontext
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 1000),
              help="Vermenigvuldig wijken, jongeren en contacten (540 ≈ 1 miljoen contacten).")
@click.option("--seed", "seed_value", default=2026, show_default=True, type=int, help="Startwaarde van het toeval.")
@click.option("--end-date", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Laatste dag (standaard vandaag).")
@click.option("--ed-effect", default=0.9, show_default=True, type=click.FloatRange(0, 1),
              help="Kans dat een jongere die de ervaringsdeskundige nog niet sprak (nog) geen hulpvraag stelt; "
                   "0 = geen effect.")
def seed_demo_command(scale, seed_value, end_date, ed_effect):
    """Fill an empty database with a synthetic pilot year around Heerde and demo logins for every role.

    \b
    Example:
      flask --app outreach seed-demo --seed 2026 --end-date 2026-11-30
    """
    logins = seed(seed_value, scale, end_date.date() if end_date else None, ed_effect)
    path = write_logins(logins)
    click.echo(f"Demodata geladen (seed {seed_value}, schaal {scale}). Inloggegevens staan ook in {path}:")
    for login in logins:
        click.echo(f"  {login_line(*login)}")
    if any(login[3] for login in logins):
        click.echo(CODE_HINT)


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path())
@click.option("--force", is_flag=True, help="Overschrijf een bestaand bestand.")
def backup_command(path, force):
    """Copy the database to PATH (a folder: straatwerk-DATE-TIME.sqlite in it) while the app runs, then check it.

    \b
    Example:
      sudo -u straatwerk flask --app outreach backup /var/backups/straatwerk
    """
    path, size, counts = make_backup(path, force)
    click.echo(f"Back-up gemaakt: {path} ({dutch_size(size)}), integriteitscontrole ok.")
    width = max(len(name) for name in TABLES.values())
    for table, name in TABLES.items():
        click.echo(f"  {name:<{width}}  {dutch_number(counts[table]):>9}")
    # The keys stay out of the copy on purpose: a lost backup medium then shows no text; keep them apart.
    click.echo(f"Versleutelde tekst in deze back-up heeft sleutel {', '.join(counts['keys']) or '(geen)'} nodig "
               f"uit {key_path()}; bewaar dat bestand apart van de back-ups.")
    # By design (invariant 2): a backup outlives every close, so reporter details are never in one.
    click.echo("Gegevens van melders zitten nooit in een back-up (zie PRIVACY.md, Wissen van melders).")


@click.command("purge")
@with_appcontext
def purge_command():
    """Erase what has passed its retention term (free text, identifying details, inactive youths, old audit rows).

    \b
    Example (every night, from a systemd timer or cron):
      sudo -u straatwerk flask --app outreach purge
    """
    done = purge(get_db())
    click.echo("Opgeschoond: " + ", ".join(f"{PURGED.get(k, k)} {dutch_number(v)}" for k, v in done.items()))


@click.command("privacy-register")
@with_appcontext
@click.argument("path", default="PRIVACY.md")
def privacy_register_command(path):
    """Write the register of processing (every column: purpose, category, who sees it, term, ground) to PATH.

    \b
    Example:
      flask --app outreach privacy-register PRIVACY.md
    """
    gaps = missing(get_db())
    if gaps:
        raise click.ClickException(f"Kolommen zonder beschrijving in outreach/admin/register.py: {gaps}")
    with open(path, "w", encoding="utf-8") as out:
        out.write(markdown())
    click.echo(f"Register geschreven naar {path}.")


@click.command("rotate-key")
@with_appcontext
def rotate_key_command():
    """Re-encrypt every protected value under a new key and drop the old keys (back up the key file again after).

    \b
    Example:
      sudo -u straatwerk flask --app outreach rotate-key
    """
    key_id, old, counts, late = rotate_key()
    click.echo(f"Nieuwe sleutel {key_id}; {sum(counts.values()) + late} waarden opnieuw versleuteld:")
    for table, n in counts.items():
        click.echo(f"  {table:18} {n}")
    click.echo(f"Oude sleutels verwijderd: {', '.join(old)}. Maak nu een nieuwe back-up van {key_path().name}.")


COMMANDS = (init_db_command, migrate_command, create_user_command, seed_demo_command, backup_command, purge_command,
            privacy_register_command, rotate_key_command)


def init_app(app):
    """Register every command."""
    for command in COMMANDS:
        app.cli.add_command(command)
