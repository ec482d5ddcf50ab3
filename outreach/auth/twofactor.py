"""Second-factor pages: the code step of logging in, enrolment by QR code, recovery codes, switching off."""
import re
import time

import pyotp
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired

from ..core import audit
from . import throttle
from ..core.access import ROLES, allow, public
from .login import PENDING_SECONDS, complete_login, start_session
from ..core.accounts import SECOND_FACTOR_REQUIRED, clear_second_factor, new_token
from ..core.crypto import encrypt, unseal
from ..core.db import get_db
from ..core.forms import Form
from .otp import new_recovery_codes, qr_svg, store_recovery_codes, use_code, use_recovery_code

bp = Blueprint("twofactor", __name__)
WRONG = "Deze code klopt niet of is al gebruikt. Typ de code die nu in je app staat."


class CodeForm(Form):
    """One code: six digits from the app, or a recovery code on the login step."""
    code = StringField("Code", validators=[DataRequired("Vul de code in.")])


class RenewForm(Form):
    """Confirm new recovery codes with a current code."""
    renew_code = StringField("Code uit je app", validators=[DataRequired("Vul de code uit je app in.")])


class OffForm(Form):
    """Confirm switching the optional second factor off with a current code."""
    off_code = StringField("Code uit je app", validators=[DataRequired("Vul de code uit je app in.")])


def pending_user():
    """The account whose password was right in this browser less than five minutes ago, else None."""
    pending = session.get("pending")
    if not isinstance(pending, dict) or not 0 <= time.time() - pending.get("at", 0) <= PENDING_SECONDS:
        return None
    rows = list(get_db()["users"].rows_where(  # Bound to the session token: logout or a reset ends the step.
        "id = ? and session_token = ? and active = 1 and totp_enrolled_at is not null",
        [pending.get("user"), pending.get("token")], limit=1))
    return rows[0] if rows else None


def locked(form, row, seconds):
    """Answer a throttled code attempt with 429, the wait in Dutch at the field, and an audit row."""
    audit.record("locked", "user", row["id"], result="refused")
    form.code.errors.append(throttle.message(seconds))
    return render_template("twofactor/verify.html", form=form), 429


@bp.route("/login/code", methods=["GET", "POST"])
@public
def verify():
    """The second login step: a code from the app or a recovery code; wrong codes count as failed logins."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    row = pending_user()
    if row is None:
        flash("De tijd voor de code is verlopen. Log opnieuw in." if session.pop("pending", None) else "Log eerst in.",
              "info")
        return redirect(url_for("auth.login"))
    form, ip = CodeForm(), request.remote_addr
    if form.validate_on_submit():
        wait, attempt = throttle.claim(row["username"], ip)
        if wait:
            return locked(form, row, wait)
        if use_code(row, form.code.data):
            how, left = "ok", None
        else:  # Not a current code: perhaps a recovery code (checked only when it looks like one).
            left = use_recovery_code(row["id"], form.code.data)
            how = None if left is None else "recovery code"
        if how:
            throttle.release(attempt)
            pending = session["pending"]  # The 12-hour limit counts from the password step.
            response = complete_login(row, pending.get("next"), how, login_at=pending["at"],
                                      extra=pending.get("extra"))
            if left is not None:
                flash(f"Je hebt een herstelcode gebruikt; je hebt er nog {left}. Nieuwe maak je onder Account.", "info")
            return response
        with get_db().atomic():
            throttle.fail(ip)
            audit.record("login failed", "user", row["id"], result="wrong code")
        wait = throttle.wait_seconds(row["username"], ip)
        if wait:
            return locked(form, row, wait)
        form.code.errors.append(WRONG)
    return render_template("twofactor/verify.html", form=form)


def enrolment_secret(user_id):
    """The secret being set up for this user: made once and kept, so reloading shows the same QR code."""
    db = get_db()
    if db["users"].get(user_id)["totp_secret"] is None:
        with db.atomic():  # Sealed under the write lock, so rotate-key cannot drop its key before the commit.
            db.execute("update users set totp_secret = ? where id = ? and totp_secret is null",
                       [encrypt("users", "totp_secret", pyotp.random_base32(32)), user_id])  # 160 bits (RFC 4226).
    return unseal("users", db["users"].get(user_id))


@bp.route("/account/2fa", methods=["GET", "POST"])
@allow(*ROLES)
def enrol():
    """Set up the second factor: scan the QR code (or type the key), confirm with a first code, get recovery codes."""
    row = get_db()["users"].get(current_user.id)
    if row["totp_enrolled_at"]:
        return status(row)
    row = enrolment_secret(row["id"])
    form = CodeForm()
    if form.validate_on_submit():
        if not use_code(row, form.code.data):
            form.code.errors.append("Deze code klopt niet. Staat de tijd op je telefoon goed? Typ de code die nu "
                                    "in de app staat.")
        else:
            codes, hashes = new_recovery_codes()
            db = get_db()
            with db.atomic():  # A new security level: other sessions of this account end.
                db["users"].update(row["id"], {"totp_enrolled_at": audit.utcnow(), "session_token": new_token()})
                store_recovery_codes(row["id"], hashes)
                audit.record("update", "user", row["id"], result="second factor enrolled")
            start_session(db["users"].get(row["id"]), login_at=session.get("login_at"))
            return render_template("twofactor/codes.html", codes=codes, first=True)
    uri = pyotp.TOTP(row["totp_secret"]).provisioning_uri(name=row["username"], issuer_name="Straatwerk")
    secret = " ".join(re.findall(".{1,4}", row["totp_secret"]))
    return render_template("twofactor/enrol.html", form=form, qr=qr_svg(uri), secret=secret)


def status(row, renew=None, off=None):
    """The page of an enrolled account: recovery codes left, new codes, and (when optional) switching off."""
    left = get_db().execute("select count(*) from recovery_codes where user_id = ? and used_at is null",
                            [row["id"]]).fetchone()[0]
    return render_template("twofactor/status.html", row=row, left=left, renew=renew or RenewForm(),
                           off=off or OffForm(), optional=row["role"] not in SECOND_FACTOR_REQUIRED)


@bp.route("/account/2fa/codes", methods=["POST"])
@allow(*ROLES)
def renew_codes():
    """New recovery codes (the old ones stop working), confirmed with a current code."""
    row = get_db()["users"].get(current_user.id)
    if not row["totp_enrolled_at"]:
        return redirect(url_for("twofactor.enrol"))
    form = RenewForm()
    if form.validate_on_submit():
        if use_code(row, form.renew_code.data):
            codes, hashes = new_recovery_codes()
            with get_db().atomic():
                store_recovery_codes(row["id"], hashes)
                audit.record("update", "user", row["id"], result="recovery codes renewed")
            return render_template("twofactor/codes.html", codes=codes, first=False)
        form.renew_code.errors.append(WRONG)
    return status(row, renew=form)


@bp.route("/account/2fa/off", methods=["POST"])
@allow(*ROLES)
def switch_off():
    """Switch the second factor off, only for roles where it is optional, confirmed with a current code."""
    row = get_db()["users"].get(current_user.id)
    if not row["totp_enrolled_at"] or row["role"] in SECOND_FACTOR_REQUIRED:
        flash("Voor jouw rol is tweestapsverificatie verplicht." if row["totp_enrolled_at"] else
              "Tweestapsverificatie staat al uit.", "error")
        return redirect(url_for("twofactor.enrol"))
    form = OffForm()
    if form.validate_on_submit():
        if use_code(row, form.off_code.data):
            clear_second_factor(row["id"], "second factor off")
            # The account's other sessions end; this one goes on under the new token.
            start_session(get_db()["users"].get(row["id"]), login_at=session.get("login_at"))
            flash("Tweestapsverificatie staat uit.", "success")
            return redirect(url_for("twofactor.enrol"))
        form.off_code.errors.append(WRONG)
    return status(row, off=form)


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
