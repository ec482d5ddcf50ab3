"""Roles and the server-side permission check that every request passes (deny by default)."""
import secrets
import time
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

ROLES = {
    "worker": "Straathoekwerker",
    "cjg": "CJG-medewerker",
    "manager": "Beleid / management",
    "admin": "Beheerder",
}
PUBLIC = "public"
# Where each role starts: the worker on her own home page, every other role on the page it comes for.
HOMES = {"worker": "home.index", "cjg": "cjg.inbox", "manager": "report.show_report", "admin": "admin.list_users"}


def allow(*roles):
    """Mark a view as open to the given roles; a view without a mark is refused to everyone."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def mark(view):
        """Attach the allowed roles to the view function."""
        view.allowed_roles = frozenset(roles)
        return view
    return mark


def public(view):
    """Mark a view as reachable without logging in (the login page)."""
    view.allowed_roles = PUBLIC
    return view


def allowed_roles(endpoint):
    """The roles allowed on an endpoint, PUBLIC, or an empty set when nothing was declared."""
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "allowed_roles", frozenset())


def safe_next(target):
    """Return target only when it is a path on this site, so ?next= cannot send anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 33 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def session_expired():
    """True when the role's idle timeout or the absolute session lifetime has passed; "token" when an OpenID
    login's ID token has run out while the user was active."""
    now = time.time()
    idle = current_app.config["IDLE_TIMEOUT"].get(current_user.role, 1800)
    seen, started = session.get("seen", 0), session.get("login_at", 0)
    if now - seen > idle or now - started > current_app.config["SESSION_ABSOLUTE_SECONDS"]:
        return True
    if now > session.get("until", now):  # An OpenID login lasts no longer than its ID token (no refresh).
        return "token"
    if now - seen > 30:  # Refresh at most every 30 s so most responses do not rewrite the cookie.
        session["seen"] = now
    return False


# The offline queue's saves carry this header. Their only sign of success is a redirect (which fetch cannot
# read), so for them a redirect of this guard (to the login page or a set-up step: nothing was saved) is a 401.
QUEUE_HEADER = "X-Straatwerk-Queue"


def enforce():
    """Before every request: enforce_roles(), whose redirects a queued save gets as a 401 (nothing saved)."""
    answer = enforce_roles()
    if answer is not None and answer.status_code in (301, 302, 303) and request.headers.get(QUEUE_HEADER) == "1":
        return "Niet ingelogd: log opnieuw in.", 401, {"Content-Type": "text/plain; charset=utf-8"}
    return answer


def enforce_roles():
    """Anonymous/expired → login, wrong role → 403, then a forced password or 2FA set-up."""
    if request.endpoint is None:
        return None  # Unknown URL or method: Flask answers 404/405 itself.
    roles = allowed_roles(request.endpoint)
    if roles == PUBLIC:
        return None
    if not current_user.is_authenticated:
        # Only a page can be returned to; after a lost session a form post starts again from the start page.
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target))
    expired = session_expired()
    if expired:
        logout_user()
        session.clear()
        if expired == "token" and request.method == "GET":
            # Straight back through the municipality's login: still welcome there, the user hardly notices; a
            # user disabled there is refused now, at the latest when the token ran out.
            return redirect(url_for("oidc.start", next=request.full_path.rstrip("?")))
        flash("Je was te lang niet actief. Log opnieuw in.", "info")
        return redirect(url_for("auth.login"))
    if current_user.role not in roles:
        abort(403)
    if current_user.must_change_password and request.endpoint not in ("auth.change_password", "auth.logout"):
        return redirect(url_for("auth.change_password"))
    # Then a role that requires a second factor gets nothing but the enrolment page until it is set up.
    if (current_user.needs_enrolment and not current_user.must_change_password
            and request.endpoint not in ("twofactor.enrol", "auth.logout")):
        return redirect(url_for("twofactor.enrol"))
    return None


def csp_nonce():
    """This response's nonce for the inline scripts we write (the map's, base.html's loader), made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy():
    """Our origin only, plus the tile host for images (invariant 7, enforced by the browser itself), and the
    OpenID provider as a form's final destination."""
    tiles = urlsplit(current_app.config["TILE_URL"])
    # Logout is a form whose redirects end at the municipality's provider (end-session): form-action follows them.
    provider = urlsplit(current_app.config["OIDC_ISSUER"])
    form_action = f"'self' {provider.scheme}://{provider.netloc}" if provider.netloc else "'self'"
    return ("default-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; style-src 'self'; "
            f"img-src 'self' data: {tiles.scheme}://{tiles.netloc}; connect-src 'self'; font-src 'self'; "
            f"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action {form_action}")


def baseline_headers(response):
    """Pages of a logged-in user are never cached; nothing from other hosts, no framing, no sniffing."""
    # Static files and vendored libraries hold no personal data and keep their long cache (Leaflet once).
    if current_user.is_authenticated and request.endpoint not in ("static", "maps.vendor_file"):
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["HTTPS"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app):
    """Install the permission check in front of every view and the baseline headers after it."""
    app.before_request(enforce)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(baseline_headers)
