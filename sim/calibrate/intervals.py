"""Apply an ``intervals`` mapping: a WFM interval report -> :class:`IntervalRecords`.

One row per (date, interval) with offered, answered, abandoned, AHT, ASA or service
level and staffed agents (docs/calibrate.md, "Interval reports").  Rules, each a
:class:`~.mapping.DataError` naming the file, the column and the first lines:

* an unparsable time, date or number, a negative count or duration, a service level
  outside [0, 1], a missing ``offered``;
* an interval start not on the grid of ``interval_minutes`` (clock-aligned: 08:00,
  08:30, ... for 30 minutes);
* answered > offered, abandoned > offered, answered + abandoned > offered;
* the same (date, interval) twice.

Intervals outside the opening hours are counted (``outside_hours``) and set aside; a
(day, interval) of the opening hours without a row counts as no call offered
(``missing_intervals``).  Answered or abandoned, when one is not mapped, is offered
minus the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .mapping import DataError, Mapping, parse_hhmm
from .records import (
    DAY_S,
    RecordsSpan,
    check_non_negative,
    day_index,
    lines,
    parse_seconds,
    parse_times,
    pick,
)

#: canonical columns of the frame, besides day and j (the interval of the day)
FIELDS = ("offered", "answered", "abandoned", "aht_s", "asa_s", "service_level", "staffed")


@dataclass(kw_only=True)
class IntervalRecords(RecordsSpan):
    """The canonical interval frame: ``day, j, offered, answered, abandoned, aht_s,
    asa_s, service_level, staffed, line`` (NaN where a figure is absent) and its span."""

    rows: pd.DataFrame
    #: the canonical keys the mapping names (the others were derived or are absent)
    mapped: list[str] = field(default_factory=list)

    @property
    def days(self) -> int:
        return len(self.dates) if self.dates else 1

    @property
    def k(self) -> int:
        return round(self.open_s / (60.0 * self.interval_minutes))

    def matrix(self, col: str, fill: float = np.nan) -> np.ndarray:
        """The column as a (days x intervals) matrix, ``fill`` where no row.

        Parameters
        ----------
        col : str
            A column of the rows (``offered``, ``aht_s``, ``staffed``, ...).
        fill : float
            The value of a (day, interval) without a row.
        """
        out = np.full((self.days, self.k), fill)
        r = self.rows
        out[r["day"].to_numpy(), r["j"].to_numpy()] = r[col].to_numpy(float)
        return out


def _numbers(df: pd.DataFrame, m: Mapping, key: str, src: str) -> np.ndarray:
    """A count column: non-negative numbers, NaN where absent."""
    raw, _ = pick(df, m, key, src)
    where = f"data {src}: column {m.columns[key][0]!r} ({key})"
    present = raw.notna().to_numpy()
    v = pd.to_numeric(raw, errors="coerce").to_numpy(float)
    return check_non_negative(v, present, raw, where, "a number", "count")


def interval_records(df: pd.DataFrame, m: Mapping, src: str) -> IntervalRecords:
    """The canonical interval frame of the report ``df`` (strings) read from ``src``.

    Parameters
    ----------
    df : pandas.DataFrame
        The report as :func:`~.records.load_table` reads it (strings).
    m : Mapping
        Its ``intervals`` mapping.
    src : str
        The data file, for error messages.
    """
    col = m.columns
    counts: dict[str, int] = {"rows": len(df)}
    step = 60.0 * m.interval_minutes
    raw_t, _ = pick(df, m, "interval_start", src)
    where = f"data {src}: column {col['interval_start'][0]!r} (interval_start)"
    if raw_t.isna().any():
        raise DataError(f"{where}: missing: {lines(raw_t.isna().to_numpy(), index=df.index)}")
    tod, ts_date = parse_times(raw_t, m.time_format, where)
    off_grid = np.abs(tod / step - np.round(tod / step)) > 1e-6
    if off_grid.any():
        raise DataError(
            f"{where}: not on the grid of interval_minutes={m.interval_minutes} "
            f"(starts at multiples of {m.interval_minutes} minutes): {lines(off_grid, raw_t)}"
        )
    if "date" in col:
        d_raw, _ = pick(df, m, "date", src)
        dw = f"data {src}: column {col['date'][0]!r} (date)"
        if d_raw.isna().any():
            raise DataError(f"{dw}: missing dates: {lines(d_raw.isna().to_numpy(), d_raw)}")
        dates = pd.to_datetime(d_raw, format=m.date_format or "ISO8601", errors="coerce")
        if dates.isna().any():
            fmt = m.date_format or "ISO 8601 (set date_format)"
            raise DataError(f"{dw}: not a date in format {fmt!r}: {lines(dates.isna(), d_raw)}")
    else:
        dates = ts_date if ts_date.notna().all() else pd.Series(pd.NaT, index=df.index)
    v = {k: np.full(len(df), np.nan) for k in FIELDS}
    for key in ("offered", "answered", "abandoned", "staffed"):
        if key in col:
            v[key] = _numbers(df, m, key, src)
    if np.isnan(v["offered"]).any():
        raise DataError(
            f"data {src}: column {col['offered'][0]!r} (offered): missing: "
            f"{lines(np.isnan(v['offered']), index=df.index)}"
        )
    for key in ("aht_s", "asa_s"):
        if key in col:
            v[key] = parse_seconds(
                pick(df, m, key, src)[0], f"data {src}: column {col[key][0]!r} ({key})"
            )
    if "service_level" in col:
        v["service_level"] = _numbers(df, m, "service_level", src)
        bad = v["service_level"] > 1
        if bad.any():
            raise DataError(
                f"data {src}: column {col['service_level'][0]!r} (service_level): not a "
                f"share in [0, 1]: {lines(bad, pick(df, m, 'service_level', src)[0])}"
            )
    off = v["offered"]
    for key in ("answered", "abandoned"):
        over = v[key] > off
        if over.any():
            raise DataError(
                f"data {src}: column {col[key][0]!r} ({key}): more than offered "
                f"({col['offered'][0]!r}): {lines(over, index=df.index)}"
            )
    if "answered" not in col:
        v["answered"] = off - v["abandoned"]
    if "abandoned" not in col:
        v["abandoned"] = off - v["answered"]
    over = v["answered"] + v["abandoned"] > off
    if over.any():
        raise DataError(
            f"data {src}: columns {col['answered'][0]!r} + {col['abandoned'][0]!r}: answered + "
            f"abandoned more than offered: {lines(over, index=df.index)}"
        )
    frame = pd.DataFrame(
        {"tod_s": tod, "date": dates.to_numpy(), **v, "line": df.index.to_numpy() + 2}
    )
    return _place(frame, m, counts, src, col["interval_start"][0])


def _place(frame: pd.DataFrame, m: Mapping, counts: dict, src: str, tcol: str) -> IntervalRecords:
    """Day index, opening and closing, interval index; duplicates refused.

    Parameters
    ----------
    frame : pandas.DataFrame
        The report's rows read so far: ``tod_s`` (interval start, seconds since midnight),
        ``date``, the figures and ``line`` (the file's line number).
    m : Mapping
        The ``intervals`` mapping (interval length, opening and closing times).
    counts : dict
        The reading's tallies; filled in here (intervals, missing intervals, outside the
        hours, offered, answered, abandoned, other).
    src : str
        The data file, for error messages.
    tcol : str
        The file's column of ``interval_start``, for error messages.

    Returns
    -------
    IntervalRecords
        The rows within the opening hours, numbered by day and interval.
    """
    step = 60.0 * m.interval_minutes
    open_tod = (
        float(parse_hhmm(m.open_time, m.path, "open_time"))
        if m.open_time
        else float(frame["tod_s"].min())
    )
    close_tod = (
        float(parse_hhmm(m.close_time, m.path, "close_time"))
        if m.close_time
        else float(frame["tod_s"].max() + step)
    )
    if open_tod % step:
        raise DataError(f"mapping {m.path}: open_time: {m.open_time!r} is not on the interval grid")
    close_tod = min(close_tod, DAY_S)
    inside = (frame["tod_s"] >= open_tod) & (frame["tod_s"] < close_tod)
    counts["outside_hours"] = int((~inside).sum())
    frame = frame[inside].copy()
    if frame.empty:
        raise DataError(f"mapping {m.path}: open_time/close_time: no interval within the hours")
    frame["day"], dates = day_index(frame["date"])
    frame["j"] = np.round((frame["tod_s"].to_numpy() - open_tod) / step).astype(int)
    dup = frame.duplicated(["day", "j"], keep=False).to_numpy()
    if dup.any():
        shown = ", ".join(str(x) for x in frame["line"].to_numpy()[dup][:5])
        raise DataError(
            f"data {src}: column {tcol!r} (interval_start): the same (date, interval) more "
            f"than once: lines {shown} ({int(dup.sum())} rows)"
        )
    open_s = float(np.ceil((close_tod - open_tod) / step) * step)
    n_days = len(dates) if dates else 1
    counts["intervals"] = len(frame)
    counts["missing_intervals"] = n_days * round(open_s / step) - len(frame)
    counts["offered"] = int(frame["offered"].sum())
    counts["answered"] = int(np.nansum(frame["answered"]))
    counts["abandoned"] = int(np.nansum(frame["abandoned"]))
    counts["other"] = counts["offered"] - counts["answered"] - counts["abandoned"]
    rows = frame[["day", "j", *FIELDS, "line"]].reset_index(drop=True)
    return IntervalRecords(
        rows=rows,
        counts=counts,
        open_tod_s=open_tod,
        open_s=open_s,
        dates=dates,
        interval_minutes=m.interval_minutes,
        mapped=list(m.columns),
    )
