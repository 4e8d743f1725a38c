"""The intraday re-forecast's checks of one team's day in one compiled pass.

``team_day`` runs every check of a day (``intraday.adjust``) on one team's duty: the
agents still at work, their time on the phones to come, the workload ratio, then
voluntary time off (VTO) or overtime, exactly as ``intraday``'s module docstring states
the rules.  The requirement of each check (the Erlang answers) comes in ready-made; no
random number is drawn.

Bit-identical to the vectorised numpy rule it replaces: every float operation is the
same and in the same order — each agent's cover is ``planning.agent_cover``'s (the
overlap of the shift with each interval less the overlaps of its four off-phone blocks
summed in column order, over the interval length), the agents' covers are summed agent
by agent in the order of the duty, and the day's totals by numpy's pairwise summation
(``pairwise_sum``); the order of who goes home and who stays longer is numpy's stable
sort.  NaN and the sign of zero follow numpy's ``minimum``/``maximum``/``clip``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .numpy_exact import clip0 as _clip0
from .numpy_exact import maximum as _max
from .numpy_exact import minimum as _min
from .numpy_exact import pairwise_sum, stable_argsort
from .planning import ACTIVITY, N_BLOCKS

#: What a check did (``team_day``'s ``kind``): nothing booked, VTO, overtime.
NONE, VTO, OVERTIME = 0, 1, 2


@njit(cache=True)
def cover_row(duty: tuple, has_rest: bool, j: int, open_s: float, w: float, out: np.ndarray):
    """Agent ``j``'s share of each interval on the phones into ``out`` (one interval
    each): ``planning.agent_cover``'s row of that agent, to the bit.

    Parameters
    ----------
    duty:
        The duty's arrays: shift starts and ends, activity block starts and lengths (one
        per agent), rest break and lunch starts and lengths (agents x ``N_BLOCKS``, the
        activity column unused; read only when ``has_rest``), s since opening.
    has_rest:
        Whether the duty has rest breaks and lunch (else those blocks are empty).
    j:
        The agent.
    open_s:
        Closing time, s since opening (shifts end there at the latest).
    w:
        Interval length, s.
    out:
        One share per interval (written).
    """
    start, end, brk_start, brk_len, rest_start, rest_len = duty
    s = start[j]
    e = _min(end[j], open_s)
    n = out.shape[0]
    b0s = np.empty(N_BLOCKS)
    b1s = np.empty(N_BLOCKS)
    finite = np.isfinite(s) and np.isfinite(e)
    for c in range(N_BLOCKS):
        if c == ACTIVITY:
            b0, bl = brk_start[j], brk_len[j]
        elif has_rest:
            b0, bl = rest_start[j, c], rest_len[j, c]
        else:
            b0, bl = 0.0, 0.0
        b0s[c], b1s[c] = b0, b0 + bl
        finite = finite and np.isfinite(b0s[c]) and np.isfinite(b1s[c])
    if not finite:  # the rule as it stands, interval by interval
        for i in range(n):
            lo = i * w
            hi = lo + w
            v = _clip0(_min(e, hi) - _max(s, lo))
            blk = 0.0
            for c in range(N_BLOCKS):
                o = _clip0(_min(b1s[c], hi) - _max(b0s[c], lo))
                blk = o if c == 0 else blk + o
            out[i] = (v - blk) / w
        return
    # finite spans: an interval outside a span overlaps it by exactly +0, which adds
    # nothing to the sums; only the intervals about each span are computed
    blks = np.zeros(n)
    for c in range(N_BLOCKS):
        if b1s[c] > b0s[c]:
            a, b = _near(b0s[c], b1s[c], w, n)
            for i in range(a, b):
                lo = i * w
                blks[i] = blks[i] + _clip0(_min(b1s[c], lo + w) - _max(b0s[c], lo))
    a, b = _near(s, e, w, n) if e > s else (0, 0)
    for i in range(n):
        v = 0.0
        if a <= i < b:
            lo = i * w
            v = _clip0(_min(e, lo + w) - _max(s, lo))
        out[i] = (v - blks[i]) / w


@njit(cache=True)
def _near(a: float, b: float, w: float, n: int) -> tuple[int, int]:
    """The intervals (of ``w`` s, ``n`` of them) that a finite span [a, b) can overlap,
    with one to spare each side: (first, past the last)."""
    lo = min(max(np.floor(a / w) - 1.0, 0.0), float(n))
    hi = min(max(np.ceil(b / w) + 1.0, 0.0), float(n))
    return int(lo), int(hi)


@njit(cache=True)
def _finite(a: np.ndarray) -> bool:
    """Whether every element of ``a`` is finite."""
    return bool(np.isfinite(a).all())


@njit(cache=True)
def _cut(start: float, length: float, leave: float) -> float:
    """An off-phone block's length cut at ``leave`` (``np.nan_to_num`` of the clipped
    length: a block after it goes, the one under way ends then)."""
    x = _clip0(_min(start + length, leave) - start)
    if x != x:
        return 0.0
    if x == np.inf:
        return np.finfo(np.float64).max
    return x


@njit(cache=True)
def team_day(
    start: np.ndarray,
    end: np.ndarray,
    brk_start: np.ndarray,
    brk_len: np.ndarray,
    rest_start: np.ndarray,
    rest_len: np.ndarray,
    has_rest: bool,
    times: np.ndarray,
    ratios: np.ndarray,
    active: np.ndarray,
    need: np.ndarray,
    plan_req: np.ndarray,
    open_s: float,
    w: float,
    limits: np.ndarray,
    vto: bool,
    overtime: bool,
    ot_max: int,
    kind: np.ndarray,
    add: np.ndarray,
) -> None:
    """Every check of one team's day, in time order (``intraday`` module docstring):
    shift ends and off-phone blocks changed in place; what each check booked returned in
    ``kind`` and ``add``.

    Parameters
    ----------
    start, end:
        Each agent's shift start and end today, s since opening (``end`` changed).
    brk_start, brk_len:
        Each agent's activity block, s (``brk_len`` cut for those sent home).
    rest_start, rest_len:
        Rest breaks and lunch, agents x ``N_BLOCKS`` (``rest_len`` cut), when ``has_rest``.
    has_rest:
        Whether the duty has rest breaks and lunch.
    times:
        Each check's time, s since opening.
    ratios:
        Each check's calls so far over the forecast so far.
    active:
        Whether each check runs (a forecast so far above 0).
    need:
        Each check's requirement per interval (checks x intervals; 0 for the intervals
        past), agents.
    plan_req:
        The plan's requirement per interval, agents.
    open_s:
        Closing time, s since opening.
    w:
        Interval length, s.
    limits:
        ``[1 - below, 1 + above, overtime hours in s]``.
    vto:
        Whether VTO is offered.
    overtime:
        Whether overtime may be asked (``workforce.overtime_hours > 0``).
    ot_max:
        Most agents asked to stay longer at one check (``overtime_max_share`` x agents).
    kind:
        Per check, written: ``NONE``, ``VTO`` or ``OVERTIME``.
    add:
        Per check, written: the VTO or overtime booked, s.
    """
    k, n = start.shape[0], need.shape[1]
    duty = (start, end, brk_start, brk_len, rest_start, rest_len)
    low, high, ot_s = limits[0], limits[1], limits[2]
    cover = np.empty((k, n))
    for j in range(k):
        cover_row(duty, has_rest, j, open_s, w, cover[j])
    lo = np.empty(n)
    for i in range(n):
        lo[i] = i * w
    # With finite shifts, blocks and plan, an interval already past adds +-0 to the
    # cover summed and never decides who goes or stays: the checks skip those intervals
    # (the intervals still to come are a suffix, from i0).
    finite = _finite(start) and _finite(end) and _finite(brk_start) and _finite(brk_len)
    finite = finite and _finite(plan_req)
    if has_rest:
        finite = finite and _finite(rest_start.ravel()) and _finite(rest_len.ravel())
    later = np.empty(n, dtype=np.bool_)
    lf = np.empty(n)
    on = np.empty(n)
    floor = np.empty(n)
    gain = np.empty(n)
    col = np.empty(k)
    key = np.empty(k)
    alive = np.empty(k, dtype=np.int64)
    pick = np.empty(k, dtype=np.int64)
    same = -1  # agents at work in the last sum of ``on`` still valid (-1: none)
    for c in range(times.shape[0]):
        kind[c] = NONE
        add[c] = 0.0
        if not active[c]:
            continue
        t = times[c]
        i0 = n
        for i in range(n):
            later[i] = lo[i] >= t - 1e-6
            lf[i] = 1.0 if later[i] else 0.0
            if later[i] and i0 == n:
                i0 = i
        if not finite:
            i0 = 0
        na = 0
        for j in range(k):
            if end[j] > t:
                alive[na] = j
                na += 1
        if na == 0:
            continue
        # each alive agent's cover of the intervals to come, summed agent by agent (as
        # numpy sums over the first axis; a single interval: pairwise, as numpy does)
        if n == 1:
            for r in range(na):
                col[r] = cover[alive[r], 0] * lf[0]
            on[0] = pairwise_sum(col, 0, na)
        elif same == na:  # the agents and covers of the last sum: its later intervals
            for i in range(i0):
                on[i] = 0.0
        else:
            for i in range(i0):
                on[i] = 0.0
            row = cover[alive[0]]
            for i in range(i0, n):
                on[i] = row[i] * lf[i]
            for r in range(1, na):
                row = cover[alive[r]]
                for i in range(i0, n):
                    on[i] = on[i] + row[i] * lf[i]
            # (the agents at work only leave as the day goes on, so the same count is
            # the same agents; every later interval weighs 1 when all is finite)
            same = na if finite else -1
        staffed = pairwise_sum(on, 0, n)
        required = pairwise_sum(need[c], 0, n)
        if staffed <= 0.0:
            continue
        load = required / staffed
        if load < low and vto:
            kind[c] = VTO
            for i in range(n):
                keep = need[c, i] if ratios[c] < low else _max(need[c, i], plan_req[i] * lf[i])
                floor[i] = keep - 1e-9
            for r in range(na):
                j = alive[r]
                key[r] = -(end[j] - _max(start[j], t))
            order = stable_argsort(key, na)
            vto_s = 0.0
            ngone = 0
            for p in range(na):
                j = alive[order[p]]
                row = cover[j]
                fits = True
                for i in range(i0, n):
                    if not (on[i] - row[i] * lf[i] >= floor[i]):
                        fits = False
                        break
                if fits:
                    for i in range(i0, n):
                        on[i] -= row[i] * lf[i]
                    pick[ngone] = j
                    ngone += 1
                    same = -1
            for q in range(ngone):
                j = pick[q]
                leave = _max(t, start[j])
                vto_s += end[j] - leave
                end[j] = leave
                brk_len[j] = _cut(brk_start[j], brk_len[j], leave)
                if has_rest:
                    for b in range(N_BLOCKS):
                        rest_len[j, b] = _cut(rest_start[j, b], rest_len[j, b], leave)
            for q in range(ngone):
                j = pick[q]
                cover_row(
                    duty,
                    has_rest,
                    j,
                    open_s,
                    w,
                    cover[j],
                )
            add[c] = vto_s
        elif load > high and overtime:
            kind[c] = OVERTIME
            m = 0
            for r in range(na):
                j = alive[r]
                if end[j] < open_s:
                    col[m] = end[j]
                    pick[m] = j
                    m += 1
            order = stable_argsort(col, m)
            extra = 0.0
            nstay = 0
            for q in range(min(m, ot_max)):
                j = pick[order[q]]
                e0 = end[j]
                x = e0 + ot_s
                new_end = open_s if open_s < x else x
                short = False
                for i in range(i0, n):
                    g = _clip0(_min(new_end, lo[i] + w) - _max(e0, lo[i])) / w
                    gain[i] = g
                    if later[i] and on[i] < need[c, i] - 1e-9 and g > 0:
                        short = True
                if not short:
                    continue
                extra += new_end - e0
                end[j] = new_end
                alive[nstay] = j  # (alive is not read again at this check)
                nstay += 1
                same = -1
                for i in range(i0, n):
                    on[i] = on[i] + gain[i] * lf[i]
            for q in range(nstay):
                cover_row(
                    duty,
                    has_rest,
                    alive[q],
                    open_s,
                    w,
                    cover[alive[q]],
                )
            add[c] = extra
