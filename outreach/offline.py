"""The worker's offline support: the service worker script, served from our own origin."""
import hashlib
import mimetypes

from flask import Blueprint, current_app, render_template

from .access import public

bp = Blueprint("offline", __name__)

# Bump to throw away every phone's cached shell on its next visit (old caches are deleted on activate).
CACHE_VERSION = 1
# The only pages kept on the phone: the worker's home and the two forms that can be saved offline.
SHELL_PAGES = ("/", "/contacts/new", "/visits/new")
SHELL_STATIC = ("css/style.css", "js/app.js", "js/offline-store.js", "js/offline.js", "icon.svg",
                "manifest.webmanifest")
# Browsers want this type for a manifest; Python's table does not know the extension.
mimetypes.add_type("application/manifest+json", ".webmanifest")


def static_digest():
    """A short hash of the cached static files, so a deploy that changes one refreshes the cache by itself."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        digest.update(current_app.open_resource(f"{current_app.static_folder}/{name}", "rb").read())
    return digest.hexdigest()[:12]


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker; public because the browser re-checks it for updates with or without a session."""
    static = [f"{current_app.static_url_path}/{name}" for name in SHELL_STATIC]
    body = render_template("offline/sw.js", cache=f"straatwerk-v{CACHE_VERSION}-{static_digest()}",
                           pages=list(SHELL_PAGES), static=static)
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"  # Always revalidated, so a deploy reaches the phone.
    return response


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
