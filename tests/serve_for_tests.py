"""Serve the app with waitress on a free loopback port, as production does, so a test can SIGKILL it.

Usage: python tests/serve_for_tests.py DATABASE [THREADS]; prints "PORT <n>" once listening, runs until killed.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # The package, also without an installed copy.

from waitress import create_server  # noqa: E402

from outreach import create_app  # noqa: E402

SECRET_KEY = "concurrency-test-secret"  # Fixed: sessions outlive a restart of the server, as in production.


def main():
    """Build the app on the given database (not TESTING: errors are logged to stderr as in production) and serve."""
    database, threads = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8
    app = create_app({"DATABASE": database, "SECRET_KEY": SECRET_KEY})
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="straatwerk")
    print(f"PORT {server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
