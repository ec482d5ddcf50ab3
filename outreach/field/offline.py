"""The worker's offline support: the service worker script, served from our own origin."""
import hashlib
import hmac
import mimetypes
import os

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from ..core.access import allow, public
from ..core.db import get_db

bp = Blueprint("offline", __name__)

# Bump to throw away every phone's cached shell on its next visit (old caches are deleted on activate).
# 2: cached pages carry their owner and the time they were kept (older copies had neither).
CACHE_VERSION = 2
# A queued entry or a cached page older than one shift is never used and is deleted (also in the JS and sw.js).
MAX_AGE_SECONDS = 12 * 3600
# The only pages kept on the phone: the worker's home, the two forms that can be saved offline, and the page shown
# offline instead of any other (what still works, the queue, the hangplekken by name and distance).
SHELL_PAGES = ("/", "/contacts/new", "/visits/new", "/offline")
SHELL_STATIC = ("css/style.css", "js/app.js", "js/offline-store.js", "js/offline.js", "js/offline-shell.js",
                "js/offline-page.js", "icon.svg", "manifest.webmanifest")
# The offline page lists at most this many spots (the most recently active): the page stays small at any size.
OFFLINE_SPOTS = 300
# Browsers want this type for a manifest; Python's table does not know the extension.
mimetypes.add_type("application/manifest+json", ".webmanifest")


def static_digest():
    """A short hash of the cached static files, so a deploy that changes one refreshes the cache by itself."""
    paths = [os.path.join(current_app.static_folder, name) for name in SHELL_STATIC]
    # Hashed again only when a file's size or time changed: phones ask for sw.js on every navigation.
    stamp = tuple((info.st_mtime_ns, info.st_size) for info in map(os.stat, paths))
    cached = current_app.extensions.get("outreach.sw_digest")
    if cached is None or cached[0] != stamp:
        digest = hashlib.sha256()
        for path in paths:
            with open(path, "rb") as f:
                digest.update(f.read())
        cached = current_app.extensions["outreach.sw_digest"] = (stamp, digest.hexdigest()[:12])
    return cached[1]


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker; public because the browser re-checks it for updates with or without a session."""
    static = [f"{current_app.static_url_path}/{name}" for name in SHELL_STATIC]
    body = render_template("offline/sw.js", cache=f"straatwerk-v{CACHE_VERSION}-{static_digest()}",
                           pages=list(SHELL_PAGES), static=static, max_age=MAX_AGE_SECONDS * 1000)
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"  # Always revalidated, so a deploy reaches the phone.
    return response


@bp.route("/offline")
@allow("worker")
def offline_page():
    """The page the service worker shows for a page not kept on the phone when there is no signal.

    It holds the spots' names and positions only (the phone works out the distances): no aliases, no youth, nothing
    a lost phone should not show, and it expires with the other kept pages after one shift.
    """
    spots = get_db().query("select name, lat, lon from spots where archived_at is null "
                           "order by coalesce(last_active, '') desc, id desc limit ?", [OFFLINE_SPOTS])
    return render_template("offline/page.html", spots=sorted(spots, key=lambda s: s["name"].casefold()))


def owner_marker(user_id):
    """An opaque marker of an account for the phone: entries and cached pages are tagged with it, never the id."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    # Keyed, so the phone holds nothing that leads back to the account without the server's secret.
    return hmac.new(key, f"straatwerk-offline-owner:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def offline_owner():
    """The marker of the logged-in user (templates put it on the worker's pages), or an empty string."""
    return owner_marker(current_user.id) if current_user.is_authenticated else ""


def init_app(app):
    """Register the blueprint and the owner marker for the templates."""
    app.register_blueprint(bp)
    app.add_template_global(offline_owner)
