"""Intraday arrival profiles from a CSV file, and the demand section's cross-field rules.

File format (docs/workforce.md, "Intraday profiles"): a header row, then one row per
planning interval of the opening day, in order:

* ``interval_start``: the interval's start as a time of day ``HH:MM`` (what WFM tools
  export).  The first row is the opening time; each next row is ``interval_minutes``
  later, and the rows cover the opening hours (``channels.open_s``) exactly, so the
  file has ``open_s / (60 interval_minutes)`` rows.  A day may not run past midnight.
* exactly one of ``share`` (the interval's share of the day's calls: non-negative,
  summing to 1 within 1e-6) or ``volume`` (calls in the interval, non-negative, any
  scale: normalised to shares).

Other columns (an export's handling times, say) are ignored.  Each violation raises
:class:`ConfigError` naming the file, the 1-based data row or the column, the bad value
and what is allowed.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from .paths import resolve_data_path
from .schema import Config, ConfigError

#: Allowed gap between the sum of ``share`` and 1.
SHARE_TOLERANCE = 1e-6


def _minutes(text: str) -> int | None:
    """Minutes since midnight of ``HH:MM``, None when malformed."""
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[1]) != 2:
        return None
    h, m = int(parts[0]), int(parts[1])
    return h * 60 + m if h < 24 and m < 60 else None


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def read_profile(path: str | Path, interval_minutes: int, open_s: float) -> np.ndarray:
    """Shares of the day's calls per interval (sum 1), read and checked from ``path``.

    Parameters
    ----------
    path : str or Path
        The profile CSV (format in docs/workforce.md).
    interval_minutes : int
        Length of a planning interval, minutes (``demand.interval_minutes``).
    open_s : float
        Opening hours, seconds (``channels.open_s``).

    Returns
    -------
    numpy.ndarray
        One share per interval of the opening hours, summing to 1.
    """
    where = f"demand.profile_file={str(path)!r}"
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise ConfigError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not a UTF-8 text (CSV) file") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise ConfigError(f"{where}: empty; expected a header interval_start,share")
    header = [c.strip() for c in rows[0]]
    value_cols = [c for c in ("share", "volume") if c in header]
    if "interval_start" not in header or len(value_cols) != 1:
        raise ConfigError(
            f"{where}: header {','.join(header)!r} is not allowed: needs the column "
            "interval_start and exactly one of share or volume"
        )
    col = value_cols[0]
    i_start, i_val = header.index("interval_start"), header.index(col)
    expected_rows = open_s / (60.0 * interval_minutes)
    data = rows[1:]
    values = np.empty(len(data))
    first = None
    for r, row in enumerate(data, start=1):
        cell = row[i_start].strip() if i_start < len(row) else ""
        t = _minutes(cell)
        if t is None:
            raise ConfigError(f"{where}: row {r}: interval_start={cell!r} is not a time HH:MM")
        first = t if first is None else first
        want = first + (r - 1) * interval_minutes
        if t != want:
            raise ConfigError(
                f"{where}: row {r}: interval_start={cell!r} is not allowed: expected "
                f"{_hhmm(want) if want < 1440 else 'no row (the day passes midnight)'} "
                f"(consecutive {interval_minutes}-minute intervals, demand.interval_minutes)"
            )
        raw = row[i_val].strip() if i_val < len(row) else ""
        try:
            v = float(raw)
        except ValueError:
            v = math.nan
        if not math.isfinite(v) or v < 0.0:
            raise ConfigError(
                f"{where}: row {r}: {col}={raw!r} is not allowed: must be a number >= 0"
            )
        values[r - 1] = v
    if len(data) != expected_rows:
        raise ConfigError(
            f"{where}: has {len(data)} intervals; channels.open_s={open_s:g} s with "
            f"{interval_minutes}-minute intervals needs {expected_rows:g} rows"
        )
    total = float(values.sum())
    if col == "share" and abs(total - 1.0) > SHARE_TOLERANCE:
        raise ConfigError(
            f"{where}: column share sums to {total:.9g}; allowed 1 (within {SHARE_TOLERANCE:g})"
        )
    if col == "volume" and total <= 0.0:
        raise ConfigError(f"{where}: column volume sums to 0; needs some calls")
    return values / total


def check_demand(cfg: Config) -> None:
    """Cross-field rules of ``demand`` (called by ``validate``).

    The interval must divide the opening hours; ``weekday_factors`` needs one positive
    number per weekday of ``calendar.days_per_week``; with ``intraday_profile="file"``
    the profile file must exist and pass
    :func:`read_profile`.  A relative ``profile_file`` is made absolute here by
    :func:`sim.config.paths.resolve_data_path`: the working directory if it exists
    there (``kpisim run`` keeps it: ``hydra.job.chdir`` is false), else the config
    folder ``configs/`` (how a centre file names its profile), else the repository
    root; the run's saved config names the file it read.

    Parameters
    ----------
    cfg : Config
        The config being validated (``demand.profile_file`` may be rewritten).
    """
    d, open_s = cfg.demand, cfg.channels.open_s
    step = 60.0 * d.interval_minutes
    n = open_s / step
    if abs(n - round(n)) > 1e-9:
        raise ConfigError(
            f"demand.interval_minutes={d.interval_minutes} is not allowed with "
            f"channels.open_s={open_s:g}: the intervals must divide the opening hours "
            f"(open_s a multiple of {step:g} s)"
        )
    if d.weekday_factors is not None:
        f = list(d.weekday_factors)
        bad = [x for x in f if not (math.isfinite(x) and x > 0)]
        week = cfg.calendar.days_per_week
        if len(f) != week or bad:
            raise ConfigError(
                f"demand.weekday_factors={f!r} is not allowed: "
                f"{'five' if week == 5 else 'seven'} positive numbers, Monday first "
                f"(calendar.days_per_week={week})"
            )
    if d.intraday_profile == "file":
        if not d.profile_file:
            raise ConfigError(
                "demand.profile_file=None is not allowed with demand.intraday_profile="
                "'file': give the path of a profile CSV"
            )
        d.profile_file = str(resolve_data_path(d.profile_file))
        read_profile(d.profile_file, d.interval_minutes, open_s)
