"""When in the day phone calls arrive: the intraday profile of the arrival rate.

Calls of a day form a (non-homogeneous) Poisson process over the opening hours: given
their number, their times are order statistics of the profile's distribution.  The
profile is a share of the day's calls per planning interval (``demand.interval_minutes``)
with a constant rate within each interval, so the queue runs continuously across
intervals.  Profiles: ``flat``, ``two_peaks`` (morning and afternoon peaks of height
``demand.peak_ratio`` times the mean rate, Brown et al. 2005) and ``file`` (a CSV read
by :func:`sim.config.profile.read_profile`; docs/workforce.md).  A day's volume follows
the calendar (``calendar.Calendar.volume``: weekday and month) and ``busyness``, a
random factor of the day that no forecast foresees; a weekday with shorter opening hours
takes the profile cut to its window (``calendar.weekday_shares``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..config import Config
from ..config.profile import read_profile
from .calendar import Calendar, weekday_factors

#: Key of the random stream of the days' busyness factors (``SeedSequence`` spawn key,
#: beside the run's other own streams): drawing them moves no other random number.
BUSYNESS_STREAM = 13
#: Key of the random stream of each day's interval busyness factors (own stream too).
INTERVAL_STREAM = 14
#: Key of the random stream of the days' handle-time factors (own stream too).
HANDLE_STREAM = 15


def interval_starts_s(cfg: Config) -> np.ndarray:
    """Start of each planning interval, seconds since opening.

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    step = 60.0 * cfg.demand.interval_minutes
    return np.arange(round(cfg.channels.open_s / step)) * step


def interval_shares(cfg: Config) -> np.ndarray:
    """Share of the day's calls in each planning interval (sums to 1).

    ``two_peaks``: rate ``1 + a g(t)`` at the interval's midpoint, ``g`` two Gaussian
    bumps at 30% and 70% of the day (sd 10% of the day), ``a`` chosen so that the
    largest interval's rate is ``peak_ratio`` times the mean.  The stationary stream of
    ``demand.calls_per_hour`` is always flat.

    Parameters
    ----------
    cfg:
        The run's configuration. (``demand.*``: the profile, built in or a CSV)
    """
    d = cfg.demand
    n = round(cfg.channels.open_s / (60.0 * d.interval_minutes))
    if d.intraday_profile == "file" and d.calls_per_hour is None:
        assert d.profile_file is not None  # validate() requires it
        return read_profile(d.profile_file, d.interval_minutes, cfg.channels.open_s)
    if d.intraday_profile == "flat" or d.calls_per_hour is not None:
        return np.full(n, 1.0 / n)
    x = (np.arange(n) + 0.5) / n  # midpoints as a share of the day
    g = np.exp(-((x - 0.3) ** 2) / (2 * 0.1**2)) + np.exp(-((x - 0.7) ** 2) / (2 * 0.1**2))
    R = d.peak_ratio
    denom = g.max() - R * g.mean()
    a = (R - 1.0) / denom if denom > 1e-12 else 0.0
    rate = 1.0 + max(a, 0.0) * g
    return rate / rate.sum()


def weekday_factor(cfg: Config, day: int) -> float:
    """Volume multiplier of open day ``day`` for its weekday alone (no seasonality):
    ``demand.weekday_factors`` normalised to mean 1 over the open weekdays, or 1 when
    unset (``calendar.weekday_factors``; the weekday from ``calendar.Calendar``).

    Parameters
    ----------
    cfg:
        The run's configuration.
    day:
        The day (open-day index).
    """
    return float(weekday_factors(cfg)[Calendar(cfg, day + 1).weekday(day)])


def busyness(cfg: Config, day: int) -> float:
    """Random multiplier of day ``day``'s volume: the day's common busyness factor.

    Real daily volumes vary more than Poisson around their forecast (Avramidis,
    Deslauriers & L'Ecuyer 2004; Brown et al. 2005; Ibrahim et al. 2016): the rate
    itself is random, one factor shared by every interval of the day.  The factor is
    gamma with mean 1 and coefficient of variation ``demand.daily_volume_cv`` (0: none,
    the plain Poisson day), drawn from its own stream keyed by the seed and the day, so
    the plan, made from past days, cannot foresee it.

    Parameters
    ----------
    cfg:
        The run's configuration.
    day:
        The day (working day index).
    """
    return _day_factor(cfg.seed, day, cfg.demand.daily_volume_cv, BUSYNESS_STREAM)


def handle_busyness(cfg: Config, day: int) -> float:
    """Random multiplier of day ``day``'s handle times: the work every call of the day
    needs is ``handling.mean_s`` x this factor x the issue's complexity.

    A centre's mean handle time moves from day to day by more than the sampling of its
    calls explains (the call-type and agent mix, systems, the season: on the Anonymous
    Bank's February log by a CV of about 0.09; docs/calibration.md).  The factor is gamma
    with mean 1 and coefficient of variation ``handling.daily_cv`` (0: none, every day's
    calls at the same mean), from its own stream keyed by the seed and the day, so no
    other draw moves and the plan, made from past days, cannot foresee it.

    Parameters
    ----------
    cfg:
        The run's configuration.
    day:
        The day (working day index).
    """
    return _day_factor(cfg.seed, day, cfg.handling.daily_cv, HANDLE_STREAM)


def handle_profile(cfg: Config, arrival_s: np.ndarray) -> np.ndarray | None:
    """The time-of-day factor of each call's work: ``handling.interval_factors`` of the
    planning interval its arrival falls in (None when the profile is empty: the same
    handle time all day).

    A centre's handle time has a shape over the day as its volume does (the call types
    and the agents on shift differ: the Anonymous Bank's calls before 09:00 and after
    16:00 are 10-35% shorter than its late-morning ones); ``kpisim calibrate``
    estimates the factors from the log.

    Parameters
    ----------
    cfg:
        The run's configuration.
    arrival_s:
        Each call's arrival, s since opening.
    """
    f = cfg.handling.interval_factors
    if not f:
        return None
    step = 60.0 * cfg.demand.interval_minutes
    i = np.clip((np.asarray(arrival_s) // step).astype(np.int64), 0, len(f) - 1)
    return np.asarray(f, dtype=float)[i]


def _day_factor(seed: int, day: int, cv: float, stream: int) -> float:
    """A gamma factor of the day with mean 1 and coefficient of variation ``cv`` (1 when
    ``cv`` is 0), drawn from the random stream keyed by ``seed``, ``stream`` and ``day``."""
    if cv <= 0.0:
        return 1.0
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream, day)))
    shape = 1.0 / cv**2
    return float(rng.gamma(shape, 1.0 / shape))


def interval_busyness(cfg: Config, day: int, shares: np.ndarray) -> np.ndarray:
    """Day ``day``'s own intraday shape: ``shares`` times a gamma factor per interval
    (mean 1, coefficient of variation ``demand.interval_volume_cv``), renormalised.

    A day's calls per interval vary around the profile more than Poisson (Brown et al.
    2005, sec. 3: the arrival rate is itself random, interval by interval), beyond the
    day's common busyness (:func:`busyness`): the day's volume stays, its timing moves.
    The factors come from their own stream keyed by the seed and the day (no other draw
    moves); 0 returns ``shares`` unchanged.

    Parameters
    ----------
    cfg:
        The run's configuration.
    day:
        The day (working day index).
    shares:
        Share of the day's calls per interval (the weekday's profile).
    """
    cv = cfg.demand.interval_volume_cv
    if cv <= 0.0:
        return shares
    rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(INTERVAL_STREAM, day)))
    shape = 1.0 / cv**2
    noisy = shares * rng.gamma(shape, 1.0 / shape, shares.shape[0])
    total = noisy.sum()
    return noisy / total if total > 0.0 else shares


def intraday_cdf(
    cfg: Config, shares: np.ndarray | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """Inverse CDF of the intraday arrival profile: maps uniforms in [0, 1] to seconds
    since opening (piecewise linear: a constant rate within each interval).

    Parameters
    ----------
    cfg:
        The run's configuration.
    shares:
        Share of the day's calls per interval (default: ``interval_shares(cfg)``; a
        weekday's profile cut to its opening hours).
    """
    shares = interval_shares(cfg) if shares is None else shares
    grid = np.append(interval_starts_s(cfg), cfg.channels.open_s)
    cdf = np.concatenate([[0.0], np.cumsum(shares)])
    cdf /= cdf[-1]

    def inv(u: np.ndarray) -> np.ndarray:
        return np.interp(u, cdf, grid)

    return inv


def arrival_times(
    rng: np.random.Generator, k: int, profile: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Sorted arrival times (seconds) of ``k`` calls, in O(k): uniform order statistics
    from exponential spacings, mapped through the profile's inverse CDF.

    Parameters
    ----------
    rng:
        The random generator to draw from.
    k:
        Number of calls.
    profile:
        Inverse CDF of the intraday profile (``intraday_cdf``).
    """
    gaps = rng.exponential(1.0, k + 1)
    return profile(np.cumsum(gaps[:k]) / gaps.sum())
