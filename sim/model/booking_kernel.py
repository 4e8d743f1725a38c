"""Compiled booking of the phone day's calls (``phone_booking.book_seats``, ``book_day``).

The day's calls were booked on the seat ledger by twenty ``np.bincount`` calls and in
the day's record by some sixty masked numpy sums and counts; here each is one loop over
the calls.  Bit-identical to the numpy code it replaces, as ``phone_kernel``: a float
total is numpy's pairwise sum of the values it selects, gathered in call order
(``numpy_exact.pairwise_sum``); each ledger booking's per-seat sums are kept apart and
added in numpy's order; counts are exact in any order.  tests/test_phone_kernel.py
compares both passes with the numpy code they replaced.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .call_rules import HANDLED, NOT_REACHED
from .numpy_exact import maximum, pairwise_sum

#: The seat-ledger fields :func:`seat_sums` books, one row per booking of
#: ``phone_booking.book_seats`` in its order (a field booked twice has two rows).
SEAT_ROWS = (
    "legs",  # first legs answered
    "legs",  # second legs handled
    "handle_s",  # first legs' timer
    "handle_s",  # second legs' timer
    "answered",
    "resolved",
    "coded",
    "xp_top2",
    "surveys",
    "survey_top2",
    "transfers",
    "pushes",
    "hangups",
    "acts",  # by the final agent
    "acts",  # by the first agent
    "audited",  # first legs
    "audited",  # second legs
    "detected",  # by the final agent
    "detected",  # by the first agent
    "abuse",
)
N_SEAT_ROWS = 20
#: Rows of the per-call booleans :func:`seat_sums` reads, in order.
(
    S_ANSWERED,
    S_OWNER,
    S_RESOLVED,
    S_CODED,
    S_SURVEY,
    S_TOP2,
    S_TRANSFERRED,
    S_PUSHED,
    S_HUNG,
    S_ACT_FINAL,
    S_ACT_FIRST,
    S_AUDITED,
    S_DET_FINAL,
    S_DET_FIRST,
    S_ABUSED,
) = range(15)


@njit(cache=True)
def _wrap(i: int, m: int) -> int:
    """A position among today's agents as numpy indexes it (-1 = the last)."""
    return i + m if i < 0 else i


@njit(cache=True)
def seat_sums(
    seat_of: np.ndarray,
    servers: tuple,
    kind2: np.ndarray,
    flags: np.ndarray,
    times: tuple,
    xp: np.ndarray,
    top2: float,
    data: tuple,
) -> None:
    """The day's bookings of ``phone_booking.book_seats`` on the seat ledger in one pass.

    Each booking (a row of ``SEAT_ROWS``) was ``data[field] += np.bincount(seat_of[srv],
    weights, minlength=seats)`` over the calls it selects, skipped when it selects none;
    here each row's per-seat sums are kept apart, summed in call order from 0, and added
    to the ledger row by row in the same order, so the totals are numpy's to the bit.

    Parameters
    ----------
    seat_of:
        Seat of each agent on duty today.
    servers:
        First and second agent of each call, and its final agent (-1: none).
    kind2:
        The second leg's kind (``call_rules``).
    flags:
        (15, calls) booleans, rows ``S_*``.
    times:
        The queue's ``start1``, ``end1``, ``start2``, ``end2`` of each call, s.
    xp:
        True experience of each call, 0-10.
    top2:
        The top-2-box threshold of experience.
    data:
        The ledger's column of each row of ``SEAT_ROWS`` (booked in place).
    """
    s1, s2, fsrv = servers
    start1, end1, start2, end2 = times
    m = seat_of.shape[0]
    n_rows = N_SEAT_ROWS
    n = data[0].shape[0]
    acc = np.zeros((n_rows, n))
    hit = np.zeros(n_rows, np.bool_)
    for i in range(s1.shape[0]):
        ans = flags[S_ANSWERED, i]
        h2 = kind2[i] == HANDLED
        a = seat_of[_wrap(s1[i], m)]
        b = seat_of[_wrap(s2[i], m)]
        f = seat_of[_wrap(fsrv[i], m)]
        aud = flags[S_AUDITED, i]
        if ans:
            acc[0, a] += 1.0
            acc[2, a] += end1[i] - start1[i]
            hit[0] = hit[2] = True
        if h2:
            acc[1, b] += 1.0
            acc[3, b] += end2[i] - start2[i]
            hit[1] = hit[3] = True
        if flags[S_OWNER, i]:
            acc[4, f] += 1.0
            acc[5, f] += 1.0 if flags[S_RESOLVED, i] else 0.0
            acc[6, f] += 1.0 if flags[S_CODED, i] else 0.0
            acc[7, f] += 1.0 if xp[i] >= top2 else 0.0
            hit[4] = hit[5] = hit[6] = hit[7] = True
        if flags[S_SURVEY, i]:
            acc[8, f] += 1.0
            acc[9, f] += 1.0 if flags[S_TOP2, i] else 0.0
            hit[8] = hit[9] = True
        for row, flag in ((10, S_TRANSFERRED), (11, S_PUSHED), (12, S_HUNG), (14, S_ACT_FIRST)):
            if flags[flag, i]:
                acc[row, a] += 1.0
                hit[row] = True
        if flags[S_ACT_FINAL, i] and fsrv[i] >= 0:
            acc[13, f] += 1.0
            hit[13] = True
        if aud and ans:
            acc[15, a] += 1.0
            hit[15] = True
        if aud and h2:
            acc[16, b] += 1.0
            hit[16] = True
        if flags[S_DET_FINAL, i] and fsrv[i] >= 0:
            acc[17, f] += 1.0
            hit[17] = True
        for row, flag in ((18, S_DET_FIRST), (19, S_ABUSED)):
            if flags[flag, i]:
                acc[row, a] += 1.0
                hit[row] = True
    for row in range(n_rows):
        if hit[row]:
            col = data[row]
            for j in range(n):
                col[j] += acc[row, j]


#: Rows of the per-call booleans :func:`day_sums` reads, in order.
(
    D_ANSWERED,
    D_TRANSFERRED,
    D_LOST2,
    D_OWNER,
    D_RESOLVED,
    D_CODED,
    D_DONE,
    D_SURVEY,
    D_TOP2,
    D_OFFERED,
    D_HONEST_SURVEY,
    D_HONEST_TOP2,
    D_HUNG,
    D_PUSHED,
    D_GAMING,
    D_FALSE_CODE,
    D_STEER,
    D_DUMPED,
    D_RUSHED,
    D_AUDITED,
    D_DETECTED,
    D_NEEDS,
    D_FIRST,
) = range(23)
N_FLAGS = 23
#: The sums :func:`day_sums` returns, each numpy's pairwise sum of the calls it selects:
#: timer of first legs answered, of second legs the front line handled, of all second
#: legs handled, specialists' wait and timer, line seconds, work needed, specialists'
#: work needed, wait of answered calls, of all calls, then per leg (first, second) the
#: natural, honest and gaming timer parts and the pace, then hold and ACW of the legs.
(
    X_H1,
    X_H2_FRONT,
    X_H2,
    X_WAIT2_SPEC,
    X_H2_SPEC,
    X_LINE_S,
    X_WORK,
    X_SPEC_WORK,
    X_WAIT_ANSWERED,
    X_WAIT_ALL,
    X_NATURAL1,
    X_HONEST1,
    X_GAMING1,
    X_PACE1,
    X_NATURAL2,
    X_HONEST2,
    X_GAMING2,
    X_PACE2,
    X_HOLD1,
    X_HOLD2,
    X_ACW1,
    X_ACW2,
) = range(22)
N_SUMS = 22
#: The counts :func:`day_sums` returns (``N_*``).
(
    N_ANSWERED,
    N_FRONT2,
    N_TRANSFERRED,
    N_SPEC,
    N_LOST2,
    N_SPEC_IN_SL,
    N_ANSWERED_IN_SL,
    N_WAITED,
    N_H2,
    N_OWNER_RESOLVED,
    N_OWNER_CODED,
    N_OWNER_DONE,
    N_FIRST,
    N_FIRST_RESOLVED,
) = range(14)
N_COUNTS = 14


@njit(cache=True)
def _handle_parts(handled, needs, work, th, speed, pace, courtesy_s, transfer_s):
    """``call_rules.handle_parts`` of one leg: (natural, honest, gaming) seconds.

    Parameters
    ----------
    handled, needs:
        The leg was handled to the end; its issue needs another team.
    work:
        The issue's needed work, s at speed 1.
    th, speed, pace:
        The agent's thoroughness lever, natural speed and pace lever.
    courtesy_s:
        The agent's courtesy seconds.
    transfer_s:
        Seconds a transfer, hang-up or push takes.
    """
    natural = work / speed
    at_need = maximum(th, 1.0)
    honest = natural * (at_need / pace - 1.0)
    rushing = natural * (th - at_need) / pace
    nat = transfer_s if (needs and not handled) else work / speed + courtesy_s
    gaming = rushing if handled else 0.0 if needs else transfer_s - nat
    return nat, (honest if handled else 0.0), gaming


@njit(cache=True)
def day_sums(
    res_int: tuple,
    times: tuple,
    flags: np.ndarray,
    work_s: np.ndarray,
    agent_cols: tuple,
    parts: tuple,
    consts: np.ndarray,
    n_front: int,
) -> tuple:
    """The day's totals of ``phone_booking.book_day`` in one pass over the calls.

    Float totals are numpy's pairwise sums of the values each selects, in call order
    (``numpy_exact.pairwise_sum`` over a gathered buffer), so they are the numpy
    expressions' to the bit; counts are exact in any order.

    Parameters
    ----------
    res_int:
        The queue's leg kinds (int8) and agents of each call.
    times:
        Join time, ``start1``, ``end1``, ``start2``, ``end2`` and first wait of each
        call, s.
    flags:
        (23, calls) booleans, rows ``D_*``.
    work_s:
        Each call's work at speed 1, s (``phone.Queued.work_s``).
    agent_cols:
        Each agent's thoroughness, pace and courtesy levers and natural speed today.
    parts:
        Hold and ACW of each call's first and second leg, s (``LegParts``).
    consts:
        The transfer's seconds (``handling.transfer_handle_s``), the most courtesy seconds
        (``handling.courtesy_max_s``) and the service level's threshold, s.
    n_front:
        Agents of the front line (the first of today's agents).

    Returns
    -------
    The sums (``X_*``), the counts (``N_*``) and each flag's count (rows ``D_*``).
    """
    kind1, kind2, server1, server2 = res_int
    arrival, start1, end1, start2, end2, wait1 = times
    th, pace, co, speed = agent_cols
    hold1, acw1, hold2, acw2 = parts
    transfer_s, courtesy_max_s, sl_s = consts[0], consts[1], consts[2]
    k = kind1.shape[0]
    buf = np.empty((N_SUMS, k))
    used = np.zeros(N_SUMS, np.int64)
    cnt = np.zeros(N_COUNTS, np.int64)
    n_flag = np.zeros(N_FLAGS, np.int64)
    for i in range(k):
        ans = flags[D_ANSWERED, i]
        tr = flags[D_TRANSFERRED, i]
        h2 = kind2[i] == HANDLED
        front2 = h2 and server2[i] < n_front
        spec = h2 and not front2
        work = work_s[i]
        w1 = wait1[i]
        ends = end2[i] if kind2[i] != NOT_REACHED else end1[i]
        row_vals = (
            (X_LINE_S, maximum(ends - arrival[i], 0.0)),
            (X_WORK, transfer_s if flags[D_NEEDS, i] else work),
            (X_WAIT_ALL, w1),
        )
        for j, v in row_vals:
            buf[j, used[j]] = v
            used[j] += 1
        if ans:
            a = server1[i]
            nat, hon, gam = _handle_parts(
                kind1[i] == HANDLED,
                flags[D_NEEDS, i],
                work,
                th[a],
                speed[a],
                pace[a],
                co[a] * courtesy_max_s,
                transfer_s,
            )
            for j, v in (
                (X_H1, end1[i] - start1[i]),
                (X_WAIT_ANSWERED, w1),
                (X_NATURAL1, nat),
                (X_HONEST1, hon),
                (X_GAMING1, gam),
                (X_PACE1, pace[a]),
                (X_HOLD1, hold1[i]),
                (X_ACW1, acw1[i]),
            ):
                buf[j, used[j]] = v
                used[j] += 1
            cnt[N_ANSWERED] += 1
            if w1 <= sl_s:
                cnt[N_ANSWERED_IN_SL] += 1
        if h2:
            b = server2[i]
            nat, hon, gam = _handle_parts(
                True, False, work, th[b], speed[b], pace[b], co[b] * courtesy_max_s, transfer_s
            )
            for j, v in (
                (X_H2, end2[i] - start2[i]),
                (X_NATURAL2, nat),
                (X_HONEST2, hon),
                (X_GAMING2, gam),
                (X_PACE2, pace[b]),
                (X_HOLD2, hold2[i]),
                (X_ACW2, acw2[i]),
            ):
                buf[j, used[j]] = v
                used[j] += 1
            cnt[N_H2] += 1
        if front2:
            buf[X_H2_FRONT, used[X_H2_FRONT]] = end2[i] - start2[i]
            used[X_H2_FRONT] += 1
            cnt[N_FRONT2] += 1
        if spec:
            wait2 = start2[i] - end1[i]
            buf[X_WAIT2_SPEC, used[X_WAIT2_SPEC]] = wait2
            used[X_WAIT2_SPEC] += 1
            buf[X_H2_SPEC, used[X_H2_SPEC]] = end2[i] - start2[i]
            used[X_H2_SPEC] += 1
            cnt[N_SPEC] += 1
            if wait2 <= sl_s:
                cnt[N_SPEC_IN_SL] += 1
        if tr:
            buf[X_SPEC_WORK, used[X_SPEC_WORK]] = work
            used[X_SPEC_WORK] += 1
            cnt[N_TRANSFERRED] += 1
        if flags[D_LOST2, i]:
            cnt[N_LOST2] += 1
        if w1 > 0:
            cnt[N_WAITED] += 1
        own = flags[D_OWNER, i]
        if own and flags[D_RESOLVED, i]:
            cnt[N_OWNER_RESOLVED] += 1
        if own and flags[D_CODED, i]:
            cnt[N_OWNER_CODED] += 1
        if own and flags[D_DONE, i]:
            cnt[N_OWNER_DONE] += 1
        if flags[D_FIRST, i] and ans:
            cnt[N_FIRST] += 1
            if own and flags[D_RESOLVED, i]:
                cnt[N_FIRST_RESOLVED] += 1
    for j in range(N_FLAGS):  # row by row: the rows are contiguous
        row = flags[j]
        c = 0
        for i in range(k):
            c += row[i]
        n_flag[j] = c
    sums = np.empty(N_SUMS)
    for j in range(N_SUMS):
        sums[j] = pairwise_sum(buf[j], 0, used[j])
    return sums, cnt, n_flag
