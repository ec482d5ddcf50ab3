"""Accounts as the login, the admin's user pages, the commands and the demo all need them."""
import re
import secrets

from . import audit
from .db import get_db
from .passwords import hash_password


USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")


# Roles that reach personal data of youths from the internet: a second factor is required (BIO2, ASVS L2).
SECOND_FACTOR_REQUIRED = frozenset({"cjg", "admin"})


def new_token():
    """A fresh random session token."""
    return secrets.token_urlsafe(24)


def username_problem(username):
    """A Dutch sentence saying what is wrong with a new username, or None."""
    if not USERNAME.fullmatch(username.strip().lower()):
        return "Gebruik 3 tot 40 tekens: kleine letters, cijfers, punt, streepje of liggend streepje."
    if find_user(username):
        return "Deze gebruikersnaam bestaat al."
    return None


def find_user(username):
    """The users row for a username (case-insensitive), or None."""
    rows = list(get_db()["users"].rows_where("username = ?", [username.strip().lower()], limit=1))
    return rows[0] if rows else None


def set_password(user_id, password, must_change):
    """Store a new password hash and rotate the session token, ending every open session."""
    get_db()["users"].update(user_id, {
        "password_hash": hash_password(password), "session_token": new_token(),
        "must_change_password": int(must_change), "password_changed_at": audit.utcnow(),
    })


def create_user(username, role, password, must_change=False, full_name=None, email=None):
    """Insert a new account and return its id."""
    now = audit.utcnow()
    # Name and address only when given: the upgrade test seeds a schema from before those columns existed.
    person = {"full_name": (full_name or "").strip() or None, "email": (email or "").strip().lower() or None}
    return get_db()["users"].insert({
        "username": username.strip().lower(), "password_hash": hash_password(password),
        "role": role, "active": 1, "session_token": new_token(),
        "must_change_password": int(must_change), "created_at": now, "password_changed_at": now,
        **{key: value for key, value in person.items() if value},
    }).last_pk


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)


def email_problem(email):
    """A Dutch sentence saying what is wrong with an e-mail address (empty is fine: it is optional), or None."""
    email = (email or "").strip()
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        return "Vul een e-mailadres in zoals naam@heerde.nl, of laat het leeg."
    return None


def full_name_problem(full_name):
    """A Dutch sentence saying what is wrong with a colleague's full name, or None."""
    name = (full_name or "").strip()
    if not name:
        return "Vul de volledige naam in, zoals collega's die zien."
    if len(name) > 80:
        return "Maximaal 80 tekens."
    return None


def clear_second_factor(user_id, result):
    """Remove a user's second factor and recovery codes and end their sessions (own switch-off or admin reset)."""
    db = get_db()
    with db.atomic():
        db.execute("update users set totp_secret = null, totp_enrolled_at = null, totp_last_step = null, "
                   "session_token = ? where id = ?", [new_token(), user_id])
        db.execute("delete from recovery_codes where user_id = ?", [user_id])
        audit.record("update", "user", user_id, result=result)
