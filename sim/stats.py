"""Confidence intervals of means over replications: the one home of kpisim's t-intervals.

Used by ``kpisim compare`` (paired differences between the arms, error bars of its
figures) and by the studies in ``experiments/`` (mean and interval per grid point).
Replications are independent runs (different seeds), so a Student t-interval on their
values is the interval of the mean; non-finite values (a metric a run could not compute)
are left out.
"""

from __future__ import annotations

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
