"""The register of processing covers every column, and PRIVACY.md is what the code says."""
from pathlib import Path

from outreach.core.db import get_db
from outreach.admin.register import REGISTER, markdown, missing, schema_columns

PRIVACY = Path(__file__).resolve().parent.parent / "PRIVACY.md"


def test_every_column_is_in_the_register(app):
    """A new column without purpose, category, readers, term and ground fails here (DPIA inventory)."""
    with app.app_context():
        db = get_db()
        assert missing(db) == []
        stale = {(t, c) for t, (*_, columns) in REGISTER.items() for c in columns} - set(schema_columns(db))
    assert stale == set()


def test_privacy_md_is_generated_from_the_register(app):
    """The committed PRIVACY.md equals the generated one (run `flask --app outreach privacy-register`)."""
    with app.test_request_context():
        assert PRIVACY.read_text(encoding="utf-8") == markdown()


def test_register_page_and_command(auth, client, runner, tmp_path):
    """The admin sees the inventory; the command writes the file."""
    auth.login_role("admin")
    html = client.get("/admin/register/").get_data(as_text=True)
    assert "concern_reporters" in html and "identiteit van een melder" in html
    out = tmp_path / "PRIVACY.md"
    result = runner.invoke(args=["privacy-register", str(out)])
    assert result.exit_code == 0, result.output
    assert "## Wat op een telefoon staat" in out.read_text(encoding="utf-8")
