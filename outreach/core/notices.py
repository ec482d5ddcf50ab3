"""A saved contact's confirmation carried to the next page in a plain cookie, not in the session.

Why: a flash message changes the session, so the save's redirect and the page after it each re-signed the
session cookie (bench/field.py: most of what the save path spent after its one transaction). The cookie holds
no secret and no text of anyone's: only which confirmation to show and the contact's time, four digits; the
Dutch sentence is made here, and anything else in the cookie is ignored. The page that shows it removes it.
"""
import re

from flask import current_app, g, get_flashed_messages, redirect, request, url_for

COOKIE = "opgeslagen"
SAYS = {"contact": "Contact opgeslagen ({}:{})."}
VALUE = re.compile(r"(contact)-([01]\d|2[0-3])([0-5]\d)")


def home(what, moment):
    """The redirect to the home page that says `what` (a key of SAYS) was saved, with the time of moment."""
    # The home URL is built once per script root (where a proxy mounts the app): url_for's build was a tenth of
    # what the contact save spends after its transaction (bench/field.py).
    root = request.script_root
    location = HOME.get(root) or HOME.setdefault(root, url_for("home.index"))
    return saved(redirect(location), what, moment)


HOME = {}


def saved(response, what, moment):
    """Let the next page say that `what` (a key of SAYS) was saved, with the time of moment; returns response."""
    # Written as the header itself: the value is a fixed word and four digits (nothing to quote), and Max-Age alone
    # is what every browser honours; werkzeug's set_cookie added a formatted Expires date that the phone parses too.
    secure = "; Secure" if current_app.config.get("SESSION_COOKIE_SECURE", False) else ""
    response.headers.add("Set-Cookie", f"{COOKIE}={what}-{moment:%H%M}; Max-Age=120; HttpOnly; Path=/; "
                                       f"SameSite=Lax{secure}")
    return response


def messages(with_categories=False, category_filter=()):
    """Flask's flashed messages, led by the saved-confirmation of the cookie (then removed from the browser)."""
    flashed = get_flashed_messages(with_categories, category_filter)
    found = VALUE.fullmatch(request.cookies.get(COOKIE, ""))
    if COOKIE in request.cookies:
        g.notice_shown = True
    if not found or (category_filter and "success" not in category_filter):
        return flashed
    text = SAYS[found[1]].format(found[2], found[3])
    return [("success", text) if with_categories else text, *flashed]


def forget(response):
    """After a page showed the confirmation: remove the cookie, so a reload does not say it again."""
    if g.get("notice_shown"):
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax",
                               secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def init_app(app):
    """Templates' get_flashed_messages also shows the confirmation; the page that shows it removes it."""
    app.jinja_env.globals["get_flashed_messages"] = messages
    app.after_request(forget)
