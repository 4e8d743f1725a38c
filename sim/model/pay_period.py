"""The end of a pay period: measured KPIs, pay, morale, learning — decided, not applied.

For every seated employee this turns the period's seat ledger into the numbers the
scheme measures (``sim.measurement.employee_kpis``) and their true counterparts, scores
them with the scheme (``scheme.py``), pays the bonus (plus any transition top-up,
``transition.py``), moves morale (pay against the adaptive reference point with loss
aversion, ``pay_reference.py``; fairness, workload, abuse, missed targets) and lets the
employee adapt its policy
(``behavior.py``, ``hindsight.py``).  :func:`close_period` returns a
:class:`PeriodDecision`; the model applies it (``ContactCentreModel.end_period``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Config, SchemeConfig
from ..measurement import employee_kpis, kpi_sample_sizes, ratio_array
from ..units import DAYS_PER_YEAR
from . import behavior as bh
from . import hindsight
from .employee import HEALTHY_MORALE, Employee
from .hindsight import LegMemory
from .pay_reference import EXPECTED_BONUS_SHARE, adapt, base_cut_share, felt
from .scheme import PayOutcome, candidate_bonus, pay_period

__all__ = ["EXPECTED_BONUS_SHARE", "PeriodDecision", "PeriodInputs", "close_period"]

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
    """Gini coefficient of non-negative values (0 = equal)."""
    x = np.sort(np.asarray(x, dtype=float))
    n = x.shape[0]
    if n == 0 or x.sum() <= 0:
        return 0.0
    cum = np.cumsum(x)
    return float((n + 1 - 2 * (cum / cum[-1]).sum()) / n)


@dataclass
class PeriodInputs:
    """What the end of a period reads: the period's ledgers and who is seated."""

    cfg: Config
    scheme: SchemeConfig
    staff: list[Employee]
    seat_counts: dict[str, np.ndarray]  # seat ledger, one value per seat
    repeats: np.ndarray  # repeat contacts within the window, one value per seat
    legs: LegMemory
    period: int
    period_start: int  # first day of the period
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


def measured_kpis(p: PeriodInputs, seats: np.ndarray) -> dict[str, np.ndarray]:
    """Per-employee KPIs as measured, plus safety-net and true metrics."""
    g = {k: v[seats] for k, v in p.seat_counts.items()}
    g["repeats"] = p.repeats[seats]
    out = employee_kpis(g, p.scheme.kpis.fcr.definition, p.scheme.kpis.csat.definition)
    out.update(
        complaint_rate=ratio_array(g["complaints"], g["answered"], 0.0),
        fcr_true=ratio_array(g["resolved"], g["answered"]),
        csat_true=ratio_array(g["xp_top2"], g["answered"]),
        occupancy=ratio_array(g["busy_s"], g["duty_s"], 0.0),
        abuse_rate=ratio_array(g["abuse"], g["answered"], 0.0),
        gaming_act_rate=ratio_array(g["acts"], g["legs"], 0.0),
        contacts=g["legs"],
        detected=g["detected"],
    )
    sizes = kpi_sample_sizes(g, p.scheme.kpis.csat.definition)
    out.update({f"n_{k}": v for k, v in sizes.items()})
    return out


def close_period(p: PeriodInputs, d: int, rng: np.random.Generator) -> PeriodDecision | None:
    """Pay, morale and learning at the end of the pay period ending on day ``d``
    (``None`` when nobody is seated)."""
    cfg, sch, staff = p.cfg, p.scheme, p.staff
    b = cfg.behavior
    if not staff:
        return None
    seats = np.array([s.seat for s in staff])
    m = measured_kpis(p, seats)
    period_days = d + 1 - p.period_start
    salary = np.array([s.salary_annual for s in staff]) * period_days / DAYS_PER_YEAR
    pay = _pay(sch, m, salary, rng)
    top_up = (
        np.zeros(len(staff)) if p.top_up is None else np.maximum(p.top_up * salary - pay.bonus, 0.0)
    )
    # pay above the old salary, share of salary: what the reference point judges
    gain = (pay.bonus + top_up) / salary - base_cut_share(sch)
    pay_ref = np.array([s.pay_reference for s in staff])
    felt_pay = felt(gain, pay_ref, b.loss_aversion)
    morale = _morale(p, m, pay, salary, felt_pay)
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
    u = _utility(b, pay, salary, m, played, staff, motivation, integrity)
    intrinsic = np.array([s.intrinsic for s in staff])
    if b.adaptive:
        reference = _learn(p, seats, m, pay, salary, motivation, integrity, rng)
        # standards erode toward practice (thoroughness and courtesy only)
        for j in (bh.THOROUGHNESS, bh.COURTESY):
            intrinsic[:, j] += b.norm_erosion * (played[:, j] - intrinsic[:, j])
    else:
        reference = played
    was_warned = np.array([s.warned for s in staff], dtype=bool)
    dismissing = sch.forced_ranking and sch.forced_ranking_dismiss
    rows = [
        _row(p, s, i, d, morale, salary, pay, u, m, played, was_warned, sch.forced_ranking_dismiss)
        | {
            "top_up": float(top_up[i]),
            "pay": float(salary[i] + pay.bonus[i] + top_up[i]),
            "pay_reference": float(pay_ref[i]),
            "pay_felt": float(felt_pay[i]),
        }
        for i, s in enumerate(staff)
    ]
    return PeriodDecision(
        staff=staff,
        rows=rows,
        morale=morale,
        last_pay=pay.bonus / salary,
        pay_reference=adapt(pay_ref, gain, b.pay_reference_adaptation),
        warned=pay.bottom.astype(bool),
        policy=reference,
        intrinsic=intrinsic,
        dismissed=[s for i, s in enumerate(staff) if pay.bottom[i] and was_warned[i]]
        if dismissing
        else None,
        total_bonus=float(pay.bonus.sum() + top_up.sum()),
        contacts_mean=float(np.mean(m["contacts"])),
    )


def _morale(
    p: PeriodInputs, m: dict, pay: PayOutcome, salary: np.ndarray, felt_pay: np.ndarray
) -> np.ndarray:
    """Morale after the period: pay as felt against the reference point (``felt_pay``,
    share of salary, losses weighted by loss aversion), fairness, workload, abuse, missed
    targets, each saturating in [-1, 1], weighted by ``employees.morale_*_weight``."""
    sch, e = p.scheme, p.cfg.employees
    pay_c = np.clip(felt_pay / PAY_SURPRISE_SCALE, -1.0, 1.0)
    # fairness: being put in the forced-ranking bottom (and, for everyone, the fear of
    # it), and unequal pay for similar work (per paid hour: part-timers are paid pro rata)
    fear = RANKING_FEAR * sch.forced_ranking_bottom if sch.forced_ranking else 0.0
    hours = np.array([s.hours_share for s in p.staff])
    fair_c = (
        -np.where(pay.bottom, 1.0, 0.0)
        - fear
        - min(1.0, GINI_UNFAIR * gini((salary + pay.bonus) / hours))
    )
    work_c = -np.clip((m["occupancy"] - e.occupancy_comfort) / WORKLOAD_SCALE, 0.0, 1.0)
    abuse_c = -np.clip(m["abuse_rate"] / ABUSE_SCALE, 0.0, 1.0)
    target_c = -pay.missed * (sch.bonus_share > 0)
    target = np.clip(
        e.morale_initial
        + e.morale_pay_weight * pay_c
        + e.morale_fairness_weight * fair_c
        + e.morale_workload_weight * work_c
        + e.morale_abuse_weight * abuse_c
        + e.morale_target_weight * target_c,
        0.0,
        1.0,
    )
    morale = np.array([s.morale for s in p.staff])
    return morale + MORALE_ADJUSTMENT * (target - morale)


def _utility(b, pay, salary, m, played, staff, motivation, integrity) -> np.ndarray:
    """Each employee's utility of the policy it played (recorded, not used to learn)."""
    quality = 0.5 * (np.nan_to_num(m["fcr_true"], nan=0.5) + np.nan_to_num(m["csat_true"], nan=0.5))
    return bh.utility(
        pay_gain=pay.bonus / salary,
        true_quality=quality,
        policy=played,
        intrinsic=np.array([s.intrinsic for s in staff]),
        motivation=motivation,
        integrity=integrity,
        pay_weight=b.pay_weight,
        intrinsic_weight=b.intrinsic_weight,
        integrity_weight=b.integrity_weight,
        effort_weight=b.effort_weight,
    )


def _row(p, s, i, d, morale, salary, pay, u, m, played, was_warned, dismiss) -> dict:
    """One row of ``result.employees``: the employee's period."""
    row = {
        "employee_id": s.unique_id,
        "seat": int(s.seat),
        "period": p.period,
        "day_end": d,
        "scheme": p.scheme.name,
        "tenure_days": s.tenure_days,
        "skill": s.skill,
        "speed": s.speed,
        "friendliness": s.friendliness,
        "motivation": s.motivation,
        "integrity": s.integrity,
        "morale": float(morale[i]),
        "salary": float(salary[i]),
        "bonus": float(pay.bonus[i]),
        "penalty": float(pay.penalty[i]),
        "pay": float(salary[i] + pay.bonus[i]),
        "score": float(pay.score[i]),
        "forced_bottom": bool(pay.bottom[i]),
        "dismissed": bool(pay.bottom[i] and was_warned[i] and dismiss),
        "utility": float(u[i]),
        "contacts": float(m["contacts"][i]),
        "aht_s": float(m["aht"][i]),
        "fcr_measured": float(m["fcr"][i]),
        "fcr_true": float(m["fcr_true"][i]),
        "csat_survey": float(m["csat"][i]),
        "csat_true": float(m["csat_true"][i]),
        "csat_random": float(m["csat_random"][i]),
        "repeat_rate": float(m["repeat_rate"][i]),
        "complaint_rate": float(m["complaint_rate"][i]),
        "transfer_rate": float(m["transfer"][i]),
        "web_push_rate": float(m["web_deflection"][i]),
        "quality": float(m["quality"][i]),
        "occupancy": float(m["occupancy"][i]),
        "abuse_rate": float(m["abuse_rate"][i]),
        "gaming_act_rate": float(m["gaming_act_rate"][i]),
        "detected": float(m["detected"][i]),
    }
    row.update({f"n_{k}": float(m[f"n_{k}"][i]) for k in PAID})  # observations per KPI
    row.update({f"lever_{name}": float(played[i, j]) for j, name in enumerate(bh.LEVERS)})
    return row


#: Measured KPIs the scheme can pay on, and the safety-net metrics it can check.
PAID = ("aht", "fcr", "csat", "transfer", "web_deflection", "quality")
SAFETY = ("repeat_rate", "fcr_no_repeat", "csat_random", "complaint_rate", "quality")


def _pay(sch: SchemeConfig, m: dict, salary: np.ndarray, rng: np.random.Generator) -> PayOutcome:
    measured = {k: m[k] for k in PAID}
    safety = {k: m[k] for k in SAFETY}
    return pay_period(sch, measured, safety, m["quality"], m["detected"], salary, rng)


def _learn(
    p: PeriodInputs,
    seats: np.ndarray,
    m: dict[str, np.ndarray],
    pay: PayOutcome,
    salary: np.ndarray,
    motivation: np.ndarray,
    integrity: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Hindsight learning (``hindsight.py``) then habits and imitation: the policy each
    employee settles on."""
    cfg, sch, b, staff = p.cfg, p.scheme, p.cfg.behavior, p.staff
    reference = np.array([s.settled_policy for s in staff])
    intrinsic = np.array([s.intrinsic for s in staff])
    lo, hi = bh.bounds(b.gaming, intrinsic)
    # every lever is explored under any scheme: a gaming habit fades because it stops
    # paying (its moral cost and the customers' outcomes push it down), at the learning
    # speed; under flat pay the same costs keep it near zero
    explore = np.ones(len(bh.LEVERS), dtype=bool)
    cand = hindsight.candidates(reference, lo, hi, b.learning_step, explore)
    legs = p.legs.sample(rng, seats)
    cf = hindsight.replay(legs, cand, cfg, sch)
    scale = m["contacts"][:, None] / np.where(cf["legs"] > 0, cf["legs"], 1.0)
    measured = {k: cf[k] for k in PAID}
    safety = {k: cf[k] for k in ("repeat_rate", "fcr_no_repeat", "csat_random")}
    safety["complaint_rate"] = np.broadcast_to(m["complaint_rate"][:, None], cf["aht"].shape)
    safety["quality"] = cf["quality"]
    bonus = candidate_bonus(
        sch, measured, safety, cf["quality"], cf["detected"] * scale, salary, pay
    )
    util = bh.utility(
        pay_gain=bonus / salary[:, None],
        true_quality=cf["quality_true"],
        policy=cand,
        intrinsic=intrinsic[:, None, :],
        motivation=motivation[:, None],
        integrity=integrity[:, None],
        pay_weight=b.pay_weight,
        intrinsic_weight=b.intrinsic_weight,
        integrity_weight=b.integrity_weight,
        effort_weight=b.effort_weight,
    )
    reference = bh.choose(rng, reference, cand, util, b.choice_noise)
    top = None
    if sch.dashboard == "big_screen" and pay.score.max() > 0:
        top = int(np.argmax(pay.score))
    return bh.socialise(
        rng,
        reference,
        intrinsic=intrinsic,
        integrity=integrity,
        pay=pay.bonus / salary,
        lo=lo,
        hi=hi,
        imitation_rate=b.imitation_rate,
        habit_decay=b.habit_decay,
        top_peer=top,
        copy=bh.copyable(sch.dashboard),
    )
