"""Small-cell protection for the pilot evaluation (invariant 3): counts from 1 to 4 never show, on any period.

A manager may ask for any run of whole months, so the danger is not one page but two: March–June minus
April–June is March. The report therefore never publishes a fresh exact count for a period. It uses two rules,
one per kind of figure, and both hold whatever periods are asked for and however their figures are combined.

1. Counts that add up over months (contacts, new youths, visits, concerns, handoffs, outcomes, substances) are
   built on a fixed grid: each month's count per category is a *unit*. A unit of 0 or of 5 or more counts as
   itself; a unit of 1 to 4 counts as 0 or 5, drawn once with chance n/5 of 5 (so on average it is right) and
   always the same draw for that unit. The figure of every period, also a single month, is the sum of its
   units' values, so every published number is a sum of unit values and any subtraction or addition of
   published numbers gives at most a unit's 0 or 5 back: never its true 1 to 4 (each of 1, 2, 3 and 4 stays
   possible for every unit shown as `<5`). A figure whose only non-zero units are small and drawn as 0
   shows `<5`.
2. Counts of distinct youths (reached, age, gender, stages, with and without the ED, in care) do not add up
   over months, so no subtraction of periods gives a month's count. They show 0, `<5` for 1 to 4, and else
   a multiple of 5, rounded up or down the same way (chance by the remainder, one fixed draw per figure and
   period), so two overlapping periods never give an exact small difference either.

The draws come from a keyed hash (HMAC with the app's secret key) of the unit's or figure's name: without
the key nobody can tell which way a count was rounded. Statistics offices round in the same way (the ONS
and CBS round to fives; the ABS cell-key method perturbs with a fixed key per record).

protect() below, the older per-page rule (hide counts of 5 or more as `x` until no `<5` can be worked out
from one page's totals), stays for tables whose exact totals must be published together.
"""
import hmac
from functools import lru_cache

SMALL = "<5"     # shown for a true count 1..4 (primary suppression)
HIDDEN = "x"     # shown for a count >= 5 hidden so that a small count cannot be worked out (secondary)
WITHHELD = "–"   # a whole group of linked counts not shown at all: no pattern of marks could protect it
SUPPRESSED = (SMALL, HIDDEN)
# Search nodes one exactness check may use; running out counts as "exposed", which only hides more.
BUDGET = 4000


class CannotProtect(ValueError):
    """Even with every count of 5 or more hidden, the pattern of "<5"s gives a count away: coarsen the table."""


def small(n):
    """True for a count that must not be published (1 to 4)."""
    return 1 <= n <= 4


@lru_cache(maxsize=500_000)
def draw(secret, name):
    """A fixed number in [0, 1) for the unit or figure `name`: the same name always gets the same draw."""
    # Kept in memory (a pure function of key and name): at a million contacts a report draws for ~17,000 small
    # units, the same ones on every request. HMAC-SHA256 as before: a draw must never change between versions,
    # or two downloads of the same period would be two independent roundings to average.
    digest = hmac.digest(secret.encode() if isinstance(secret, str) else secret, name.encode(), "sha256")
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def round5(n, u):
    """n rounded to a multiple of 5: up with chance (n mod 5)/5 by the draw u, so on average exact."""
    low = n - n % 5
    return low + 5 if u < (n % 5) / 5 else low


def grid_sum(units):
    """The published sum of month units [(count, draw)]: exact units as they are, small ones as 0 or 5."""
    exact = sum(n for n, _ in units if not small(n))
    drawn = [round5(n, u) for n, u in units if small(n)]
    if not drawn:
        return exact
    return exact + sum(drawn) if exact + sum(drawn) else SMALL


def rounded(n, u):
    """A count of distinct youths: 0, SMALL for 1 to 4, else a multiple of 5 (rounded by the draw u)."""
    return n if n == 0 else SMALL if small(n) else round5(n, u)


def share(part, base):
    """A whole percentage part/base, or None when publishing it could reveal a count from 1 to 4."""
    # A percentage travels with its base, so it gives back part and base - part: both must be publishable.
    if base < 5 or small(part) or small(base - part):
        return None
    return round(100 * part / base)


def protect(cells, lines=(), withhold=False, keep=()):
    """Publishable values for `cells` ({key: int >= 0}): ints that are 0 or >= 5, SMALL, or HIDDEN."""
    # `lines` holds (parts, total) pairs: the counts of the keys in `parts` add up to the count of `total`.
    # Raises CannotProtect when no choice of counts to hide would do (merge categories and try again), or,
    # with withhold=True, shows every cell of that group of linked cells as WITHHELD instead. Counts in
    # `keep` (headline figures) are hidden only when no other count would do.
    lines = [(tuple(parts), total) for parts, total in lines]
    if any(not isinstance(n, int) or n < 0 for n in cells.values()):
        raise ValueError("cells must be counts: ints >= 0")
    for parts, total in lines:
        if sum(cells[p] for p in parts) != cells[total]:
            raise ValueError(f"the parts of {total!r} do not add up to it")
    shown = {key: SMALL if small(n) else n for key, n in cells.items()}
    # Cells that share no line cannot be worked out from one another: each group of linked cells is protected
    # on its own, which keeps a report with hundreds of single counts (one per hangplek) fast.
    for group in _groups(lines):
        keys = {k for parts, total in group for k in (*parts, total)}
        part = {k: shown[k] for k in keys}
        # Hiding more only widens what the attacker must allow, so a cell once shown to be movable stays so.
        safe = set()
        try:
            while (key := _exposed(cells, part, group, safe)) is not None:
                part[_to_hide(cells, part, group, key, set(keep))] = HIDDEN
        except CannotProtect:
            if not withhold:
                raise
            part = dict.fromkeys(keys, WITHHELD)
        shown.update(part)
    return shown


def _groups(lines):
    """The lines split into groups that share no cell (connected components), in a fixed order."""
    parent = {}

    def root(k):
        """The representative of k's group."""
        while parent.setdefault(k, k) != k:
            k = parent[k]
        return k

    for parts, total in lines:
        for k in parts:
            parent[root(k)] = root(total)
    groups = {}
    for line in lines:
        groups.setdefault(root(line[1]), []).append(line)
    return list(groups.values())


def _exposed(cells, shown, lines, safe):
    """The first suppressed key whose true count follows from what is shown, or None; fills `safe`."""
    # Sorted by repr so that the same table always gets the same cells hidden, whatever the dict order.
    for key in sorted((k for k, v in shown.items() if v in SUPPRESSED and k not in safe), key=repr):
        other = _alternative(cells, shown, lines, key)
        if other is None:
            return key
        # The table found moves every cell where it differs from the truth, not just `key`.
        safe.update(k for k, n in other.items() if n != cells[k])
    return None


def _to_hide(cells, shown, lines, key, keep=frozenset()):
    """The published count to hide next so that the count of `key` stops following from the table."""
    ranked = _candidates(cells, shown, lines, key, keep)
    if not ranked:
        # Hiding only ever widens what the attacker must allow, and every cell that shares a line with this
        # group of suppressed cells is hidden or 0 already: no choice of cells to hide could protect it.
        raise CannotProtect(f"{key!r} follows from the table even with every count of 5 or more hidden")
    # Prefer a cell that frees `key` on its own; otherwise take the nearest, smallest one and go on. A kept
    # count is taken only when nothing else is left, even if hiding two others takes more steps.
    return next((k for k in ranked[:8] if (k not in keep or k == ranked[0])
                 and _alternative(cells, {**shown, k: HIDDEN}, lines, key)), ranked[0])


def _candidates(cells, shown, lines, key, keep=frozenset()):
    """Published counts >= 5 near `key`: kept ones last, nearest lines first, parts before totals, small first."""
    rank, used, frontier, seen, ring = {}, set(), {key}, {key}, 0
    while frontier:
        # Ring 0 is the lines through `key`; ring n+1 the lines through the suppressed cells of ring n,
        # because a suppressed cell can only move together with other suppressed cells it shares a line with.
        near = [i for i, (parts, total) in enumerate(lines)
                if i not in used and (total in frontier or frontier.intersection(parts))]
        used.update(near)
        for i in near:
            parts, total = lines[i]
            rank[total] = min(rank.get(total, (ring, 1)), (ring, 1))
            for p in parts:
                rank[p] = min(rank.get(p, (ring, 0)), (ring, 0))
        frontier = {k for i in near for k in (*lines[i][0], lines[i][1]) if shown[k] in SUPPRESSED} - seen
        seen |= frontier
        ring += 1
    found = [k for k in rank if shown[k] not in SUPPRESSED and shown[k] >= 5]
    return sorted(found, key=lambda k: (k in keep, *rank[k], cells[k], repr(k)))


def _alternative(cells, shown, lines, key):
    """Counts consistent with `shown` and every line that give `key` another count than its own, or None."""
    # An upper bound only drops tables, so a table found under it is real. In breakdowns and 2-D tables
    # with margins another table, if any, exists one step from the truth, so max + 1 loses nothing there;
    # in other shapes the cap can only make protect hide more than strictly needed.
    cap = max(cells.values(), default=0) + 1
    used = {k for parts, total in lines for k in (*parts, total)} | {key}
    box = {k: (1, 4) if shown[k] == SMALL else (5, cap) if shown[k] == HIDDEN else (shown[k], shown[k])
           for k in used}
    (lo, hi), n = box[key], cells[key]
    for a, b in ((lo, n - 1), (n + 1, hi)):
        other = _feasible({**box, key: (a, b)}, lines, cells) if a <= b else None
        if other is not None:
            return other
    return None


def _feasible(box, lines, cells):
    """Integers inside `box` ({key: (lo, hi)}) that make every line add up, or None (also over BUDGET)."""
    touching = {}
    for i, (parts, total) in enumerate(lines):
        for k in {*parts, total}:
            touching.setdefault(k, []).append(i)
    stack = [(box, range(len(lines)))]
    for _ in range(BUDGET):
        if not stack:
            return None
        current = _tighten(*stack.pop(), lines, touching)
        if current is None:
            continue
        open_keys = [k for k, (lo, hi) in current.items() if lo < hi]
        if not open_keys:
            # Every cell is pinned and every line passed _tighten, so every line adds up.
            return {k: lo for k, (lo, hi) in current.items()}
        # Split the narrowest open interval in two, searching the half that holds the true count first.
        k = min(open_keys, key=lambda k: (current[k][1] - current[k][0], repr(k)))
        (lo, hi), mid = current[k], sum(current[k]) // 2
        halves = [(mid + 1, hi), (lo, mid)]  # the stack pops the last one first
        if cells[k] > mid:
            halves.reverse()
        # A child differs from its tightened parent in `k` only, so only the lines through `k` need a look.
        stack.extend(({**current, k: half}, touching.get(k, ())) for half in halves)
    return None


def _tighten(box, todo, lines, touching):
    """Narrow intervals by the lines in `todo` and those they change, to a fixpoint; None when one empties."""
    # The fixpoint does not depend on the order the lines are looked at, so a plain set will do.
    box, todo = dict(box), set(todo)
    while todo:
        parts, total = lines[todo.pop()]
        low, high = sum(box[p][0] for p in parts), sum(box[p][1] for p in parts)
        t_low, t_high = box[total]
        # A total lies within the sum of its parts' ranges; a part is the total minus the other parts.
        bounds = [(total, low, high)] + [(p, t_low - (high - box[p][1]), t_high - (low - box[p][0]))
                                         for p in parts]
        for k, lo, hi in bounds:
            new = (max(box[k][0], lo), min(box[k][1], hi))
            if new[0] > new[1]:
                return None
            if new != box[k]:
                box[k] = new
                todo.update(touching[k])
    return box
