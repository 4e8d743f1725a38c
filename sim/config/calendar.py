"""Config section of the centre's calendar: the week, opening hours per weekday, public
holidays, monthly seasonality, rotas with days off and how annual leave is booked
(``docs/workforce.md``, "The calendar").

The defaults reproduce the five-day week the model always had: Monday to Friday from
2024-01-01, every day open for ``channels.open_s``, no holidays, no seasonality, everyone
on every open day.  One model step is one *open day* (a day the phones open) and carries
a calendar date; closed weekdays and holidays are not steps.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from .fields import one_of, within

#: Weekday names, Monday first (the order of ``calendar.open_hours`` and of seven
#: ``demand.weekday_factors``).
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class CalendarConfig:
    """The centre's week, opening hours, holidays, seasonality and rotas."""

    # Weekdays the centre may open: 5 (Monday-Friday) or 7 (every day).
    days_per_week: int = field(default=5, metadata=one_of(5, 7))
    # Date of the run's first day (ISO); the first open day on or after it is day 0.
    start_date: str = "2024-01-01"
    # Clock time (hours after midnight) of the day grid's start, the time 0 of the
    # model's day (its intervals cover channels.open_s from there).  null: 08:00, or
    # midnight when the grid is longer than 16 h (the call export's convention).
    day_start_h: float | None = field(default=None, metadata=within(0.0, 24.0))
    # Opening hours per weekday, Monday first: each [open, close] in clock hours (within
    # the day grid, on interval boundaries) or null = closed that weekday.  Five or
    # seven entries (Saturday and Sunday closed with days_per_week 5).  null: every
    # weekday of the week open for the whole grid.
    open_hours: Any = None
    # Public holidays: ISO dates on which the centre is closed (not steps).
    holidays: list[str] = field(default_factory=list)
    # Monthly volume multipliers, January first (12 positive numbers, normalised to mean
    # 1); null = no seasonality.
    seasonality: list[float] | None = None
    # Days a week each employee works (rotas): with more open weekdays than this, each
    # employee has days off, placed on the quietest weekdays by the plan.
    work_days_per_week: int = field(default=5, metadata=within(1, 7))
    # Days off: "rotating" (the week's days-off patterns pass from one employee to the
    # next each week, so everyone gets the weekend in turn) or "fixed" (the same days
    # every week).
    days_off: str = field(default="rotating", metadata=one_of("rotating", "fixed"))
    # Annual leave (share workforce.annual_leave_share): "random" (that share of the
    # staff drawn at random each day) or "booked" (each employee books whole weeks,
    # spread evenly over the year, each off the phones in the weeks it is taken).
    leave: str = field(default="random", metadata=one_of("random", "booked"))


def _date_problem(key: str, value: object) -> str:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return f"{key}={value!r} is not allowed: an ISO date (YYYY-MM-DD)"
    return ""


def calendar_problems(cfg: Any) -> list[str]:
    """Cross-field rules of ``calendar`` (one line each; empty: valid).

    Dates are ISO dates; ``open_hours`` has 5 or 7 entries, each null or [open, close]
    with open < close inside the day grid (``channels.open_s`` from ``day_start_h``) on
    the planning intervals' boundaries, Saturday and Sunday closed with a five-day
    week, and at least one weekday open; ``seasonality`` has 12 positive numbers.

    Parameters
    ----------
    cfg : Config
        The config being validated.
    """
    cal, out = cfg.calendar, []
    for key, v in [("calendar.start_date", cal.start_date)] + [
        ("calendar.holidays", h) for h in cal.holidays
    ]:
        if msg := _date_problem(key, v):
            out.append(msg)
    if cal.seasonality is not None:
        s = list(cal.seasonality)
        if len(s) != 12 or any(not (math.isfinite(x) and x > 0) for x in s):
            out.append(
                f"calendar.seasonality={s!r} is not allowed: twelve positive numbers, "
                "January..December (or null)"
            )
    if cal.day_start_h is not None and cal.day_start_h + cfg.channels.open_s / 3600.0 > 24 + 1e-9:
        out.append(
            f"calendar.day_start_h={cal.day_start_h!r} is not allowed with channels.open_s="
            f"{cfg.channels.open_s:g}: the day grid must end by midnight"
        )
    if cal.open_hours is None:
        return out
    hours = list(cal.open_hours)
    allowed = "5 or 7 entries, Monday first, each [open, close] clock hours or null"
    if len(hours) not in (5, 7):
        return [*out, f"calendar.open_hours={hours!r} is not allowed: {allowed}"]
    start = day_start_h(cfg)
    end = start + cfg.channels.open_s / 3600.0
    step_h = cfg.demand.interval_minutes / 60.0
    for w, h in enumerate(hours):
        key = f"calendar.open_hours[{w}] ({WEEKDAY_NAMES[w]})"
        if h is None:
            continue
        if w >= 5 and cal.days_per_week == 5:
            out.append(f"{key}={list(h)!r} is not allowed: null (closed) with days_per_week=5")
            continue
        try:
            o, c = (float(x) for x in h)
        except (TypeError, ValueError):
            out.append(f"{key}={h!r} is not allowed: {allowed}")
            continue
        pos = [(x - start) / step_h for x in (o, c)]
        on_grid = all(abs(p - round(p)) < 1e-6 for p in pos)
        if not (start - 1e-9 <= o < c <= end + 1e-9) or not on_grid:
            out.append(
                f"{key}={[o, c]!r} is not allowed: open < close within the day grid "
                f"{start:g}-{end:g} h, on {cfg.demand.interval_minutes}-minute boundaries"
            )
    if all(h is None for h in hours):
        out.append(f"calendar.open_hours={hours!r} is not allowed: at least one weekday open")
    return out


def day_start_h(cfg: Any) -> float:
    """Clock hour of the day grid's start: ``calendar.day_start_h``, else 8:00 (midnight
    when ``channels.open_s`` exceeds 16 h).

    Parameters
    ----------
    cfg : Config
        The run's configuration.
    """
    if cfg.calendar.day_start_h is not None:
        return float(cfg.calendar.day_start_h)
    return 8.0 if cfg.channels.open_s <= 16 * 3600 else 0.0
