"""Compiled per-call rules of the phone day after the queue (``phone_outcomes.true_outcomes``).

After the queue, the day's calls were booked by dozens of numpy expressions over a few
thousand calls each (a temporary array per step).  Here the per-call rules that need no
random number and no transcendental function run in one loop over the calls (the
day's booking is ``booking_kernel``'s); the day's contacts credit the repeats of earlier
calls in one pass (``mark_repeats``); every contact's survey response probability and
loyalty change for ``experience.book_experience`` in one pass (``contact_terms``); the
customers' side of the day's calls after that (``after_calls``: ratings, last contacts,
patience, comebacks).

The results are bit-identical to the numpy expressions they replace (as in
``customers_kernel``): every random number is still drawn by the model's numpy
``Generator`` with the same call, in the same order, and handed in as arrays; powers
(``call_rules.p_resolve``) stay numpy's; the elementwise arithmetic is the same IEEE
operations in the same order and precision (LLVM does not reorder or fuse them without
``fastmath``); ``np.minimum`` and ``np.clip`` are ``numpy_exact``'s replicas.
tests/test_phone_kernel.py compares the pass with the numpy rule it replaces.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .call_rules import (
    ABANDONED,
    HANDLED,
    HUNG_UP,
    MAX_REPEATS,
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
from .numpy_exact import minimum, pairwise_sum

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
    """The per-call part of ``phone_outcomes.true_outcomes`` after its draws, in one pass.

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


@njit(cache=True)
def mark_repeats(
    cust: np.ndarray,
    day: int,
    window: int,
    last: tuple,
    repeats: np.ndarray,
    day_repeats: np.ndarray,
) -> None:
    """Credit a repeat to the previous answered call of each customer contacting again
    within ``window`` days (``ContactCentreModel._mark_repeats``), in one pass.

    Each customer's earlier call is credited once however often it contacts today: the
    first contact credits it and forgets the call (its seat set to -1), so the later
    ones find none, as numpy's unique customers did.  Counts are integers, exact in any
    order.

    Parameters
    ----------
    cust:
        Customer of each contact today.
    day:
        Today (working day index).
    window:
        Days within which a contact is a repeat (``REPEAT_WINDOW_DAYS``).
    last:
        The customers' last answered call: its day, seat (-1: none or counted) and pay
        period (``Customers.last_contact_*``); the seat is updated.
    repeats:
        The seat ledger's repeats (pay period x seat), booked.
    day_repeats:
        Repeats by the day of the call repeated, booked.
    """
    last_day, last_seat, last_period = last
    for i in range(cust.shape[0]):
        c = cust[i]
        seat = last_seat[c]
        if seat >= 0 and day - last_day[c] <= window:
            repeats[last_period[c], seat] += 1.0
            day_repeats[last_day[c]] += 1.0
            last_seat[c] = -1


@njit(cache=True)
def contact_terms(
    propensity: np.ndarray,
    cust: np.ndarray,
    xp: np.ndarray,
    eff: np.ndarray,
    steps: tuple,
    resp: np.ndarray,
    step: np.ndarray,
) -> None:
    """Each contact's survey response probability (``call_rules.response_p``) and
    loyalty change (``experience.loyalty_change``) in one pass, for
    ``experience.book_experience`` (float64 experience and effort).

    Parameters
    ----------
    propensity:
        The customers' survey propensity (float32 column).
    cust:
        Customer row of each contact.
    xp, eff:
        True experience (0-10) and effort (CES 1-7) of each contact, float64.
    steps:
        Loyalty per experience point, per effort point (``experience.loyalty_steps``),
        the loss aversion, the neutral experience and the easy effort.
    resp, step:
        The response probabilities and loyalty changes, filled.
    """
    per_xp, per_eff, aversion, neutral, easy = steps
    for i in range(cust.shape[0]):
        x = xp[i]
        d = x - 6.5
        p = np.float64(propensity[cust[i]]) * (1.0 + 0.5 * (d if d >= 0.0 else -d) / 3.0)
        resp[i] = 0.0 if p < 0.0 else (1.0 if p > 1.0 else p)
        signal = per_xp * (x - neutral) - per_eff * (eff[i] - easy)
        step[i] = signal / aversion if signal > 0 else signal


@njit(cache=True)
def after_calls(
    cust: np.ndarray,
    fs: np.ndarray,
    masks: tuple,
    values: tuple,
    agent_cols: tuple,
    consts: tuple,
    customer_cols: tuple,
    back: np.ndarray,
) -> tuple:
    """The customers' side of the day's calls after their experience is booked
    (``phone.follow_up``) in one pass: the friendliness ratings, each owned call
    remembered as its customer's last (day, seat, pay period), the callers' patience,
    and who comes back.

    Parameters
    ----------
    cust:
        Customer row of each call.
    fs:
        The final agent of each call (0 for none).
    masks:
        Each call's owner (an agent ended it), rated (its customer rated the agent),
        steered survey and truly resolved flags.
    values:
        Each call's true experience, patience factor (float64), and its draws: the
        rating noise and the uniform of coming back.
    agent_cols:
        Each agent's friendliness and courtesy lever, and seat.
    consts:
        The bad-experience threshold, the patience factor after one, the repeat
        probability, today and the pay period.
    customer_cols:
        The customers' last contact day, seat and pay period (int32) and patience
        factor (float32), updated (the last call of a customer wins, as numpy's
        assignment).
    back:
        Whether each call's issue comes back, filled.

    Returns
    -------
    The friendliness ratings' sum (numpy's pairwise sum over the rated calls) and count.
    """
    owner, rated, steer, resolved = masks
    xp, pf, noise, u_back = values
    friendliness, courtesy, seat_of = agent_cols
    bad, factor, repeat_prob, day, period = consts
    last_day, last_seat, last_period, patience = customer_cols
    k = cust.shape[0]
    buf = np.empty(k)
    n = 0
    for i in range(k):
        f = fs[i]
        if rated[i]:
            x = (
                0.5 * friendliness[f]
                + 0.5 * courtesy[f]
                + 0.1 * noise[i]
                + 0.1 * (1.0 if steer[i] else 0.0)
            )
            buf[n] = 1.0 + 4.0 * (0.0 if x < 0.0 else (1.0 if x > 1.0 else x))
            n += 1
        c = cust[i]
        if owner[i]:
            last_day[c] = day
            last_seat[c] = seat_of[f]
            last_period[c] = period
        patience[c] = np.float32(pf[i] * factor if xp[i] < bad else 1.0)
        back[i] = not resolved[i] and u_back[i] < repeat_prob
    return pairwise_sum(buf, 0, n), n
