"""When a scheme has settled: the warm-up criterion and the rollout day it gives.

**The criterion.** On the daily series of an arm averaged over its replications — morale
(``morale_mean``, mean over replications), handle time (``handle_s`` / ``legs``, a ratio
of the day's sums over replications, s) and headcount (``staff``, mean) — fit an
ordinary least-squares line over a trailing window of :data:`WINDOW_PERIODS` pay periods
(W working days). The window's *drift* is the fitted change over the window, ``slope x
W``, as a share of the series' mean level in the window. A series is settled when
``|drift| <= tolerance`` (:data:`TOLERANCE`, 2 % of the level); the arm is settled when
all three are.

Why this rule: a confidence interval that contains zero is weak evidence of no trend — a
noisy series (few replications, a small centre) would pass it however much it drifts. A
practical-equivalence rule asks instead that the trend be too small to matter. The
warm-up the criterion must see through is large: under flat pay morale falls 0.65 ->
0.585 (-10 %) and handle time rises 397 -> 425 s (+7 %) over the first ~60 days, and
headcount rises ~16 % (hiring to the plan) over days 30-90: drifts of 5-17 % per window.
A drift of 2 % per window is under half the smallest of those and, continued for a year
(about 6 windows), would move the level by at most ~12 %. The window is two pay periods
(42 working days with the 21-day default), so a pay-period cycle cannot pass for a
trend. With ``R`` replications the drift's sampling standard deviation is about ``sigma
x sqrt(12 / W) / sqrt(R)`` of a series with daily noise ``sigma`` (OLS slope variance
``sigma^2 / sum (t - tbar)^2``), ~0.12 sigma for W = 42 and R = 20, so day-to-day noise
of a few percent cannot fake or hide a 2 % drift at the default size.

**The rollout day.** The first pay-period boundary ``R >= W`` of the current scheme
whose preceding window (days ``R - W`` .. ``R - 1``) meets the criterion, at the latest
:func:`latest_rollout_day` (so the proposal has two windows to settle and the run-rate
window after them). If the current arm has not settled by then, the rollout is on that
latest day and the report flags it; if the run is too short for a window before that
day, the old fixed rule (:func:`~.plan.default_rollout_day`) applies, flagged too. Since
the current arm never switches, its runs do not depend on the rollout day: the
comparison runs them first, finds the day, then runs the proposal arm.

**Run-rate.** The last weeks of each arm after the rollout: :mod:`.runrate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .runrate import EQUITY_COLUMN as EQUITY_COLUMN  # the run-rate's names stay importable
from .runrate import RUNRATE_METRICS as RUNRATE_METRICS
from .runrate import annual_equity_change as annual_equity_change
from .runrate import runrate_table as runrate_table
from .runrate import runrate_window as runrate_window
from .runrate import window_metrics as window_metrics

#: Trailing window of the criterion, in pay periods of the current scheme (two: a pay
#: cycle cannot pass for a trend; 42 working days for the 21-day default period).
WINDOW_PERIODS = 2
#: Largest fitted change over the window, as a share of the window's mean level.
TOLERANCE = {"morale": 0.02, "aht_s": 0.02, "staff": 0.02}
#: The series that decide settling, with their labels and units.
SETTLE_LABELS = {
    "morale": ("morale", "0-1"),
    "aht_s": ("handle time", "s"),
    "staff": ("headcount", "agents"),
}


@dataclass
class SettleReport:
    """Where and whether the arms settled.

    ``rollout_day``: the day the proposal was switched on; ``chosen`` how: ``"criterion"``
    (first boundary where the current arm was settled), ``"latest"`` (not settled by
    ``latest_day``, rolled out there), ``"short"`` (run too short for a window before
    ``latest_day``; fixed rule) or ``"given"`` (``rollout_day=`` on the command line);
    ``current_at_rollout``: whether the criterion held over the window before the rollout
    day (None: no full window before it); ``drift_at_rollout`` and ``drift_proposal_end``
    / ``drift_current_end``: each series' drift (share of level) over those windows;
    ``proposal_settled_end`` / ``current_settled_end``: the criterion over each arm's last
    window; ``daily``: the settle series per arm and day (means over replications).
    """

    rollout_day: int
    chosen: str
    latest_day: int
    window: int
    current_at_rollout: bool | None
    drift_at_rollout: dict[str, float]
    proposal_settled_end: bool | None
    drift_proposal_end: dict[str, float]
    current_settled_end: bool | None
    drift_current_end: dict[str, float]
    runrate_days: int = 0
    daily: pd.DataFrame = field(default_factory=pd.DataFrame)


# --------------------------------------------------------------------------- criterion
def settle_series(dailies: list[pd.DataFrame]) -> pd.DataFrame:
    """The series that decide settling, per day, over an arm's replications.

    Parameters
    ----------
    dailies : list of pandas.DataFrame
        Each replication's daily table (``day``, ``morale_mean``, ``handle_s``, ``legs``,
        ``staff``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``day``: ``morale`` and ``staff`` (means over replications) and
        ``aht_s`` (the day's handle seconds over its legs, summed over replications).
    """
    d = pd.concat(dailies, ignore_index=True)
    g = d.groupby("day")
    legs = g["legs"].sum()
    return pd.DataFrame(
        {
            "morale": g["morale_mean"].mean(),
            "aht_s": g["handle_s"].sum() / legs.where(legs > 0),
            "staff": g["staff"].mean(),
        }
    )


def drift(values: np.ndarray) -> float:
    """Fitted change over a window (OLS slope x its length) as a share of its mean level.

    Parameters
    ----------
    values : numpy.ndarray
        One value per working day of the window, in order.

    Returns
    -------
    float
        ``slope x len / mean``; NaN when the window has fewer than 3 finite values or a
        zero mean.
    """
    y = np.asarray(values, dtype=float)
    t = np.arange(len(y), dtype=float)
    ok = np.isfinite(y)
    if ok.sum() < 3:
        return float("nan")
    t, y = t[ok], y[ok]
    level = float(y.mean())
    if level == 0:
        return float("nan")
    tc = t - t.mean()
    slope = float((tc * (y - level)).sum() / (tc * tc).sum())
    return slope * len(values) / level


def window_days(period_days: int) -> int:
    """The criterion's window: :data:`WINDOW_PERIODS` pay periods (working days).

    Parameters
    ----------
    period_days : int
        Working days of the current scheme's pay period.
    """
    return WINDOW_PERIODS * max(1, period_days)


def window_drifts(series: pd.DataFrame, end: int, window: int) -> dict[str, float]:
    """Each settle series' :func:`drift` over days ``end - window`` .. ``end - 1``
    (NaN when the window does not fit before ``end``).

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`settle_series` (indexed by day).
    end : int
        The first day after the window (the rollout day, or the run's length).
    window : int
        Working days in the window.
    """
    w = series.loc[(series.index >= end - window) & (series.index < end)]
    if end < window or len(w) < window:
        return dict.fromkeys(TOLERANCE, float("nan"))
    return {k: drift(w[k].to_numpy()) for k in TOLERANCE}


def holds(drifts: dict[str, float]) -> bool | None:
    """The criterion: every series' drift within its tolerance (None: not measurable).

    Parameters
    ----------
    drifts : dict of str to float
        :func:`window_drifts`.
    """
    if any(not np.isfinite(v) for v in drifts.values()):
        return None
    return all(abs(v) <= TOLERANCE[k] for k, v in drifts.items())


def latest_rollout_day(days: int, period_days: int, runrate_days: int) -> int:
    """The last pay-period boundary that leaves the proposal two criterion windows to
    settle plus the run-rate window: at or before ``days - 2 W - runrate_days`` (the
    current arm's own start-up takes about two windows; 126 for a 250-day year with
    21-day periods and 8 run-rate weeks).  May be below ``W`` for short runs.

    Parameters
    ----------
    days : int
        Working days of each run.
    period_days : int
        Working days of the current scheme's pay period.
    runrate_days : int
        Working days of the run-rate window asked for (``runrate_weeks`` x 5).
    """
    p = max(1, period_days)
    return max(0, (days - 2 * window_days(p) - runrate_days) // p * p)


def settled_day(series: pd.DataFrame, period_days: int, latest: int) -> int | None:
    """The first pay-period boundary ``R`` (``W <= R <= latest``) whose preceding window
    meets the criterion; None when there is none.

    Parameters
    ----------
    series : pandas.DataFrame
        The current arm's :func:`settle_series`.
    period_days : int
        Working days of a pay period (the boundaries are its multiples).
    latest : int
        The latest day allowed.
    """
    p = max(1, period_days)
    window = window_days(p)
    for r in range(window, latest + 1, p):
        if holds(window_drifts(series, r, window)):
            return r
    return None


def choose_rollout(
    series: pd.DataFrame, days: int, period_days: int, runrate_days: int, fallback: int
) -> tuple[int, str, int]:
    """The rollout day by the criterion: ``(day, how, latest)`` with ``how`` one of
    ``criterion``, ``latest``, ``short`` (see :class:`SettleReport`).

    Parameters
    ----------
    series : pandas.DataFrame
        The current arm's :func:`settle_series`.
    days : int
        Working days of each run.
    period_days : int
        Working days of the current scheme's pay period.
    runrate_days : int
        Working days of the run-rate window asked for.
    fallback : int
        The day used when the run is too short for a window before the latest day.
    """
    latest = latest_rollout_day(days, period_days, runrate_days)
    if latest < window_days(period_days):
        return fallback, "short", latest
    day = settled_day(series, period_days, latest)
    return (day, "criterion", latest) if day is not None else (latest, "latest", latest)


def settle_report(
    rollout: tuple[int, str, int],
    current: list[pd.DataFrame],
    proposal: list[pd.DataFrame],
    period_days: int,
    runrate_days: int,
) -> SettleReport:
    """Whether each arm was settled at the rollout and at the end.

    Parameters
    ----------
    rollout : tuple of (int, str, int)
        The rollout day, how it was chosen and the latest day (:func:`choose_rollout`).
    current, proposal : list of pandas.DataFrame
        The arms' daily tables, one per replication.
    period_days : int
        Working days of the current scheme's pay period (the window is two).
    runrate_days : int
        Working days of the run-rate window actually used.
    """
    day, how, latest = rollout
    window = window_days(period_days)
    s_cur, s_pro = settle_series(current), settle_series(proposal)
    days = int(s_cur.index.max()) + 1
    at = window_drifts(s_cur, day, window)
    end_p, end_c = window_drifts(s_pro, days, window), window_drifts(s_cur, days, window)
    daily = pd.concat([s_cur.assign(arm="current"), s_pro.assign(arm="proposal")])
    return SettleReport(
        day,
        how,
        latest,
        window,
        holds(at),
        at,
        holds(end_p),
        end_p,
        holds(end_c),
        end_c,
        runrate_days,
        daily.reset_index(),
    )


# --------------------------------------------------------------------------- sentences
def _drift_words(drifts: dict[str, float]) -> str:
    """``morale -0.4 %, handle time +2.6 %, headcount +0.0 %``."""
    return ", ".join(f"{SETTLE_LABELS[k][0]} {v:+.1%}" for k, v in drifts.items() if np.isfinite(v))


def settle_paragraph(s: SettleReport) -> str:
    """One verdict paragraph (HTML): was the current arm settled at the rollout, and had
    the proposal settled by the end of the run?

    Parameters
    ----------
    s : SettleReport
        The comparison's settle report.
    """
    tol = max(TOLERANCE.values())
    rule = (
        f"settled means morale, handle time and headcount each drift by at most {tol:.0%} of "
        f"their level over {s.window} working days"
    )
    if s.chosen == "criterion":
        start = (
            f"The current scheme had settled by day {s.rollout_day} ({rule}), so the "
            "proposal was rolled out then."
        )
    elif s.chosen == "latest":
        start = (
            f"<b>The current scheme had not settled by day {s.latest_day}</b> ({rule}; still "
            f"{_drift_words(s.drift_at_rollout)}), so the proposal was rolled out then and the "
            "comparison includes some of the current scheme's own start-up."
        )
    elif s.chosen == "short":
        start = (
            f"<b>The run is too short to check that the current scheme had settled</b> "
            f"(a {s.window}-day window before day {s.latest_day} is needed); the proposal was "
            f"rolled out on day {s.rollout_day}."
        )
    else:
        held = {True: "had settled", False: "<b>had not settled</b>", None: "cannot be checked"}
        start = (
            f"The proposal was rolled out on day {s.rollout_day} as given; by the criterion "
            f"({rule}) the current scheme {held[s.current_at_rollout]} then"
            + (f" ({_drift_words(s.drift_at_rollout)})." if s.current_at_rollout is False else ".")
        )
    if s.proposal_settled_end is None:
        end = "Whether the proposal had settled by the end cannot be checked (run too short)."
    elif s.proposal_settled_end:
        end = "The proposal had settled by the end of the run: its last weeks are a fair run-rate."
    else:
        end = (
            "<b>The proposal was still moving at the end of the run</b> "
            f"({_drift_words(s.drift_proposal_end)} over the last {s.window} days): "
            "its run-rate is not yet its steady state, and a longer run would move it further."
        )
    return f"{start} {end}"
