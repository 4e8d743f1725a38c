"""Shift rostering (sim/model/roster.py): coverage, optimality against brute force,
edge cases and the greedy fallback."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.sparse import csc_array

from sim.model import roster as rmod
from sim.model.roster import roster

H = 3600.0


def _coverage(r, n_int, interval_s):
    t = (np.arange(n_int) + 0.5) * interval_s
    return ((r.starts_s[:, None] <= t) & (r.ends_s[:, None] > t)).sum(axis=0)


def _brute_min_hours(required, lengths_int, interval_h, cap):
    """Cheapest cover by enumerating every count vector in 0..cap (tiny cases)."""
    n = len(required)
    cols = [(L, s) for L in lengths_int for s in range(n - L + 1)]
    best = np.inf
    for x in itertools.product(range(cap + 1), repeat=len(cols)):
        cov = np.zeros(n, dtype=int)
        for (L, s), k in zip(cols, x, strict=True):
            cov[s : s + L] += k
        if np.all(cov >= required):
            best = min(best, sum(k * L * interval_h for (L, _), k in zip(cols, x, strict=True)))
    return best


CASES = [
    ([1, 2, 2, 1, 0, 1], (2, 4)),
    ([2, 0, 1, 2, 2, 1], (3,)),
    ([0, 1, 1, 2, 1, 1], (2, 3)),
    ([1, 1, 2, 1, 2, 1], (1, 4)),
]


@pytest.mark.parametrize(("required", "lengths"), CASES)
def test_optimal_on_small_cases(required, lengths):
    interval_s = 1800.0
    r = roster(np.array(required), interval_s, tuple(L * interval_s for L in lengths))
    assert r.method == "milp"
    best = _brute_min_hours(np.array(required), lengths, 0.5, cap=2)
    assert r.paid_hours == pytest.approx(best)
    assert np.all(r.coverage >= required)
    assert np.array_equal(r.coverage, _coverage(r, len(required), interval_s))


def test_coverage_on_a_realistic_day():
    """16 half-hours with a two-peaked requirement, 4/6/8 h shifts."""
    rng = np.random.default_rng(3)
    required = np.round(20 + 15 * np.sin(np.linspace(0, 2 * np.pi, 16)) ** 2).astype(int)
    required += rng.integers(0, 5, 16)
    r = roster(required, 1800.0, (4 * H, 6 * H, 8 * H))
    assert np.all(r.coverage >= required)
    assert np.all(np.diff(r.starts_s) >= 0)
    assert np.all(r.starts_s >= 0) and np.all(r.ends_s <= 16 * 1800.0)
    assert r.paid_hours == pytest.approx(float((r.ends_s - r.starts_s).sum()) / H)
    # a lower bound: paid hours cannot be below the required agent-hours
    assert r.paid_hours >= required.sum() * 0.5


def test_empty_requirement():
    r = roster(np.zeros(16, dtype=int), 1800.0, (4 * H,))
    assert r.starts_s.size == 0 and r.ends_s.size == 0
    assert r.paid_hours == 0.0 and np.all(r.coverage == 0)


def test_flat_requirement_with_day_long_shifts():
    r = roster(np.full(16, 7), 1800.0, (8 * H,))
    assert r.starts_s.size == 7
    assert np.all(r.starts_s == 0.0) and np.all(r.ends_s == 8 * H)
    assert r.paid_hours == pytest.approx(56.0)


def test_shifts_longer_than_the_day_are_clipped():
    r = roster(np.array([3, 5, 2, 4]), 1800.0, (8 * H,))
    assert r.starts_s.size == 5 and np.all(r.ends_s == 2 * H)
    assert r.paid_hours == pytest.approx(10.0)


def test_max_starts():
    required = np.array([4, 8, 8, 8, 8, 8])
    free = roster(required, 1800.0, (1800.0, 3 * 1800.0))
    assert np.unique(free.starts_s, return_counts=True)[1].max() > 4  # the cap binds
    r = roster(required, 1800.0, (1800.0, 3 * 1800.0), max_starts=4)
    assert np.unique(r.starts_s, return_counts=True)[1].max() <= 4
    assert np.all(r.coverage >= required) and r.paid_hours >= free.paid_hours
    with pytest.raises(ValueError, match="max_starts"):
        roster(np.array([6, 6]), 1800.0, (3600.0,), max_starts=5)


def test_length_not_a_whole_number_of_intervals():
    with pytest.raises(ValueError, match="whole number"):
        roster(np.array([1, 1]), 1800.0, (2000.0,))


def test_greedy_covers():
    """The fallback (used when HiGHS finds no solution in time) always covers."""
    rng = np.random.default_rng(5)
    for _ in range(20):
        required = rng.integers(0, 30, 16)
        types = rmod._shift_types(16, 1800.0, (4 * H, 8 * H))
        cols = rmod._columns(16, 1800.0, types)
        x = rmod._greedy(required, 1800.0, types, cols)
        assert np.all(rmod._coverage(16, types, cols, x) >= required)


def test_fallback_is_reported(monkeypatch):
    class NoSolution:
        status, x, message = 1, None, "Time limit reached"

    monkeypatch.setattr(rmod, "milp", lambda *a, **k: NoSolution())
    required = np.array([1, 3, 2, 0, 4, 1])
    r = roster(required, 1800.0, (2 * 1800.0,))
    assert r.method.startswith("greedy") and "Time limit" in r.method
    assert np.all(r.coverage >= required)


def test_optimal_rosters_are_kept_and_handed_out_as_copies(monkeypatch):
    """An optimal roster is not solved again for the same inputs, and a caller changing
    the roster it got does not change the next one."""
    rmod._SOLVED.clear()
    required = np.array([3, 5, 4, 2, 6, 1, 2, 3])
    lengths = (2 * 1800.0, 4 * 1800.0)
    first = roster(required, 1800.0, lengths)
    assert first.method == "milp"

    class NoSolution:
        status, x, message = 1, None, "Time limit reached"

    solves = []

    def counted(*a, **k):
        solves.append(1)
        return NoSolution()

    monkeypatch.setattr(rmod, "milp", counted)
    again = roster(required, 1800.0, lengths)
    assert not solves
    assert again.starts_s is not first.starts_s
    assert np.array_equal(again.starts_s, first.starts_s)
    assert np.array_equal(again.ends_s, first.ends_s)
    assert np.array_equal(again.coverage, first.coverage)
    assert again.paid_hours == first.paid_hours
    again.starts_s[:] = -1.0
    assert np.array_equal(roster(required, 1800.0, lengths).starts_s, first.starts_s)
    roster(required, 1800.0, lengths, max_starts=4)  # other inputs: solved
    assert solves


def test_rosters_not_proved_optimal_are_not_kept(monkeypatch):
    class NoSolution:
        status, x, message = 1, None, "Time limit reached"

    rmod._SOLVED.clear()
    required = np.array([2, 3, 1, 4, 2, 2])
    solve = rmod.milp
    monkeypatch.setattr(rmod, "milp", lambda *a, **k: NoSolution())
    assert roster(required, 1800.0, (2 * 1800.0,)).method.startswith("greedy")
    monkeypatch.setattr(rmod, "milp", solve)
    assert roster(required, 1800.0, (2 * 1800.0,)).method == "milp"


@pytest.mark.parametrize("max_starts", [None, 5])
@pytest.mark.parametrize("part_time", [None, (28_800.0, 0.3), (28_800.0, 0.0)])
def test_programme_is_the_stacked_constraints(max_starts, part_time):
    """The requirement-free parts kept per shift rules (``_programme``) are the matrix
    and bounds the separate constraints gave ``milp`` (coverage rows, then the starts
    per boundary, then the part-time row), in the same compressed-column form."""
    n_int, w, lengths = 26, 1_800.0, (28_800.0, 14_400.0)
    types = tuple(rmod._shift_types(n_int, w, lengths))
    cols = rmod._columns(n_int, w, types)
    cover = np.zeros((n_int, len(cols)))
    starts = np.zeros((n_int, len(cols)))
    for j, (t, s) in enumerate(cols):
        cover[s : s + types[t][0], j] = 1.0
        starts[s, j] = 1.0
    rows, lb, ub = [cover], [], []
    if max_starts is not None:
        rows.append(starts)
        lb += [0.0] * n_int
        ub += [float(max_starts)] * n_int
    if part_time is not None:
        full = min(part_time[0], max(paid for _, paid in types)) - 1e-6
        short = np.array([types[t][1] < full for t, _ in cols], dtype=float)
        rows.append((short - part_time[1])[None, :])
        lb.append(-np.inf)
        ub.append(0.0)
    cost, a, lb_rest, ub_rest = rmod._programme(n_int, w, types, max_starts, part_time)
    want = csc_array(np.vstack(rows))
    for part in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(a, part), getattr(want, part))
    np.testing.assert_array_equal(lb_rest, lb)
    np.testing.assert_array_equal(ub_rest, ub)
    np.testing.assert_array_equal(cost, [types[t][1] / 3600.0 for t, _ in cols])
