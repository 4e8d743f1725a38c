"""When in the day phone calls arrive: the intraday profile of the arrival rate.

Calls of a day form a (non-homogeneous) Poisson process over the opening hours: given
their number, their times are order statistics of the profile's distribution.  Built-in
profiles: ``flat`` and ``two_peaks`` (morning and afternoon peaks of height
``demand.peak_ratio`` times the mean rate, Brown et al. 2005).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..config import Config

#: Resolution of the profile's piecewise-linear CDF (intervals over the opening hours).
GRID_STEPS = 480


def intraday_cdf(cfg: Config) -> Callable[[np.ndarray], np.ndarray]:
    """Inverse CDF of the intraday arrival profile: maps uniforms in [0, 1] to seconds
    since opening."""
    T = cfg.channels.open_s
    grid = np.linspace(0.0, T, GRID_STEPS + 1)
    mid = 0.5 * (grid[1:] + grid[:-1])
    if cfg.demand.intraday_profile == "flat" or cfg.demand.calls_per_hour is not None:
        rate = np.ones_like(mid)
    else:
        g = np.exp(-((mid - 0.3 * T) ** 2) / (2 * (0.1 * T) ** 2)) + np.exp(
            -((mid - 0.7 * T) ** 2) / (2 * (0.1 * T) ** 2)
        )
        R = cfg.demand.peak_ratio
        denom = g.max() - R * g.mean()
        a = (R - 1.0) / denom if denom > 1e-12 else 0.0
        rate = 1.0 + max(a, 0.0) * g
    cdf = np.concatenate([[0.0], np.cumsum(rate)])
    cdf /= cdf[-1]

    def inv(u: np.ndarray) -> np.ndarray:
        return np.interp(u, cdf, grid)

    return inv


def arrival_times(
    rng: np.random.Generator, k: int, profile: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Sorted arrival times (seconds) of ``k`` calls, in O(k): uniform order statistics
    from exponential spacings, mapped through the profile's inverse CDF."""
    gaps = rng.exponential(1.0, k + 1)
    return profile(np.cumsum(gaps[:k]) / gaps.sum())
