"""Pilot report benchmark at ~100k and ~1M contacts, as ratios measured side by side in one run.

For each size: the report page and the CSV export (the whole pilot, the heaviest period), each through the
app's WSGI stack with a logged-in manager, interleaved with the report's raw SQL alone (every query of both
periods, executed and fetched on a plain sqlite3 connection with the app's PRAGMAs). Prints medians and the ratios
route ÷ raw SQL and 1M ÷ 100k.

The demo databases take minutes to make; they are kept in --cache (default /tmp/straatwerk-bench) and reused.
"""
import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from outreach import create_app  # noqa: E402
from outreach.core.accounts import create_user, find_user  # noqa: E402
from outreach.core.db import connect, get_db  # noqa: E402
from outreach.core.ready import open_database
from outreach.demo.seed import seed  # noqa: E402
from outreach.core.dates import pilot_start  # noqa: E402
from outreach.report.figures import MEDIAN, QUERIES, SPANS, Period, params  # noqa: E402

PASSWORD = "bench-wachtwoord-2026"
END = date(2026, 11, 27)
SIZES = {"100k": 54, "1M": 540}  # --scale: about 1,850 contacts each


def app_on(path, scale):
    """The app on a cached demo database of the given scale (seeded on first use), with a bench manager."""
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        open_database(create=True, upgrade=True)  # What `init-db` does.
    with app.app_context():
        if not get_db()["contacts"].count:
            started = time.perf_counter()
            seed(2026, scale, END)
            print(f"  seeded --scale {scale} in {time.perf_counter() - started:.0f} s", flush=True)
        if not find_user("bench"):
            create_user("bench", "manager", PASSWORD)
            get_db().execute("update users set must_change_password = 0 where username = 'bench'")
    return app


def raw_sql(path, period, reach, start):
    """A function that runs the route's queries for a period and the previous one on a bare connection."""
    # A bare sqlite3 connection with the app's PRAGMAs (cache, mmap), so only the app's own work differs.
    conn = connect(path).conn
    # The same statements the route runs; only the page (reach) asks for youths per spot, for this period.
    # The previous period only when the route computes it: not when it lies wholly before the pilot (model.build).
    current = params(period)
    both = [current] + ([params(period.previous())] if period.previous().last >= start else [])
    statements = [(sql, v) for v in both for name, sql in QUERIES.items()
                  if name != "reach_per_spot" or reach and v is current]
    statements += [(MEDIAN.format(sql), v) for v in both for sql in SPANS.values()]

    def run():
        """Execute and fetch them all."""
        for sql, values in statements:
            conn.execute(sql, values).fetchall()
    return run


def timed(fn):
    """Seconds one call of fn takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(name, scale, cache, n):
    """Median seconds of page, CSV and raw SQL at one size, interleaved."""
    path = cache / f"report-{scale}.sqlite"
    app = app_on(path, scale)
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": PASSWORD})
    with app.app_context():
        start = pilot_start()
        period = Period(start, END.strftime("%Y-%m"))
        contacts = get_db()["contacts"].count
    url = f"?van={period.first}&tot={period.last}"
    assert client.get("/report/" + url).status_code == 200
    page_sql, csv_sql = raw_sql(str(path), period, True, start), raw_sql(str(path), period, False, start)
    times = {"page": [], "sql": [], "csv": [], "csv_sql": []}
    for _ in range(n):
        times["page"].append(timed(lambda: client.get("/report/" + url)))
        times["sql"].append(timed(page_sql))
        times["csv"].append(timed(lambda: client.get("/report/export.csv" + url)))
        times["csv_sql"].append(timed(csv_sql))
    result = {k: statistics.median(v) for k, v in times.items()}
    ms = {k: round(v * 1000) for k, v in result.items()}
    # Each run's own ratio (page and SQL measured one after the other): min / median / max over the runs.
    for kind, sql in (("page", "sql"), ("csv", "csv_sql")):
        ratios = sorted(a / b for a, b in zip(times[kind], times[sql]))
        spread = " / ".join(f"{round(min(v) * 1000)}–{round(statistics.median(v) * 1000)}–{round(max(v) * 1000)}"
                            for v in (times[kind], times[sql]))
        print(f"{name:>5} {kind} ÷ its SQL per run: min {ratios[0]:.2f}, median {statistics.median(ratios):.2f}, "
              f"max {ratios[-1]:.2f} (ms min–median–max: {spread})", flush=True)
    print(f"{name:>5} ({contacts:,} contacts, {period.first}..{period.last}): page {ms['page']} ms "
          f"(its SQL {ms['sql']} ms, ÷ {result['page'] / result['sql']:.2f}), CSV {ms['csv']} ms "
          f"(its SQL {ms['csv_sql']} ms, ÷ {result['csv'] / result['csv_sql']:.2f})", flush=True)
    return result


def main():
    """Measure both sizes and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=15, help="requests per kind and size (default 15)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/straatwerk-bench"))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    results = {name: measure(name, scale, args.cache, args.n) for name, scale in SIZES.items()}
    small, large = results["100k"], results["1M"]
    print(f"1M ÷ 100k: page {large['page'] / small['page']:.1f}, CSV {large['csv'] / small['csv']:.1f}, "
          f"page SQL {large['sql'] / small['sql']:.1f}")


if __name__ == "__main__":
    main()
