"""Issue 19 §5: the app and every command refuse to start on a missing or wrong key file, and say where it comes from."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import make_app
from outreach.core import reporters
from outreach.core.crypto import KeyFileError, decrypt, encrypt, key_path, new_key, read_keyring, write_keyring
from outreach.core.reporters import connect as connect_store, path_for

WHERE = "apart van de databaseback-ups"  # Backups never hold keys: the admin's own copy of the key file.


@pytest.fixture
def sealed_instance(app, seed_rows):
    """An instance folder whose database and reporter store hold sealed values; returns (database, key id)."""
    with app.app_context():
        description, reach = encrypt("spots", "description", "Achter de sporthal"), encrypt(
            "concern_reporters", "reach", "06-12345678")
        keys = key_path()
    seed_rows("spots", name="Skatebaan", kind="skatepark", lat=52.39, lon=6.03, description=description)
    seed_rows("concern_reporters", concern_id=1, reach=reach)
    app.extensions["outreach.db"].close_all()
    app.extensions["outreach.reporters"].close_all()
    return app.config["DATABASE"], read_keyring(keys)["current"]


def flask_cli(database, *args):
    """Run the real `flask --app outreach` command line in its own process on this database; (exit code, output)."""
    factory = f"outreach:create_app({{'DATABASE': {str(database)!r}, 'SECRET_KEY': 'test'}})"
    done = subprocess.run([sys.executable, "-m", "flask", "--app", factory, *args], capture_output=True, text=True,
                          timeout=120, cwd=os.path.dirname(database))
    return done.returncode, done.stdout + done.stderr


def test_missing_key_file_with_sealed_values_refuses_to_start(sealed_instance):
    """Without data-keys.json the app does not start (no fresh key is made); the message names key, file and source."""
    database, key_id = sealed_instance
    keys = os.path.join(os.path.dirname(database), "data-keys.json")
    os.remove(keys)
    with pytest.raises(KeyFileError) as refused:
        make_app(database)
    message = str(refused.value)
    assert f"sleutelbestand {keys} ontbreekt" in message and key_id in message and WHERE in message
    assert not os.path.exists(keys)  # Never a new key over sealed values.


def test_wrong_key_file_refuses_to_start_and_names_the_missing_key(sealed_instance, tmp_path):
    """A key file without the key the values need (another installation's) refuses; nothing is written under it."""
    database, key_id = sealed_instance
    other = {"current": None, "keys": {}}
    new_key(other)
    write_keyring(tmp_path / "data-keys.json", other)
    with pytest.raises(KeyFileError) as refused:
        make_app(database)
    message = str(refused.value)
    assert f"mist sleutel {key_id}" in message and other["current"] in message and WHERE in message


def test_a_key_only_the_reporter_store_needs_is_checked_too(sealed_instance, tmp_path):
    """Values in the reporter store count: a key file that only lacks the reporters' key refuses as well."""
    database, key_id = sealed_instance
    store = connect_store(path_for(database))
    store.execute("update concern_reporters set reach = replace(reach, ?, 'abcdef01')", [key_id])
    store.close()
    with pytest.raises(KeyFileError, match="mist sleutel abcdef01"):
        make_app(database)


def test_right_key_file_starts_and_reads(sealed_instance):
    """With the key file that holds every key in use the app starts and opens the values."""
    database, _ = sealed_instance
    app = make_app(database)
    try:
        with app.app_context():
            spot = app.extensions["outreach.db"].get()["spots"].get(1)
            assert decrypt("spots", "description", spot["description"]) == "Achter de sporthal"
            assert reporters.get(1) == {"name": None, "reach": "06-12345678"}
    finally:
        app.extensions["outreach.db"].close_all()


def test_flask_command_line_refuses_with_the_message_and_a_nonzero_exit(sealed_instance, tmp_path):
    """The real `flask --app outreach` CLI in its own process: missing and wrong key file refuse; the right one runs."""
    database, key_id = sealed_instance
    keys = os.path.join(os.path.dirname(database), "data-keys.json")
    kept = tmp_path / "kopie-van-de-beheerder.json"
    shutil.move(keys, kept)
    code, output = flask_cli(database, "purge")
    assert code != 0 and f"sleutelbestand {keys} ontbreekt" in output and key_id in output and WHERE in output
    assert "Traceback" not in output and not os.path.exists(keys)
    other = {"current": None, "keys": {}}
    new_key(other)
    with open(keys, "w") as f:
        json.dump(other, f)
    code, output = flask_cli(database, "backup", str(tmp_path / "kopie.sqlite"))
    assert code != 0 and f"mist sleutel {key_id}" in output and not (tmp_path / "kopie.sqlite").exists()
    shutil.copy(kept, keys)
    code, output = flask_cli(database, "init-db")
    assert code == 0 and "Database klaar" in output, output
