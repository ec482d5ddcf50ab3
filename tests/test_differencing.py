"""Invariant 3 across periods (issue 15): no run of months a manager can ask for, combined with any other,
gives back a single month's count from 1 to 4."""
import csv
import io
import re

from conftest import query_on
from outreach.report import model
from outreach.report.model import Published

from differencing import attack, months_between, period_of, read_csv, read_wide

END = "2026-11-27"  # The demo year runs from the end of November 2025.


def exports(client, months):
    """Every CSV a manager can download: each from–to pair of months of the pilot (the presets are among them)."""
    out = {}
    for i, first in enumerate(months):
        for last in months[i:]:
            response = client.get("/report/export.csv", query_string={"van": first, "tot": last})
            assert response.status_code == 200
            out.update(read_csv(response.data.decode("utf-8")))
    return out


def test_no_single_month_small_count_is_recovered_from_all_periods(app, auth, client, monkeypatch):
    """Over the demo year: every period's CSV, pairwise differences, disjoint sums, linear algebra, table lines."""
    result = app.test_cli_runner().invoke(args=["seed-demo", "--end-date", END])
    assert result.exit_code == 0, result.output
    auth.login_role("manager")
    with app.app_context():
        from outreach.core.dates import now_local, pilot_start
        months = months_between(pilot_start(), now_local().strftime("%Y-%m"))
    published = exports(client, months)
    # The CSV by quarter (one column per quarter): every number is one its quarter's own CSV publishes, so it
    # gives the attacker nothing new; it is part of what the attack holds anyway.
    wide = read_wide(client.get("/report/kwartalen.csv").data.decode("utf-8"))
    assert {k: published.get(k) for k in wide} == wide
    published.update(wide)
    # The truth: the same report with protection switched off, month by month.
    monkeypatch.setattr(model, "publish", lambda sheet, *args: Published(dict(sheet.cells), sheet))
    truth = {(f, a): int(t.replace(".", "")) for m in months
             for (f, (a, b)), t in read_csv(client.get("/report/export.csv", query_string={"van": m, "tot": m})
                                              .data.decode("utf-8")).items()
             if a == b == m and t.replace(".", "").isdigit()}
    targets, found = attack(published, truth)
    print(f"\n{len(months)} months, {len(months) * (len(months) + 1) // 2} periods, {len(published)} published "
          f"numbers, {len(targets)} protected single-month cells, {len(found)} recovered")
    assert len(targets) > 50, "the demo year must give the attack something to try"
    # The street signals (issue 15) are among the attacked cells: use and dealing seen, risk signals (the demo's
    # topics come up in dozens of contacts a month, never 1 to 4: nothing to attack there).
    attacked = {figure.split(": ")[0].split(" (")[0] for figure, _ in targets}
    assert {"Bezoeken met gebruik gezien, naar soort plek", "Bezoeken met dealen gezien, naar soort plek",
            "Bereikte jongeren naar risicosignaal"} <= attacked, attacked
    assert not found, sorted(found.items())[:10]


def test_csv_by_quarter_is_each_quarters_own_published_figures(app, auth, client):
    """One row per figure, one column per quarter of the pilot (clipped like the presets), in Dutch Excel form;
    every cell is exactly what that quarter's own CSV shows, and the download is audited."""
    assert app.test_cli_runner().invoke(args=["seed-demo", "--end-date", END]).exit_code == 0
    auth.login_role("manager")
    page = client.get("/report/").get_data(as_text=True)
    assert 'href="/report/kwartalen.csv"' in page
    response = client.get("/report/kwartalen.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.data.decode("utf-8")
    with app.app_context():
        from outreach.core.dates import now_local, pilot_start
        months = months_between(pilot_start(), now_local().strftime("%Y-%m"))
    quarters = {}
    for m in months:
        quarters.setdefault((m[:4], (int(m[5:]) - 1) // 3), []).append(m)
    periods = [(ms[0], ms[-1]) for ms in quarters.values()]
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert body.startswith("\ufeffOnderdeel;Cijfer;K") and len(periods) >= 5
    assert [period_of(re.search(r"\((.*)\)$", head).group(1)) for head in rows[0][2:]] == periods
    assert rows[0][3].startswith(f"K1 {periods[1][0][:4]} (jan ")
    figures = [tuple(r[:2]) for r in rows[1:]]
    # One row per figure, a cell for every quarter.
    assert len(figures) == len(set(figures)) > 200 and all(len(r) == 2 + len(periods) for r in rows)
    assert any(re.fullmatch(r"\d+,\d", c) for r in rows[1:] for c in r[2:])  # Decimal comma (medians).
    assert ("Bereik", "Jongeren bereikt") in figures
    # Every cell against the quarter's own CSV, and every number of those CSVs in the wide one.
    wide = read_wide(body)
    for first, last in periods:
        own = read_csv(client.get("/report/export.csv", query_string={"van": first, "tot": last})
                       .data.decode("utf-8"))
        mine = {k: v for k, v in own.items() if k[1] == (first, last)}
        assert {k: v for k, v in wide.items() if k[1] == (first, last)} == mine
    exports = [r["result"] for r in query_on(app)("select result from audit_log where action = 'export' "
                                                   "and object_type = 'report'")]
    assert exports[0] == f"kwartalen {months[0]}..{months[-1]}"
