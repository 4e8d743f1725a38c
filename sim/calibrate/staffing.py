"""The centre's own staffing policy, inferred from its call records.

* **Agents on the phones per weekday and interval** (``on_phones``): per agent and day,
  the answered calls from answer to end, each extended to the agent's next call when the
  idle gap is at most :data:`GAP_S` (a longer gap is a break), except the part of the gap
  when a caller was waiting (from :data:`PICKUP_S` after the call's end): an agent on
  the phones of one pooled queue would have taken that caller, so the agent was away
  (other work, another queue of the centre's routing, after-call work outside the
  handle time); split over the intervals: agent-seconds / interval length, the mean
  agents on the phones (the model's own ``on_phones``), mean over the days of each
  weekday (:func:`on_phone_matrix`).  Bias:
  idle time before an agent's first call of the day, after the last, and in a gap over
  ``GAP_S`` is missed (low at a staffed centre's occupancy, larger in quiet hours); a
  break shorter than ``GAP_S`` counts as on the phones.  It is the table
  ``workforce.staffing=observed`` reproduces; the same per date of a dated file
  (``on_phones_by_date``, each day's own row, not averaged) is the table the model
  replays on those dates (``workforce.observed_on_phones_by_date``: the back-test of the
  data's month, :mod:`.backtest_run`).
* **Service level achieved**: calls answered within the threshold / calls offered (the
  back-test's definition, ``figures.py``), over the whole file.
* **Implied target**: the service-level target whose Erlang A requirement (the model's
  planner: the data's offered calls per weekday and interval, mean handle time and
  patience; the threshold is the centre's setting ``channels.service_level_threshold_s``,
  because a target and a threshold trade off and the data identify only their
  combination) best reproduces the observed agents: the grid value of
  :data:`TARGET_GRID` with the least sum of squared differences over the cells with calls
  (ties: the lowest target), and its ``resolution`` (:func:`resolution`).  A centre
  staffed by a planner that adds slack (whole shifts, shrinkage that did not happen)
  shows more agents than its requirement and so a higher implied target: the target is
  the one the staffing on the phones delivers by Erlang A, not the one on the planner's
  sheet (tests/test_staffing_policy.py measures the round trip).

The centre file gets ``workforce.observed_on_phones`` (the table), with a dated file
``workforce.observed_on_phones_by_date`` (each date's row), ``workforce.staffing:
observed`` (so ``centre=NAME`` staffs as the centre did: its own service, and "change
the pay, keep today's staffing") and ``channels.service_level_target`` (the implied
target, used by ``workforce.staffing=plan``: the centre planning by its own target
with the model's planner and roster).  The threshold and the planner (Erlang A) stay
the model's defaults: the data do not identify them separately.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model.erlang import agents_required, erlang_a, erlang_c
from .estimate import busy_by_interval
from .records import CallRecords

#: The weekdays, Monday first (``pandas.Timestamp.weekday``).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Service-level targets tried: 0.05 to 0.99 in steps of 0.01.
TARGET_GRID = tuple(round(0.05 + 0.01 * i, 2) for i in range(95))


#: Idle time between an agent's consecutive calls counted as time on the phones, s: a
#: longer gap is a break (the model's rest break is 15 min, lunch 30 min; an agent at
#: an occupancy of 0.5-0.9 and a handle time of 3-6 min rarely waits 10 min for a call).
GAP_S = 600.0
#: Seconds after a call's end before an idle agent counts as away while a caller waits:
#: the time to take the next call (in the bank's export the queue's and the agents'
#: clocks also differ by a few seconds).
PICKUP_S = 5.0


def _waiting(c: pd.DataFrame, day: int) -> tuple[np.ndarray, np.ndarray]:
    """The stretches of day ``day`` with at least one caller waiting in the queue: the
    union of every call's wait [arrival, arrival + wait] (answered or abandoned), as
    sorted disjoint (starts, ends), s since opening."""
    w = c[(c["day"] == day) & (c["wait_s"] > 0)]
    a = w["arrival_s"].to_numpy(float)
    b = a + w["wait_s"].to_numpy(float)
    o = np.argsort(a, kind="stable")
    a, b = a[o], np.maximum.accumulate(b[o]) if len(b) else b
    new = np.ones(len(a), bool)
    new[1:] = a[1:] > b[:-1]  # a stretch starts where the previous ones have all ended
    starts = a[new]
    ends = b[np.append(np.flatnonzero(new)[1:] - 1, len(a) - 1)] if len(a) else b
    return starts, ends


def away_while_waiting(
    c: pd.DataFrame, day: np.ndarray, frm: np.ndarray, to: np.ndarray, who: np.ndarray
) -> pd.DataFrame:
    """The parts of idle gaps [frm, to] (s since opening, each of an agent on a day)
    during which a caller waited: an agent on the phones of one pooled queue would have
    taken the call, so the agent was away (other work, another queue of the routing,
    after-call work outside the handle time).  Returned as busy spans in the canonical
    columns (:func:`.estimate.busy_by_interval` reads them).

    Parameters
    ----------
    c : pandas.DataFrame
        All calls of the records (the queue's waits).
    day : numpy.ndarray
        Each gap's day.
    frm : numpy.ndarray
        Each gap's start (:data:`PICKUP_S` after the call's end), s.
    to : numpy.ndarray
        Each gap's end (the agent's next answer), s.
    who : numpy.ndarray
        Each gap's agent.
    """
    parts = []
    for d in np.unique(day):
        sa, sb = _waiting(c, int(d))
        if not len(sa):
            continue
        m = day == d
        x, y, g = frm[m], to[m], who[m]
        i0 = np.searchsorted(sb, x, side="right")  # first stretch ending after x
        i1 = np.searchsorted(sa, y, side="left")  # stretches starting before y
        n = np.maximum(i1 - i0, 0)
        rep = np.repeat(np.arange(len(x)), n)
        idx = np.repeat(i0, n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
        lo, hi = np.maximum(sa[idx], x[rep]), np.minimum(sb[idx], y[rep])
        keep = hi > lo
        parts.append(
            pd.DataFrame(
                {
                    "day": int(d),
                    "arrival_s": lo[keep],
                    "wait_s": 0.0,
                    "handle_s": (hi - lo)[keep],
                    "outcome": "answered",
                    "agent": g[rep][keep],
                }
            )
        )
    cols = ["day", "arrival_s", "wait_s", "handle_s", "outcome", "agent"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def on_phone_matrix(calls: pd.DataFrame, days: int, k: int, step: float) -> np.ndarray:
    """Mean agents on the phones per (day, interval): each agent's answered calls, each
    extended to the agent's next call when the idle gap is at most :data:`GAP_S`, less
    the parts of the gap (from :data:`PICKUP_S` after the call) when a caller waited
    (:func:`away_while_waiting`), split over the intervals (busy time / interval
    length, :func:`.estimate.busy_by_interval`).

    Parameters
    ----------
    calls : pandas.DataFrame
        Calls in the canonical columns.
    days : int
        Days covered (rows).
    k : int
        Intervals in a day (columns).
    step : float
        Length of an interval, s.
    """
    agent = calls["agent"]
    c = calls[(calls["outcome"] == "answered") & agent.notna() & (agent.astype(str) != "-1")]
    c = c.assign(start=c["arrival_s"] + c["wait_s"], who=c["agent"].astype(str))
    c = c.sort_values(["day", "who", "start"])
    end = (c["start"] + c["handle_s"]).to_numpy(float)
    nxt = c.groupby(["day", "who"])["start"].shift(-1).to_numpy(float)
    gap = nxt - end
    bridged = np.isfinite(gap) & (gap >= 0) & (gap <= GAP_S)
    away = away_while_waiting(
        calls,
        c["day"].to_numpy(int)[bridged],
        end[bridged] + PICKUP_S,
        nxt[bridged],
        c["who"].to_numpy()[bridged],
    )
    end = np.where(bridged, nxt, end)
    spans = pd.DataFrame(
        {
            "day": c["day"].to_numpy(int),
            "arrival_s": c["start"].to_numpy(float),
            "wait_s": 0.0,
            "handle_s": np.maximum(end - c["start"].to_numpy(float), 0.0),
            "outcome": "answered",
            "agent": c["who"].to_numpy(),
        }
    )
    busy, _ = busy_by_interval(spans, days, k, step)
    if len(away):
        busy -= busy_by_interval(away, days, k, step)[0]
    return np.maximum(busy, 0.0) / step


def _weekdays(rec: CallRecords, days: int) -> list[str]:
    """Each day's weekday name (Monday for every day of a file without dates)."""
    if len(rec.dates) == days:
        return [WEEKDAYS[pd.Timestamp(d).weekday()] for d in rec.dates]
    return ["mon"] * days


def _by_weekday(m: np.ndarray, names: list[str]) -> dict[str, np.ndarray]:
    """Mean row per weekday of a (days x intervals) matrix, weekdays in week order."""
    out = {}
    for w in WEEKDAYS:
        rows = [i for i, n in enumerate(names) if n == w]
        if rows:
            out[w] = m[rows].mean(axis=0)
    return out


def _by_date(rec: CallRecords, m: np.ndarray) -> dict[str, list[float]]:
    """Each dated day's row of a (days x intervals) matrix, keyed ``YYYY-MM-DD`` (empty
    for a file without dates)."""
    if len(rec.dates) != len(m):
        return {}
    return {
        str(pd.Timestamp(d).date()): [round(float(x), 4) for x in row]
        for d, row in zip(rec.dates, m, strict=True)
    }


def implied_target(
    offered: np.ndarray,
    agents: np.ndarray,
    interval_s: float,
    aht_s: float,
    patience_s: float | None,
    threshold_s: float,
) -> dict:
    """The target of :data:`TARGET_GRID` whose Erlang A requirement is closest (least
    squares over cells with calls) to the observed agents; and the loss curve.

    Parameters
    ----------
    offered : numpy.ndarray
        Mean offered calls per cell (weekday x interval, flattened).
    agents : numpy.ndarray
        Mean agents on the phones per cell, same shape.
    interval_s : float
        Length of an interval, s.
    aht_s : float
        Mean handle time, s.
    patience_s : float or None
        Mean patience, s (Erlang A); None: Erlang C.
    threshold_s : float
        Service-level threshold, s.
    """
    cells = offered > 0
    losses = []
    for t in TARGET_GRID:
        req = agents_required(offered[cells], interval_s, aht_s, patience_s, t, threshold_s)
        losses.append(float(np.sum((req - agents[cells]) ** 2)))
    best = int(np.argmin(losses))
    return {
        "target": TARGET_GRID[best],
        "resolution": resolution(
            offered[cells], interval_s, aht_s, patience_s, TARGET_GRID[best], threshold_s
        ),
        "threshold_s": threshold_s,
        "rmse_agents": float(np.sqrt(losses[best] / max(int(cells.sum()), 1))),
        "grid": list(TARGET_GRID),
        "loss": losses,
    }


def resolution(
    offered: np.ndarray,
    interval_s: float,
    aht_s: float,
    patience_s: float | None,
    target: float,
    threshold_s: float,
) -> float:
    """How finely the staffing identifies a target: the median over cells of the
    service-level step one agent makes at the requirement, SL(n) - SL(n - 1) (the
    planner picks the least n with SL(n) >= target, so a cell's n only says the target
    lies in (SL(n - 1), SL(n)]).

    Parameters
    ----------
    offered : numpy.ndarray
        Mean offered calls per cell with calls.
    interval_s : float
        Length of an interval, s.
    aht_s : float
        Mean handle time, s.
    patience_s : float or None
        Mean patience, s (Erlang A); None: Erlang C.
    target : float
        The target, in [0, 1).
    threshold_s : float
        Service-level threshold, s.
    """
    req = agents_required(offered, interval_s, aht_s, patience_s, target, threshold_s)
    steps = []
    for calls, n in zip(offered, req, strict=True):
        lam = calls / interval_s

        def sl(k: int, lam: float = lam) -> float:
            if k <= 0:
                return 0.0
            if patience_s is None:
                return erlang_c(lam, aht_s, k, threshold_s).service_level
            return erlang_a(lam, aht_s, patience_s, k, threshold_s).service_level

        steps.append(sl(int(n)) - sl(int(n) - 1))
    return float(np.median(steps)) if steps else 1.0


def staffing_policy(
    rec: CallRecords, aht_s: float, patience_s: float | None, threshold_s: float
) -> dict:
    """The inferred policy (module docstring): ``on_phones`` per weekday, the achieved
    service level, the implied target.

    Parameters
    ----------
    rec : CallRecords
        The centre's call records.
    aht_s : float
        The data's mean handle time, s.
    patience_s : float or None
        The data's mean patience, s (None: Erlang C).
    threshold_s : float
        The service-level threshold, s (the centre's setting).
    """
    c = rec.calls
    if c.empty or c["agent"].notna().sum() == 0:
        return {"identified": False}
    step = 60.0 * rec.interval_minutes
    k = round(rec.open_s / step)
    days = int(c["day"].max()) + 1
    seen = on_phone_matrix(c, days, k, step)
    offered = np.zeros((days, k))
    j = np.clip((c["arrival_s"].to_numpy(float) // step).astype(int), 0, k - 1)
    np.add.at(offered, (c["day"].to_numpy(int), j), 1.0)
    names = _weekdays(rec, days)
    agents_wd, offered_wd = _by_weekday(seen, names), _by_weekday(offered, names)
    ans = (c["outcome"] == "answered").to_numpy()
    within = ans & (c["wait_s"].to_numpy(float) <= threshold_s)
    fit = implied_target(
        np.concatenate(list(offered_wd.values())),
        np.concatenate(list(agents_wd.values())),
        step,
        aht_s,
        patience_s,
        threshold_s,
    )
    return {
        "identified": True,
        "estimator": "each agent's answered calls, extended to the next call over idle "
        "gaps up to GAP_S less the time a caller waited (from PICKUP_S after the call), "
        "as mean agents per interval, mean over the weekday's days",
        "gap_s": GAP_S,
        "pickup_s": PICKUP_S,
        "on_phones": {w: [round(float(x), 4) for x in v] for w, v in agents_wd.items()},
        "weekday_days": {w: names.count(w) for w in agents_wd},
        "on_phones_by_date": _by_date(rec, seen),
        "service_level_achieved": float(within.sum() / max(len(c), 1)),
        "implied": fit,
    }


def policy_overrides(pol: dict) -> dict[str, object]:
    """The centre file's keys of an identified policy (dotted key -> value).

    Parameters
    ----------
    pol : dict
        :func:`staffing_policy`'s result.
    """
    if not pol.get("identified"):
        return {}
    out: dict[str, object] = {
        "channels.service_level_target": pol["implied"]["target"],
        "workforce.staffing": "observed",
        "workforce.observed_on_phones": pol["on_phones"],
    }
    if pol.get("on_phones_by_date"):
        out["workforce.observed_on_phones_by_date"] = pol["on_phones_by_date"]
    return out
