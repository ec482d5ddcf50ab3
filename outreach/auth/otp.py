"""The second factor's parts: TOTP codes that work once, hashed one-time recovery codes, the QR code as SVG."""
import hmac
import re
import secrets
import time

import pyotp
import segno
from markupsafe import Markup

from ..core import audit
from ..core.crypto import decrypt
from ..core.db import get_db
from ..core.passwords import hash_password, verify_hash

STEP = 30  # RFC 6238 time step in seconds; a code is accepted one step early or late (clock drift).
RECOVERY_COUNT, RECOVERY_ALPHABET = 10, "abcdefghjkmnpqrstuvwxyz23456789"  # No 0/o, 1/l/i to misread.
SIX_DIGITS, RECOVERY = re.compile(r"\d{6}"), re.compile(r"[a-z0-9]{10}")


def now():
    """The time for TOTP steps (a function, so tests can pick the moment; session times use the real clock)."""
    return time.time()


def compact(typed):
    """The typed code without spaces and dashes, lower case (people copy codes in groups)."""
    return re.sub(r"[\s-]", "", typed or "").lower()


def matching_step(secret, typed, last_step):
    """The time step (now ±1) whose code was typed, when it is newer than the last one used; else None."""
    code = compact(typed)
    if not secret or not SIX_DIGITS.fullmatch(code):
        return None
    totp, current = pyotp.TOTP(secret), int(now() // STEP)
    for step in (current + 1, current, current - 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if step > (last_step if last_step is not None else -1) else None
    return None


def use_code(row, typed):
    """Accept a TOTP code once: the step is stored only if it is newer, even when two requests race."""
    step = matching_step(decrypt("users", "totp_secret", row["totp_secret"]), typed, row["totp_last_step"])
    if step is None:
        return False
    cursor = get_db().execute("update users set totp_last_step = ? where id = ? and coalesce(totp_last_step, -1) < ?",
                              [step, row["id"], step])
    return cursor.rowcount == 1


def use_recovery_code(user_id, typed):
    """Spend one unused recovery code; returns how many are left, or None when it is not one of them."""
    code, db = compact(typed), get_db()
    if not RECOVERY.fullmatch(code):
        return None
    unused = list(db.query("select id, code_hash from recovery_codes where user_id = ? and used_at is null", [user_id]))
    for row in unused:
        if verify_hash(row["code_hash"], code):
            spent = db.execute("update recovery_codes set used_at = ? where id = ? and used_at is null",
                               [audit.utcnow(), row["id"]]).rowcount
            return len(unused) - 1 if spent else None
    return None


def new_recovery_codes():
    """Ten fresh recovery codes: (as shown once, xxxxx-xxxxx; their argon2 hashes), made outside any transaction."""
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_COUNT)]
    return [f"{code[:5]}-{code[5:]}" for code in codes], [hash_password(code) for code in codes]


def store_recovery_codes(user_id, hashes):
    """Replace a user's recovery codes by these hashes (call inside the caller's transaction)."""
    db = get_db()
    db.execute("delete from recovery_codes where user_id = ?", [user_id])
    db["recovery_codes"].insert_all({"user_id": user_id, "code_hash": h, "created_at": audit.utcnow()} for h in hashes)


def qr_svg(uri):
    """The otpauth URI as an inline SVG QR code, drawn here so the secret never leaves this server."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", title="QR-code voor je app")
    # B704: segno writes only its own SVG elements and path data (the URI is encoded, never echoed as text).
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # nosec B704


