"""The call-detail-record table of a run (``export.calls=true``): ``calls.parquet`` and
``RunResult.calls``.

One row per phone call offered, in the shape of a telephony export that
``kpisim calibrate`` reads with ``examples/mappings/kpisim_calls.yaml``; the columns are
described in docs/calibrate.md, "Call-detail records".  Day ``d`` is the ``d``-th open
day of the run's calendar (``sim.model.calendar``: by default the ``d``-th weekday from
:data:`START_DATE`, a Monday, with no holidays; with a seven-day week every open
weekday, holidays skipped), and clock times count from the day grid's start
(``calendar.day_start_h``; by default :data:`OPENING_S`; ``HH:MM:SS``, whole seconds,
rounded down).  Durations are in
seconds (rounded to 0.1 s).  Missing values (no agent, no second leg) are nulls, written
as blank cells in CSV.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..config.calendar import day_start_h
from ..model.call_records import DISPOSITIONS

if TYPE_CHECKING:
    from ..model import ContactCentreModel

#: Date of working day 0 (a Monday).
START_DATE = "2024-01-01"
#: Clock time of the opening, seconds after midnight (08:00); an opening day longer than
#: 16 h opens at midnight instead, so that the day's times stay within the date.
OPENING_S = 8 * 3600
#: Column order of the table.
CALL_COLUMNS = (
    "call_id",
    "date",
    "day",
    "customer_id",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
    "talk_time",
    "hold_time",
    "acw_time",
    "transferred",
    "q2_time",
    "outcome2",
    "ser2_start",
    "ser2_exit",
    "ser2_time",
    "server2",
    "disposition",
)

_CLOCK = np.array(
    [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)], dtype=object
)


def opening_s(open_s: float) -> int:
    """Clock time of the opening, seconds after midnight: :data:`OPENING_S` (08:00) when the
    day fits before midnight from then, else midnight.

    Parameters
    ----------
    open_s : float
        Opening hours of a day, seconds (``channels.open_s``).
    """
    return OPENING_S if open_s <= 16 * 3600 else 0


def clock(seconds: np.ndarray, opening: int) -> np.ndarray:
    """``HH:MM:SS`` of times in seconds since the opening (None where NaN); times past
    midnight are shown as 23:59:59 (a call still running at midnight).

    Parameters
    ----------
    seconds : numpy.ndarray
        Times since the opening, seconds (NaN: no such time, e.g. a call never answered).
    opening : int
        Clock time of the opening, seconds after midnight (:func:`opening_s`).
    """
    out = np.full(seconds.shape, None, dtype=object)
    ok = np.isfinite(seconds)
    s = np.clip(np.floor(seconds[ok] + opening).astype(np.int64), 0, 86_399)
    out[ok] = _CLOCK[s]
    return out


def dates(day: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` of working days (weekdays from :data:`START_DATE`).

    Parameters
    ----------
    day : numpy.ndarray
        Working-day numbers, from 0.
    """
    uniq, inv = np.unique(day, return_inverse=True)
    labels = np.busday_offset(np.datetime64(START_DATE), uniq, roll="forward").astype(str)
    return labels.astype(object)[inv]


def _agent(ids: np.ndarray) -> pd.Series:
    return pd.Series(np.where(ids >= 0, ids, 0), dtype="Int64").mask(ids < 0)


def calls_frame(model: ContactCentreModel) -> pd.DataFrame | None:
    """The run's call-detail records as a table (None when ``export.calls`` is off).

    Parameters
    ----------
    model : ContactCentreModel
        The model after (or during) its run; its call records are read, not changed.

    Returns
    -------
    pandas.DataFrame or None
        One row per call offered, the columns of :data:`CALL_COLUMNS`.
    """
    rec = model.call_records
    if rec is None:
        return None
    c = rec.columns()
    opening = round(3600.0 * day_start_h(model.cfg))
    n = len(c["day"])
    ans, ans2, tr = c["answered"], c["answered2"], c["transferred"]
    df = pd.DataFrame(
        {
            "call_id": np.arange(1, n + 1, dtype=np.int64),
            "date": model.calendar.iso(c["day"]),
            "day": c["day"],
            "customer_id": c["customer_id"],
            "q_start": clock(c["arrival_s"], opening),
            "q_exit": clock(c["q_exit_s"], opening),
            "q_time": np.round(c["q_exit_s"] - c["arrival_s"], 1),
            "outcome": np.where(ans, "AGENT", "HANG").astype(object),
            "ser_start": clock(c["ser_start_s"], opening),
            "ser_exit": clock(c["ser_exit_s"], opening),
            "ser_time": np.round(c["ser_exit_s"] - c["ser_start_s"], 1),
            "server": _agent(c["server"]),
            # the first leg's service time in its parts (they sum to ser_time)
            "talk_time": np.round(c["ser_exit_s"] - c["ser_start_s"] - c["hold_s"] - c["acw_s"], 1),
            "hold_time": np.round(c["hold_s"], 1),
            "acw_time": np.round(c["acw_s"], 1),
            "transferred": tr,
            "q2_time": np.round(c["q2_exit_s"] - c["ser_exit_s"], 1),
            "outcome2": np.where(tr, np.where(ans2, "AGENT", "HANG"), None).astype(object),
            "ser2_start": clock(c["ser2_start_s"], opening),
            "ser2_exit": clock(c["ser2_exit_s"], opening),
            "ser2_time": np.round(c["ser2_exit_s"] - c["ser2_start_s"], 1),
            "server2": _agent(c["server2"]),
            "disposition": np.array(DISPOSITIONS, dtype=object)[c["disposition"]],
        }
    )
    df["disposition"] = df["disposition"].where(df["disposition"] != "", None)
    return df[list(CALL_COLUMNS)]
