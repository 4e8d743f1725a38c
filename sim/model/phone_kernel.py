"""Compiled per-call passes of the phone day (``phone.true_outcomes``, ``phone_booking``).

After the queue, the day's calls were booked by dozens of numpy expressions over a few
thousand calls each (a temporary array per step).  Here the per-call rules that need no
random number and no transcendental function run in one loop over the calls.

The results are bit-identical to the numpy expressions they replace (as in
``customers_kernel``): every random number is still drawn by the model's numpy
``Generator`` with the same call, in the same order, and handed in as arrays; powers
(``call_rules.p_resolve``) stay numpy's; the elementwise arithmetic is the same IEEE
operations in the same order and precision (LLVM does not reorder or fuse them without
``fastmath``); ``np.minimum`` and ``np.clip`` are ``numpy_exact``'s replicas.
tests/test_phone_kernel.py compares each pass with the numpy rule it replaces.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .call_rules import (
    ABANDONED,
    HANDLED,
    HUNG_UP,
    MAX_REPEATS,
    NOT_REACHED,
    RUSHED_BELOW,
    TRANSFERRED,
    WAIT_XP,
    WAIT_XP_ABANDONED,
    WEB_PUSHED,
    XP_COURTESY,
    XP_HUNG_SNUB,
    XP_NOT_REACHED,
    XP_PER_EFFORT,
    XP_PER_REPEAT,
    XP_PERSON,
    XP_PUSHED_SNUB,
    XP_RESOLVED_GAIN,
    XP_UNRESOLVED,
)
from .numpy_exact import maximum, minimum, pairwise_sum

#: Rows of the boolean block :func:`true_outcomes` fills, in order.
B_ANSWERED, B_TRANSFERRED, B_LOST2, B_HANDLED, B_HUNG, B_PUSHED, B_DUMPED = range(7)
B_DONE, B_RESOLVED, B_RUSHED, B_FALSE_CODE, B_CODED, B_OWNER = range(7, 13)
N_BOOL = 13
#: Rows of the float block: first wait, total wait, experience, effort.
F_WAIT1, F_WAIT, F_XP, F_EFF = range(4)
N_FLOAT = 4


@njit(cache=True)
def _wait_units(wait_s: float) -> float:
    """``call_rules._wait_units`` of one call."""
    return minimum(wait_s / 120.0, 2.0)


@njit(cache=True)
def _wait_displeasure(wait_s: float, per_2min: float) -> float:
    """``call_rules._wait_displeasure`` of one call."""
    return per_2min * minimum(wait_s / 120.0, 3.0) - XP_PER_EFFORT * _wait_units(wait_s)


@njit(cache=True)
def _contact_experience(resolved: float, spent: float, extra: float) -> float:
    """``call_rules.contact_experience`` of one contact."""
    return (
        XP_UNRESOLVED
        + XP_RESOLVED_GAIN * resolved
        - XP_PER_EFFORT * (spent - 1.0)
        - XP_PER_REPEAT * extra
    )


@njit(cache=True)
def true_outcomes(
    res_int: tuple,
    res_s: tuple,
    calls: tuple,
    draws: tuple,
    agent_cols: tuple,
    fs: np.ndarray,
    final_srv: np.ndarray,
    out_b: np.ndarray,
    out_f: np.ndarray,
    extra_out: np.ndarray,
) -> None:
    """The per-call part of ``phone.true_outcomes`` after its draws, in one pass.

    Parameters
    ----------
    res_int:
        The queue's first and second leg kinds (int8).
    res_s:
        The calls' join times and the queue's ``start1``, ``end1``, ``start2``, s.
    calls:
        Each call's issue needs another team (bool), attempt (int16), carried effort
        (CES points) and resolution probability at its final agent
        (``call_rules.p_resolve``).
    draws:
        The uniforms of resolution and coding, the department fulfilment failures (bool)
        and the experience noise, per call.
    agent_cols:
        Each agent's thoroughness, false-coding and courtesy levers.
    fs:
        The final agent of each call (0 for none).
    final_srv:
        The final agent of each call (-1 for none).
    out_b:
        (``N_BOOL``, calls) booleans, filled (rows ``B_*``).
    out_f:
        (``N_FLOAT``, calls) floats, filled (rows ``F_*``).
    extra_out:
        Earlier attempts that count (``call_rules.repeats``; int16), filled.
    """
    kind1, kind2 = res_int
    arrival, start1, end1, start2 = res_s
    needs, attempt, carry, p_res = calls
    u_res, fulfil, u_code, xp_noise = draws
    th, fc, co = agent_cols
    for i in range(kind1.shape[0]):
        k1 = kind1[i]
        answered = k1 != ABANDONED
        tr = k1 == TRANSFERRED
        w1 = start1[i] - arrival[i]
        w = w1 + ((start2[i] - end1[i]) if tr else 0.0)
        lost2 = tr and kind2[i] == ABANDONED
        final_kind = kind2[i] if tr else k1
        handled = final_kind == HANDLED
        hung = k1 == HUNG_UP
        pushed = k1 == WEB_PUSHED
        f = fs[i]
        done = handled and u_res[i] < p_res[i]
        coded_by = handled and final_srv[i] >= 0
        false_code = coded_by and not done and u_code[i] < fc[f]
        extra = min(attempt[i] - 1, MAX_REPEATS)
        ex = float(extra)
        units = _wait_units(w)
        own = (
            1.5 * (1.0 if tr else 0.0)
            + 2.0 * (1.0 if hung else 0.0)
            + 0.5 * (1.0 if pushed else 0.0)
            + units
        )
        spent = 1.0 + own + carry[i] + ex
        if answered and not lost2:
            courtesy = co[f] if handled else 0.0
            base = (
                _contact_experience((1.0 if done else 0.0), spent, ex)
                + XP_PERSON
                + XP_COURTESY * courtesy
                - XP_HUNG_SNUB * (1.0 if hung else 0.0)
                - XP_PUSHED_SNUB * (1.0 if pushed else 0.0)
                - _wait_displeasure(w, WAIT_XP)
            )
        else:
            spent_lost = 1.0 + units + carry[i] + ex
            base = (
                _contact_experience(0.0, spent_lost, ex)
                - XP_NOT_REACHED
                - _wait_displeasure(w, WAIT_XP_ABANDONED)
            )
        eff = spent
        if eff < 1.0:
            eff = 1.0
        elif eff > 7.0:
            eff = 7.0
        out_b[B_ANSWERED, i] = answered
        out_b[B_TRANSFERRED, i] = tr
        out_b[B_LOST2, i] = lost2
        out_b[B_HANDLED, i] = handled
        out_b[B_HUNG, i] = hung
        out_b[B_PUSHED, i] = pushed
        out_b[B_DUMPED, i] = (hung or tr) and not needs[i]
        out_b[B_DONE, i] = done
        out_b[B_RESOLVED, i] = done and not fulfil[i]
        out_b[B_RUSHED, i] = handled and th[f] < RUSHED_BELOW
        out_b[B_FALSE_CODE, i] = false_code
        out_b[B_CODED, i] = done or false_code
        out_b[B_OWNER, i] = answered and not lost2 and not hung and final_srv[i] >= 0
        out_f[F_WAIT1, i] = w1
        out_f[F_WAIT, i] = w
        out_f[F_XP, i] = base + xp_noise[i]
        out_f[F_EFF, i] = eff
        extra_out[i] = extra


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
    """``call_rules.handle_parts`` of one leg: (natural, honest, gaming) seconds."""
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
    cx: np.ndarray,
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
    cx:
        Each call's complexity (multiple of the mean work).
    agent_cols:
        Each agent's thoroughness, pace and courtesy levers and natural speed today.
    parts:
        Hold and ACW of each call's first and second leg, s (``LegParts``).
    consts:
        Mean work (``handling.mean_s``), the transfer's seconds
        (``handling.transfer_handle_s``), the most courtesy seconds
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
    mean_s, transfer_s, courtesy_max_s, sl_s = consts[0], consts[1], consts[2], consts[3]
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
        work = mean_s * cx[i]
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
        for j in range(N_FLAGS):
            if flags[j, i]:
                n_flag[j] += 1
    sums = np.empty(N_SUMS)
    for j in range(N_SUMS):
        sums[j] = pairwise_sum(buf[j], 0, used[j])
    return sums, cnt, n_flag
