"""The web channel: routing a day's contacts, and web self-service.

A contact goes to the web when the customer prefers it, when it was pushed there by an
agent, or - with the phone number hidden - when the customer cannot see another way
(``channels.hidden_web_first_share`` of phone-first customers).  Self-service succeeds
with a probability rising with the customer's digital skill and falling with the issue's
complexity.  A failure sends the customer to the phone: at once when the number is
visible; when it is hidden, those who find it (``channels.hidden_find_prob``) call the
next day after searching, angrier, and the rest give up unresolved.
"""

from __future__ import annotations

import numpy as np

from .contacts import CHOICE, PHONE, WEB, Contacts

#: Highest probability that self-service resolves an issue.
WEB_SUCCESS_CAP = 0.95
#: Experience (0-10, before noise) of a web session: resolved, escalated to the phone,
#: or given up; each loses ``XP_PER_CARRY`` per effort point already spent on the issue.
#: Top-2-box starts at 7.5, a bad experience below 4 (``call_rules``).
XP_WEB_RESOLVED = 7.8
XP_WEB_ESCALATED = 4.5
XP_GIVE_UP = 2.5
XP_PER_CARRY = 0.4
#: Spread of a give-up's experience (it varies less: it is bad for everyone).
XP_GIVE_UP_NOISE = 0.5
#: Effort (CES 1-7, before the effort already carried) of each web outcome.
EFFORT_WEB_RESOLVED = 1.5
EFFORT_WEB_ESCALATED = 3.0
EFFORT_GIVE_UP = 6.0
#: Effort carried into the phone call after a failed session: switching channel
#: (number visible), or searching for a hidden number first.
CARRY_SWITCH = 1.0
CARRY_SEARCH = 2.0


def route(rng: np.random.Generator, todays: Contacts, prefers_web: np.ndarray,
          number_visible: bool, hidden_web_first_share: float) -> np.ndarray:
    """Mask of today's contacts that go to the web first."""  # fmt: skip
    choice = todays.route == CHOICE
    to_web = todays.route == WEB
    prefers = prefers_web[todays.cust]
    if number_visible:
        return to_web | (choice & prefers)
    return to_web | (choice & (prefers | (rng.random(len(todays)) < hidden_web_first_share)))


def web_outcomes(rng: np.random.Generator, web: Contacts, digital_skill: np.ndarray,
                 success_base: float, number_visible: bool, find_prob: float):
    """Outcome of each web session: masks (resolved, escalate, give_up), experience and
    effort."""  # fmt: skip
    m = len(web)
    p = success_base * digital_skill[web.cust] * web.cx**-0.5
    ok = rng.random(m) < np.clip(p, 0.0, WEB_SUCCESS_CAP)
    xp = np.empty(m)
    effort = np.empty(m)
    noise = rng.normal(0.0, 1.0, m)
    xp[ok] = XP_WEB_RESOLVED - XP_PER_CARRY * web.carry[ok] + noise[ok]
    effort[ok] = EFFORT_WEB_RESOLVED + web.carry[ok]
    fail = ~ok
    if number_visible:
        escalate = fail
        give_up = np.zeros(m, bool)
    else:
        finds = rng.random(m) < find_prob
        escalate = fail & finds
        give_up = fail & ~finds
    xp[escalate] = XP_WEB_ESCALATED - XP_PER_CARRY * web.carry[escalate] + noise[escalate]
    effort[escalate] = EFFORT_WEB_ESCALATED + web.carry[escalate]
    xp[give_up] = XP_GIVE_UP + XP_GIVE_UP_NOISE * noise[give_up]
    effort[give_up] = EFFORT_GIVE_UP + web.carry[give_up]
    return ok, escalate, give_up, xp, np.clip(effort, 1.0, 7.0)


def escalations(web: Contacts, escalate: np.ndarray, number_visible: bool) -> Contacts:
    """The phone calls of failed web sessions (one more attempt, more effort carried)."""
    esc = web.take(escalate)
    esc.attempt = esc.attempt + 1
    esc.reached = esc.reached + 1  # the web session reached the centre
    esc.route = np.full(len(esc), PHONE, np.int8)
    esc.carry = esc.carry + (CARRY_SWITCH if number_visible else CARRY_SEARCH)
    return esc
