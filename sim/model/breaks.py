"""Break placement: where each rostered shift's rest breaks, lunch and off-phone
activity go, against demand, within the rules a WFM team uses.

A shift's off-phone blocks (``planning.block_lengths``) are taken in time order.  The
rules (``BreakRules``, from ``workforce``): no block within ``edge_s`` of the shift's
start or end; each block within ``flex_s`` of its nominal place (the blocks spread
evenly through the shift); at least ``gap_s`` from the end of one block to the start of
the next.  Starts lie on a grid of ``slot_s`` (15 minutes, or the interval if shorter).

``place_breaks`` is a greedy heuristic, compiled with numba: with surplus = agents on
shift - target per grid slot, blocks are put down column by column (the longest first:
lunch, then the activity and rest breaks; in a second try in time order), each at the
start of its window that adds the least shortfall (agent-slots below target; ties: the
largest surplus in its worst slot, then the larger total, then the earliest); then
passes of local improvement lift each agent's blocks and put them down again, kept when
the shortfall does not grow, and each break alone to its best start between its
neighbours.  ``breaks_exact.place_breaks_milp`` is the exact integer programme
(HiGHS) of the same problem, minimising the shortfall; ``tests/test_breaks.py`` compares
the two.  Times are seconds since opening.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

#: Break starts lie on a grid of this many seconds (or the interval, if shorter).
BREAK_SLOT_S = 900.0
#: Passes of the local improvement after the greedy placement.
IMPROVE_PASSES = 3


@dataclass(frozen=True)
class BreakRules:
    """Where a shift's breaks may go (WFM rules), all in seconds: no break within
    ``edge_s`` of the shift's start or end; each break within ``flex_s`` of its nominal
    place (the breaks spread evenly through the shift); at least ``gap_s`` from the end
    of one break to the start of the next."""

    edge_s: float
    flex_s: float
    gap_s: float


def slot_s(interval_s: float) -> float:
    """The break grid, s: the largest divisor of ``interval_s`` not above
    ``BREAK_SLOT_S``.

    Parameters
    ----------
    interval_s:
        Length of a planning interval, s.
    """
    return interval_s / math.ceil(interval_s / BREAK_SLOT_S - 1e-9)


def windows(start: float, end: float, lens: np.ndarray, rules: BreakRules, grid: float):
    """Earliest and latest start of each break of one shift (``lens``: the lengths of
    its breaks in time order, s), on the grid, with room for the later breaks after
    each (gap included), clipped to the shift.  When the rules cannot all hold (a short
    shift) a break keeps its nominal place.

    Parameters
    ----------
    start, end:
        The shift, s since opening.
    lens:
        Lengths of its breaks in time order, s (all > 0).
    rules:
        Where the breaks may go.
    grid:
        Break grid, s.
    """
    k = lens.shape[0]
    span = end - start
    nominal = start + span * (np.arange(1, k + 1) / (k + 1)) - lens / 2.0
    lo = np.maximum(start + rules.edge_s, nominal - rules.flex_s)
    hi = np.minimum(end - rules.edge_s - lens, nominal + rules.flex_s)
    for b in range(1, k):  # forward: after the previous break and its gap
        lo[b] = max(lo[b], lo[b - 1] + lens[b - 1] + rules.gap_s)
    for b in range(k - 2, -1, -1):  # backward: leave room for the next
        hi[b] = min(hi[b], hi[b + 1] - lens[b] - rules.gap_s)
    lo = np.ceil((lo - 1e-6) / grid) * grid
    hi = np.floor((hi + 1e-6) / grid) * grid
    bad = hi < lo
    nom = np.clip(np.round(nominal / grid) * grid, start, np.maximum(start, end - lens))
    lo[bad] = hi[bad] = nom[bad]
    return lo, hi


def _window_table(starts, ends, lens, rules: BreakRules, grid: float):
    """Every agent's break windows (agents x columns; NaN where no break), computed once
    per distinct shift and offset by its start.

    Parameters
    ----------
    starts, ends:
        Each agent's shift, s since opening.
    lens:
        Break lengths, s (agents x columns; 0 = none).
    rules:
        Where the breaks may go.
    grid:
        Break grid, s.
    """
    k, nb = lens.shape
    lo, hi = np.full((k, nb), np.nan), np.full((k, nb), np.nan)
    # windows shift with a start on the grid: the agents of one shift (start off the
    # grid, end, breaks) share its windows, computed for the first of them
    off = np.array([math.floor(x) * grid for x in (starts / grid).tolist()], dtype=float)
    shifts = zip(
        (starts - off).tolist(), (ends - off).tolist(), map(tuple, lens.tolist()), strict=True
    )
    agents: dict[tuple, list[int]] = {}
    for a, key in enumerate(shifts):
        agents.setdefault(key, []).append(a)
    for key, rows in agents.items():
        on = lens[rows[0]] > 0
        w_lo, w_hi = windows(key[0], key[1], lens[rows[0], on], rules, grid)
        at = np.ix_(rows, np.flatnonzero(on))
        lo[at], hi[at] = w_lo + off[rows, None], w_hi + off[rows, None]
    return lo, hi


@njit(cache=True)
def _cover(surplus, t0, length, grid, sign):
    """Add ``sign`` x the share of each grid slot that [t0, t0 + length) covers.

    Parameters
    ----------
    surplus:
        Agents above target per grid slot (updated in place).
    t0, length:
        The break's start (s since opening) and length, s.
    grid:
        Break grid, s.
    sign:
        +1 to lift a break, -1 to put it down.
    """
    n = surplus.shape[0]
    i = int(t0 // grid)
    while i < n and i * grid < t0 + length - 1e-9:
        lo = max(i * grid, t0)
        hi = min((i + 1) * grid, t0 + length)
        if hi > lo:
            surplus[i] += sign * (hi - lo) / grid
        i += 1


@njit(cache=True)
def _best_start(surplus, lo, hi, length, grid):
    """The start in [lo, hi] (grid points) that adds the least shortfall; ties: the
    largest surplus in its worst overlapped slot, then the larger total, the earliest.

    Parameters
    ----------
    surplus:
        Agents above target per grid slot.
    lo, hi:
        The window of starts, s since opening (on the grid).
    length:
        The break's length, s.
    grid:
        Break grid, s.
    """
    n = surplus.shape[0]
    best = lo
    k_add, k_worst, k_tot = -np.inf, -np.inf, -np.inf
    t0 = lo
    while t0 <= hi + 1e-6:
        added, worst, tot = 0.0, np.inf, 0.0
        i = int(t0 // grid + 1e-9)
        while i < n and i * grid < t0 + length - 1e-9:
            share = (min((i + 1) * grid, t0 + length) - max(i * grid, t0)) / grid
            sp = surplus[i]
            added += max(share - sp, 0.0) - max(-sp, 0.0)
            worst = min(worst, sp)
            tot += sp * share
            i += 1
        a, w = -added, worst
        if a > k_add + 1e-12 or (
            abs(a - k_add) <= 1e-12
            and (w > k_worst + 1e-12 or (abs(w - k_worst) <= 1e-12 and tot > k_tot + 1e-12))
        ):
            best, k_add, k_worst, k_tot = t0, a, w, tot
        t0 += grid
    return best


@njit(cache=True)
def _free_window(a, c, lens, out, lo_t, hi_t, gap, grid):
    """Window of agent ``a``'s break in column ``c`` given its breaks placed so far
    (``out``, NaN = not yet): its own window, after the nearest placed break before it
    and before the nearest placed one after it, with room for the breaks in between; on
    the grid, never empty (then its earliest start).

    Parameters
    ----------
    a, c:
        Agent (row) and break column.
    lens:
        Break lengths, s (agents x columns; 0 = none).
    out:
        Starts placed so far, s (NaN = not yet).
    lo_t, hi_t:
        Each break's own window, s (``_window_table``).
    gap:
        Least gap between breaks, s.
    grid:
        Break grid, s.
    """
    nb = lens.shape[1]
    lo, hi = lo_t[a, c], hi_t[a, c]
    need = 0.0
    for p in range(c - 1, -1, -1):
        if lens[a, p] <= 0.0:
            continue
        need += lens[a, p] + gap
        if not np.isnan(out[a, p]):
            lo = max(lo, out[a, p] + need)
            break
    need = 0.0
    for q in range(c, nb):
        if lens[a, q] <= 0.0:
            continue
        if q > c and not np.isnan(out[a, q]):
            hi = min(hi, out[a, q] - need)
            break
        need += lens[a, q] + gap
    lo = math.ceil(lo / grid - 1e-9) * grid
    hi = math.floor(hi / grid + 1e-9) * grid
    return lo, max(lo, hi)


@njit(cache=True)
def _short(surplus):
    """Agent-slots below target: the sum of the negative surpluses."""
    s = 0.0
    for v in surplus:
        if v < 0.0:
            s -= v
    return s


@njit(cache=True)
def _place(surplus, lens, lo_t, hi_t, order, who, gap, grid, passes):
    """Greedy placement in column ``order`` (agents of column ``c`` in the order
    ``who[c]``) then ``passes`` of local improvement; returns the starts (agents x
    columns; 0 where no break) and updates ``surplus``.

    Parameters
    ----------
    surplus:
        Agents on shift less target per grid slot (updated in place).
    lens:
        Break lengths, s (agents x columns; 0 = none).
    lo_t, hi_t:
        Each break's own window, s (``_window_table``).
    order:
        Columns in the order they are placed.
    who:
        Per column, the agents in the order they are served.
    gap:
        Least gap between breaks, s.
    grid:
        Break grid, s.
    passes:
        Passes of local improvement.
    """
    k, nb = lens.shape
    out = np.full((k, nb), np.nan)
    for c in order:
        for a in who[c]:  # the agents in order: the narrowest window first
            if lens[a, c] <= 0.0:
                continue
            lo, hi = _free_window(a, c, lens, out, lo_t, hi_t, gap, grid)
            t0 = _best_start(surplus, lo, hi, lens[a, c], grid)
            _cover(surplus, t0, lens[a, c], grid, -1.0)
            out[a, c] = t0
    old = np.zeros(nb)
    for _ in range(passes):
        if _short(surplus) <= 0.0:
            break
        for a in range(k):
            before = _short(surplus)
            for c in range(nb):
                old[c] = out[a, c]
                if lens[a, c] > 0.0:
                    _cover(surplus, out[a, c], lens[a, c], grid, 1.0)
                    out[a, c] = np.nan
            for c in order:
                if lens[a, c] > 0.0:
                    lo, hi = _free_window(a, c, lens, out, lo_t, hi_t, gap, grid)
                    out[a, c] = _best_start(surplus, lo, hi, lens[a, c], grid)
                    _cover(surplus, out[a, c], lens[a, c], grid, -1.0)
            if _short(surplus) > before + 1e-9:  # undo
                for c in range(nb):
                    if lens[a, c] > 0.0:
                        _cover(surplus, out[a, c], lens[a, c], grid, 1.0)
                        _cover(surplus, old[c], lens[a, c], grid, -1.0)
                        out[a, c] = old[c]
            for c in range(nb):  # then each break alone, between its neighbours
                if lens[a, c] > 0.0:
                    _cover(surplus, out[a, c], lens[a, c], grid, 1.0)
                    out[a, c] = np.nan
                    lo, hi = _free_window(a, c, lens, out, lo_t, hi_t, gap, grid)
                    t0 = _best_start(surplus, lo, hi, lens[a, c], grid)
                    out[a, c] = t0
                    _cover(surplus, out[a, c], lens[a, c], grid, -1.0)
    for a in range(k):
        for c in range(nb):
            if np.isnan(out[a, c]):
                out[a, c] = 0.0
    return out


def on_shift(target: np.ndarray, starts: np.ndarray, ends: np.ndarray, grid: float):
    """Agents on shift at the middle of each grid slot of ``target``."""
    t = (np.arange(target.shape[0]) + 0.5) * grid
    return ((starts[:, None] <= t) & (ends[:, None] > t)).sum(axis=0).astype(float)


def place_breaks(
    target: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    lens: np.ndarray,
    rules: BreakRules,
    grid: float,
) -> np.ndarray:
    """Break starts, s (agents x columns; 0 where no break), that keep the most agents
    above ``target`` on the phones: the greedy placement of the module docstring (the
    better of two column orders).

    Parameters
    ----------
    target:
        Agents needed on the phones per grid slot.
    starts, ends:
        Each agent's shift, s since opening.
    lens:
        Break lengths, s (agents x columns in time order; 0 = none).
    rules:
        Where the breaks may go.
    grid:
        Break grid, s (``slot_s``).
    """
    starts = np.asarray(starts, dtype=float)
    lens = np.ascontiguousarray(lens, dtype=float)
    k, nb = lens.shape
    if k == 0:
        return np.zeros((0, nb))
    base = on_shift(target, starts, np.asarray(ends, float), grid) - np.asarray(target, float)
    lo_t, hi_t = _window_table(starts, np.asarray(ends, float), lens, rules, grid)
    longest = np.argsort(-lens.max(axis=0), kind="stable")
    width = np.nan_to_num(hi_t - lo_t, nan=np.inf)
    who = np.array([np.lexsort((np.arange(k), starts, width[:, c])) for c in range(nb)])
    best, best_short = np.zeros((k, nb)), np.inf
    for order in (
        longest,
        np.arange(nb),
        np.arange(nb)[::-1],
    ):  # lunch first; in time order; reversed
        surplus = base.copy()
        out = _place(
            surplus,
            lens,
            lo_t,
            hi_t,
            order.astype(np.int64),
            who,
            rules.gap_s,
            grid,
            IMPROVE_PASSES,
        )
        short = _short(surplus)
        if short < best_short - 1e-9:
            best, best_short = out, short
        if best_short <= 1e-9:  # nothing short: no order can do better
            break
    return best
