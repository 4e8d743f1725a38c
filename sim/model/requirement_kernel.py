"""The intraday re-forecast's requirement of a whole day in one compiled pass.

``day_requirement`` answers every (calls, handle time) question of a day's checks
(``intraday.requirement``) for all teams at once: the answers known per queue (an array
per queue indexed by the calls, -1 where not asked), the neighbour rule for a count of
calls between two asked ones that needed the same agents (the requirement never falls as
the calls rise; kept to targets of at least ``erlang.HINT_MIN_TARGET``), else the
staffing search (``erlang_kernel.min_agents_c``, ``erlang_kernel.min_agents`` from the
start ``erlang._min_agents_a`` picks), and then the occupancy cap
(``planning.occupancy_floor``).

Exactly the rule it replaces, question by question: the cells are first read from the
answers known before the day (all cells, as one lookup), then the missing ones asked in
the order of the day's checks (check by check, team by team, interval by interval); each
new answer is kept, and when ``size`` answers are kept over all queues they are all
forgotten at once before the new one is kept.  The search's starting gap per queue
(``erlang._GAP``) is read and written as ``_min_agents_a`` does, cleared when it holds
``gap_max`` queues.  Every float operation is numpy's, in its order (the cap's load
``calls x AHT / interval``, then ``ceil(load / cap - 1e-9)``).  No random number is drawn.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .erlang_kernel import min_agents, min_agents_c
from .numpy_exact import maximum as _max

#: ``state``'s entries (in and out): answers kept over all queues, most kept before all
#: are forgotten, queues in the search's gap table, most before it is cleared, whether
#: the answers (then) the gaps were cleared today, and the cell whose search failed
#: (team, check, interval; -1: none).
KNOWN, KNOWN_MAX, GAPS, GAPS_MAX, KNOWN_CLEARED, GAPS_CLEARED, FAIL_T, FAIL_C, FAIL_I = range(9)
#: Length of ``state``.
STATE_LEN = 9


@njit(cache=True)
def _neighbours(table: np.ndarray, calls: int) -> int:
    """The agents the nearest calls asked below and above ``calls`` both needed, -1 when
    either is missing or they differ (``table``: agents per calls, -1 not asked).

    Parameters
    ----------
    table:
        Agents needed per count of calls, -1 where not asked.
    calls:
        The count asked about (> 0, not asked).
    """
    below = -1
    for j in range(min(calls, table.shape[0]) - 1, -1, -1):
        if table[j] >= 0:
            below = table[j]
            break
    if below < 0:
        return -1
    for j in range(calls + 1, table.shape[0]):
        if table[j] >= 0:
            return below if table[j] == below else -1
    return -1


@njit(cache=True)
def _search(
    calls: int,
    aht_s: float,
    patience: float,
    erlang_a: bool,
    args: np.ndarray,
    u: int,
    gap: np.ndarray,
    gap_has: np.ndarray,
    state: np.ndarray,
) -> int:
    """``erlang.agents_required`` of one interval of ``calls`` (> 0), the search's gap
    read and kept as ``erlang._min_agents_a`` does; -1 beyond the cap.

    Parameters
    ----------
    calls:
        Calls in the interval.
    aht_s:
        Handle time, s.
    patience:
        Mean patience, s (read when ``erlang_a``).
    erlang_a:
        Erlang A (else Erlang C).
    args:
        ``[target, threshold s, interval s, occupancy cap, least agents cap]``.
    u:
        The queue (row of ``gap``).
    gap, gap_has:
        The search's gap per queue and whether it is kept (changed).
    state:
        ``GAPS``, ``GAPS_MAX``, ``GAPS_CLEARED`` read and written.
    """
    target, thr, w = args[0], args[1], args[2]
    lam = float(calls) / w
    cap = max(int(args[4]), math.ceil(2.0 * lam * aht_s) + 100)
    if not erlang_a:
        return min_agents_c(lam, aht_s, target, thr, cap)
    n_c = min_agents_c(lam, aht_s, target, thr, cap)
    if n_c < 0:
        n = min(cap, max(1, int(lam * aht_s)))
    else:
        n = max(1, n_c - (gap[u] if gap_has[u] else 0))
    n = min_agents(lam, aht_s, patience, target, thr, cap, n)
    if n < 0:
        return -1
    if n_c >= 0:
        if state[GAPS] >= state[GAPS_MAX]:
            state[GAPS] = 0
            gap_has[:] = False
            state[GAPS_CLEARED] = 1
        if not gap_has[u]:
            gap_has[u] = True
            state[GAPS] += 1
        gap[u] = n_c - n
    return n


@njit(cache=True)
def day_requirement(
    calls: np.ndarray,
    queue: np.ndarray,
    aht_s: np.ndarray,
    tables: np.ndarray,
    patience: float,
    erlang_a: bool,
    args: np.ndarray,
    gap: np.ndarray,
    gap_has: np.ndarray,
    state: np.ndarray,
    need: np.ndarray,
) -> None:
    """Agents needed per team, check and interval (module docstring) into ``need``.

    Parameters
    ----------
    calls:
        Calls per team, check and interval (whole calls; 0: not staffed).
    queue:
        Each team's queue (row of ``tables``, ``aht_s``, ``gap``).
    aht_s:
        Each queue's handle time, whole seconds.
    tables:
        Each queue's agents per count of calls, -1 where not asked (changed: the day's
        answers kept; a row holds every count the day asks about).
    patience:
        Mean patience, s (Erlang A).
    erlang_a:
        Erlang A (else Erlang C).
    args:
        ``[target, threshold s, interval s, occupancy cap, least agents cap]``.
    gap, gap_has:
        The search's gap per queue and whether it is kept (changed).
    state:
        Counters and flags (``KNOWN`` ... ``FAIL_I``), read and written.
    need:
        Agents per team, check and interval (written).
    """
    n_t, n_c, n_i = calls.shape
    req = np.empty((n_t, n_c, n_i), dtype=np.int64)
    miss = np.zeros(n_c, dtype=np.bool_)
    for t in range(n_t):  # what was known before the day
        table = tables[queue[t]]
        for c in range(n_c):
            for i in range(n_i):
                k = calls[t, c, i]
                req[t, c, i] = 0 if k <= 0 else table[k]
                if req[t, c, i] < 0:
                    miss[c] = True
    for c in range(n_c):  # the day's new questions, in the checks' order
        if not miss[c]:
            continue
        for t in range(n_t):
            u = queue[t]
            table = tables[u]
            for i in range(n_i):
                if req[t, c, i] >= 0:
                    continue
                k = calls[t, c, i]
                if table[k] >= 0:  # asked earlier today
                    req[t, c, i] = table[k]
                    continue
                n = _neighbours(table, k)
                if n < 0:
                    n = _search(k, aht_s[u], patience, erlang_a, args, u, gap, gap_has, state)
                    if n < 0:
                        state[FAIL_T], state[FAIL_C], state[FAIL_I] = t, c, i
                        return
                if state[KNOWN] >= state[KNOWN_MAX]:
                    tables[:, :] = -1
                    state[KNOWN] = 0
                    state[KNOWN_CLEARED] = 1
                table[k] = n
                state[KNOWN] += 1
                req[t, c, i] = n
    w, occ = args[2], args[3]
    for t in range(n_t):
        aht = max(aht_s[queue[t]], 1.0)
        for c in range(n_c):
            for i in range(n_i):
                load = float(calls[t, c, i]) * aht / w
                floor = np.ceil(load / occ - 1e-9)
                need[t, c, i] = float(np.int64(_max(float(req[t, c, i]), floor)))
