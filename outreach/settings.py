"""The app's settings: defaults here, then instance/config.py (made on first run) or a test's own mapping."""
import os
import secrets

from werkzeug.routing import IntegerConverter

from .core.instance import ensure_config

PDOK = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"


def defaults(instance_path):
    """Every setting's default; instance/config.py overrides them (its generated text lists the common ones)."""
    return dict(
        DATABASE=os.path.join(instance_path, "straatwerk.sqlite"),
        # A worker's round should not mean logging in at every spot.
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
        WTF_I18N_ENABLED=False,  # Lets forms.Form use WTForms' bundled Dutch messages.
        CONCERN_REMINDER_DAYS=14,  # A concern still 'nieuw' or 'in onderzoek' after this many days is flagged.
        HANDOFF_OVERDUE_WORKDAYS=2,  # A handoff not opened after this many working days is flagged on both sides.
        # Optional e-mail nudge to the CJG team on a new handoff (no personal data); off while SMTP_HOST is empty.
        SMTP_HOST="", SMTP_PORT=25, SMTP_STARTTLS=False, SMTP_USER="", SMTP_PASSWORD="",  # nosec B106 - empty default
        SMTP_FROM="straatwerk@localhost", CJG_TEAM_EMAIL="",
        TILE_URL=PDOK,  # Map tiles: the only outside requests a page makes (invariant 7).
        TILE_ATTRIBUTION="Kaartgegevens &copy; Kadaster / PDOK",
        PILOT_START=None,
        # Log in with the municipality's own account (OpenID Connect); off while OIDC_ISSUER is empty (see README).
        OIDC_ISSUER="", OIDC_CLIENT_ID="", OIDC_CLIENT_SECRET="",  # nosec B106 - empty default
        OIDC_SCOPES="openid profile",
        OIDC_ROLE_CLAIM="groups",  # A claim of the ID token; a dotted path reaches inside (realm_access.roles).
        OIDC_ROLES={},  # Value in that claim (group id, app role) -> worker/cjg/manager/admin.
        OIDC_MFA_ACR=(),  # acr values that mean the provider asked for a second factor (amr mfa/otp/hwk always do).
        # Pilot report, what a toeleiding costs: hours on ended rounds × this hourly rate (euros, the worker's
        # integral cost), and/or the pilot's budget (euros) ÷ toeleidingen. The memo names no amount: empty
        # until the municipality fills them in, and the report says so.
        REPORT_HOURLY_COST=None, REPORT_PILOT_BUDGET=None,
        OIDC_LEEWAY=60,  # Seconds of clock difference allowed on the ID token's exp and iat.  # 'YYYY-MM' where the report's "Hele pilot" starts; by default the first month with data.
    )


def load_config(app):
    """instance/config.py (made on first run); a new instance keeps its key in memory until it has a database."""
    if os.path.exists(os.path.join(app.instance_path, "config.py")) or os.path.exists(app.config["DATABASE"]):
        app.config.from_pyfile(ensure_config(app.instance_path))
    else:  # Nothing is written into what may be the wrong folder: init-db (or the demo) writes config.py.
        app.config["SECRET_KEY"] = app.extensions["outreach.new_secret_key"] = secrets.token_hex(32)


def https(app):
    """Behind an HTTPS proxy: a Secure __Host- cookie and https URLs."""
    if app.config["HTTPS"]:
        app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-straatwerk",
                          SESSION_COOKIE_PATH="/", PREFERRED_URL_SCHEME="https")


class SqliteInt(IntegerConverter):
    """<int:…> URL parts that fit SQLite's INTEGER; a larger number is simply a page that does not exist."""

    def __init__(self, map, *args, **kwargs):
        """Cap the value at SQLite's largest integer."""
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)
