"""The exact break placement: the integer programme the greedy ``breaks.place_breaks`` is
checked against (``tests/test_breaks.py``), and the shortfall both minimise.

``shortfall`` is the agent-slots below target of a placement (each break covering the
share of each grid slot it overlaps); ``place_breaks_milp`` finds the placement that
minimises it under the same rules (``breaks.BreakRules``: windows, spacing) with HiGHS.
Not on the model's path: the model runs the compiled heuristic.  Times are seconds since
opening.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from .breaks import BreakRules, on_shift, windows

#: Seconds HiGHS may spend on the exact placement.
TIME_LIMIT_S = 20.0


def _touch(t0: float, length: float, grid: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Grid slots a break [t0, t0 + length) overlaps, and the share of each it covers."""
    a, b = int(t0 // grid), min(n, math.ceil((t0 + length) / grid - 1e-9))
    idx = np.arange(a, max(a, b))
    lo = np.maximum(idx * grid, t0)
    hi = np.minimum((idx + 1) * grid, t0 + length)
    return idx, np.clip(hi - lo, 0.0, None) / grid


def shortfall(
    target: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    brk: np.ndarray,
    lens: np.ndarray,
    grid: float,
) -> float:
    """Agent-slots short of ``target`` (sum over grid slots of max(0, target - on the
    phones)) with breaks at ``brk`` of lengths ``lens`` (agents x breaks), s.

    Parameters
    ----------
    target:
        Agents needed on the phones per grid slot.
    starts, ends:
        Each agent's shift, s since opening.
    brk:
        Break starts, s (agents x breaks).
    lens:
        Break lengths, s (0 = none).
    grid:
        Break grid, s.
    """
    n = target.shape[0]
    on = on_shift(target, starts, ends, grid)
    for a, b in zip(*np.nonzero(lens > 0), strict=True):
        idx, share = _touch(float(brk[a, b]), float(lens[a, b]), grid, n)
        on[idx] -= share
    return float(np.clip(target - on, 0.0, None).sum())


def place_breaks_milp(
    target: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    lens: np.ndarray,
    rules: BreakRules,
    grid: float,
) -> np.ndarray:
    """The exact break placement that minimises ``shortfall`` under the same rules
    (HiGHS integer programme): a binary per (agent, break, start in its window), one
    start per break, consecutive breaks at least ``gap_s`` apart, and a shortfall
    variable per slot >= target - on shift + breaks covering it.  For tests and small
    cases (the model uses ``place_breaks``).

    Parameters
    ----------
    target:
        Agents needed on the phones per grid slot.
    starts, ends:
        Each agent's shift, s since opening.
    lens:
        Break lengths, s (agents x breaks; 0 = none).
    rules:
        Where the breaks may go.
    grid:
        Break grid, s.
    """
    n = target.shape[0]
    on = on_shift(target, starts, ends, grid)
    cols = []  # (agent, break column, start s)
    for a in range(lens.shape[0]):
        which = np.flatnonzero(lens[a] > 0)
        lo, hi = windows(starts[a], ends[a], lens[a, which], rules, grid)
        for b, c in enumerate(which):
            cols += [(a, int(c), float(s)) for s in np.arange(lo[b], hi[b] + grid / 2, grid)]
    nx = len(cols)
    cost = np.concatenate([np.zeros(nx), np.ones(n)])
    cover = np.zeros((n, nx + n))  # shortfall_s + sum(share x) >= target_s - on_s
    for j, (a, c, s0) in enumerate(cols):
        idx, share = _touch(s0, float(lens[a, c]), grid, n)
        cover[idx, j] = -share
    cover[:, nx:] = np.eye(n)
    rows, lb, ub = [cover], list(target - on), [np.inf] * n
    keys = sorted({(a, c) for a, c, _ in cols})
    pos = {key: i for i, key in enumerate(keys)}
    one = np.zeros((len(keys), nx + n))
    for j, (a, c, _) in enumerate(cols):
        one[pos[(a, c)], j] = 1.0
    rows.append(one)
    lb += [1.0] * len(keys)
    ub += [1.0] * len(keys)
    for a, c in keys:  # start(next) - start(this) >= len + gap
        nxt = [k2 for k2 in keys if k2[0] == a and k2[1] > c]
        if not nxt:
            continue
        row = np.zeros(nx + n)
        for j, (a2, c2, s0) in enumerate(cols):
            if a2 == a and c2 == c:
                row[j] = -s0
            elif a2 == a and c2 == nxt[0][1]:
                row[j] = s0
        rows.append(row[None, :])
        lb.append(float(lens[a, c]) + rules.gap_s - 1e-6)
        ub.append(np.inf)
    res = milp(
        cost,
        constraints=[LinearConstraint(np.vstack(rows), lb=lb, ub=ub)],
        integrality=np.concatenate([np.ones(nx), np.zeros(n)]),
        bounds=Bounds(np.zeros(nx + n), np.concatenate([np.ones(nx), np.full(n, np.inf)])),
        options={"time_limit": TIME_LIMIT_S},
    )
    if res.x is None:
        raise ValueError(f"no break placement found: {res.message}")
    out = np.zeros(lens.shape)
    for j, (a, c, s0) in enumerate(cols):
        if res.x[j] > 0.5:
            out[a, c] = s0
    return out
