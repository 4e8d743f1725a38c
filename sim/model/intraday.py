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

from bisect import bisect_left
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from .erlang import HINT_MIN_TARGET, agents_required
from .planning import FRONT, agent_cover, interval_s, n_intervals, occupancy_floor

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .ledgers import DayRecord
    from .planning import Plan
    from .workforce import Duty


def forecast_to(plan_offered: np.ndarray, t_s: float, w_s: float) -> float:
    """Calls the plan forecast to arrive before ``t_s`` (s since opening), uniform within
    each interval of ``w_s`` seconds.

    Parameters
    ----------
    plan_offered:
        The plan's forecast calls per interval.
    t_s:
        The check's time, s since opening.
    w_s:
        Interval length, s.
    """
    edges = np.arange(plan_offered.shape[0]) * w_s
    part = np.clip((t_s - edges) / w_s, 0.0, 1.0)
    return float((plan_offered * part).sum())


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


#: The answers of ``_agents`` so far per queue (handle time, patience, target, threshold,
#: interval): the calls asked about, sorted, and the agents each needs.
_KNOWN: dict[tuple, tuple[list[int], dict[int, int]]] = {}
#: Most answers kept over all queues (then forgotten at once).
_KNOWN_MAX = 200_000
_KNOWN_SIZE = [0]


def _agents_known(
    calls: int, aht_s: int, patience: float | None, target: float, thr: float, w: float
) -> int:
    """``_agents``, answered without a search when the nearest calls asked about below and
    above ``calls`` (same queue) needed the same agents: the requirement never falls as
    the calls rise (the service level falls with the arrival rate), so ``calls`` needs
    as many.  Not below a target of ``erlang.HINT_MIN_TARGET`` (a service level within
    rounding of 0 is not monotone to the last bit).

    Parameters
    ----------
    calls:
        Calls in the interval (whole calls, > 0).
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
    if target < HINT_MIN_TARGET:
        return _agents(calls, aht_s, patience, target, thr, w)
    key = (aht_s, patience, target, thr, w)
    asked, answer = _KNOWN.setdefault(key, ([], {}))
    n = answer.get(calls)
    if n is not None:
        return n
    at = bisect_left(asked, calls)
    if 0 < at < len(asked) and answer[asked[at - 1]] == answer[asked[at]]:
        n = answer[asked[at]]
    else:
        n = _agents(calls, aht_s, patience, target, thr, w)
    if _KNOWN_SIZE[0] >= _KNOWN_MAX:
        _KNOWN.clear()
        _KNOWN_SIZE[0] = 0
        asked, answer = _KNOWN.setdefault(key, ([], {}))
    asked.insert(bisect_left(asked, calls), calls)
    answer[calls] = n
    _KNOWN_SIZE[0] += 1
    return n


def requirement(
    model: ContactCentreModel, offered: np.ndarray, aht_s: float, where: np.ndarray | None = None
) -> np.ndarray:
    """Agents needed on the phones per interval for ``offered`` calls at ``aht_s``: the
    plan's rule (service-level target by Erlang A or C, the occupancy cap).  The calls are
    rounded up to whole calls and the AHT to whole seconds (the re-forecast's precision,
    and what lets the Erlang answers be reused).

    Parameters
    ----------
    model:
        The centre (read: configuration).
    offered:
        Calls per interval.
    aht_s:
        Handle time, s.
    where:
        The intervals to staff (bool per interval; default all): the others need 0 (a
        check staffs only the intervals still to come, so the past ones are not solved).
    """
    cfg = model.cfg
    ch = cfg.channels
    patience = cfg.customers.patience_mean_s if cfg.workforce.planner == "erlang_a" else None
    aht = max(round(aht_s), 1)
    calls = np.ceil(np.asarray(offered, float) - 1e-9).astype(np.int64)
    if where is not None:
        calls = np.where(where, calls, 0)
    args = (patience, ch.service_level_target, ch.service_level_threshold_s, interval_s(cfg))
    req = np.array([_agents_known(c, aht, *args) if c > 0 else 0 for c in calls.tolist()])
    return occupancy_floor(cfg, req, calls, float(aht)).astype(float)


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


def _cover(model: ContactCentreModel, duty: Duty, idx: np.ndarray) -> np.ndarray:
    """Agents ``idx`` of ``duty`` on the phones per interval (rows: agents)."""
    st, ln = duty.blocks()
    return agent_cover(model.cfg, duty.start[idx], duty.end[idx], st[idx], ln[idx])


@njit(cache=True)
def _release(on: np.ndarray, cover: np.ndarray, order: np.ndarray, floor: np.ndarray):
    """Which agents go home, in ``order``: each whose cover (a row of ``cover``) leaves
    ``on`` at or above ``floor`` in every interval; ``on`` is reduced by each one that
    goes (in place).  Returns a bool per position of ``order``."""
    go = np.zeros(order.shape[0], dtype=np.bool_)
    n = on.shape[0]
    for p in range(order.shape[0]):
        j = order[p]
        fits = True
        for i in range(n):
            if not (on[i] - cover[j, i] >= floor[i]):
                fits = False
                break
        if fits:
            for i in range(n):
                on[i] -= cover[j, i]
            go[p] = True
    return go


def _cut(start: np.ndarray, length: np.ndarray, leave: np.ndarray) -> np.ndarray:
    """Off-phone blocks' lengths cut at ``leave`` (broadcast against them): a block after
    it goes (0), the one under way ends then."""
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(np.clip(np.minimum(start + length, leave) - start, 0.0, None))


def _send_home(duty: Duty, idx: np.ndarray, t_s: float) -> np.ndarray:
    """Agents ``idx`` of ``duty`` (distinct) leave at ``t_s`` (or never come, when the
    shift starts later): their shifts end then and their off-phone blocks are cut there.
    Returns the paid seconds each does not work."""
    leave = np.maximum(t_s, duty.start[idx])
    gone = duty.end[idx] - leave
    duty.end[idx] = leave
    duty.brk_len[idx] = _cut(duty.brk_start[idx], duty.brk_len[idx], leave)
    if duty.rest_start is not None and duty.rest_len is not None:
        duty.rest_len[idx] = _cut(duty.rest_start[idx], duty.rest_len[idx], leave[:, None])
    return gone


def check_team(
    model: ContactCentreModel,
    duty: Duty,
    plan: Plan,
    ratio: float,
    t_s: float,
    row: DayRecord,
    cover_all: np.ndarray | None = None,
) -> None:
    """One check of one team at ``t_s``: re-forecast the rest of the day at ``ratio`` x the
    plan's forecast and the recent AHT, then overtime or VTO (module docstring).

    Parameters
    ----------
    model:
        The centre (read: configuration, plans, the dashboard's AHT).
    duty:
        The team's duty today (shift ends and off-phone blocks changed in place).
    plan:
        The team's plan.
    ratio:
        Calls so far over the forecast so far.
    t_s:
        The check's time, s since opening.
    row:
        Today's record (``overtime_s`` and ``vto_s`` booked).
    cover_all:
        Every agent's cover of ``duty`` as it stands (rows: agents; the day's earlier
        checks keep it, so an agent's cover is recomputed only when its shift changes;
        updated in place), or None to compute it here.
    """
    cfg = model.cfg
    wf, iv = cfg.workforce, cfg.workforce.intraday
    n, w = n_intervals(cfg), interval_s(cfg)
    k = duty.start.shape[0]
    if k == 0 or plan.offered.shape[0] != n:
        return
    lo = np.arange(n) * w
    later = lo >= t_s - 1e-6  # the intervals still to come
    need = requirement(model, plan.offered * ratio, recent_aht(model, plan.team), later)
    alive = np.flatnonzero(duty.end > t_s)
    if alive.shape[0] == 0:
        return
    # each agent's time on the phones to come (a row is the agent's own, whatever rows
    # are computed with it: agent_cover)
    mine = _cover(model, duty, alive) if cover_all is None else cover_all[alive]
    cover = mine * later
    on = cover.sum(axis=0)
    staffed, required = float(on.sum()), float(need.sum())
    if staffed <= 0.0:
        return
    load = required / staffed  # the workload ratio of the rest of the day
    if load < 1.0 - iv.below and iv.vto:
        # the plan's requirement stands unless the calls run below the forecast: on a day
        # of ordinary volume only the agents beyond the plan (and the re-forecast) go
        keep = need if ratio < 1.0 - iv.below else np.maximum(need, plan.required * later)
        vto = 0.0
        left = duty.end[alive] - np.maximum(duty.start[alive], t_s)
        order = np.argsort(-left, kind="stable")
        gone = alive[order[_release(on, cover, order, keep - 1e-9)]]
        if gone.shape[0]:
            for sec in _send_home(duty, gone, t_s).tolist():
                vto += sec
            if cover_all is not None:
                cover_all[gone] = _cover(model, duty, gone)
        row["vto_s"] = row.get("vto_s", 0.0) + vto
    elif load > 1.0 + iv.above and wf.overtime_hours > 0:
        close = cfg.channels.open_s
        can = alive[duty.end[alive] < close]
        extra = 0.0
        longer = []
        for i in can[np.argsort(duty.end[can], kind="stable")][: int(wf.overtime_max_share * k)]:
            end = float(duty.end[i])
            new_end = min(end + wf.overtime_hours * 3600.0, close)
            gain = np.clip(np.minimum(new_end, lo + w) - np.maximum(end, lo), 0.0, None) / w
            if not (later & (on < need - 1e-9) & (gain > 0)).any():
                continue
            extra += new_end - end
            duty.end[i] = new_end
            longer.append(i)
            on = on + gain * later
        if longer and cover_all is not None:
            stay = np.array(longer, dtype=np.int64)
            cover_all[stay] = _cover(model, duty, stay)
        row["overtime_s"] = row.get("overtime_s", 0.0) + extra
        row["intraday_overtime_s"] = row.get("intraday_overtime_s", 0.0) + extra


def adjust(
    model: ContactCentreModel, arrival_s: np.ndarray, duties: list[Duty], row: DayRecord
) -> None:
    """Run the day's checks (``workforce.intraday``) on both teams' duties, in time order
    (not the front line's under ``workforce.staffing=observed``: the data's staffing
    already holds the centre's own intraday decisions).

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
    step = iv.check_minutes * 60.0
    front = model.plans[FRONT]
    if front.offered.sum() <= 0:  # no forecast yet (the starting plan)
        return
    w = interval_s(cfg)
    covers: list[np.ndarray | None] = [None] * len(duties)  # each team's, on first use
    t = step
    while t < cfg.channels.open_s - 1e-6:
        expected = forecast_to(front.offered, t, w)
        if expected > 0:
            ratio = float(np.searchsorted(arrival_s, t)) / expected
            for team, duty in enumerate(duties):
                plan = model.plans[team]
                if team == FRONT and cfg.workforce.staffing == "observed":
                    continue  # the data's staffing is kept exactly (staffing_observed)
                if plan.offered.sum() > 0:
                    if covers[team] is None and duty.start.shape[0] > 0:
                        covers[team] = _cover(model, duty, np.arange(duty.start.shape[0]))
                    check_team(model, duty, plan, ratio, t, row, covers[team])
        t += step
