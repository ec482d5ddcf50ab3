"""Concurrent writers against the real server (waitress, 8 threads, own process): nothing lost, even after SIGKILL."""
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conftest import PASSWORDS, csrf_token, make_app
from outreach.core.crypto import decrypt
from outreach.core.db import connect
from outreach.core.dates import now_local
from outreach.core.rollups import drift

WRITERS, CONTACTS = 20, 50
SERVER = Path(__file__).with_name("serve_for_tests.py")
FIGURES = Path("/tmp/concurrency-figures.txt")


class Session:
    """One phone: a keep-alive connection with its own cookie jar and CSRF token."""

    def __init__(self, port):
        """Open a connection to the server."""
        self.port, self.cookies, self.token = port, {}, None
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, form=None):
        """Send one request; returns (status, headers, body) and keeps the cookies it sets."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name] = value
        return response.status, response.headers, text

    def log_in(self):
        """Log the test worker in through the real form and keep the contact form's CSRF token."""
        self.token = csrf_token(self.request("GET", "/login")[2])
        status, headers, text = self.request("POST", "/login", {"username": "werker", "password": PASSWORDS["worker"]})
        assert status == 302 and headers["Location"] == "/", text[:300]
        self.token = csrf_token(self.request("GET", "/contacts/new")[2])

    def move_to(self, port):
        """Reconnect to a restarted server, keeping the session (cookie and token)."""
        self.conn.close()
        self.port, self.conn = port, http.client.HTTPConnection("127.0.0.1", port, timeout=30)


class Server:
    """tests/serve_for_tests.py in its own process, so it can be killed like a crashing machine would kill it."""

    def __init__(self, database, log):
        """Start the server and wait for its port."""
        self.log = open(log, "ab")
        self.process = subprocess.Popen([sys.executable, str(SERVER), str(database), "8"], stdout=subprocess.PIPE,
                                        stderr=self.log, cwd=SERVER.parent.parent)
        line = b""
        while line is not None and not line.startswith(b"PORT "):
            line = self.process.stdout.readline() or None  # None: the process ended before it listened.
        assert line, f"server did not start: {Path(log).read_text(errors='replace')[-2000:]}"
        self.port = int(line.split()[1])

    def stop(self, sig=signal.SIGTERM):
        """Stop (or kill) the process and wait for it."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait(timeout=30)
        self.process.stdout.close()
        self.log.close()


def write_contacts(session, run, number, results, start):
    """Save CONTACTS contacts with unique markers; results gets (marker, status, seconds, body) per answer."""
    start.wait()
    for i in range(CONTACTS):
        marker = f"conc-{run}-{number}-{i}"
        form = {"contacted_at": now_local().strftime("%Y-%m-%dT%H:%M"), "kind": "street",
                "youths_present": "1", "note": marker}
        began = time.perf_counter()
        try:
            status, headers, body = session.request("POST", "/contacts/new", form)
        except (OSError, http.client.HTTPException):
            return  # The server is gone (the SIGKILL run): this write was never acknowledged.
        ok = status == 302 and headers.get("Location") == "/"
        results.append((marker, status if ok or status != 302 else 0, time.perf_counter() - began, body))


def run_writers(sessions, run, kill=None):
    """Run every session's writer at once; kill(results) may end the server midway. Returns (results, seconds)."""
    results, start = [], threading.Barrier(len(sessions) + 1)
    threads = [threading.Thread(target=write_contacts, args=(s, run, n, results, start)) for n, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    if kill:
        kill(results)
    for thread in threads:
        thread.join(timeout=120)
    return results, time.perf_counter() - began


def stored(database, run):
    """The markers of one run as stored (notes are sealed: opened with the keys), integrity check, roll-up drift."""
    db = connect(database)  # Opening the file after a kill is SQLite's own recovery from the WAL.
    try:
        checks = db.execute("PRAGMA integrity_check").fetchall(), drift(db)
        app = make_app(database)
        with app.app_context():
            notes = [decrypt("contacts", "note", r[0]) for r in db.execute("select note from contacts")]
        app.extensions["outreach.db"].close_all()
        return [n for n in notes if n and n.startswith(f"conc-{run}-")], *checks
    finally:
        db.close()


def figures(label, results, seconds):
    """One line with writes/s and the p95 latency of the acknowledged writes."""
    latencies = sorted(r[2] for r in results if r[1] == 302)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else float("nan")
    return (f"{label}: {len(latencies)} acknowledged writes in {seconds:.1f} s = {len(latencies) / seconds:.0f} "
            f"writes/s, p95 {p95 * 1000:.0f} ms, median {statistics.median(latencies) * 1000:.0f} ms")


@pytest.fixture
def database(template_db, tmp_path):
    """A copy of the template database for the server."""
    path = tmp_path / "straatwerk.sqlite"
    shutil.copy(template_db, path)
    return path


def test_concurrent_writers_lose_nothing_even_when_the_server_is_killed(database, tmp_path):
    """20 writers × 50 contacts: every acknowledged write is a row, no 5xx, no lock errors; then SIGKILL midway."""
    log = tmp_path / "server-stderr.log"
    server = Server(database, log)
    try:
        sessions = [Session(server.port) for _ in range(WRITERS)]
        # One after the other: all twenty are the same account, and the throttle lets at most five attempts
        # for one account be checked at once (it counts them before checking, against parallel guessing).
        for session in sessions:
            session.log_in()
        assert all(s.token for s in sessions)
        results, seconds = run_writers(sessions, 1)
    finally:
        server.stop()
    line1 = figures("run 1 (20 writers × 50)", results, seconds)
    FIGURES.write_text(f"{line1}\n")  # Written before the checks, so a failing run still leaves its figures.
    statuses = sorted({r[1] for r in results})
    assert statuses == [302], statuses  # Every post acknowledged: no 5xx, no form re-shown with an error.
    assert len(results) == WRITERS * CONTACTS
    notes, integrity, roll_up_drift = stored(database, 1)
    assert sorted(notes) == sorted(r[0] for r in results)  # Every acknowledged write once, nothing else.
    assert integrity == [("ok",)] and roll_up_drift == {}

    server = Server(database, log)  # Second run: the same sessions, killed once about 300 writes are in.
    for session in sessions:
        session.move_to(server.port)

    def kill(results):
        """SIGKILL the server in the middle of the run."""
        while len(results) < 300 and server.process.poll() is None:
            time.sleep(0.005)
        server.stop(signal.SIGKILL)
    try:
        results2, seconds2 = run_writers(sessions, 2, kill)
    finally:
        server.stop(signal.SIGKILL)
    line2 = figures("run 2 (SIGKILL midway)", results2, seconds2)
    acknowledged = {r[0] for r in results2 if r[1] == 302}
    notes2, integrity, roll_up_drift = stored(database, 2)
    line2 += f"; {len(notes2) - len(acknowledged)} of the {WRITERS} writes in flight at the kill were committed"
    FIGURES.write_text(f"{line1}\n{line2}\n")
    print(f"\n{line1}\n{line2}")
    assert 300 <= len(acknowledged) < WRITERS * CONTACTS, "the kill did not land in the middle of the run"
    assert {r[1] for r in results2} == {302}
    assert integrity == [("ok",)] and roll_up_drift == {}
    assert acknowledged <= set(notes2)  # At most the writes in flight at the kill are extra.
    assert len(notes2) == len(set(notes2)) and len(notes2) - len(acknowledged) <= WRITERS
    bodies = "".join(r[3] for r in results + results2) + log.read_text(errors="replace")
    assert not re.search(r"database is locked|Traceback", bodies, re.I), bodies[-2000:]
