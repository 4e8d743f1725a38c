"""The run's money and workforce figures: the cost lines a finance lead books, profit on
gross margin, cost per contact by channel, headcount, paid hours, absence and the
per-team queue figures (docs/reference.md lists every key).

Profit is ``customers.margin_rate`` x revenue - total service cost: the same gross
margin as the customer lifetime value, so a lost customer weighs the same in both.
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
        teams[team] = figures
    s["teams"] = teams
    return s
