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
=================  =========  ===========================================================

Adaptation (once per pay period, bounded rationality): each employee plays a trial
policy (its reference policy plus a small random step), observes the utility it got —
pay, intrinsic reward from the customers' *true* outcomes, effort cost and the moral cost
of gaming weighted by its integrity — and moves its reference toward the trial when it
did better than usual, away from it when worse (noisy hill-climbing).  With some
probability it also moves toward the reference policy of a better-paid peer (imitation),
so rewarded gaming spreads socially.
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
)
THOROUGHNESS, COURTESY, DUMP, FALSE_CODING, SURVEY_STEERING, WEB_PUSH = range(6)
LOWER = np.array([0.3, 0.0, 0.0, 0.0, 0.0, 0.0])
UPPER = np.array([1.2, 1.0, 1.0, 1.0, 1.0, 1.0])
#: Levers that are gaming acts (measured-only gains at the customer's expense).
GAMING = np.array([False, False, True, True, True, True])
#: Moral weight of each gaming lever (a web push is a milder act than a false code).
MORAL_WEIGHT = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 0.5])
#: Thoroughness below this share of the needed time counts as a rushed contact.
RUSHED_BELOW = 0.8
#: How much an imitation moves the reference policy toward the peer's.
IMITATION_PULL = 0.5
#: How far the reference moves toward a trial that was one "spread" better.
LEARNING_RATE = 0.8
#: Smallest utility spread used to judge a surprise (1% of salary).
UTILITY_FLOOR = 0.01
#: Bonus at stake (share of salary) from which gaming levers are explored fully.
TEMPTATION_FULL = 0.05
#: Visibility of peers' pay and numbers, by dashboard type (multiplies imitation).
VISIBILITY = {"individual": 0.5, "shared": 1.0, "big_screen": 2.0}


def intrinsic_policy(friendliness: np.ndarray) -> np.ndarray:
    """The policy an employee follows when no pay rides on it: handle each contact
    as required, be as courteous as one's friendliness, never game.  Shape (n, 6)."""
    n = friendliness.shape[0]
    pol = np.zeros((n, len(LEVERS)))
    pol[:, THOROUGHNESS] = 1.0
    pol[:, COURTESY] = friendliness
    return pol


def bounds(gaming: bool, intrinsic: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-employee lower and upper bounds of the levers.  With gaming disabled the
    gaming levers are pinned at 0 and thoroughness cannot fall below the intrinsic
    level (rushing is the gaming of handle time)."""
    lo = np.broadcast_to(LOWER, intrinsic.shape).copy()
    hi = np.broadcast_to(UPPER, intrinsic.shape).copy()
    if not gaming:
        hi[:, GAMING] = 0.0
        lo[:, THOROUGHNESS] = intrinsic[:, THOROUGHNESS]
    return lo, hi


def utility(
    *,
    pay_gain: np.ndarray,
    true_quality: np.ndarray,
    policy: np.ndarray,
    motivation: np.ndarray,
    integrity: np.ndarray,
    pay_weight: float,
    intrinsic_weight: float,
    integrity_weight: float,
    effort_weight: float,
) -> np.ndarray:
    """An employee's utility for one pay period (dimensionless).

    ``pay_gain`` is the bonus net of penalties as a share of salary; ``true_quality``
    the share of its contacts that were truly resolved and truly satisfied (mean of
    true FCR and true CSAT), which the employee sees because it talks to the customer.
    Effort costs thoroughness beyond the need and courtesy; gaming costs
    ``integrity x integrity_weight`` per unit of each gaming lever.
    """
    effort = np.maximum(policy[:, THOROUGHNESS] - 1.0, 0.0) ** 2 + 0.5 * policy[:, COURTESY] ** 2
    moral = (policy * MORAL_WEIGHT).sum(axis=1)
    return (
        pay_weight * pay_gain
        + intrinsic_weight * motivation * true_quality
        - effort_weight * effort
        - integrity_weight * integrity * moral
    )


def adapt(
    rng: np.random.Generator,
    *,
    played: np.ndarray,
    reference: np.ndarray,
    baseline: np.ndarray,
    spread: np.ndarray,
    played_utility: np.ndarray,
    intrinsic: np.ndarray,
    integrity: np.ndarray,
    pay: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    step: float,
    temptation: float,
    imitation_rate: float,
    habit_decay: float,
    memory_decay: float,
    visibility: float,
    top_peer: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One period of learning for all employees at once (arrays: one row each).

    An evolution-strategy hill-climb: the policy played this period was the reference
    plus a random step; the reference moves toward that step when the period's utility
    beat the employee's running baseline, away from it when it fell short, in
    proportion to the surprise (in units of the utility's usual spread, at least
    ``UTILITY_FLOOR``).  Then habits fade toward the intrinsic policy, some employees
    imitate a better-paid peer, and a new random step is drawn.  Gaming levers are
    only explored when money rides on the numbers (``temptation`` = bonus at stake),
    timidly by the honest (scaled by 1 - integrity).

    Returns ``(reference, baseline, spread, next_trial)``.
    """
    n, k = played.shape
    surprise = played_utility - baseline
    z = np.clip(surprise / np.maximum(spread, UTILITY_FLOOR), -2.0, 2.0)
    reference = reference + LEARNING_RATE * z[:, None] * (played - reference)
    baseline = baseline + memory_decay * surprise
    spread = np.sqrt((1 - memory_decay) * spread**2 + memory_decay * surprise**2)
    # Habits fade slowly toward one's own intrinsic way of working.
    reference = reference + habit_decay * (intrinsic - reference)
    # Imitation of a better-paid peer (the top scorer on a big screen).
    if n > 1 and imitation_rate > 0:
        imitate = rng.random(n) < min(1.0, imitation_rate * visibility)
        if top_peer is None:
            peer = (np.arange(n) + rng.integers(1, n, n)) % n
        else:
            peer = np.full(n, top_peer)
        imitate &= pay[peer] > pay + 1e-9
        pull = np.where(GAMING[None, :], (1 - integrity)[:, None], 1.0) * IMITATION_PULL
        reference = np.where(
            imitate[:, None], reference + pull * (reference[peer] - reference), reference
        )
    reference = np.clip(reference, lo, hi)
    # Next trial: a random step on each lever.
    scale = (
        np.where(
            GAMING[None, :], (1 - integrity)[:, None] * min(1.0, temptation / TEMPTATION_FULL), 1.0
        )
        * step
    )
    trial = np.clip(reference + rng.normal(0.0, 1.0, (n, k)) * scale, lo, hi)
    return reference, baseline, spread, trial
