"""What call-detail records identify, each estimate with its uncertainty.

Every function takes :class:`~.records.CallRecords` and returns a plain dict (JSON-able):
point estimates with a standard error (``*_se``) or a 95% interval (``*_lo``, ``*_hi``).
Library estimators only (scipy.stats); references in docs/calibrate.md.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .dispersion import daily_cv, handle_daily_cv, handle_profile, interval_cv
from .records import CallRecords, handle_shares

Z95 = 1.959963984540054
BOOTSTRAP = 200


def arrivals(rec: CallRecords) -> dict:
    """Offered calls (answered + abandoned) per interval of the day and per day: the
    calls counted per (day, interval), then :func:`arrivals_from_counts`.

    Parameters
    ----------
    rec : CallRecords
        The centre's call records.
    """
    c = rec.calls
    step = 60.0 * rec.interval_minutes
    k = round(rec.open_s / step)
    days = int(c["day"].max()) + 1
    idx = np.minimum((c["arrival_s"].to_numpy() // step).astype(int), k - 1)
    counts = np.zeros((days, k))
    np.add.at(counts, (c["day"].to_numpy(), idx), 1.0)
    out = arrivals_from_counts(counts, rec.dates, rec.interval_minutes, rec.open_tod_s)
    if rec.dates and days > 1:
        out["opening_hours"] = opening_hours(rec)
    return out


def opening_hours(rec: CallRecords) -> dict[str, dict]:
    """Opening and closing time of each weekday present, from the first and last two
    arrivals of each of its days.

    Near the opening calls arrive as a Poisson stream of some rate ``r``: the first
    arrival is the opening plus an exponential gap of mean ``1/r``, the second a second
    such gap later, so ``2 first - second`` is the opening plus the difference of two
    independent gaps, unbiased with variance ``2/r**2``.  The estimate is its mean over
    the weekday's days, with its SE from the day-to-day spread (sd / sqrt(days)); the
    closing likewise from the last two arrivals (``2 last - second last``).  ``open_h``
    and ``close_h`` are the estimates snapped to the interval grid (clock hours), what
    a centre file's ``calendar.open_hours`` takes; ``*_est_h``/``*_se_h`` the raw estimates.

    Parameters
    ----------
    rec : CallRecords
        The centre's call records, with dates.
    """
    c = rec.calls
    step = 60.0 * rec.interval_minutes
    k = round(rec.open_s / step)
    t = c["arrival_s"].to_numpy(float)
    day = c["day"].to_numpy(int)
    wd = pd.to_datetime(pd.Series(rec.dates)).dt.day_of_week.to_numpy()
    frame = pd.DataFrame({"day": day, "t": t}).sort_values(["day", "t"])
    pos = frame.groupby("day").cumcount().to_numpy()
    size = frame.groupby("day")["t"].transform("size").to_numpy()
    frame = frame[size >= 2]
    pos, size = pos[size >= 2], size[size >= 2]

    def nth(mask: np.ndarray) -> pd.Series:
        return frame[mask].set_index("day")["t"]

    per_day = pd.DataFrame(
        {
            "open": 2 * nth(pos == 0) - nth(pos == 1),
            "close": 2 * nth(pos == size - 1) - nth(pos == size - 2),
        }
    )
    out: dict[str, dict] = {}
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for w, name in enumerate(names):
        x = per_day[wd[per_day.index.to_numpy()] == w]
        if len(x) == 0:
            continue
        m = len(x)
        est = x.mean()
        se = x.std(ddof=1) / math.sqrt(m) if m > 1 else pd.Series({"open": step, "close": step})
        snap = np.clip(np.round(est.to_numpy() / step), 0, k) * step
        if snap[1] <= snap[0]:
            snap[1] = min(k * step, snap[0] + step)
        hours = (snap + rec.open_tod_s) / 3600.0
        out[name] = {
            "days": m,
            "open_h": float(hours[0]),
            "close_h": float(hours[1]),
            "open_est_h": float((est["open"] + rec.open_tod_s) / 3600.0),
            "open_se_h": float(se["open"] / 3600.0),
            "close_est_h": float((est["close"] + rec.open_tod_s) / 3600.0),
            "close_se_h": float(se["close"] / 3600.0),
        }
    return out


def arrivals_from_counts(
    counts: np.ndarray, dates: list[str], interval_minutes: int, open_tod_s: float
) -> dict:
    """Offered calls per interval from a (days x intervals) matrix of counts: the one
    estimator of call records and interval reports alike.

    Per interval: the mean over days, its SE from the day-to-day spread (which includes
    any over-dispersion; with one day the Poisson SE sqrt(count)), the Poisson SE
    sqrt(mean/days) and the dispersion index var/mean (1 for a Poisson stream).
    Weekday factors (``dates``, one per row, when there are several): mean calls on that
    weekday / mean calls per day, SE by the delta method from the weekday's day-to-day
    spread.

    Parameters
    ----------
    counts : numpy.ndarray
        Offered calls, days x intervals.
    dates : list of str
        The date of each row (ISO), or empty when the file has none.
    interval_minutes : int
        Length of an interval, minutes.
    open_tod_s : float
        Opening time, seconds since midnight.
    """
    days, k = counts.shape
    step = 60.0 * interval_minutes
    mean = counts.mean(axis=0)
    if days > 1:
        se = counts.std(axis=0, ddof=1) / math.sqrt(days)
        disp = np.where(mean > 0, counts.var(axis=0, ddof=1) / np.maximum(mean, 1e-12), np.nan)
    else:
        se, disp = np.sqrt(mean), np.full(k, np.nan)
    per_day = counts.sum(axis=1)
    out = {
        "days": days,
        "interval_minutes": interval_minutes,
        "interval_start_s": (np.arange(k) * step + open_tod_s).tolist(),
        "mean": mean.tolist(),
        "se": se.tolist(),
        "se_poisson": np.sqrt(mean / days).tolist(),
        "dispersion": disp.tolist(),
        "calls_per_day": float(per_day.mean()),
        "calls_per_day_se": float(per_day.std(ddof=1) / math.sqrt(days))
        if days > 1
        else math.sqrt(per_day[0]),
    }
    if dates and days > 1:
        wd = pd.to_datetime(pd.Series(dates)).dt.day_of_week.to_numpy()
        overall = per_day.mean()
        factors: dict[str, dict] = {}
        for w, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
            x = per_day[wd == w]
            if len(x) == 0:
                continue
            se_w = x.std(ddof=1) / math.sqrt(len(x)) if len(x) > 1 else math.sqrt(x[0])
            factors[name] = {
                "factor": float(x.mean() / overall),
                "se": float(se_w / overall),
                "days": len(x),
            }
        out["weekday"] = factors
        out["daily_cv"] = daily_cv(per_day, wd)
    out["interval_cv"] = interval_cv(counts, dates, resamples=BOOTSTRAP)
    return out


def _fits(x: np.ndarray) -> dict[str, dict]:
    """Maximum-likelihood fits (location 0) of the three families, with log-likelihood
    and AIC, and each family's implied mean and CV."""
    res: dict[str, dict] = {}
    for name, dist, n_par in (
        ("lognormal", stats.lognorm, 2),
        ("exponential", stats.expon, 1),
        ("gamma", stats.gamma, 2),
    ):
        params = dist.fit(x, floc=0)
        ll = float(np.sum(dist.logpdf(x, *params)))
        mean, var = dist.stats(*params, moments="mv")
        res[name] = {
            "loglik": ll,
            "aic": 2 * n_par - 2 * ll,
            "params": [float(p) for p in params],
            "mean_s": float(mean),
            "cv": float(math.sqrt(var) / mean),
        }
    return res


def handling(rec: CallRecords, seed: int = 0) -> dict:
    """Handle times of answered calls (zero ones counted and set aside): the family by
    likelihood (AIC) among lognormal, exponential and gamma, and the sample mean and CV
    with percentile-bootstrap 95% intervals (``BOOTSTRAP`` resamples, fixed seed).  The
    model's family (``model_family``): lognormal when the CV's interval excludes 1 (an
    exponential cannot have that spread), else the better of lognormal and exponential
    by AIC.  ``daily_cv``: how much the day's mean moves beyond the sampling of its calls
    (:func:`.dispersion.handle_daily_cv`); ``profile``: its shape over the day
    (:func:`.dispersion.handle_profile`).

    Parameters
    ----------
    rec : CallRecords
        The centre's call records.
    seed : int
        Seed of the bootstrap.
    """
    answered = rec.calls[rec.calls["outcome"] == "answered"]
    h = answered["handle_s"].to_numpy(float)
    zero = int((h <= 0).sum())
    x = h[h > 0]
    if len(x) < 2:
        return {"n": len(x), "zero": zero, "identified": False}
    fits = _fits(x)
    best = min(fits, key=lambda f: fits[f]["aic"])
    rng = np.random.default_rng(seed)
    bm, bc = np.empty(BOOTSTRAP), np.empty(BOOTSTRAP)
    for b in range(BOOTSTRAP):
        s = x[rng.integers(0, len(x), len(x))]
        bm[b], bc[b] = s.mean(), s.std(ddof=1) / s.mean()
    mean, cv = float(x.mean()), float(x.std(ddof=1) / x.mean())
    # the queue's waits depend on the handle time's first two moments: an exponential
    # has CV 1, so a sample CV whose 95% interval excludes 1 takes the lognormal (its CV
    # free); otherwise the better of the model's two families by AIC
    cv_lo, cv_hi = float(np.percentile(bc, 2.5)), float(np.percentile(bc, 97.5))
    model_best = (
        min(("lognormal", "exponential"), key=lambda f: fits[f]["aic"])
        if cv_lo <= 1.0 <= cv_hi
        else "lognormal"
    )
    return {
        **(handle_shares(rec.calls) or {}),  # hold and ACW shares, where the export has them
        "n": len(x),
        "zero": zero,
        "identified": True,
        "fits": fits,
        "best": best,
        "model_family": model_best,
        "mean_s": mean,
        "mean_se": float(bm.std(ddof=1)),
        "mean_lo": float(np.percentile(bm, 2.5)),
        "mean_hi": float(np.percentile(bm, 97.5)),
        "cv": cv,
        "cv_se": float(bc.std(ddof=1)),
        "cv_lo": cv_lo,
        "cv_hi": cv_hi,
        # the day's mean beyond the sampling of its calls (handling.daily_cv)
        "daily_cv": handle_daily_cv(x, answered["day"].to_numpy()[h > 0], seed, BOOTSTRAP),
        # and by time of day (handling.interval_factors)
        "profile": handle_profile(
            x,
            answered["arrival_s"].to_numpy(float)[h > 0],
            60.0 * rec.interval_minutes,
            round(rec.open_s / (60.0 * rec.interval_minutes)),
        ),
    }


def patience(rec: CallRecords) -> dict:
    """Patience from censored waits: an abandoned call's wait is its patience (an event),
    an answered call's wait a lower bound (right-censored).  Exponential MLE with
    scipy.stats.expon.fit on CensoredData (SE of the mean: mean/sqrt(events), from the
    Fisher information) and the Kaplan-Meier survival curve (scipy.stats.ecdf) with
    its 95% band, at the deciles of the abandonment times.

    Parameters
    ----------
    rec : CallRecords
        The centre's call records (waits in seconds).
    """
    c = rec.calls
    w = c["wait_s"].to_numpy(float)
    event = (c["outcome"] == "abandoned").to_numpy()
    n_ev = int(event.sum())
    if n_ev == 0:
        return {"identified": False, "events": 0, "censored": int((~event).sum())}
    data = stats.CensoredData.right_censored(w, ~event)
    _, scale = stats.expon.fit(data, floc=0)
    se = scale / math.sqrt(n_ev)
    km = stats.ecdf(data).sf
    grid = np.unique(np.percentile(w[event], np.arange(10, 100, 10)))
    with warnings.catch_warnings():  # undefined at S=0 or 1: reported as NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        band = km.confidence_interval(0.95)
    med = (
        km.quantiles[np.searchsorted(-km.probabilities, -0.5)]
        if km.probabilities.min() <= 0.5
        else None
    )
    return {
        "identified": True,
        "events": n_ev,
        "censored": int((~event).sum()),
        "mean_s": float(scale),
        "mean_se": float(se),
        "mean_lo": float(scale * math.exp(-Z95 / math.sqrt(n_ev))),
        "mean_hi": float(scale * math.exp(Z95 / math.sqrt(n_ev))),
        "km_median_s": None if med is None else float(med),
        "km": {
            "t_s": grid.tolist(),
            "survival": km.evaluate(grid).tolist(),
            "lo": band.low.evaluate(grid).tolist(),
            "hi": band.high.evaluate(grid).tolist(),
        },
    }


def busy_by_interval(
    calls: pd.DataFrame, days: int, k: int, step: float
) -> tuple[np.ndarray, np.ndarray]:
    """Busy agent-seconds and distinct busy agents per (day, interval) of the answered
    calls with an agent (a call's busy span is split over the intervals it touches).

    Parameters
    ----------
    calls : pandas.DataFrame
        Calls in the canonical columns.
    days : int
        Working days covered (rows).
    k : int
        Intervals in a day (columns).
    step : float
        Length of an interval, seconds.
    """
    agent = calls["agent"]
    c = calls[(calls["outcome"] == "answered") & agent.notna() & (agent.astype(str) != "-1")]
    busy, seen = np.zeros((days, k)), np.zeros((days, k))
    if c.empty:
        return busy, seen
    start = (c["arrival_s"] + c["wait_s"]).to_numpy(float)
    end = start + c["handle_s"].to_numpy(float)
    first = np.clip((start // step).astype(int), 0, k - 1)
    last = np.clip((np.maximum(end - 1e-9, start) // step).astype(int), 0, k - 1)
    span = last - first + 1
    rep = np.repeat(np.arange(len(c)), span)
    j = np.repeat(first, span) + (np.arange(len(rep)) - np.repeat(np.cumsum(span) - span, span))
    lo, hi = np.maximum(start[rep], j * step), np.minimum(end[rep], (j + 1) * step)
    df = pd.DataFrame(
        {
            "day": c["day"].to_numpy(int)[rep],
            "j": j,
            "agent": c["agent"].astype(str).to_numpy()[rep],
            "busy": np.maximum(hi - lo, 0.0),
        }
    )
    g = df.groupby(["day", "j"])
    n, b = g["agent"].nunique(), g["busy"].sum()
    seen[n.index.get_level_values(0), n.index.get_level_values(1)] = n.to_numpy()
    busy[b.index.get_level_values(0), b.index.get_level_values(1)] = b.to_numpy()
    return busy, seen


def staffing(rec: CallRecords) -> dict:
    """Agents per interval from agent activity (answered calls with an agent id).

    ``agents``: distinct agents who were busy on a call at some time in the interval,
    mean over days (SE across days) - the agents observed working; an agent logged in
    but idle all interval is not seen, so it is a lower bound of the staffed agents.
    ``busy``: busy agent-seconds / interval length, the mean number of agents on calls
    (the offered load actually carried), a lower bound of ``agents``.

    Parameters
    ----------
    rec : CallRecords
        The centre's call records.
    """
    c = rec.calls[(rec.calls["outcome"] == "answered") & rec.calls["agent"].notna()]
    if c.empty:
        return {"identified": False}
    step = 60.0 * rec.interval_minutes
    k = round(rec.open_s / step)
    days = int(rec.calls["day"].max()) + 1
    busy_s, agents = busy_by_interval(rec.calls, days, k, step)
    busy = busy_s / step
    sd = (
        (lambda a: a.std(axis=0, ddof=1) / math.sqrt(days)) if days > 1 else (lambda a: np.zeros(k))
    )
    return {
        "identified": True,
        "agent_ids": int(c["agent"].nunique()),
        "agents": agents.mean(axis=0).tolist(),
        "agents_se": sd(agents).tolist(),
        "busy": busy.mean(axis=0).tolist(),
        "busy_se": sd(busy).tolist(),
        "agent_hours_per_day": float(agents.sum(axis=1).mean() * step / 3600.0),
        "busy_hours_per_day": float(busy.sum(axis=1).mean() * step / 3600.0),
    }


def repeat_rate(rec: CallRecords, window_days: float = 7.0) -> dict:
    """Share of calls from an identified customer followed by another call from the same
    customer within ``window_days`` (calendar days when dates are known; otherwise
    within the file's one day), with its binomial SE.

    Parameters
    ----------
    rec : CallRecords
        The centre's call records.
    window_days : float
        The repeat window, calendar days.
    """
    c = rec.calls[rec.calls["customer"].notna()]
    if c.empty:
        return {"identified": False}
    base = pd.to_datetime(c["date"]).astype("int64") / 1e9 if rec.dates else 0.0
    t = np.asarray(base + c["arrival_s"].to_numpy(), float)
    order = np.lexsort((t, c["customer"].to_numpy()))
    cust, ts = c["customer"].to_numpy()[order], t[order]
    same = cust[1:] == cust[:-1]
    gap = ts[1:] - ts[:-1]
    rep = np.append(same & (gap <= window_days * 86_400.0), False)
    n, p = len(rep), float(rep.mean())
    censored = bool(rec.dates) and window_days > len(rec.dates)
    return {
        "identified": True,
        "calls": n,
        "customers": int(pd.unique(cust).size),
        "rate": p,
        "se": math.sqrt(p * (1 - p) / n),
        "window_days": window_days,
        "note": "the last window_days of the file are right-censored"
        if rec.dates
        else "one day of data: repeats within the day only",
        "short_file": censored,
    }
