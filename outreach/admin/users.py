"""The administrator's pages: accounts (list, create, deactivate, reset password or second factor)."""
import re
import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from ..core import audit, context
from ..core.access import ROLES, allow
from ..core.accounts import (SECOND_FACTOR_REQUIRED, clear_second_factor, create_user, email_problem,
                             full_name_problem, set_password, username_problem)
from ..core.db import get_db, get_or_404
from ..core.forms import Form
from ..vocab import person
from .backup import dutch_size

bp = Blueprint("admin", __name__, url_prefix="/admin")


def temporary_password():
    """A one-time password the user must replace at first login (4 groups, 19 characters)."""
    return "-".join(secrets.token_hex(2) for _ in range(4))


class PersonForm(Form):
    """Who the account belongs to, as colleagues see it: the full name, and an optional e-mail address."""
    full_name = StringField("Volledige naam", validators=[DataRequired("Vul de volledige naam in, zoals collega's die zien.")])
    email = StringField("E-mailadres (niet verplicht)")

    def validate_full_name(self, field):
        """Not empty, not too long."""
        problem = full_name_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_email(self, field):
        """Empty, or something that looks like an address."""
        problem = email_problem(field.data)
        if problem:
            raise ValidationError(problem)


class UserForm(PersonForm):
    """A new account: login name, full name, e-mail and role; the password is generated."""
    username = StringField("Gebruikersnaam", validators=[DataRequired("Vul een gebruikersnaam in.")])
    role = SelectField("Rol", choices=[SelectChoice("", "Kies een rol")] + [SelectChoice(k, v) for k, v in ROLES.items()],
                       validators=[DataRequired("Kies een rol.")])

    def validate_username(self, field):
        """Format and uniqueness, in Dutch."""
        problem = username_problem(field.data)
        if problem:
            raise ValidationError(problem)


def not_yourself(user_id, message):
    """Back to the list with message when the admin aims at their own account (a lock-out); else None."""
    if user_id == current_user.id:
        flash(message, "error")
        return redirect(url_for("admin.list_users"))
    return None


def get_user(user_id):
    """The users row or a 404."""
    return get_or_404("users", "id = ?", [user_id])


@bp.route("/")
@allow("admin")
def list_users():
    """All accounts with role, state and last login."""
    users = get_db()["users"].rows_where(order_by="active desc, role, username",
                                         select="id, username, role, active, last_login_at, must_change_password, "
                                                "totp_enrolled_at, full_name, email, exists(select 1 from oidc_accounts o "
                                                "where o.user_id = users.id) as oidc")
    return render_template("admin/users.html", users=list(users), roles=ROLES, form=Form(),
                           required=SECOND_FACTOR_REQUIRED, last_purge=last_run("purge"), last_backup=last_run("backup"),
                           ggd=context.read(get_db()))


COUNTS = re.compile(r" (\d+)")  # The numbers in a purge's audit result: 'notes 3, youths 1, …'.


def last_run(action):
    """The latest purge or backup in the audit log: (when, what it did in words), or None."""
    row = get_db().execute("select at, result from audit_log where action = ? order by id desc limit 1",
                           [action]).fetchone()
    if row is None:
        return None
    at, result = row
    if action == "purge":  # 'notes 3, youths 1, …': what was erased, counted.
        erased = sum(int(n) for n in COUNTS.findall(result or ""))
        return at, f"{erased} gegevens gewist"
    size = re.fullmatch(r"ok (\d+) bytes", result or "")
    return at, f"in orde, {dutch_size(int(size[1]))}" if size else "mislukt: integriteitscontrole"


@bp.route("/users/new", methods=["GET", "POST"])
@allow("admin")
def create_account():
    """Create an account with a one-time password, shown once."""
    form = UserForm()
    if form.validate_on_submit():
        password = temporary_password()
        user_id = create_user(form.username.data, form.role.data, password, must_change=True,
                              full_name=form.full_name.data, email=form.email.data)
        audit.record("create", "user", user_id, result=f"role {form.role.data}")
        return render_template("admin/password_once.html", user=get_user(user_id), password=password, new=True)
    return render_template("admin/user_form.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def edit_person(user_id):
    """Change an account's full name and e-mail address (the login name and role stay)."""
    user = get_user(user_id)
    form = PersonForm(data={"full_name": user["full_name"] or "", "email": user["email"] or ""})
    if form.validate_on_submit():
        with get_db().atomic() as db:
            db["users"].update(user_id, {"full_name": form.full_name.data.strip(),
                                         "email": (form.email.data or "").strip().lower() or None})
            audit.record("update", "user", user_id, result="name/e-mail", db=db)
        flash(f"Gegevens van {person(form.full_name.data.strip(), user['username'])} opgeslagen.", "success")
        return redirect(url_for("admin.list_users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@allow("admin")
def toggle_active(user_id):
    """Deactivate an account (its sessions end at once) or activate it again."""
    if refused := not_yourself(user_id, "Je kunt je eigen account niet uitschakelen."):
        return refused
    active = 1 if request.form.get("active") == "1" else 0  # The button says what it wants; twice is once.
    db = get_db()
    with db.atomic():
        user = get_user(user_id)
        if user["active"] != active:
            db["users"].update(user_id, {"active": active, "session_token": secrets.token_urlsafe(24)})
            audit.record("update", "user", user_id, result="activated" if active else "deactivated")
    flash(f"{person(user['full_name'], user['username'])} is {'weer actief' if active else 'uitgeschakeld'}.", "success")
    return redirect(url_for("admin.list_users"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@allow("admin")
def reset_password(user_id):
    """Give an account a new one-time password; its open sessions end."""
    if refused := not_yourself(user_id, "Je eigen wachtwoord wijzig je onder Account."):
        return refused
    password = temporary_password()
    with get_db().atomic():
        user = get_user(user_id)
        set_password(user_id, password, must_change=True)
        audit.record("update", "user", user_id, result="password reset")
    return render_template("admin/password_once.html", user=user, password=password)


@bp.route("/users/<int:user_id>/second-factor", methods=["POST"])
@allow("admin")
def reset_second_factor(user_id):
    """Remove an account's second factor (lost phone): its sessions end and it sets up a new one at next login."""
    if refused := not_yourself(user_id, "Je eigen tweestapsverificatie kan alleen een andere beheerder resetten."):
        return refused
    user = get_user(user_id)
    if user["totp_secret"] is None:
        flash(f"{person(user['full_name'], user['username'])} heeft geen tweestapsverificatie.", "info")
        return redirect(url_for("admin.list_users"))
    clear_second_factor(user_id, "second factor reset")
    later = "stelt die opnieuw in" if user["role"] in SECOND_FACTOR_REQUIRED else "kan die opnieuw instellen"
    name = person(user["full_name"], user["username"])
    flash(f"Tweestapsverificatie van {name} is gereset; {name} {later} bij het inloggen.", "success")
    return redirect(url_for("admin.list_users"))


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
