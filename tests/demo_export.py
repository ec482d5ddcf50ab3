"""Seed the demo year into a new database and download the report CSV for the whole year and each month.

Run as a script by whichever version of the app is first on sys.path (tests/test_vocab.py runs it with the code
of an older commit, to get a database as that release made it): python demo_export.py DB END_DATE OUT.json.
Writes {"app": where outreach came from, "password": the manager's, "csv": {query string: CSV text}}.
"""
import json
import re
import sys
from datetime import date, timedelta


def months(end):
    """Every 'YYYY-MM' of the demo year that ends on `end`."""
    first = end - timedelta(days=364)
    y, m, out = first.year, first.month, []
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def queries(end):
    """The report periods to export: the whole demo year, then each month."""
    all_months = months(end)
    return [f"van={all_months[0]}&tot={all_months[-1]}"] + [f"van={m}&tot={m}" for m in all_months]


def login(client, password):
    """Log in as the demo manager through the real form."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "manager", "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def export(app, password, end):
    """{query string: the CSV as downloaded} for every period of queries(), with small-cell protection off.

    Unprotected, so that two releases whose protection differs (issue 15 changed it) can still be compared
    figure by figure: the migration must keep every true figure.
    """
    try:
        from outreach.report import model
    except ImportError:  # The flat layout of the older release.
        from outreach import report_model as model
    protected = model.publish
    model.publish = lambda sheet, *args: model.Published(dict(sheet.cells), sheet)
    try:
        client = app.test_client()
        login(client, password)
        out = {}
        for query in queries(end):
            response = client.get(f"/report/export.csv?{query}")
            assert response.status_code == 200, query
            out[query] = response.get_data(as_text=True)
    finally:
        model.publish = protected
    return out


def main(path, end_text, out_path):
    """Seed, export, write the JSON."""
    import outreach
    from outreach import create_app
    from outreach.db import open_database  # The flat layout of the older release this script is run with.
    from outreach.demo import seed

    end = date.fromisoformat(end_text)
    app = create_app({"TESTING": True, "DATABASE": path, "SECRET_KEY": "demo-export"})
    with app.app_context():
        open_database(create=True, upgrade=True)
        logins = seed(2026, 1, end)
    password = next(login[2] for login in logins if login[0] == "manager")
    result = {"app": outreach.__file__, "password": password, "csv": export(app, password, end)}
    app.extensions["outreach.db"].close_all()
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
