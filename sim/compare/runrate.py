"""The run-rate (last weeks) view of each arm.

The last ``runrate_weeks`` x 5 working days of each arm (at most the days after the
rollout): per-replication values of the key metrics over that window, paired
differences with 95 % t-intervals, beside the same metrics over the whole run; profit as
an annual rate (mean daily profit x 250), plus the annual change in customer equity when
the daily table carries it (:data:`EQUITY_COLUMN`, the hook for the value figure).  The
window comes after the rollout day that :mod:`.settle` chooses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..stats import paired_ci
from ..units import DAYS_PER_YEAR
from .tables import SERIES, WEEK

#: Daily column of the customer equity (discounted margin of the active base, currency);
#: when a run's daily table has it, the run-rate adds its annual change to profit.
EQUITY_COLUMN = "customer_equity"
#: Run-rate metrics: key -> (label, unit, better).  Rates are ratios of the window's sums.
RUNRATE_METRICS = {
    "profit_annual": ("profit, annual rate", "currency/year", "higher"),
    "equity_change_annual": ("change in customer equity, annual rate", "currency/year", "higher"),
    "value_annual": (
        "value (profit + change in customer equity), annual rate",
        "currency/year",
        "higher",
    ),
    "aht_s": ("handle time (AHT)", "s", "lower"),
    "fcr_true": ("true first-contact resolution", "share", "higher"),
    "csat_survey": ("CSAT (survey)", "share", "higher"),
    "csat_true": ("true CSAT (every contact)", "share", "higher"),
    "gaming_rate": ("calls with a gaming act", "share", "lower"),
    "repeat_contact_rate": ("repeat contacts", "share", "lower"),
    "morale": ("morale", "0-1", "higher"),
    "staff": ("headcount", "agents", "none"),
}


def annual_equity_change(daily: pd.DataFrame, start_day: int | None = None) -> float:
    """The change in customer equity from ``start_day`` to the end of ``daily``, as an
    annual rate (currency/year); NaN when the table has no :data:`EQUITY_COLUMN`.

    Equity is recorded at the end of every pay period (and of the run): the change runs
    from the last record before ``start_day`` (the first record when there is none) to
    the last record, over the working days between them.

    Parameters
    ----------
    daily : pandas.DataFrame
        A run's whole daily table (``day`` and end-of-period equity in
        :data:`EQUITY_COLUMN`, NaN on other days).
    start_day : int, optional
        First day of the window (default: the table's first day).
    """
    if EQUITY_COLUMN not in daily:
        return float("nan")
    rec = daily.loc[daily[EQUITY_COLUMN].notna(), ["day", EQUITY_COLUMN]]
    if start_day is not None:
        before = rec[rec["day"] < start_day]
        rec = rec[rec["day"] >= (before["day"].iloc[-1] if len(before) else start_day)]
    if len(rec) < 2:
        return float("nan")
    days = float(rec["day"].iloc[-1] - rec["day"].iloc[0])
    change = float(rec[EQUITY_COLUMN].iloc[-1] - rec[EQUITY_COLUMN].iloc[0])
    return change / days * DAYS_PER_YEAR


def window_metrics(daily: pd.DataFrame, whole: pd.DataFrame | None = None) -> dict[str, float]:
    """One run's :data:`RUNRATE_METRICS` over the days of ``daily``.

    Parameters
    ----------
    daily : pandas.DataFrame
        The run's daily table restricted to the window.
    whole : pandas.DataFrame, optional
        The run's whole daily table, for the equity recorded before the window starts
        (:func:`annual_equity_change`); default ``daily``.
    """
    sums = daily.sum(numeric_only=True)
    out: dict[str, float] = {}
    out["profit_annual"] = float(daily["profit"].mean()) * DAYS_PER_YEAR
    start = int(daily["day"].iloc[0]) if len(daily) else None
    out["equity_change_annual"] = annual_equity_change(daily if whole is None else whole, start)
    out["value_annual"] = out["profit_annual"] + out["equity_change_annual"]
    for name, (num, den) in SERIES.items():
        out[name] = float(sums[num] / sums[den]) if sums[den] else float("nan")
    out["morale"] = float(daily["morale_mean"].mean())
    out["staff"] = float(daily["staff"].mean())
    return out


def runrate_window(days: int, rollout_day: int, weeks: int) -> int:
    """Working days of the run-rate window: ``weeks`` x 5, at most the days after the
    rollout (at least 1).

    Parameters
    ----------
    days : int
        Working days of each run.
    rollout_day : int
        The day the proposal was switched on.
    weeks : int
        ``runrate_weeks=``.
    """
    return max(1, min(weeks * WEEK, days - rollout_day))


def runrate_table(
    results: list[dict[str, Any]], index: list[tuple[str, int]], window: int
) -> pd.DataFrame:
    """Whole run beside the last ``window`` days: one row per metric, paired differences
    (proposal minus current) with 95 % t-intervals for each view.

    Parameters
    ----------
    results : list of dict
        The main runs' results (each with its ``daily`` table), in the order of ``index``.
    index : list of (str, int)
        Each result's arm and replication.
    window : int
        Working days of the run-rate window (:func:`runrate_window`).

    Returns
    -------
    pandas.DataFrame
        ``metric, label, unit, better`` then, for ``view`` in ``whole`` and ``runrate``,
        ``{view}_current, {view}_proposal, {view}_difference, {view}_ci_low,
        {view}_ci_high``, and ``n``.
    """
    per: dict[str, dict[str, dict[int, dict[str, float]]]] = {"whole": {}, "runrate": {}}
    for (arm, r), res in zip(index, results, strict=True):
        d = res["daily"]
        last = d[d["day"] >= d["day"].max() - window + 1]
        per["whole"].setdefault(arm, {})[r] = window_metrics(d)
        per["runrate"].setdefault(arm, {})[r] = window_metrics(last, d)
    reps = sorted(per["whole"].get("current", {}))
    rows = []
    for key, (label, unit, better) in RUNRATE_METRICS.items():
        row: dict[str, Any] = {"metric": key, "label": label, "unit": unit, "better": better}
        for view, arms in per.items():
            c = np.array([arms["current"][r][key] for r in reps])
            p = np.array([arms.get("proposal", arms["current"])[r][key] for r in reps])
            ci = paired_ci(c, p)
            row[f"{view}_current"] = ci["current_mean"]
            row[f"{view}_proposal"] = ci["proposal_mean"]
            row[f"{view}_difference"] = ci["difference"]
            row[f"{view}_ci_low"] = ci["ci_low"]
            row[f"{view}_ci_high"] = ci["ci_high"]
            row["n"] = ci["n"]
        rows.append(row)
    return pd.DataFrame(rows)
