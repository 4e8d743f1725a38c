"""Compiled selection of the legs hindsight learning replays (``hindsight.LegMemory``).

Each pay period every employee's remembered legs are cut to a random sample of at most
``hindsight.SAMPLE_PER_EMPLOYEE``: a uniform priority per leg, the lowest priorities
kept.  In numpy this was a ``lexsort`` of all the period's legs by (employee, priority),
then a rank within each employee; here it is a counting sort by employee (the legs of
each employee in their original order) and a stable sort of each employee's few
priorities.  The kept legs and their order are bit-identical to the ``lexsort``'s: the
same keys, ties broken by the original position (both sorts are stable), the
priorities still drawn by the model's numpy ``Generator`` (one ``random`` per leg, as
before).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def first_by_priority(employee, priority, n_employees, cap):
    """Positions of the kept legs: for each employee ``0 .. n_employees - 1`` in turn,
    its legs in ascending ``priority`` (ties: original position), at most ``cap`` of
    them; legs with ``employee < 0`` are never kept.

    Equals ``order[(rank < cap) & (employee[order] >= 0)]`` with
    ``order = np.lexsort((priority, employee))`` and ``rank`` each leg's position
    within its employee's run of ``order``.

    Parameters
    ----------
    employee : numpy.ndarray
        Each leg's employee (int64; -1: not among the employees sampled).
    priority : numpy.ndarray
        Each leg's random priority (float64, uniform draws).
    n_employees : int
        Employees sampled (``employee`` values are below it).
    cap : int
        Legs kept per employee at most.

    Returns
    -------
    numpy.ndarray
        Positions (int64) into the legs.
    """
    n = employee.shape[0]
    start = np.zeros(n_employees + 1, np.int64)
    for i in range(n):
        e = employee[i]
        if e >= 0:
            start[e + 1] += 1
    kept = 0
    for e in range(n_employees):
        kept += min(start[e + 1], cap)
        start[e + 1] += start[e]
    grouped = np.empty(start[n_employees], np.int64)  # legs by employee, original order
    fill = start[:n_employees].copy()
    for i in range(n):
        e = employee[i]
        if e >= 0:
            grouped[fill[e]] = i
            fill[e] += 1
    out = np.empty(kept, np.int64)
    o = 0
    for e in range(n_employees):
        lo, hi = start[e], start[e + 1]
        legs = grouped[lo:hi]
        rank = np.argsort(priority[legs], kind="mergesort")  # stable: ties by position
        for k in range(min(hi - lo, cap)):
            out[o] = legs[rank[k]]
            o += 1
    return out
