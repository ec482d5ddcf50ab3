"""The instance folder: where it is, who owns it, and the config.py with the secret key made on first run."""
import os
import pwd
import secrets
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent.parent
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
# Log in with the municipality's own account (OpenID Connect; see README, "Inloggen met het gemeente-account"):
# OIDC_ISSUER = "https://login.microsoftonline.com/<tenant-id>/v2.0"
# OIDC_CLIENT_ID = "..."; OIDC_CLIENT_SECRET = "..."; OIDC_SCOPES = "openid profile"
# OIDC_ROLE_CLAIM = "groups"
# OIDC_ROLES = {{"<group-id-straathoekwerk>": "worker", "<group-id-cjg>": "cjg", "<group-id-beleid>": "manager",
#               "<group-id-beheer>": "admin"}}
# OIDC_MFA_ACR = ()
# Pilot report: what a toeleiding costs (euros; the council memo names no amount), and inhabitants per GGD group
# (the default is an estimate for Heerde; put in the CBS figures of the municipality):
# REPORT_HOURLY_COST = 75; REPORT_PILOT_BUDGET = 90000
# REPORT_INHABITANTS = {{"pupils": 1300, "young_adults": 1200}}
# REPORT_INHABITANTS_SOURCE = "CBS, bevolking op 1 januari, leeftijden 12-17 en 18-23"
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
