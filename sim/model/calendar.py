"""The centre's calendar: which dates are open days, each weekday's opening hours and
volume, monthly seasonality, who works today (rotas with days off) and booked leave.

One model step is one *open day*: a date on which the phones open (``calendar``
section, ``sim/config/calendar.py``).  With ``days_per_week=5`` the open days are
Monday to Friday from ``start_date`` (day ``d`` is the ``d``-th weekday, as the model
always had); with 7 every weekday whose ``open_hours`` is not null.  Public holidays
are skipped: they are not steps.  Each open day carries its date, weekday and month
(:class:`Calendar`), so the call export's dates, the weekday factors, seasonality and
the rotas follow the calendar while ``days=`` keeps counting the days the centre works.

A day's opening hours are a window of the day grid (``channels.open_s`` from
``day_start_h``): calls arrive only inside it (the intraday profile is cut to the window
and renormalised) and the plan's forecast is zero outside it.  A day's volume is its
weekday factor (normalised to mean 1 over the open weekdays) times its month's factor
(normalised to mean 1) times the random busyness of the day (``arrivals.busyness``).

Rotas: with more open weekdays than ``work_days_per_week``, each employee has days off.
The plan deals the week's days-off patterns (``roster.days_off_patterns``) so that the
quiet weekdays carry the days off; :func:`on_rota` says who of a team works today (a
rotating rota passes the patterns on by one employee each week).  Annual leave is either
a random share of the staff each day (``leave="random"``, as before) or booked in whole
weeks spread evenly over the year (``leave="booked"``, :func:`on_leave`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from ..config import Config
from ..config.calendar import day_start_h
from .planning import Plan, initial_plan, make_plan
from .roster import days_off_patterns

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .employee import Employee

#: Key of the random stream of each employee's booked-leave weeks (``SeedSequence`` spawn
#: key with the employee's id): booking leave moves no other random number.
LEAVE_STREAM = 17


def open_weekdays(cfg: Config) -> np.ndarray:
    """Weekdays (0 = Monday) on which the centre opens, in order.

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    cal = cfg.calendar
    week = range(cal.days_per_week)
    if cal.open_hours is None:
        return np.array(list(week))
    hours = list(cal.open_hours) + [None] * (7 - len(cal.open_hours))
    return np.array([w for w in week if hours[w] is not None])


def open_window_s(cfg: Config, weekday: int) -> tuple[float, float]:
    """Opening and closing of ``weekday``, s since the day grid's start (the whole grid,
    ``0`` to ``channels.open_s``, when ``calendar.open_hours`` is null; an empty window
    on a closed weekday).

    Parameters
    ----------
    cfg:
        The run's configuration.
    weekday:
        0 = Monday.
    """
    hours = cfg.calendar.open_hours
    if hours is None:
        return 0.0, float(cfg.channels.open_s)
    if weekday >= len(hours) or hours[weekday] is None:  # closed: no window
        return 0.0, 0.0
    o, c = (float(x) for x in hours[weekday])
    start = day_start_h(cfg)
    return (o - start) * 3600.0, (c - start) * 3600.0


def weekday_factors(cfg: Config) -> np.ndarray:
    """Volume multiplier of each weekday (7 entries, 0 on weekdays never open):
    ``demand.weekday_factors`` normalised to mean 1 over the open weekdays, else 1.

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    out = np.zeros(7)
    days = open_weekdays(cfg)
    f = cfg.demand.weekday_factors
    if f is None:
        out[days] = 1.0
        return out
    f = np.asarray(list(f), dtype=float)
    out[days] = f[days] / f[days].mean()
    return out


def season_factors(cfg: Config) -> np.ndarray:
    """Volume multiplier of each month (12, January first): ``calendar.seasonality``
    normalised to mean 1, else 1.

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    s = cfg.calendar.seasonality
    if s is None:
        return np.ones(12)
    s = np.asarray(list(s), dtype=float)
    return s / s.mean()


class Calendar:
    """The open days of a run: each step's date, weekday, month and calendar week.

    Parameters
    ----------
    cfg:
        The run's configuration (``calendar``, ``demand.weekday_factors``).
    days:
        Open days to lay out (the run's ``days``; more are added on demand).
    """

    def __init__(self, cfg: Config, days: int) -> None:
        self.cfg = cfg
        self.first = np.datetime64(dt.date.fromisoformat(cfg.calendar.start_date), "D")
        self.holidays = np.array(
            [np.datetime64(dt.date.fromisoformat(h), "D") for h in cfg.calendar.holidays],
            dtype="datetime64[D]",
        )
        self.open = np.zeros(7, dtype=bool)
        self.open[open_weekdays(cfg)] = True
        self.factors = weekday_factors(cfg)
        self.seasons = season_factors(cfg)
        self.dates = np.zeros(0, dtype="datetime64[D]")
        self._extend(days + 1)

    def _extend(self, days: int) -> None:
        """Lay out at least ``days`` open days from the start date."""
        span = int(days * 7 / max(1, self.open.sum())) + len(self.holidays) + 14
        while True:
            cand = self.first + np.arange(span)
            wd = (cand.astype(np.int64) - 4) % 7  # 1970-01-01 was a Thursday
            keep = self.open[wd] & ~np.isin(cand, self.holidays)
            if keep.sum() >= days:
                self.dates = cand[keep][:days]
                return
            span *= 2

    def _fit(self, day: int | np.ndarray) -> None:
        top = int(np.max(day)) if np.size(day) else 0
        if top >= len(self.dates):
            self._extend(2 * top + 1)

    def date(self, day: int | np.ndarray) -> np.ndarray:
        """Calendar date(s) of open day(s) ``day`` (``datetime64[D]``).

        Parameters
        ----------
        day:
            Open-day index (the model's day), or an array of them.
        """
        self._fit(day)
        return self.dates[day]

    def weekday(self, day: int | np.ndarray) -> np.ndarray | int:
        """Weekday(s) of open day(s) ``day`` (0 = Monday).

        Parameters
        ----------
        day:
            Open-day index, or an array of them.
        """
        return (self.date(day).astype(np.int64) - 4) % 7

    def week(self, day: int) -> int:
        """Calendar weeks (Monday to Sunday) since the start date's week.

        Parameters
        ----------
        day:
            Open-day index.
        """
        monday0 = self.first.astype(np.int64) - (self.first.astype(np.int64) - 4) % 7
        return int((self.date(day).astype(np.int64) - monday0) // 7)

    def volume(self, day: int) -> float:
        """Volume multiplier of open day ``day``: its weekday factor x its month's factor.

        Parameters
        ----------
        day:
            Open-day index.
        """
        month = int(self.date(day).astype("datetime64[M]").astype(np.int64) % 12)
        return float(self.factors[self.weekday(day)] * self.seasons[month])

    def propensity(self, day: int) -> float:
        """Share of the contacts due on open day ``day`` that customers make that day:
        its weekday factor over the largest weekday factor (1 on the busiest weekdays,
        and every day when the weekdays are alike).

        Parameters
        ----------
        day:
            Open-day index.
        """
        return float(self.factors[self.weekday(day)] / self.factors.max())

    def iso(self, days: np.ndarray) -> np.ndarray:
        """``YYYY-MM-DD`` of open days (an object array, for the call export).

        Parameters
        ----------
        days:
            Open-day indices.
        """
        uniq, inv = np.unique(days, return_inverse=True)
        return self.date(uniq).astype(str).astype(object)[inv]


def weekday_aware(cfg: Config) -> bool:
    """Whether the plan is made weekday by weekday: weekday factors, a seven-day week or
    opening hours per weekday are set (otherwise every open day is alike and one plan,
    as the model always made, serves them all).

    Parameters
    ----------
    cfg:
        The run's configuration.
    """
    cal = cfg.calendar
    return (
        cfg.demand.weekday_factors is not None
        or cal.days_per_week == 7
        or cal.open_hours is not None
    )


def window_mask(cfg: Config, weekday: int, n: int) -> np.ndarray:
    """Which of the ``n`` planning intervals of the grid are open on ``weekday``.

    Parameters
    ----------
    cfg:
        The run's configuration.
    weekday:
        0 = Monday.
    n:
        Intervals in the day grid.
    """
    o, c = open_window_s(cfg, weekday)
    step = cfg.channels.open_s / n
    mid = (np.arange(n) + 0.5) * step
    return (mid > o) & (mid < c)


def weekday_shares(cfg: Config, shares: np.ndarray, weekday: int) -> np.ndarray:
    """The intraday profile cut to ``weekday``'s opening hours, renormalised (the whole
    profile when the window is the grid, or when no interval of it carries calls).

    Parameters
    ----------
    cfg:
        The run's configuration.
    shares:
        Share of the day's calls per interval of the grid (sums to 1).
    weekday:
        0 = Monday.
    """
    cut = np.where(window_mask(cfg, weekday, shares.shape[0]), shares, 0.0)
    total = cut.sum()
    return shares if total <= 0.0 else cut / total


def weekday_history(
    history: np.ndarray, weekdays: np.ndarray, weekday: int, window: int
) -> np.ndarray:
    """The rows of an offered-calls ``history`` the plan of ``weekday`` forecasts from:
    the days of that weekday among the last ``window`` days (at least one: the latest of
    that weekday in the whole history, else the whole window).

    Parameters
    ----------
    history:
        Calls offered per interval, one row per past open day (days x intervals).
    weekdays:
        The weekday of each row.
    weekday:
        The weekday planned (0 = Monday).
    window:
        Days of history the forecast averages (``workforce.forecast_days``).
    """
    recent = np.arange(history.shape[0])[-window:]
    rows = recent[weekdays[recent] == weekday]
    if rows.shape[0] == 0:
        rows = np.flatnonzero(weekdays == weekday)[-1:]
    if rows.shape[0] == 0:
        rows = recent
    return history[rows]


def on_leave(cfg: Config, emp: Employee, week: int) -> bool:
    """Whether ``emp`` is on booked leave in calendar week ``week``: whole weeks, one in
    every ``round(1 / workforce.annual_leave_share)`` weeks (0.06: one in 17, three weeks
    a year), at the employee's own offset (drawn from its own stream keyed by the seed
    and the employee's id, so booking leave moves no other random number).

    Parameters
    ----------
    cfg:
        The run's configuration.
    emp:
        The employee.
    week:
        Calendar week (``Calendar.week``).
    """
    share = cfg.workforce.annual_leave_share
    if share <= 0.0:
        return False
    every = max(1, round(1.0 / share))
    seq = np.random.SeedSequence(cfg.seed, spawn_key=(LEAVE_STREAM, int(emp.unique_id)))
    offset = int(np.random.default_rng(seq).integers(0, every))
    return (week + offset) % every == 0


def on_rota(model: ContactCentreModel, team: int, seated: list[Employee]) -> list[Employee]:
    """Who of ``team``'s seated staff is at work today, before absence: neither on a day
    off (the team's rota: ``model.rotas``) nor on annual leave (``calendar.leave``).

    Days off: the employees of each contract length, in seat order, take the plan's
    days-off patterns of that length in turn (employee ``j`` the pattern ``j`` (+ the
    calendar week, rotating), modulo the patterns).  Leave: ``random`` draws the share
    ``workforce.annual_leave_share`` of the team each day (the count rounded at random),
    ``booked`` keeps out those in a booked leave week (:func:`on_leave`).

    Parameters
    ----------
    model:
        The centre (read: configuration, calendar, rotas, random generator).
    team:
        ``FRONT`` or ``SPECIALIST``.
    seated:
        The team's seated employees, in seat order.
    """
    cfg, rng, cal = model.cfg, model.rng, model.calendar
    d = model.day
    patterns = model.rotas[team]
    if patterns:
        weekday = int(cal.weekday(d))
        turn = cal.week(d) if cfg.calendar.days_off == "rotating" else 0
        seen: dict[float, int] = {}
        works = []
        for s in seated:
            mine = patterns.get(s.contract_s)
            j = seen.get(s.contract_s, 0)
            seen[s.contract_s] = j + 1
            if not mine or weekday not in mine[(j + turn) % len(mine)]:
                works.append(s)
        seated = works
    if cfg.calendar.leave == "booked":
        week = cal.week(d)
        return [s for s in seated if not on_leave(cfg, s, week)]
    leave = cfg.workforce.annual_leave_share * len(seated)
    n_leave = int(leave) + int(rng.random() < leave - int(leave))
    if n_leave:
        off = set(rng.choice(len(seated), size=n_leave, replace=False).tolist())
        seated = [s for i, s in enumerate(seated) if i not in off]
    return seated


# ================================================================ the week's plans
def week_rota(cfg: Config, plans: dict[int, Plan]) -> dict[float, list[frozenset[int]]]:
    """The rota of a week of weekday plans: each contract length's headcount and
    days-off patterns (``roster.days_off_patterns``) from its shifts on each weekday;
    the headcount is set on every plan (``Plan.week_heads``, what hiring aims at).

    Parameters
    ----------
    cfg:
        The run's configuration (``calendar.work_days_per_week``).
    plans:
        Each open weekday's plan.
    """
    days = open_weekdays(cfg)
    lengths = sorted({float(x) for p in plans.values() for x in p.ends_s - p.starts_s})
    heads: dict[float, int] = {}
    rota: dict[float, list[frozenset[int]]] = {}
    for length in lengths:
        need = np.zeros(7, dtype=np.int64)
        for w, p in plans.items():
            need[w] = int(np.isclose(p.ends_s - p.starts_s, length).sum())
        h, patterns = days_off_patterns(need, days, cfg.calendar.work_days_per_week)
        heads[length] = h
        if patterns:
            rota[length] = patterns
    for p in plans.values():
        p.week_heads = heads
    return rota


def first_week(
    cfg: Config, team: int, headcount: int, shares: np.ndarray
) -> tuple[dict[int, Plan], dict[float, list[frozenset[int]]]]:
    """The first plans of a weekday-aware calendar: each open weekday rosters its share
    of the starting staff (``headcount`` x work days / open weekdays x the weekday's
    factor, at most ``headcount``) along its profile cut to its opening hours.

    Parameters
    ----------
    cfg:
        The run's configuration.
    team:
        ``FRONT`` or ``SPECIALIST``.
    headcount:
        The team's starting headcount.
    shares:
        Share of the day's calls per interval of the grid.
    """
    days = open_weekdays(cfg)
    work = min(cfg.calendar.work_days_per_week, len(days))
    f = weekday_factors(cfg)
    plans = {
        int(w): initial_plan(
            cfg,
            team,
            min(headcount, int(np.floor(headcount * work / len(days) * f[w] + 1e-9))),
            weekday_shares(cfg, shares, int(w)),
        )
        for w in days
    }
    rota = week_rota(cfg, plans)
    return plans, rota


def week_plans(
    model: ContactCentreModel, team: int, d: int, aht_s: float
) -> tuple[dict[int, Plan], dict[float, list[frozenset[int]]]]:
    """Each open weekday's plan from that weekday's offered calls in the team's history
    (``weekday_history``) and the dashboard's AHT; then the week's rota.

    Parameters
    ----------
    model:
        The centre (read: configuration, calendar, offered-calls history).
    team:
        ``FRONT`` or ``SPECIALIST``.
    d:
        The plans' first day (open-day index).
    aht_s:
        The dashboard's average handle time, s.
    """
    cfg = model.cfg
    history = np.array(model.offered_log[team])
    weekdays = np.asarray(model.calendar.weekday(np.arange(history.shape[0])))
    plans = {
        int(w): make_plan(
            cfg,
            team,
            d,
            weekday_history(history, weekdays, int(w), cfg.workforce.forecast_days),
            aht_s,
        )
        for w in open_weekdays(cfg)
    }
    return plans, week_rota(cfg, plans)
