"""The end of a pay period: measured KPIs, pay, morale, and learning.

For every seated employee this turns the period's ledger (``SeatLedger``) into the
numbers the scheme measures and their true counterparts, scores them with the scheme
(``sim/scheme.py``), pays the bonus, moves morale (pay vs expectation, fairness,
workload, abuse, missed targets) and lets the employee adapt its policy
(``sim/behavior.py``).  One row per employee goes to ``result.employees``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import behavior as bh

if TYPE_CHECKING:
    from .model import ContactCentreModel


def _ratio(num: np.ndarray, den: np.ndarray, empty: float = np.nan) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), empty)


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal)."""
    x = np.sort(np.asarray(x, dtype=float))
    n = x.shape[0]
    if n == 0 or x.sum() <= 0:
        return 0.0
    cum = np.cumsum(x)
    return float((n + 1 - 2 * (cum / cum[-1]).sum()) / n)


def measured_kpis(model: ContactCentreModel, slots: np.ndarray) -> dict[str, np.ndarray]:
    """Per-employee KPI values as the measurement system records them, plus true and
    safety-net metrics (keys ending ``_true`` or named as safety metrics)."""
    led = model.seat_ledger.data
    sch = model.scheme
    g = {k: v[slots] for k, v in led.items()}
    repeats = model.repeats_ps[model.period, slots]
    repeat_rate = _ratio(repeats, g["answered"])
    fcr_coded = _ratio(g["coded"], g["answered"])
    fcr_no_repeat = 1.0 - repeat_rate
    csat_agent = _ratio(g["survey_top2"], g["surveys"])
    csat_random = _ratio(g["rnd_top2"], g["rnd_surveys"])
    out = {
        "aht": _ratio(g["handle_s"], g["legs"]),
        "fcr": fcr_coded if sch.kpis.fcr.definition == "self_coded" else fcr_no_repeat,
        "csat": csat_agent if sch.kpis.csat.definition == "agent_offered" else csat_random,
        "transfer": _ratio(g["transfers"], g["legs"]),
        "web_deflection": _ratio(g["pushes"], g["legs"]),
        "quality": 1.0 - np.minimum(1.0, _ratio(g["detected"], g["audited"], 0.0)),
        # safety-net metrics
        "repeat_rate": repeat_rate,
        "fcr_no_repeat": fcr_no_repeat,
        "csat_random": csat_random,
        "complaint_rate": _ratio(g["complaints"], g["answered"], 0.0),
        # true counterparts
        "fcr_true": _ratio(g["resolved"], g["answered"]),
        "csat_true": _ratio(g["xp_top2"], g["answered"]),
        "occupancy": _ratio(g["busy_s"], g["duty_s"], 0.0),
        "abuse_rate": _ratio(g["abuse"], g["answered"], 0.0),
        "gaming_act_rate": _ratio(g["acts"], g["legs"], 0.0),
        "contacts": g["legs"],
        "detected": g["detected"],
    }
    return out


def close_period(model: ContactCentreModel, d: int) -> None:
    """Pay, morale, learning and records at the end of the pay period ending on day d."""
    cfg, sch = model.cfg, model.scheme
    e, b = cfg.employees, cfg.behavior
    staff = model.staff
    if not staff:
        model.seat_ledger.reset()
        model.legs.clear()
        return
    slots = np.array([s.slot for s in staff])
    m = measured_kpis(model, slots)
    period_days = d + 1 - model.period_start
    salary = np.array([s.salary_annual for s in staff]) * period_days / 250.0
    pay = _pay(model, m, salary)
    # ---- morale: pay vs expectation, fairness, workload, abuse, missed targets
    expected_bonus = 0.5 * sch.bonus_share * salary
    pay_c = np.clip((pay.bonus - expected_bonus) / (0.1 * salary), -1.0, 1.0)
    # fairness: being put in the forced-ranking bottom (and, for everyone, the fear of
    # it: three times the share at risk), and unequal pay for similar work
    fear = 3.0 * sch.forced_ranking_bottom if sch.forced_ranking else 0.0
    fair_c = -np.where(pay.bottom, 1.0, 0.0) - fear - min(1.0, 5.0 * gini(salary + pay.bonus))
    work_c = -np.clip((m["occupancy"] - e.occupancy_comfort) / 0.15, 0.0, 1.0)
    abuse_c = -np.clip(m["abuse_rate"] / 0.3, 0.0, 1.0)
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
    morale = np.array([s.morale for s in staff])
    morale = morale + 0.5 * (target - morale)
    # ---- learning
    played = np.array([s.policy for s in staff])
    quality = 0.5 * (np.nan_to_num(m["fcr_true"], nan=0.5) + np.nan_to_num(m["csat_true"], nan=0.5))
    # Burnout erodes care for the customer (Maslach's depersonalisation): intrinsic
    # motivation counts in proportion to morale (relative to a healthy 0.6).
    motivation = np.array([s.motivation for s in staff]) * np.clip(morale / 0.6, 0.3, 1.2)
    # Moral disengagement: people who feel badly treated find gaming easier to justify
    # (Greenberg 1990; Schweitzer, Ordonez & Douma 2004): integrity counts in proportion
    # to morale (relative to a healthy 0.6).
    integrity = np.array([s.integrity for s in staff]) * np.clip(morale / 0.6, 0.5, 1.2)
    u = bh.utility(
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
    if b.adaptive:
        reference = _learn(model, staff, slots, m, pay, salary, motivation, integrity)
        # standards erode toward practice (thoroughness and courtesy only)
        for i, s in enumerate(staff):
            for j in (bh.THOROUGHNESS, bh.COURTESY):
                s.intrinsic[j] += b.norm_erosion * (played[i, j] - s.intrinsic[j])
    else:
        reference = played
    # ---- write back and record
    total_bonus = float(pay.bonus.sum())
    model.ledger.current["cost_bonus"] = model.ledger.current.get("cost_bonus", 0.0) + total_bonus
    was_warned = [s.warned for s in staff]
    for i, s in enumerate(staff):
        row = {
            "employee_id": s.unique_id,
            "seat": int(s.slot),
            "period": model.period,
            "day_end": d,
            "scheme": sch.name,
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
            "dismissed": bool(pay.bottom[i] and was_warned[i] and sch.forced_ranking_dismiss),
            "utility": float(u[i]),
            "contacts": float(m["contacts"][i]),
            "aht_s": float(m["aht"][i]),
            "fcr_measured": float(m["fcr"][i]),
            "fcr_true": float(m["fcr_true"][i]),
            "csat_survey": float(m["csat"][i]),
            "csat_true": float(m["csat_true"][i]),
            "csat_random": float(m["csat_random"][i]),
            "repeat_rate": float(m["repeat_rate"][i]),
            "transfer_rate": float(m["transfer"][i]),
            "web_push_rate": float(m["web_deflection"][i]),
            "quality": float(m["quality"][i]),
            "occupancy": float(m["occupancy"][i]),
            "abuse_rate": float(m["abuse_rate"][i]),
            "gaming_act_rate": float(m["gaming_act_rate"][i]),
            "detected": float(m["detected"][i]),
        }
        row.update({f"lever_{name}": float(played[i, j]) for j, name in enumerate(bh.LEVERS)})
        model.employee_rows.append(row)
        s.morale = float(morale[i])
        s.last_pay = float(pay.bonus[i] / salary[i])
        s.warned = bool(pay.bottom[i])
        s.reference = reference[i].copy()
        s.policy = reference[i].copy()
    if sch.forced_ranking and sch.forced_ranking_dismiss:
        model.dismiss([s for i, s in enumerate(staff) if pay.bottom[i] and was_warned[i]], d)
    model.pay_history.append(total_bonus)
    model.legs.retune(float(np.mean(m["contacts"])))
    model.seat_ledger.reset()
    model.legs.clear()
    model._invalidate_staff()


def _learn(
    model: ContactCentreModel,
    staff: list,
    slots: np.ndarray,
    m: dict[str, np.ndarray],
    pay,
    salary: np.ndarray,
    motivation: np.ndarray,
    integrity: np.ndarray,
) -> np.ndarray:
    """Hindsight learning (``sim/hindsight.py``) then habits and imitation."""
    from . import hindsight
    from .scheme import candidate_bonus

    cfg, rng, sch, b = model.cfg, model.rng, model.scheme, model.cfg.behavior
    reference = np.array([s.reference for s in staff])
    intrinsic = np.array([s.intrinsic for s in staff])
    lo, hi = bh.bounds(b.gaming, intrinsic)
    explore = np.ones(len(bh.LEVERS), dtype=bool)
    if sch.bonus_share <= 0:  # nothing to gain from the numbers: no temptation to game
        explore[bh.GAMING] = False
    cand = hindsight.candidates(reference, lo, hi, b.learning_step, explore)
    legs = model.legs.sample(rng, slots)
    cf = hindsight.replay(legs, cand, cfg, sch)
    scale = m["contacts"][:, None] / np.where(cf["legs"] > 0, cf["legs"], 1.0)
    measured = {k: cf[k] for k in ("aht", "fcr", "csat", "transfer", "web_deflection")}
    measured["quality"] = cf["quality"]
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
        visibility=bh.VISIBILITY[sch.dashboard],
        top_peer=top,
    )


def _pay(model: ContactCentreModel, m: dict[str, np.ndarray], salary: np.ndarray):
    from .scheme import pay_period

    sch = model.scheme
    measured = {k: m[k] for k in ("aht", "fcr", "csat", "transfer", "web_deflection", "quality")}
    safety = {k: m[k] for k in ("repeat_rate", "fcr_no_repeat", "csat_random", "complaint_rate")}
    safety["quality"] = m["quality"]
    return pay_period(sch, measured, safety, m["quality"], m["detected"], salary, model.rng)
