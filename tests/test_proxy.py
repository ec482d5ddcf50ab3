"""run.py (waitress) behind a real nginx on 127.0.0.1 with TLS, configured by the README's own nginx block.

Clients connect from their own loopback addresses (127.0.0.2, 127.0.0.3, …; nginx connects from 127.0.0.1), so
the test can tell whose address the app believed.
"""
import re
import subprocess
import time

import pytest

from conftest import PASSWORDS, USERNAMES
from outreach.core.db import connect
from servers import Client, free_port, nginx_binary, nginx_config, self_signed, start_app, wait_for_port

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")  # Our own cert.
FORGED = "203.0.113.9"  # A documentation address: a client pretending to be somebody else.


@pytest.fixture(scope="module")
def stack(template_db, tmp_path_factory):
    """run.py with HTTPS and TRUSTED_PROXY behind nginx (the README's block); yields the URLs and the database."""
    nginx = nginx_binary()
    tmp = tmp_path_factory.mktemp("proxy")
    app, app_port = start_app(tmp, template_db, 'HTTPS = True\nTRUSTED_PROXY = "127.0.0.1"\n')
    tls, plain = free_port(), free_port()
    cert, key = self_signed(tmp)
    (tmp / "nginx.conf").write_text(nginx_config(tmp, tls, plain, app_port, cert, key))
    proxy = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")],
                             stdout=subprocess.DEVNULL, stderr=open(tmp / "nginx.out", "w"))
    try:
        wait_for_port(tls, proxy, tmp / "nginx.out")
        yield {"https": f"https://127.0.0.1:{tls}", "http": f"http://127.0.0.1:{plain}",
               "direct": f"http://127.0.0.1:{app_port}", "db": tmp / "instance" / "straatwerk.sqlite",
               "log": tmp / "app.log"}
    finally:
        for process in (proxy, app):
            process.terminate()
            process.wait(timeout=10)


def origins(database, action):
    """The client address of every audit row of one action, oldest first."""
    db = connect(database)
    try:
        return [r[0] for r in db.execute("select origin from audit_log where action = ? order by id", [action])]
    finally:
        db.close()


def test_audit_log_records_the_address_nginx_saw_and_not_a_forged_one(stack):
    """Through nginx the audit log has the client's own address; an X-Forwarded-For it sent itself is ignored."""
    client = Client(stack["https"], "127.0.0.2", headers={"X-Forwarded-For": FORGED})
    assert client.login("werker", "fout-wachtwoord-123").status_code == 200
    response = client.login(USERNAMES["worker"], PASSWORDS["worker"])
    assert response.status_code == 302, response.text
    assert origins(stack["db"], "login failed")[-1] == "127.0.0.2"
    assert origins(stack["db"], "login ok")[-1] == "127.0.0.2"
    assert FORGED not in origins(stack["db"], "login failed") + origins(stack["db"], "login ok")


def test_session_cookie_is_host_prefixed_and_secure_behind_the_proxy(stack):
    """The login's session cookie is __Host-, Secure, HttpOnly, Path=/; HSTS is sent."""
    client = Client(stack["https"], "127.0.0.2")
    response = client.login(USERNAMES["manager"], PASSWORDS["manager"])
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-straatwerk=") and "; Secure" in cookie and "HttpOnly" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_25_failed_logins_from_one_client_do_not_lock_out_another(stack):
    """One address that guesses 25 times is held up (429) by its own count; a colleague elsewhere logs in at once."""
    guesser = Client(stack["https"], "127.0.0.3")
    statuses = [guesser.login(f"gok{n}", "fout-wachtwoord-123").status_code for n in range(25)]
    assert statuses[:19] == [200] * 19 and set(statuses[19:]) == {429}  # The 20th failure for one IP locks it.
    colleague = Client(stack["https"], "127.0.0.4")
    assert colleague.login(USERNAMES["manager"], PASSWORDS["manager"]).status_code == 302


def test_post_with_a_foreign_referer_is_refused_over_https(stack):
    """Flask-WTF's strict Referer check works behind nginx: a foreign or missing Referer is refused, our own passes."""
    client = Client(stack["https"], "127.0.0.5")
    assert client.login(USERNAMES["worker"], PASSWORDS["worker"]).status_code == 302
    for referer in ("https://evil.example/", f"http://{stack['https'][8:]}/", None):
        refused = client.post_form("/logout", {}, referer=referer, page="/")
        assert refused.status_code == 400 and "Het formulier was verlopen of onvolledig" in refused.text, referer
        assert client.request("GET", "/").status_code == 200  # Still logged in: the logout did not happen.
    logout = client.post_form("/logout", {}, page="/")
    assert logout.status_code == 302 and logout.headers["Location"].endswith("/login")
    assert client.request("GET", "/").status_code == 302


def test_pages_styles_and_scripts_come_compressed_through_nginx(stack):
    """The app compresses HTML, CSS and JavaScript itself; nginx (README block, no gzip of its own) passes it on."""
    client = Client(stack["https"], "127.0.0.2")
    for path in ("/login", "/static/css/style.css", "/static/js/app.js"):
        response = client.request("GET", path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and response.headers.get("Content-Encoding") == "gzip", path


def test_plain_http_is_sent_to_https(stack):
    """Port 80 answers with a permanent redirect to https."""
    response = Client(stack["http"], "127.0.0.2").request("GET", "/login")
    assert response.status_code == 301 and response.headers["Location"].startswith("https://127.0.0.1")


def test_waitress_does_not_believe_forwarded_headers_from_anyone_but_the_proxy(stack):
    """Straight to waitress from another address, X-Forwarded-For/-Proto are dropped: its own address counts."""
    client = Client(stack["direct"], "127.0.0.6", headers={"X-Forwarded-For": FORGED, "X-Forwarded-Proto": "https"})
    response = client.login("werker", "fout-wachtwoord-123")
    assert response.status_code == 200, response.text  # Plain http: the Referer check is off, the form counts.
    assert origins(stack["db"], "login failed")[-1] == "127.0.0.6"


def test_a_proxy_that_sends_no_address_throttles_per_account_only(stack):
    """Requests from the proxy's address without X-Forwarded-For: no address is known, so 25 failures under
    different names lock nobody out, and the log says once that only accounts are counted."""
    origin = {"X-Forwarded-Proto": "https"}
    proxy = Client(stack["direct"], "127.0.0.1", headers=origin, referer_base=stack["direct"].replace("http", "https"))
    statuses = [proxy.login(f"anders{n}", "fout-wachtwoord-123").status_code for n in range(25)]
    assert statuses == [200] * 25
    assert proxy.login(USERNAMES["manager"], PASSWORDS["manager"]).status_code == 302
    log = stack["log"].read_text()
    assert log.count("de proxy 127.0.0.1 stuurde geen X-Forwarded-For") == 1, log


def test_without_a_trusted_proxy_nothing_forwarded_is_believed(template_db, tmp_path):
    """HTTPS without TRUSTED_PROXY: the start log says only accounts are throttled; a forged X-Forwarded-For is
    not believed, and 25 failures from one address lock out nobody else."""
    app, port = start_app(tmp_path, template_db, "HTTPS = True\n")
    try:
        base = f"http://127.0.0.1:{port}"
        client = Client(base, "127.0.0.7", headers={"X-Forwarded-For": FORGED})
        statuses = [client.login(f"gok{n}", "fout-wachtwoord-123").status_code for n in range(25)]
        assert statuses == [200] * 25
        assert Client(base, "127.0.0.8").login(USERNAMES["manager"], PASSWORDS["manager"]).status_code == 302
        assert set(origins(tmp_path / "instance" / "straatwerk.sqlite", "login failed")) == {"127.0.0.7"}
        deadline = time.monotonic() + 5
        while "HTTPS = True zonder TRUSTED_PROXY" not in (tmp_path / "app.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "app.log").read_text()
            time.sleep(0.1)
        assert re.search(r"alleen per account", (tmp_path / "app.log").read_text())
    finally:
        app.terminate()
        app.wait(timeout=10)
