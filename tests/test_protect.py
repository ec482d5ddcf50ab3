"""Small-cell protection (invariant 3): "<5" for counts 1 to 4, "x" where a total would give one away."""
import pytest
from hypothesis import example, given, settings, strategies as st

from outreach.report.protect import HIDDEN, SMALL, CannotProtect, draw, grid_sum, protect, round5, rounded, share, small


def line(*parts, total):
    """One additive line: the parts and the key of their total."""
    return (list(parts), total)


def table(rows):
    """The cells and lines of a 2-D table with row totals, column totals and a grand total."""
    cells = {(i, j): n for i, row in enumerate(rows) for j, n in enumerate(row)}
    height, width = len(rows), len(rows[0])
    for i in range(height):
        cells[i, "+"] = sum(rows[i])
    for j in range(width):
        cells["+", j] = sum(row[j] for row in rows)
    cells["+", "+"] = sum(map(sum, rows))
    lines = ([line(*[(i, j) for j in range(width)], total=(i, "+")) for i in range(height)]
             + [line(*[(i, j) for i in range(height)], total=("+", j)) for j in range(width)]
             + [line(*[(i, "+") for i in range(height)], total=("+", "+")),
                line(*[("+", j) for j in range(width)], total=("+", "+"))])
    return cells, lines


# --- The attacker: an exact search, independent of outreach.report.protect --------------------------------

def domain(shown, cap):
    """The counts the attacker allows each cell: its published value, 1..4 for "<5", 5..cap for "x"."""
    return {k: (1, 4) if v == SMALL else (5, cap) if v == HIDDEN else (v, v) for k, v in shown.items()}


def narrowed(bounds, lines):
    """`bounds` ({key: (lo, hi)}) cut to what each line allows given the others; None when one empties."""
    bounds = dict(bounds)
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            # Write the line as sum(parts) - total = 0: each cell is minus what the other terms add.
            terms = [(p, 1) for p in parts] + [(total, -1)]
            for i, (key, sign) in enumerate(terms):
                rest_lo = sum(min(s * bounds[k][0], s * bounds[k][1]) for j, (k, s) in enumerate(terms) if j != i)
                rest_hi = sum(max(s * bounds[k][0], s * bounds[k][1]) for j, (k, s) in enumerate(terms) if j != i)
                ends = sorted((-rest_hi * sign, -rest_lo * sign))
                new = (max(bounds[key][0], ends[0]), min(bounds[key][1], ends[1]))
                if new[0] > new[1]:
                    return None
                if new != bounds[key]:
                    bounds[key], changed = new, True
    return bounds


def completion_exists(bounds, lines):
    """Whether integers within `bounds` make every line add up: try each value of the narrowest cell."""
    bounds = narrowed(bounds, lines)
    if bounds is None:
        return False
    open_cells = [k for k, (lo, hi) in bounds.items() if lo < hi]
    if not open_cells:
        # The search is only pruned by `narrowed`; what decides is this plain check of a full table.
        return all(sum(bounds[p][0] for p in parts) == bounds[total][0] for parts, total in lines)
    key = min(open_cells, key=lambda k: (bounds[k][1] - bounds[k][0], repr(k)))
    lo, hi = bounds[key]
    return any(completion_exists({**bounds, key: (n, n)}, lines) for n in range(lo, hi + 1))


def attacker_values(shown, lines, key, cap, enough=2):
    """Up to `enough` counts `key` can have in some table consistent with everything published."""
    bounds = domain(shown, cap)
    found = set()
    lo, hi = bounds[key]
    for n in range(lo, hi + 1):
        if completion_exists({**bounds, key: (n, n)}, lines):
            found.add(n)
            if len(found) == enough:
                break
    return found


def check_protect(cells, lines, cap):
    """Protect the table and check it; a refusal must mean that no choice of cells to hide could do it."""
    try:
        shown = protect(cells, lines)
    except CannotProtect:
        # Hiding widens what the attacker must allow, so hiding every count >= 5 is the best there is.
        everything = {k: SMALL if small(n) else HIDDEN if n >= 5 else 0 for k, n in cells.items()}
        assert any(len(attacker_values(everything, lines, k, cap)) < 2 for k in cells if everything[k])
        return
    assert_protected(cells, lines, shown, cap)


def assert_protected(cells, lines, shown, cap):
    """Published counts are true and publishable, small ones are hidden, and no hidden one can be worked out."""
    assert shown.keys() == cells.keys()
    for key, n in cells.items():
        if shown[key] == SMALL:
            assert 1 <= n <= 4
        elif shown[key] == HIDDEN:
            assert n >= 5
        else:
            assert type(shown[key]) is int and shown[key] == n and (n == 0 or n >= 5)
        if 1 <= n <= 4:
            assert shown[key] == SMALL
    for key in cells:
        if shown[key] in (SMALL, HIDDEN):
            assert len(attacker_values(shown, lines, key, cap)) >= 2, (key, shown)


# --- Worked examples ---------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_invariant_3_counts_1_to_4_show_as_small(n):
    """A count from 1 to 4 shows as "<5", alone or as part of a breakdown."""
    assert protect({"jongeren": n}) == {"jongeren": SMALL}
    shown = protect({"a": n, "b": 20, "c": 30, "t": 50 + n}, [line("a", "b", "c", total="t")])
    assert shown["a"] == SMALL


def test_zero_and_five_are_published_four_is_not():
    """0 and 5 are shown as they are; 4 is the largest count that is suppressed."""
    assert protect({"nul": 0, "vijf": 5, "vier": 4}) == {"nul": 0, "vijf": 5, "vier": SMALL}
    assert [small(n) for n in range(7)] == [False, True, True, True, True, False, False]


def test_nothing_is_hidden_without_small_counts():
    """A table without counts from 1 to 4 is published whole."""
    cells = {"a": 0, "b": 7, "c": 12, "t": 19}
    assert protect(cells, [line("a", "b", "c", total="t")]) == cells


def test_small_part_hides_the_smallest_large_part():
    """3 + 12 + 0 = 15: with 12 shown, a = 15 - 12 - 0, so 12 is hidden too; 0 and the total stay."""
    shown = protect({"a": 3, "b": 12, "c": 0, "t": 15}, [line("a", "b", "c", total="t")])
    assert shown == {"a": SMALL, "b": HIDDEN, "c": 0, "t": 15}


def test_hiding_the_only_large_part_is_not_enough_so_the_total_goes():
    """1 + 5 = 6: hiding the 5 leaves a = 6 - b <= 1, so the total is hidden instead (and alone suffices)."""
    shown = protect({"a": 1, "b": 5, "t": 6}, [line("a", "b", total="t")])
    assert shown == {"a": SMALL, "b": 5, "t": HIDDEN}


def test_two_small_parts_summing_to_2_are_both_1_unless_more_is_hidden():
    """1 + 1 + 5 = 7: "<5" + "<5" = 2 forces both to 1, so the total is hidden."""
    shown = protect({"a": 1, "b": 1, "c": 5, "t": 7}, [line("a", "b", "c", total="t")])
    assert shown == {"a": SMALL, "b": SMALL, "c": 5, "t": HIDDEN}


def test_small_cell_in_a_2x2_table_hides_the_rectangle():
    """A small inner cell with all margins shown: the other three inner cells go, the margins stay."""
    cells, lines = table([[3, 10], [10, 10]])
    shown = protect(cells, lines)
    assert [shown[0, 0], shown[0, 1], shown[1, 0], shown[1, 1]] == [SMALL, HIDDEN, HIDDEN, HIDDEN]
    assert [shown[0, "+"], shown[1, "+"], shown["+", 0], shown["+", 1], shown["+", "+"]] == [13, 20, 13, 20, 33]


@pytest.mark.parametrize("cells, lines", [
    (table([[1, 1], [1, 1]])),
    ({"a": 1, "b": 1, "c": 1, "d": 1, "t": 4}, [line("a", "b", "c", "d", total="t")]),
])
def test_table_that_gives_itself_away_is_refused(cells, lines):
    """Four "<5"s adding up to a "<5" must all be 1: nothing to hide can help, so protect refuses."""
    with pytest.raises(CannotProtect):
        protect(cells, lines)


def test_small_cell_that_intervals_alone_do_not_pin_is_still_protected():
    """Found by hypothesis: every line holds 2+ "<5"s and line-by-line ranges stay wide, yet with the
    grand total 7 shown the corner must be 1 (R2 + C2 <= 8 while R2 + C2 = 7 + corner), so 7 is hidden."""
    cells, lines = table([[0, 0, 1], [0, 0, 2], [1, 2, 1]])
    shown = protect(cells, lines)
    assert shown["+", "+"] == HIDDEN
    assert attacker_values(shown | {("+", "+"): 7}, lines, (2, 2), cap=100) == {1}
    assert_protected(cells, lines, shown, cap=100)


def test_lines_that_do_not_add_up_are_refused():
    """A table whose parts do not add up to the total is an error, not something to publish."""
    with pytest.raises(ValueError):
        protect({"a": 1, "t": 2}, [line("a", total="t")])
    with pytest.raises(ValueError):
        protect({"a": -1})


def test_same_input_gives_same_output():
    """Determinism: the same table, even with its cells in another order, gets the same cells hidden."""
    cells, lines = table([[3, 7, 8], [9, 0, 6], [5, 2, 9]])
    first = protect(cells, lines)
    assert protect(dict(reversed(cells.items())), lines) == first == protect(cells, lines)


@pytest.mark.parametrize("part, base, expected", [
    (10, 20, 50), (0, 20, 0), (20, 20, 100), (3, 20, None), (17, 20, None), (2, 4, None), (0, 0, None),
    (5, 5, 100), (0, 5, 0), (1, 3, None),
])
def test_share_is_withheld_when_it_reveals_a_small_count(part, base, expected):
    """A percentage gives back part and base - part, so both must be 0 or at least 5, and the base >= 5."""
    assert share(part, base) == expected


# --- Properties against the exact attacker -----------------------------------------------------------
# The attacker lets each "x" range over 5..CAP. Any cap only removes tables from what the attacker
# must consider, so finding two counts under it proves two exist under the strict model (the test can
# only get stricter, never laxer). The cap uses no true count: it is twice the largest total the
# generator can make, more than the one step away from the truth at which these additive tables always
# have their alternatives, so in practice nothing the strict model allows is cut off either.

@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 15), min_size=1, max_size=6))
def test_one_line_of_parts_and_total_is_protected(parts):
    """A breakdown with its total: publishable, small counts hidden, no suppressed count recoverable."""
    cells = {("deel", i): n for i, n in enumerate(parts)} | {"totaal": sum(parts)}
    lines = [line(*[("deel", i) for i in range(len(parts))], total="totaal")]
    check_protect(cells, lines, cap=2 * 15 * 6)


# 2 to 3 rows of 2 to 3 counts from 0 to 9.
ROWS = st.integers(2, 3).flatmap(lambda height: st.integers(2, 3).flatmap(
    lambda width: st.lists(st.lists(st.integers(0, 9), min_size=width, max_size=width),
                           min_size=height, max_size=height)))


@settings(max_examples=200, deadline=None)
@example(rows=[[0, 0, 1], [0, 0, 2], [1, 2, 1]])
@given(ROWS)
def test_2d_table_with_margins_is_protected(rows):
    """A 2-D table with row, column and grand totals: the same guarantees across all its lines."""
    cells, lines = table(rows)
    check_protect(cells, lines, cap=2 * 9 * 3 * 3)


@settings(max_examples=100, deadline=None)
@given(ROWS)
def test_same_table_in_any_order_gets_the_same_cells_hidden(rows):
    """Determinism: neither a second run nor another order of cells and lines changes what is hidden."""
    cells, lines = table(rows)
    try:
        first = protect(cells, lines)
    except CannotProtect:
        with pytest.raises(CannotProtect):
            protect(dict(reversed(cells.items())), lines[::-1])
        return
    assert protect(cells, lines) == first == protect(dict(reversed(cells.items())), lines[::-1])


@given(st.integers(0, 200).flatmap(lambda base: st.tuples(st.integers(0, base), st.just(base))))
def test_share_never_reveals_a_small_count(part_base):
    """A returned percentage means base >= 5 and neither part nor base - part is 1 to 4."""
    part, base = part_base
    percent = share(part, base)
    if percent is not None:
        assert base >= 5 and not small(part) and not small(base - part)
        assert percent == round(100 * part / base)


def test_withhold_shows_a_group_that_cannot_be_protected_as_withheld_and_leaves_other_groups_alone():
    """withhold=True: the linked cells that give themselves away all show "–"; a table sharing no line is untouched."""
    from outreach.report.protect import WITHHELD
    ones = {"a": 1, "b": 1, "g": 1, "h": 1, "t": 4}  # Four "<5"s adding up to a "<5": all must be 1.
    cells = {**ones, "c": 3, "d": 12, "u": 15, "e": 9, "f": 6, "v": 15}
    lines = [line("a", "b", "g", "h", total="t"), line("c", "d", total="u"), line("e", "f", total="v")]
    shown = protect(cells, lines, withhold=True)
    assert shown == {**dict.fromkeys(ones, WITHHELD), "c": SMALL, "d": HIDDEN, "u": 15, "e": 9, "f": 6, "v": 15}


def test_a_kept_headline_count_is_hidden_only_when_no_other_count_will_do():
    """A kept count makes another one go instead; when hiding all others is not enough, it goes all the same."""
    cells, lines = {"a": 3, "b": 6, "c": 40, "t": 49}, [line("a", "b", "c", total="t")]
    assert protect(cells, lines, keep={"b"}) == {"a": SMALL, "b": 6, "c": HIDDEN, "t": 49}
    assert protect(cells, lines) == {"a": SMALL, "b": HIDDEN, "c": 40, "t": 49}
    assert protect({"a": 1, "b": 5, "t": 6}, [line("a", "b", total="t")], keep={"t"}) == {
        "a": SMALL, "b": HIDDEN, "t": HIDDEN}  # Without keep only the total goes (see above).


def test_refusals_say_what_is_wrong():
    """A bad table names its problem; a table that gives itself away names the cell."""
    with pytest.raises(ValueError, match=r"^cells must be counts: ints >= 0$"):
        protect({"a": 2.5})
    with pytest.raises(ValueError, match=r"^the parts of 't' do not add up to it$"):
        protect({"a": 1, "t": 2}, [line("a", total="t")])
    with pytest.raises(CannotProtect, match=r"follows from the table even with every count of 5 or more hidden"):
        protect({"a": 1, "b": 1, "c": 1, "d": 1, "t": 4}, [line("a", "b", "c", "d", total="t")])


@settings(max_examples=150, deadline=None)
@example(rows=[[0, 0, 1], [0, 0, 2], [1, 2, 1]], hide=2)
@example(rows=[[4, 1], [1, 4]], hide=0)
@given(ROWS, st.integers(0, 2))
def test_the_exactness_check_agrees_with_the_independent_attacker(rows, hide):
    """For every suppressed cell: another table that adds up exists exactly when the attacker finds one.

    The table offered as proof is itself checked: inside what is shown, every line adding up, the cell different.
    """
    from outreach.report.protect import _alternative
    cells, lines = table(rows)
    # Show the small counts as "<5" and hide every count >= 5 in one, two or all rows: wide, searchable ranges.
    shown = {k: SMALL if small(n) else HIDDEN if n >= 5 and (k[0] == "+" or k[0] <= hide) else n
             for k, n in cells.items()}
    cap = max(cells.values()) + 1
    bounds = domain(shown, cap)
    for key in (k for k, v in shown.items() if v in (SMALL, HIDDEN)):
        other = _alternative(cells, shown, lines, key)
        values = attacker_values(shown, lines, key, cap)
        if other is None:
            assert values == {cells[key]}, key
        else:
            assert len(values) == 2 and other[key] != cells[key]
            assert all(bounds[k][0] <= other[k] <= bounds[k][1] for k in other)
            assert all(sum(other[p] for p in parts) == other[total] for parts, total in lines)


@given(st.lists(st.integers(0, 40), min_size=1, max_size=13), st.lists(st.floats(0, 0.999), min_size=13, max_size=13))
def test_a_sum_of_month_units_never_shows_1_to_4_and_never_pins_a_small_unit(counts, draws):
    """Issue 15: a period's figure is a sum of unit values; each small unit could be any of 1..4 behind it."""
    units = list(zip(counts, draws))
    shown = grid_sum(units)
    assert shown == SMALL or not small(shown)
    for i, (n, u) in enumerate(units):
        if small(n):
            # Every other true value 1..4 of this unit, with a draw that rounds it the same way, gives the same sum.
            for other in range(1, 5):
                same_way = 0.0 if round5(n, u) == 5 else 0.999
                assert round5(other, same_way) == round5(n, u)
                assert grid_sum(units[:i] + [(other, same_way)] + units[i + 1:]) == shown


@given(st.integers(0, 500), st.floats(0, 0.999))
def test_a_youth_count_is_0_small_or_a_multiple_of_5_within_5_of_the_truth(n, u):
    """Counts of distinct youths: 0, '<5' for 1..4, else rounded to a multiple of 5 less than 5 away."""
    shown = rounded(n, u)
    assert shown == (SMALL if small(n) else shown)
    if not small(n):
        assert shown % 5 == 0 and abs(shown - n) < 5 and (shown == 0) == (n == 0)


def test_the_same_unit_always_gets_the_same_draw_and_a_key_changes_it():
    """A fixed draw per name: asking again gives nothing new; without the key nobody can compute it."""
    assert draw("key", "contacts/2026-03") == draw("key", "contacts/2026-03")
    assert draw("key", "contacts/2026-03") != draw("other", "contacts/2026-03")


@pytest.mark.parametrize("units, shown", [
    ([], 0), ([(0, 0.5)], 0), ([(7, 0.5), (0, 0.1)], 7),
    ([(3, 0.0)], 5),                      # A small unit drawn up counts as 5...
    ([(3, 0.9)], SMALL),                  # ...drawn down as 0: a figure of only such units shows "<5", never 0.
    ([(7, 0.5), (3, 0.9)], 7), ([(7, 0.5), (3, 0.0)], 12), ([(5, 0.5), (3, 0.0)], 10),
    ([(1, 0.1), (4, 0.7), (2, 0.5)], 10)])
def test_a_period_figure_is_its_exact_units_plus_each_small_unit_as_0_or_5(units, shown):
    """grid_sum, value by value: exact units (0 or 5 and more) as they are, each 1 to 4 as its drawn 0 or 5."""
    assert grid_sum(units) == shown


@pytest.mark.parametrize("n, u, shown", [
    (13, 0.0, 15), (13, 0.55, 15), (13, 0.5999, 15), (13, 0.6, 10), (13, 0.9, 10), (10, 0.0, 10), (10, 0.999, 10),
    (1, 0.1999, 5), (1, 0.2, 0), (24, 0.7999, 25), (24, 0.8, 20)])
def test_a_count_is_rounded_up_with_chance_remainder_over_5(n, u, shown):
    """round5: up exactly when the draw is below (n mod 5)/5 (so 13 goes up for 3 draws in 5), else down."""
    assert round5(n, u) == shown


def test_rounding_by_the_draw_is_right_on_average():
    """Over evenly spread draws the rounded count averages out at the true count (no bias up or down)."""
    for n in range(0, 30):
        draws = [(i + 0.5) / 1000 for i in range(1000)]
        assert sum(round5(n, u) for u in draws) / len(draws) == pytest.approx(n)
