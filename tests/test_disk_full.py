"""A full disk: a save or a login answers 503 in Dutch with what was typed, saves nothing, and logs a clear line;
once there is room again the same entry is saved once. The database lives on a small tmpfs mounted here."""
import logging

from conftest import AuthActions, csrf_token, fill, make_app
from pageforms import browser_data, post_forms
from outreach.core.crypto import decrypt
from outreach.core.db import connect


def contacts(path):
    """The contacts' notes in the database, read by a connection of its own."""
    db = connect(path)
    try:
        return [r[0] for r in db.execute("select note from contacts").fetchall()]
    finally:
        db.close()


def test_save_on_a_full_disk_is_503_keeps_the_text_and_saves_once_later(small_disk, caplog):
    """The contact form on a full disk: 503, the Dutch message, the typed note shown and resendable, nothing half
    saved, the administrator's log line; after room is made, 'Opnieuw proberen' saves it exactly once."""
    path = small_disk / "straatwerk.sqlite"
    app = make_app(path)
    try:
        client = app.test_client()
        AuthActions(client).login_role("worker")
        page = client.get("/contacts/new").text
        data = {**browser_data(post_forms(page, "/contacts/new")["/contacts/new"]),
                "note": "Jongens bij de skatebaan, rustig", "youths_present": "3"}
        connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)")  # Every write must now grow a file.
        filler = fill(small_disk)
        with caplog.at_level(logging.ERROR):
            response = client.post("/contacts/new", data=data)
        text = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "geen ruimte meer" in text and "niet</strong> opgeslagen" in text
        assert "Jongens bij de skatebaan, rustig" in text  # What she typed, on the page.
        assert any("SCHIJF VOL" in r.getMessage() and "/contacts/new" in r.getMessage() for r in caplog.records)
        assert contacts(path) == []
        resend = post_forms(text, "/contacts/new")["/contacts/new"]
        filler.unlink()
        again = client.post("/contacts/new", data=browser_data(resend))
        assert again.status_code == 302
        with app.app_context():
            assert [decrypt("contacts", "note", n) for n in contacts(path)] == ["Jongens bij de skatebaan, rustig"]
    finally:
        app.extensions["outreach.db"].close_all()


def test_login_on_a_full_disk_is_503_and_never_echoes_the_password(small_disk):
    """Logging in needs its audit line: on a full disk it is a 503 in Dutch, not a 500, and the password stays out."""
    path = small_disk / "straatwerk.sqlite"
    app = make_app(path)
    try:
        client = app.test_client()
        token = csrf_token(client.get("/login").text)
        connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)")
        fill(small_disk)
        response = client.post("/login", data={"username": "werker", "password": "geheim-wachtwoord-123",
                                               "csrf_token": token})
        text = response.get_data(as_text=True)
        assert response.status_code == 503 and "geen ruimte meer" in text
        assert "geheim-wachtwoord-123" not in text and "Opnieuw proberen" not in text
    finally:
        app.extensions["outreach.db"].close_all()
