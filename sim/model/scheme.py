"""The compensation scheme: from measured KPIs to each employee's bonus.

Pay per period = salary + bonus.  The bonus at a score of 1 (every paid KPI on target)
is ``bonus_share`` of the period's salary (the on-target bonus); the score is the
weighted sum of per-KPI scores (each between 0 and its ``cap``, reached at ``stretch``),
part individual and part team (``team_share``).  A KPI's credit is cancelled
when its safety-net metric is worse than its limit; no bonus is paid below the quality
gate; forced ranking removes the bonus of the bottom share; each gaming act detected by
a quality audit costs ``audit_penalty`` of the full bonus (never more than the bonus).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..config import KPIConfig, SchemeConfig
from ..measurement import KPIS


def kpi_names(scheme: SchemeConfig) -> list[str]:
    """Names of all KPIs a scheme can pay on (the fields of ``scheme.kpis``, in order).

    Parameters
    ----------
    scheme : SchemeConfig
        The compensation scheme.
    """
    return [f.name for f in dataclasses.fields(scheme.kpis)]


def score(values: np.ndarray, kpi: KPIConfig) -> np.ndarray:
    """Score of measured KPI values under one KPI's curve, in [0, cap].

    Linear: 0 at ``threshold``, 1 at ``target`` (the on-target bonus: ``bonus_share`` of
    salary, like on-target earnings in industry pay plans), then on to ``cap`` at
    ``stretch`` (over-achievement); straight lines between, clipped to [0, cap].
    Cliff: 1 when the target is met ("met" is <= for ``lower``, >= for ``higher``), else 0.
    A missing value (no contacts this period) scores 0.  The ordering (threshold before
    target before stretch in the KPI's direction) is checked when a config is loaded.

    Parameters
    ----------
    values : numpy.ndarray
        Measured values of the KPI, in its unit (seconds for AHT, else shares in [0, 1]).
    kpi : KPIConfig
        The KPI's curve in the scheme.
    """
    values = np.asarray(values, dtype=float)
    if kpi.curve == "cliff":
        met = values <= kpi.target if kpi.direction == "lower" else values >= kpi.target
        scores = met.astype(float)
    else:
        below = (values - kpi.threshold) / (kpi.target - kpi.threshold)
        if kpi.stretch != kpi.target:
            above = 1.0 + (kpi.cap - 1.0) * (values - kpi.target) / (kpi.stretch - kpi.target)
        else:  # no over-achievement band: the score stays at 1 beyond the target
            above = np.ones_like(values)
        scores = np.where(below < 1.0, below, above)
    return np.nan_to_num(np.clip(scores, 0.0, kpi.cap), nan=0.0)


@dataclasses.dataclass
class PayOutcome:
    """Result of scoring one pay period (arrays have one entry per employee)."""

    score: np.ndarray  # weighted score, 0..sum(weight x cap)
    kpi_scores: dict[str, np.ndarray]  # per-KPI score before weights
    bonus: np.ndarray  # currency units for the period, after gates and penalties
    penalty: np.ndarray  # currency units lost to detected gaming
    bottom: np.ndarray  # bool: in the forced-ranking bottom group
    missed: np.ndarray  # share of paid weight that scored 0 (targets missed)
    own_scores: dict[str, np.ndarray]  # per-KPI own score (before the team share)
    cutoff: float  # forced ranking: a total score at or below this is in the bottom


def pay_period(
    scheme: SchemeConfig,
    measured: dict[str, np.ndarray],
    safety: dict[str, np.ndarray],
    quality: np.ndarray,
    detected: np.ndarray,
    salary_period: np.ndarray,
    rng: np.random.Generator,
) -> PayOutcome:
    """Score the period's measured KPIs and compute each employee's bonus.

    Parameters
    ----------
    scheme : SchemeConfig
        The compensation scheme in force.
    measured : dict of str to numpy.ndarray
        Each paid KPI's measured value per employee (``sim.measurement.paid_kpis``).
    safety : dict of str to numpy.ndarray
        Each safety-net metric's value per employee (``sim.measurement.safety_metrics``).
    quality : numpy.ndarray
        Audit quality score per employee, in [0, 1] (the quality gate reads it).
    detected : numpy.ndarray
        Gaming acts the audits caught per employee (count).
    salary_period : numpy.ndarray
        Each employee's salary for the period, currency units.
    rng : numpy.random.Generator
        Breaks forced-ranking ties at random.
    """
    n = salary_period.shape[0]
    total = np.zeros(n)
    blended_scores: dict[str, np.ndarray] = {}
    own_scores: dict[str, np.ndarray] = {}
    missed = np.zeros(n)
    paid_weight = 0.0
    for name, kpi in _paid(scheme):
        own = _own_score(name, kpi, measured, safety)
        team = np.full(n, own.mean()) if n else own
        blended = (1 - scheme.team_share) * own + scheme.team_share * team
        blended_scores[name] = blended
        own_scores[name] = own
        total += kpi.weight * blended
        missed += kpi.weight * (own <= 0)
        paid_weight += kpi.weight
    full_bonus = scheme.bonus_share * salary_period
    bonus = full_bonus * total
    if scheme.quality_gate > 0:
        bonus = np.where(quality < scheme.quality_gate, 0.0, bonus)
    bottom = np.zeros(n, dtype=bool)
    cutoff = -np.inf
    if scheme.forced_ranking and n > 1 and paid_weight > 0:
        n_bottom = int(np.floor(scheme.forced_ranking_bottom * n))
        if n_bottom > 0:
            # ties broken at random so equal scorers share the risk
            order = np.lexsort((rng.random(n), total))
            bottom[order[:n_bottom]] = True
            cutoff = float(total[order[n_bottom - 1]])
            bonus = np.where(bottom, 0.0, bonus)
    penalty = np.minimum(bonus, scheme.audit_penalty * full_bonus * detected)
    bonus = bonus - penalty
    return PayOutcome(
        score=total,
        kpi_scores=blended_scores,
        bonus=bonus,
        penalty=penalty,
        bottom=bottom,
        missed=missed / paid_weight if paid_weight > 0 else missed,
        own_scores=own_scores,
        cutoff=cutoff,
    )


def _paid(scheme: SchemeConfig) -> list[tuple[str, KPIConfig]]:
    """The KPIs the scheme pays on (weight > 0), in declaration order."""
    out = []
    for name in kpi_names(scheme):
        kpi: KPIConfig = getattr(scheme.kpis, name)
        if kpi.weight > 0:
            out.append((name, kpi))
    return out


def _own_score(
    name: str, kpi: KPIConfig, measured: dict[str, np.ndarray], safety: dict[str, np.ndarray]
) -> np.ndarray:
    """A KPI's own score, cancelled where its safety-net metric is worse than its limit
    (in the metric's own direction, ``sim.measurement.KPIS``)."""
    own = score(measured[name], kpi)
    if kpi.safety_metric:
        net = safety[kpi.safety_metric]
        if KPIS[kpi.safety_metric].direction == "lower":
            breached = net > kpi.safety_limit
        else:
            breached = net < kpi.safety_limit
        own = np.where(breached, 0.0, own)
    return own


def candidate_bonus(
    scheme: SchemeConfig,
    measured: dict[str, np.ndarray],
    safety: dict[str, np.ndarray],
    quality: np.ndarray,
    detected: np.ndarray,
    salary_period: np.ndarray,
    actual: PayOutcome,
) -> np.ndarray:
    """The bonus each employee would have earned under each candidate policy (minus
    the stake of a forced-ranking warning, which the employee weighs like money).

    Everyone else's numbers are held at their actual values, so the team share moves
    by 1/n of one's own change and the forced-ranking cutoff is the actual one.  Same
    rules as :func:`pay_period`.

    Parameters
    ----------
    scheme : SchemeConfig
        The compensation scheme in force.
    measured, safety : dict of str to numpy.ndarray
        Each paid KPI's and each safety-net metric's value per employee and candidate
        policy, shape (n, K).
    quality : numpy.ndarray
        Audit quality score per employee and candidate, (n, K), in [0, 1].
    detected : numpy.ndarray
        Gaming acts the audits would have caught per employee and candidate, (n, K).
    salary_period : numpy.ndarray
        Each employee's salary for the period, currency units, (n,).
    actual : PayOutcome
        The period's actual scoring (the others' scores and the forced-ranking cutoff).

    Returns
    -------
    numpy.ndarray
        Bonus per employee and candidate, currency units, (n, K); minus the stake where
        the candidate lands in the forced-ranking bottom.
    """
    n = salary_period.shape[0]
    total = np.zeros(quality.shape)
    for name, kpi in _paid(scheme):
        own = _own_score(name, kpi, measured, safety)
        actual_own = actual.own_scores[name]
        team = actual_own.mean() + (own - actual_own[:, None]) / n
        total += kpi.weight * ((1 - scheme.team_share) * own + scheme.team_share * team)
    full_bonus = (scheme.bonus_share * salary_period)[:, None]
    bonus = full_bonus * total
    if scheme.quality_gate > 0:
        bonus = np.where(quality < scheme.quality_gate, 0.0, bonus)
    bonus = bonus - np.minimum(bonus, scheme.audit_penalty * full_bonus * detected)
    if scheme.forced_ranking:
        bottom = total <= actual.cutoff
        stake = scheme.forced_ranking_stake * salary_period[:, None]
        bonus = np.where(bottom, -stake, bonus)  # no bonus, and a warning to fear
    return bonus
