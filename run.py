"""Serve Straatwerk with waitress on 127.0.0.1 (production WSGI server); --debug for development."""
import argparse
from outreach import create_app


def prepare_demo(app):
    """Create the database, load the demo year when it is empty, and print the demo logins."""
    from outreach.db import get_db
    from outreach.demo import logins_path, seed, write_logins
    from outreach.home import demo_loaded

    with app.app_context():
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


def main():
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="adres om op te luisteren (standaard 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8, help="waitress-threads")
    parser.add_argument("--demo", action="store_true", help="laad de demodata als de database leeg is")
    parser.add_argument("--debug", action="store_true", help="Flask-ontwikkelserver met herladen (nooit in productie)")
    args = parser.parse_args()
    app = create_app()
    if args.demo:
        prepare_demo(app)
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True)
        return
    from waitress import serve
    print(f"Straatwerk draait op http://{args.host}:{args.port}  (stoppen: Ctrl+C)")
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="straatwerk")


if __name__ == "__main__":
    main()
