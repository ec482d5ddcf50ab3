"""Serve the app with waitress on a free loopback port, as production does, so a test can SIGKILL it.

Usage: python tests/serve_for_tests.py DATABASE [THREADS [PORT]]; prints "PORT <n>" once listening, runs until killed.
"""
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # The package, also without an installed copy.

from waitress import create_server  # noqa: E402

from outreach import create_app  # noqa: E402

SECRET_KEY = "concurrency-test-secret"  # Fixed: sessions outlive a restart of the server, as in production.


def cut_after_commit(app, chance):
    """Die now and then after a POST was saved but before its answer leaves: the worst moment to lose a connection."""
    def wrapped(environ, start_response):
        """Hold the answer back until the coin is thrown."""
        held = []
        body = app(environ, lambda status, headers, exc_info=None: held.append((status, headers, exc_info)))
        saved = environ["REQUEST_METHOD"] == "POST" and held[0][0].startswith("302")
        if saved and environ["PATH_INFO"] in ("/contacts/new", "/visits/new") and random.random() < chance:  # nosec B311
            os._exit(3)  # The row is committed; the phone never hears so and must send it again.
        start_response(*held[0])
        return body
    return wrapped


def main():
    """Build the app on the given database (not TESTING: errors are logged to stderr as in production) and serve."""
    database, threads = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 0  # A restart on the same port, as a phone would see it.
    app = create_app({"DATABASE": database, "SECRET_KEY": SECRET_KEY})
    chance = float(os.environ.get("CUT_AFTER_COMMIT", "0"))  # Only the offline test's randomised run sets it.
    server = create_server(cut_after_commit(app, chance) if chance else app, host="127.0.0.1", port=port,
                           threads=threads, ident="straatwerk")
    print(f"PORT {server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
