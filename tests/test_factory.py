"""The app factory: defaults, the generated instance config, test config, URL converters."""
import os
import stat

from outreach import create_app
from outreach.core.instance import ensure_config


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


def test_instance_folder_comes_from_straatwerk_instance(tmp_path, monkeypatch):
    """STRAATWERK_INSTANCE names the instance folder; a new one gets nothing written until init-db makes its database,
    and then config.py holds the key the app already uses."""
    monkeypatch.setenv("STRAATWERK_INSTANCE", str(tmp_path / "elders"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "elders")
    assert app.config["DATABASE"] == str(tmp_path / "elders" / "straatwerk.sqlite")
    assert not (tmp_path / "elders").exists()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    config = (tmp_path / "elders" / "config.py").read_text()
    assert f"SECRET_KEY = {app.config['SECRET_KEY']!r}" in config
    assert stat.S_IMODE(os.stat(tmp_path / "elders").st_mode) == 0o700
    app.extensions["outreach.db"].close_all()
