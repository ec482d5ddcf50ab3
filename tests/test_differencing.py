"""Invariant 3 across periods (issue 15): no run of months a manager can ask for, combined with any other,
gives back a single month's count from 1 to 4."""
from outreach.report import model
from outreach.report.model import Published

from differencing import attack, months_between, read_csv

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
