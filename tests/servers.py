"""Real servers for tests: run.py (waitress) on its own instance folder, nginx from the README, clients on their
own loopback addresses."""
import datetime
import ipaddress
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from conftest import CSRF

ROOT = Path(__file__).resolve().parent.parent
OWN = object()  # post_form's default Referer: the page itself, as a browser sends it.


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, log, seconds=30):
    """Wait until something accepts on 127.0.0.1:port; fail with the process's output when it died first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Server stopte (exit {process.returncode}):\n{Path(log).read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"Server luistert niet op {port}:\n{Path(log).read_text()}")


def run_py(instance, *args, log):
    """Start run.py on an instance folder (as the systemd unit does, through STRAATWERK_INSTANCE)."""
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT, stdout=log, stderr=log,
                            env={**os.environ, "STRAATWERK_INSTANCE": str(instance)})


def start_app(tmp, database, settings):
    """run.py on a fresh instance folder in tmp with a copy of database and these config.py lines; (process, port)."""
    instance = tmp / "instance"
    instance.mkdir(mode=0o700)
    shutil.copy(database, instance / "straatwerk.sqlite")
    (instance / "config.py").write_text(f"SECRET_KEY = 'proxy-test'\n{settings}")
    port = free_port()
    process = run_py(instance, "--port", str(port), "--threads", "4", log=open(tmp / "app.log", "w"))
    wait_for_port(port, process, tmp / "app.log")
    return process, port


def nginx_binary():
    """Debian's nginx; missing is a failure in CI (.ci/run installs it) and a skip on a developer's machine."""
    found = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("nginx ontbreekt: .ci/run installeert het (apt-get install nginx)")
    pytest.skip("nginx is not installed (sudo apt-get install nginx)")


def readme_nginx():
    """The nginx block of the README's production section, as an administrator copies it."""
    text = (ROOT / "README.md").read_text()
    return textwrap.dedent(re.search(r"```nginx\n(.*?)\n *```", text, re.S).group(1))


def nginx_config(tmp, tls, plain, app_port, cert, key):
    """A whole nginx.conf around the README's block: test ports and certificate, pid, logs and temp files in tmp."""
    block = readme_nginx()
    for old, new in {"listen 443 ssl;": f"listen 127.0.0.1:{tls} ssl;", "listen 80;": f"listen 127.0.0.1:{plain};",
                     "/etc/ssl/straatwerk/fullchain.pem": str(cert), "/etc/ssl/straatwerk/privkey.pem": str(key),
                     "http://127.0.0.1:5000;": f"http://127.0.0.1:{app_port};"}.items():
        assert old in block, f"README's nginx block changed: {old!r} not in it"
        block = block.replace(old, new)
    temp = "".join(f"{kind}_temp_path {tmp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # Else workers run as nobody and cannot use tmp.
    return (f"{user}daemon off;\nworker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
            f"events {{}}\nhttp {{\naccess_log {tmp}/access.log;\n{temp}{block}\n}}\n")


def self_signed(tmp):
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files in tmp."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    (tmp / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
    return tmp / "cert.pem", tmp / "key.pem"


class SourceAddress(HTTPAdapter):
    """Connections that leave from one local address (127.0.0.2 …), so the server sees distinct clients."""

    def __init__(self, source):
        """Remember the address before the pool is made."""
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        """Bind every connection to the source address."""
        super().init_poolmanager(*args, source_address=(self.source, 0), **kwargs)


class Client:
    """A browser on its own loopback address that keeps the session cookie itself (a Secure one over http too)."""

    def __init__(self, base, source, headers=None, referer_base=None):
        """A client for base, connecting from source, sending headers with every request."""
        self.base, self.referer_base, self.cookie, self.headers = base, referer_base or base, None, headers or {}
        self.http = requests.Session()
        self.http.mount("http://", SourceAddress(source))
        self.http.mount("https://", SourceAddress(source))

    def request(self, method, path, headers=None, **kwargs):
        """One request, no redirects followed; keeps the cookie the answer sets."""
        headers = {**self.headers, **(headers or {})}
        if self.cookie:
            headers["Cookie"] = self.cookie
        response = self.http.request(method, self.base + path, headers=headers, allow_redirects=False,
                                     verify=False, **kwargs)  # Explicit: REQUESTS_CA_BUNDLE would win otherwise.
        self.http.cookies.clear()
        if "Set-Cookie" in response.headers:
            self.cookie = response.headers["Set-Cookie"].split(";")[0]
        return response

    def post_form(self, path, data, referer=OWN, page=None):
        """Fetch the page (or path) for its CSRF token, then post the form with a Referer (OWN: the page's URL)."""
        page = page or path
        token = CSRF.search(self.request("GET", page).text).group(1)
        referer = self.referer_base + page if referer is OWN else referer
        return self.request("POST", path, data={**data, "csrf_token": token},
                            headers={"Referer": referer} if referer is not None else {})

    def login(self, username, password):
        """Post the login form."""
        return self.post_form("/login", {"username": username, "password": password})
