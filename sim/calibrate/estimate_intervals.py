"""What an interval report identifies, each estimate with its uncertainty.

The same dicts as :mod:`.estimate` (``identified``, ``mean_s``, ``mean_se``, ``mean_lo``,
``mean_hi``), so the centre file and calibration.csv are written by the same code.
Arrivals use :func:`.estimate.arrivals_from_counts` (one estimator for both formats).
What interval means cannot show (the handle-time family and CV) is said so, and the
config's value kept.  Patience: :mod:`.patience_intervals`.  Methods and their biases:
docs/calibrate.md, "Interval reports".
"""

from __future__ import annotations

import math

import numpy as np

from .estimate import Z95, arrivals_from_counts
from .intervals import IntervalRecords


def arrivals(rec: IntervalRecords) -> dict:
    """Offered calls per interval (a missing row: none offered) and weekday factors.

    Parameters
    ----------
    rec : IntervalRecords
        The centre's interval report.
    """
    counts = rec.matrix("offered", fill=0.0)
    return arrivals_from_counts(counts, rec.dates, rec.interval_minutes, rec.open_tod_s)


def handling(rec: IntervalRecords, dist: str, cv: float) -> dict:
    """Handle-time mean: AHT weighted by answered calls (the mean over calls).

    SE: the ratio estimator's, sqrt(sum a_i^2 (h_i - m)^2 * n/(n-1)) / sum a_i over
    intervals i (a_i answered, h_i AHT) - from the spread across intervals, valid
    whether the intervals' means differ or not.  The family and CV are not identified
    by means: ``dist`` and ``cv`` (the config's) are kept.  ``cv_dispersion`` is the CV
    the spread would imply if every call were an independent draw from one law
    (Var h_i = sigma^2 / a_i); differences between intervals inflate it: reported only.

    Parameters
    ----------
    rec : IntervalRecords
        The centre's interval report (AHT in seconds).
    dist : str
        The config's handle-time family (``handling.dist``), kept.
    cv : float
        The config's handle-time coefficient of variation (``handling.cv``), kept.
    """
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
    day (staffed x interval length, summed over the day; mean over days).

    Parameters
    ----------
    rec : IntervalRecords
        The centre's interval report.
    """
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
