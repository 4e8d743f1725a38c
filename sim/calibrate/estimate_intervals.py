"""What an interval report identifies, each estimate with its uncertainty.

The same dicts as :mod:`.estimate` (``identified``, ``mean_s``, ``mean_se``, ``mean_lo``,
``mean_hi``), so the centre file and calibration.csv are written by the same code.
Arrivals use :func:`.estimate.arrivals_from_counts` (one estimator for both formats).
What interval means cannot show (the handle-time family and CV) is said so, and the
config's value kept.  Methods and their biases: docs/calibrate.md, "Interval reports".
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize_scalar

from ..model.erlang import erlang_a
from .estimate import BOOTSTRAP, Z95, arrivals_from_counts
from .intervals import IntervalRecords

#: Patience means searched (seconds, log-spaced): the grid of the bootstrap.
PATIENCE_GRID = np.geomspace(5.0, 20_000.0, 49)


def arrivals(rec: IntervalRecords) -> dict:
    """Offered calls per interval (a missing row: none offered) and weekday factors."""
    counts = rec.matrix("offered", fill=0.0)
    return arrivals_from_counts(counts, rec.dates, rec.interval_minutes, rec.open_tod_s)


def handling(rec: IntervalRecords, dist: str, cv: float) -> dict:
    """Handle-time mean: AHT weighted by answered calls (the mean over calls).

    SE: the ratio estimator's, sqrt(sum a_i^2 (h_i - m)^2 * n/(n-1)) / sum a_i over
    intervals i (a_i answered, h_i AHT) - from the spread across intervals, valid
    whether the intervals' means differ or not.  The family and CV are not identified
    by means: ``dist`` and ``cv`` (the config's) are kept.  ``cv_dispersion`` is the CV
    the spread would imply if every call were an independent draw from one law
    (Var h_i = sigma^2 / a_i); differences between intervals inflate it: reported only."""
    r = rec.rows
    ok = (r["answered"] > 0) & r["aht_s"].notna()
    a, h = r.loc[ok, "answered"].to_numpy(float), r.loc[ok, "aht_s"].to_numpy(float)
    if len(a) < 2:
        return {"identified": False, "intervals": len(a)}
    m = float(a @ h / a.sum())
    n = len(a)
    se = math.sqrt(float(np.sum(a**2 * (h - m) ** 2)) * n / (n - 1)) / a.sum()
    sigma2 = float(np.sum(a * (h - m) ** 2)) / (n - 1)
    return {
        "identified": True,
        "n": int(a.sum()),
        "intervals": n,
        "intervals_without_aht": int(((r["answered"] > 0) & r["aht_s"].isna()).sum()),
        "mean_s": m,
        "mean_se": se,
        "mean_lo": m - Z95 * se,
        "mean_hi": m + Z95 * se,
        "family_identified": False,
        "model_family": dist,
        "cv": cv,
        "cv_dispersion": math.sqrt(sigma2) / m,
        "note": "interval means identify the mean only: the family and CV are the "
        f"config's ({dist}, cv {cv:g})",
    }


def staffing(rec: IntervalRecords) -> dict:
    """Staffed agents per interval: mean over days (SE across days) and agent-hours a
    day (staffed x interval length, summed over the day; mean over days)."""
    if rec.rows["staffed"].isna().all():
        return {"identified": False}
    s = rec.matrix("staffed")
    days = s.shape[0]
    step = 60.0 * rec.interval_minutes
    mean = np.nanmean(np.where(np.isnan(s).all(axis=0), 0.0, s), axis=0)
    cnt = np.sum(~np.isnan(s), axis=0)
    sd = np.nanstd(s, axis=0, ddof=1) if days > 1 else np.zeros(s.shape[1])
    se = np.where(cnt > 1, np.nan_to_num(sd) / np.sqrt(np.maximum(cnt, 1)), 0.0)
    hours = np.nansum(s, axis=1) * step / 3600.0
    return {
        "identified": True,
        "agents": mean.tolist(),
        "agents_se": se.tolist(),
        "agent_hours_per_day": float(hours.mean()),
        "agent_hours_per_day_se": float(hours.std(ddof=1) / math.sqrt(days)) if days > 1 else 0.0,
        "missing": int(np.isnan(s).sum()),
    }


def _figures(
    lam: float, aht: float, patience: float, staffed: float, threshold_s: float
) -> tuple[float, ...]:
    """Erlang A's P(abandon), ASA of answered calls and service level, linear in the
    staffed agents between floor and ceiling (a fractional mean staffing)."""
    lo = int(math.floor(staffed))
    f = staffed - lo
    a = erlang_a(lam, aht, patience, lo, threshold_s)
    out = np.array([a.p_abandon, a.answered_wait_s, a.service_level, a.p_wait])
    if f > 1e-9:
        b = erlang_a(lam, aht, patience, lo + 1, threshold_s)
        out = (1 - f) * out + f * np.array([b.p_abandon, b.answered_wait_s, b.service_level, b.p_wait])
    return tuple(out)


def _loss(row: tuple, patience: float, step: float, threshold_s: float) -> float:
    """Squared standardised misfit of one interval: abandonment count (binomial sd at the
    model's rate) plus ASA (variance of a mean of ``answered`` waits E[W^2] / answered,
    with E[W^2] = 2 ASA^2 / P(wait): no wait, or an exponential-like wait of mean
    ASA / P(wait)) or service level (binomial)."""
    off, ans, ab, aht, asa, sl, staffed = row
    p, w, s, q = _figures(off / step, aht, patience, staffed, threshold_s)
    var = max(off * p * (1 - p), 0.25)
    loss = (off * p - ab) ** 2 / var
    if not math.isnan(asa) and ans > 0:
        loss += (w - asa) ** 2 * ans * max(q, 1e-3) / (2 * max(w, 0.1) ** 2)
    elif not math.isnan(sl):
        loss += (s - sl) ** 2 * off / max(s * (1 - s), 0.25 / off)
    return loss


def patience(
    rec: IntervalRecords, aht_mean: float, threshold_s: float = 20.0, seed: int = 0
) -> dict:
    """Mean patience by matching Erlang A (M/M/n+M) to each interval's abandonment and
    ASA (or service level, answered within ``threshold_s`` / offered), given its offered
    calls, AHT and staffed agents.

    Least squares over intervals of :func:`_loss`, a 1-D search over the mean patience
    (``minimize_scalar`` on log patience, bracketed by the best point of a log grid);
    95% interval and SE by a bootstrap over days (over intervals with one day), each
    resample's minimum found on the grid (parabolic refinement).  Also the identity
    bound: P(abandon) = E[wait of all callers] / mean patience (exact for exponential
    patience), with ASA x answered / offered standing for E[wait] - it leaves out the
    abandoned callers' waits, so the patience it gives is a lower bound."""
    r = rec.rows
    step = 60.0 * rec.interval_minutes
    cols = ["offered", "answered", "abandoned", "aht_s", "asa_s", "service_level", "staffed"]
    use = (r["offered"] > 0) & (r["staffed"].notna()) & (r["asa_s"].notna() | r["service_level"].notna())  # fmt: skip
    sub = r[use].copy()
    sub["aht_s"] = sub["aht_s"].fillna(aht_mean).where(sub["aht_s"] > 0, aht_mean)
    events = int(sub["abandoned"].sum())
    off, ab, ans = r["offered"].sum(), r["abandoned"].sum(), r["answered"].sum()
    out: dict = {"method": "Erlang A fit", "intervals": len(sub), "events": events}
    if ab > 0 and r["asa_s"].notna().any():
        a_ok = r["asa_s"].notna()
        wait_lb = float((r.loc[a_ok, "asa_s"] * r.loc[a_ok, "answered"]).sum() / off)
        out["identity_lower_bound_s"] = wait_lb / float(ab / off)
    if events == 0 or len(sub) < 2:
        return {**out, "identified": False}
    rows = [tuple(float(x) for x in t) for t in sub[cols].itertuples(index=False)]
    grid = np.array([[_loss(t, p, step, threshold_s) for p in PATIENCE_GRID] for t in rows])
    total = grid.sum(axis=0)
    g = int(np.argmin(total))
    lo_b, hi_b = PATIENCE_GRID[max(g - 1, 0)], PATIENCE_GRID[min(g + 1, len(PATIENCE_GRID) - 1)]
    res = minimize_scalar(
        lambda x: sum(_loss(t, math.exp(x), step, threshold_s) for t in rows),
        bounds=(math.log(lo_b), math.log(hi_b)),
        method="bounded",
        options={"xatol": 1e-3},
    )
    best = float(math.exp(res.x))
    unit = sub["day"].to_numpy() if rec.days > 1 else np.arange(len(sub))
    units, inv = np.unique(unit, return_inverse=True)
    per_unit = np.zeros((len(units), len(PATIENCE_GRID)))
    np.add.at(per_unit, inv, grid)
    rng = np.random.default_rng(seed)
    boot = np.array(
        [
            _grid_min(np.bincount(rng.integers(0, len(units), len(units)), minlength=len(units))
                      @ per_unit)
            for _ in range(BOOTSTRAP)
        ]
    )  # fmt: skip
    return {
        **out,
        "identified": True,
        "at_bound": g in (0, len(PATIENCE_GRID) - 1),
        "mean_s": best,
        "mean_se": float(boot.std(ddof=1)),
        "mean_lo": float(np.percentile(boot, 2.5)),
        "mean_hi": float(np.percentile(boot, 97.5)),
        "bootstrap_unit": "day" if rec.days > 1 else "interval",
        "loss": float(res.fun),
        "loss_per_interval": float(res.fun) / len(rows),
    }


def _grid_min(total: np.ndarray) -> float:
    """The minimum of a loss sampled on :data:`PATIENCE_GRID`: a parabola in log
    patience through the best grid point and its neighbours."""
    g = int(np.argmin(total))
    x = np.log(PATIENCE_GRID)
    if g == 0 or g == len(x) - 1:
        return float(PATIENCE_GRID[g])
    y0, y1, y2 = total[g - 1 : g + 2]
    den = y0 - 2 * y1 + y2
    shift = 0.5 * (y0 - y2) / den if den > 0 else 0.0
    return float(math.exp(x[g] + shift * (x[g + 1] - x[g])))
