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

from ..outputs.signs import SIGNS
from ..stats import paired_ci
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


def comparison_table(reps: pd.DataFrame) -> pd.DataFrame:
    """The tidy comparison: one row per metric, both arms' means, paired difference and
    its 95 % interval, ``n``; computed from :func:`summaries_frame`'s rows.

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
        st = paired_ci(cur[m.key].to_numpy(), pro[m.key].to_numpy())
        row = {
            "metric": m.key,
            "label": m.label,
            "group": m.group,
            "unit": m.unit,
            "better": m.better,
            **st,
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


def sensitivity(
    robust: pd.DataFrame, params: list[str], target: str = "diff_profit"
) -> pd.DataFrame:
    """Which parameters the verdict hinges on: Spearman rank correlation and partial rank
    correlation (PRCC) of each parameter with ``target``, sorted by |PRCC|.

    Parameters
    ----------
    robust : pandas.DataFrame
        The table of :func:`robust_table`.
    params : list of str
        The uncertain parameters (its columns).
    target : str
        The difference explained (a ``diff_*`` column).
    """
    rows = []
    if len(robust) < 4 or not params:
        return pd.DataFrame(columns=["parameter", "spearman", "prcc", "p_value"])
    y = robust[target].to_numpy(dtype=float)
    X = robust[params].to_numpy(dtype=float)
    ok = np.isfinite(y) & np.isfinite(X).all(axis=1)
    y, X = y[ok], X[ok]
    ry = stats.rankdata(y)
    RX = np.column_stack([stats.rankdata(X[:, j]) for j in range(X.shape[1])])
    for j, p in enumerate(params):
        if np.ptp(X[:, j]) == 0 or np.ptp(y) == 0:
            rows.append({"parameter": p, "spearman": np.nan, "prcc": np.nan, "p_value": np.nan})
            continue
        rho, pval = stats.spearmanr(X[:, j], y)
        prcc = _prcc(RX, ry, j)
        rows.append({"parameter": p, "spearman": float(rho), "prcc": prcc, "p_value": float(pval)})
    df = pd.DataFrame(rows)
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
    the week's sums.

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
    g = d.groupby("week")
    sums = g.sum(numeric_only=True)
    out = pd.DataFrame({"day": g["day"].min()})
    for name, (num, den) in SERIES.items():
        out[name] = sums[num] / sums[den].where(sums[den] != 0)
    out["fcr_measured"] = sums["fcr_num"] / sums["answered_owned"].where(sums["answered_owned"] > 0)
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
