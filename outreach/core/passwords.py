"""Password hashing (argon2id) and the policy for new passwords, including the common-password list."""
import functools
import gzip
import re
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4).
# Verified when the username is unknown, so a wrong name costs as much time as a wrong password.
DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD, MAX_PASSWORD = 12, 256
COMMON_LIST = Path(__file__).parent.parent / "data" / "common-passwords.txt.gz"
# Words an attacker tries first against this particular site (ASVS: context-specific words).
CONTEXT_WORDS = {"straatwerk", "straathoekwerk", "straathoekwerker", "heerde", "gemeente", "gemeenteheerde",
                 "cjg", "jeugdengezin", "centrumvoorjeugdengezin", "hangplek", "jongerenwerk"}
# Stripped from both ends before the list is checked: "Welkom2026!" is as weak as "welkom".
REPEATED = re.compile(r"(.+?)\1+")
PADDING = "0123456789 !?.,;:-_+=*#@$%&/\\|'\"()[]{}<>~^`"


def hash_password(password):
    """Hash a password (or a recovery code) with argon2id."""
    return hasher.hash(password)


def verify_hash(stored, secret):
    """True when secret matches an argon2 hash; a missing hash still costs one full verification."""
    try:
        hasher.verify(stored or DUMMY_HASH, secret)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


@functools.cache
def common_passwords():
    """The vendored list of common passwords (lower case), read once per process."""
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip()) | CONTEXT_WORDS


def is_common(password, username=""):
    """True when the password, lower-cased, without the username and without padding, is a common one."""
    lowered = password.casefold()
    forms = {lowered, "".join(lowered.split())}
    if username:
        forms |= {form.replace(username.casefold(), "") for form in forms}
    forms |= {form.strip(PADDING) for form in forms}
    forms |= {r.group(1) for form in forms if (r := REPEATED.fullmatch(form)) and len(r.group(1)) > 2}  # "welkomwelkom"
    return bool(forms & common_passwords())


def password_problem(password, username=""):
    """A Dutch sentence saying what is wrong with a new password, or None when it is fine."""
    if len(password) < MIN_PASSWORD:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD} tekens."
    if len(password) > MAX_PASSWORD:
        return f"Kies een wachtwoord van hoogstens {MAX_PASSWORD} tekens."
    # Before the username rule, so "werkerwachtwoord" is named for what it is: a common password.
    if is_common(password, username):
        return "Dit wachtwoord staat op de lijst van veelgebruikte wachtwoorden. Kies iets minder voorspelbaars."
    if username and username.lower() in password.lower():
        return "Het wachtwoord mag je gebruikersnaam niet bevatten."
    if len(set(password)) < 5 or not password.strip(PADDING):
        return "Dit wachtwoord is te eenvoudig: gebruik meer verschillende tekens, niet alleen cijfers."
    return None
