"""Workforce planning as a WFM team does it: forecast, Erlang requirement, shrinkage,
roster, headcount.

Each planning period a team's plan (``make_plan``)

1. forecasts the calls it will be offered per interval: the mean of the last
   ``workforce.forecast_days`` days (a typical day);
2. believes the **dashboard's measured AHT** of the team over the last period, not the
   truth — so handle-time gaming (dumps, rushed calls that come back as repeats) makes
   the plan under-staff the real workload;
3. computes the agents required on the phones per interval for the service-level target
   (``channels.service_level_target`` within ``service_level_threshold_s``) with Erlang A
   (or C), ``erlang.agents_required``;
4. adds shrinkage (``workforce.shrinkage``: breaks, training, meetings, absence);
5. rosters shifts of the lengths in ``workforce.shift_hours`` (full-time days and
   part-time shifts) that cover the requirement at least paid time (``roster.roster``, an
   integer programme solved by HiGHS);
6. sets the headcount the team needs: one employee per rostered shift, hired for that
   shift's length (each works one shift a working day).

The first plan (``initial_plan``) rosters the configured starting headcount along the
intraday profile.  Hiring towards the plan, absence and overtime are in ``workforce.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Config
from .erlang import agents_required
from .roster import roster

#: The two teams: the front line answers new calls, specialists take transfers.
FRONT, SPECIALIST = 0, 1
TEAM_NAMES = ("front", "specialist")


@dataclass
class Plan:
    """A team's staffing plan (per interval of the opening hours)."""

    team: int
    day: int  # day the plan was made
    offered: np.ndarray  # forecast calls per interval (typical day)
    aht_s: float  # the handle time the plan believed (the dashboard's AHT)
    required: np.ndarray  # agents needed on the phones per interval (Erlang)
    scheduled: np.ndarray  # agents to schedule per interval (with shrinkage)
    starts_s: np.ndarray  # rostered shifts: start, s since opening (sorted)
    ends_s: np.ndarray  # rostered shifts: end, s since opening
    method: str  # how the roster was solved

    @property
    def headcount(self) -> int:
        """Employees the team needs: one per rostered shift."""
        return int(self.starts_s.shape[0])

    def by_length(self) -> dict[float, int]:
        """Employees needed per contract length (paid shift length, s)."""
        lengths, counts = np.unique(self.ends_s - self.starts_s, return_counts=True)
        return {float(k): int(v) for k, v in zip(lengths, counts, strict=True)}


def interval_s(cfg: Config) -> float:
    """Length of a planning interval, s.

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    return cfg.demand.interval_minutes * 60.0


def n_intervals(cfg: Config) -> int:
    """Intervals in the opening hours.

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    return round(cfg.channels.open_s / interval_s(cfg))


def shift_lengths(cfg: Config) -> tuple[float, ...]:
    """Shift lengths the roster may use, s (longest first).

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    hours = sorted(set(cfg.workforce.shift_hours), reverse=True)
    return tuple(min(h * 3600.0, cfg.channels.open_s) for h in hours)


def make_plan(cfg: Config, team: int, day: int, history: np.ndarray, aht_s: float) -> Plan:
    """The team's plan from its offered-calls ``history`` (days x intervals) and the
    dashboard's AHT, s.

    Parameters
    ----------
    cfg:
        The run's configuration.
    team:
        ``FRONT`` or ``SPECIALIST``.
    day:
        The plan's first day (working day index).
    history:
        Calls offered per interval, one row per past day (days x intervals).
    aht_s:
        The dashboard's average handle time, s.
    """
    wf, ch = cfg.workforce, cfg.channels
    offered = history[-wf.forecast_days :].mean(axis=0)
    patience = cfg.customers.patience_mean_s if wf.planner == "erlang_a" else None
    required = agents_required(
        offered,
        interval_s(cfg),
        max(aht_s, 1.0),
        patience,
        ch.service_level_target,
        ch.service_level_threshold_s,
    )
    scheduled = np.ceil(required / max(1e-9, 1.0 - wf.shrinkage) - 1e-9).astype(np.int64)
    r = roster(scheduled, interval_s(cfg), shift_lengths(cfg))
    return Plan(team, day, offered, aht_s, required, scheduled, r.starts_s, r.ends_s, r.method)


def fixed_plan(cfg: Config, team: int, headcount: int) -> Plan:
    """Everyone on duty all day, paid for the opening hours (``workforce.planning=false``).

    Parameters
    ----------
    cfg:
        The run's configuration.
    team:
        ``FRONT`` or ``SPECIALIST``.
    headcount:
        Employees of the team.
    """
    n = n_intervals(cfg)
    z = np.zeros(n)
    return Plan(
        team,
        0,
        z,
        0.0,
        z.astype(np.int64),
        np.full(n, headcount),
        np.zeros(headcount),
        np.full(headcount, cfg.channels.open_s),
        "fixed",
    )


def initial_plan(cfg: Config, team: int, headcount: int, shares: np.ndarray) -> Plan:
    """Roster the starting ``headcount`` along the intraday profile ``shares``: the
    largest requirement shaped like the profile whose roster needs at most that many
    shifts (bisection on its peak).

    Parameters
    ----------
    cfg:
        The run's configuration.
    team:
        ``FRONT`` or ``SPECIALIST``.
    headcount:
        The team's starting headcount.
    shares:
        Share of the day's calls in each interval (sums to 1).
    """
    if not cfg.workforce.planning or headcount == 0:
        return fixed_plan(cfg, team, headcount)
    shape = shares / max(shares.max(), 1e-12)
    best = None
    lo, hi = 1, max(1, headcount)
    while lo <= hi:
        peak = (lo + hi) // 2
        need = np.ceil(shape * peak - 1e-9).astype(np.int64)
        r = roster(need, interval_s(cfg), shift_lengths(cfg))
        if r.starts_s.shape[0] <= headcount:
            best, lo = (need, r), peak + 1
        else:
            hi = peak - 1
    if best is None:
        return fixed_plan(cfg, team, headcount)
    need, r = best
    z = np.zeros(need.shape[0])
    return Plan(team, 0, z, 0.0, z.astype(np.int64), need, r.starts_s, r.ends_s, r.method)


def planning_days(cfg: Config, period_days: int) -> int:
    """Working days between plans.

    Parameters
    ----------
    cfg:
        The run's configuration.
    period_days:
        The pay period's length, working days (the default).
    """
    return cfg.workforce.planning_days or period_days


def interval_counts(cfg: Config, times_s: np.ndarray) -> np.ndarray:
    """Calls per interval from their join times, s (late joins count in the last).

    Parameters
    ----------
    cfg:
        The run's configuration.
    times_s:
        Join times, s since opening.
    """
    n = n_intervals(cfg)
    idx = np.minimum((times_s // interval_s(cfg)).astype(np.int64), n - 1)
    return np.bincount(idx, minlength=n).astype(np.float64)


def on_phone_agents(
    cfg: Config, starts: np.ndarray, ends: np.ndarray, brk_start: np.ndarray, brk_len: np.ndarray
) -> np.ndarray:
    """Mean agents on the phones per interval from shifts and planned breaks.

    Parameters
    ----------
    cfg:
        The run's configuration.
    starts:
        Shift start of each agent, s since opening.
    ends:
        Shift end of each agent, s since opening.
    brk_start:
        Break start of each agent, s since opening.
    brk_len:
        Break length of each agent, s.
    """
    n, w = n_intervals(cfg), interval_s(cfg)
    lo = np.arange(n) * w
    hi = lo + w

    def overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.clip(np.minimum(b[:, None], hi) - np.maximum(a[:, None], lo), 0.0, None)

    if starts.shape[0] == 0:
        return np.zeros(n)
    cover = overlap(starts, np.minimum(ends, cfg.channels.open_s))
    cover -= overlap(brk_start, brk_start + brk_len)
    return cover.sum(axis=0) / w
