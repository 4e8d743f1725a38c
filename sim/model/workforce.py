"""The workforce: hiring towards the plan, quits and dismissals, daily attendance.

Each employee occupies a seat and belongs to a team (front line or specialists).  A
team's headcount follows its staffing plan (``planning.py``): when seated employees plus
open requisitions fall short of the plan, requisitions open and are filled by novices
``employees.hiring_lag_days`` later, at a replacement cost of
``employees.replacement_cost_months`` of an experienced salary (Holman, Batt & Holtgrewe
2007: 3-4 months' pay); when the plan needs fewer people, open requisitions are cancelled
and attrition closes the gap (nobody is laid off).  Each day every employee may be
absent (more so at low morale); the present ones work the plan's shifts, and overtime
covers part of a shortfall (``attendance``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import EmployeesConfig, WorkforceConfig
from ..units import DAYS_PER_YEAR
from . import behavior as bh
from . import fairness
from .calendar import on_rota
from .customers import beta
from .employee import HEALTHY_MORALE, Employee
from .pay_reference import expected_gain
from .planning import (
    ACTIVITY,
    FRONT,
    N_BLOCKS,
    SPECIALIST,
    Plan,
    on_phone_agents,
    with_breaks,
)
from .staffing_observed import observed_shifts

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .ledgers import DayRecord

#: Spread of a new employee's starting morale around ``employees.morale_initial``.
MORALE_INITIAL_SD = 0.05
#: Bounds of an employee's potential skill (resolution probability).
SKILL_BOUNDS = (0.05, 0.99)


def new_employee(
    model: ContactCentreModel,
    seat: int,
    initial: bool = False,
    team: int = FRONT,
    contract_s: float = 28_800.0,
) -> Employee:
    """A new employee of ``team`` in ``seat``: an experienced one at the start (random
    tenure), a novice when hired later.  Specialists are more skilled
    (``teams.specialist_skill_factor``).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    seat:
        The seat the employee takes.
    initial:
        One of the starting staff (random tenure, no pay expectation yet).
    team:
        ``FRONT`` or ``SPECIALIST``.
    contract_s:
        Paid shift length, s.
    """
    e, rng = model.cfg.employees, model.rng
    conc = e.trait_concentration
    friendliness = float(beta(rng, e.friendliness_mean, conc, 1)[0])
    intrinsic = bh.intrinsic_policy(np.array([friendliness]))[0]
    skill = rng.normal(e.skill_mean, e.skill_sd)
    if team != FRONT:
        skill *= model.cfg.teams.specialist_skill_factor
    skill = float(np.clip(skill, *SKILL_BOUNDS))
    emp = Employee(
        model,
        seat,
        tenure_days=float(rng.uniform(0, e.initial_tenure_max_days)) if initial else 0.0,
        potential_skill=skill,
        speed=float(rng.lognormal(0.0, e.speed_sd)) if e.speed_sd > 0 else 1.0,
        friendliness=friendliness,
        motivation=float(beta(rng, e.intrinsic_motivation_mean, conc, 1)[0]),
        integrity=float(beta(rng, e.integrity_mean, conc, 1)[0]),
        morale=float(np.clip(e.morale_initial + rng.normal(0, MORALE_INITIAL_SD), 0, 1)),
        intrinsic=intrinsic,
        team=team,
        contract_s=contract_s,
        # a new hire expects what the scheme of its team typically pays
        pay_reference=0.0
        if initial
        else expected_gain(model.scheme if team == FRONT else model.cfg.specialist_scheme),
    )
    fairness.assign(emp, model.cfg.seed, model.cfg.behavior)  # type, equity sensitivity
    return emp


def first_staff(model: ContactCentreModel, n_seats: int) -> list[Employee | None]:
    """The starting seats: an experienced employee on each shift of the first plans
    (``model.plans``, front line first; the week's rota headcount when it has one),
    vacancies after them up to ``n_seats``.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). Its first plans are read.
    n_seats:
        Seats at the start (the starting headcount of both teams).
    """
    seats: list[Employee | None] = []
    for team, plan in enumerate(model.plans):
        lengths = plan.ends_s - plan.starts_s
        if plan.week_heads is not None:  # a week with a rota: its headcount
            lengths = np.repeat(list(plan.week_heads), list(plan.week_heads.values()))
        for length in lengths:
            seats.append(
                new_employee(model, len(seats), initial=True, team=team, contract_s=float(length))
            )
    return seats + [None] * (n_seats - len(seats))


def free_seat(model: ContactCentreModel) -> int:
    """An empty seat for a new hire: a vacated one, else a new seat (the seat ledger
    grows with it).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). Its seats (and seat
        ledger) grow when none is vacant.
    """
    for seat, emp in enumerate(model.seats):
        if emp is None:
            return seat
    model.seats.append(None)
    n = len(model.seats)
    model.seat_ledger.grow(n)
    return n - 1


def headcount(model: ContactCentreModel, team: int) -> int:
    """Employees seated in ``team``.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    team:
        ``FRONT`` or ``SPECIALIST``.
    """
    return sum(1 for s in model.seats if s is not None and s.team == team)


def rebalance(model: ContactCentreModel, team: int, d: int) -> None:
    """For each contract length, open requisitions (filled ``hiring_lag_days`` from
    ``d``) until seated plus open equals the plan's need, or cancel open ones beyond it.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). Its requisitions are
        opened or cancelled.
    team:
        ``FRONT`` or ``SPECIALIST``.
    d:
        Today (working day index).
    """
    need = model.plans[team].by_length()
    seated: dict[float, int] = {}
    for s in model.staff:
        if s.team == team:
            seated[s.contract_s] = seated.get(s.contract_s, 0) + 1
    open_reqs = [r for r in model.requisitions if r[1] == team]
    for length in set(need) | set(seated) | {r[2] for r in open_reqs}:
        mine = [r for r in open_reqs if r[2] == length]
        gap = need.get(length, 0) - seated.get(length, 0) - len(mine)
        if gap > 0:
            ready = d + model.cfg.employees.hiring_lag_days
            model.requisitions.extend([(ready, team, length)] * gap)
        elif gap < 0:  # cancel the latest requisitions first
            for r in sorted(mine, reverse=True)[:-gap]:
                model.requisitions.remove(r)


def hire(model: ContactCentreModel, d: int, row: DayRecord) -> None:
    """Fill the requisitions whose hiring lag is over, and book the replacement cost
    (hiring and training) in the day's record ``row``.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). Its seats and
        requisitions change.
    d:
        Today (working day index).
    row:
        Today's record (``ledgers.DayRecord``), booked in place.
    """
    e = model.cfg.employees
    due = [r for r in model.requisitions if r[0] <= d]
    hires = 0
    for r in due:
        seat = free_seat(model)
        model.requisitions.remove(r)
        model.seats[seat] = new_employee(model, seat, team=r[1], contract_s=r[2])
        hires += 1
    if hires:
        monthly = e.salary_experienced_annual / 12.0
        row["cost_hiring"] = hires * e.replacement_cost_months * monthly
        row["hires"] = hires


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
    morale = np.fromiter((s.morale for s in staff), float, len(staff))
    hazard = quit_hazard(model.cfg.employees, morale)
    quit = model.rng.random(len(staff)) < hazard
    leavers = [emp for emp, q in zip(staff, quit, strict=True) if q]
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
        staff, start, end = observed_shifts(model, FRONT)
        k = len(staff)
        z = np.zeros((k, N_BLOCKS))
        duties[FRONT] = Duty(staff, start, end, np.zeros(k), np.zeros(k), 0.0, z, z.copy())
    return duties


def attendance(model: ContactCentreModel, team: int, row: DayRecord) -> Duty:
    """Who of ``team`` comes to work today and which shift each works.

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
    seated = on_rota(model, team, [s for s in model.staff if s.team == team])
    morale = np.fromiter((s.morale for s in seated), float, len(seated))
    absent = rng.random(len(seated)) < absence_p(wf, morale)
    present = [s for s, a in zip(seated, absent, strict=True) if not a]
    row["absent"] = row.get("absent", 0) + int(absent.sum())
    plan = model.plans[team]
    lengths = plan.ends_s - plan.starts_s
    staff: list[Employee] = []
    starts, ends, b_st, b_ln = [], [], [], []
    open_spans: list[tuple[float, float]] = []  # posts nobody of their length works today
    spare: list[tuple[list[Employee], float]] = []  # present beyond their length's posts
    for length in sorted({s.contract_s for s in present}):
        group = [e for e in present if e.contract_s == length]
        group = [group[i] for i in rng.permutation(len(group))]
        posts = np.flatnonzero(np.isclose(lengths, length))
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
            gone = np.setdiff1d(posts, take)
            open_spans += [(float(plan.starts_s[i]), float(plan.ends_s[i])) for i in gone]
            st, bs, bl = plan.starts_s[take], plan.brk_start[take], plan.brk_len[take]
        staff += group
        starts.append(st)
        ends.append(np.minimum(st + length, close))
        b_st.append(bs)
        b_ln.append(bl)
    for group, length in spare:
        st = _spare_starts(open_spans, len(group), length)
        posts = np.flatnonzero(np.isclose(lengths, length))
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
    hours = sum(s.contract_s for s in staff) / 3600.0
    cost = sum(s.salary_annual for s in staff) * cfg.costs.loading / DAYS_PER_YEAR
    return hours, cost
