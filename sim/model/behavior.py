"""Employees' behaviour policy and how it adapts to the pay scheme.

A policy is a small vector of levers applied to every contact an employee handles:

=================  =========  ===========================================================
lever              range      meaning
=================  =========  ===========================================================
thoroughness       0.3-1.2    share of the issue's needed handling time actually spent
courtesy           0-1        share of ``handling.courtesy_max_s`` spent on friendliness
dump               0-1        probability of transferring or hanging up a hard contact
false_coding       0-1        probability of coding an unresolved contact "resolved"
survey_steering    0-1        probability of withholding the survey from an unhappy
                              customer and asking the others for a top score
web_push           0-1        probability of sending a caller to the website
pace               1-1.5      working speed relative to one's natural speed, same
                              thoroughness (honest effort, not gaming)
=================  =========  ===========================================================

``pace`` is honest effort: the employee does the same work (the same thoroughness, so
the same chance of resolving the issue) in less time, by concentrating harder and
wasting no time between steps.  It is never pinned (it is not a gaming lever), it
cannot fall below one's natural pace (1), and it costs effort: a disutility
``pace_cost x occupancy x (pace - 1)^2`` per pay period (share of salary), convex in the
level and rising with fatigue, measured as the share of one's time on the phones spent
on calls (an agent with no idle time between calls has no time to recover from working
fast).  So pay buys real work only where its marginal value beats this cost.

Adaptation (once per pay period, bounded rationality): each employee looks back at a
sample of the calls it took and asks what its period would have been worth — pay,
intrinsic reward from the customers' *true* outcomes, effort, and the moral cost of
gaming weighted by its integrity — had it nudged one lever up or down
(``sim/hindsight.py``).  Each lever moves toward the nudge that would have paid more,
by a noisy (logit) choice.  Every lever is explored under any scheme: a gaming habit
fades because it stops paying (its moral cost and the customers' worse outcomes push it
down), one ``learning_step`` at most per period, and under flat pay the same costs keep
gaming near zero.  Employees imitate better-paid peers, so rewarded gaming spreads
socially.  An optional constant ``habit_decay`` (default 0) adds forgetting.
Nothing here knows which KPIs are paid or how they are measured: gaming emerges only
where the scheme's measured numbers reward it.
"""

from __future__ import annotations

import numpy as np

LEVERS: tuple[str, ...] = (
    "thoroughness",
    "courtesy",
    "dump",
    "false_coding",
    "survey_steering",
    "web_push",
    "pace",
)
THOROUGHNESS, COURTESY, DUMP, FALSE_CODING, SURVEY_STEERING, WEB_PUSH, PACE = range(7)
LOWER = np.array([0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
UPPER = np.array([1.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.5])
#: Levers that are gaming acts (measured-only gains at the customer's expense).
GAMING = np.array([False, False, True, True, True, True, False])
#: Moral weight of each gaming lever (steering a survey or pushing a caller to the web
#: feels milder than hanging up on a customer or falsifying a record).
MORAL_WEIGHT = np.array([0.0, 0.0, 1.0, 1.0, 0.5, 0.5, 0.0])

#: How much an imitation moves the reference policy toward the peer's.
IMITATION_PULL = 0.5
#: Dashboards on which the work an agent passes to the specialist team shows (a shared
#: dashboard of common metrics carries the cross-team effects): a peer's dumped calls
#: are seen as dumped work, not as skill, so imitation does not copy the dump lever.
DUMPS_VISIBLE = ("shared",)


def copyable(dashboard: str) -> np.ndarray:
    """Which levers an imitator copies from a better-paid peer, by what the dashboard
    shows (bool, one per lever).  Every dashboard has the same imitation rate; what
    differs is whom one sees (the top scorer on a big screen: ``pay_period``) and, on a
    shared dashboard, that a peer's dumping shows as work dumped on the specialists.

    Parameters
    ----------
    dashboard : str
        The scheme's dashboard (``scheme.dashboard``).
    """
    mask = np.ones(len(LEVERS), bool)
    if dashboard in DUMPS_VISIBLE:
        mask[DUMP] = False
    return mask


def intrinsic_policy(friendliness: np.ndarray) -> np.ndarray:
    """The policy an employee follows when no pay rides on it: handle each contact
    as required, at one's natural pace, be as courteous as one's friendliness, never
    game.  Shape (n, levers).

    Parameters
    ----------
    friendliness : numpy.ndarray
        Each employee's friendliness, in [0, 1].
    """
    policy = np.zeros((friendliness.shape[0], len(LEVERS)))
    policy[:, THOROUGHNESS] = 1.0
    policy[:, COURTESY] = friendliness
    policy[:, PACE] = 1.0
    return policy


def bounds(
    gaming: bool, intrinsic: np.ndarray, never_game: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-employee lower and upper bounds of the levers.  With gaming disabled the
    gaming levers are pinned at 0 and thoroughness cannot fall below the intrinsic
    level (rushing is the gaming of handle time); the same holds, whatever the switch,
    for employees of the never-gaming type (``never_game``, ``fairness.py``).  Pace is
    honest effort: free under either setting, never below one's natural pace.

    Parameters
    ----------
    gaming : bool
        Whether gaming is possible (``behavior.gaming``).
    intrinsic : numpy.ndarray
        Each employee's own standard, (n, levers).
    never_game : numpy.ndarray or None
        Which employees never game (bool, n); None: nobody.
    """
    lo = np.broadcast_to(LOWER, intrinsic.shape).copy()
    hi = np.broadcast_to(UPPER, intrinsic.shape).copy()
    lo[:, PACE] = np.maximum(lo[:, PACE], intrinsic[:, PACE])
    if never_game is not None:
        hi[np.ix_(never_game, GAMING)] = 0.0
        lo[never_game, THOROUGHNESS] = intrinsic[never_game, THOROUGHNESS]
    if not gaming:
        hi[:, GAMING] = 0.0
        lo[:, THOROUGHNESS] = intrinsic[:, THOROUGHNESS]
    return lo, hi


def utility(
    *,
    pay_gain: np.ndarray,
    true_quality: np.ndarray,
    policy: np.ndarray,
    intrinsic: np.ndarray,
    motivation: np.ndarray,
    integrity: np.ndarray,
    pay_weight: float,
    intrinsic_weight: float,
    integrity_weight: float,
    effort_weight: float,
    occupancy: np.ndarray | float,
    pace_cost: float,
) -> np.ndarray:
    """An employee's utility for one pay period (dimensionless).

    Effort costs thoroughness beyond the need and courtesy away from one's natural
    style (acting friendlier, or colder, than one is), and pace above one's natural
    pace (:func:`pace_effort`); gaming costs
    ``integrity x integrity_weight`` per unit of each gaming lever (by its moral weight).
    Arrays broadcast against each other (the replay passes (n, K) candidates).

    Parameters
    ----------
    pay_gain : numpy.ndarray
        The bonus net of penalties, share of salary.
    true_quality : numpy.ndarray
        The share of its contacts that were truly resolved and truly satisfied (mean of
        true FCR and true CSAT), which the employee sees because it talks to the
        customer; in [0, 1].
    policy : numpy.ndarray
        The policy played or considered, (..., levers).
    intrinsic : numpy.ndarray
        The employee's own standard, (..., levers).
    motivation, integrity : numpy.ndarray
        Intrinsic motivation and integrity, in [0, 1] (after burnout and moral
        disengagement).
    pay_weight, intrinsic_weight, integrity_weight, effort_weight : float
        Weights of pay, of the customers' true outcome, of the moral cost of gaming and
        of effort (``behavior.*_weight``), utility units.
    occupancy : numpy.ndarray or float
        Share of the period's time on the phones spent on calls, in [0, 1] (fatigue).
    pace_cost : float
        Effort cost of pace (``behavior.pace_cost``), share of salary per unit
        ``occupancy x (pace - 1)^2``.
    """
    own_thoroughness, own_courtesy = intrinsic[..., THOROUGHNESS], intrinsic[..., COURTESY]
    effort = (
        np.maximum(policy[..., THOROUGHNESS] - own_thoroughness, 0.0) ** 2
        + 0.5 * (policy[..., COURTESY] - own_courtesy) ** 2
    )
    moral = (policy * MORAL_WEIGHT).sum(axis=-1)
    return (
        pay_weight * pay_gain
        + intrinsic_weight * motivation * true_quality
        - effort_weight * effort
        - pace_effort(policy[..., PACE], intrinsic[..., PACE], occupancy, pace_cost)
        - integrity_weight * integrity * moral
    )


def pace_effort(
    pace: np.ndarray, own_pace: np.ndarray, occupancy: np.ndarray | float, pace_cost: float
) -> np.ndarray:
    """The disutility of working faster than one's natural pace over a pay period,
    share of salary: ``pace_cost x occupancy x (pace - own_pace)^2``.

    Convex in the level (each further step of speed is harder to sustain than the
    last) and proportional to fatigue, the share of one's time on the phones spent on
    calls: the busier the agent, the less idle time between calls to recover in, and
    the more hours the faster pace is actually kept up.

    Parameters
    ----------
    pace, own_pace : numpy.ndarray
        The pace played or considered and one's natural pace (multiples of one's
        natural speed).
    occupancy : numpy.ndarray or float
        Share of the period's time on the phones spent on calls, in [0, 1].
    pace_cost : float
        The cost of a pace of 2 at full occupancy, share of salary
        (``behavior.pace_cost``).
    """
    return pace_cost * occupancy * np.maximum(pace - own_pace, 0.0) ** 2


def choose(
    rng: np.random.Generator,
    reference: np.ndarray,
    candidates: np.ndarray,
    utilities: np.ndarray,
    noise: float,
) -> np.ndarray:
    """Move each lever toward the nudge that would have paid more.

    For every lever separately the employee picks "up", "stay" or "down" by a logit
    choice with scale ``noise`` (bounded rationality: small differences are often
    missed).  Employees with no calls to judge by keep their reference.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws each lever's choice.
    reference : numpy.ndarray
        Each employee's settled policy, (n, levers).
    candidates : numpy.ndarray
        The reference and each lever nudged up and down, (n, 1 + 2 x levers, levers)
        (``hindsight.candidates``).
    utilities : numpy.ndarray
        Each candidate's hindsight utility, (n, K), utility units.
    noise : float
        Scale of the logit choice (``behavior.choice_noise``), utility units.
    """
    n, n_levers = reference.shape
    chosen = reference.copy()
    judged = np.isfinite(utilities).all(axis=1)
    for j in range(n_levers):
        options = [0, 1 + 2 * j, 2 + 2 * j]  # stay, up, down
        option_utility = utilities[:, options]
        z = (option_utility - option_utility.max(axis=1, keepdims=True)) / max(noise, 1e-12)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        u = rng.random(n)
        pick = (u > p[:, 0]).astype(int) + (u > p[:, 0] + p[:, 1]).astype(int)
        value = candidates[np.arange(n), np.array(options)[pick], j]
        chosen[:, j] = np.where(judged, value, reference[:, j])
    return chosen


def socialise(
    rng: np.random.Generator,
    reference: np.ndarray,
    *,
    intrinsic: np.ndarray,
    integrity: np.ndarray,
    pay: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    imitation_rate: float,
    habit_decay: float,
    top_peer: int | None,
    copy: np.ndarray | None = None,
) -> np.ndarray:
    """Habits fade toward one's intrinsic way of working, and some employees (a share
    ``imitation_rate``, whatever the dashboard) move toward the policy of a better-paid
    peer (the top scorer on a big screen, else a random colleague) on the levers the
    dashboard lets them see; the honest copy a peer's gaming only partly (scaled by
    1 - integrity).

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws who imitates and whom.
    reference : numpy.ndarray
        Each employee's policy after hindsight learning, (n, levers).
    intrinsic : numpy.ndarray
        Each employee's own standard, (n, levers).
    integrity : numpy.ndarray
        Integrity, in [0, 1].
    pay : numpy.ndarray
        Each employee's bonus this period, share of salary.
    lo, hi : numpy.ndarray
        Bounds of the levers, (n, levers).
    imitation_rate : float
        Probability per period of imitating a better-paid peer.
    habit_decay : float
        Share of the gap to one's intrinsic standard that closes per period.
    top_peer : int or None
        The peer everyone sees (the top scorer on a big screen), else None.
    copy : numpy.ndarray or None
        Which levers an imitator copies (``copyable``); all when None.
    """
    n = reference.shape[0]
    reference = reference + habit_decay * (intrinsic - reference)
    if n > 1 and imitation_rate > 0:
        imitate = rng.random(n) < imitation_rate
        if top_peer is None:
            peer = (np.arange(n) + rng.integers(1, n, n)) % n
        else:
            peer = np.full(n, top_peer)
        imitate &= pay[peer] > pay + 1e-9
        pull = np.where(GAMING[None, :], (1 - integrity)[:, None], 1.0) * IMITATION_PULL
        if copy is not None:
            pull = pull * copy[None, :]
        reference = np.where(
            imitate[:, None], reference + pull * (reference[peer] - reference), reference
        )
    return np.clip(reference, lo, hi)
