"""Logging in and out, sessions that can be revoked, and changing one's password."""
import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from ..core import audit
from . import throttle
from ..core.access import HOMES, ROLES, allow, public, safe_next
from ..core.accounts import SECOND_FACTOR_REQUIRED, find_user, new_token, set_password
from ..core.db import get_db
from ..core.forms import Form
from ..core.passwords import hash_password, hasher, password_problem, verify_hash  # noqa: F401 (re-exported)

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
PENDING_SECONDS = 5 * 60  # Between password and code: at most five minutes.
OIDC_KEYS = ("oidc", "provider_mfa", "until")  # What an OpenID login adds to its session.


class User(UserMixin):
    """A logged-in account; its id in the session carries the session token so logout can revoke it."""

    def __init__(self, row):
        """Wrap a users row."""
        self.row = row
        self.id, self.username, self.role = row["id"], row["username"], row["role"]
        self.must_change_password = bool(row["must_change_password"])
        self.second_factor = bool(row["totp_enrolled_at"])

    @property
    def needs_enrolment(self):
        """True while the role requires a second factor that this account has not set up yet."""
        return self.role in SECOND_FACTOR_REQUIRED and not self.second_factor and not session.get("provider_mfa")

    def get_id(self):
        """Session id: user id and the current session token."""
        return f"{self.id}:{self.row['session_token']}"

    @property
    def role_label(self):
        """The Dutch name of the role."""
        return ROLES[self.role]


@login_manager.user_loader
def load_user(value):
    """Load an active user only when the session token in the cookie is still the current one."""
    user_id, _, token = value.partition(":")
    rows = list(get_db()["users"].rows_where(
        "id = ? and session_token = ? and active = 1", [user_id, token], limit=1))
    return User(rows[0]) if rows else None


def check_password(row, password):
    """True when password matches the row's hash; rehashes when the parameters were raised."""
    if not verify_hash(row["password_hash"] if row else None, password):
        return False
    if hasher.check_needs_rehash(row["password_hash"]):
        get_db()["users"].update(row["id"], {"password_hash": hash_password(password)})
    return True


def start_session(row, login_at=None, extra=None):
    """Log a user in with a clean session that records when it started (for the time limits).

    extra: what an OpenID login adds (oidc, provider_mfa, and "until": the ID token's end, never passed).
    """
    if extra is None and login_at:  # The same login goes on (new password, 2FA set up): its limits stay.
        extra = {key: session[key] for key in OIDC_KEYS if key in session}
    session.clear()
    login_user(User(row))
    session.permanent = True
    session["seen"] = time.time()
    session["login_at"] = login_at or session["seen"]
    session.update(extra or {})


def complete_login(row, target, how="ok", login_at=None, extra=None):
    """Every factor checked: forget the failures, audit, start the session and go to the page asked for."""
    with get_db().atomic():
        throttle.clear_account(row["username"])
        get_db()["users"].update(row["id"], {"last_login_at": audit.utcnow()})
        audit.record("login ok", "user", row["id"], result=how, actor=User(row))
    start_session(row, login_at, extra)
    return redirect(safe_next(target) or url_for(HOMES[row["role"]]))


def begin_second_factor(row, target, step="login password ok", extra=None):
    """First factor right, code still to come: a short-lived marker bound to the session token, not a login."""
    session.clear()
    session["pending"] = {"user": row["id"], "token": row["session_token"], "at": time.time(), "next": target,
                          "extra": extra}
    audit.record(step, "user", row["id"], result="code asked")
    return redirect(url_for("twofactor.verify"))


def refuse(form, row, seconds):
    """Answer a throttled attempt: 429, the wait in Dutch at the field, and an audit row."""
    audit.record("locked", "user", row["id"] if row else None, result="refused")
    form.password.errors.append(throttle.message(seconds))
    return render_template("auth/login.html", form=form), 429


class LoginForm(Form):
    """Username and password."""
    username = StringField("Gebruikersnaam", validators=[DataRequired("Vul je gebruikersnaam in.")])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul je wachtwoord in.")])


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the login form and check the password (then the code, when enrolled); every attempt is audited."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username, ip = form.username.data, request.remote_addr
        row = find_user(username)
        wait, attempt = throttle.claim(username, ip)
        if wait:
            check_password(None, form.password.data)  # Costs what a real check costs: the wait reveals nothing.
            return refuse(form, row, wait)
        if check_password(row, form.password.data) and row["active"]:
            throttle.release(attempt)
            if row["totp_enrolled_at"]:
                return begin_second_factor(row, request.args.get("next"))
            return complete_login(row, request.args.get("next"))
        with get_db().atomic():
            throttle.fail(ip)
            audit.record("login failed", "user", row["id"] if row else None, result="refused")
        wait = throttle.wait_seconds(username, ip)
        if wait:
            return refuse(form, row, wait)
        form.password.errors.append("Gebruikersnaam of wachtwoord klopt niet.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(*ROLES)
def logout():
    """End the session everywhere (the token rotates, so a copied cookie stops working) and clear the phone."""
    with get_db().atomic():
        get_db()["users"].update(current_user.id, {"session_token": new_token()})
        audit.record("logout", "user", current_user.id)
    at_provider = session.get("oidc")
    logout_user()
    session.clear()
    flash("Je bent uitgelogd.", "info")
    # Logged in at the municipality: its session ends too (oidc.end_session sends the browser there and back).
    response = redirect(url_for("oidc.end_session" if at_provider else "auth.login"))
    # The browser itself deletes the offline queue, cached pages and service worker, also without JavaScript;
    # offline.js wipes them too. Cookies are left: the session is already void, and the flash "uitgelogd" rides on it.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


class PasswordForm(Form):
    """Change one's own password."""
    current = PasswordField("Huidig wachtwoord", validators=[DataRequired("Vul je huidige wachtwoord in.")])
    new = PasswordField("Nieuw wachtwoord", validators=[DataRequired("Kies een nieuw wachtwoord.")])
    repeat = PasswordField("Herhaal nieuw wachtwoord", validators=[
        DataRequired("Herhaal het nieuwe wachtwoord."),
        EqualTo("new", "De twee nieuwe wachtwoorden zijn niet gelijk."),
    ])

    def validate_new(self, field):
        """Apply the password policy."""
        problem = password_problem(field.data, current_user.username)
        if problem:
            raise ValidationError(problem)
        if field.data == self.current.data:
            raise ValidationError("Kies een ander wachtwoord dan je huidige (of eenmalige) wachtwoord.")


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*ROLES)
def change_password():
    """Let a user change their own password; other sessions of theirs end. A municipal account has none here."""
    if get_db().execute("select 1 from oidc_accounts where user_id = ?", [current_user.id]).fetchone():
        return render_template("auth/password.html", form=None, municipal=True)
    form = PasswordForm()
    if form.validate_on_submit():
        row = get_db()["users"].get(current_user.id)
        if not check_password(row, form.current.data):
            form.current.errors.append("Dit is niet je huidige wachtwoord.")
        else:
            with get_db().atomic():
                set_password(row["id"], form.new.data, must_change=False)
                audit.record("update", "user", row["id"], result="password changed")
            # This session goes on under the new token, with the 12-hour limit still counting from the login.
            start_session(get_db()["users"].get(row["id"]), login_at=session.get("login_at"))
            flash("Je wachtwoord is gewijzigd.", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


def init_app(app):
    """Set up Flask-Login and register the blueprint and command."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log eerst in."
    app.register_blueprint(bp)
