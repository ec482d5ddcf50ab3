"""The report's figures that are worked out in Python from other query rows, for speed at a million contacts
(outreach/report/figures.py, model.py), against a fresh count over the base tables, for every period of the demo year:
new youths per month (from the cohorts), the busiest hangplekken and the visits per spot (from the month units)."""
import pytest

from outreach.core.db import connect
from outreach.report.figures import TOP_SPOTS, Period
from outreach.report.model import collect

from differencing import months_between

END = "2026-11-27"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo year in a database of its own (made once for this module), and a connection to it."""
    from conftest import make_app
    path = tmp_path_factory.mktemp("figures") / "straatwerk.sqlite"
    app = make_app(path, SECRET_KEY="figures")
    # Twice the demo year: 24 hangplekken, so the fifteen busiest are a real choice.
    assert app.test_cli_runner().invoke(args=["seed-demo", "--end-date", END, "--scale", "2"]).exit_code == 0
    app.extensions["outreach.db"].close_all()
    db = connect(path)
    yield db
    db.close()


def periods(db):
    """Every from–to pair of months of the demo year, and a year before it (no data at all)."""
    first = db.execute("select substr(min(contacted_at), 1, 7) from contacts").fetchone()[0]
    months = months_between(first, END[:7])
    return [Period(a, b) for i, a in enumerate(months) for b in months[i:]] + [Period("2024-01", "2024-12")]


def test_new_youths_and_busiest_spots_equal_a_fresh_count_for_every_period(demo):
    """New youths by the month of their first contact ever; visits per spot, the fifteen busiest, spots visited."""
    first_month = dict(demo.execute(
        "select cy.youth_id, substr(min(c.contacted_at), 1, 7) from contact_youths cy join contacts c "
        "on c.id = cy.contact_id where c.replaced_by is null group by cy.youth_id").fetchall())
    checked = 0
    for period in periods(demo):
        sheet = collect(demo, period, reach=False)[0]
        cells = sheet.cells
        months = period.months
        for m in months:
            assert cells[f"month_new:{m}"] == sum(1 for f in first_month.values() if f == m), (period, m)
        assert cells["new"] == sum(1 for f in first_month.values() if period.first <= f <= period.last)
        per_spot = dict(demo.execute(
            "select spot_id, count(*) from visits where visited_at >= ? and visited_at < ? group by spot_id",
            [period.start, period.end]).fetchall())
        top = sorted(per_spot.items(), key=lambda s: (-s[1], s[0]))[:TOP_SPOTS]
        shown = {int(k.split(":")[1]): n for k, n in cells.items()
                 if k.startswith("spot_visits:") and not k.endswith(":rest")}
        assert shown == dict(top), period
        assert cells["spot_visits:rest"] == sum(per_spot.values()) - sum(n for _, n in top)
        assert cells["visits"] == sum(per_spot.values()) and sheet.places["spots_visited"] == len(per_spot)
        checked += len(per_spot) > TOP_SPOTS
    assert checked >= 60  # The demo year's periods, not empty ones.
