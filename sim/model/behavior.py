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
)
THOROUGHNESS, COURTESY, DUMP, FALSE_CODING, SURVEY_STEERING, WEB_PUSH = range(6)
LOWER = np.array([0.3, 0.0, 0.0, 0.0, 0.0, 0.0])
UPPER = np.array([1.2, 1.0, 1.0, 1.0, 1.0, 1.0])
#: Levers that are gaming acts (measured-only gains at the customer's expense).
GAMING = np.array([False, False, True, True, True, True])
#: Moral weight of each gaming lever (steering a survey or pushing a caller to the web
#: feels milder than hanging up on a customer or falsifying a record).
MORAL_WEIGHT = np.array([0.0, 0.0, 1.0, 1.0, 0.5, 0.5])

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
    shared dashboard, that a peer's dumping shows as work dumped on the specialists."""
    mask = np.ones(len(LEVERS), bool)
    if dashboard in DUMPS_VISIBLE:
        mask[DUMP] = False
    return mask


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
    intrinsic: np.ndarray,
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
    Effort costs thoroughness beyond the need and courtesy away from one's natural
    style (``intrinsic``: acting friendlier, or colder, than one is); gaming costs
    ``integrity x integrity_weight`` per unit of each gaming lever.
    """
    th0, c0 = intrinsic[..., THOROUGHNESS], intrinsic[..., COURTESY]
    effort = (
        np.maximum(policy[..., THOROUGHNESS] - th0, 0.0) ** 2
        + 0.5 * (policy[..., COURTESY] - c0) ** 2
    )
    moral = (policy * MORAL_WEIGHT).sum(axis=-1)
    return (
        pay_weight * pay_gain
        + intrinsic_weight * motivation * true_quality
        - effort_weight * effort
        - integrity_weight * integrity * moral
    )


def choose(
    rng: np.random.Generator,
    reference: np.ndarray,
    cand: np.ndarray,
    util: np.ndarray,
    noise: float,
) -> np.ndarray:
    """Move each lever toward the nudge that would have paid more.

    ``cand`` (n, 1 + 2 x levers, levers) holds the reference and each lever nudged up
    and down (see ``sim/hindsight.py``); ``util`` (n, K) their hindsight utilities.
    For every lever separately the employee picks "up", "stay" or "down" by a logit
    choice with scale ``noise`` (bounded rationality: small differences are often
    missed).  Employees with no calls to judge by keep their reference.
    """
    n, k = reference.shape
    new = reference.copy()
    ok = np.isfinite(util).all(axis=1)
    for j in range(k):
        opts = util[:, [0, 1 + 2 * j, 2 + 2 * j]]
        z = (opts - opts.max(axis=1, keepdims=True)) / max(noise, 1e-12)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        u = rng.random(n)
        pick = (u > p[:, 0]).astype(int) + (u > p[:, 0] + p[:, 1]).astype(int)
        value = cand[np.arange(n), np.array([0, 1 + 2 * j, 2 + 2 * j])[pick], j]
        new[:, j] = np.where(ok, value, reference[:, j])
    return new


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
    dashboard lets them see (``copy``, from ``copyable``; all when None); the honest
    copy a peer's gaming only partly (scaled by 1 - integrity)."""
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
