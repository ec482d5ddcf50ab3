"""The app factory: defaults, the generated instance config, test config, URL converters."""
import os
import stat

from outreach import create_app, ensure_config


def test_config_written_once_with_a_secret_key(tmp_path):
    """Config written once with a secret key."""
    path = ensure_config(tmp_path)
    text = path.read_text()
    assert "SECRET_KEY = '" in text and len(text.split("'")[1]) == 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # Readable by the owner only.
    ensure_config(tmp_path)
    assert path.read_text() == text  # Never overwritten: that would log everyone out.


def test_test_config_overrides_defaults(tmp_path):
    """Test config overrides defaults."""
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "t.sqlite"), "SECRET_KEY": "x"})
    assert app.testing and app.config["DATABASE"].endswith("t.sqlite")
    assert app.config["IDLE_TIMEOUT"]["worker"] == 7200 and app.config["IDLE_TIMEOUT"]["cjg"] == 1800
    assert "service.pdok.nl" in app.config["TILE_URL"]
    app.extensions["outreach.db"].close_all()


def test_huge_ids_are_not_found_not_errors(auth, client):
    """Huge ids are not found not errors."""
    auth.login_role("worker")
    for url in ("/spots/99999999999999999999", "/youths/99999999999999999999",
                "/contacts/99999999999999999999/edit"):
        assert client.get(url).status_code == 404
