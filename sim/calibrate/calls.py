"""Apply a ``calls`` mapping: raw export rows -> :class:`~.records.CallRecords`.

Rules (docs/calibrate.md, "Bad data" and "Quirks"):

* rows whose outcome is listed under ``outcomes.ignore`` are counted and set aside
  before any other check (their other fields are often junk);
* an outcome value listed nowhere, a duplicated call id, an unparsable time, a negative
  duration, an answer more than ``tolerance_s`` before the arrival, an answered call
  without arrival or handle time: :class:`DataError` naming the lines;
* an abandoned call whose arrival is missing, or comes from a fallback column of
  ``arrival`` (its first column, the queue entry, is absent), never reached the queue:
  counted as ``ivr_only``;
* an answer up to ``tolerance_s`` before the arrival (clocks of two systems) is a zero
  wait, counted as ``clock_skew``; times of day that pass midnight get a day added;
* calls arriving outside the opening hours are counted as ``outside_hours``;
* the handle time's parts (``talk_s``, ``hold_s``, ``acw_s``, optional): without
  ``handle_s`` and ``ended_at`` the handle time is their sum; with ``ended_at`` (the
  caller's hang-up) the after-call work is added to ``ended_at - answered_at``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .mapping import DataError, Mapping, parse_hhmm
from .records import (
    DAY_S,
    HANDLE_PARTS,
    CallRecords,
    day_index,
    lines,
    parse_seconds,
    parse_times,
    pick,
)


def _wrap(t: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Times of day after ``ref`` that passed midnight get a day added."""
    return np.where(t - ref < -DAY_S / 2, t + DAY_S, t)


def _outcomes(df: pd.DataFrame, m: Mapping, src: str, answered_at: pd.Series) -> np.ndarray:
    if "outcome" not in m.columns:
        return np.where(answered_at.notna(), "answered", "abandoned").astype(object)
    raw, _ = pick(df, m, "outcome", src)
    cls = pd.Series(np.full(len(df), None, dtype=object), index=df.index)
    for k, values in m.outcomes.items():
        cls[raw.isin(values)] = k
    bad = cls.isna().to_numpy()
    if bad.any():
        raise DataError(
            f"data {src}: column {m.columns['outcome'][0]!r} (outcome): values listed in no "
            f"class of outcomes ({', '.join(m.outcomes)}) in mapping {m.path}: "
            f"{lines(bad, raw)}"
        )
    return cls.to_numpy()


def call_records(df: pd.DataFrame, m: Mapping, src: str) -> CallRecords:
    """The canonical frame of the export ``df`` (strings) read from ``src``.

    Parameters
    ----------
    df : pandas.DataFrame
        The export as :func:`~.records.load_table` reads it (strings).
    m : Mapping
        Its ``calls`` mapping.
    src : str
        The data file, for error messages.

    Returns
    -------
    CallRecords
        The calls in the canonical columns and the rows set aside, counted by reason.
    """
    counts: dict[str, int] = {"rows": len(df)}
    col = m.columns
    answered_at = pick(df, m, "answered_at", src)[0] if "answered_at" in col else None
    outcome = _outcomes(
        df,
        m,
        src,
        answered_at if answered_at is not None else pd.Series([None] * len(df), index=df.index),
    )
    if "call_id" in col:
        ids, _ = pick(df, m, "call_id", src)
        dup = ids.notna().to_numpy() & ids.duplicated(keep=False).to_numpy()
        if dup.any():
            raise DataError(
                f"data {src}: column {col['call_id'][0]!r} (call_id): "
                f"duplicated call ids: {lines(dup, ids)}"
            )
    else:
        ids = pd.Series(np.arange(len(df)).astype(str), index=df.index)
    keep = outcome != "ignore"
    counts["ignored"] = int((~keep).sum())
    df, outcome, ids = df[keep], outcome[keep], ids[keep]
    answered_at = answered_at[keep] if answered_at is not None else None
    if df.empty:
        raise DataError(f"data {src}: no calls left once ignored outcomes are set aside")
    arr_raw, which = pick(df, m, "arrival", src)
    answered = outcome == "answered"
    no_arrival = arr_raw.isna().to_numpy()
    bad = no_arrival & answered
    if bad.any():
        raise DataError(
            f"data {src}: columns {col['arrival']} (arrival): answered calls "
            f"without an arrival time: {lines(bad, index=df.index)}"
        )
    ivr = (~answered) & (no_arrival | (which > 0))
    counts["ivr_only"] = int(ivr.sum())
    sel = ~ivr
    df, outcome, ids = df[sel], outcome[sel], ids[sel]
    arr_raw, answered = arr_raw[sel], answered[sel]
    answered_at = answered_at[sel] if answered_at is not None else None
    where = f"data {src}: column(s) {'/'.join(col['arrival'])} (arrival)"
    arr, arr_date = parse_times(arr_raw, m.time_format, where)
    # dates: the date column, else the timestamps' dates, else one day
    if "date" in col:
        d_raw, _ = pick(df, m, "date", src)
        if d_raw.isna().any():
            raise DataError(
                f"data {src}: column {col['date'][0]!r} (date): missing dates: "
                f"{lines(d_raw.isna().to_numpy(), d_raw)}"
            )
        dates = pd.to_datetime(d_raw, format=m.date_format or "ISO8601", errors="coerce")
        if dates.isna().any():
            fmt = m.date_format or "ISO 8601 (set date_format)"
            raise DataError(
                f"data {src}: column {col['date'][0]!r} (date): not a date in "
                f"format {fmt!r}: {lines(dates.isna().to_numpy(), d_raw)}"
            )
    else:
        dates = arr_date if arr_date.notna().all() else pd.Series(pd.NaT, index=df.index)
    # wait
    wait = np.full(len(df), np.nan)
    if "wait_s" in col:
        wait = parse_seconds(
            pick(df, m, "wait_s", src)[0], f"data {src}: column {col['wait_s'][0]!r} (wait_s)"
        )
    if answered_at is not None:
        w = f"data {src}: column {col['answered_at'][0]!r} (answered_at)"
        ans, _ = parse_times(answered_at, m.time_format, w)
        derived = _wrap(ans, arr) - arr
        early = answered & (derived < -m.tolerance_s)
        if early.any():
            raise DataError(
                f"{w}: answered before the arrival (more than tolerance_s="
                f"{m.tolerance_s:g} s): {lines(early, answered_at)}"
            )
        counts["clock_skew"] = int((answered & (derived < 0)).sum())
        use = np.isnan(wait) & answered
        wait[use] = np.maximum(derived[use], 0.0)
    if "ended_at" in col:
        w = f"data {src}: column {col['ended_at'][0]!r} (ended_at)"
        end, _ = parse_times(pick(df, m, "ended_at", src)[0], m.time_format, w)
        use = np.isnan(wait) & ~answered & ~np.isnan(end)
        wait[use] = _wrap(end, arr)[use] - arr[use]
        if (wait[use] < 0).any():
            bad = np.zeros(len(df), bool)
            bad[np.flatnonzero(use)[wait[use] < 0]] = True
            raise DataError(f"{w}: abandoned before the arrival: {lines(bad, index=df.index)}")
    no_wait = np.isnan(wait)
    if no_wait.any():
        raise DataError(
            f"data {src}: calls without a wait (map wait_s, answered_at or "
            f"ended_at): {lines(no_wait, index=df.index)}"
        )
    # handle time in its parts (optional columns): talk, hold, after-call work
    parts = {
        key: parse_seconds(pick(df, m, key, src)[0], f"data {src}: column {col[key][0]!r} ({key})")
        if key in col
        else np.full(len(df), np.nan)
        for key in HANDLE_PARTS
    }
    # handle
    if "handle_s" in col:
        handle = parse_seconds(
            pick(df, m, "handle_s", src)[0], f"data {src}: column {col['handle_s'][0]!r} (handle_s)"
        )
    elif "talk_s" in col and not ("ended_at" in col and "answered_at" in col):
        # handle time = talk + hold + after-call work (a part not mapped counts 0)
        handle = parts["talk_s"] + np.nan_to_num(parts["hold_s"]) + np.nan_to_num(parts["acw_s"])
    else:
        end, _ = parse_times(
            pick(df, m, "ended_at", src)[0],
            m.time_format,
            f"data {src}: column {col['ended_at'][0]!r} (ended_at)",
        )
        handle = _wrap(end, arr + wait) - (arr + wait)
        neg = answered & (handle < 0)
        if neg.any():
            where = f"data {src}: column {col['ended_at'][0]!r} (ended_at)"
            raise DataError(f"{where}: ended before it was answered: {lines(neg, index=df.index)}")
        # the caller hangs up at ended_at; the agent's after-call work follows
        handle = handle + np.nan_to_num(parts["acw_s"])
    miss = answered & np.isnan(handle)
    if miss.any():
        raise DataError(
            f"data {src}: answered calls without a handle time: {lines(miss, index=df.index)}"
        )
    handle = np.where(answered, handle, 0.0)
    frame = pd.DataFrame(
        {
            "call_id": ids.to_numpy(),
            "date": dates.to_numpy(),
            "tod_s": arr,
            "wait_s": wait,
            "handle_s": handle,
            **{k: np.where(answered, v, np.nan) for k, v in parts.items()},
            "outcome": outcome,
            "agent": pick(df, m, "agent", src)[0].to_numpy() if "agent" in col else None,
            "customer": pick(df, m, "customer", src)[0].to_numpy() if "customer" in col else None,
            "line": df.index.to_numpy() + 2,
        }
    )
    return _place(frame, m, counts)


def _place(frame: pd.DataFrame, m: Mapping, counts: dict[str, int]) -> CallRecords:
    """Day index, opening and closing; arrival_s relative to the opening."""
    step = 60.0 * m.interval_minutes
    if m.open_time:
        open_tod = float(parse_hhmm(m.open_time, m.path, "open_time"))
    else:
        open_tod = float(np.floor(frame["tod_s"].min() / step) * step)
    if m.close_time:
        close_tod = float(parse_hhmm(m.close_time, m.path, "close_time"))
    else:
        close_tod = float(np.floor(frame["tod_s"].max() / step) * step + step)
    close_tod = min(close_tod, DAY_S)
    inside = (frame["tod_s"] >= open_tod) & (frame["tod_s"] < close_tod)
    counts["outside_hours"] = int((~inside).sum())
    frame = frame[inside].copy()
    if frame.empty:
        raise DataError(
            f"mapping {m.path}: open_time/close_time: no call arrives within the opening hours"
        )
    frame["day"], dates = day_index(frame["date"])
    frame["arrival_s"] = frame["tod_s"] - open_tod
    counts["calls"] = len(frame)
    counts["answered"] = int((frame["outcome"] == "answered").sum())
    counts["abandoned"] = int((frame["outcome"] == "abandoned").sum())
    cols = [
        "call_id",
        "day",
        "arrival_s",
        "wait_s",
        "handle_s",
        *HANDLE_PARTS,
        "outcome",
        "agent",
        "customer",
        "date",
        "line",
    ]
    return CallRecords(
        calls=frame[cols].reset_index(drop=True),
        counts=counts,
        open_tod_s=open_tod,
        open_s=close_tod - open_tod,
        dates=dates,
        interval_minutes=m.interval_minutes,
    )
