"""A run's tables: the daily table, the employee table and the summary
(docs/reference.md lists every column and key).

The model's ledgers hold counts and sums; every rate here is computed from those
totals (ratio of sums, never a mean of daily ratios) with ``sim.measurement``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..measurement import WINDOWED_KPIS, effort_rates, rates, ratio, window_closed
from ..units import DAYS_PER_YEAR
from .channels import channel_summary
from .decisions import management_summary
from .money import MONEY_COLUMNS, add_money_columns, book_one_off, money_summary, value_summary
from .rollout import rollout_summary
from .signs import toxic_signs
from .spread import gaming_spread

if TYPE_CHECKING:
    from ..model import ContactCentreModel

#: Count columns of the daily table (missing ones are 0 on a day).
COUNT_COLUMNS = (
    "calls_offered",
    "calls_answered",
    "abandoned",
    "abandoned_after_transfer",
    "answered_in_sl",
    "waited",
    "wait_answered_s",
    "wait_all_s",
    "busy_s",
    "avail_s",
    "legs",
    "handle_s",
    "answered_owned",
    "resolved_true",
    "coded_resolved",
    "resolved_done",
    "repeats_7d",
    "surveys",
    "survey_top2",
    "surveys_offered",
    "surveys_honest",
    "survey_top2_honest",
    "friendliness_sum",
    "friendliness_n",
    "rnd_sampled",
    "rnd_surveys",
    "rnd_top2",
    "fcr_reported_answers",
    "fcr_reported_yes",
    "transfers",
    "hangups",
    "pushes",
    "web_sessions",
    "issues_new",
    "issues_first_resolved",
    "web_resolved",
    "web_escalated",
    "give_ups",
    "contacts",
    "xp_top2",
    "effort_sum",
    "bad_experiences",
    "loyalty_down",
    "loyalty_up",
    "complaints",
    "repeat_contacts",
    "gaming_contacts",
    "false_resolutions",
    "steered",
    "dumped",
    "rushed",
    "handle_s_natural",
    "handle_s_honest",
    "handle_s_gaming",
    "pace_sum",
    "talk_s",
    "hold_s",
    "acw_s",
    "vto_s",
    "intraday_overtime_s",
    "audited",
    "detected",
    "churned",
    "churned_starters",
    "acquired",
    "quits",
    "dismissals",
    "hires",
    "revenue",
    *MONEY_COLUMNS,
    "issues_arrived",
    "issues_failure_demand",
    "root_cause_flags",
    "root_cause_flags_delivered",
    "root_cause_flags_lost",
    "root_cause_fixes",
    "failure_demand_done",
    "fulfilment_failures",
)


def daily_frame(model: ContactCentreModel) -> pd.DataFrame:
    """One row per simulated day: counts, then the day-level rates (by the KPI definitions
    of the scheme in force that day), money and gaps.

    Parameters
    ----------
    model : ContactCentreModel
        The model after (or during) its run; its day ledger is read.
    """
    df = pd.DataFrame(model.ledger.rows)
    missing = [c for c in COUNT_COLUMNS if c not in df]
    df = pd.concat([df, pd.DataFrame(0, index=df.index, columns=missing)], axis=1)
    df[list(COUNT_COLUMNS)] = df[list(COUNT_COLUMNS)].fillna(0)
    df["repeats_7d"] = model.day_repeats[df["day"].to_numpy()].astype(int)
    # each day's measured KPIs by the definitions of the scheme in force that day
    parts = []
    last = int(df["day"].max()) if len(df) else -1
    for sch, mask in _schemes_in_force(model, df["day"]):
        part = df[mask]
        r = pd.DataFrame(
            rates(lambda k, p=part: p[k], sch.kpis.fcr.definition, sch.kpis.csat.definition),
            index=part.index,
        )
        # a day whose FCR window is still open at the end of the run has no final value
        open_ = ~window_closed(part["day"], last, sch.kpis.fcr.definition)
        r.loc[open_, list(WINDOWED_KPIS)] = np.nan
        parts.append(r)
    df = pd.concat([df, pd.concat(parts).sort_index()], axis=1)
    df = df.copy()  # one block per dtype again: the columns above came one at a time
    book_one_off(df, model.cfg.rollout_day, model.cfg.transition.one_off_cost)
    add_money_columns(df, model.cfg.customers.margin_rate)
    df["fcr_gap"] = df["fcr_measured"] - df["fcr_true"]
    new = df["issues_new"].where(df["issues_new"] != 0)
    df["fcr_issue_true"] = df["issues_first_resolved"] / new
    df["csat_gap"] = df["csat_survey"] - df["csat_true"]
    df["scheme"] = _scheme_by_day(model, df["day"])
    front = ["day", "scheme"]
    return df[front + [c for c in df.columns if c not in front]]


def _schemes_in_force(model: ContactCentreModel, days: pd.Series) -> list:
    """(scheme, mask of its days): the current scheme before the rollout day, the
    proposal from it on."""
    cfg = model.cfg
    if cfg.rollout_day is None or cfg.proposal is None:
        return [(cfg.scheme, days >= 0)]
    return [(cfg.scheme, days < cfg.rollout_day), (cfg.proposal, days >= cfg.rollout_day)]


def _scheme_by_day(model: ContactCentreModel, days: pd.Series) -> pd.Series:
    cfg = model.cfg
    if cfg.rollout_day is None or cfg.proposal is None:
        return pd.Series(cfg.scheme.name, index=days.index)
    return pd.Series(np.where(days >= cfg.rollout_day, cfg.proposal.name, cfg.scheme.name))


def employees_frame(model: ContactCentreModel) -> pd.DataFrame:
    """One row per employee per pay period.

    Parameters
    ----------
    model : ContactCentreModel
        The model after (or during) its run.
    """
    if not model.employee_rows:
        return pd.DataFrame(columns=["employee_id", "period"])
    return pd.DataFrame(model.employee_rows)


def summary_dict(model: ContactCentreModel, daily: pd.DataFrame, emp: pd.DataFrame) -> dict:
    """The summary keys (docs/reference.md), from the whole run's totals.

    Parameters
    ----------
    model : ContactCentreModel
        The finished model (customers, scheme, managers).
    daily : pandas.DataFrame
        The run's daily table (:func:`daily_frame`).
    emp : pandas.DataFrame
        The run's employee table (:func:`employees_frame`).
    """
    cfg = model.cfg
    tot = daily[list(COUNT_COLUMNS)].sum()
    sch = model.scheme
    s: dict[str, Any] = {
        "contacts_total": int(tot["contacts"]),
        "calls_offered": int(tot["calls_offered"]),
        "calls_answered": int(tot["calls_answered"]),
        "web_sessions": int(tot["web_sessions"]),
    }
    s.update(rates(lambda k: float(tot[k]), sch.kpis.fcr.definition, sch.kpis.csat.definition))
    s.update(_windowed(daily, sch))
    days = len(daily)
    c = model.customers
    n0 = c.n_start
    still = int((c.active[:n0] & c.starter[:n0]).sum())
    retention = still / n0 if n0 else float("nan")
    years = days / DAYS_PER_YEAR
    churn_annual = 1.0 - retention ** (1.0 / years) if years > 0 and retention > 0 else 1.0
    cc = cfg.customers
    r = 1.0 - churn_annual
    active = c.active[: c.n_used]
    margin = float(c.revenue_monthly[: c.n_used][active].mean()) * 12 * cc.margin_rate
    den = 1.0 + cc.discount_rate_annual - r  # 0 only without churn or discounting
    clv = (margin * r / den if den > 0 else math.inf) if active.any() else 0.0
    staff_mean = float(daily["staff"].mean()) if "staff" in daily else cfg.employees.n
    s.update(
        retention=retention,
        churn_rate_annual=churn_annual,
        clv_mean=clv,
        nps_true=c.nps(),
        loyalty_down_up_ratio=ratio(float(tot["loyalty_down"]), float(tot["loyalty_up"])),
        employee_satisfaction=float(daily["morale_mean"].iloc[-1]) if days else float("nan"),
        staff_turnover_annual=ratio(float(tot["quits"]), staff_mean) / years if years else 0.0,
    )
    s.update(money_summary(tot, daily, cc.margin_rate))
    equity = (model.equity_start, model.customer_equity(), model.equity_rollout)
    s.update(value_summary(s["profit"], daily, equity, cfg.rollout_day))
    s["customers_start"] = int(n0)
    # issue-level true FCR: issues solved at their first contact, over all channels
    s["fcr_issue_true"] = ratio(float(tot["issues_first_resolved"]), float(tot["issues_new"]))
    s["fcr_gap"] = s["fcr_measured"] - s["fcr_true"]
    s["csat_gap"] = s["csat_survey"] - s["csat_true"]
    s.update(_failure_demand(tot))
    # what gaming alone adds to the dashboard: measured minus the honest record of the
    # same contacts (selection and response bias cancel; 0 when nobody games)
    s["fcr_gaming_gap"] = s["fcr_measured"] - s["fcr_honest"]
    s["csat_gaming_gap"] = s["csat_survey"] - s["csat_survey_honest"]
    s.update(effort_rates(lambda k: float(tot[k])))
    s["customers_active_end"] = c.active_count()
    s["bonus_paid"] = float(tot["bonus_paid"])
    s["days"] = days
    s["seed"] = cfg.seed
    s["scenario"] = cfg.scenario.name
    s.update(rollout_summary(model, daily, emp))
    s.update(gaming_spread(emp))  # gaming across employees (spread.py)
    s.update(channel_summary(model, daily))
    s.update(management_summary(model, daily))
    s["toxic_signs"] = toxic_signs(model, daily, emp, s)
    return {k: _clean(v) for k, v in s.items()}


def _windowed(daily: pd.DataFrame, sch: Any) -> dict[str, Any]:
    """The measured KPIs that need a future window (``WINDOWED_KPIS``), over the days
    whose window closed before the run ended (``sim.measurement.window_closed``), by the
    definition of ``sch`` (the scheme in force at the end)."""
    fcr_def = sch.kpis.fcr.definition
    if daily.empty:
        return {}
    closed = daily[window_closed(daily["day"], int(daily["day"].max()), fcr_def)]
    tot = closed[list(COUNT_COLUMNS)].sum()
    r = rates(lambda k: float(tot[k]), fcr_def, sch.kpis.csat.definition)
    return {k: r[k] for k in WINDOWED_KPIS}


def _failure_demand(tot: pd.Series) -> dict[str, Any]:
    """Failure demand and the departments' fixes (``sim/model/departments.py``), and
    the agents' own resolution codes whatever FCR definition the scheme pays:
    ``fcr_self_coded`` and its gap over true (customer-side) FCR."""
    self_coded = ratio(float(tot["coded_resolved"]), float(tot["answered_owned"]))
    true = ratio(float(tot["resolved_true"]), float(tot["answered_owned"]))
    return {
        "issues_arrived": int(tot["issues_arrived"]),
        "issues_failure_demand": int(tot["issues_failure_demand"]),
        "failure_demand_share": ratio(
            float(tot["issues_failure_demand"]), float(tot["issues_arrived"])
        ),
        "root_cause_flags": int(tot["root_cause_flags"]),
        "root_cause_flags_delivered": int(tot["root_cause_flags_delivered"]),
        "root_cause_fixes": int(tot["root_cause_fixes"]),
        "failure_demand_done": int(tot["failure_demand_done"]),
        "fulfilment_failures": int(tot["fulfilment_failures"]),
        "fcr_self_coded": self_coded,
        "fcr_self_coded_gap": self_coded - true,
    }


def _clean(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_clean(x) for x in v]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v
