"""How an employee learns its policy at the end of a pay period (``behavior.learning``).

Four rules share one signature, ``rule(ctx, rng) -> Learned``:

* ``hindsight``: the employee replays a sample of its calls under nudged policies with
  the true outcomes, expected repeats and audit detections (``hindsight.py``) and moves
  each lever toward the nudge that would have paid more, then habits fade and it may
  copy a better-paid peer (``behavior.socialise``).  It knows what it could not observe:
  kept as the frictionless benchmark the model was calibrated on (the default).
* ``reinforcement``: trial and error on what the employee can see.  Each period it plays
  its habit plus a trial (every lever nudged up or down by ``learning_step``; a nudge
  away from its standard on a gaming lever is tried only with probability
  1 - integrity).  At the period's end it perceives its realised utility (bonus as the
  statement shows it, the share of its own callers it heard satisfied, its effort and the
  moral cost it felt) with perception noise, and keeps the trial when that beat the
  previous period's (a hill-climbing bandit on realised, noisy returns).  It reads no
  true outcome it cannot see (repeats, later failures) and replays nothing.
* ``imitation``: the employee does not judge its own returns; it copies the tricks (the
  policy played) of a colleague whose visible pay is higher, with probability
  ``imitation_rate`` times the gap between their pay ranks (0-1).  On a public ranking
  (``scheme.dashboard: big_screen``) everyone sees the top scorer, so the gap and the
  copying are larger than with a colleague met at random.  Trials still vary what is
  played (people try things), which is what others can copy.
* ``mixed``: reinforcement's judgement of its own trial, then imitation's copying.

Feedback frequency (``scheme.feedback``): a monthly statement shows one noisy figure per
period; a daily dashboard shows one a day, and the period's signal is their average, so
its perception noise is ``choice_noise / sqrt(period_days)`` instead of ``choice_noise``.

Habits decay slower than they form (``behavior.unlearning_ratio``): in the observable
rules a learnt move of a lever back toward the employee's own standard goes that share of
the way it would otherwise go.  The state the observable rules carry from one period to
the next (each employee's current trial and last perceived utility) is returned in
``Learned.memory`` and kept by the model on the employee (``learning_memory``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..measurement import KPIS, paid_kpis, ratio_array, safety_metrics
from . import hindsight as hs
from .behavior import (
    GAMING,
    IMITATION_PULL,
    LEVERS,
    bounds,
    choose,
    copyable,
    socialise,
    utility,
)
from .fairness import never_games
from .scheme import candidate_bonus

if TYPE_CHECKING:
    from .pay_period import PeriodInputs
    from .scheme import PayOutcome

__all__ = ["RULES", "Learned", "LearningContext", "candidate_metrics", "learn"]


@dataclass
class LearningContext:
    """What a learning rule may read at the end of a period (each rule reads only its
    part: the observable rules never read ``inputs.legs``, ``inputs.repeats`` or a
    ``*_true`` metric other than ``csat_true``, what the employee hears in its calls)."""

    #: the period's inputs (config, scheme, staff, ledgers, legs remembered)
    inputs: PeriodInputs
    #: the employees' seats, in ``staff`` order
    seats: np.ndarray
    #: the period's per-employee metrics (``pay_period.measured_kpis``)
    metrics: dict[str, np.ndarray]
    #: the period's scoring and bonuses, currency units
    payout: PayOutcome
    #: the period's salary per employee, currency units
    salary: np.ndarray
    #: intrinsic motivation after burnout, in [0, 1]
    motivation: np.ndarray
    #: integrity after moral disengagement, in [0, 1]
    integrity: np.ndarray


@dataclass
class Learned:
    """A rule's decision: the policy each employee plays next period, (n, levers), and
    the state the rule keeps per employee, (n, levers + 1): the trial played next (its
    offset from the habit) and the utility perceived this period (None: no state)."""

    policy: np.ndarray
    memory: np.ndarray | None = None


def candidate_metrics(
    replayed: dict[str, np.ndarray], actual: dict[str, np.ndarray]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The paid KPIs and the safety-net metrics of each employee under each candidate
    policy, (n, K), for the scheme to price: as replayed (``hindsight.replay``), or, for
    a metric the replay does not reproduce (``KPI.replayed`` false: complaints), held
    at the period's actual value.

    Parameters
    ----------
    replayed : dict of str to numpy.ndarray
        The replay's per-employee, per-candidate metrics, (n, K).
    actual : dict of str to numpy.ndarray
        The period's actual per-employee metrics (``pay_period.measured_kpis``), (n,).
    """
    shape = replayed["legs"].shape

    def candidate_values(name: str) -> np.ndarray:
        if KPIS[name].replayed:
            return replayed[name]
        return np.broadcast_to(actual[name][:, None], shape)

    measured = {name: candidate_values(name) for name in paid_kpis()}
    safety = {name: candidate_values(name) for name in safety_metrics()}
    return measured, safety


def _utility(ctx: LearningContext, policy: np.ndarray, pay_gain, quality) -> np.ndarray:
    """The employee's utility (``behavior.utility``) with the run's weights."""
    behavior = ctx.inputs.cfg.behavior
    intrinsic = np.array([s.intrinsic for s in ctx.inputs.staff])
    occupancy = ctx.metrics["occupancy"]
    if policy.ndim == 3:
        intrinsic = intrinsic[:, None, :]
        motivation, integrity = ctx.motivation[:, None], ctx.integrity[:, None]
        occupancy = occupancy[:, None]
    else:
        motivation, integrity = ctx.motivation, ctx.integrity
    return utility(
        pay_gain=pay_gain,
        true_quality=quality,
        policy=policy,
        intrinsic=intrinsic,
        motivation=motivation,
        integrity=integrity,
        pay_weight=behavior.pay_weight,
        intrinsic_weight=behavior.intrinsic_weight,
        integrity_weight=behavior.integrity_weight,
        effort_weight=behavior.effort_weight,
        occupancy=occupancy,
        pace_cost=behavior.pace_cost,
    )


def hindsight(ctx: LearningContext, rng: np.random.Generator) -> Learned:
    """Hindsight replay (``hindsight.py``), then habits and imitation (``socialise``).

    Parameters
    ----------
    ctx : LearningContext
        The period's signals (this rule reads the legs remembered: true outcomes).
    rng : numpy.random.Generator
        Draws the legs replayed, each lever's choice and imitation.
    """
    inputs, payout, salary = ctx.inputs, ctx.payout, ctx.salary
    scheme, staff, behavior = inputs.scheme, inputs.staff, inputs.cfg.behavior
    settled_policy = np.array([s.settled_policy for s in staff])
    intrinsic = np.array([s.intrinsic for s in staff])
    lo, hi = bounds(behavior.gaming, intrinsic, never_games(staff))
    # every lever is explored under any scheme: a gaming habit fades because it stops
    # paying (its moral cost and the customers' outcomes push it down), at the learning
    # speed; under flat pay the same costs keep it near zero
    explore = np.ones(len(LEVERS), dtype=bool)
    candidates = hs.candidates(settled_policy, lo, hi, behavior.learning_step, explore)
    legs = inputs.legs.sample(rng, ctx.seats)
    paid_s_per_leg = ratio_array(inputs.seat_counts["duty_s"][ctx.seats], ctx.metrics["contacts"])
    replayed = hs.replay(legs, candidates, inputs.cfg, scheme, paid_s_per_leg)
    # the replay samples some of the period's legs: scale its detections to the period's
    scale = ctx.metrics["contacts"][:, None] / np.where(replayed["legs"] > 0, replayed["legs"], 1.0)
    measured, safety = candidate_metrics(replayed, ctx.metrics)
    bonus = candidate_bonus(
        scheme,
        measured,
        safety,
        replayed["quality"],
        replayed["detected"] * scale,
        salary,
        payout,
    )
    utilities = _utility(ctx, candidates, bonus / salary[:, None], replayed["quality_true"])
    settled_policy = choose(rng, settled_policy, candidates, utilities, behavior.choice_noise)
    top_peer = None
    if scheme.dashboard == "big_screen" and payout.score.max() > 0:
        top_peer = int(np.argmax(payout.score))
    policy = socialise(
        rng,
        settled_policy,
        intrinsic=intrinsic,
        integrity=ctx.integrity,
        pay=payout.bonus / salary,
        lo=lo,
        hi=hi,
        imitation_rate=behavior.imitation_rate,
        habit_decay=behavior.habit_decay,
        top_peer=top_peer,
        copy=copyable(scheme.dashboard),
    )
    return Learned(policy)


@dataclass
class _Habits:
    """The observable rules' working state, (n, levers) arrays unless said."""

    played: np.ndarray  # the policy played this period
    habit: np.ndarray  # the policy played minus this period's trial
    trial: np.ndarray  # this period's trial (offset from the habit)
    last_utility: np.ndarray  # (n,) utility perceived last period (NaN: none)
    intrinsic: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def _habits(ctx: LearningContext) -> _Habits:
    """Each employee's habit, trial and last perceived utility, from what the model kept
    on it (``learning_memory``; none yet: no trial, no utility)."""
    staff, n_levers = ctx.inputs.staff, len(LEVERS)
    played = np.array([s.policy for s in staff])
    memory = np.array(
        [
            m
            if (m := getattr(s, "learning_memory", None)) is not None
            else np.r_[np.zeros(n_levers), np.nan]
            for s in staff
        ]
    ).reshape(len(staff), n_levers + 1)
    intrinsic = np.array([s.intrinsic for s in staff])
    lo, hi = bounds(ctx.inputs.cfg.behavior.gaming, intrinsic, never_games(ctx.inputs.staff))
    trial = memory[:, :n_levers]
    return _Habits(
        played=played,
        habit=np.clip(played - trial, lo, hi),
        trial=trial,
        last_utility=memory[:, n_levers],
        intrinsic=intrinsic,
        lo=lo,
        hi=hi,
    )


def _perceived(ctx: LearningContext, played: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Utility each employee perceives for its period: its bonus as the statement shows
    it, the share of its callers it heard satisfied (``csat_true``: the caller's
    experience at the call's end), its effort and the moral cost it felt, plus
    perception noise (``choice_noise``, divided by sqrt(period_days) with a daily
    dashboard: the period's signal is the average of its days)."""
    behavior, scheme = ctx.inputs.cfg.behavior, ctx.inputs.scheme
    heard = np.nan_to_num(ctx.metrics["csat_true"], nan=0.5)
    u = _utility(ctx, played, ctx.payout.bonus / ctx.salary, heard)
    looks = scheme.period_days if scheme.feedback == "daily" else 1
    return u + rng.normal(0.0, behavior.choice_noise / np.sqrt(looks), u.shape[0])


def _move(h: _Habits, target: np.ndarray, share: np.ndarray, ratio: float) -> np.ndarray:
    """The habit moved ``share`` (per employee and lever) of the way to ``target``; a
    move back toward one's own standard goes ``ratio`` of that (unlearning is slower)."""
    step = share * (target - h.habit)
    back = np.abs(h.habit + step - h.intrinsic) < np.abs(h.habit - h.intrinsic)
    return h.habit + np.where(back, ratio, 1.0) * step


def _judge(ctx: LearningContext, h: _Habits, perceived: np.ndarray) -> np.ndarray:
    """Keep this period's trial when its perceived utility beat last period's (which
    was played at the habit)."""
    judged = _on_trial(h) & np.isfinite(h.last_utility) & (ctx.metrics["contacts"] > 0)
    keep = judged & (perceived > np.nan_to_num(h.last_utility, nan=np.inf))
    share = np.broadcast_to(keep[:, None].astype(float), h.habit.shape)
    return _move(h, h.played, share, ctx.inputs.cfg.behavior.unlearning_ratio)


def _copy(ctx: LearningContext, h: _Habits, rng: np.random.Generator) -> np.ndarray:
    """Copy a colleague with higher visible pay: its played policy, on the levers the
    dashboard shows, ``IMITATION_PULL`` of the way (a gaming lever only 1 - integrity of
    that), with probability ``imitation_rate`` x the gap of pay ranks (0-1)."""
    scheme, behavior, payout = ctx.inputs.scheme, ctx.inputs.cfg.behavior, ctx.payout
    n = h.habit.shape[0]
    if n < 2 or behavior.imitation_rate <= 0:
        return h.habit
    pay = payout.bonus / ctx.salary
    rank = (np.argsort(np.argsort(pay, kind="stable"), kind="stable")) / (n - 1)
    if scheme.dashboard == "big_screen" and payout.score.max() > 0:
        peer = np.full(n, int(np.argmax(payout.score)))  # the ranking is public
    else:
        peer = (np.arange(n) + rng.integers(1, n, n)) % n  # a colleague met at random
    gap = np.where(pay[peer] > pay + 1e-9, np.clip(rank[peer] - rank, 0.0, 1.0), 0.0)
    copies = rng.random(n) < behavior.imitation_rate * gap
    pull = np.where(GAMING[None, :], (1 - ctx.integrity)[:, None], 1.0) * IMITATION_PULL
    pull = pull * copyable(scheme.dashboard)[None, :] * copies[:, None]
    return _move(h, h.played[peer], pull, behavior.unlearning_ratio)


def _next_trial(
    ctx: LearningContext,
    h: _Habits,
    habit: np.ndarray,
    perceived: np.ndarray,
    rng: np.random.Generator,
) -> Learned:
    """Habits fade (``habit_decay``), then next period's play: after a trial period the
    habit (which gives the reference the next trial is judged against); after a habit
    period a trial, every lever nudged up or down by ``learning_step``, where a nudge
    away from one's standard on a gaming lever is tried only with probability
    1 - integrity.

    Parameters
    ----------
    ctx : LearningContext
        The period's signals (config, integrity).
    h : _Habits
        This period's habits, trials and bounds.
    habit : numpy.ndarray
        The habit after this period's learning, (n, levers).
    perceived : numpy.ndarray
        The utility each employee perceived this period (kept for the next judgement),
        utility units.
    rng : numpy.random.Generator
        Draws the trial and the newcomers' phase.
    """
    behavior = ctx.inputs.cfg.behavior
    habit = np.clip(habit + behavior.habit_decay * (h.intrinsic - habit), h.lo, h.hi)
    n, n_levers = habit.shape
    trial = behavior.learning_step * rng.choice((-1.0, 1.0), size=(n, n_levers))
    away = np.abs(habit + trial - h.intrinsic) > np.abs(habit - h.intrinsic)
    dares = rng.random((n, n_levers)) < (1.0 - ctx.integrity)[:, None]
    trial = np.where(away & GAMING[None, :] & ~dares, 0.0, trial)
    # after a trial period the habit is played; a newcomer starts at a random phase
    trying = ~_on_trial(h) & (np.isfinite(h.last_utility) | (rng.random(n) < 0.5))
    trying = trying[:, None]
    played = np.where(trying, np.clip(habit + trial, h.lo, h.hi), habit)
    return Learned(played, np.column_stack([played - habit, perceived]))


def _on_trial(h: _Habits) -> np.ndarray:
    """Whether each employee played a trial this period (else its habit), (n,)."""
    return np.abs(h.trial).max(axis=1) > 1e-12


def reinforcement(ctx: LearningContext, rng: np.random.Generator) -> Learned:
    """Trial and error on realised, observable returns (see the module doc).

    Parameters
    ----------
    ctx : LearningContext
        The period's signals (this rule reads pay, ``csat_true`` and the policy played).
    rng : numpy.random.Generator
        Draws the perception noise and the next trial.
    """
    h = _habits(ctx)
    perceived = _perceived(ctx, h.played, rng)
    return _next_trial(ctx, h, _judge(ctx, h, perceived), perceived, rng)


def imitation(ctx: LearningContext, rng: np.random.Generator) -> Learned:
    """Copying colleagues with higher visible pay (see the module doc).

    Parameters
    ----------
    ctx : LearningContext
        The period's signals (this rule reads pay, scores and the policies played).
    rng : numpy.random.Generator
        Draws the perception noise, whom each employee sees, who copies, the next trial.
    """
    h = _habits(ctx)
    perceived = _perceived(ctx, h.played, rng)
    return _next_trial(ctx, h, _copy(ctx, h, rng), perceived, rng)


def mixed(ctx: LearningContext, rng: np.random.Generator) -> Learned:
    """Reinforcement's judgement of one's own trial, then imitation's copying.

    Parameters
    ----------
    ctx : LearningContext
        The period's signals (as reinforcement and imitation read them).
    rng : numpy.random.Generator
        Draws the perception noise, whom each sees, who copies, the next trial.
    """
    h = _habits(ctx)
    perceived = _perceived(ctx, h.played, rng)
    h.habit = _judge(ctx, h, perceived)
    return _next_trial(ctx, h, _copy(ctx, h, rng), perceived, rng)


#: The rules by ``behavior.learning`` name.
RULES: dict[str, Callable[[LearningContext, np.random.Generator], Learned]] = {
    "hindsight": hindsight,
    "reinforcement": reinforcement,
    "imitation": imitation,
    "mixed": mixed,
}


def learn(ctx: LearningContext, rng: np.random.Generator) -> Learned:
    """The policy each employee settles on, by the run's rule (``behavior.learning``).

    Parameters
    ----------
    ctx : LearningContext
        The period's signals.
    rng : numpy.random.Generator
        The model's generator.
    """
    return RULES[ctx.inputs.cfg.behavior.learning](ctx, rng)
