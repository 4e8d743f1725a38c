"""The intraday re-forecast: overtime when the day runs above plan, voluntary time off
(VTO) when it runs below.

A WFM team watches the day as it goes.  At each check (every
``workforce.intraday.check_minutes`` from the opening) it compares the calls offered to
the front line so far with the plan's forecast so far (ratio ``r``) and re-forecasts the
rest of the day: each later interval's forecast times ``r``, handled at the dashboard's
measured AHT since the last plan (the plan's AHT until the first call is measured).  The
re-forecast's requirement per interval is the plan's rule (``erlang.agents_required`` for
the service-level target, at least the load over the occupancy cap,
``planning.occupancy_floor``).  The day's *workload ratio* is the required agent-time
of the rest of the day over the agent-time on the phones now scheduled for it:

* above ``1 + above``: overtime, the existing mechanism of ``workforce.attendance``
  (agents whose shift ends before closing stay ``workforce.overtime_hours`` longer, at
  most ``workforce.overtime_max_share`` of the team today), the earliest leavers first,
  while some later interval is short of the requirement; paid at the overtime premium;
* below ``1 - below`` (and ``vto`` on): agents go home for the rest of their shift,
  the ones with the most time left first, each only if every later interval keeps its
  requirement without them — the re-forecast's when the calls run below the forecast by
  more than ``below``, else the larger of it and the plan's (on a day of ordinary volume
  only the agents beyond the plan go: spare staff when the plan needs fewer people than
  are seated, fewer absences than planned); their unworked paid time is booked as
  ``vto_s`` and is not paid (VTO is unpaid).

The specialists' team is re-forecast with the same ``r`` (transfers follow the front
line's calls).  A check sees only the calls that have arrived by then; the arrival times
are drawn before the queue runs and do not depend on staffing, so deciding on them
before running the queue is the same as deciding during the day.  No random number is
drawn here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from . import erlang
from . import requirement_kernel as rk
from .erlang import HINT_MIN_TARGET, agents_required
from .intraday_kernel import VTO, team_day
from .planning import FRONT, N_BLOCKS, interval_s, n_intervals, occupancy_floor

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .ledgers import DayRecord
    from .planning import Plan
    from .workforce import Duty


def forecast_to(plan_offered: np.ndarray, t_s: np.ndarray, w_s: float) -> np.ndarray:
    """Calls the plan forecast to arrive before each time of ``t_s`` (s since opening),
    uniform within each interval of ``w_s`` seconds.

    Parameters
    ----------
    plan_offered:
        The plan's forecast calls per interval.
    t_s:
        The checks' times, s since opening.
    w_s:
        Interval length, s.
    """
    edges = np.arange(plan_offered.shape[0]) * w_s
    part = np.clip((np.asarray(t_s, float)[:, None] - edges) / w_s, 0.0, 1.0)
    return (plan_offered * part).sum(axis=1)


@lru_cache(maxsize=256)
def check_times(step_s: float, open_s: float) -> np.ndarray:
    """The checks' times, s since opening: every ``step_s`` from one step in, before
    closing (``open_s``).

    Parameters
    ----------
    step_s:
        Time between checks, s.
    open_s:
        Opening hours, s.
    """
    out = []
    t = step_s
    while t < open_s - 1e-6:
        out.append(t)
        t += step_s
    times = np.array(out, dtype=float)
    times.flags.writeable = False
    return times


@lru_cache(maxsize=65_536)
def _agents(
    calls: int, aht_s: int, patience: float | None, target: float, thr: float, w: float
) -> int:
    """Agents the service-level target needs for ``calls`` in an interval (cached: the
    re-forecast asks the same questions day after day).

    Parameters
    ----------
    calls:
        Calls in the interval (whole calls).
    aht_s:
        Handle time, whole seconds.
    patience:
        Mean patience, s (Erlang A); None: Erlang C.
    target:
        Service-level target, share.
    thr:
        Answer-time threshold of the service level, s.
    w:
        Interval length, s.
    """
    return int(agents_required(np.array([float(calls)]), w, float(aht_s), patience, target, thr)[0])


#: The Erlang answers so far per queue (handle time, patience, target, threshold,
#: interval): the agents each count of calls needs, -1 where not asked yet (the counts
#: asked about and their answers, read and written for a whole day's checks at once by
#: ``requirement_kernel.day_requirement``).
_TABLE: dict[tuple, np.ndarray] = {}
#: Most answers kept over all queues (then forgotten at once).
_KNOWN_MAX = 200_000
#: Answers kept over all queues.
_KNOWN_SIZE = [0]


def _one_by_one(calls: list[np.ndarray], ahts: list[int], args: tuple) -> list[np.ndarray]:
    """Each team's agents per check and interval, every question searched (``_agents``)
    in the order of the day's checks: for a target below ``erlang.HINT_MIN_TARGET`` (a
    service level within rounding of 0 is not monotone to the last bit, so no answer is
    inferred from its neighbours) or outside [0, 1) (the search says why).

    Parameters
    ----------
    calls:
        Each team's calls per check and interval (whole calls).
    ahts:
        Each team's handle time, whole seconds.
    args:
        Patience (or None), target, threshold and interval length (``_agents``).
    """
    reqs = [np.zeros(c.shape, dtype=np.int64) for c in calls]
    for row in np.flatnonzero(np.any([(c > 0).any(axis=1) for c in calls], axis=0)).tolist():
        for aht, c, req in zip(ahts, calls, reqs, strict=True):
            for i in np.flatnonzero(c[row] > 0).tolist():
                req[row, i] = _agents(int(c[row, i]), aht, *args)
    return reqs


def _known(calls: list[np.ndarray], ahts: list[int], args: tuple, occupancy_cap: float):
    """Each team's requirement per check and interval in one compiled pass
    (``requirement_kernel.day_requirement``): the answers kept per queue (``_TABLE``), an
    answer between two asked counts of calls that needed the same agents inferred from
    them, else the staffing search (its starting gap ``erlang._GAP`` read and kept); the
    occupancy cap applied.  Returns the requirement (teams x checks x intervals).

    Parameters
    ----------
    calls:
        Each team's calls per check and interval (whole calls).
    ahts:
        Each team's handle time, whole seconds.
    args:
        Patience (or None), target, threshold and interval length (``_agents``).
    occupancy_cap:
        ``workforce.occupancy_cap``.
    """
    patience, target, thr, w = args
    keys = [(aht, *args) for aht in ahts]
    queues = list(dict.fromkeys(keys))
    stacked = np.stack(calls)
    size = max([0] + [_TABLE[key].shape[0] for key in queues if key in _TABLE])
    top = int(stacked.max(initial=0))
    if size <= top:
        size = max(2 * top + 1, 64)
    tables = np.full((len(queues), size), -1, dtype=np.int64)
    for u, key in enumerate(queues):
        if key in _TABLE:
            tables[u, : _TABLE[key].shape[0]] = _TABLE[key]
    gap_keys = [(float(key[0]), patience, target, thr) for key in queues]
    gap_has = np.array([key in erlang._GAP for key in gap_keys], dtype=np.bool_)
    gap = np.array([erlang._GAP.get(key, 0) for key in gap_keys], dtype=np.int64)
    state = np.zeros(rk.STATE_LEN, dtype=np.int64)
    state[[rk.KNOWN, rk.KNOWN_MAX, rk.GAPS, rk.GAPS_MAX]] = (
        _KNOWN_SIZE[0],
        _KNOWN_MAX,
        len(erlang._GAP),
        erlang.GAP_MAX,
    )
    state[[rk.FAIL_T, rk.FAIL_C, rk.FAIL_I]] = -1
    need = np.empty(stacked.shape)
    rk.day_requirement(
        stacked,
        np.array([queues.index(key) for key in keys], dtype=np.int64),
        np.array([float(key[0]) for key in queues]),
        tables,
        float(patience) if patience is not None else 0.0,
        patience is not None,
        np.array([target, thr, w, occupancy_cap, erlang.DEFAULT_MAX_AGENTS], dtype=float),
        gap,
        gap_has,
        state,
        need,
    )
    if state[rk.KNOWN_CLEARED]:
        _TABLE.clear()
    for u, key in enumerate(queues):
        _TABLE[key] = tables[u]
    _KNOWN_SIZE[0] = int(state[rk.KNOWN])
    if state[rk.GAPS_CLEARED]:
        erlang._GAP.clear()
    for u, key in enumerate(gap_keys):
        if gap_has[u]:
            erlang._GAP[key] = int(gap[u])
    if state[rk.FAIL_T] >= 0:  # the search's error, as it words it
        t, c, i = state[[rk.FAIL_T, rk.FAIL_C, rk.FAIL_I]].tolist()
        _agents(int(calls[t][c, i]), ahts[t], *args)
        raise AssertionError("the compiled search failed where the search does not")
    return need


def requirement(
    model: ContactCentreModel, offered: list[np.ndarray], aht_s: list[float], where: np.ndarray
) -> list[np.ndarray]:
    """Agents needed on the phones per check and interval for each team's re-forecast
    calls ``offered`` at its ``aht_s``: the plan's rule (service-level target by Erlang A
    or C, the occupancy cap).  The calls are rounded up to whole calls and the AHT to
    whole seconds (the re-forecast's precision, and what lets the Erlang answers be
    reused).  Questions not answered before are asked in the order of the day's checks
    (check by check, team by team, interval by interval), as the checks would ask them;
    a count of calls between the nearest two asked (same queue) that needed the same
    agents needs as many (the requirement never falls as the calls rise, the service
    level falling with the arrival rate), not below a target of ``erlang.HINT_MIN_TARGET``
    (a service level within rounding of 0 is not monotone to the last bit).

    Parameters
    ----------
    model:
        The centre (read: configuration).
    offered:
        Each team's calls per check and interval (checks x intervals).
    aht_s:
        Each team's handle time, s.
    where:
        The intervals to staff (bool per check and interval): the others need 0 (a
        check staffs only the intervals still to come, so the past ones are not solved).
    """
    cfg = model.cfg
    ch = cfg.channels
    patience = cfg.customers.patience_mean_s if cfg.workforce.planner == "erlang_a" else None
    args = (patience, ch.service_level_target, ch.service_level_threshold_s, interval_s(cfg))
    ahts = [max(round(a), 1) for a in aht_s]
    calls = [
        np.where(where, np.ceil(np.asarray(o, float) - 1e-9).astype(np.int64), 0) for o in offered
    ]
    if not HINT_MIN_TARGET <= ch.service_level_target < 1.0:
        return [
            occupancy_floor(cfg, req, c, float(aht)).astype(float)
            for aht, c, req in zip(ahts, calls, _one_by_one(calls, ahts, args), strict=True)
        ]
    return list(_known(calls, ahts, args, cfg.workforce.occupancy_cap))


def recent_aht(model: ContactCentreModel, team: int) -> float:
    """The dashboard's AHT of ``team`` since the last plan, s (the plan's until a call is
    measured; ``handling.mean_s`` when the plan has none).

    Parameters
    ----------
    model:
        The centre (read: ``plan_aht``, ``plans``).
    team:
        ``FRONT`` or ``SPECIALIST``.
    """
    handle_s, legs = model.plan_aht[team]
    if legs > 0:
        return float(handle_s / legs)
    plan_aht = model.plans[team].aht_s
    return float(plan_aht) if plan_aht > 0 else float(model.cfg.handling.mean_s)


def check_team(
    model: ContactCentreModel,
    duty: Duty,
    plan: Plan,
    times: np.ndarray,
    ratios: np.ndarray,
    active: np.ndarray,
    need: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The day's checks of one team at ``times``: each re-forecasts the rest of the day at
    its ratio x the plan's forecast and the recent AHT (``need``), then overtime or VTO
    (module docstring; compiled, ``intraday_kernel.team_day``).  Returns per check what
    it booked (``intraday_kernel.NONE``, ``VTO`` or ``OVERTIME``) and how much, s.

    Parameters
    ----------
    model:
        The centre (read: configuration).
    duty:
        The team's duty today (shift ends and off-phone blocks changed in place).
    plan:
        The team's plan.
    times:
        The checks' times, s since opening.
    ratios:
        Each check's calls so far over the forecast so far.
    active:
        Whether each check runs (a forecast so far above 0).
    need:
        Each check's re-forecast requirement per interval (``requirement``).
    """
    cfg = model.cfg
    wf, iv = cfg.workforce, cfg.workforce.intraday
    k = duty.start.shape[0]
    has_rest = duty.rest_start is not None and duty.rest_len is not None
    rest_start = duty.rest_start if has_rest else np.zeros((k, N_BLOCKS))
    rest_len = duty.rest_len if has_rest else np.zeros((k, N_BLOCKS))
    limits = np.array([1.0 - iv.below, 1.0 + iv.above, wf.overtime_hours * 3600.0])
    kind = np.zeros(times.shape[0], dtype=np.int64)
    add = np.zeros(times.shape[0])
    team_day(
        duty.start,
        duty.end,
        duty.brk_start,
        duty.brk_len,
        rest_start,
        rest_len,
        has_rest,
        times,
        ratios,
        active,
        need,
        np.asarray(plan.required, dtype=float),
        float(cfg.channels.open_s),
        interval_s(cfg),
        limits,
        bool(iv.vto),
        wf.overtime_hours > 0,
        int(wf.overtime_max_share * k),
        kind,
        add,
    )
    return kind, add


def adjust(
    model: ContactCentreModel, arrival_s: np.ndarray, duties: list[Duty], row: DayRecord
) -> None:
    """Run the day's checks (``workforce.intraday``) on both teams' duties, in time order
    (not the front line's under ``workforce.staffing=observed``: the data's staffing
    already holds the centre's own intraday decisions).  The teams' checks do not depend
    on each other (the ratio is the front line's calls), so each team's run in one
    compiled pass; what they book is added to ``row`` check by check, front line first.

    Parameters
    ----------
    model:
        The centre (read: configuration, plans, the dashboard's AHT).
    arrival_s:
        Join times of the day's calls to the front line, s since opening (sorted).
    duties:
        Each team's duty today, front line first (changed in place).
    row:
        Today's record (``overtime_s``, ``intraday_overtime_s`` and ``vto_s`` booked).
    """
    cfg = model.cfg
    iv = cfg.workforce.intraday
    row["vto_s"] = row.get("vto_s", 0.0)
    row["intraday_overtime_s"] = row.get("intraday_overtime_s", 0.0)
    if not iv.enabled or not cfg.workforce.planning:
        return
    front = model.plans[FRONT]
    if front.offered.sum() <= 0:  # no forecast yet (the starting plan)
        return
    n, w = n_intervals(cfg), interval_s(cfg)
    times = check_times(iv.check_minutes * 60.0, float(cfg.channels.open_s))
    teams = [
        team
        for team, duty in enumerate(duties)
        if not (team == FRONT and cfg.workforce.staffing == "observed")  # kept exactly
        and model.plans[team].offered.sum() > 0
        and duty.start.shape[0] > 0
        and model.plans[team].offered.shape[0] == n
    ]
    if not teams or times.shape[0] == 0:
        return
    expected = forecast_to(front.offered, times, w)
    active = expected > 0
    ratios = np.zeros(times.shape[0])
    ratios[active] = np.searchsorted(arrival_s, times[active]) / expected[active]
    where = (np.arange(n) * w >= times[:, None] - 1e-6) & active[:, None]
    plans = [model.plans[team] for team in teams]
    offered = [p.offered * ratios[:, None] for p in plans]
    needs = requirement(model, offered, [recent_aht(model, team) for team in teams], where)
    done = [
        check_team(model, duties[team], plan, times, ratios, active, need)
        for team, plan, need in zip(teams, plans, needs, strict=True)
    ]
    kinds = np.stack([kind for kind, _ in done], axis=1)
    booked_s = np.stack([add for _, add in done], axis=1)
    # what the checks booked, check by check, front line first (a check that booked 0 s
    # adds +0 to a total that is never -0: skipped)
    for c, j in zip(*np.nonzero(booked_s), strict=True):
        booked = float(booked_s[c, j])
        if kinds[c, j] == VTO:
            row["vto_s"] = row.get("vto_s", 0.0) + booked
        else:
            row["overtime_s"] = row.get("overtime_s", 0.0) + booked
            row["intraday_overtime_s"] = row.get("intraday_overtime_s", 0.0) + booked
