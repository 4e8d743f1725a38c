"""The workforce: quits and dismissals, daily attendance.

Each employee occupies a seat and belongs to a team (front line or specialists).  A
team's headcount follows its staffing plan (``planning.py``) through requisitions and
hiring (``onboarding.py``: the starting staff, requisitions, the hiring lag and cost,
classroom training and nesting); when the plan needs fewer people, open requisitions
are cancelled and attrition closes the gap (nobody is laid off).  Each day every
employee not in the classroom may be absent (more so at low morale); the present ones
work the plan's shifts, and overtime covers part of a shortfall (``attendance``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress
from typing import TYPE_CHECKING

import numpy as np

from ..config import EmployeesConfig, WorkforceConfig
from ..units import DAYS_PER_YEAR
from .calendar import on_rota
from .employee import HEALTHY_MORALE, Employee, column, salary_annual
from .onboarding import classroom_today, rebalance
from .planning import (
    ACTIVITY,
    FRONT,
    N_BLOCKS,
    SPECIALIST,
    Plan,
    interval_s,
    on_phone_agents,
    with_breaks,
)
from .staffing_observed import observed_shifts

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .ledgers import DayRecord


def headcount(model: ContactCentreModel, team: int, staff: list[Employee] | None = None) -> int:
    """Employees seated in ``team`` (new hires in the classroom included).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    team:
        ``FRONT`` or ``SPECIALIST``.
    staff:
        ``model.staff`` when the caller has it already.
    """
    return [s.team for s in (model.staff if staff is None else staff)].count(team)


def quit_today(model: ContactCentreModel, d: int, row: DayRecord) -> None:
    """Each employee quits with their daily quit hazard (``quit_hazard``).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    d:
        Today (working day index).
    row:
        Today's record (``ledgers.DayRecord``), booked in place.
    """
    staff = model.staff
    hazard = quit_hazard(model.cfg.employees, column(staff, "morale"))
    quit = model.rng.random(len(staff)) < hazard
    leavers = list(compress(staff, quit))
    leave(model, leavers, d)
    row["quits"] = row.get("quits", 0) + len(leavers)
    row["quits_expected"] = row.get("quits_expected", 0.0) + float(hazard.sum())


def dismiss(model: ContactCentreModel, employees: list[Employee], d: int, row: DayRecord) -> None:
    """Dismiss employees (forced ranking); they count in staff turnover (``row``: the
    day's record).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    employees:
        The employees dismissed.
    d:
        Today (working day index).
    row:
        Today's record (``ledgers.DayRecord``), booked in place.
    """
    leave(model, employees, d)
    row["quits"] = row.get("quits", 0) + len(employees)
    row["dismissals"] = row.get("dismissals", 0) + len(employees)


def leave(model: ContactCentreModel, leavers: list[Employee], d: int) -> None:
    """Empty the leavers' seats; replacements are requested when the plan needs them.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). The leavers' seats are
        emptied.
    leavers:
        The employees who leave.
    d:
        Today (working day index).
    """
    for emp in leavers:
        model.seats[emp.seat] = None
        model.seat_ledger.quit(emp.seat)
        emp.remove()
    if leavers:
        for team in {emp.team for emp in leavers}:
            rebalance(model, team, d)


def quit_hazard(e: EmployeesConfig, morale: np.ndarray) -> np.ndarray:
    """Daily probability of quitting at each ``morale``: the base attrition, raised as
    morale falls (``employees.morale_quit_sensitivity``).

    Parameters
    ----------
    e:
        The employees' configuration.
    morale:
        Each employee's morale, 0-1.
    """
    base = e.attrition_annual_base / DAYS_PER_YEAR
    return np.minimum(1.0, base * np.exp(e.morale_quit_sensitivity * (HEALTHY_MORALE - morale)))


def absence_p(wf: WorkforceConfig, morale: np.ndarray) -> np.ndarray:
    """Daily probability of being absent at each ``morale``: ``workforce.absence_base``,
    raised as morale falls (Deery, Iverson & Walsh 2002: emotional exhaustion ->
    absence); the one home of the rule.

    Parameters
    ----------
    wf:
        The workforce configuration.
    morale:
        Each employee's morale, 0-1.
    """
    k = wf.absence_morale_sensitivity
    return np.minimum(1.0, wf.absence_base * np.exp(k * (HEALTHY_MORALE - morale)))


@dataclass
class Duty:
    """Today's present agents of one team and their shifts (s since opening).

    ``brk_start``/``brk_len``: each agent's off-phone activity block (coaching, training,
    meetings; managers' coaching lengthens it); ``rest_start``/``rest_len`` (agents x
    ``N_BLOCKS``, the activity column empty): rest breaks and lunch, as the plan placed
    them against demand."""

    staff: list[Employee]
    start: np.ndarray
    end: np.ndarray
    brk_start: np.ndarray
    brk_len: np.ndarray
    overtime_s: float  # planned overtime (shift extensions), agent-seconds
    rest_start: np.ndarray | None = None
    rest_len: np.ndarray | None = None

    def blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """Every off-phone block of each agent: (starts, lengths), s, agents x
        ``N_BLOCKS`` (the activity block in column ``ACTIVITY``)."""
        k = self.start.shape[0]
        st = np.zeros((k, N_BLOCKS)) if self.rest_start is None else self.rest_start.copy()
        ln = np.zeros((k, N_BLOCKS)) if self.rest_len is None else self.rest_len.copy()
        st[:, ACTIVITY] = self.brk_start
        ln[:, ACTIVITY] = self.brk_len
        return st, ln


def attend(model: ContactCentreModel, row: DayRecord) -> list[Duty]:
    """Today's duties of both teams (front line first), after one more day of tenure
    for every seated employee.  With ``workforce.staffing=observed`` the front line's
    duty is the data's table instead (``staffing_observed``; attendance is still drawn,
    so the random stream is the plan mode's, but removes nobody).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    row:
        Today's record (``ledgers.DayRecord``), booked in place.
    """
    for emp in model.staff:
        emp.work_day()
    duties = [attendance(model, team, row) for team in (FRONT, SPECIALIST)]
    if model.cfg.workforce.staffing == "observed":  # the front line as the data staffed it
        staff, start, end = observed_shifts(model, FRONT, interval_s(model.cfg))
        k = len(staff)
        z = np.zeros((k, N_BLOCKS))
        duties[FRONT] = Duty(staff, start, end, np.zeros(k), np.zeros(k), 0.0, z, z.copy())
    return duties


def attendance(model: ContactCentreModel, team: int, row: DayRecord) -> Duty:
    """Who of ``team`` comes to work today and which shift each works.

    New hires in the classroom are not on the phones (``onboarding.classroom_today``).
    Those on a day off or on annual leave stay home (``calendar.on_rota``: the rota of
    the plan; leave a random share of the staff each day, or booked weeks); each other employee
    is absent with ``absence_p`` of their morale.  The present ones take the plan's
    shifts of their contract length in random order, with the breaks, lunch and activity
    block the plan placed on each shift.  When too few of a length are present a random
    subset of its shifts is worked; people beyond their length's shifts (the plan changed
    its contract mix and the hires it asked for are not in yet) cover the shifts of other
    lengths nobody works, stretch by stretch (``_spare_starts``, their breaks placed by
    the rules), and only then double up on shifts of their own length.  Up to
    ``workforce.overtime_max_share`` of the present agents extend their shift by
    ``workforce.overtime_hours`` (when it ends before closing).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    team:
        ``FRONT`` or ``SPECIALIST``.
    row:
        Today's record (``ledgers.DayRecord``), booked in place.
    """
    cfg, rng = model.cfg, model.rng
    wf, close = cfg.workforce, cfg.channels.open_s
    seated = on_rota(
        model, team, classroom_today(cfg, [s for s in model.staff if s.team == team], row)
    )
    absent = rng.random(len(seated)) < absence_p(wf, column(seated, "morale"))
    present = list(compress(seated, ~absent))
    row["absent"] = row.get("absent", 0) + int(absent.sum())
    plan = model.plans[team]
    lengths = plan.ends_s - plan.starts_s
    posts_of: dict[float, np.ndarray] = {}  # the plan's shifts of each contract length

    def posts_for(length: float) -> np.ndarray:
        if length not in posts_of:  # np.isclose's test (finite lengths), without its overhead
            near = np.abs(lengths - length) <= 1e-8 + 1e-5 * abs(length)
            posts_of[length] = np.flatnonzero(near)
        return posts_of[length]

    staff: list[Employee] = []
    starts, ends, b_st, b_ln = [], [], [], []
    open_spans: list[tuple[float, float]] = []  # posts nobody of their length works today
    spare: list[tuple[list[Employee], float]] = []  # present beyond their length's posts
    for length in sorted({s.contract_s for s in present}):
        group = [e for e in present if e.contract_s == length]
        group = [group[i] for i in rng.permutation(len(group))]
        posts = posts_for(length)
        k, n = len(group), posts.shape[0]
        if n == 0 or plan.brk_start is None:  # no shift of this length (or no breaks)
            first = float(plan.starts_s.min()) if plan.headcount else 0.0
            st = np.full(k, min(first, close - length))
            if n:
                st = plan.starts_s[posts[np.arange(k) % n]]
            bs, bl = _own_breaks(model, st, np.minimum(st + length, close))
        else:
            if k > n:  # the spare ones cover posts of other lengths nobody works
                spare.append((group[n:], length))
                group, k = group[:n], n
            take = posts if k == n else np.sort(rng.choice(posts, k, False))
            kept = np.ones(n, dtype=bool)  # posts are sorted and distinct, take among them
            kept[np.searchsorted(posts, take)] = False
            gone = posts[kept]
            open_spans += [(float(plan.starts_s[i]), float(plan.ends_s[i])) for i in gone]
            st, bs, bl = plan.starts_s[take], plan.brk_start[take], plan.brk_len[take]
        staff += group
        starts.append(st)
        ends.append(np.minimum(st + length, close))
        b_st.append(bs)
        b_ln.append(bl)
    for group, length in spare:
        st = _spare_starts(open_spans, len(group), length)
        posts = posts_for(length)
        double = posts[np.arange(len(group) - st.shape[0]) % posts.shape[0]]
        staff += group
        starts += [st, plan.starts_s[double]]
        ends += [np.minimum(st + length, close), np.minimum(plan.starts_s[double] + length, close)]
        bs, bl = np.zeros((0, N_BLOCKS)), np.zeros((0, N_BLOCKS))
        if st.shape[0]:
            bs, bl = _own_breaks(model, st, np.minimum(st + length, close))
        b_st += [bs, plan.brk_start[double]]
        b_ln += [bl, plan.brk_len[double]]
    short = plan.headcount - len(present)  # shifts nobody works today
    start = np.concatenate(starts) if starts else np.zeros(0)
    end = np.concatenate(ends) if ends else np.zeros(0)
    rest_start = np.concatenate(b_st) if b_st else np.zeros((0, N_BLOCKS))
    rest_len = np.concatenate(b_ln) if b_ln else np.zeros((0, N_BLOCKS))
    k = start.shape[0]
    brk_start, brk_len = rest_start[:, ACTIVITY].copy(), rest_len[:, ACTIVITY].copy()
    rest_len[:, ACTIVITY] = 0.0
    over = 0.0
    if short > 0 and k > 0 and wf.overtime_hours > 0:
        can = np.flatnonzero(end < close)
        n_ot = min(short, int(wf.overtime_max_share * k), can.shape[0])
        if n_ot > 0:
            ot = rng.choice(can, size=n_ot, replace=False)
            new_end = np.minimum(end[ot] + wf.overtime_hours * 3600.0, close)
            over = float((new_end - end[ot]).sum())
            end[ot] = new_end
    return Duty(staff, start, end, brk_start, brk_len, over, rest_start, rest_len)


def _spare_starts(open_spans: list[tuple[float, float]], k: int, length: float) -> np.ndarray:
    """Shift starts of up to ``k`` present agents of contract ``length`` beyond the plan's
    posts of that length: each covers the next stretch of a post nobody works today
    (``open_spans``, consumed; a longer post stretch by stretch, from its start).  The
    ones left over double up on posts of their own length."""
    starts = []
    while open_spans and len(starts) < k:
        s0, e0 = open_spans.pop(0)
        starts.append(max(0.0, min(s0, e0 - length)))
        if e0 - s0 > length + 1e-6:  # the rest of the post stays open
            open_spans.insert(0, (s0 + length, e0))
    return np.array(starts, dtype=float)


def _own_breaks(model: ContactCentreModel, start: np.ndarray, end: np.ndarray):
    """Off-phone blocks of shifts the plan does not have (placed by the same rules with
    no demand to follow): (starts, lengths), agents x ``N_BLOCKS``."""
    n = model.plans[FRONT].scheduled.shape[0]
    p = Plan(-1, 0, np.zeros(n), 0.0, np.zeros(n), np.zeros(n), start, end, "own")
    p = with_breaks(model.cfg, p, np.zeros(n))
    return p.brk_start, p.brk_len


def on_phones(model: ContactCentreModel, duty: Duty) -> np.ndarray:
    """Mean agents of a duty on the phones per interval (shifts minus every off-phone
    block).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    duty:
        A team's duty today.
    """
    st, ln = duty.blocks()
    return on_phone_agents(model.cfg, duty.start, duty.end, st, ln)


def daily_pay_hours(model: ContactCentreModel) -> tuple[float, float]:
    """Paid hours of the seated staff today (salaried: absent ones are paid too) and
    their loaded cost at the base rate.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    """
    cfg = model.cfg
    staff = model.staff
    contract = column(staff, "contract_s")
    salary = salary_annual(cfg, column(staff, "tenure_days"), contract)
    # the builtin sum of the floats in seat order (compensated: not numpy's sum)
    hours = sum(contract.tolist()) / 3600.0
    cost = sum(salary.tolist()) * cfg.costs.loading / DAYS_PER_YEAR
    return hours, cost
