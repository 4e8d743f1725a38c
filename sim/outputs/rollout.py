"""Summary keys of a scheme change (``rollout_day``): the morale dip, quits around the
change and how fast gaming fades after it (docs/reference.md).  All are ``None`` when
the run has no rollout or the windows do not fit in the run.

The window is ``ROLLOUT_WINDOW_PERIODS`` pay periods of the new scheme on each side of
the change (long enough to hold the end of a three-period pay protection).  Gaming is
measured on the employee table as the *gaming intensity* of the policy each employee
played in a period: the sum of its gaming levers (dump, false coding, survey steering,
web push) plus its rushing, max(0, 1 - thoroughness).
Its half-life is counted in learning rounds (pay period ends) times the period length,
because policies change only at period ends.  Its formation time is counted the same way:
from the start of the scheme that built the gaming (the one with more pay at stake: the
change itself, or the start of the run when the change lowers the stake) until the mean intensity
first covers half of the rise from its starting level to its peak under that scheme.
Habits that decay slower than they form (``behavior.unlearning_ratio``) show as a
half-life longer than the formation time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..model import ContactCentreModel

#: Pay periods before and after the change that the rollout keys look at.
ROLLOUT_WINDOW_PERIODS = 4
GAMING_LEVERS = ("lever_dump", "lever_false_coding", "lever_survey_steering", "lever_web_push")
KEYS = (
    "morale_dip_after_rollout",
    "quits_before_rollout",
    "quits_after_rollout",
    "quits_expected_before_rollout",
    "quits_expected_after_rollout",
    "gaming_half_life_days",
    "gaming_formation_days",
)


def gaming_intensity(emp: pd.DataFrame) -> pd.Series:
    """Per employee-period row: gaming levers summed plus rushing (see the module doc).

    Parameters
    ----------
    emp : pandas.DataFrame
        The employee table (its ``lever_*`` columns).
    """
    rush = (1.0 - emp["lever_thoroughness"]).clip(lower=0.0)
    return emp[list(GAMING_LEVERS)].sum(axis=1) + rush


def rollout_summary(model: ContactCentreModel, daily: pd.DataFrame, emp: pd.DataFrame) -> dict:
    """The rollout keys (``KEYS``) of a finished run; all None without a rollout or when
    the windows do not fit in the run.

    Parameters
    ----------
    model : ContactCentreModel
        The finished model (its config: rollout day, the proposal's pay period).
    daily : pandas.DataFrame
        The daily table (morale, quits).
    emp : pandas.DataFrame
        The employee table (the policies played, for the gaming half-life).
    """
    out: dict[str, Any] = dict.fromkeys(KEYS)
    cfg = model.cfg
    r = cfg.rollout_day
    if r is None or cfg.proposal is None or daily.empty:
        return out
    w = ROLLOUT_WINDOW_PERIODS * cfg.proposal.period_days
    before = daily[(daily["day"] >= r - w) & (daily["day"] < r)]
    after = daily[(daily["day"] >= r) & (daily["day"] < r + w)]
    if len(before) < w or len(after) < w:
        return out
    # morale moves at period ends: the dip is the level of the last period before the
    # change minus the lowest daily mean in the window after it
    last = before[before["day"] >= r - cfg.proposal.period_days]
    out["morale_dip_after_rollout"] = float(last["morale_mean"].mean() - after["morale_mean"].min())
    out["quits_before_rollout"] = int(before["quits"].sum())
    out["quits_after_rollout"] = int(after["quits"].sum())
    if "quits_expected" in daily:
        out["quits_expected_before_rollout"] = float(before["quits_expected"].sum())
        out["quits_expected_after_rollout"] = float(after["quits_expected"].sum())
    out["gaming_half_life_days"] = _half_life(emp, r, cfg.proposal.period_days)
    # the gaming formed under the scheme with more pay at stake: the new one, unless the
    # change lowers the stake (removing a bonus), when it formed before the change
    before = cfg.scheme.bonus_share > cfg.proposal.bonus_share
    days = cfg.scheme.period_days if before else cfg.proposal.period_days
    out["gaming_formation_days"] = _formation(emp, r, before, days)
    return out


def _by_period(emp: pd.DataFrame) -> pd.DataFrame:
    """Mean gaming intensity (``g``) and last day (``end``) of each pay period."""
    return (
        emp.assign(g=gaming_intensity(emp))
        .groupby("period")
        .agg(g=("g", "mean"), end=("day_end", "max"))
    )


def _formation(emp: pd.DataFrame, r: int, before: bool, period_days: int) -> float | None:
    """Days the gaming took to form under the scheme that built it (the one with more pay
    at stake): from the start of the run when that is the scheme before the change,
    else from the change; until the mean gaming intensity first covers half of its rise
    from its level in the first period of that scheme to its peak under it, counted in
    learning rounds (linear between rounds) times that scheme's ``period_days``.
    ``None`` when there was no rise.

    Parameters
    ----------
    emp : pandas.DataFrame
        The employee table (the policies played).
    r : int
        The rollout day.
    before : bool
        Whether the gaming formed before the change (the change lowered the stake).
    period_days : int
        The pay period of that scheme, working days.
    """
    if emp.empty or "lever_thoroughness" not in emp:
        return None
    g = _by_period(emp)
    series = (g.loc[g["end"] < r, "g"] if before else g.loc[g["end"] >= r, "g"]).to_numpy()
    if series.shape[0] < 2 or series.max() <= series[0] + 1e-9:
        return None
    half = series[0] + 0.5 * (series.max() - series[0])
    k = int(np.argmax(series >= half))
    frac = (half - series[k - 1]) / (series[k] - series[k - 1])
    return float((k - 1 + frac) * period_days)


def _half_life(emp: pd.DataFrame, r: int, period_days: int) -> float | None:
    """Days until the mean gaming intensity falls to half its level in the period that
    contains the change (whose policy was chosen before it), counted in learning rounds
    (one per pay period end from that period on, linear between rounds) times the new
    scheme's ``period_days``.  ``None`` when there was no gaming to halve or it never
    halves in the run."""
    if emp.empty or "lever_thoroughness" not in emp:
        return None
    g = _by_period(emp)
    g = g.loc[g["end"] >= r, "g"].to_numpy()
    if g.shape[0] == 0 or g[0] <= 1e-9:
        return None
    half = 0.5 * g[0]
    for k in range(1, g.shape[0]):
        if g[k] <= half:
            frac = (g[k - 1] - half) / (g[k - 1] - g[k])
            return float((k - 1 + frac) * period_days)
    return None
