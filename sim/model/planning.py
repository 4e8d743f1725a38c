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
   (or C), ``erlang.agents_required``, and at least the offered load over the occupancy
   cap (``workforce.occupancy_cap``, ``occupancy_floor``);
4. adds shrinkage, computed from its parts (``shrinkage_parts``: breaks and lunch,
   coaching, training, meetings, absence, annual leave) unless ``workforce.shrinkage``
   sets the total;
5. rosters shifts of the lengths in ``workforce.shift_hours`` (full-time days and
   part-time shifts) that cover the requirement at least paid time (``roster.roster``, an
   integer programme solved by HiGHS);
6. places each shift's breaks, lunch and off-phone activity (coaching, training,
   meetings) against demand, within the WFM rules of ``workforce`` (``breaks.place_breaks``);
   where the shifts less their breaks still fall short of the requirement (grossed up
   for absence and leave) in an interval, its scheduled agents rise by the shortfall
   and steps 5-6 run again (up to ``REPAIR_ROUNDS`` times);
7. sets the headcount the team needs: one employee per rostered shift, hired for that
   shift's length (each works one shift a working day).

The first plan (``initial_plan``) rosters the configured starting headcount along the
intraday profile.  Hiring towards the plan, absence and overtime are in ``workforce.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Config
from . import planning_kernel as _pk
from .breaks import BreakRules, place_breaks, slot_s
from .erlang import agents_required
from .roster import roster
from .staffing_observed import observed_peak

#: Rounds of repair after the breaks are placed: where the rostered shifts less their
#: breaks fall short of the requirement (before absence and leave), the interval's
#: scheduled agents rise by the shortfall and the day is rostered again.
REPAIR_ROUNDS = 4

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
    brk_start: np.ndarray | None = None  # per shift: each off-phone block's start, s
    brk_len: np.ndarray | None = None  # per shift: each off-phone block's length, s
    #: employees the week's rota needs per contract length (s), when the plan is one
    #: weekday's of a week with days off (``calendar``); None: one per shift
    week_heads: dict[float, int] | None = None

    @property
    def headcount(self) -> int:
        """Employees the team needs: one per rostered shift."""
        return int(self.starts_s.shape[0])

    def by_length(self) -> dict[float, int]:
        """Employees needed per contract length (paid shift length, s): the week's rota
        when set, else one per rostered shift."""
        if self.week_heads is not None:
            return dict(self.week_heads)
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


def part_time(cfg: Config) -> tuple[float, float]:
    """The roster's part-time cap: (full-time shift length s, ``workforce.part_time_max_share``).

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    wf = cfg.workforce
    return wf.full_time_hours * 3600.0, wf.part_time_max_share


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
    required = occupancy_floor(cfg, required, offered, aht_s)
    if team == FRONT and wf.staffing == "observed":  # hire for the data's busiest day
        required = np.ceil(observed_peak(cfg) - 1e-9)
    shrink = plan_shrinkage(cfg)
    scheduled = np.ceil(required / max(1e-9, 1.0 - shrink) - 1e-9).astype(np.int64)
    p = shrinkage_parts(cfg)
    need = required / max(1e-9, 1.0 - p["absence"] - p["annual_leave"])
    for _ in range(REPAIR_ROUNDS + 1):
        r = roster(scheduled, interval_s(cfg), shift_lengths(cfg), part_time=part_time(cfg))
        plan = Plan(team, day, offered, aht_s, required, scheduled, r.starts_s, r.ends_s, r.method)
        plan = with_breaks(cfg, plan)
        on = on_phone_agents(cfg, plan.starts_s, plan.ends_s, plan.brk_start, plan.brk_len)
        short = need - on
        if short.max(initial=0.0) <= 1e-6:
            break
        scheduled = scheduled + np.ceil(np.clip(short, 0.0, None) - 1e-6).astype(np.int64)
    return plan


def occupancy_floor(
    cfg: Config, required: np.ndarray, offered: np.ndarray, aht_s: float
) -> np.ndarray:
    """Agents required per interval with the occupancy cap: at least the offered load
    over ``workforce.occupancy_cap`` (load = calls x AHT / interval length, in Erlangs),
    rounded up, so that planned occupancy never exceeds the cap.

    Parameters
    ----------
    cfg:
        The run's configuration.
    required:
        Agents the service-level target requires per interval (Erlang).
    offered:
        Forecast calls per interval.
    aht_s:
        The handle time the plan believes, s.
    """
    load = np.asarray(offered, float) * max(aht_s, 1.0) / interval_s(cfg)
    floor = np.ceil(load / cfg.workforce.occupancy_cap - 1e-9)
    return np.maximum(required, floor).astype(np.asarray(required).dtype)


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
    plan = Plan(
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
    return with_breaks(cfg, plan)


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
        r = roster(need, interval_s(cfg), shift_lengths(cfg), part_time=part_time(cfg))
        if r.starts_s.shape[0] <= headcount:
            best, lo = (need, r), peak + 1
        else:
            hi = peak - 1
    if best is None:
        return fixed_plan(cfg, team, headcount)
    need, r = best
    z = np.zeros(need.shape[0])
    # the starting staff's breaks go where the profile's demand is lowest
    target = need * (1.0 - plan_shrinkage(cfg))
    plan = Plan(team, 0, z, 0.0, z.astype(np.int64), need, r.starts_s, r.ends_s, r.method)
    return with_breaks(cfg, plan, target)


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
    out = np.zeros(n)
    times_s = np.ascontiguousarray(times_s, dtype=np.float64)
    if n > 0 and _pk.interval_counts(times_s, float(interval_s(cfg)), out):  # compiled
        return out
    idx = np.minimum((times_s // interval_s(cfg)).astype(np.int64), n - 1)
    return np.bincount(idx, minlength=n).astype(np.float64)


def _overlap(a: np.ndarray, b: np.ndarray, lo: np.ndarray, w: float) -> np.ndarray:
    """Seconds of each span [a, b) inside each interval [lo, lo + w) (rows: spans)."""
    return np.clip(np.minimum(b[:, None], lo + w) - np.maximum(a[:, None], lo), 0.0, None)


def on_phone_agents(
    cfg: Config, starts: np.ndarray, ends: np.ndarray, brk_start: np.ndarray, brk_len: np.ndarray
) -> np.ndarray:
    """Mean agents on the phones per interval from shifts and planned off-phone blocks.

    Parameters
    ----------
    cfg:
        The run's configuration.
    starts:
        Shift start of each agent, s since opening.
    ends:
        Shift end of each agent, s since opening.
    brk_start:
        Start of each agent's off-phone blocks, s since opening (one column per block,
        or one block per agent).
    brk_len:
        Their lengths, s (same shape; 0 = none).
    """
    n, w = n_intervals(cfg), interval_s(cfg)
    if starts.shape[0] == 0:
        return np.zeros(n)
    c8 = np.ascontiguousarray
    b0, bl = np.ravel(c8(brk_start, np.float64)), np.ravel(c8(brk_len, np.float64))
    if b0.shape != bl.shape:
        raise ValueError("on_phone_agents: brk_start and brk_len need the same shape")
    cover = np.empty(n)  # the shifts less the blocks, over w (compiled: ``planning_kernel``)
    a, b = c8(starts, np.float64), c8(ends, np.float64)
    _pk.on_phone(a, b, b0, bl, float(cfg.channels.open_s), float(w), cover)
    return cover


def agent_cover(
    cfg: Config, starts: np.ndarray, ends: np.ndarray, brk_start: np.ndarray, brk_len: np.ndarray
) -> np.ndarray:
    """Each agent's share of each interval on the phones (rows: agents), the rule of
    :func:`on_phone_agents` agent by agent, all agents at once: a row equals
    ``on_phone_agents`` of that agent alone, to the bit (the intraday re-forecast weighs
    each agent's cover).

    Parameters
    ----------
    cfg:
        The run's configuration.
    starts, ends:
        Shift start and end of each agent, s since opening.
    brk_start, brk_len:
        Each agent's off-phone blocks: starts and lengths, s (agents x blocks).
    """
    n, w = n_intervals(cfg), interval_s(cfg)
    lo = np.arange(n) * w
    k = starts.shape[0]
    cover = _overlap(starts, np.minimum(ends, cfg.channels.open_s), lo, w)
    b0, b1 = np.ravel(brk_start), np.ravel(brk_start + brk_len)
    cover -= _overlap(b0, b1, lo, w).reshape(k, -1, n).sum(axis=1)
    return cover / w


# ================================================================ shrinkage and breaks
#: Columns of a shift's off-phone blocks (in time order): rest break, lunch, the day's
#: off-phone activity (coaching, training, meetings), rest break.
N_BLOCKS = 4
ACTIVITY = 2
#: Shifts shorter than this get no rest break (only the day's activity block), s.
REST_MIN_SHIFT_S = 3 * 3600.0


def block_lengths(cfg: Config, length_s: float) -> np.ndarray:
    """A shift's off-phone blocks in order, s (``N_BLOCKS`` columns, 0 = none).

    Shifts of at least ``workforce.lunch_min_shift_hours``: rest break, lunch, the day's
    activity block (coaching + training + meetings shares of the shift), rest break;
    shorter ones from 3 h: rest break and activity; shorter still: the activity only.

    Parameters
    ----------
    cfg:
        The run's configuration.
    length_s:
        The paid shift length, s.
    """
    wf = cfg.workforce
    rest, lunch = wf.rest_break_minutes * 60.0, wf.lunch_minutes * 60.0
    act = (wf.coaching_share + wf.training_share + wf.meetings_share) * length_s
    if length_s >= wf.lunch_min_shift_hours * 3600.0:
        return np.array([rest, lunch, act, rest])
    if length_s >= REST_MIN_SHIFT_S:
        return np.array([rest, 0.0, act, 0.0])
    return np.array([0.0, 0.0, act, 0.0])


def shrinkage_parts(cfg: Config) -> dict[str, float]:
    """Each part of the planned shrinkage, share of paid time: ``breaks`` (rest breaks
    and lunch of a full-time day, ``block_lengths``), ``coaching``, ``training``,
    ``meetings``, ``absence`` (``workforce.absence_base``) and ``annual_leave``.

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    wf = cfg.workforce
    full = wf.full_time_hours * 3600.0
    lens = block_lengths(cfg, full)
    act = (wf.coaching_share + wf.training_share + wf.meetings_share) * full
    return {
        "breaks": float((lens.sum() - act) / full),
        "coaching": wf.coaching_share,
        "training": wf.training_share,
        "meetings": wf.meetings_share,
        "absence": wf.absence_base,
        "annual_leave": wf.annual_leave_share,
    }


def plan_shrinkage(cfg: Config) -> float:
    """The plan's total shrinkage: ``workforce.shrinkage`` when set, else from its parts,
    ``1 - (1 - absence - annual_leave) x (1 - breaks - coaching - training - meetings)``
    (days away, then the off-phone share of a day at work).

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    if cfg.workforce.shrinkage is not None:
        return float(cfg.workforce.shrinkage)
    p = shrinkage_parts(cfg)
    away = p["absence"] + p["annual_leave"]
    off = p["breaks"] + p["coaching"] + p["training"] + p["meetings"]
    return float(1.0 - max(0.0, 1.0 - away) * max(0.0, 1.0 - off))


def break_rules(cfg: Config) -> BreakRules:
    """The WFM break rules of ``workforce`` in seconds.

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    wf = cfg.workforce
    h = 3600.0
    return BreakRules(wf.break_edge_hours * h, wf.break_flex_hours * h, wf.break_min_gap_hours * h)


def with_breaks(cfg: Config, plan: Plan, target: np.ndarray | None = None) -> Plan:
    """``plan`` with each rostered shift's off-phone blocks placed against demand
    (``breaks.place_breaks``): the plan's requirement on the phones per interval (or
    ``target``), raised by the share of staff away on a day (absence, leave) because
    the breaks are placed on all rostered shifts.

    Parameters
    ----------
    cfg:
        The run's configuration.
    plan:
        The plan (its shifts are read; its break arrays set).
    target:
        Agents needed on the phones per interval (default: ``plan.required``).
    """
    w = interval_s(cfg)
    grid = slot_s(w)
    p = shrinkage_parts(cfg)
    need = plan.required if target is None else target
    need = np.asarray(need, dtype=float) / max(1e-9, 1.0 - p["absence"] - p["annual_leave"])
    per = round(w / grid)
    lens = np.array(
        [block_lengths(cfg, e - s) for s, e in zip(plan.starts_s, plan.ends_s, strict=True)]
    )
    lens = lens.reshape(plan.headcount, N_BLOCKS)
    rules = break_rules(cfg)
    plan.brk_len = lens
    plan.brk_start = place_breaks(
        np.repeat(need, per), plan.starts_s, plan.ends_s, lens, rules, grid
    )
    return plan
