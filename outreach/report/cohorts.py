"""Youths followed from their first month: the ED comparison and the time it takes to win trust before a handoff.

Month granularity, from the per-youth roll-up (report_youth_years), so the figures survive a purge. Every count
here is of distinct youths and is published rounded (protect.py); a share or median needs five youths or more.
The per-youth work is done by triggers (core/youth_first.py) and SQL (COHORTS, run by figures.run): only groups of
youths with the same months come back, a few hundred rows instead of every youth's years.
"""

# Per youth (report_youth_first, migration 0021: kept by triggers, the same whatever the period): the first month,
# the ED in it, the first help from then on and the first handoff ever. For the period, help and a handoff count
# only up to its last month (after it they are unknown yet), a handoff only from the first month on; youths first
# met in the period, or handed over in it, grouped by those values, so only a few hundred rows leave SQL.
COHORTS = (
    "SELECT start, with_ed, CASE WHEN h IS NULL THEN s WHEN s IS NULL THEN h ELSE min(h, s) END, s, count(*) "
    "FROM (SELECT start, with_ed, CASE WHEN helped <= :last_code THEN helped END AS h, "
    "CASE WHEN sent >= start AND sent <= :last_code THEN sent END AS s FROM report_youth_first "
    "WHERE start <= :last_code) WHERE start >= :first_code OR s >= :first_code GROUP BY 1, 2, 3, 4")


def index(year, month):
    """Months since year 0, so that differences are whole months."""
    return year * 12 + month - 1


def code_index(code):
    """A month code year * 4096 + bit as months since year 0 (None stays None)."""
    return None if code is None else index(code // 4096, (code % 4096).bit_length())


def median(values):
    """The median of a sorted list, or None when empty."""
    return (values[(len(values) - 1) // 2] + values[len(values) // 2]) / 2 if values else None


def ed_cohorts(s, period, rows):
    """Youths first met in the period, with or without the ED in that first month: help within 3 and 6 months."""
    first, last = (index(int(m[:4]), int(m[5:7])) for m in (period.first, period.last))
    trust = []  # Months from a youth's first contact to their first handoff, for handoffs sent in the period.
    waits = {True: [], False: []}
    counts = {key: 0 for flag in ("ed", "no_ed") for key in
              (f"{flag}_new", f"{flag}_3m_base", f"{flag}_3m", f"{flag}_6m_base", f"{flag}_6m")}
    # Per group of youths: first month, ED in it, first help or handoff from then on, first handoff (if not before).
    for start, with_ed, helped, sent, n in rows["cohorts"]:
        start, helped, sent = code_index(start), code_index(helped), code_index(sent)
        if sent is not None and first <= sent <= last:
            trust += [sent - start] * n
        if not first <= start <= last:
            continue
        flag = "ed" if with_ed else "no_ed"
        wait = helped - start if helped is not None and helped <= last else None
        counts[f"{flag}_new"] += n
        waits[flag == "ed"] += [wait] * n
        for months in (3, 6):
            if start + months - 1 <= last:  # Only youths followed for the whole window count in its share.
                counts[f"{flag}_{months}m_base"] += n
                counts[f"{flag}_{months}m"] += n * (wait is not None and wait < months)
    trust.sort()
    s.cells["n_trust"] = len(trust)
    s.medians["trust"] = median(trust)
    s.cells.update(counts)
    for flag, name in ((True, "ed"), (False, "no_ed")):
        known = sorted(w for w in waits[flag] if w is not None)
        s.cells[f"n_{name}_wait"] = len(known)
        s.medians[f"{name}_wait"] = median(known)
