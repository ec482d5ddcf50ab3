"""Straatwerk: the street outreach worker's app, its CJG handoffs and the pilot evaluation."""
import os
import pwd
import secrets
from pathlib import Path

import click
from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

ROOT = Path(__file__).resolve().parent.parent


class SqliteInt(IntegerConverter):
    """<int:…> URL parts that fit SQLite's INTEGER; a larger number is simply a page that does not exist."""

    def __init__(self, map, *args, **kwargs):
        """Cap the value at SQLite's largest integer."""
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)
PDOK = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
csrf = CSRFProtect()


CONFIG_TEMPLATE = """# Straatwerk settings for this installation; never commit this file.
# Generated on first run. Changing SECRET_KEY logs everyone out.
SECRET_KEY = {key!r}

# Production behind an HTTPS reverse proxy (see README): Secure __Host- cookie, and the proxy's address, whose
# X-Forwarded-For/-Proto/-Host run.py (waitress) believes; nothing forwarded is believed from anyone else.
# HTTPS = True
# TRUSTED_PROXY = "127.0.0.1"
# Map tiles (the only outside requests a page makes):
# TILE_URL = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{{z}}/{{x}}/{{y}}.png"
# E-mail nudge to the CJG team on a new handoff (never any personal data in it):
# SMTP_HOST = "smtp.heerde.nl"; SMTP_PORT = 587; SMTP_STARTTLS = True; SMTP_USER = ""; SMTP_PASSWORD = ""
# SMTP_FROM = "straatwerk@heerde.nl"; CJG_TEAM_EMAIL = "cjg-team@heerde.nl"
# Idle timeout per role in seconds:
# IDLE_TIMEOUT = {{"worker": 7200, "cjg": 1800, "manager": 1800, "admin": 1800}}
"""


def ensure_config(instance_path, key=None):
    """Write instance/config.py with a (generated) secret key on first run (readable by the owner only)."""
    path = Path(instance_path) / "config.py"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(CONFIG_TEMPLATE.format(key=key or secrets.token_hex(32)))
    return path


def instance_folder():
    """The one instance folder: STRAATWERK_INSTANCE (the systemd unit sets it), else instance/ beside the code."""
    return os.path.abspath(os.environ.get("STRAATWERK_INSTANCE") or ROOT / "instance")


def check_owner(path):
    """Refuse to run as anyone but the owner of the instance folder: what they write, the service could not read."""
    owner = os.stat(path).st_uid
    if owner != os.geteuid():
        raise click.ClickException(
            f"De map {path} is van gebruiker {user_name(owner)}, maar u bent {user_name(os.geteuid())}. Voer "
            f"opdrachten uit als de eigenaar (sudo -u {user_name(owner)} …), anders worden bestanden die de app "
            "zelf niet kan lezen.")


def user_name(uid):
    """The login name of a uid, or the number when it has none."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def load_config(app):
    """instance/config.py (made on first run); a new instance keeps its key in memory until it has a database."""
    if os.path.exists(os.path.join(app.instance_path, "config.py")) or os.path.exists(app.config["DATABASE"]):
        app.config.from_pyfile(ensure_config(app.instance_path))
    else:  # Nothing is written into what may be the wrong folder: init-db (or the demo) writes config.py.
        app.config["SECRET_KEY"] = app.extensions["outreach.new_secret_key"] = secrets.token_hex(32)


def create_app(test_config=None):
    """Build the app: defaults, then instance/config.py (or test_config), then every capability."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_folder(),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    if test_config is None and os.path.isdir(app.instance_path):
        check_owner(app.instance_path)
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "straatwerk.sqlite"),
        # E-mail nudge to the CJG team on a new handoff (never any personal data in it):
# SMTP_HOST = "smtp.heerde.nl"; SMTP_PORT = 587; SMTP_STARTTLS = True; SMTP_USER = ""; SMTP_PASSWORD = ""
# SMTP_FROM = "straatwerk@heerde.nl"; CJG_TEAM_EMAIL = "cjg-team@heerde.nl"
# Idle timeout per role in seconds: a worker's round should not mean logging in at every spot.
        IDLE_TIMEOUT={"worker": 2 * 3600, "cjg": 1800, "manager": 1800, "admin": 1800},
        SESSION_ABSOLUTE_SECONDS=12 * 3600,  # One shift.
        PERMANENT_SESSION_LIFETIME=12 * 3600,
        SESSION_REFRESH_EACH_REQUEST=False,  # The cookie is rewritten only when the session changes.
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="straatwerk",
        HTTPS=False,  # True in production behind an HTTPS reverse proxy (see README).
        TRUSTED_PROXY=None,  # The reverse proxy's address (run.py hands it to waitress); None: nothing is forwarded.
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        WTF_I18N_ENABLED=False,
        HANDOFF_OVERDUE_WORKDAYS=2,  # A handoff not opened after this many working days is flagged on both sides.
        # Optional e-mail nudge to the CJG team on a new handoff (no personal data); off while SMTP_HOST is empty.
        SMTP_HOST="", SMTP_PORT=25, SMTP_STARTTLS=False, SMTP_USER="", SMTP_PASSWORD="",  # nosec B106 - empty default
        SMTP_FROM="straatwerk@localhost", CJG_TEAM_EMAIL="",  # Lets forms.Form use WTForms' bundled Dutch messages.
        TILE_URL=PDOK,  # Map tiles: the only outside requests a page makes (invariant 7).
        TILE_ATTRIBUTION="Kaartgegevens &copy; Kadaster / PDOK",
        PILOT_START=None,  # 'YYYY-MM' where the report's "Hele pilot" starts; by default the first month with data.
    )
    if test_config is None:
        load_config(app)
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(f"SECRET_KEY ontbreekt in {app.instance_path}/config.py")
    app.url_map.converters["int"] = SqliteInt
    # No ProxyFix here: waitress (run.py) takes X-Forwarded-* only from TRUSTED_PROXY's own connections, which a
    # middleware cannot check, and hands the app the client's address and scheme; a second pass would shift twice.
    if app.config["HTTPS"]:
        app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-straatwerk",
                          SESSION_COOKIE_PATH="/", PREFERRED_URL_SCHEME="https")

    from . import (access, admin, audit, auth, backup, cjg, concerns, contacts, crypto, db, demo, errors, forms,
                   handoffs, home, maps, offline, register, report, retention, spots, subject, twofactor, visits,
                   vocab, youths)
    db.init_app(app)
    crypto.check_keys(app)  # Refuse to start on a missing or wrong key file (exits with a Dutch message).
    access.init_app(app)  # Before CSRF, so an anonymous POST is sent to the login page like any request.
    csrf.init_app(app)
    app.add_template_global(forms.csrf_field)
    for module in (vocab, auth, errors, home, maps, spots, visits, contacts, youths, concerns, handoffs, cjg, report,
                   retention, audit, subject, register, twofactor, offline):
        module.init_app(app)
    app.register_blueprint(admin.bp)
    app.cli.add_command(demo.seed_demo_command)
    app.cli.add_command(crypto.rotate_key_command)
    app.cli.add_command(backup.backup_command)
    return app
