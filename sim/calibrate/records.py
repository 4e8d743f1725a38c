"""Call-detail records in, one canonical frame out.

:func:`load_table` reads a CSV (any delimiter given by the mapping's ``sep``, tab
detected) or parquet export as strings, so "absent" is decided by the mapping's
``missing`` list and nothing else.  :func:`call_records` applies a ``calls`` mapping
and returns :class:`CallRecords`: one row per call that reached the queue, with
``call_id, day, arrival_s, wait_s, handle_s, outcome, agent, customer`` (seconds since
the opening of the day; ``talk_s, hold_s, acw_s`` where the export has the handle time's
parts, :func:`handle_shares`), and the counts of the calls set aside (ignored outcomes,
IVR-only calls, calls outside the opening hours, answer times within the clock
tolerance).  Every rule a row breaks raises :class:`DataError` naming the file, the
column and the first offending lines (line 1 is the header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .mapping import DataError, Mapping

_HMS = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?\s*$")
_DATE_DIRECTIVES = ("%Y", "%y", "%m", "%d", "%b", "%B", "%j", "%F", "%D")
DAY_S = 86_400.0
#: Optional columns of the canonical frame: the handle time in its parts, s (NaN where the
#: export has no such column or the call was not answered).
HANDLE_PARTS = ("talk_s", "hold_s", "acw_s")


def handle_shares(calls: pd.DataFrame) -> dict[str, float] | None:
    """The hold and after-call-work shares of the answered calls' handle time (the model's
    ``handling.hold_share`` and ``handling.acw_share``): total hold (ACW) seconds over total
    handle seconds of the answered calls that have the part; None when the export has
    neither part.

    Parameters
    ----------
    calls : pandas.DataFrame
        The canonical frame (:attr:`CallRecords.calls`).
    """
    if not set(HANDLE_PARTS) <= set(calls.columns):
        return None
    ans = calls[calls["outcome"] == "answered"]
    out = {}
    for part, key in (("hold_s", "hold_share"), ("acw_s", "acw_share")):
        has = ans[part].notna() & (ans["handle_s"] > 0)
        if has.any():
            out[key] = float(ans.loc[has, part].sum() / ans.loc[has, "handle_s"].sum())
    return out or None


def read_csv_text(path: str | Path, what: str, **options: object) -> pd.DataFrame:
    """A CSV file as strings (no value read as missing), or a :class:`DataError` that
    says in one line why it cannot be read.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    what : str
        How the message names it ("data calls.csv", "KPI history h.csv").
    **options
        Further :func:`pandas.read_csv` options (``sep``, ``skipinitialspace``).
    """
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **options)
    except FileNotFoundError:
        raise DataError(f"{what}: no such file") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{what}: empty file (no header, no rows)") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{what}: cannot be read ({str(exc).splitlines()[0]})") from None


def load_table(path: str | Path, mapping: Mapping) -> pd.DataFrame:
    """The data file as a frame of strings (index: 0-based data row).

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV (delimiter: the mapping's ``sep``, else tab or comma detected) or parquet file.
    mapping : Mapping
        Its mapping (``sep``).
    """
    p = Path(path)
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            df = pd.read_parquet(p)
        else:
            sep = mapping.sep
            if sep is None:
                with open(p, encoding="utf-8-sig", errors="replace") as fh:
                    head = fh.readline()
                sep = "\t" if "\t" in head and "," not in head else ","
            df = read_csv_text(p, f"data {p}", sep=sep, skipinitialspace=True)
    except DataError:
        raise
    except FileNotFoundError:
        raise DataError(f"data {p}: no such file") from None
    except (OSError, ValueError) as exc:  # parquet
        raise DataError(f"data {p}: cannot be read ({str(exc).splitlines()[0]})") from None
    if df.empty:
        raise DataError(f"data {p}: empty: a header but no rows")
    return as_strings(df)


def as_strings(df: pd.DataFrame) -> pd.DataFrame:
    """A table as :func:`load_table` hands it to a mapping: column names and values as
    stripped strings (nulls of a typed table stay missing).  Also the way the back-test
    reads the model's own export (``RunResult.calls``) without a file.

    Parameters
    ----------
    df : pandas.DataFrame
        A typed table.
    """
    df = df.astype(str)
    df.columns = [str(c).strip() for c in df.columns]
    for c in df.columns:
        df[c] = df[c].str.strip()
    return df


def lines(
    mask: np.ndarray, values: pd.Series | None = None, index: pd.Index | None = None, k: int = 5
) -> str:
    """'lines 12, 40, 41 (3 rows): values': the first ``k`` offending file lines.  The
    rows' labels (``index``, else ``values.index``) are 0-based data rows of the file.

    Parameters
    ----------
    mask : numpy.ndarray
        Which rows offend (bool, one per row).
    values : pandas.Series, optional
        The column; its offending values are quoted.
    index : pandas.Index, optional
        The rows' labels when ``values`` is not given (or to override its index).
    k : int
        Most lines listed.
    """
    idx = np.flatnonzero(mask)
    labels = index if index is not None else values.index if values is not None else None
    rows = np.asarray(labels)[idx[:k]] if labels is not None else idx[:k]
    shown = ", ".join(str(int(i) + 2) for i in rows) + (" ..." if len(idx) > k else "")
    text = f"line{'s' if len(idx) > 1 else ''} {shown} ({len(idx)} row{'s' * (len(idx) > 1)})"
    if values is not None:
        text += ": " + ", ".join(repr(v) for v in values.iloc[idx[:k]])
    return text


def pick(df: pd.DataFrame, m: Mapping, key: str, src: str) -> tuple[pd.Series, np.ndarray]:
    """The value of canonical ``key``: the first non-missing of its columns (None where
    all are missing), and the index of the column that gave it (-1 where none).

    Parameters
    ----------
    df : pandas.DataFrame
        The export (strings).
    m : Mapping
        Its mapping (the columns of ``key`` and their "absent" strings).
    key : str
        A canonical field.
    src : str
        The data file, for error messages.
    """
    cols = m.columns[key]
    for c in cols:
        if c not in df.columns:
            raise DataError(
                f"data {src}: column {c!r} (mapping {m.path}: columns.{key}) does not "
                f"exist; the file has: {', '.join(df.columns)}"
            )
    absent = m.missing_for(key)
    out = pd.Series([None] * len(df), index=df.index, dtype=object)
    which = np.full(len(df), -1)
    for i, c in enumerate(cols):
        fill = (which < 0) & ~df[c].isin(absent).to_numpy()
        out[fill] = df[c][fill]
        which[fill] = i
    return out, which


def _parse_distinct(v: pd.Series, fmt: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since midnight (NaN: unparsable) and date (NaT: a time of day) of
    distinct strings ``v``."""
    secs = np.full(len(v), np.nan)
    dates = np.full(len(v), np.datetime64("NaT", "ns"))
    if fmt is None:
        hms = v.str.extract(_HMS)
        ok = hms[0].notna().to_numpy()
        s = hms[0].astype(float) * 3600 + hms[1].astype(float) * 60 + hms[2].astype(float).fillna(0)
        secs[:] = s.to_numpy()
        if (~ok).any():
            ts = pd.to_datetime(v[~ok], errors="coerce", format="ISO8601")
            secs[~ok] = (ts - ts.dt.normalize()).dt.total_seconds().to_numpy()
            dates[~ok] = ts.dt.normalize().to_numpy()
    else:
        ts = pd.to_datetime(v, format=fmt, errors="coerce")
        secs[:] = (ts - ts.dt.normalize()).dt.total_seconds().to_numpy()
        if any(d in fmt for d in _DATE_DIRECTIVES):
            dates[:] = ts.dt.normalize().to_numpy()
    return secs, dates


def parse_times(values: pd.Series, fmt: str | None, where: str) -> tuple[np.ndarray, pd.Series]:
    """Seconds since midnight and the date (NaT for a time of day) of each present value;
    NaN where absent.  Unparsable present values raise, naming ``where`` and the lines.
    Each distinct string is parsed once (an export repeats its clock times and dates).

    Parameters
    ----------
    values : pandas.Series
        Times of day or timestamps, as strings (None where absent).
    fmt : str or None
        A ``strptime`` format (the mapping's ``time_format``); None: clock times
        ``H:MM[:SS]``, else ISO 8601 timestamps.
    where : str
        The file and column, for error messages.
    """
    present = values.notna().to_numpy()
    secs = np.full(len(values), np.nan)
    dates = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if not present.any():
        return secs, dates
    codes, distinct = pd.factorize(values[present].astype(str))
    s, d = _parse_distinct(pd.Series(distinct, dtype=object), fmt)
    secs[present] = s[codes]
    dates[present] = d[codes]
    bad = present & np.isnan(secs)
    if bad.any():
        desc = (
            f"a time in format {fmt!r} (time_format)"
            if fmt is not None
            else "a time H:MM[:SS] or an ISO timestamp"
        )
        raise DataError(f"{where}: not {desc}: {lines(bad, values)}")
    return secs, dates


def parse_seconds(values: pd.Series, where: str) -> np.ndarray:
    """A duration column as seconds: a number, or H:MM:SS; NaN where absent.

    Parameters
    ----------
    values : pandas.Series
        Durations as strings (None where absent).
    where : str
        The file and column, for error messages.
    """
    present = values.notna().to_numpy()
    out = np.full(len(values), np.nan)
    v = values[present].astype(str)
    num = pd.to_numeric(v, errors="coerce").to_numpy(float)
    text = np.isnan(num)  # not a number: try H:MM:SS (only there; the regex is slow)
    if text.any():
        hms = v[text].str.extract(_HMS)
        num[text] = (
            hms[0].astype(float) * 3600 + hms[1].astype(float) * 60 + hms[2].astype(float).fillna(0)
        ).to_numpy()
    out[present] = num
    return check_non_negative(
        out, present, values, where, "a duration (seconds or H:MM:SS)", "duration"
    )


def check_non_negative(
    parsed: np.ndarray, present: np.ndarray, raw: pd.Series, where: str, kind: str, noun: str
) -> np.ndarray:
    """``parsed`` once every present value is a number and none is negative; else a
    :class:`DataError` listing the offending lines.

    Parameters
    ----------
    parsed : numpy.ndarray
        The column's values as parsed (NaN where not a number).
    present : numpy.ndarray
        Where the file has a value (bool).
    raw : pandas.Series
        The values as read (strings), quoted in the message.
    where : str
        The file and column, for error messages.
    kind : str
        What a value must be ("a duration (seconds or H:MM:SS)").
    noun : str
        What a value is, for the negative case ("duration", "count").
    """
    bad = present & ~np.isfinite(parsed)
    if bad.any():
        raise DataError(f"{where}: not {kind}: {lines(bad, raw)}")
    neg = present & (parsed < 0)
    if neg.any():
        raise DataError(f"{where}: negative {noun}: {lines(neg, raw)}")
    return parsed


@dataclass(kw_only=True)
class RecordsSpan:
    """What any export tells besides its rows: what was set aside (counts by reason),
    the opening hours and the days covered."""

    counts: dict[str, int] = field(default_factory=dict)
    #: opening time of day and length of the open day, s
    open_tod_s: float = 0.0
    open_s: float = 0.0
    #: the days covered, ISO dates (empty: one undated day)
    dates: list[str] = field(default_factory=list)
    #: the export's interval length, minutes
    interval_minutes: int = 30


@dataclass(kw_only=True)
class CallRecords(RecordsSpan):
    """The canonical calls frame (one row per call) and its span."""

    calls: pd.DataFrame


def day_index(dates: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's day (0-based, in date order) and the dates as ISO strings; a file
    without dates (or with a missing one) is one day.

    Parameters
    ----------
    dates : pandas.Series
        Each row's date (NaT where none).
    """
    if dates.notna().all():
        uniq = np.sort(dates.unique())
        return np.searchsorted(uniq, dates.to_numpy()), [str(pd.Timestamp(d).date()) for d in uniq]
    return np.zeros(len(dates), dtype=np.int64), []
