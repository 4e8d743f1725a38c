"""Mean patience from an interval report (docs/calibrate.md, "Interval reports").

Primary (ASA reported): the abandonment identity.  With exponential patience of mean
``1/theta``, callers abandon at rate ``theta`` x the number waiting, at every instant,
whatever the staffing or its changes; integrated over an interval, abandoned =
theta x the total wait of all callers (Mandelbaum & Zeltyn; Erlang A's ``P(abandon) =
theta E[W]`` is its stationary case).  The report gives the answered callers' total
wait (ASA x answered), not the abandoned callers'; that missing part alone comes from
Erlang A (M/M/n+M: the interval's offered calls, AHT and staffed agents): each
interval's abandoned calls x Erlang A's mean wait of an abandoning caller at the
candidate patience.  The patience solves
``patience = (sum ASA x answered + sum abandoned x W_ab(patience)) / sum abandoned``.

Fallback (service level only): least squares over intervals of Erlang A's abandonment
and service level against the observed (:func:`_loss`), a 1-D search on log patience.
Both: SE and 95% interval by a bootstrap over days (over intervals with one day), each
resample solved on a log grid of patience means.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from ..model.erlang import erlang_a
from .estimate import BOOTSTRAP
from .intervals import IntervalRecords

#: Patience means searched (seconds, log-spaced): the grid of the bootstrap.
PATIENCE_GRID = np.geomspace(5.0, 20_000.0, 49)
COLS = ["offered", "answered", "abandoned", "aht_s", "asa_s", "service_level", "staffed"]


def _row(a) -> np.ndarray:
    """P(abandon), answered ASA, service level, P(wait), mean wait of the abandoned
    (all callers' mean wait, Little's law, less the answered callers' share)."""
    pa = a.p_abandon
    w_ab = (a.asa_s - a.answered_wait_s * (1 - pa)) / pa if pa > 1e-12 else 0.0
    return np.array([pa, a.answered_wait_s, a.service_level, a.p_wait, max(w_ab, 0.0)])


def _figures(
    lam: float, aht: float, patience: float, staffed: float, threshold_s: float
) -> tuple[float, ...]:
    """Erlang A's P(abandon), ASA of answered calls, service level, P(wait) and mean
    wait of an abandoning caller, linear in the staffed agents between floor and
    ceiling (a fractional mean staffing).

    Parameters
    ----------
    lam : float
        Arrival rate of the interval, calls per second.
    aht : float
        Mean handle time, seconds.
    patience : float
        Mean patience of a caller, seconds.
    staffed : float
        Mean agents staffed in the interval (fractional).
    threshold_s : float
        Service-level threshold, seconds.

    Returns
    -------
    tuple of float
        P(abandon) and P(wait) and the service level as shares in [0, 1]; the two waits
        in seconds.
    """
    lo = math.floor(staffed)
    f = staffed - lo
    a = erlang_a(lam, aht, patience, lo, threshold_s)
    out = _row(a)
    if f > 1e-9:
        b = erlang_a(lam, aht, patience, lo + 1, threshold_s)
        out = (1 - f) * out + f * _row(b)
    return tuple(out)


def _loss(row: tuple, patience: float, step: float, threshold_s: float) -> float:
    """Squared standardised misfit of one interval: abandonment count (binomial sd at the
    model's rate) plus ASA (variance of a mean of ``answered`` waits E[W^2] / answered,
    with E[W^2] = 2 ASA^2 / P(wait): no wait, or an exponential-like wait of mean
    ASA / P(wait)) or service level (binomial)."""
    off, ans, ab, aht, asa, sl, staffed = row
    p, w, s, q, _ = _figures(off / step, aht, patience, staffed, threshold_s)
    var = max(off * p * (1 - p), 0.25)
    loss = (off * p - ab) ** 2 / var
    if not math.isnan(asa) and ans > 0:
        loss += (w - asa) ** 2 * ans * max(q, 1e-3) / (2 * max(w, 0.1) ** 2)
    elif not math.isnan(sl):
        loss += (s - sl) ** 2 * off / max(s * (1 - s), 0.25 / off)
    return loss


def fit(rec: IntervalRecords, aht_mean: float, threshold_s: float = 20.0, seed: int = 0) -> dict:
    """Fallback: least squares over intervals of :func:`_loss` (Erlang A's abandonment
    and ASA or service level, answered within ``threshold_s`` / offered, against the
    observed), ``minimize_scalar`` on log patience bracketed by the best grid point;
    bootstrap resamples minimised on the grid (parabolic refinement).

    Parameters
    ----------
    rec : IntervalRecords
        The centre's interval report.
    aht_mean : float
        Mean handle time, seconds (the handling estimate).
    threshold_s : float
        Service-level threshold of the report, seconds.
    seed : int
        Seed of the bootstrap.
    """
    step = 60.0 * rec.interval_minutes
    cols = COLS
    sub, _ = _usable(rec, aht_mean, "asa_s" if "asa_s" in rec.mapped else "service_level")
    events = int(sub["abandoned"].sum())
    out: dict = {"method": "Erlang A least-squares fit", "intervals": len(sub), "events": events}
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
            _grid_min(
                np.bincount(rng.integers(0, len(units), len(units)), minlength=len(units))
                @ per_unit
            )
            for _ in range(BOOTSTRAP)
        ]
    )
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


def _usable(rec: IntervalRecords, aht_mean: float, need: str):
    """Rows with offered calls, staffed agents and ``need`` reported (ASA may be absent
    where nobody was answered); a missing or zero AHT is the overall mean."""
    r = rec.rows
    has = r[need].notna() | ((r["answered"] == 0) & (need == "asa_s"))
    use = (r["offered"] > 0) & r["staffed"].notna() & has
    sub = r[use].copy()
    sub["aht_s"] = sub["aht_s"].fillna(aht_mean).where(sub["aht_s"] > 0, aht_mean)
    sub["asa_s"] = sub["asa_s"].where(sub["answered"] > 0, 0.0)
    return sub, int((~use & (r["abandoned"] > 0)).sum())


def identity(rec: IntervalRecords, aht_mean: float, seed: int = 0) -> dict:
    """Primary: the abandonment identity (module docstring), solved by ``brentq`` in
    the grid cell where ``A + B(patience) - C patience`` changes sign (A: answered
    callers' total wait, B: abandoned x Erlang A's wait of the abandoned, C:
    abandoned); the lower bound ``A / C`` (the abandoned callers' waits left out).

    Parameters
    ----------
    rec : IntervalRecords
        The centre's interval report (it maps ASA).
    aht_mean : float
        Mean handle time, seconds.
    seed : int
        Seed of the bootstrap.
    """
    step = 60.0 * rec.interval_minutes
    sub, dropped = _usable(rec, aht_mean, "asa_s")
    out: dict = {
        "method": "abandonment identity",
        "intervals": len(sub),
        "intervals_dropped_with_abandonment": dropped,
    }
    a_i = (sub["asa_s"] * sub["answered"]).to_numpy(float)
    c_i = sub["abandoned"].to_numpy(float)
    if c_i.sum() == 0:
        return {**out, "identified": False, "events": 0}
    out["events"] = int(c_i.sum())
    out["identity_lower_bound_s"] = float(a_i.sum() / c_i.sum())
    ab = sub[c_i > 0]
    rows = [tuple(float(x) for x in t) for t in ab[COLS].itertuples(index=False)]

    def w_ab(t: tuple, p: float) -> float:
        return t[2] * _figures(t[0] / step, t[3], p, t[6], 20.0)[4]  # threshold unused

    grid = np.array([[w_ab(t, p) for p in PATIENCE_GRID] for t in rows]).reshape(len(rows), -1)
    unit = sub["day"].to_numpy() if rec.days > 1 else np.arange(len(sub))
    units, inv = np.unique(unit, return_inverse=True)
    a_u, c_u = np.bincount(inv, a_i, len(units)), np.bincount(inv, c_i, len(units))
    b_u = np.zeros((len(units), len(PATIENCE_GRID)))
    np.add.at(b_u, inv[c_i > 0], grid)
    g, best = _root(a_u.sum() + b_u.sum(axis=0) - c_u.sum() * PATIENCE_GRID)
    if 0 < g < len(PATIENCE_GRID):
        a, c = a_u.sum(), c_u.sum()
        best = brentq(
            lambda p: a + sum(w_ab(t, p) for t in rows) - c * p,
            PATIENCE_GRID[g - 1],
            PATIENCE_GRID[g],
            xtol=0.01,
        )
    rng = np.random.default_rng(seed)
    boot = np.empty(BOOTSTRAP)
    for b in range(BOOTSTRAP):
        k = np.bincount(rng.integers(0, len(units), len(units)), minlength=len(units))
        boot[b] = _root(k @ a_u + k @ b_u - (k @ c_u) * PATIENCE_GRID)[1]
    return {
        **out,
        "identified": True,
        "at_bound": not 0 < g < len(PATIENCE_GRID),
        "mean_s": float(best),
        "mean_se": float(boot.std(ddof=1)),
        "mean_lo": float(np.percentile(boot, 2.5)),
        "mean_hi": float(np.percentile(boot, 97.5)),
        "bootstrap_unit": "day" if rec.days > 1 else "interval",
        "abandoned_wait_share": float(1 - a_i.sum() / (c_i.sum() * best)),
    }


def _root(h: np.ndarray) -> tuple[int, float]:
    """The first sign change (+ to -) of ``h`` on :data:`PATIENCE_GRID`: the index of
    the cell's upper point and the root, linear in log patience (a bound without one)."""
    neg = np.flatnonzero(h <= 0)
    if len(neg) == 0:
        return len(PATIENCE_GRID), float(PATIENCE_GRID[-1])
    g = int(neg[0])
    if g == 0:
        return 0, float(PATIENCE_GRID[0])
    x = np.log(PATIENCE_GRID[g - 1 : g + 1])
    f = h[g] / (h[g] - h[g - 1]) if h[g] != h[g - 1] else 0.0
    return g, float(math.exp(x[1] - f * (x[1] - x[0])))


def patience(
    rec: IntervalRecords, aht_mean: float, threshold_s: float = 20.0, seed: int = 0
) -> dict:
    """The identity when ASA is reported, else the Erlang A least-squares fit.

    Parameters
    ----------
    rec : IntervalRecords
        The centre's interval report.
    aht_mean : float
        Mean handle time, seconds.
    threshold_s : float
        Service-level threshold of the report, seconds (the fit only).
    seed : int
        Seed of the bootstrap.
    """
    if "asa_s" in rec.mapped:
        return identity(rec, aht_mean, seed)
    return fit(rec, aht_mean, threshold_s, seed)
