"""Shift rostering: which shifts to put on the opening day so that enough agents are on
shift in every interval, at the fewest paid hours.

The set-covering formulation of shift scheduling (Dantzig 1954, *Operations Research*
2(3), on Edie's toll-booth problem): a decision variable per shift type (length) and
start (an interval boundary) counts the shifts of that type starting there; a shift
covers the intervals it is on for entirely; every interval ``i`` needs coverage
``>= required[i]``; the objective is the paid hours, sum of length x count.  It is
solved as an integer programme with ``scipy.optimize.milp`` (HiGHS) under a time
limit.  If HiGHS returns no integer solution (time limit without an incumbent, or a
solver failure), a greedy roster is used instead and ``Roster.method`` says so:

**greedy**: scan the intervals in order; where coverage falls short of the requirement,
start the missing number of shifts of the longest type at the latest start that still
covers this interval (its own boundary, or the last start that fits in the day).  It
always covers the requirement; it does not enforce ``max_starts`` and is not optimal.

Shifts lie inside the opening hours: a shift longer than the day is clipped to the day
(and paid as clipped).  Shift lengths must be whole numbers of intervals (else some
interval could be impossible to cover); starts are interval boundaries.  Times are
seconds since opening.

A roster HiGHS proved optimal is kept (``_SOLVED``, a small table in this process,
keyed by the exact inputs): the same requirement under the same shift rules is not
solved again (the starting plan's search is run for the pilot and again for the run;
runs of one config in one process share their first plans).  HiGHS is deterministic,
so a kept roster is the one a new solve would return; rosters cut short by the time
limit or found by the greedy fallback are never kept.  Every solve of the shipped
scenarios is proved optimal at the root node, far inside the limit.  The parts of the
programme that do not depend on the requirement (costs, the constraint matrix, the other
rows' bounds) are built once per shift rules (``_programme``), the same matrix HiGHS got
from the separate constraints.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_array, vstack

#: Seconds HiGHS may spend on one roster before the greedy roster is used.
TIME_LIMIT_S = 20.0
#: Optimal rosters kept, the least recently used dropped first.
SOLVED_MAX = 512
_SOLVED: OrderedDict[tuple, Roster] = OrderedDict()
_SOLVED_LOCK = threading.Lock()  # the app may run models in threads


@dataclass(frozen=True)
class Roster:
    """A day's shifts: ``starts_s``/``ends_s`` one entry per shift (seconds since
    opening, sorted by start then end), ``coverage[i]`` agents on shift in interval
    ``i``, ``paid_hours`` (sum of shift lengths, h) and ``method`` (how it was found)."""

    starts_s: np.ndarray
    ends_s: np.ndarray
    coverage: np.ndarray
    paid_hours: float
    method: str


def _shift_types(n_int: int, interval_s: float, lengths_s: tuple[float, ...]):
    """(covered intervals, paid seconds) per distinct shift type, clipped to the day."""
    types: dict[tuple[int, float], None] = {}
    for length in lengths_s:
        paid = min(float(length), n_int * interval_s)
        cover = round(paid / interval_s)
        if not length > 0 or abs(cover * interval_s - paid) > 1e-6 * interval_s:
            raise ValueError(
                f"shift length {length!r} s is not allowed: use a positive whole number "
                f"of {interval_s:g} s intervals"
            )
        types[(cover, paid)] = None
    return list(types)


def _last_start(n_int: int, interval_s: float, paid_s: float) -> int:
    """Last interval boundary a shift of ``paid_s`` seconds may start at and end by
    closing time."""
    return math.floor((n_int * interval_s - paid_s) / interval_s + 1e-9)


def _columns(n_int: int, interval_s: float, types):
    """Every (type, start interval) pair of shifts that lie inside the day."""
    return [
        (t, s)
        for t, (_, paid) in enumerate(types)
        for s in range(_last_start(n_int, interval_s, paid) + 1)
    ]


def _coverage(n_int: int, types, cols, x: np.ndarray) -> np.ndarray:
    cov = np.zeros(n_int, dtype=int)
    for (t, s), k in zip(cols, x, strict=True):
        cov[s : s + types[t][0]] += int(k)
    return cov


def _greedy(required: np.ndarray, interval_s: float, types, cols) -> np.ndarray:
    n_int = required.shape[0]
    t = max(range(len(types)), key=lambda i: (types[i][0], -types[i][1]))
    cover, last = types[t][0], _last_start(n_int, interval_s, types[t][1])
    index = {c: i for i, c in enumerate(cols)}
    x = np.zeros(len(cols), dtype=int)
    cov = np.zeros(n_int, dtype=int)
    for i in range(n_int):
        short = int(required[i]) - cov[i]
        if short > 0:
            s = min(i, last)
            x[index[(t, s)]] += short
            cov[s : s + cover] += short
    return x


def roster(
    required: np.ndarray,
    interval_s: float,
    shift_lengths_s: tuple[float, ...],
    max_starts: int | None = None,
    time_limit_s: float = TIME_LIMIT_S,
    part_time: tuple[float, float] | None = None,
) -> Roster:
    """The cheapest set of shifts covering ``required`` agents per interval.

    ``required[i]``: agents that must be on shift in interval ``i`` (of ``interval_s``
    seconds) of the opening day; ``shift_lengths_s``: the shift types' lengths, s;
    ``max_starts``: at most this many shifts may start at one interval boundary (all
    types together; None = no limit).  Raises ValueError when ``max_starts`` makes the
    requirement impossible to cover (HiGHS proves it infeasible).

    Parameters
    ----------
    required:
        Agents that must be on shift in each interval (non-negative integers).
    interval_s:
        Length of an interval, s.
    shift_lengths_s:
        The shift types' paid lengths, s.
    max_starts:
        At most this many shifts may start at one interval boundary (None: no limit).
    time_limit_s:
        Time limit of the HiGHS solver, s (then the greedy fallback).
    part_time:
        (full-time length s, most part-time share): shifts shorter than the full-time
        length (or than the longest type, when the day is shorter) are at most this
        share of all shifts (None: no cap).  The greedy fallback uses only the longest
        type, so it keeps any cap.
    """
    req = np.asarray(required)
    if req.ndim != 1 or np.any(req < 0) or np.any(req != np.round(req)):
        raise ValueError("required must be a 1-d array of non-negative integers")
    req = req.astype(int)
    n_int = req.shape[0]
    if not shift_lengths_s:
        raise ValueError("roster needs at least one shift length")
    types = _shift_types(n_int, interval_s, tuple(shift_lengths_s))
    key = (req.tobytes(), n_int, interval_s, tuple(types), max_starts, part_time, time_limit_s)
    with _SOLVED_LOCK:
        kept = _SOLVED.get(key)
        if kept is not None:
            _SOLVED.move_to_end(key)
    if kept is not None:
        return _copy(kept)
    cols = _columns(n_int, interval_s, types)
    if n_int == 0 or req.max(initial=0) == 0:
        return _result(np.zeros(len(cols), dtype=int), types, cols, interval_s, n_int, "empty")
    cost, a, lb_rest, ub_rest = _programme(n_int, interval_s, tuple(types), max_starts, part_time)
    lb = np.concatenate([req.astype(np.float64), lb_rest])
    ub = np.concatenate([np.full(n_int, np.inf), ub_rest])
    constraints = LinearConstraint(a, lb=lb, ub=ub)
    res = milp(
        cost,
        constraints=constraints,
        integrality=np.ones(len(cols)),
        bounds=Bounds(0, np.inf),
        options={"time_limit": time_limit_s},
    )
    if res.status == 2:
        raise ValueError(
            f"no roster covers the requirement with max_starts={max_starts} shifts per start"
        )
    if res.x is not None:
        x = np.round(res.x).astype(int)
        how = "milp" if res.status == 0 else f"milp (stopped early: {res.message})"
        found = _result(x, types, cols, interval_s, n_int, how)
        if res.status == 0:  # proved optimal: deterministic, so kept
            with _SOLVED_LOCK:
                _SOLVED[key] = _copy(found)
                if len(_SOLVED) > SOLVED_MAX:
                    _SOLVED.popitem(last=False)
        return found
    x = _greedy(req, interval_s, types, cols)
    note = " (max_starts not enforced)" if max_starts is not None else ""
    how = f"greedy: milp found no solution ({res.message}){note}"
    return _result(x, types, cols, interval_s, n_int, how)


@functools.lru_cache(maxsize=64)
def _programme(
    n_int: int,
    interval_s: float,
    types: tuple,
    max_starts: int | None,
    part_time: tuple[float, float] | None,
) -> tuple[np.ndarray, csc_array, np.ndarray, np.ndarray]:
    """The parts of the integer programme that do not depend on the requirement, built
    once per shift rules: the cost of each column (paid hours), the constraint matrix
    (coverage rows, then the starts per boundary when capped, then the part-time row;
    stacked as ``milp`` stacks separate constraints, so HiGHS gets the same matrix) and
    the bounds of the rows after the coverage rows.  Read only: never changed in place.

    Parameters
    ----------
    n_int:
        Intervals in the day.
    interval_s:
        Length of an interval, s.
    types:
        (covered intervals, paid seconds) per shift type.
    max_starts:
        Most shifts starting at one boundary (None: no cap).
    part_time:
        (full-time length s, most part-time share), or None.
    """
    cols = _columns(n_int, interval_s, types)
    a = np.zeros((n_int, len(cols)))
    for j, (t, s) in enumerate(cols):
        a[s : s + types[t][0], j] = 1.0
    blocks, lb, ub = [csc_array(a)], [np.empty(0)], [np.empty(0)]
    if max_starts is not None:
        starts = np.zeros((n_int, len(cols)))
        for j, (_, s) in enumerate(cols):
            starts[s, j] = 1.0
        blocks.append(csc_array(starts))
        lb.append(np.zeros(n_int))
        ub.append(np.full(n_int, float(max_starts)))
    if part_time is not None:  # sum(part-time) <= share x sum(all shifts)
        full = min(part_time[0], max(paid for _, paid in types)) - 1e-6
        short = np.array([types[t][1] < full for t, _ in cols], dtype=float)
        if short.any():
            blocks.append(csc_array((short - part_time[1])[None, :]))
            lb.append(np.array([-np.inf]))
            ub.append(np.array([0.0]))
    matrix = vstack(blocks, format="csc") if len(blocks) > 1 else blocks[0]
    cost = np.array([types[t][1] / 3600.0 for t, _ in cols])
    return cost, matrix, np.concatenate(lb), np.concatenate(ub)


def _copy(r: Roster) -> Roster:
    """A roster with its own arrays (a kept roster is never handed out itself)."""
    return replace(
        r, starts_s=r.starts_s.copy(), ends_s=r.ends_s.copy(), coverage=r.coverage.copy()
    )


def _result(x, types, cols, interval_s: float, n_int: int, method: str) -> Roster:
    """The roster of the chosen shift counts ``x``.

    Parameters
    ----------
    x:
        Shifts chosen per column.
    types:
        (covered intervals, paid seconds) per shift type.
    cols:
        (type, start interval) of each column.
    interval_s:
        Length of an interval, s.
    n_int:
        Intervals in the day.
    method:
        How the roster was found (``highs`` or ``greedy``).
    """
    starts, ends = [], []
    for (t, s), k in zip(cols, x, strict=True):
        starts += [s * interval_s] * int(k)
        ends += [s * interval_s + types[t][1]] * int(k)
    order = np.lexsort((np.array(ends), np.array(starts))) if starts else np.zeros(0, int)
    st = np.array(starts, dtype=float)[order]
    en = np.array(ends, dtype=float)[order]
    paid = float((en - st).sum() / 3600.0)
    return Roster(st, en, _coverage(n_int, types, cols, x), paid, method)


def days_off_patterns(
    need: np.ndarray, open_days: np.ndarray, work_days: int
) -> tuple[int, list[frozenset[int]]]:
    """Headcount and the week's days-off patterns of one contract length (a rota).

    Each employee works at most ``work_days`` of the ``k`` open weekdays, so has
    ``k - work_days`` of them off.  The headcount is the least that covers the week:
    ``H = max(max_w need_w, ceil(sum_w need_w / min(work_days, k)))``.  The days off are
    dealt one employee at a time, each taking the distinct weekdays with the largest
    surplus ``H - need_w`` left (greedy, largest first): since the surpluses sum to at
    least ``H (k - work_days)`` and none exceeds ``H``, every weekday keeps at least
    ``need_w`` at work, and the quiet weekdays carry the days off.

    Parameters
    ----------
    need:
        Shifts of this length needed per weekday (7 entries, Monday first).
    open_days:
        The open weekdays (0 = Monday).
    work_days:
        Days a week each employee works (``calendar.work_days_per_week``).

    Returns
    -------
    tuple
        (headcount, one frozenset of weekdays off per employee; empty: no days off).
    """
    need = np.asarray(need, dtype=np.int64)
    k = len(open_days)
    n = need[open_days]
    if n.sum() == 0:
        return 0, []
    heads = int(max(n.max(), math.ceil(n.sum() / min(work_days, k))))
    off = k - work_days
    if off <= 0:
        return heads, []
    surplus = {int(w): heads - int(need[w]) for w in open_days}
    patterns = []
    for _ in range(heads):
        pick = sorted(surplus, key=lambda w: (-surplus[w], w))[:off]
        for w in pick:
            surplus[w] -= 1
        patterns.append(frozenset(pick))
    return heads, patterns
