"""Youths followed from their first month: the ED comparison and the time it takes to win trust before a handoff.

Month granularity, from the per-youth roll-up (report_youth_years), so the figures survive a purge. Every count
here is of distinct youths and is published rounded (protect.py); a share or median needs five youths or more.
The per-youth work is done in SQL (COHORTS, run by figures.run): only groups of youths with the same months
come back, a few hundred rows instead of every youth's years.
"""

# The first year of each youth (its row, by SQLite's bare columns beside min()), the first month's bit in it, help
# from that month on in that year or else in a later year, and the youth's first handoff if not before that month.
FIRST_HELP_LATER = ("(SELECT min(year * 4096 + (help_months & -help_months)) FROM report_youth_years l "
                    "WHERE l.youth_id = s.youth_id AND l.year > s.y0 AND l.year <= :ly AND help_months != 0)")
COHORTS = (
    "WITH f AS (SELECT youth_id, min(year) AS y0, months AS m0, ed_months AS e0, help_months AS h0 "
    "FROM report_youth_years WHERE year <= :ly GROUP BY youth_id), "
    "s AS (SELECT youth_id, y0, y0 * 4096 + (m0 & -m0) AS start, (e0 & m0 & -m0) != 0 AS with_ed, "
    "h0 & ~((m0 & -m0) - 1) AS h FROM f), "
    "o AS (SELECT youth_id, min(CAST(substr(sent_at, 1, 4) AS INTEGER) * 4096 "
    "+ (1 << (CAST(substr(sent_at, 6, 2) AS INTEGER) - 1))) AS sent FROM handoffs WHERE sent_at < :end GROUP BY 1), "
    "p AS (SELECT s.start, s.with_ed, coalesce(CASE WHEN s.h THEN s.y0 * 4096 + (s.h & -s.h) END, "  # nosec B608
    + FIRST_HELP_LATER + ") AS helped, CASE WHEN o.sent >= s.start THEN o.sent END AS sent "
    "FROM s LEFT JOIN o ON o.youth_id = s.youth_id) "
    "SELECT start, with_ed, CASE WHEN helped IS NULL THEN sent WHEN sent IS NULL THEN helped "
    "ELSE min(helped, sent) END, sent, count(*) FROM p "
    "WHERE start BETWEEN :first_code AND :last_code OR sent BETWEEN :first_code AND :last_code GROUP BY 1, 2, 3, 4")


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
