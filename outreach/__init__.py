"""Straatwerk: the street outreach worker's app, its CJG handoffs and the pilot evaluation."""
import os

from flask import Flask

from .core.instance import ROOT, check_owner, instance_folder


def create_app(test_config=None):
    """Build the app: defaults, then instance/config.py (or test_config), then every capability."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_folder(),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    if test_config is None and os.path.isdir(app.instance_path):
        check_owner(app.instance_path)
    from . import cli, home, settings, vocab
    from .admin import audit_log, register, retention, subject, users
    from .admin import context as ggd
    from .auth import login, oidc, twofactor
    from .casework import cjg, concerns, handoffs
    from .core import access, compress, crypto, errors, forms, maps, ready
    from .field import contacts, offline, rounds, spots, visits, youths
    from .report import views as report

    app.config.from_mapping(settings.defaults(app.instance_path))
    if test_config is None:
        settings.load_config(app)
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(f"SECRET_KEY ontbreekt in {app.instance_path}/config.py")
    settings.https(app)
    app.url_map.converters["int"] = settings.SqliteInt
    # No ProxyFix here: waitress (run.py) takes X-Forwarded-* only from TRUSTED_PROXY's own connections, which a
    # middleware cannot check, and hands the app the client's address and scheme; a second pass would shift twice.
    ready.init_app(app)
    crypto.check_keys(app)  # Refuse to start on a missing or wrong key file (exits with a Dutch message).
    access.init_app(app)  # Before CSRF, so an anonymous POST is sent to the login page like any request.
    forms.init_app(app)
    compress.init_app(app)
    for module in (vocab, login, oidc, twofactor, errors, home, maps, spots, visits, contacts, youths, offline, rounds, concerns,
                   handoffs, cjg, report, users, audit_log, retention, ggd, subject, register, cli):
        module.init_app(app)
    return app
