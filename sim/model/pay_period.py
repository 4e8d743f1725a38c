"""The end of a pay period: measured KPIs, pay, morale, learning — decided, not applied.

For every seated employee this turns the period's seat ledger into the numbers the
scheme measures (every KPI of the registry ``sim.measurement.KPIS``) and their true
counterparts, scores them with the scheme (``scheme.py``), pays the bonus (plus any
transition top-up, ``transition.py``), moves morale (pay against the adaptive reference
point with loss aversion, ``pay_reference.py``; fairness, workload, abuse, missed
targets) and lets the employee adapt its policy (``learning.py``, by the rule
``behavior.learning`` names).
:func:`close_period` returns a :class:`PeriodDecision`; the model applies it
(``ContactCentreModel.end_period``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Config, SchemeConfig
from ..measurement import (
    employee_kpis,
    kpi_sample_sizes,
    paid_kpis,
    ratio_array,
    safety_metrics,
)
from ..units import DAYS_PER_YEAR
from . import fairness, learning, period_rows
from .behavior import COURTESY, THOROUGHNESS, utility
from .employee import HEALTHY_MORALE, Employee
from .hindsight import LegMemory
from .learning import candidate_metrics
from .pay_reference import EXPECTED_BONUS_SHARE, adapt, base_cut_share, felt
from .scheme import PayOutcome, pay_period

__all__ = [
    "EXPECTED_BONUS_SHARE",
    "PeriodDecision",
    "PeriodInputs",
    "candidate_metrics",
    "close_period",
]

#: Morale moves half-way to its target each period (partial adjustment).
MORALE_ADJUSTMENT = 0.5
#: A felt gain (loss) of 10% of salary against the reference point saturates the pay
#: term of morale.
PAY_SURPRISE_SCALE = 0.1
#: Fear of forced ranking: the share at risk counts three times in perceived fairness.
RANKING_FEAR = 3.0
#: Pay inequality: a Gini of 0.2 saturates the fairness term.
GINI_UNFAIR = 5.0
#: Occupancy this far above comfort saturates the workload term; likewise abuse.
WORKLOAD_SCALE = 0.15
ABUSE_SCALE = 0.3
#: Bounds of burnout (motivation) and moral disengagement (integrity) multipliers.
BURNOUT_BOUNDS = (0.3, 1.2)
DISENGAGEMENT_BOUNDS = (0.5, 1.2)


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal).

    Parameters
    ----------
    x : numpy.ndarray
        Non-negative values (e.g. pay per paid hour, currency units).
    """
    x = np.sort(np.asarray(x, dtype=float))
    n = x.shape[0]
    if n == 0 or x.sum() <= 0:
        return 0.0
    cum = np.cumsum(x)
    return float((n + 1 - 2 * (cum / cum[-1]).sum()) / n)


@dataclass
class PeriodInputs:
    """What the end of a period reads: the period's ledgers and who is seated."""

    #: the run's configuration
    cfg: Config
    #: the scheme the team is paid under this period
    scheme: SchemeConfig
    #: the team's seated employees
    staff: list[Employee]
    #: the seat ledger: the period's counts, one value per seat
    seat_counts: dict[str, np.ndarray]
    #: repeat contacts within the window, one value per seat
    repeats: np.ndarray
    #: the legs remembered for hindsight
    legs: LegMemory
    #: the pay period's number (0 = first)
    period: int
    #: first day of the period
    period_start: int
    #: transition pay protection, share of salary per employee (None: none)
    top_up: np.ndarray | None = None


@dataclass
class PeriodDecision:
    """What the end of a period decided, per seated employee (in ``staff`` order)."""

    staff: list[Employee]
    rows: list[dict]  # one row of ``result.employees`` each
    morale: np.ndarray
    last_pay: np.ndarray  # bonus as a share of the period's salary
    pay_reference: np.ndarray  # pay reference point after the period, share of salary
    warned: np.ndarray  # in the forced-ranking bottom this period
    policy: np.ndarray  # the policy each employee settles on, (n, levers)
    intrinsic: np.ndarray  # standards after erosion toward practice, (n, levers)
    dismissed: list[Employee] | None  # None: the scheme dismisses nobody
    total_bonus: float
    contacts_mean: float  # legs per employee this period (sizes the next memory)
    memory: np.ndarray | None = None  # the learning rule's state per employee (learning.py)
    fairness: np.ndarray | None = None  # felt fairness after the period (fairness.py)


def measured_kpis(inputs: PeriodInputs, seats: np.ndarray) -> dict[str, np.ndarray]:
    """Per-employee KPIs as measured (every KPI of ``sim.measurement.KPIS``), their true
    counterparts, workload and the observations behind each paid KPI (``n_<kpi>``).

    Parameters
    ----------
    inputs : PeriodInputs
        The period's ledgers.
    seats : numpy.ndarray
        The seats of the employees, in ``staff`` order.
    """
    counts = {name: values[seats] for name, values in inputs.seat_counts.items()}
    counts["repeats"] = inputs.repeats[seats]
    fcr, csat = inputs.scheme.kpis.fcr.definition, inputs.scheme.kpis.csat.definition
    metrics = employee_kpis(counts, fcr, csat)
    metrics.update(
        fcr_true=ratio_array(counts["resolved"], counts["answered"]),
        csat_true=ratio_array(counts["xp_top2"], counts["answered"]),
        occupancy=ratio_array(counts["busy_s"], counts["duty_s"], 0.0),
        abuse_rate=ratio_array(counts["abuse"], counts["answered"], 0.0),
        gaming_act_rate=ratio_array(counts["acts"], counts["legs"], 0.0),
        contacts=counts["legs"],
        detected=counts["detected"],
    )
    sizes = kpi_sample_sizes(counts, fcr, csat)
    metrics.update({f"n_{name}": size for name, size in sizes.items()})
    return metrics


def close_period(inputs: PeriodInputs, day: int, rng: np.random.Generator) -> PeriodDecision | None:
    """Pay, morale and learning at the end of the pay period ending on ``day``
    (``None`` when nobody is seated).

    Parameters
    ----------
    inputs : PeriodInputs
        The period's ledgers and who is seated.
    day : int
        The period's last day.
    rng : numpy.random.Generator
        The model's generator (forced-ranking ties, the legs replayed, choices,
        imitation).
    """
    scheme, staff, behavior = inputs.scheme, inputs.staff, inputs.cfg.behavior
    if not staff:
        return None
    seats = np.array([s.seat for s in staff])
    metrics = measured_kpis(inputs, seats)
    period_days = day + 1 - inputs.period_start
    salary = np.array([s.salary_annual for s in staff]) * period_days / DAYS_PER_YEAR
    payout = _pay(scheme, metrics, salary, rng)
    top_up = (
        np.zeros(len(staff))
        if inputs.top_up is None
        else np.maximum(inputs.top_up * salary - payout.bonus, 0.0)
    )
    # pay above the old salary, share of salary: what the reference point judges
    gain = (payout.bonus + top_up) / salary - base_cut_share(scheme)
    pay_reference = np.array([s.pay_reference for s in staff])
    felt_pay = felt(gain, pay_reference, behavior.loss_aversion)
    morale = _morale(inputs, metrics, payout, salary, felt_pay)
    # felt fairness (fairness.py): scales integrity below; enters next period's morale
    aim = fairness.target(staff, felt_pay=felt_pay, gain=gain, scheme=scheme, bottom=payout.bottom)
    fair = fairness.update(staff, aim)
    played = np.array([s.policy for s in staff])
    # Burnout erodes care for the customer (Maslach's depersonalisation): intrinsic
    # motivation counts in proportion to morale (relative to a healthy centre).
    motivation = np.array([s.motivation for s in staff]) * np.clip(
        morale / HEALTHY_MORALE, *BURNOUT_BOUNDS
    )
    # Moral disengagement: people who feel badly treated find gaming easier to justify
    # (Greenberg 1990; Schweitzer, Ordonez & Douma 2004): integrity counts in proportion
    # to morale (relative to a healthy centre).
    integrity = np.array([s.integrity for s in staff]) * np.clip(
        morale / HEALTHY_MORALE, *DISENGAGEMENT_BOUNDS
    )
    integrity = integrity * fairness.integrity_factor(fair, behavior.fairness_sensitivity)
    utility_played = _utility_played(
        inputs, payout, salary, metrics, played, motivation=motivation, integrity=integrity
    )
    intrinsic = np.array([s.intrinsic for s in staff])
    memory = None
    if behavior.adaptive:
        learned = _learn(
            inputs,
            seats,
            metrics,
            payout,
            salary=salary,
            motivation=motivation,
            integrity=integrity,
            rng=rng,
        )
        settled_policy, memory = learned.policy, learned.memory
        # standards erode toward practice (thoroughness and courtesy only)
        for j in (THOROUGHNESS, COURTESY):
            intrinsic[:, j] += behavior.norm_erosion * (played[:, j] - intrinsic[:, j])
    else:
        settled_policy = played
    was_warned = np.array([s.warned for s in staff], dtype=bool)
    dismissing = scheme.forced_ranking and scheme.forced_ranking_dismiss
    columns = period_rows.columns(
        metrics,
        payout,
        salary=salary,
        top_up=top_up,
        pay_reference=pay_reference,
        felt_pay=felt_pay,
        morale=morale,
        utility_played=utility_played,
        played=played,
        dismissing=was_warned & bool(scheme.forced_ranking_dismiss),
    )
    rows = period_rows.rows(staff, (inputs.period, day, scheme.name), columns)
    for row, employee, f in zip(rows, staff, fair, strict=True):
        row.update(fairness=float(f), type=fairness.type_label(employee))
    return PeriodDecision(
        staff=staff,
        rows=rows,
        morale=morale,
        last_pay=payout.bonus / salary,
        pay_reference=adapt(pay_reference, gain, behavior.pay_reference_adaptation),
        warned=payout.bottom.astype(bool),
        policy=settled_policy,
        intrinsic=intrinsic,
        dismissed=[s for i, s in enumerate(staff) if payout.bottom[i] and was_warned[i]]
        if dismissing
        else None,
        total_bonus=float(payout.bonus.sum() + top_up.sum()),
        contacts_mean=float(np.mean(metrics["contacts"])),
        memory=memory,
        fairness=fair,
    )


def _pay(
    scheme: SchemeConfig,
    metrics: dict[str, np.ndarray],
    salary: np.ndarray,
    rng: np.random.Generator,
) -> PayOutcome:
    """Score the period's measured KPIs and safety-net metrics under the scheme."""
    measured = {name: metrics[name] for name in paid_kpis()}
    safety = {name: metrics[name] for name in safety_metrics()}
    return pay_period(
        scheme, measured, safety, metrics["quality"], metrics["detected"], salary, rng
    )


def _morale(
    inputs: PeriodInputs,
    metrics: dict[str, np.ndarray],
    payout: PayOutcome,
    salary: np.ndarray,
    felt_pay: np.ndarray,
) -> np.ndarray:
    """Morale after the period: pay as felt against the reference point, fairness,
    workload, abuse, missed targets, each saturating in [-1, 1], weighted by
    ``employees.morale_*_weight``, moved ``MORALE_ADJUSTMENT`` of the way to its target.

    Parameters
    ----------
    inputs : PeriodInputs
        The period's inputs (scheme, staff, employees' config).
    metrics : dict of str to numpy.ndarray
        The period's per-employee metrics (:func:`measured_kpis`).
    payout : PayOutcome
        The period's scoring and bonuses.
    salary : numpy.ndarray
        The period's salary per employee, currency units.
    felt_pay : numpy.ndarray
        Pay as felt against the reference point, share of salary (losses weighted by
        loss aversion).
    """
    scheme, employees = inputs.scheme, inputs.cfg.employees
    pay_term = np.clip(felt_pay / PAY_SURPRISE_SCALE, -1.0, 1.0)
    # fairness: being put in the forced-ranking bottom (and, for everyone, the fear of
    # it), and unequal pay for similar work (per paid hour: part-timers are paid pro rata)
    fear = RANKING_FEAR * scheme.forced_ranking_bottom if scheme.forced_ranking else 0.0
    hours = np.array([s.hours_share for s in inputs.staff])
    fairness_term = (
        -np.where(payout.bottom, 1.0, 0.0)
        - fear
        - min(1.0, GINI_UNFAIR * gini((salary + payout.bonus) / hours))
        + np.array([s.fairness for s in inputs.staff])  # felt fairness (fairness.py)
    )
    workload_term = -np.clip(
        (metrics["occupancy"] - employees.occupancy_comfort) / WORKLOAD_SCALE, 0.0, 1.0
    )
    abuse_term = -np.clip(metrics["abuse_rate"] / ABUSE_SCALE, 0.0, 1.0)
    missed_term = -payout.missed * (scheme.bonus_share > 0)
    target = np.clip(
        employees.morale_initial
        + employees.morale_pay_weight * pay_term
        + employees.morale_fairness_weight * fairness_term
        + employees.morale_workload_weight * workload_term
        + employees.morale_abuse_weight * abuse_term
        + employees.morale_target_weight * missed_term,
        0.0,
        1.0,
    )
    morale = np.array([s.morale for s in inputs.staff])
    return morale + MORALE_ADJUSTMENT * (target - morale)


def _utility_played(
    inputs: PeriodInputs,
    payout: PayOutcome,
    salary: np.ndarray,
    metrics: dict[str, np.ndarray],
    played: np.ndarray,
    *,
    motivation: np.ndarray,
    integrity: np.ndarray,
) -> np.ndarray:
    """Each employee's utility of the policy it played (recorded, not used to learn).

    Parameters
    ----------
    inputs : PeriodInputs
        The period's inputs (staff, behaviour config).
    payout : PayOutcome
        The period's scoring and bonuses.
    salary : numpy.ndarray
        The period's salary per employee, currency units.
    metrics : dict of str to numpy.ndarray
        The period's per-employee metrics (true FCR and CSAT are read).
    played : numpy.ndarray
        The policy each employee played, (n, levers).
    motivation, integrity : numpy.ndarray
        Intrinsic motivation and integrity after burnout and disengagement, in [0, 1].
    """
    behavior = inputs.cfg.behavior
    true_quality = 0.5 * (
        np.nan_to_num(metrics["fcr_true"], nan=0.5) + np.nan_to_num(metrics["csat_true"], nan=0.5)
    )
    return utility(
        pay_gain=payout.bonus / salary,
        true_quality=true_quality,
        policy=played,
        intrinsic=np.array([s.intrinsic for s in inputs.staff]),
        motivation=motivation,
        integrity=integrity,
        pay_weight=behavior.pay_weight,
        intrinsic_weight=behavior.intrinsic_weight,
        integrity_weight=behavior.integrity_weight,
        effort_weight=behavior.effort_weight,
        occupancy=metrics["occupancy"],
        pace_cost=behavior.pace_cost,
    )


def _learn(
    inputs: PeriodInputs,
    seats: np.ndarray,
    metrics: dict[str, np.ndarray],
    payout: PayOutcome,
    *,
    salary: np.ndarray,
    motivation: np.ndarray,
    integrity: np.ndarray,
    rng: np.random.Generator,
) -> learning.Learned:
    """The policy each employee settles on, by the rule ``behavior.learning`` names
    (``learning.py``), and the state the rule keeps.

    Parameters
    ----------
    inputs : PeriodInputs
        The period's inputs (scheme, staff, the legs remembered).
    seats : numpy.ndarray
        The seats of the employees, in ``staff`` order.
    metrics : dict of str to numpy.ndarray
        The period's actual per-employee metrics (:func:`measured_kpis`).
    payout : PayOutcome
        The period's actual scoring and bonuses.
    salary : numpy.ndarray
        The period's salary per employee, currency units.
    motivation, integrity : numpy.ndarray
        Intrinsic motivation and integrity after burnout and disengagement, in [0, 1].
    rng : numpy.random.Generator
        Draws the legs replayed, each lever's choice and imitation.
    """
    ctx = learning.LearningContext(inputs, seats, metrics, payout, salary, motivation, integrity)
    return learning.learn(ctx, rng)
