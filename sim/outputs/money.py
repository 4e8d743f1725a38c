"""The run's money and workforce figures: the cost lines a finance lead books, profit on
gross margin, cost per contact by channel, headcount, paid hours, absence and the
per-team queue figures (docs/reference.md lists every key).

Profit is ``customers.margin_rate`` x revenue - total service cost: the same gross
margin as the customer lifetime value, so a lost customer weighs the same in both.
Profit counts the simulated days only; :func:`value_summary` adds the change in the
customer equity of the active base (``value`` = ``profit`` + ``customer_equity_end`` -
``customer_equity_start``), so customers lost are an asset written off, not a few weeks of
margin.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..measurement import TEAM_COLUMNS, ratio, team_rates

#: The cost lines, summing to ``cost_total`` (labour includes overtime).
COST_LINES = (
    "cost_labour",
    "cost_bonus",
    "cost_hiring",
    "cost_overhead",
    "cost_telephony",
    "cost_web",
    "cost_one_off",
)
#: Daily workforce and money columns (summed over days like the counts).
MONEY_COLUMNS = (
    *COST_LINES,
    "cost_overtime",
    "bonus_paid",
    "paid_hours",
    "overtime_s",
    "overrun_s",
    "absent",
    "work_needed_s",
    "spec_work_needed_s",
    *sorted(
        {c for cols in TEAM_COLUMNS.values() for c in cols.values()}
        - {
            "calls_offered",
            "calls_answered",
            "abandoned",
            "answered_in_sl",
            "wait_answered_s",
        }
    ),
)
#: The summary keys of :func:`value_summary`.
VALUE_KEYS = (
    "customer_equity_start",
    "customer_equity_end",
    "value",
    "customer_equity_rollout",
    "profit_after_rollout",
    "value_after_rollout",
)
#: Head counts by team in the daily table (levels, averaged over days).
HEADCOUNT_COLUMNS = {"front": "headcount_front", "specialist": "headcount_specialist"}


def add_money_columns(df: pd.DataFrame, margin_rate: float) -> None:
    """Add the daily ``cost_total`` and margin-based ``profit`` columns, in place.

    Parameters
    ----------
    df : pandas.DataFrame
        The daily table with the cost lines and ``revenue`` (currency units a day).
    margin_rate : float
        Gross margin on revenue, a share in [0, 1] (``customers.margin_rate``).
    """
    df["cost_total"] = df[list(COST_LINES)].sum(axis=1)
    df["profit"] = margin_rate * df["revenue"] - df["cost_total"]


def book_one_off(df: pd.DataFrame, rollout_day: int | None, one_off_cost: float) -> None:
    """Book ``transition.one_off_cost`` (training, IT, communication; currency units) as
    ``cost_one_off`` on the rollout day of the daily table ``df``, in place; 0 on every
    other day and in a run without a rollout.

    Parameters
    ----------
    df : pandas.DataFrame
        The daily table (its ``day`` and ``cost_one_off`` columns).
    rollout_day : int or None
        The day the proposal replaces the scheme (None: no rollout).
    one_off_cost : float
        The one-off cost of the change, currency units, >= 0.
    """
    if rollout_day is not None and one_off_cost:
        df.loc[df["day"] == rollout_day, "cost_one_off"] = float(one_off_cost)


def value_summary(
    profit: float,
    daily: pd.DataFrame,
    equity: tuple[float, float, float | None],
    rollout_day: int | None,
) -> dict[str, Any]:
    """Value over the customers' lifetime: profit plus the change in customer equity, over
    the run and over the days from the rollout on (:data:`VALUE_KEYS`, currency units).

    ``value = profit + customer_equity_end - customer_equity_start`` and
    ``value_after_rollout = profit_after_rollout + customer_equity_end -
    customer_equity_rollout`` (the rollout keys are None without a rollout in the run).

    Parameters
    ----------
    profit : float
        The run's profit (:func:`money_summary`).
    daily : pandas.DataFrame
        The daily table (``day`` and ``profit``), for the profit from the rollout day on.
    equity : tuple
        Customer equity at the start (before day 0), at the end and on the rollout day
        (None: no rollout), currency units (``Customers.equity``).
    rollout_day : int or None
        The day the proposal replaced the scheme.
    """
    start, end, at_rollout = equity
    s: dict[str, Any] = {
        "customer_equity_start": start,
        "customer_equity_end": end,
        "value": profit + (end - start),
        "customer_equity_rollout": None,
        "profit_after_rollout": None,
        "value_after_rollout": None,
    }
    if rollout_day is None or at_rollout is None:
        return s
    after = float(daily.loc[daily["day"] >= rollout_day, "profit"].sum())
    s["customer_equity_rollout"] = at_rollout
    s["profit_after_rollout"] = after
    s["value_after_rollout"] = after + (end - at_rollout)
    return s


def money_summary(tot: pd.Series, daily: pd.DataFrame, margin_rate: float) -> dict[str, Any]:
    """Cost lines, profit, cost per contact, workforce and team figures from the run's
    totals ``tot`` and its daily table.

    Parameters
    ----------
    tot : pandas.Series
        The daily table's count columns summed over the run (money in currency units).
    daily : pandas.DataFrame
        The daily table (staff per day and the per-team columns).
    margin_rate : float
        Gross margin on revenue, a share in [0, 1].
    """
    costs = {k: float(tot[k]) for k in COST_LINES}
    cost_total = sum(costs.values())
    phone = cost_total - costs["cost_web"]
    revenue = float(tot["revenue"])
    staff_days = float(daily["staff"].sum()) if "staff" in daily else 0.0
    s: dict[str, Any] = {
        "revenue": revenue,
        "cost_total": cost_total,
        "profit": margin_rate * revenue - cost_total,
        **costs,
        "cost_overtime": float(tot["cost_overtime"]),
        "cost_per_contact_phone": ratio(phone, float(tot["calls_offered"])),
        "cost_per_contact_web": ratio(costs["cost_web"], float(tot["web_sessions"])),
        "headcount_mean": float(daily["staff"].mean()) if len(daily) else 0.0,
        "paid_hours": float(tot["paid_hours"]),
        "overtime_hours": float(tot["overtime_s"] + tot["overrun_s"]) / 3600.0,
        "absence_rate": ratio(float(tot["absent"]), staff_days),
    }
    teams = {}
    for team, col in HEADCOUNT_COLUMNS.items():
        figures = team_rates(lambda k: float(tot[k]), team)
        figures["headcount_mean"] = float(daily[col].mean()) if col in daily else 0.0
        # transferred callers who hung up in the queue, among the transfers this team took
        spec = (float(tot["spec_abandoned"]), float(tot["spec_offered"]))
        both = (float(tot["abandoned_after_transfer"]), float(tot["transfers"]))
        lost, took = spec if team == "specialist" else (both[0] - spec[0], both[1] - spec[1])
        figures["transfer_abandon_rate"] = ratio(lost, took)
        teams[team] = figures
    s["teams"] = teams
    return s
