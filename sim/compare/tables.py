"""The tables of a comparison, computed from the runs' results: ``replications.csv``,
``comparison.csv``, ``robust.csv``, ``sensitivity.csv`` and ``timeseries.csv``.

Differences are always proposal minus current, paired by replication (or by robust world);
rates in the weekly series are ratios of the week's sums, never means of daily rates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..measurement import window_closed
from ..outputs.signs import SIGNS
from ..stats import (
    holm,
    mean_ci,
    paired_ci,
    partial_corr_p,
    share_mean_ci,
    spearman_p,
    wilson,
)
from .metrics import COMPARISON_METRICS, METRICS
from .plan import Plan


# --------------------------------------------------------------------------- replications
def summaries_frame(results: list[dict[str, Any]], index: list[tuple[str, int]]) -> pd.DataFrame:
    """One row per run: ``arm``, ``replication`` and every numeric summary value, with the
    toxic signs' values and flags as ``sign_<name>`` / ``sign_<name>_flag``.

    Parameters
    ----------
    results : list of dict
        The runs' results (each with its ``summary``), in the order of ``index``.
    index : list of (str, int)
        Each result's arm and replication.
    """
    rows = []
    for (arm, r), res in zip(index, results, strict=True):
        s = res["summary"]
        row: dict[str, Any] = {"arm": arm, "replication": r, "seed": s.get("seed")}
        for m in METRICS:
            v = s.get(m.key)
            row[m.key] = float(v) if v is not None else float("nan")
        for name, _ in SIGNS:
            sign = s.get("toxic_signs", {}).get(name, {})
            v = sign.get("value")
            row[f"sign_{name}"] = float(v) if v is not None else float("nan")
            row[f"sign_{name}_flag"] = float(bool(sign.get("flag")))
        rows.append(row)
    return pd.DataFrame(rows)


def judge(row: dict[str, Any], better: str) -> str:
    """``better``/``worse`` when the interval excludes 0, ``no clear change`` otherwise,
    ``no change`` when every pair was identical (``no data`` without pairs);
    ``higher``/``lower`` for metrics without a better direction.

    Parameters
    ----------
    row : dict
        A paired difference (:func:`sim.stats.paired_ci`: ``difference``, ``ci_low``,
        ``ci_high``).
    better : str
        The metric's better direction: ``higher``, ``lower`` or ``""``.
    """
    lo, hi, d = row["ci_low"], row["ci_high"], row["difference"]
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "no change" if d == 0 else "no data"
    if lo == hi == 0:
        return "no change"
    if lo <= 0 <= hi:
        return "no clear change"
    up = lo > 0
    if not better:
        return "higher" if up else "lower"
    return "better" if up == (better == "higher") else "worse"


def level_interval(values: np.ndarray, unit: str, group: str) -> tuple[float, float, str]:
    """95 % interval of one arm's mean of a metric over replications, and its method.

    Shares of runs (a toxic sign flagged or not) are pooled counts: Wilson
    (:func:`sim.stats.wilson`).  Other shares (rates in [0, 1], not the gaps, which are
    differences) average one rate per run: a t-interval on the logit scale
    (:func:`sim.stats.share_mean_ci`), so neither stays outside [0, 1].  Everything else:
    the plain t-interval (:func:`sim.stats.mean_ci`).

    Parameters
    ----------
    values : numpy.ndarray
        One value per replication of the arm.
    unit : str
        The metric's unit (:class:`.metrics.Metric`).
    group : str
        The metric's group (``gap`` metrics are differences, not levels).
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if unit == "share of runs":
        lo, hi = wilson(float(v.sum()), len(v))
        return lo, hi, "wilson"
    if is_level_share(unit, group):
        _, lo, hi = share_mean_ci(v)
        return lo, hi, "logit t"
    m, h = mean_ci(v)
    return m - h, m + h, "t"


def is_level_share(unit: str, group: str) -> bool:
    """A metric whose value is a share in [0, 1] (not a gap, which may be negative).

    Parameters
    ----------
    unit : str
        The metric's unit.
    group : str
        The metric's group.
    """
    return unit == "share of runs" or (unit == "share" and group != "gap")


def comparison_table(reps: pd.DataFrame) -> pd.DataFrame:
    """The tidy comparison: one row per metric, both arms' means, paired difference and
    its 95 % interval, ``n``; computed from :func:`summaries_frame`'s rows.

    Each arm's mean also gets a 95 % interval (``current_ci_low`` ... ``proposal_ci_high``,
    method in ``level_interval``, :func:`level_interval`); for a share the paired
    difference's interval is cut to [-1, 1], the only differences two shares can have.

    Parameters
    ----------
    reps : pandas.DataFrame
        The main runs (:func:`summaries_frame`), both arms with the same replications.
    """
    cur = reps[reps["arm"] == "current"].sort_values("replication")
    pro = reps[reps["arm"] == "proposal"].sort_values("replication")
    if list(cur["replication"]) != list(pro["replication"]):
        raise RuntimeError("arms do not hold the same replications")
    rows = []
    for m in COMPARISON_METRICS:
        a, b = cur[m.key].to_numpy(), pro[m.key].to_numpy()
        st = paired_ci(a, b)
        if is_level_share(m.unit, m.group):
            st["ci_low"], st["ci_high"] = max(st["ci_low"], -1.0), min(st["ci_high"], 1.0)
        c_lo, c_hi, how = level_interval(a, m.unit, m.group)
        p_lo, p_hi, _ = level_interval(b, m.unit, m.group)
        row = {
            "metric": m.key,
            "label": m.label,
            "group": m.group,
            "unit": m.unit,
            "better": m.better,
            **st,
            "current_ci_low": c_lo,
            "current_ci_high": c_hi,
            "proposal_ci_low": p_lo,
            "proposal_ci_high": p_hi,
            "level_interval": how,
        }
        row["verdict"] = judge(row, m.better)
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- robust
#: outcomes of each robust world kept in ``robust.csv`` (both arms and the difference)
ROBUST_KEYS = (
    "value",
    "profit",
    "retention",
    "csat_true",
    "staff_turnover_annual",
    "fcr_true",
    "fcr_measured",
    "aht_s",
    "gaming_rate",
)


def robust_table(plan: Plan, results: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per robust world: sampled parameters, both arms' key outcomes, differences.

    Parameters
    ----------
    plan : Plan
        The comparison's plan (its worlds).
    results : list of dict
        The robust runs' results: current and proposal of world 0, then of world 1, ...
    """
    rows = []
    for i, (_, w) in enumerate(plan.worlds.iterrows()):
        cur, pro = results[2 * i]["summary"], results[2 * i + 1]["summary"]
        row = {k: w[k] for k in plan.worlds.columns}
        row["world"] = int(w["world"])
        row["seed"] = cur.get("seed")
        for k in ROBUST_KEYS:
            a = float(cur[k]) if cur.get(k) is not None else float("nan")
            b = float(pro[k]) if pro.get(k) is not None else float("nan")
            row[f"current_{k}"], row[f"proposal_{k}"], row[f"diff_{k}"] = a, b, b - a
        rows.append(row)
    return pd.DataFrame(rows)


#: robust criteria: (name, plain label, difference column, wins when)
CRITERIA = (
    ("value", "more value (profit + change in customer equity)", "diff_value", "higher"),
    ("profit", "more profit", "diff_profit", "higher"),
    ("retention", "more customers retained", "diff_retention", "higher"),
    ("csat_true", "more truly satisfied customers", "diff_csat_true", "higher"),
    ("customers", "customers better on both retention and true CSAT", "", "both"),
    ("turnover", "lower staff turnover", "diff_staff_turnover_annual", "lower"),
)


def robust_shares(robust: pd.DataFrame) -> dict[str, float]:
    """Share of worlds (0-1) in which the proposal beats the current scheme, per
    criterion of :data:`CRITERIA` (a strict improvement; ties do not count as wins).
    ``value`` is the money criterion the robust verdict judges; ``profit`` is kept
    beside it.

    Parameters
    ----------
    robust : pandas.DataFrame
        The table of :func:`robust_table`.
    """
    if robust.empty:
        return {name: float("nan") for name, *_ in CRITERIA}
    out = {}
    for name, _, col, when in CRITERIA:
        if when == "both":
            win = (robust["diff_retention"] > 0) & (robust["diff_csat_true"] > 0)
        elif when == "higher":
            win = robust[col] > 0
        else:
            win = robust[col] < 0
        out[name] = float(win.mean())
    return out


#: Below this many robust worlds a share of worlds gets a warning with its interval.
FEW_WORLDS = 10


def share_interval(share: float, n: int) -> tuple[float, float]:
    """95 % Wilson interval (:func:`sim.stats.wilson`) of a share of ``n`` worlds.

    Parameters
    ----------
    share : float
        Share of worlds won (0-1), as :func:`robust_shares` gives it.
    n : int
        Robust worlds.
    """
    if not n or share != share:
        return float("nan"), float("nan")
    return wilson(round(share * n), n)


def few_worlds_warning(share: float, n: int) -> str:
    """``with only 4 worlds this share is very uncertain: 95% interval 7%–81%`` when
    ``n`` is below :data:`FEW_WORLDS` (``""`` otherwise), plain text.

    Parameters
    ----------
    share : float
        Share of worlds the proposal wins on profit (0-1).
    n : int
        Robust worlds.
    """
    if not n or n >= FEW_WORLDS or share != share:
        return ""
    lo, hi = share_interval(share, n)
    worlds = "world" if n == 1 else "worlds"
    return f"with only {n} {worlds} this share is very uncertain: 95% interval {lo:.0%}–{hi:.0%}"


def _prcc(RX: np.ndarray, ry: np.ndarray, j: int) -> float:
    """Partial rank correlation of rank column ``j`` of ``RX`` with ``ry``, the other
    columns held fixed (NaN without enough worlds for the regression)."""
    others = np.delete(RX, j, axis=1)
    A = np.column_stack([np.ones(len(ry)), others])
    if len(ry) <= A.shape[1] + 1:
        return np.nan
    res_x = RX[:, j] - A @ np.linalg.lstsq(A, RX[:, j], rcond=None)[0]
    res_y = ry - A @ np.linalg.lstsq(A, ry, rcond=None)[0]
    den = np.sqrt((res_x**2).sum() * (res_y**2).sum())
    return float((res_x * res_y).sum() / den) if den > 0 else np.nan


#: columns of ``sensitivity.csv``
SENS_COLUMNS = ("parameter", "spearman", "prcc", "p_value", "p_holm", "prcc_p", "prcc_p_holm")


def sensitivity(robust: pd.DataFrame, params: list[str], target: str | None = None) -> pd.DataFrame:
    """Which parameters the verdict hinges on: Spearman rank correlation and partial rank
    correlation (PRCC) of each parameter with ``target`` (the value difference by
    default), sorted by |PRCC|.

    ``p_value`` is Spearman's two-sided p-value (exact for few worlds,
    :func:`sim.stats.spearman_p`), ``prcc_p`` PRCC's (t-test of a partial
    correlation, :func:`sim.stats.partial_corr_p`); ``p_holm`` and ``prcc_p_holm`` the same
    Holm-corrected across every parameter tested (:func:`sim.stats.holm`).  Whether a
    parameter may be named as a driver is decided by :func:`sim.stats.drivers` alone.

    Parameters
    ----------
    robust : pandas.DataFrame
        The table of :func:`robust_table`.
    params : list of str
        The uncertain parameters (its columns).
    target : str, optional
        The difference explained (a ``diff_*`` column); by default the value difference
        (``diff_value``, what the verdict judges), ``diff_profit`` in a table without it.
    """
    rows = []
    if len(robust) < 4 or not params:
        return pd.DataFrame(columns=list(SENS_COLUMNS))
    if target is None:
        target = "diff_value" if "diff_value" in robust else "diff_profit"
    y = robust[target].to_numpy(dtype=float)
    X = robust[params].to_numpy(dtype=float)
    ok = np.isfinite(y) & np.isfinite(X).all(axis=1)
    y, X = y[ok], X[ok]
    ry = stats.rankdata(y)
    RX = np.column_stack([stats.rankdata(X[:, j]) for j in range(X.shape[1])])
    nan = float("nan")
    for j, p in enumerate(params):
        if np.ptp(X[:, j]) == 0 or np.ptp(y) == 0:
            rows.append({"parameter": p, "spearman": nan, "prcc": nan, "p_value": nan})
            continue
        rho = float(stats.spearmanr(X[:, j], y)[0])
        pval = spearman_p(rho, len(y))
        rows.append({"parameter": p, "spearman": rho, "prcc": _prcc(RX, ry, j), "p_value": pval})
    df = pd.DataFrame(rows)
    df["prcc_p"] = [partial_corr_p(r, len(y), len(params) - 1) for r in df["prcc"]]
    df["p_holm"] = holm(df["p_value"].to_numpy())
    df["prcc_p_holm"] = holm(df["prcc_p"].to_numpy())
    df = df[list(SENS_COLUMNS)]
    order = df["prcc"].abs().fillna(df["spearman"].abs()).fillna(0)
    return df.assign(_o=order).sort_values("_o", ascending=False).drop(columns="_o")


def hinge_measure(sens: pd.DataFrame) -> tuple[str, str]:
    """Column that ranks the parameters: PRCC when it could be computed (more worlds than
    parameters), else the plain rank correlation; and its plain name.

    Parameters
    ----------
    sens : pandas.DataFrame
        The table of :func:`sensitivity`.
    """
    if len(sens) and sens["prcc"].notna().any():
        return "prcc", "partial rank correlation"
    if len(sens) and sens["spearman"].notna().any():
        return "spearman", "rank correlation"
    return "", "correlation"


# --------------------------------------------------------------------------- time series
#: plotted series: name -> (numerator, denominator) of daily counts
SERIES = {
    "aht_s": ("handle_s", "legs"),
    "fcr_true": ("resolved_true", "answered_owned"),
    "csat_survey": ("survey_top2", "surveys"),
    "csat_true": ("xp_top2", "contacts"),
    "gaming_rate": ("gaming_contacts", "calls_answered"),
    "repeat_contact_rate": ("repeat_contacts", "contacts"),
}
WEEK = 5  # working days per bin


def binned_series(
    daily: pd.DataFrame, fcr_defs: tuple[str, str], rollout_day: int | None
) -> pd.DataFrame:
    """Weekly (5 working days) values of the plotted KPIs for one run, each rate a ratio of
    the week's sums; measured FCR over the days whose feedback window closed in the run
    (the last week of a ``no_repeat_7d`` run has none: censored, not flattered).

    Parameters
    ----------
    daily : pandas.DataFrame
        The run's daily table.
    fcr_defs : tuple of str
        The FCR definition in force before and from the rollout (``fcr_measured`` uses each
        day's).
    rollout_day : int or None
        The working day the proposal takes over; None: no switch.
    """
    d = daily.copy()
    d["week"] = d["day"] // WEEK
    day = d["day"].to_numpy()
    after = np.zeros(len(d), bool) if rollout_day is None else day >= rollout_day
    defs = np.where(after, fcr_defs[1], fcr_defs[0])
    d["fcr_num"] = np.where(
        defs == "no_repeat_7d", d["answered_owned"] - d["repeats_7d"], d["coded_resolved"]
    )
    # a day whose FCR is not final yet (its repeat window runs past the run's end,
    # sim.measurement.window_closed) counts in no week's measured FCR: censored
    closed = np.ones(len(d), bool)
    for definition in np.unique(defs):
        on = defs == definition
        closed[on] = window_closed(day[on], int(day.max()), str(definition))
    d["fcr_den"] = np.where(closed, d["answered_owned"], 0)
    d["fcr_num"] = np.where(closed, d["fcr_num"], 0)
    g = d.groupby("week")
    sums = g.sum(numeric_only=True)
    out = pd.DataFrame({"day": g["day"].min()})
    for name, (num, den) in SERIES.items():
        out[name] = sums[num] / sums[den].where(sums[den] != 0)
    out["fcr_measured"] = sums["fcr_num"] / sums["fcr_den"].where(sums["fcr_den"] > 0)
    out["profit_daily"] = g["profit"].mean()
    out["morale"] = g["morale_mean"].mean()
    return out.reset_index(drop=True)


def timeseries_table(
    plan: Plan, results: list[dict[str, Any]], index: list[tuple[str, int]]
) -> pd.DataFrame:
    """Tidy weekly series: ``arm``, ``replication``, ``day`` (first day of the week) and
    every plotted KPI.

    Parameters
    ----------
    plan : Plan
        The comparison's plan (the FCR definitions and the rollout day).
    results : list of dict
        The main runs' results (each with its ``daily`` table), in the order of ``index``.
    index : list of (str, int)
        Each result's arm and replication.
    """
    frames = []
    defs_cur = (plan.cfg_current.scheme.kpis.fcr.definition,) * 2
    prop = plan.cfg_proposal.proposal
    defs_pro = (
        plan.cfg_current.scheme.kpis.fcr.definition,
        prop.kpis.fcr.definition if prop else defs_cur[1],
    )
    for (arm, r), res in zip(index, results, strict=True):
        if arm == "current":
            b = binned_series(res["daily"], defs_cur, None)
        else:
            b = binned_series(res["daily"], defs_pro, plan.args.rollout_day)
        b.insert(0, "replication", r)
        b.insert(0, "arm", arm)
        frames.append(b)
    return pd.concat(frames, ignore_index=True)
