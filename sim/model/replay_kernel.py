"""Compiled hindsight replay (``hindsight.replay``): each remembered call leg under each
candidate policy, and the sums per employee the measurement system would record.

At each pay close every employee's sampled legs (about 7,000 for the front line) were
replayed under 15 candidate policies by some 80 numpy expressions over (legs,
candidates) arrays, each a temporary array.  Here two loops do it: :func:`replay_legs`
decides each leg under each candidate (first-leg outcome, timer, resolution, coding,
experience), and after scipy's ``ndtr`` has turned the experiences into top-2-box
probabilities, :func:`employee_sums` derives the survey, repeat and audit terms and
sums them per employee.

The results are bit-identical to the numpy expressions they replace (as in
``phone_kernel``): the powers of ``call_rules.p_resolve`` stay numpy's (computed on the
candidates and the legs beforehand, the same elementwise values), ``ndtr`` stays
scipy's; the elementwise arithmetic is the same IEEE operations in the same order and
precision (LLVM does not reorder or fuse them without ``fastmath``); ``np.minimum`` and
``np.clip`` are ``numpy_exact``'s replicas; each employee's sum is
``np.add.reduceat``'s, its first leg plus numpy's pairwise sum of the rest.
tests/test_replay_kernel.py compares both passes with the numpy rules they replace.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .behavior import COURTESY, DUMP, FALSE_CODING, PACE, SURVEY_STEERING, THOROUGHNESS, WEB_PUSH
from .call_rules import (
    AGENT_OFFER_RATE,
    HANDLED,
    HUNG_UP,
    RUSHED_BELOW,
    TOP2,
    TRANSFERRED,
    WAIT_XP,
    WEB_PUSHED,
    XP_COURTESY,
    XP_HUNG_SNUB,
    XP_PER_EFFORT,
    XP_PER_REPEAT,
    XP_PERSON,
    XP_PUSHED_SNUB,
    XP_RESOLVED_GAIN,
    XP_UNRESOLVED,
    first_leg_kind_scalar,
)
from .numpy_exact import clip, minimum, pairwise_sum

#: Rows of the per-employee sums of :func:`employee_sums`, in order.
(
    S_HANDLE,
    S_OWNED,
    S_CODED,
    S_REPEATS,
    S_SURVEYS,
    S_SURVEY_TOP2,
    S_RND,
    S_RND_TOP2,
    S_TRANSFERS,
    S_PUSHES,
    S_AUDIT,
    S_SOLVED,
    S_XP_TOP2,
) = range(13)
N_SUMS = 13


@njit(cache=True)
def replay_legs(legs, draws, candidates, employee, powers, handling, out):
    """Each leg under each candidate policy of its employee (``hindsight.replay_calls``):
    how the call ends, the timer, true resolution, false coding and the experience.

    Parameters
    ----------
    legs : tuple of numpy.ndarray
        Per leg: second leg (bool), needs another team (bool), hard (bool), complexity,
        wait (s), earlier attempts that count (int), carried effort, natural speed and
        skill.
    draws : tuple of numpy.ndarray
        Per leg: the uniforms of dumping, hanging up, pushing, resolution and coding, and
        the experience noise.
    candidates : numpy.ndarray
        Each employee's candidate policies, (n, K, levers).
    employee : numpy.ndarray
        Each leg's employee (row of ``candidates``, int64).
    powers : tuple of numpy.ndarray
        ``np.minimum(1, thoroughness) ** rush_penalty_exponent`` of each candidate,
        (n, K), and ``complexity ** -complexity_penalty`` of each leg.
    handling : tuple of float
        Mean handle time (s), courtesy seconds at lever 1, a transfer's seconds, the
        hang-up share of dumps.
    out : tuple of numpy.ndarray
        (legs, K) arrays filled: the leg's kind (int8, ``call_rules``), resolved and
        falsely coded (bool), timer seconds, experience, and where its experience is in
        ``distinct`` (int64); then ``distinct``, a buffer of legs x K floats.

    Returns
    -------
    int
        How many experiences ``distinct`` holds: each leg's under the reference policy,
        and under each other candidate where it differs (most candidates leave a leg's
        experience as it was), for ``ndtr`` to take once each.
    """
    second, needs, hard, cx, wait_s, extra, carry, speed, skill = legs
    u_dump, u_hang, u_push, u_res, u_code, noise = draws
    thor_pow, cx_pow = powers
    mean_s, courtesy_s, transfer_s, hangup_share = handling
    kind_out, resolved_out, false_out, handle_out, xp_out, which, distinct = out
    n_k = candidates.shape[1]
    c = 0
    for i in range(employee.shape[0]):
        e = employee[i]
        work = mean_s * cx[i]
        units = minimum(wait_s[i] / 120.0, 2.0)
        displeasure = WAIT_XP * minimum(wait_s[i] / 120.0, 3.0) - XP_PER_EFFORT * units
        for k in range(n_k):
            thor = candidates[e, k, THOROUGHNESS]
            court = candidates[e, k, COURTESY]
            if second[i]:  # a second leg (after a transfer) is always handled
                kind = HANDLED
            else:
                kind = first_leg_kind_scalar(
                    needs[i],
                    hard[i],
                    u_dump[i],
                    u_hang[i],
                    u_push[i],
                    candidates[e, k, DUMP],
                    candidates[e, k, WEB_PUSH],
                    hangup_share,
                )
            handled = kind == HANDLED
            hung = kind == HUNG_UP
            transferred = kind == TRANSFERRED
            pushed = kind == WEB_PUSHED
            if handled:
                mult = thor / (speed[i] * candidates[e, k, PACE])
                handle_out[i, k] = work * mult + court * courtesy_s
            else:
                handle_out[i, k] = transfer_s
            p_res = clip(skill[i] * thor_pow[e, k] * cx_pow[i], 0.0, 0.98)
            resolved = handled and u_res[i] < p_res
            false_code = handled and not resolved and u_code[i] < candidates[e, k, FALSE_CODING]
            shown = court if handled else 0.0
            own = 1.5 * transferred + 2.0 * hung + 0.5 * pushed + units
            spent = 1.0 + own + carry[i] + extra[i]
            xp = (
                XP_UNRESOLVED
                + XP_RESOLVED_GAIN * resolved
                - XP_PER_EFFORT * (spent - 1.0)
                - XP_PER_REPEAT * extra[i]
            )
            xp = xp + XP_PERSON + XP_COURTESY * shown - XP_HUNG_SNUB * hung
            xp = xp - XP_PUSHED_SNUB * pushed - displeasure
            kind_out[i, k] = kind
            resolved_out[i, k] = resolved
            false_out[i, k] = false_code
            xp = xp + noise[i]
            xp_out[i, k] = xp
            if k > 0 and xp == xp_out[i, 0]:  # the same value: the same ndtr
                which[i, k] = which[i, 0]
            else:
                which[i, k] = c
                distinct[c] = xp
                c += 1
    return c


@njit(cache=True)
def employee_sums(replayed, p_top2, legs, candidates, starts, rates, out):
    """The replayed legs' survey, repeat and audit terms (``hindsight._measure``), summed
    per employee and candidate as ``np.add.reduceat`` over the employee's legs sums them
    (a sum of 0/1 terms is their count, in any order).

    Parameters
    ----------
    replayed : tuple of numpy.ndarray
        :func:`replay_legs`' kind, resolved, falsely coded, timer seconds, experience and
        where it is among the distinct experiences, (legs, K).
    p_top2 : tuple of numpy.ndarray
        Per distinct experience: ``ndtr`` of its top-2-box margin by answer noise, and
        (agent-offered surveys only, else empty) begged and by the agent's guess.
    legs : tuple of numpy.ndarray
        Per leg: needs another team (bool), survey propensity, fulfilment failed (bool),
        employee (int64; the legs grouped by employee).
    candidates : numpy.ndarray
        Each employee's candidate policies, (n, K, levers).
    starts : numpy.ndarray
        First leg of each employee's group (int64), ascending.
    rates : tuple of float
        The survey sample rate, the chance a repeat comes within the window (repeat
        probability, then the share within it), and whether the agent offers surveys.
    out : numpy.ndarray
        (``N_SUMS``, n, K) float64, zero; each employee's sums written (rows ``S_*``).
    """
    kind, resolved, false_code, handle_s, xp, which = replayed
    p_top2_rnd, p_begged, p_happy = p_top2
    needs, propensity, ff, employee = legs
    survey_rate, repeat_prob, p_within, offered_by_agent = rates
    n_legs = employee.shape[0]
    n_k = candidates.shape[1]
    longest = 0
    for g in range(starts.shape[0]):
        end = starts[g + 1] if g + 1 < starts.shape[0] else n_legs
        longest = max(longest, end - starts[g])
    # float terms summed pairwise; the 0/1 terms counted (audit acts are 0/1 unless
    # surveys are steered)
    floats = (S_HANDLE, S_REPEATS, S_RND, S_RND_TOP2, S_SURVEYS, S_SURVEY_TOP2, S_AUDIT)
    n_float = 7 if offered_by_agent else 4
    counted = (S_OWNED, S_CODED, S_TRANSFERS, S_PUSHES, S_SOLVED, S_XP_TOP2, S_AUDIT)
    n_counted = 7 - (1 if offered_by_agent else 0)
    terms = np.empty((7, n_k, longest))
    counts = np.zeros((7, n_k), np.int64)
    for g in range(starts.shape[0]):
        lo = starts[g]
        m = (starts[g + 1] if g + 1 < starts.shape[0] else n_legs) - lo
        e = employee[lo]
        counts[:] = 0
        for j in range(m):
            i = lo + j
            for k in range(n_k):
                kd = kind[i, k]
                handled = kd == HANDLED
                hung = kd == HUNG_UP
                transferred = kd == TRANSFERRED
                pushed = kd == WEB_PUSHED
                owned = handled or pushed
                res = resolved[i, k]
                x = xp[i, k]
                d = which[i, k]
                p_answer = clip(propensity[i] * (1.0 + 0.5 * abs(x - 6.5) / 3.0), 0.0, 1.0)
                answers = p_answer * owned
                random_answers = answers * survey_rate
                random_top2 = random_answers * p_top2_rnd[d]
                solved = res and not ff[i]
                rushed = handled and candidates[e, k, THOROUGHNESS] < RUSHED_BELOW
                evidence = false_code[i, k] or (rushed and not res)
                dumped = (hung or transferred) and not needs[i]
                caught = evidence or dumped or pushed
                terms[0, k, j] = handle_s[i, k]
                terms[1, k, j] = (owned and not solved) * repeat_prob * p_within
                terms[2, k, j] = random_answers
                terms[3, k, j] = random_top2
                if offered_by_agent:
                    steering = candidates[e, k, SURVEY_STEERING] * owned
                    offered = answers * AGENT_OFFER_RATE
                    happy = p_happy[d]
                    terms[4, k, j] = offered * (steering * happy + (1 - steering))
                    terms[5, k, j] = offered * (
                        steering * happy * p_begged[d] + (1 - steering) * p_top2_rnd[d]
                    )
                    terms[6, k, j] = clip(caught + steering * AGENT_OFFER_RATE, 0.0, 1.0)
                else:
                    counts[6, k] += caught  # clip(caught + 0.0, 0, 1): 0 or 1
                counts[0, k] += owned
                counts[1, k] += res or false_code[i, k]
                counts[2, k] += transferred
                counts[3, k] += pushed
                counts[4, k] += solved
                counts[5, k] += x >= TOP2
        for k in range(n_k):
            for q in range(n_float):
                row = terms[q, k]
                out[floats[q], e, k] = row[0] + pairwise_sum(row, 1, m - 1) if m > 1 else row[0]
            for q in range(n_counted):
                out[counted[q], e, k] = counts[q, k]
            if not offered_by_agent:  # nobody steers: the surveys are the random ones
                out[S_SURVEYS, e, k] = out[S_RND, e, k]
                out[S_SURVEY_TOP2, e, k] = out[S_RND_TOP2, e, k]
