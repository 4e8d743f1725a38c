"""The front line staffed as the centre's data did (``workforce.staffing=observed``).

``workforce.observed_on_phones`` holds, per weekday, the mean agents on the phones in each
interval of the opening hours (``kpisim calibrate`` estimates it from agent activity,
``sim/calibrate/staffing.py``); ``workforce.observed_on_phones_by_date`` the same per
calendar date of the data.  A day whose date has a row is staffed with that date's
agent-hours (the back-test of the data's month replays its staffing date by date: the
centre staffed each date, not a weekday's average), spread over the day in its weekday's
shape (``workforce.observed_dates=level``, the default) or interval by interval as the
date's row (``intervals``); any other day by its weekday's row.  ``level`` because part
of a date's interval-by-interval deviation from its weekday's shape is the agents'
response to that interval's own calls, which a run drawing its own calls cannot replay.
It is what was on the phones *after* the centre's breaks, absence and leave: in this
mode nothing removes agents from it, so the day's agents on the phones
(``RunResult.intervals`` ``on_phones``) equal the day's row (:func:`observed_row`),
interval by interval.

How: the row is cut into layers, layer ``j`` covering ``clip(row - j, 0, 1)`` of each
interval (from the interval's start), so that the mean agents on the phones of an
interval is ``row[i]`` exactly (a fractional agent is one working that share of the
interval).  Each layer's contiguous stretches are duty rows without off-phone blocks;
the layers are worked by the team's seated employees (absent or on leave or not: the
table already nets them out), layer ``j`` by the ``j``-th in seat order rotated by the
day, so the peak layers pass round the team.  A layer beyond the seated staff is not
worked (the plan's hiring, raised to the table's peak in this mode, prevents it after the
first plan).  A manager's coaching session still lengthens the coached agent's
activity block: a new session is a change to the centre, not part of its data.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..config import Config
    from .centre import ContactCentreModel

#: The weekdays of the table's rows, Monday first (the calendar's weekday 0).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def observed_row(cfg: Config, weekday: int, date: str | None = None) -> np.ndarray:
    """Agents on the phones per interval on a day of ``weekday``: the table's row of that
    weekday (the mean of the weekday rows when the weekday has none); when the per-date
    table has the day's own ``date``, that date's agent-hours in the weekday row's shape
    (``workforce.observed_dates=level``) or the date's row itself (``intervals``).

    Parameters
    ----------
    cfg:
        The run's configuration (``workforce.observed_on_phones`` and
        ``workforce.observed_on_phones_by_date``).
    weekday:
        The open day's weekday (0 = Monday; ``Calendar.weekday``).
    date:
        The open day's date, ``YYYY-MM-DD`` (``Calendar.date``); None: by weekday only.
    """
    table = cfg.workforce.observed_on_phones
    row = table.get(WEEKDAYS[weekday])
    if row is None:
        week = np.mean([np.asarray(r, dtype=float) for r in table.values()], axis=0)
    else:
        week = np.asarray(row, dtype=float)
    dated = cfg.workforce.observed_on_phones_by_date.get(date) if date else None
    if dated is None:
        return week
    dated = np.asarray(dated, dtype=float)
    if cfg.workforce.observed_dates == "intervals" or week.sum() <= 0.0:
        return dated
    return week * (dated.sum() / week.sum())  # the date's agent-hours, the weekday's shape


def observed_peak(cfg: Config) -> np.ndarray:
    """The most agents on the phones any day asks for, per interval: the maximum over
    the weekday rows and every dated row as it staffs its date (:func:`observed_row`);
    the front line's plan hires for it.

    Parameters
    ----------
    cfg:
        The run's configuration (``workforce.observed_*``).
    """
    wf = cfg.workforce
    rows = [observed_row(cfg, WEEKDAYS.index(w)) for w in wf.observed_on_phones]
    for date in wf.observed_on_phones_by_date:
        rows.append(observed_row(cfg, datetime.date.fromisoformat(date).weekday(), date))
    return np.max(np.asarray(rows, dtype=float), axis=0)


def layer_spans(row: np.ndarray, w: float) -> list[list[tuple[float, float]]]:
    """The row's layers as stretches on the phones: per layer ``j`` the (start, end), s
    since opening, of its contiguous time covering ``clip(row - j, 0, 1)`` of each
    interval from the interval's start.

    Parameters
    ----------
    row:
        Agents on the phones per interval (mean agents, >= 0).
    w:
        Length of an interval, s.
    """
    layers = []
    for j in range(int(np.ceil(row.max(initial=0.0) - 1e-12))):
        share = np.clip(row - j, 0.0, 1.0)
        spans: list[tuple[float, float]] = []
        for i, c in enumerate(share):
            if c <= 0.0:
                continue
            a, b = i * w, i * w + c * w
            if spans and abs(spans[-1][1] - a) < 1e-9:
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
        layers.append(spans)
    return layers


def observed_shifts(
    model: ContactCentreModel, team: int, w: float
) -> tuple[list, np.ndarray, np.ndarray]:
    """Today's on-phone stretches of ``team`` staffed as the data's weekday: (employee of
    each stretch, its start, its end, s since opening); no off-phone blocks, no overtime
    (module docstring); new hires in the classroom take no layer.  ``workforce.attend``
    makes them the team's duty.

    Parameters
    ----------
    model:
        The centre (read: configuration, the day, the seated staff).
    team:
        The team staffed (the front line).
    w:
        Length of a planning interval, s (``planning.interval_s``).
    """
    cfg, d = model.cfg, model.day
    seated = [s for s in model.staff if s.team == team and not s.in_classroom]
    date = str(model.calendar.date(d)) if cfg.workforce.observed_on_phones_by_date else None
    row = observed_row(cfg, int(model.calendar.weekday(d)), date)
    layers = layer_spans(row, w)
    staff, starts, ends = [], [], []
    n = len(seated)
    for j, spans in enumerate(layers[:n]):
        emp = seated[(j + d) % n]
        for a, b in spans:
            staff.append(emp)
            starts.append(a)
            ends.append(b)
    return staff, np.array(starts, dtype=float), np.array(ends, dtype=float)
