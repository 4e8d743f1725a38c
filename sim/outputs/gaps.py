"""Measured-vs-true gaps behind signs 1 and 3 (``signs.py``), with their sampling error.

* Sign 1 compares each measured KPI with the **honest record of the same contacts**
  (``fcr_honest``, ``csat_survey_honest``: what the same measurement would have recorded
  had nobody gamed it).  The two differ only where a gaming act changed the record, so a
  gap that comes from *who* gets surveyed (selection, response bias) cancels.
* Sign 3's within-agent component follows each employee's own measured-vs-true gap from
  a reference pay period (before pay shaped behaviour) to the last three: when everybody
  games alike the cross-employee correlation survives, but every employee's gap widens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: (measured column, honest column, denominator column of the measured rate): the level
#: gaps of sign 1, on the daily table.
HONEST = {
    "first-contact resolution": ("fcr_measured", "fcr_honest", "answered_owned"),
    "customer satisfaction": ("csat_survey", "csat_survey_honest", "surveys"),
}
#: Significance of sign 1's level gap: the gap must exceed this many standard errors of
#: the centre's measured KPI over one pay period (the noise a reader of the monthly
#: dashboard already tolerates: 2 SE = the two-sided 95% band).
GAP_SE = 2.0
#: Significance of sign 3's within-agent widening: this many standard errors of the mean
#: widening across employees (3 SE: about one false alarm in 700 runs per KPI when gaps
#: only wander by sampling error).
WIDEN_SE = 3.0
#: Materiality of sign 3's within-agent widening: 2 points of a share (2% of AHT), the
#: same size as sign 1's moves (``MOVE_FLAG``).
WIDEN_MIN = 0.02


def _late_rate(late: pd.DataFrame, col: str, den: str) -> float:
    """A window's rate from its daily rates weighted by their denominators."""
    ok = (late[den] > 0) & late[col].notna()
    if not ok.any():
        return float("nan")
    return float(np.average(late.loc[ok, col], weights=late.loc[ok, den]))


@dataclass
class LevelGap:
    """How much gaming alone flatters one KPI in the late window."""

    gap: float  # measured - honest record of the same contacts (share; > 0 flatters)
    limit: float  # GAP_SE standard errors of the measured KPI over one pay period


def level_gaps(late: pd.DataFrame, period_days: int) -> dict[str, LevelGap]:
    """Sign 1's level gaps over the ``late`` days of the daily table.

    The honest record uses the same contacts and the same random draws as the measured
    one, so with nobody gaming the gap is exactly 0; the limit is the binomial sampling
    error of the measured rate over one pay period, ``sqrt(p(1-p)/n)`` with ``n`` the
    window's denominator per period.

    Parameters
    ----------
    late : pandas.DataFrame
        The rows of the daily table in the late window.
    period_days : int
        Working days of a pay period.

    Returns
    -------
    dict of str to LevelGap
        Per KPI with an honest record (FCR, survey CSAT): the gap (a share; > 0 flatters)
        and its limit.
    """
    out: dict[str, LevelGap] = {}
    periods = max(1.0, len(late) / period_days)
    for label, (mcol, hcol, den) in HONEST.items():
        if mcol not in late or hcol not in late:
            continue
        m = _late_rate(late, mcol, den)
        # the honest record has its own denominator for the survey (unsteered offers)
        hden = "surveys_honest" if den == "surveys" else den
        h = _late_rate(late, hcol, hden)
        n = float(late[den].sum()) / periods
        if not (math.isfinite(m) and math.isfinite(h)) or n <= 0:
            continue
        se = math.sqrt(max(m * (1.0 - m), 0.0) / n)
        out[label] = LevelGap(m - h, GAP_SE * se)
    return out


#: Sign 3's gaps per employee and period, in the "measured flatters" direction:
#: self-coded or repeat-based FCR minus true FCR; survey CSAT minus the true CSAT of the
#: employee's calls; for AHT the log of seconds per truly resolved call minus the log of
#: the AHT (= -log true FCR: how much more a real resolution costs than the timer shows).
def employee_gaps(emp: pd.DataFrame) -> dict[str, pd.Series]:
    """Each row's measured-vs-true gap for the KPIs that have a true counterpart: FCR and
    CSAT as measured minus true (shares); for AHT, ``-log(fcr_true)``, the log of handle
    time per truly resolved call over handle time (a rise: speed bought at the cost of
    resolution).

    Parameters
    ----------
    emp : pandas.DataFrame
        The employee table (one row per employee per pay period).
    """
    fcr_true = emp["fcr_true"].where(emp["fcr_true"] > 0)
    return {
        "fcr": emp["fcr_measured"] - emp["fcr_true"],
        "csat": emp["csat_survey"] - emp["csat_true"],
        "aht": -np.log(fcr_true),
    }


@dataclass
class Widening:
    """Mean within-employee widening of one KPI's gap, and its standard error."""

    mean: float
    se: float
    n: int  # employees present in the reference period and in the last three

    @property
    def limit(self) -> float:
        """The flag threshold: significant and material."""
        return max(WIDEN_MIN, WIDEN_SE * self.se)


def widening(emp: pd.DataFrame, ref_period: int) -> dict[str, Widening]:
    """Per KPI: each employee's mean gap over the last three periods minus their gap in
    ``ref_period``, averaged over the employees present in both (at least 5).

    Parameters
    ----------
    emp : pandas.DataFrame
        The employee table.
    ref_period : int
        The pay period before pay shaped behaviour (the first, or the last before a
        rollout).
    """
    out: dict[str, Widening] = {}
    last_p = int(emp["period"].max())
    if last_p - 3 < ref_period:
        return out
    gaps = employee_gaps(emp)
    ref = emp["period"] == ref_period
    late = emp["period"] > last_p - 3
    for k, g in gaps.items():
        before = g[ref].groupby(emp.loc[ref, "employee_id"]).mean()
        after = g[late].groupby(emp.loc[late, "employee_id"]).mean()
        delta = (after - before).dropna()
        delta = delta[np.isfinite(delta)]
        if len(delta) < 5:
            continue
        se = float(delta.std(ddof=1) / math.sqrt(len(delta)))
        out[k] = Widening(float(delta.mean()), se, len(delta))
    return out
