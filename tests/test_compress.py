"""Responses are compressed by the app: brotli or gzip as the browser asks, never tiny ones, always Vary."""
import gzip
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("encoding, decode", [("gzip", gzip.decompress), ("br", brotli.decompress),
                                              ("gzip, deflate, br", brotli.decompress)])
def test_page_comes_compressed_when_asked(auth, client, encoding, decode):
    """The contact form comes brotli or gzip compressed as asked (brotli preferred), and decodes to the page."""
    auth.login_role("worker")
    plain = client.get("/contacts/new")
    packed = client.get("/contacts/new", headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == ("br" if "br" in encoding else "gzip")
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = decode(packed.data).decode()
    assert len(packed.data) < len(body) / 3 and "<h1>Contact</h1>" in body
    assert "Content-Encoding" not in plain.headers and "<h1>Contact</h1>" in plain.text


def test_page_is_not_compressed_when_not_asked(auth, client):
    """Without Accept-Encoding (or with only identity) the page goes as it is, still with Vary."""
    auth.login_role("worker")
    for headers in ({}, {"Accept-Encoding": "identity"}):
        response = client.get("/youths/", headers=headers)
        assert "Content-Encoding" not in response.headers and "<h1>Jongeren</h1>" in response.text
        assert "Accept-Encoding" in response.headers["Vary"]


def test_tiny_responses_are_not_compressed(auth, client, app):
    """A response under COMPRESS_MIN_SIZE goes uncompressed even when gzip is asked for."""
    auth.login_role("worker")
    response = client.get("/spots/zoek.json?q=niets", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and len(response.data) < app.config["COMPRESS_MIN_SIZE"]
    assert "Content-Encoding" not in response.headers and response.json == []


def test_static_files_come_compressed(client):
    """A static script (streamed from disk) comes compressed too, decoding to the file."""
    response = client.get("/static/js/offline.js", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == (ROOT / "static" / "js" / "offline.js").read_bytes()
