"""The differencing attack on the pilot report (invariant 3, issue 15), kept apart so it can be run on any version.

The attacker holds every CSV a manager can download (every run of whole months, each with its previous
period) and tries to get back each single-month count that its own page shows as `<5`: by the difference of
two nested periods, by two overlapping periods plus a published month, by a period minus the two periods
beside the month, by linear algebra over every published number of a figure, and by a table's total minus
its other rows.
"""
import csv
import io
import re
from collections import defaultdict
from itertools import combinations

import numpy as np

MONTHS_NL = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
MONTH = re.compile(r"(jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec) (\d{4})$")


def month_of(text):
    """'mrt 2026' as '2026-03'."""
    name, year = text.split()
    return f"{year}-{MONTHS_NL.index(name) + 1:02d}"


def period_of(label):
    """'mrt 2026 – mei 2026' or 'mrt 2026' as ('2026-03', '2026-05')."""
    parts = [month_of(p.strip()) for p in label.split("–")]
    return parts[0], parts[-1]


def number(text):
    """A published count as an int, or None for '<5', 'x', '–' or a percentage."""
    return int(text.replace(".", "")) if re.fullmatch(r"\d[\d.]*", text) else None


def months_between(first, last):
    """Every 'YYYY-MM' from first to last."""
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def read_csv(body):
    """{(figure, (first, last)): text} of one export."""
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))[1:]
    return {(r[1], period_of(r[2])): r[3] for r in rows if r[0] != "Inzichten"}


def read_wide(body):
    """{(figure, (first, last)): text} of the CSV by quarter: a column heading 'K1 2026 (jan 2026 – mrt 2026)'
    names its period; an empty cell is a figure the quarter does not have."""
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    periods = [period_of(re.search(r"\((.*)\)$", head).group(1)) for head in rows[0][2:]]
    return {(r[1], p): text for r in rows[1:] for p, text in zip(periods, r[2:]) if text != ""}


def attack(published, truth):
    """The protected single-month cells recovered exactly: {(figure, month): (true count, how)}."""
    months = sorted({m for _, (a, b) in published for m in months_between(a, b)})
    index = {m: i for i, m in enumerate(months)}
    ints = defaultdict(dict)  # figure -> {(first, last): value}
    for (figure, period), text in published.items():
        if number(text) is not None:
            ints[figure][period] = number(text)
    targets = {(f, a): truth[(f, a)] for (f, (a, b)), text in published.items()
               if a == b and text == "<5" and 1 <= truth.get((f, a), 0) <= 4}
    found = {}
    for (figure, month), true in targets.items():
        how = _direct(figure, month, true, ints) or _algebra(figure, month, true, ints[figure], index)
        how = how or _table_line(figure, month, true, published)
        if how:
            found[(figure, month)] = (true, how)
    return targets, found


def _direct(figure, month, true, ints):
    """A per-month row shown exactly anywhere, or a pair/triple of periods that isolates the month."""
    if MONTH.search(figure) and any(v == true for v in ints[figure].values()):
        return "a month's row shown exactly on another page"
    values = ints[figure]
    sets = {p: set(months_between(*p)) for p in values}
    for a, b in combinations(values, 2):
        for big, small in ((a, b), (b, a)):
            extra, missing = sets[big] - sets[small], sets[small] - sets[big]
            if extra == {month} and not missing and values[big] - values[small] == true:
                return f"{big} minus {small}"
            span = (min(missing), max(missing)) if missing else None
            if extra == {month} and span in values and sets[span] == missing \
                    and values[big] - values[small] + values[span] == true:
                return f"{big} minus {small} plus {span}"
    order = sorted(sets.get((month, month), {month}) | {m for p in values for m in sets[p]})
    for whole in values:
        if month not in sets[whole]:
            continue
        before = [m for m in order if whole[0] <= m < month]
        after = [m for m in order if month < m <= whole[1]]
        left = (before[0], before[-1]) if before else None
        right = (after[0], after[-1]) if after else None
        parts = [values.get(p) if p else 0 for p in (left, right)]
        if None not in parts and values[whole] - sum(parts) == true:
            return f"{whole} minus {left} and {right}"
    return None


def _algebra(figure, month, true, values, index):
    """Every published number of the figure as an equation over months: is the month's count determined?"""
    if not values or MONTH.search(figure):
        return None
    rows = np.zeros((len(values), len(index)))
    for r, (a, b) in enumerate(values):
        for m in months_between(a, b):
            rows[r, index[m]] = 1
    rhs = np.array(list(values.values()), dtype=float)
    solution, *_ = np.linalg.lstsq(rows, rhs, rcond=None)
    if not np.allclose(rows @ solution, rhs):
        return None  # Not exact sums of months: linear algebra cannot single a month out.
    unit = np.zeros(len(index))
    unit[index[month]] = 1
    if np.linalg.matrix_rank(np.vstack([rows, unit])) != np.linalg.matrix_rank(rows):
        return None
    return "linear algebra over all periods" if round(solution[index[month]]) == true else None


def _table_line(figure, month, true, published):
    """On the month's own page: the table's total minus its other rows."""
    if ": " not in figure:
        return None
    title, here = figure.split(": ", 1)[0], (month, month)
    rows = {f: number(t) for (f, p), t in published.items() if p == here and f.startswith(title + ": ")}
    total = rows.pop(f"{title}: Totaal", None)
    rows.pop(figure, None)
    if total is None or None in rows.values():
        return None
    return "table total minus its other rows" if total - sum(rows.values()) == true else None
