"""Login throttling per account name and per client IP: after repeated failures a growing wait (HTTP 429).

The account key is the name as typed, whether or not such an account exists, so a throttled unknown name
looks exactly like a throttled real one (no account enumeration). When the client's address cannot be known
(HTTPS without TRUSTED_PROXY, or a proxy that sent no X-Forwarded-For) only the account is counted: one shared
address would let twenty wrong passwords from anyone lock everybody out.
"""
import math
import time

from flask import current_app

UNKNOWN_IP = ("Het adres van de client is onbekend ({why}): mislukte inlogpogingen worden alleen per account "
              "geteld, niet per IP-adres.")
_warned = set()  # The proxy-sent-no-address warning, once per process.

from ..core.db import get_db

WINDOW = 15 * 60  # A failure counts with the previous one when it follows within 15 minutes.
FIRST_DELAY, MAX_DELAY = 30, 15 * 60  # 30 s, 60 s, 120 s … at most 15 minutes.
KEEP = 24 * 3600  # Older failures are deleted: they can no longer affect a wait.
MAX_KEY = 80  # A 10 kB "username" is stored as its first 80 characters.


def now():
    """The current time in seconds (a function, so tests can move the clock)."""
    return time.time()


def limits():
    """Failures before the wait starts: per account (default 5) and per IP (default 20: an office shares one)."""
    config = current_app.config
    return {"account": config.get("LOGIN_FAILURE_LIMIT", 5), "ip": config.get("LOGIN_FAILURE_LIMIT_IP", 20)}


def ip_unknown_reason(config):
    """Why no request can carry the client's own address (HTTPS, so a proxy, but none trusted), else None."""
    if config["HTTPS"] and not config["TRUSTED_PROXY"]:
        return "HTTPS = True zonder TRUSTED_PROXY in de instellingen"
    return None


def ip_known(ip):
    """Whether ip is the client's own address, not unknown and not the proxy's (it sent no X-Forwarded-For)."""
    config = current_app.config
    if not ip or ip_unknown_reason(config):
        return False
    if ip == config["TRUSTED_PROXY"]:
        if ip not in _warned:
            _warned.add(ip)
            current_app.logger.warning(UNKNOWN_IP.format(why=f"de proxy {ip} stuurde geen X-Forwarded-For"))
        return False
    return True


def account_key(username):
    """The throttle key for a typed username: trimmed, lower case, bounded length."""
    return (username or "").strip().lower()[:MAX_KEY]


def streak(scope, key, at):
    """Failures in the current run for a key (each within WINDOW of the next) and the time of the latest."""
    rows = get_db().execute(
        "select at from login_failures where scope = ? and key = ? and at > ? order by at desc limit 40",
        [scope, key, at - KEEP]).fetchall()
    if not rows or at - rows[0][0] > WINDOW:
        return 0, None
    count = 1
    for newer, older in zip(rows, rows[1:]):
        if newer[0] - older[0] > WINDOW:
            break
        count += 1
    return count, rows[0][0]


def delay(failures, limit):
    """Seconds to wait after this many failures in a run: none below the limit, then doubling to the cap."""
    if failures < limit:
        return 0
    return min(FIRST_DELAY * 2 ** min(failures - limit, 10), MAX_DELAY)


def wait_seconds(username, ip):
    """How long logging in with this name from this IP must still wait (0 when it may try now)."""
    at = now()
    waits = [0]
    scopes = [("account", account_key(username))] + [("ip", ip)] * ip_known(ip)
    for scope, key in scopes:
        failures, latest = streak(scope, key, at)
        if failures:
            waits.append(latest + delay(failures, limits()[scope]) - at)
    return max(0, math.ceil(max(waits)))


def claim(username, ip):
    """Before checking a password or code: (seconds to wait, None) or (0, the id of this attempt's row).

    The attempt is counted against the account up front, in one write transaction with the check, so guesses
    sent in parallel see each other and the limit holds; a success takes its row back with release(). The
    IP's count is only raised by a real failure (fail()): colleagues logging in at once from one office
    address must not lock each other out.
    """
    at = now()
    db = get_db()
    with db.atomic():
        wait = wait_seconds(username, ip)
        if wait:
            return wait, None
        db.execute("delete from login_failures where at < ?", [at - KEEP])
        row = db.execute("insert into login_failures (scope, key, at) values ('account', ?, ?)",
                         [account_key(username), at]).lastrowid
    return 0, row


def fail(ip):
    """The attempt failed: count it for the IP as well, when known (the account's row from claim() stays)."""
    if ip_known(ip):
        get_db().execute("insert into login_failures (scope, key, at) values ('ip', ?, ?)", [ip, now()])


def release(row):
    """The attempt succeeded: it was not a failure after all."""
    get_db().execute("delete from login_failures where id = ?", [row])


def clear_account(username):
    """A full login (password and, when enrolled, the code) forgets the account's failures; the IP's stay."""
    get_db().execute("delete from login_failures where scope = 'account' and key = ?", [account_key(username)])


def message(seconds):
    """The Dutch wait message, in whole minutes rounded up."""
    minutes = max(1, math.ceil(seconds / 60))
    return f"Te veel mislukte pogingen. Probeer het over {minutes} {'minuut' if minutes == 1 else 'minuten'} opnieuw."
