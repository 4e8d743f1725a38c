"""The one home of kpisim's statistics: intervals and what may be claimed from them.

Confidence intervals of means over replications: used by ``kpisim compare`` (paired
differences between the arms, error bars of its figures) and by the studies in
``experiments/`` (mean and interval per grid point).  Replications are independent runs
(different seeds), so a Student t-interval on their values is the interval of the mean;
non-finite values (a metric a run could not compute) are left out.

Shares get intervals that stay in [0, 1]: Wilson for counts (:func:`wilson`), a logit
t-interval for a mean of per-run rates (:func:`share_mean_ci`).  Whether a robust verdict
may name the parameters that drive it is decided here only (:func:`drivers`: enough
worlds for PRCC, Holm-corrected significance, :func:`holm`).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


def t_half_width(sd: float, n: int, level: float = 0.95) -> float:
    """Half-width of the ``level`` t-interval of a mean of ``n`` values with standard
    deviation ``sd`` (``ddof=1``), in the values' unit; ``n`` must be at least 2.

    Parameters
    ----------
    sd : float
        Sample standard deviation of the values.
    n : int
        Number of values (at least 2).
    level : float
        Confidence level, a share in (0, 1).
    """
    return float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)


def mean_ci(
    values: Sequence[float] | np.ndarray | pd.Series, level: float = 0.95
) -> tuple[float, float]:
    """Mean of the finite values and the half-width of its ``level`` t-interval.

    Both are NaN without values; the half-width is NaN for a single value.

    Parameters
    ----------
    values : sequence of float
        One value per replication; NaN and infinite values are dropped.
    level : float
        Confidence level, a share in (0, 1).
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return float("nan"), float("nan")
    if len(v) < 2:
        return float(v.mean()), float("nan")
    return float(v.mean()), t_half_width(float(v.std(ddof=1)), len(v), level)


#: keys of :func:`paired_ci`'s result besides ``n``
PAIRED_KEYS = (
    "current_mean",
    "proposal_mean",
    "difference",
    "ci_low",
    "ci_high",
    "current_sd",
    "proposal_sd",
    "difference_sd",
)


def paired_ci(current: np.ndarray, proposal: np.ndarray, level: float = 0.95) -> dict[str, float]:
    """Paired difference ``proposal - current`` with a t-interval.

    Pairs with a missing value in either arm are dropped.  Returns the means, the mean
    difference, its interval, the standard deviations and ``n`` (pairs used).

    Parameters
    ----------
    current, proposal : numpy.ndarray
        One value per replication of each arm, paired by position (same seed).
    level : float
        Confidence level, a share in (0, 1).
    """
    c = np.asarray(current, dtype=float)
    p = np.asarray(proposal, dtype=float)
    ok = np.isfinite(c) & np.isfinite(p)
    c, p = c[ok], p[ok]
    n = int(ok.sum())
    nan = float("nan")
    if n == 0:
        return {**dict.fromkeys(PAIRED_KEYS, nan), "n": 0}
    d = p - c
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if n > 1 else nan
    if n > 1:
        half = t_half_width(sd, n, level)
        lo, hi = mean - half, mean + half
    else:
        lo = hi = nan
    return dict(
        current_mean=float(c.mean()),
        proposal_mean=float(p.mean()),
        difference=mean,
        ci_low=lo,
        ci_high=hi,
        current_sd=float(c.std(ddof=1)) if n > 1 else nan,
        proposal_sd=float(p.std(ddof=1)) if n > 1 else nan,
        difference_sd=sd,
        n=n,
    )


# --------------------------------------------------------------------------- shares
def wilson(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a share ``k / n``: always inside [0, 1], and honest for
    small ``n`` and for shares near 0 or 1 (where the normal interval leaves [0, 1]).

    Parameters
    ----------
    k : float
        Successes (e.g. worlds the proposal wins), 0 <= k <= n.
    n : float
        Trials; NaN bounds when 0.
    level : float
        Confidence level, a share in (0, 1).
    """
    if not n > 0:
        return float("nan"), float("nan")
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = k / n
    den = 1.0 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    # at k = 0 (k = n) the bound is exactly 0 (1); rounding must not move it inside
    lo = 0.0 if k <= 0 else max(0.0, mid - half)
    hi = 1.0 if k >= n else min(1.0, mid + half)
    return lo, hi


def share_mean_ci(
    values: Sequence[float] | np.ndarray | pd.Series, level: float = 0.95
) -> tuple[float, float, float]:
    """Mean of per-replication shares and a ``level`` interval that stays in [0, 1].

    The t-interval of the mean is built on the logit scale (delta method: standard error
    of the mean divided by ``m (1 - m)``) and mapped back, so it is asymmetric near 0 and
    1 and never leaves the unit interval; replications hold rates of different runs, not
    pooled counts, so a Wilson interval (which needs counts) does not apply.  At a mean
    of exactly 0 or 1 (every run the same extreme) the interval is that point.

    Parameters
    ----------
    values : sequence of float
        One share (in [0, 1]) per replication; NaN and infinite values are dropped.
    level : float
        Confidence level, a share in (0, 1).

    Returns
    -------
    tuple of float
        ``(mean, low, high)``; NaN bounds with fewer than two values.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    nan = float("nan")
    if len(v) == 0:
        return nan, nan, nan
    m = float(v.mean())
    if len(v) < 2:
        return m, nan, nan
    if m <= 0.0 or m >= 1.0:
        return m, min(max(m, 0.0), 1.0), min(max(m, 0.0), 1.0)
    half = t_half_width(float(v.std(ddof=1)), len(v), level) / (m * (1.0 - m))
    lg = math.log(m / (1.0 - m))
    return m, 1.0 / (1.0 + math.exp(-(lg - half))), 1.0 / (1.0 + math.exp(-(lg + half)))


# --------------------------------------------------------------------------- drivers
def holm(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values (step-down Bonferroni; family-wise error control without
    any assumption on how the tests depend on each other).  NaN p-values stay NaN and do
    not count as tests.

    Parameters
    ----------
    pvalues : sequence of float
        One p-value per hypothesis tested.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adj, 1.0)
    return out


#: Residual degrees of freedom PRCC needs beyond the parameters (worlds - parameters - 1)
#: before its drivers are named: with fewer, the regression on the other parameters eats
#: the worlds and a partial correlation is noise (at 10 residual degrees of freedom the
#: 5 % critical |r| is 0.58, already a large effect).
MIN_RESIDUAL_DF = 10
#: Family-wise error rate of the driver tests (Holm-corrected across all parameters).
DRIVER_ALPHA = 0.05


def min_worlds_for_drivers(n_params: int) -> int:
    """Fewest robust worlds for which drivers can be named: ``n_params + 1 +``
    :data:`MIN_RESIDUAL_DF`.

    Parameters
    ----------
    n_params : int
        Uncertain parameters sampled.
    """
    return int(n_params) + 1 + MIN_RESIDUAL_DF


def partial_corr_p(r: float, n: int, n_controls: int) -> float:
    """Two-sided p-value of a partial correlation ``r`` of ``n`` points with
    ``n_controls`` variables held fixed: ``t = r sqrt(df / (1 - r^2))`` on
    ``df = n - 2 - n_controls`` degrees of freedom (NaN when ``df < 1``).

    Parameters
    ----------
    r : float
        The partial (rank) correlation.
    n : int
        Points (robust worlds).
    n_controls : int
        Variables partialled out.
    """
    df = n - 2 - n_controls
    if df < 1 or not math.isfinite(r):
        return float("nan")
    if abs(r) >= 1.0:
        return 0.0
    t = r * math.sqrt(df / (1.0 - r * r))
    return float(2.0 * stats.t.sf(abs(t), df))


#: Up to this many points a rank correlation's p-value is exact (every permutation: 9! =
#: 362,880); beyond, the t-approximation scipy uses, which is poor for few points (it
#: gives p = 0 for a perfect rank correlation of 4 points, whose exact p is 1/12).
MAX_EXACT_N = 9


@functools.lru_cache(maxsize=MAX_EXACT_N)
def _spearman_null(n: int) -> np.ndarray:
    """Spearman's rho of every permutation of ``n`` ranks (the exact null distribution
    without ties)."""
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    d2 = ((perms - np.arange(n)) ** 2).sum(axis=1)
    return 1.0 - 6.0 * d2 / (n * (n * n - 1))


def spearman_p(rho: float, n: int) -> float:
    """Two-sided p-value of a Spearman rank correlation ``rho`` of ``n`` points: exact
    (permutations) up to :data:`MAX_EXACT_N` points, else scipy's t-approximation
    (:func:`partial_corr_p` without controls).  NaN below 3 points.

    Parameters
    ----------
    rho : float
        The rank correlation.
    n : int
        Points (robust worlds).
    """
    if n < 3 or not math.isfinite(rho):
        return float("nan")
    if n <= MAX_EXACT_N:
        null = _spearman_null(n)
        return float(np.mean(np.abs(null) >= abs(rho) - 1e-12))
    return partial_corr_p(rho, n, 0)


def drivers(sens: pd.DataFrame, n_worlds: int, n_params: int) -> tuple[pd.DataFrame, str]:
    """The one rule for naming what drives a robust verdict.

    A parameter is named only when there are enough worlds for PRCC
    (:func:`min_worlds_for_drivers`) and its PRCC is significant after a Holm correction
    across every parameter tested (``prcc_p_holm`` < :data:`DRIVER_ALPHA`).  Otherwise
    none is named and the reason is returned, in plain words.

    Parameters
    ----------
    sens : pandas.DataFrame
        A sensitivity table (``parameter``, ``prcc``, ``prcc_p_holm``), sorted by |PRCC|.
    n_worlds : int
        Robust worlds behind it.
    n_params : int
        Uncertain parameters sampled.

    Returns
    -------
    tuple
        The named rows of ``sens`` (possibly none) and a sentence saying why none is named
        (``""`` when some are).
    """
    none = sens.head(0)
    need = min_worlds_for_drivers(n_params)
    if n_worlds < need:
        return none, (
            f"too few worlds to rank drivers ({n_worlds} worlds for {n_params} uncertain "
            f"parameters) — use robust ≥ {need}"
        )
    if "prcc_p_holm" not in sens or not sens["prcc_p_holm"].notna().any():
        return none, "no parameter's value could be related to the difference"
    named = sens[sens["prcc_p_holm"] < DRIVER_ALPHA]
    if named.empty:
        return none, (
            f"no parameter is significant at {DRIVER_ALPHA:.0%} after a Holm correction "
            f"for the {n_params} parameters tested"
        )
    return named, ""
