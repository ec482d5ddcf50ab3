"""Serve Straatwerk with waitress on 127.0.0.1 (production WSGI server); --demo loads a demo year, --debug develops."""
import argparse
import sys

import click

from outreach import create_app

# What waitress believes from the one reverse proxy in front (README: nginx), on that proxy's connections only:
# the client's address (audit log, throttling), the scheme (https: Flask-WTF's strict Referer check) and the host.
FORWARDED = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}


def proxy_settings(config):
    """waitress' proxy settings: X-Forwarded-* from TRUSTED_PROXY's connections only; from anyone else dropped."""
    settings = {"clear_untrusted_proxy_headers": True}
    if config["TRUSTED_PROXY"]:
        settings.update(trusted_proxy=config["TRUSTED_PROXY"], trusted_proxy_count=1, trusted_proxy_headers=FORWARDED)
    return settings


def prepare_demo(app):
    """Create the database, load the demo year when it is empty, and print the demo logins."""
    from outreach.core.db import get_db
    from outreach.core.ready import open_database
    from outreach.demo.seed import logins_path, seed, write_logins
    from outreach.home import demo_loaded

    with app.app_context():
        open_database(create=True, upgrade=True)  # A demo may make and migrate its own database.
        db = get_db()
        if not db["users"].count:
            print("Demodata wordt geladen (een jaar rond Heerde)…")
            write_logins(seed())
        elif not demo_loaded():
            # Never mix demo accounts into a database with real users.
            print("Deze database bevat echte gegevens; er worden geen demogegevens geladen.")
            return
        logins = logins_path()
        print(f"\nDemo-inloggegevens (ook in {logins}):")
        print(logins.read_text() if logins.exists() else "  (geen: maak accounts met flask --app outreach create-user)")


def check_start(app):
    """Refuse to serve a missing database or one with pending migrations; say when only accounts are throttled."""
    from outreach.core.db import get_db
    from outreach.auth.throttle import UNKNOWN_IP, ip_unknown_reason

    with app.app_context():
        get_db()  # Raises NotReady with the Dutch reason.
    reason = ip_unknown_reason(app.config)
    if reason:
        app.logger.warning(UNKNOWN_IP.format(why=reason))


def main():
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="adres om op te luisteren (standaard 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="poort (standaard 5000)")
    parser.add_argument("--threads", type=int, default=8, help="waitress-threads (standaard 8)")
    parser.add_argument("--demo", action="store_true", help="maak de database en laad de demodata als ze leeg is")
    parser.add_argument("--debug", action="store_true", help="Flask-ontwikkelserver met herladen (nooit in productie)")
    args = parser.parse_args()
    try:
        app = create_app()
        if args.demo:
            prepare_demo(app)
        check_start(app)
    except click.ClickException as refusal:
        print(f"Straatwerk start niet: {refusal.format_message()}", file=sys.stderr)
        sys.exit(1)
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True)
        return
    from waitress import create_server
    try:  # Bind first: only a server that listens says that it runs.
        server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="straatwerk",
                               **proxy_settings(app.config))
    except OSError as error:
        print(f"Straatwerk start niet: poort {args.port} op {args.host} is niet te gebruiken ({error.strerror}). "
              f"Kies een andere, bijvoorbeeld: make run PORT={args.port + 1}", file=sys.stderr)
        sys.exit(1)
    print(f"Straatwerk draait op http://{args.host}:{server.effective_port}  (stoppen: Ctrl+C)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("Gestopt.")


if __name__ == "__main__":
    main()
