"""Small-cell protection for the pilot evaluation (invariant 3): counts from 1 to 4 never show.

Primary suppression shows every count from 1 to 4 as SMALL. Secondary suppression then hides
counts of 5 or more as HIDDEN until no suppressed cell can be worked out from what is shown.
The attacker is assumed to know every published number, every line of the table (parts that add
up to a total), that SMALL means 1 to 4, that HIDDEN means 5 or more, and this algorithm.
"""

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
