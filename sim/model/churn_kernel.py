"""Compiled churn days of the customer base (``customers.py``): drawing each customer's
churn day from its hazard, and deactivating the customers whose day has come.

A customer's churn hazard is constant between changes of its loyalty, so the day it would
churn is drawn once (an exponential waiting time) and redrawn whenever its loyalty
changes: for the whole base at each weekly fade, for the day's contacts otherwise.  The
day's churn then reads only a short list of the rows that may churn before the next fade
(every active row whose churn day falls by then: filled at the fade, appended to at each
redraw), not the whole base.

Bit-identical to the numpy expressions these loops replaced, by the rules of
``customers_kernel``: the exponential draws stay the churn stream's numpy calls, ``exp``
stays numpy's (applied in place before these kernels), and the arithmetic is the same
IEEE operations in the same order and precision.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Latest churn day (int32), as ``customers.NEVER``.
NEVER = np.iinfo(np.int32).max


@njit(cache=True)
def _churn_day(base, ex, wait_draw, day):
    """Churn day from the exponential of the hazard's exponent ``ex`` and a standard
    exponential draw: ``day + 1 + floor(draw / h)`` capped at ``NEVER``, h = base x ex
    (float32); ``NEVER`` when h is not positive."""
    h = base * ex
    if h > 0:
        when = (day + 1) + np.floor(wait_draw / np.float64(h))
        if when < NEVER:
            return np.int32(when)
    return np.int32(NEVER)


@njit(cache=True)
def set_churn_days(churn_day, idx, ex, base, draws, day, soon):
    """``churn_day[idx[i]]`` from ``ex[i]`` (``exp`` of the hazard's exponent) and the
    standard exponential ``draws[i]`` (``Customers.schedule_churn``); a repeated row
    keeps its last value.  Each row given a churn day on or before ``soon``'s last day
    is appended to its list; returns the list's new length.

    Parameters
    ----------
    churn_day : numpy.ndarray
        Churn-day column (int32), written.
    idx : numpy.ndarray
        Customer rows.
    ex : numpy.ndarray
        exp of each row's hazard exponent (float32).
    base : numpy.float32
        Daily hazard at mean loyalty.
    draws : numpy.ndarray
        Standard exponential draws, one per row of ``idx``.
    day : int
        Today (working day index).
    soon : tuple
        The rows that may churn soon (int64 buffer with room for ``len(idx)`` more), how
        many it holds, and the last day it covers.
    """
    rows, n_soon, until = soon
    for i in range(idx.shape[0]):
        when = _churn_day(base, ex[i], draws[i], day)
        churn_day[idx[i]] = when
        if when <= until:
            rows[n_soon] = idx[i]
            n_soon += 1
    return n_soon


@njit(cache=True)
def set_churn_days_active(churn_day, active, n, ex, base, draws, day, soon):
    """:func:`set_churn_days` of the active rows in row order (after
    :func:`fade_active`, with no row (de)activated in between); the rows whose churn day
    is on or before ``soon``'s last day are written to it (which then lists every active
    row that churns by that day); returns how many.

    Parameters
    ----------
    churn_day : numpy.ndarray
        Churn-day column (int32), written.
    active : numpy.ndarray
        Active column (bool).
    n : int
        Rows in use.
    ex : numpy.ndarray
        exp of each active row's hazard exponent (float32).
    base : numpy.float32
        Daily hazard at mean loyalty.
    draws : numpy.ndarray
        Standard exponential draws, one per active row.
    day : int
        Today (working day index).
    soon : tuple
        An int64 buffer of at least the active rows, and the last day to list.
    """
    rows, until = soon
    c = 0
    n_soon = 0
    for r in range(n):
        if active[r]:
            when = _churn_day(base, ex[c], draws[c], day)
            churn_day[r] = when
            c += 1
            if when <= until:
                rows[n_soon] = r
                n_soon += 1
    return n_soon


@njit(cache=True)
def churn_due(churn_day, active, forget_day, n, day, out):
    """Deactivate the active rows of ``[0, n)`` whose churn day has come (``churn_day <=
    day``): inactive, churn day ``NEVER``, the number forgotten (-1); write their rows
    into ``out`` in row order and return how many (``Customers.churn_today``).

    Parameters
    ----------
    churn_day : numpy.ndarray
        Churn-day column (int32), written.
    active : numpy.ndarray
        Active column (bool), written.
    forget_day : numpy.ndarray
        ``number_forget_day`` column (int32), written.
    n : int
        Rows in use.
    day : int
        Today (working day index).
    out : numpy.ndarray
        int64 buffer of at least ``n``.
    """
    c = 0
    for r in range(n):
        if churn_day[r] <= day and active[r]:
            active[r] = False
            churn_day[r] = NEVER
            forget_day[r] = -1
            out[c] = r
            c += 1
    return c


@njit(cache=True)
def churn_due_listed(churn_day, active, forget_day, soon, day, out):
    """:func:`churn_due` of the rows listed in ``soon`` (a list holding every active row
    whose churn day is ``day`` or earlier, possibly with repeats and rows that no longer
    qualify): the same rows deactivated, written to ``out`` in row order.  The list is
    sorted and cut in place to its distinct rows still active that churn by its last
    day.
    Returns how many churned and the list's new length.

    Parameters
    ----------
    churn_day : numpy.ndarray
        Churn-day column (int32), written.
    active : numpy.ndarray
        Active column (bool), written.
    forget_day : numpy.ndarray
        ``number_forget_day`` column (int32), written.
    soon : tuple
        The listed rows (int64, sorted and compacted in place) and the last day the list
        covers (rows churning later are dropped from it).
    day : int
        Today (working day index).
    out : numpy.ndarray
        int64 buffer of at least ``len(soon[0])``.
    """
    soon, until = soon
    soon.sort()
    c = 0
    kept = 0
    last = -1
    for i in range(soon.shape[0]):
        r = soon[i]
        if r == last:
            continue
        last = r
        if not active[r]:
            continue
        if churn_day[r] <= day:
            active[r] = False
            churn_day[r] = NEVER
            forget_day[r] = -1
            out[c] = r
            c += 1
        elif churn_day[r] <= until:
            soon[kept] = r
            kept += 1
    return c, kept
