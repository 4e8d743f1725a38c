"""Compiled web sessions of a day (``web.web_outcomes``): self-service, the search for
the number after a failure, and each session's experience and effort, in one pass.

A day's few thousand web sessions went through some thirty numpy expressions (a
temporary array each); here one loop does what needs no random number and no
transcendental function.

The results are bit-identical to the numpy expressions they replace (as in
``customers_kernel``): every random number is still drawn by its numpy ``Generator``
with the same call, in the same order, and handed in as arrays; the power
``cx ** -0.5`` stays numpy's; the elementwise arithmetic is the same IEEE operations
in the same order and precision (float32 where numpy works in float32: the digital
skill column is float32, and a Python float meeting it is rounded to float32 first,
NEP 50); ``np.clip`` is ``lo if x < lo else hi if x > hi else x``.
tests/test_web_kernel.py compares the pass with the numpy rule it replaces.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .call_rules import MAX_REPEATS, XP_PER_EFFORT, XP_PER_REPEAT, XP_RESOLVED_GAIN, XP_UNRESOLVED
from .numpy_exact import clip


@njit(cache=True)
def web_sessions(sessions, draws, cols, rules, out):
    """Each web session's outcome (``web.web_outcomes``): resolved when its uniform is
    below ``clip(base x skill x cx^-0.5, 0, cap)``; a failed session's customer who does
    not remember where the number is (and the number is not visible) searches and finds
    it when the search uniform is below ``1 - miss x (1 - skill)`` (float32), else gives
    up (``number_missed_day`` marked); the rest escalate to the phone.  Effort and
    experience by ``call_rules`` (``effort_spent``, ``contact_experience``, ``ces``).

    Parameters
    ----------
    sessions : tuple of numpy.ndarray
        Per session: customer row, ``cx ** -0.5`` (numpy's power), attempt (int16) and
        carried effort.
    draws : tuple of numpy.ndarray
        Per session: the self-service uniform, the experience noise, the search uniform.
    cols : tuple of numpy.ndarray
        The customers' ``digital_skill`` (float32), ``number_forget_day`` and
        ``number_missed_day`` (int32, written) columns.
    rules : tuple
        Success base and miss probability (numpy.float32), the success cap, effort of a
        resolved and a failed session, whether the number is visible, the search's
        effort points, today (working day index).
    out : tuple of numpy.ndarray
        Filled per session: resolved, escalate, give up, looked, found (bool), and
        experience, effort (CES) and search effort spent (float64).
    """
    cust, cx_pow, attempt, carry = sessions
    u_ok, noise, u_find = draws
    skill_col, forget_day, missed_day = cols
    base, miss, cap, effort_ok, effort_failed, visible, search_effort, day = rules
    ok_out, escalate_out, give_up_out, looked_out, found_out, xp_out, eff_out, search_out = out
    one = np.float32(1.0)
    for i in range(cust.shape[0]):
        c = cust[i]
        skill = skill_col[c]
        p = np.float64(base * skill) * cx_pow[i]
        ok = u_ok[i] < clip(p, 0.0, cap)
        looked = (not ok) and not (forget_day[c] > day) and not visible
        found = looked and u_find[i] < one - miss * (one - skill)
        if looked and not found:
            missed_day[c] = day
        give_up = looked and not found
        spent_search = search_effort * looked
        extra = min(attempt[i] - 1, MAX_REPEATS)
        own = (effort_ok if ok else effort_failed) + spent_search
        spent = 1.0 + own + carry[i] + extra
        xp = (
            XP_UNRESOLVED
            + XP_RESOLVED_GAIN * ok
            - XP_PER_EFFORT * (spent - 1.0)
            - XP_PER_REPEAT * extra
        )
        ok_out[i] = ok
        escalate_out[i] = (not ok) and not give_up
        give_up_out[i] = give_up
        looked_out[i] = looked
        found_out[i] = found
        xp_out[i] = xp + noise[i]
        eff_out[i] = clip(spent, 1.0, 7.0)
        search_out[i] = spent_search
