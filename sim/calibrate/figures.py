"""The back-test's figures from call records, per (day, interval) and per day.

One definition for both sides of the back-test: the observed records and the model's
exported calls are both read by :func:`~.calls.call_records` (the model's through the
mapping of its own export, :mod:`.simulate`) into the same canonical columns
(:data:`COLUMNS`), so a difference between the two is the model's, not the definitions'.

Figures (an interval's call belongs to the interval of its arrival):

* ``offered``: calls that reached the queue (answered + abandoned);
* ``answered``: calls answered by an agent;
* ``abandonment``: abandoned / offered;
* ``asa_s``: mean wait of the answered calls, s;
* ``service_level``: answered within ``sl_s`` seconds / offered (the model's
  definition, ``sim.measurement.rates``);
* ``aht_s``: mean handle time of the answered calls, s;
* ``occupancy``: busy agent-seconds in the interval / (agents seen busy in the interval x
  its length).  Only agents who took a call are seen in call records, so this is an
  upper bound of the occupancy of the agents logged in; the same estimator is applied to
  the model's calls.  Needs agent ids (else not computed).

Ratios are NaN where their denominator is 0 (no call, no answered call, no agent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .estimate import busy_by_interval

#: The canonical call columns the figures read (days numbered from 0, times in s since
#: the opening; ``outcome`` ``answered``/``abandoned``; ``agent`` an id, missing if none).
COLUMNS = ("day", "arrival_s", "wait_s", "handle_s", "outcome", "agent")
FIGURES = ("offered", "answered", "abandonment", "asa_s", "service_level", "aht_s", "occupancy")
LABELS = {
    "offered": "offered calls",
    "answered": "answered calls",
    "abandonment": "abandonment (share of offered)",
    "asa_s": "ASA (s)",
    "service_level": "service level (answered within 20 s / offered)",
    "aht_s": "AHT (s)",
    "occupancy": "occupancy (busy / agents seen)",
}


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def figures(
    calls: pd.DataFrame,
    days: int,
    open_s: float,
    interval_minutes: int,
    sl_s: float,
    agents: bool = True,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Every figure in ``FIGURES`` for the calls of days 0..days-1 (``day`` renumbered
    by the caller), per (day, interval) and per day.

    Parameters
    ----------
    calls : pandas.DataFrame
        Call records in the canonical columns :data:`COLUMNS` (times in seconds since the
        opening).
    days : int
        Working days covered; rows of the result.
    open_s : float
        Opening hours of a day, seconds.
    interval_minutes : int
        Length of an interval, minutes.
    sl_s : float
        Service-level threshold, seconds.
    agents : bool
        Whether the calls carry agent ids; ``occupancy`` is left out when false.

    Returns
    -------
    tuple of (dict, dict)
        Arrays of shape (days, k) per (day, interval), with k intervals a day, and of
        shape (days,) per day, keyed by figure name.
    """
    step = 60.0 * interval_minutes
    k = round(open_s / step)
    d = calls["day"].to_numpy(int)
    j = np.clip((calls["arrival_s"].to_numpy(float) // step).astype(int), 0, k - 1)
    ans = (calls["outcome"] == "answered").to_numpy()
    wait = calls["wait_s"].to_numpy(float)
    handle = calls["handle_s"].to_numpy(float)

    def cells(weight: np.ndarray) -> np.ndarray:
        out = np.zeros((days, k))
        np.add.at(out, (d, j), weight)
        return out

    off, an = cells(np.ones(len(calls))), cells(ans.astype(float))
    w, h = cells(np.where(ans, wait, 0.0)), cells(np.where(ans, handle, 0.0))
    sl = cells((ans & (wait <= sl_s)).astype(float))
    per = {
        "offered": off,
        "answered": an,
        "abandonment": _ratio(off - an, off),
        "asa_s": _ratio(w, an),
        "service_level": _ratio(sl, off),
        "aht_s": _ratio(h, an),
    }
    pairs = (("off", off), ("an", an), ("w", w), ("h", h), ("sl", sl))
    tot = {name: v.sum(axis=1) for name, v in pairs}
    day = {
        "offered": tot["off"],
        "answered": tot["an"],
        "abandonment": _ratio(tot["off"] - tot["an"], tot["off"]),
        "asa_s": _ratio(tot["w"], tot["an"]),
        "service_level": _ratio(tot["sl"], tot["off"]),
        "aht_s": _ratio(tot["h"], tot["an"]),
    }
    if agents:
        busy, seen = busy_by_interval(calls, days, k, step)
        per["occupancy"] = _ratio(busy, seen * step)
        day["occupancy"] = _ratio(busy.sum(axis=1), seen.sum(axis=1) * step)
    return per, day


def report_figures(
    rec, names: list[str] | None = None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The same figures, in the same layout as :func:`figures`, of an interval report
    (:class:`~.intervals.IntervalRecords`): what the report itself states, per (day,
    interval) and per day.  A (day, interval) without a row is no call offered.

    * ``offered``, ``answered``: the report's counts;
    * ``abandonment``: abandoned / offered;
    * ``asa_s``, ``service_level``: the report's, when it maps them (ASA of the answered
      calls; answered within the threshold / offered); the day's figure weights the
      intervals by answered resp. offered calls;
    * ``aht_s``: the report's AHT, the day's weighted by answered calls;
    * ``occupancy``: answered x AHT / (staffed x the interval's length), when ``staffed``
      and ``aht_s`` are mapped: the share of the logged-in agents' time spent handling
      (the simulated side uses the model's agents on the phones, :func:`occupancy`).

    Parameters
    ----------
    rec : IntervalRecords
        The centre's interval report.
    names : list of str, optional
        The figures wanted (default: all the report can show).
    """
    step = 60.0 * rec.interval_minutes
    mapped = set(rec.mapped)
    off = rec.matrix("offered", 0.0)
    an = np.nan_to_num(rec.matrix("answered", 0.0))
    ab = np.nan_to_num(rec.matrix("abandoned", 0.0))
    per = {"offered": off, "answered": an, "abandonment": _ratio(ab, off)}
    day = {
        "offered": off.sum(1),
        "answered": an.sum(1),
        "abandonment": _ratio(ab.sum(1), off.sum(1)),
    }
    for f, weight in (("asa_s", an), ("service_level", off), ("aht_s", an)):
        if f in mapped:
            v = rec.matrix(f)
            w = np.where(np.isnan(v), 0.0, weight)
            per[f] = np.where(weight > 0, v, np.nan)
            day[f] = _ratio(np.nansum(v * w, axis=1), w.sum(1))
    if {"staffed", "aht_s"} <= mapped:
        busy = np.nan_to_num(an * rec.matrix("aht_s"))
        staffed = np.nan_to_num(rec.matrix("staffed"))
        per["occupancy"] = _ratio(busy, staffed * step)
        day["occupancy"] = _ratio(busy.sum(1), staffed.sum(1) * step)
    keep = [f for f in FIGURES if f in per and (names is None or f in names)]
    return {f: per[f] for f in keep}, {f: day[f] for f in keep}


def report_occupancy(
    per: dict[str, np.ndarray], on_phones: np.ndarray, interval_minutes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Occupancy as :func:`report_figures` defines it, of simulated calls: answered x AHT
    of the interval's arrivals / (the model's agents on the phones x the interval's
    length), per (day, interval) and per day.

    Parameters
    ----------
    per : dict of str to numpy.ndarray
        The simulated calls' figures per (day, interval) (:func:`figures`).
    on_phones : numpy.ndarray
        The model's mean agents on the phones, days x intervals on the same grid.
    interval_minutes : int
        Length of an interval, minutes.
    """
    step = 60.0 * interval_minutes
    busy = np.nan_to_num(per["answered"] * per["aht_s"])
    return _ratio(busy, on_phones * step), _ratio(busy.sum(1), on_phones.sum(1) * step)
