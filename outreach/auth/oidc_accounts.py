"""From the claims of a checked ID token to a Straatwerk account: role, full name, second factor, matching."""
import re
import secrets

from flask import current_app

from ..core import audit
from ..core.access import ROLES
from ..core.accounts import USERNAME, create_user
from ..core.db import get_db

# amr values (RFC 8176) that say the provider itself asked for more than a password.
MFA_AMR = frozenset({"mfa", "otp", "hwk"})


def claim(claims, path):
    """The value at a claim name, or a dotted path into nested claims (Keycloak's realm_access.roles)."""
    value = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def roles_from(claims):
    """The Straatwerk roles that the configured claim's values map to (a set: none, one, or several)."""
    value = claim(claims, current_app.config["OIDC_ROLE_CLAIM"])
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    mapping = current_app.config["OIDC_ROLES"]
    return {mapping[v] for v in values if isinstance(v, str) and mapping.get(v) in ROLES}


def full_name(claims):
    """The person's full name from the token: name, else given and family name; None when it says neither."""
    name = claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")]))
    return name.strip()[:200] if isinstance(name, str) and name.strip() else None


def used_mfa(claims):
    """True when the provider says this login used a second factor (amr, or one of the configured acr values)."""
    amr = claims.get("amr")
    amr = set(amr) if isinstance(amr, list) else set()
    return bool(amr & MFA_AMR) or claims.get("acr") in set(current_app.config["OIDC_MFA_ACR"])


def free_username(claims):
    """A username nobody has yet, from preferred_username/e-mail when they fit; it only names, never matches."""
    wish = claims.get("preferred_username") or claims.get("email") or ""
    base = re.sub(r"[^a-z0-9._-]", "", str(wish).split("@")[0].lower())[:34]
    if not USERNAME.fullmatch(base):
        base = "gemeente-" + secrets.token_hex(3)
    db = get_db()
    candidate, n = base, 1
    while db.execute("select 1 from users where username = ?", [candidate]).fetchone():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def linked_user(issuer, subject):
    """The users row linked to this issuer and subject, or None."""
    rows = list(get_db().query(
        "select users.* from oidc_accounts join users on users.id = oidc_accounts.user_id "
        "where oidc_accounts.issuer = ? and oidc_accounts.subject = ?", [issuer, subject]))
    return rows[0] if rows else None


def account_for(claims, role):
    """The account of this issuer + sub, made on first login; the role and name follow the token (audited)."""
    db = get_db()
    issuer, subject, name = claims["iss"], claims["sub"], full_name(claims)
    with db.atomic():
        row = linked_user(issuer, subject)
        if row is None:
            # A random password nobody knows: the account logs in through the provider only.
            user_id = create_user(free_username(claims), role, secrets.token_urlsafe(32))
            db["users"].update(user_id, {"full_name": name})
            db["oidc_accounts"].insert({"issuer": issuer, "subject": subject, "user_id": user_id,
                                        "created_at": audit.utcnow()})
            audit.record("create", "user", user_id, result=f"oidc role {role}", db=db)
        else:
            user_id = row["id"]
            if row["role"] != role:
                db["users"].update(user_id, {"role": role, "full_name": name})
                audit.record("update", "user", user_id, result=f"oidc role {row['role']} -> {role}", db=db)
            elif row["full_name"] != name:
                db["users"].update(user_id, {"full_name": name})
    return db["users"].get(user_id)
