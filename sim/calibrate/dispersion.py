"""How much a centre's calls vary from day to day beyond sampling: its volume beyond
Poisson, from its (day x interval) counts — the day's busyness (``demand.daily_volume_cv``)
and each interval's within the day (``demand.interval_volume_cv``), the two random rate
factors of ``sim/model/arrivals.py``, which :func:`.estimate.arrivals_from_counts` calls
(call records and interval reports) — its mean handle time beyond the sampling of
the day's calls (``handling.daily_cv``, :func:`handle_daily_cv`), and its handle time by
time of day (``handling.interval_factors``, :func:`handle_profile`), both from call
records.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats


def daily_cv(per_day: np.ndarray, weekday: np.ndarray) -> dict:
    """How much a weekday's calls vary from day to day beyond Poisson: the CV of the
    model's day busyness factor (``demand.daily_volume_cv``).  Days of weekday ``w``
    (``m`` of them, mean ``D_w``): Var = D_w + c^2 D_w^2, so c^2 = sum over weekdays of
    (m s_w^2 - m D_w) / sum of m D_w^2 (``s_w^2`` the weekday's sample variance), floored
    at 0, over weekdays with two days or more.  SE by normal theory: the pooled variance
    has ``sum (m - 1)`` degrees of freedom, so SE(c) ~ c / sqrt(2 df).

    Parameters
    ----------
    per_day : numpy.ndarray
        Offered calls per day.
    weekday : numpy.ndarray
        Each day's weekday (0 = Monday).
    """
    num = den = 0.0
    df = 0
    for w in np.unique(weekday):
        x = per_day[weekday == w]
        if len(x) < 2:
            continue
        num += len(x) * (x.var(ddof=1) - x.mean())
        den += len(x) * x.mean() ** 2
        df += len(x) - 1
    if den <= 0:
        return {"identified": False}
    value = math.sqrt(max(num / den, 0.0))
    return {"identified": True, "value": value, "se": value / math.sqrt(2 * df), "df": df}


def _interval_cv2(counts: np.ndarray, masks: np.ndarray) -> float:
    """The moment estimate of the squared interval CV (:func:`interval_cv`)."""
    p = counts.mean(axis=0)
    cut = np.where(masks, p, 0.0)
    e = counts.sum(axis=1, keepdims=True) * cut / np.maximum(cut.sum(axis=1, keepdims=True), 1e-12)
    den = float(np.sum(e**2))
    return float(np.sum((counts - e) ** 2 - e)) / den if den > 0 else 0.0


def interval_cv(counts: np.ndarray, dates: list[str], seed: int = 0, resamples: int = 200) -> dict:
    """How much a day's calls per interval vary around the profile beyond Poisson: the
    coefficient of variation of a per-interval rate factor (``demand.interval_volume_cv``).

    Model (``sim/model/arrivals.py``): given the day's total ``D``, the calls of interval
    ``j`` are Poisson with mean ``e = D p_j`` times a factor of mean 1 and CV ``c``, with
    ``p`` the profile (the mean over days, cut to the weekday's intervals with calls), so
    Var = e + c^2 e^2.  Moment estimate: c^2 = sum((n - e)^2 - e) / sum(e^2) over the
    (day, interval) cells, floored at 0; conditional on the day's total, so the day's own
    busyness (``demand.daily_volume_cv``) and the weekday factors are not counted.  SE
    and 95% interval: percentile bootstrap over days (``resamples`` resamples).

    Parameters
    ----------
    counts : numpy.ndarray
        Offered calls, days x intervals.
    dates : list of str
        The date of each row (ISO), or empty (every row one weekday).
    seed : int
        Seed of the bootstrap.
    resamples : int
        Bootstrap resamples.
    """
    days = counts.shape[0]
    if days < 2 or counts.sum() == 0:
        return {"identified": False}
    wd = (
        pd.to_datetime(pd.Series(dates)).dt.day_of_week.to_numpy()
        if len(dates) == days
        else np.zeros(days, int)
    )
    masks = np.array([counts[wd == w].sum(axis=0) > 0 for w in wd])
    return _bootstrapped(lambda i: _interval_cv2(counts[i], masks[i]), days, seed, resamples)


def _bootstrapped(cv2, days: int, seed: int, resamples: int) -> dict:
    """A CV from its squared moment estimate ``cv2(rows)`` over all ``days`` (floored at
    0) with its percentile bootstrap over days: SE and 95% interval.

    Parameters
    ----------
    cv2 : callable
        The squared CV of the days with the given row indices.
    days : int
        Days (rows) of the data.
    seed : int
        Seed of the bootstrap.
    resamples : int
        Bootstrap resamples.
    """
    value = math.sqrt(max(cv2(np.arange(days)), 0.0))
    rng = np.random.default_rng(seed)
    boot = np.empty(resamples)
    for b in range(resamples):
        boot[b] = math.sqrt(max(cv2(rng.integers(0, days, days)), 0.0))
    return {
        "identified": True,
        "value": value,
        "se": float(boot.std(ddof=1)),
        "lo": float(np.percentile(boot, 2.5)),
        "hi": float(np.percentile(boot, 97.5)),
    }


#: Significance of the test of equal day means of the handle time below which no day
#: factor is written (:func:`handle_daily_cv`; as ``PROFILE_ALPHA``).
DAILY_ALPHA = 0.01


def _handle_daily_cv2(means: np.ndarray, sampling_var: np.ndarray) -> float:
    """The moment estimate of the squared day-to-day CV of the mean handle time
    (:func:`handle_daily_cv`)."""
    a = means.mean()
    between = means.var(ddof=1) - sampling_var.mean()
    return float(between / a**2) if a > 0 else 0.0


def handle_daily_cv(
    handle_s: np.ndarray, day: np.ndarray, seed: int = 0, resamples: int = 200
) -> dict:
    """How much a day's mean handle time varies beyond the sampling of its calls: the
    coefficient of variation of the model's handle-time day factor (``handling.daily_cv``,
    ``arrivals.handle_busyness``).

    Model: a call of day ``d`` takes ``F_d`` x its own time, ``F_d`` of mean 1 and CV
    ``c``, independent of the call's; so the day's mean ``m_d`` of ``n_d`` calls has
    Var(m_d) = c^2 a^2 + E(s_d^2 / n_d) (``a`` the mean handle time, ``s_d^2`` the day's
    variance of handle times).  Moment estimate: c^2 = (sample variance of the ``m_d`` -
    mean of s_d^2 / n_d) / a^2 over the days with two answered calls or more, floored at
    0.  Weekdays are not told apart: the model has no weekday effect on handle time, so
    one belongs in ``c``.  SE and 95% interval: percentile bootstrap over days.

    ``significant`` when a test of equal day means rejects at ``DAILY_ALPHA``: sum over
    the days of ((m_d - a_w) / SE_d)^2 against chi-square with (days - 1) degrees of
    freedom (SE_d^2 = s_d^2 / n_d, ``a_w`` the precision-weighted mean; a large-sample
    test, as :func:`handle_profile`'s).  A centre writes ``handling.daily_cv`` only then:
    days that differ by the sampling of their calls alone keep the day factor off.

    Parameters
    ----------
    handle_s : numpy.ndarray
        Handle time of each answered call, s (> 0).
    day : numpy.ndarray
        Each call's day (any labels).
    seed : int
        Seed of the bootstrap.
    resamples : int
        Bootstrap resamples.
    """
    g = pd.DataFrame({"h": handle_s, "d": day}).groupby("d")["h"].agg(["mean", "var", "size"])
    g = g[g["size"] >= 2]
    if len(g) < 3:
        return {"identified": False, "days": len(g)}
    means = g["mean"].to_numpy(float)
    samp = (g["var"] / g["size"]).to_numpy(float)
    fit = _bootstrapped(lambda i: _handle_daily_cv2(means[i], samp[i]), len(g), seed, resamples)
    w = 1.0 / np.maximum(samp, 1e-12)
    a_w = float(np.sum(w * means) / np.sum(w))
    chi2 = float(np.sum(w * (means - a_w) ** 2))
    p = float(stats.chi2.sf(chi2, len(g) - 1))
    return {**fit, "days": len(g), "chi2": chi2, "p_value": p, "significant": p < DAILY_ALPHA}


#: Fewest answered calls of an interval (over all days) whose mean handle time sets its
#: factor; an interval with fewer keeps 1 (its mean's SE would be over ~10% at CV 1.2).
PROFILE_MIN_CALLS = 100
#: Significance of the test of equal interval means below which no profile is written.
PROFILE_ALPHA = 0.01


def handle_profile(handle_s: np.ndarray, arrival_s: np.ndarray, step_s: float, k: int) -> dict:
    """The handle time by time of day: each planning interval's mean handle time of the
    calls arriving in it over the overall mean (``handling.interval_factors``, the
    model's ``arrivals.handle_profile``), renormalised to mean 1 over the calls.

    ``identified`` when a test of equal means rejects at ``PROFILE_ALPHA``: sum over the
    intervals with ``PROFILE_MIN_CALLS`` calls or more of ((m_i - a) / SE_i)^2 against
    chi-square with (intervals - 1) degrees of freedom (SE_i = the interval's sample SD /
    sqrt(n_i); a large-sample test, the calls of an interval need not be normal).  A flat
    handle time (the test not rejecting) writes no profile.

    Parameters
    ----------
    handle_s : numpy.ndarray
        Handle time of each answered call, s (> 0).
    arrival_s : numpy.ndarray
        Each call's arrival, s since opening.
    step_s : float
        Length of a planning interval, s.
    k : int
        Planning intervals of the opening hours.
    """
    i = np.clip((np.asarray(arrival_s, float) // step_s).astype(int), 0, k - 1)
    n = np.bincount(i, minlength=k).astype(float)
    total = np.bincount(i, weights=handle_s, minlength=k)
    sq = np.bincount(i, weights=handle_s**2, minlength=k)
    a = float(handle_s.mean())
    ok = n >= PROFILE_MIN_CALLS
    if ok.sum() < 2 or a <= 0:
        return {"identified": False, "intervals": int(ok.sum())}
    mean = np.where(ok, total / np.maximum(n, 1.0), a)
    var = np.where(ok, (sq - n * mean**2) / np.maximum(n - 1.0, 1.0), 0.0)
    se = np.where(ok, np.sqrt(np.maximum(var, 0.0) / np.maximum(n, 1.0)), np.nan)
    chi2 = float(np.sum(((mean[ok] - a) / se[ok]) ** 2))
    p = float(stats.chi2.sf(chi2, int(ok.sum()) - 1))
    f = mean / a
    f = f / (np.sum(n * f) / np.sum(n))  # mean 1 over the calls
    return {
        "identified": p < PROFILE_ALPHA,
        "factors": [float(x) for x in f],
        "se": [float(x) / a if np.isfinite(x) else None for x in se],
        "calls": [int(x) for x in n],
        "chi2": chi2,
        "p_value": p,
    }
