"""What happens to a call: the one copy of every rule shared by the day's real calls
(``phone.py`` and the queue kernel) and an employee's hindsight about them
(``hindsight.py``).

How the first agent ends a call (handled, transferred, dumped, hung up, pushed to the
web), how long the timer runs, whether it truly resolves the issue, how it is coded,
what an auditor can find, and the customer's experience and effort.  Rules that act per
call are plain functions of numpy arrays (any shape, so the replay can evaluate many
candidate policies at once); the first-leg decision is also compiled for the kernel and
as a numpy ufunc from the same Python source.

Experience is a latent satisfaction score on a 0-10 scale (top-2-box at or above
``TOP2``); effort is a customer-effort score on the 1-7 CES scale.
"""

from __future__ import annotations

import numpy as np
from numba import njit, vectorize

from ..config import HandlingConfig

#: Leg outcomes (``kind`` arrays of the queue).
ABANDONED = 0
HANDLED = 1
TRANSFERRED = 2
HUNG_UP = 3
WEB_PUSHED = 4
NOT_REACHED = -1
#: Thoroughness below this share of the needed time counts as a rushed contact.
RUSHED_BELOW = 0.9

#: Experience score at or above which a contact is top-2-box.
TOP2 = 7.5
#: Experience score below which a contact is a "bad experience" (churn and complaints).
BAD = 4.0
#: Noise (experience points) between a customer's experience and their survey answer.
ANSWER_NOISE = 0.7
#: Noise of an agent's guess of whether the customer is happy (survey steering).
GUESS_NOISE = 0.5
#: Share of answered calls an agent offers the post-call survey to (agent_offered).
AGENT_OFFER_RATE = 0.5
#: Survey-answer lift when the agent asks for a top score (experience points).
BEG_LIFT = 1.0


def _first_leg_kind(
    needs_transfer, hard, u_dump, u_hang, u_push, dump_prob, push_prob, hangup_share
):
    """How the first agent ends an answered call: a call that needs another team is
    transferred; a hard one is dumped with the agent's ``dump_prob`` (a hang-up with
    probability ``hangup_share``, else a transfer); otherwise it is pushed to the web
    with the agent's ``push_prob``, or handled to the end.

    Parameters
    ----------
    needs_transfer, hard : bool
        The issue needs another team; the call is hard (complex).
    u_dump, u_hang, u_push : float
        The call's uniform draws in [0, 1) (the same draws in the real call and in
        hindsight).
    dump_prob, push_prob : float
        The agent's dump and web-push levers, probabilities.
    hangup_share : float
        Share of dumped calls that are hang-ups (``handling.hangup_share``).

    Returns
    -------
    int
        ``HUNG_UP``, ``TRANSFERRED``, ``WEB_PUSHED`` or ``HANDLED``.
    """
    if needs_transfer or (hard and u_dump < dump_prob):
        if (not needs_transfer) and u_hang < hangup_share:
            return HUNG_UP
        return TRANSFERRED
    if u_push < push_prob:
        return WEB_PUSHED
    return HANDLED


#: The first-leg rule compiled for the queue kernel (scalars).
first_leg_kind_scalar = njit(cache=True)(_first_leg_kind)
#: The same rule as a numpy ufunc (broadcasts over calls x candidate policies).
first_leg_kind = vectorize(
    ["int8(boolean, boolean, float64, float64, float64, float64, float64, float64)"],
    cache=True,
)(_first_leg_kind)


def handle_seconds(work_s, time_mult, extra_s):
    """Seconds on the timer for a call handled to the end.

    Parameters
    ----------
    work_s : float or numpy.ndarray
        The issue's needed work, seconds at speed 1.
    time_mult : float or numpy.ndarray
        The agent's seconds per second of needed work (thoroughness / speed).
    extra_s : float or numpy.ndarray
        The courtesy seconds.
    """
    return work_s * time_mult + extra_s


#: The timer rule compiled for the queue kernel (scalars).
handle_seconds_scalar = njit(cache=True)(handle_seconds)


def time_multiplier(thoroughness, speed, pace):
    """An agent's seconds on the timer per second of needed work (at speed 1):
    thoroughness (the share of the needed work done) over the agent's natural speed
    times its pace (honest effort: the same work done faster, ``behavior.PACE``).

    Parameters
    ----------
    thoroughness : float or numpy.ndarray
        The agent's thoroughness lever, share of the needed work.
    speed : float or numpy.ndarray
        The agent's natural speed (needed seconds are divided by it).
    pace : float or numpy.ndarray
        The agent's pace lever, multiple of its natural speed.
    """
    return thoroughness / (speed * pace)


def handle_split(work_s, thoroughness, speed, pace):
    """How far pace and thoroughness move a handled call's timer from the agent's
    natural handling (thoroughness 1, pace 1), seconds: the honest part (pace above 1,
    and diligence above the need) and the rushing part (thoroughness below 1).  The two
    sum to ``handle_seconds`` at the lever values minus at the natural ones (courtesy
    alike in both).

    Parameters
    ----------
    work_s : numpy.ndarray
        The issue's needed work, seconds at speed 1.
    thoroughness, speed, pace : numpy.ndarray
        The agent's thoroughness lever, natural speed and pace lever.

    Returns
    -------
    tuple of numpy.ndarray
        (honest seconds, rushing seconds); negative = time saved.
    """
    natural = work_s / speed
    at_need = np.maximum(thoroughness, 1.0)
    honest = natural * (at_need / pace - 1.0)
    rushing = natural * (thoroughness - at_need) / pace
    return honest, rushing


def handle_parts(handled, needs_transfer, work_s, levers, transfer_s):
    """A leg's timer seconds at the agent's natural handling, and the honest and gaming
    parts of the difference (seconds; negative = time saved).

    Natural: a call handled to the end at thoroughness 1 and pace 1 with the agent's own
    courtesy, or the transfer's seconds when the issue needs another team.  Honest: pace
    and diligence on a handled call (:func:`handle_split`).  Gaming: rushing on a handled
    call, and the seconds a dump (transfer or hang-up) or a push to the web saves against
    handling the call.  ``natural + honest + gaming`` is the leg's timer seconds by
    :func:`handle_seconds` (or ``transfer_s``).

    Parameters
    ----------
    handled, needs_transfer : numpy.ndarray
        The leg was handled to the end; its issue needs another team (bool).
    work_s : numpy.ndarray
        The issue's needed work, seconds at speed 1.
    levers : tuple of numpy.ndarray
        The agent's thoroughness, natural speed, pace and courtesy seconds.
    transfer_s : float
        Seconds a transfer, hang-up or push takes (``handling.transfer_handle_s``).

    Returns
    -------
    tuple of numpy.ndarray
        (natural, honest, gaming) seconds per leg.
    """
    thoroughness, speed, pace, courtesy_s = levers
    honest, rushing = handle_split(work_s, thoroughness, speed, pace)
    natural = np.where(needs_transfer & ~handled, transfer_s, work_s / speed + courtesy_s)
    gaming = np.where(handled, rushing, np.where(needs_transfer, 0.0, transfer_s - natural))
    return natural, np.where(handled, honest, 0.0), gaming


def rushed(handled, thoroughness):
    """A handled call on which the agent spent less than ``RUSHED_BELOW`` of the time
    the issue needed.

    Parameters
    ----------
    handled : numpy.ndarray
        The call was handled to the end (bool).
    thoroughness : numpy.ndarray
        The agent's thoroughness lever, share of the needed time.
    """
    return handled & (thoroughness < RUSHED_BELOW)


def false_code(handled, resolved, u_code, false_coding):
    """An unresolved handled call that its agent codes "resolved" anyway.

    Parameters
    ----------
    handled, resolved : numpy.ndarray
        The call was handled to the end; it truly resolved the issue (bool).
    u_code : numpy.ndarray
        The call's uniform draw in [0, 1).
    false_coding : numpy.ndarray
        The agent's false-coding lever, a probability.
    """
    return handled & ~resolved & (u_code < false_coding)


def audit_evidence(false_coded, was_rushed, resolved):
    """What an auditor reviewing the end of a call can hear, besides a steered survey:
    a false resolution code, or rushing that left the issue unresolved.

    Parameters
    ----------
    false_coded, was_rushed, resolved : numpy.ndarray
        The call was falsely coded resolved; rushed; truly resolved (bool).
    """
    return false_coded | (was_rushed & ~resolved)


def p_resolve(
    skill: np.ndarray, thoroughness: np.ndarray, complexity: np.ndarray, handling: HandlingConfig
):
    """Probability that a handled call truly resolves the issue: the agent's skill,
    lowered by rushing (thoroughness below 1) and by the issue's complexity.

    Parameters
    ----------
    skill : numpy.ndarray
        The agent's skill, a resolution probability.
    thoroughness : numpy.ndarray
        The agent's thoroughness lever, share of the needed time.
    complexity : numpy.ndarray
        The issue's complexity, multiple of the mean.
    handling : HandlingConfig
        The penalty exponents of rushing and complexity.
    """
    p = (
        skill
        * np.minimum(1.0, thoroughness) ** handling.rush_penalty_exponent
        * complexity**-handling.complexity_penalty
    )
    return np.clip(p, 0.0, 0.98)


#: The experience rule every contact shares (phone, web, give-ups): an unresolved
#: contact at the least effort scores ``XP_UNRESOLVED``; resolving adds
#: ``XP_RESOLVED_GAIN``; each effort point spent (CES, before the scale's clip) costs
#: ``XP_PER_EFFORT`` and each earlier attempt a further ``XP_PER_REPEAT``.
XP_UNRESOLVED = 5.3
XP_RESOLVED_GAIN = 2.7
XP_PER_EFFORT = 0.4
XP_PER_REPEAT = 0.2
#: Most earlier attempts that count (a fourth try feels like the third).
MAX_REPEATS = 3
#: What a person on the phone adds beyond resolution and effort: reaching someone,
#: courtesy; a hang-up or a push to the web is also a snub.  Waiting displeases
#: beyond the effort it costs (per 2 minutes, up to 6 minutes): ``WAIT_XP`` when
#: answered, ``WAIT_XP_ABANDONED`` for a caller who chose to stop waiting.
XP_PERSON = 1.0
XP_COURTESY = 1.2
XP_HUNG_SNUB = 1.2
XP_PUSHED_SNUB = 0.8
WAIT_XP = 0.8
WAIT_XP_ABANDONED = 0.5
#: An abandoned call reached nobody.
XP_NOT_REACHED = 1.3


def repeats(attempt):
    """Earlier attempts on the issue that count, at most ``MAX_REPEATS``.

    Parameters
    ----------
    attempt : numpy.ndarray
        The contact's attempt on its issue (1 = first contact).
    """
    return np.minimum(attempt - 1, MAX_REPEATS)


def effort_spent(own, carry, extra):
    """Effort points a contact has cost its customer (CES scale, not clipped): 1 for
    any contact plus the three parts below.

    Parameters
    ----------
    own : numpy.ndarray
        The contact's own extra effort, CES points.
    carry : numpy.ndarray
        The effort carried from earlier steps on the issue, CES points.
    extra : numpy.ndarray
        Earlier attempts that count (:func:`repeats`), one point each.
    """
    return 1.0 + own + carry + extra


def ces(spent):
    """The effort a customer reports (CES 1-7) for effort points spent.

    Parameters
    ----------
    spent : numpy.ndarray
        Effort points spent (:func:`effort_spent`).
    """
    return np.clip(spent, 1.0, 7.0)


def contact_experience(resolved, spent, extra):
    """Expected experience (0-10, before individual noise) of any contact: the one rule
    for phone calls, web sessions and give-ups.

    Parameters
    ----------
    resolved : numpy.ndarray
        The contact resolved the issue (bool or 0/1).
    spent : numpy.ndarray
        Effort points spent (:func:`effort_spent`).
    extra : numpy.ndarray
        Earlier attempts that count (:func:`repeats`).
    """
    return (
        XP_UNRESOLVED
        + XP_RESOLVED_GAIN * resolved
        - XP_PER_EFFORT * (spent - 1.0)
        - XP_PER_REPEAT * extra
    )


def _wait_units(wait_s):
    return np.minimum(wait_s / 120.0, 2.0)


def phone_own_effort(wait_s, transferred, hung, pushed):
    """A call's own effort points: waiting (per 2 minutes, up to 4) and what the agent
    did.

    Parameters
    ----------
    wait_s : numpy.ndarray
        Seconds waited in the queue.
    transferred, hung, pushed : numpy.ndarray
        The agent transferred the call, hung up, pushed the caller to the web (bool).
    """
    return 1.5 * transferred + 2.0 * hung + 0.5 * pushed + _wait_units(wait_s)


def _wait_displeasure(wait_s, per_2min):
    """Experience lost to waiting beyond what its effort costs."""
    return per_2min * np.minimum(wait_s / 120.0, 3.0) - XP_PER_EFFORT * _wait_units(wait_s)


def experience_answered(
    resolved, extra, wait_s, transferred, hung, pushed, courtesy, carry
) -> np.ndarray:
    """Expected experience (0-10, before individual noise) of an answered call: the
    shared rule (``contact_experience``) plus what the person did.

    Parameters
    ----------
    resolved : numpy.ndarray
        The call truly resolved the issue (bool).
    extra : numpy.ndarray
        Earlier attempts that count (:func:`repeats`).
    wait_s : numpy.ndarray
        Seconds waited in the queue.
    transferred, hung, pushed : numpy.ndarray
        The agent transferred the call, hung up, pushed the caller to the web (bool).
    courtesy : numpy.ndarray
        Courtesy shown, in [0, 1] (0 unless handled).
    carry : numpy.ndarray
        The effort carried from earlier steps on the issue, CES points.
    """
    spent = effort_spent(phone_own_effort(wait_s, transferred, hung, pushed), carry, extra)
    return (
        contact_experience(resolved, spent, extra)
        + XP_PERSON
        + XP_COURTESY * courtesy
        - XP_HUNG_SNUB * hung
        - XP_PUSHED_SNUB * pushed
        - _wait_displeasure(wait_s, WAIT_XP)
    )


def experience_lost(wait_s, carry, extra) -> np.ndarray:
    """Expected experience of a call that abandoned the queue: the shared rule,
    unresolved, having reached nobody.

    Parameters
    ----------
    wait_s : numpy.ndarray
        Seconds waited before abandoning.
    carry : numpy.ndarray
        The effort carried from earlier steps on the issue, CES points.
    extra : numpy.ndarray
        Earlier attempts that count (:func:`repeats`).
    """
    spent = effort_spent(_wait_units(wait_s), carry, extra)
    return (
        contact_experience(0.0, spent, extra)
        - XP_NOT_REACHED
        - _wait_displeasure(wait_s, WAIT_XP_ABANDONED)
    )


def effort(extra, wait_s, transferred, hung, pushed, carry) -> np.ndarray:
    """Customer effort (CES, 1-7) of a call.

    Parameters
    ----------
    extra : numpy.ndarray
        Earlier attempts that count (:func:`repeats`).
    wait_s : numpy.ndarray
        Seconds waited in the queue.
    transferred, hung, pushed : numpy.ndarray
        The agent transferred the call, hung up, pushed the caller to the web (bool).
    carry : numpy.ndarray
        The effort carried from earlier steps on the issue, CES points.
    """
    return ces(effort_spent(phone_own_effort(wait_s, transferred, hung, pushed), carry, extra))


def response_p(propensity: np.ndarray, xp: np.ndarray) -> np.ndarray:
    """Probability of answering a survey: the customer's propensity, raised for
    extreme experiences (response bias: the delighted and the furious answer more).

    Parameters
    ----------
    propensity : numpy.ndarray
        The customer's survey propensity, a probability.
    xp : numpy.ndarray
        The contact's experience, 0-10.
    """
    return np.clip(propensity * (1.0 + 0.5 * np.abs(xp - 6.5) / 3.0), 0.0, 1.0)
