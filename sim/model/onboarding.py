"""New hires as workforce management sees them: the starting staff, requisitions towards
the plan, hiring, classroom training and nesting.

* **Starting staff** (``first_plans``, ``first_staff``): with
  ``workforce.initial_headcount: plan`` (default) each team starts at the headcount of
  its first plan, made from a short pilot of the centre's own demand (``pilot_plans``;
  a pilot's plans are kept per configuration in the process, ``run_pilot``),
  so that a centre of any size starts at its planned staffing instead of warming up for
  weeks; with ``config`` it starts with ``employees.n`` and ``teams.specialists_n``
  rostered along the intraday profile.  The starting staff is experienced (random tenure).
* **Requisitions** (``rebalance``): for each contract length, requisitions open until the
  capacity of the people seated and in the pipeline equals the plan's need, counting a
  nesting agent at its ``proficiency`` and a classroom hire or an open requisition at
  the proficiency it will start on the phones with (``capacity``); when the plan needs
  fewer people, open requisitions are cancelled and attrition closes the gap (nobody is
  laid off).
* **Hiring** (``hire``): a requisition is filled ``employees.hiring_lag_days`` after it
  opened, at a replacement cost of ``employees.replacement_cost_months`` of an
  experienced salary per person (Holman, Batt & Holtgrewe 2007: 3-4 months' pay).
* **Classroom** (``classroom_today``): a new hire spends ``workforce.classroom_days``
  working days in paid training off the phones (paid hours and salary as any seated
  employee; booked as ``classroom_hours``), then **nests** on the phones: its handle
  time starts at ``workforce.nesting_aht_multiple`` times its tenured one and the excess
  halves every ``workforce.nesting_half_life_days`` on the phones
  (``Employee.proficiency``); its resolution starts at ``employees.novice_skill_share``
  of its potential and converges over ``employees.learning_days`` on the phones
  (``Employee.skill``).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

from . import behavior as bh
from . import fairness
from .calendar import first_week
from .customers import beta
from .employee import Employee, column, proficiency
from .pay_reference import expected_gain
from .planning import FRONT, SPECIALIST, Plan, initial_plan

if TYPE_CHECKING:
    from ..config import Config
    from .centre import ContactCentreModel
    from .ledgers import DayRecord

#: Spread of a new employee's starting morale around ``employees.morale_initial``.
MORALE_INITIAL_SD = 0.05
#: Bounds of an employee's potential skill (resolution probability).
SKILL_BOUNDS = (0.05, 0.99)
#: An agent on the phones counts as nesting (``nesting_agents`` of the daily table) while
#: its proficiency is below this: its handle time more than 5% above its tenured one.
NESTED_PROFICIENCY = 0.95
#: Requisitions bring a team's capacity within this many tenured agents of the plan's
#: need (``rebalance``): the nearest whole number of hires.
HALF_AGENT = 0.5
#: The pilot that sizes the starting staff (``pilot_plans``): working days it runs, and
#: days between its re-plans (it re-plans after its first days, when the repeats of the
#: first days' unresolved issues have built up, hires with no lag, and plans again from
#: the days after that re-plan).
PILOT_DAYS = 10
PILOT_REPLAN_DAYS = 5
#: Added to the seed of the pilot (its own random stream; the run's stays untouched).
PILOT_SEED_OFFSET = 7_919
#: Pilots' plans kept in this process (``run_pilot``), the least recently used dropped
#: first (a few kB each).
_PILOTS_MAX = 64
_PILOTS: OrderedDict[tuple[type, bytes], Piloted] = OrderedDict()
_PILOTS_LOCK = threading.Lock()  # the app may run models in threads


def new_employee(
    model: ContactCentreModel,
    seat: int,
    initial: bool = False,
    team: int = FRONT,
    contract_s: float = 28_800.0,
) -> Employee:
    """A new employee of ``team`` in ``seat``: an experienced one at the start (random
    tenure), a novice when hired later (classroom days first).  Specialists are more
    skilled (``teams.specialist_skill_factor``).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    seat:
        The seat the employee takes.
    initial:
        One of the starting staff (random tenure, no pay expectation yet, no classroom).
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
        classroom_days=0 if initial else model.cfg.workforce.classroom_days,
    )
    fairness.assign(emp, model.cfg.seed, model.cfg.behavior)  # type, equity sensitivity
    return emp


# ================================================================ the starting staff
def first_plans(
    model: ContactCentreModel, start: tuple[int, int], shares: np.ndarray
) -> list[Plan]:
    """Each team's first plan (front line first): the plan the pilot of the centre's
    demand makes (``workforce.initial_headcount: plan``), or the configured ``start``
    headcounts rostered along the profile (``config``, or no planning).  A team that
    starts empty (``teams.specialists_n = 0``: one team) stays empty.

    Parameters
    ----------
    model:
        The centre being built (its configuration is read; its class runs the pilot).
    start:
        The configured starting headcount of each team (``employees.n``,
        ``teams.specialists_n``).
    shares:
        Share of the day's calls in each interval (sums to 1).
    """
    cfg = model.cfg
    teams = (FRONT, SPECIALIST)
    if cfg.workforce.initial_headcount != "plan" or not cfg.workforce.planning:
        return [initial_plan(cfg, t, start[t], shares) for t in teams]
    piloted = pilot_plans(model)
    return [  # the configured plan only where the pilot's is not used
        dataclasses.replace(piloted[t], day=0)
        if start[t] > 0 and piloted[t].headcount
        else initial_plan(cfg, t, start[t], shares)
        for t in teams
    ]


def first_weeks(
    model: ContactCentreModel, start: tuple[int, int], shares: np.ndarray
) -> list[tuple[dict[int, Plan], dict]]:
    """Each team's first weekday plans and rota (a weekday-aware calendar: front line
    first): the pilot's (``workforce.initial_headcount: plan``), or the configured
    ``start`` headcounts spread over the open weekdays (``calendar.first_week``).

    Parameters
    ----------
    model:
        The centre being built (its configuration is read; its class runs the pilot).
    start:
        The configured starting headcount of each team.
    shares:
        Share of the day's calls in each interval of the grid (sums to 1).
    """
    cfg = model.cfg
    teams = (FRONT, SPECIALIST)
    if cfg.workforce.initial_headcount != "plan" or not cfg.workforce.planning:
        return [first_week(cfg, t, start[t], shares) for t in teams]
    pilot = run_pilot(model)
    out = []
    for t in teams:  # the configured week only where the pilot's is not used
        piloted = pilot.week_plans[t]
        if start[t] > 0 and piloted and any(p.headcount for p in piloted.values()):
            week = ({w: dataclasses.replace(p, day=0) for w, p in piloted.items()}, pilot.rotas[t])
        else:
            week = first_week(cfg, t, start[t], shares)
        out.append(week)
    return out


def pilot_config(cfg: Config) -> Config:
    """The pilot's configuration: the run's centre for ``PILOT_DAYS`` days on its own
    seed, starting from the configured headcount, re-planning every
    ``PILOT_REPLAN_DAYS`` days from the days since the last plan and hiring with no lag,
    classroom or nesting; no rollout, no call records.

    Parameters
    ----------
    cfg:
        The run's configuration (not changed).
    """
    r = dataclasses.replace
    wf = r(
        cfg.workforce,
        initial_headcount="config",
        planning_days=PILOT_REPLAN_DAYS,
        forecast_days=PILOT_REPLAN_DAYS,
        classroom_days=0,
        nesting_aht_multiple=1.0,
    )
    return r(
        cfg,
        seed=(cfg.seed + PILOT_SEED_OFFSET) % 2**63,
        days=PILOT_DAYS,
        rollout_day=None,
        proposal=None,
        progress=False,
        workforce=wf,
        employees=r(cfg.employees, hiring_lag_days=0),
        export=r(cfg.export, calls=False),
    )


def pilot_plans(model: ContactCentreModel) -> list[Plan]:
    """The plans a pilot of the centre makes after ``PILOT_DAYS`` days (``pilot_config``):
    each team's forecast and dashboard AHT from the pilot's last ``PILOT_REPLAN_DAYS``
    days, which it worked at its plan of the days before.  The demand is the centre's
    own (customers, channels, repeats), so no figure stands in for it.

    Parameters
    ----------
    model:
        The centre being built (its class and configuration are used).
    """
    return run_pilot(model).plans


@dataclasses.dataclass(frozen=True)
class Piloted:
    """What a run reads of its pilot, per team (front line first): the plan, the weekday
    plans (None: not weekday-aware) and the week's rota."""

    plans: list[Plan]
    week_plans: list[dict[int, Plan] | None]
    rotas: list[dict]


def run_pilot(model: ContactCentreModel) -> Piloted:
    """The plans of the pilot of the centre (``pilot_config``), run to its end.

    A pilot is a function of its configuration (and the model's class) only, so its plans
    are kept in this process (``_PILOTS``, keyed by the class and the pickled
    configuration; one that does not pickle is not kept) and handed out as copies: the
    arms of a comparison, or runs of one centre and seed, share one pilot instead of
    each running it again.

    Parameters
    ----------
    model:
        The centre being built (its class and configuration are used).
    """
    cfg = pilot_config(model.cfg)
    try:  # the class itself, not its name: a subclass made twice is two classes
        key = (type(model), pickle.dumps(cfg))
    except (pickle.PicklingError, TypeError, AttributeError):  # not picklable: not kept
        key = None
    with _PILOTS_LOCK:
        kept = _PILOTS.get(key) if key is not None else None
        if kept is not None:
            _PILOTS.move_to_end(key)
    if kept is None:
        pilot = type(model)(cfg)
        pilot.run()
        kept = copy.deepcopy(Piloted(pilot.plans, pilot.week_plans, pilot.rotas))
        if key is not None:
            with _PILOTS_LOCK:
                _PILOTS[key] = kept
                if len(_PILOTS) > _PILOTS_MAX:
                    _PILOTS.popitem(last=False)
    return copy.deepcopy(kept)


def first_staff(model: ContactCentreModel, n_seats: int) -> list[Employee | None]:
    """The starting seats: an experienced employee on each shift of the first plans
    (``model.plans``, front line first; the week's rota headcount when it has one),
    vacancies after them up to ``n_seats``.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). Its first plans are read.
    n_seats:
        Seats at the start (at least the starting headcount of both teams).
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


# ================================================================ requisitions and hiring
def free_seat(model: ContactCentreModel) -> int:
    """An empty seat for a new hire: a vacated one, else a new seat (the seat ledger
    grows with it).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). Its seats (and seat
        ledger) grow when none is vacant.
    """
    if None in model.seats:  # the first vacated seat (list.index: a scan in C)
        return model.seats.index(None)
    model.seats.append(None)
    n = len(model.seats)
    model.seat_ledger.grow(n)
    return n - 1


def starting_proficiency(model: ContactCentreModel) -> float:
    """The proficiency a new hire starts on the phones with: 1 /
    ``workforce.nesting_aht_multiple``.

    Parameters
    ----------
    model:
        The centre (read: configuration).
    """
    return 1.0 / model.cfg.workforce.nesting_aht_multiple


def capacity(model: ContactCentreModel, emp: Employee) -> float:
    """What the plan counts an employee as, in tenured agents: its ``proficiency`` on
    the phones, the starting proficiency while in the classroom.

    Parameters
    ----------
    model:
        The centre (read: configuration).
    emp:
        A seated employee.
    """
    if emp.in_classroom or emp.classroom_left > 0:
        return starting_proficiency(model)
    return emp.proficiency


def rebalance(model: ContactCentreModel, team: int, d: int) -> None:
    """For each contract length, open requisitions (filled ``hiring_lag_days`` from
    ``d``) until the plan's need exceeds the capacity seated and in the pipeline by at
    most ``HALF_AGENT``, or cancel open ones (the latest first) while it stays so.
    Without nesting (proficiency 1) this is seated plus open equals the need.

    Capacity (``capacity``): each seated employee at its proficiency, each open
    requisition at the starting proficiency; so a team with nesting agents hires ahead
    of their learning curve.

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
    seated: dict[float, float] = {}
    for s in model.staff:
        if s.team == team:
            seated[s.contract_s] = seated.get(s.contract_s, 0.0) + capacity(model, s)
    p0 = starting_proficiency(model)
    open_reqs = [r for r in model.requisitions if r[1] == team]
    for length in set(need) | set(seated) | {r[2] for r in open_reqs}:
        mine = [r for r in open_reqs if r[2] == length]
        gap = need.get(length, 0) - seated.get(length, 0.0) - p0 * len(mine)
        if gap > HALF_AGENT:  # open the fewest that bring the gap within half an agent
            ready = d + model.cfg.employees.hiring_lag_days
            k = math.ceil((gap - HALF_AGENT) / p0 - 1e-9)
            model.requisitions.extend([(ready, team, length)] * k)
        elif gap + p0 <= HALF_AGENT + 1e-9:  # cancel the latest while the gap stays within
            k = min(len(mine), math.floor((HALF_AGENT - gap) / p0 + 1e-9))
            for r in sorted(mine, reverse=True)[:k]:
                model.requisitions.remove(r)


def hire(model: ContactCentreModel, d: int, row: DayRecord) -> None:
    """Fill the requisitions whose hiring lag is over, and book the replacement cost
    (recruiting and training, per person) in the day's record ``row``.

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


def _surely_nested_after(cfg: Config) -> float:
    """Working days on the phones after which an agent's proficiency is surely at least
    ``NESTED_PROFICIENCY``: its handle-time excess ``(m - 1) 0.5 ** (days / half-life)``
    is then at most 0.9 of the excess that proficiency allows (a margin of 10%, far
    beyond any rounding), so only the agents before it need their exact proficiency.

    Parameters
    ----------
    cfg:
        The run's configuration (``workforce.nesting_*``).
    """
    wf = cfg.workforce
    allowed = 0.9 * (1.0 / NESTED_PROFICIENCY - 1.0)
    excess = wf.nesting_aht_multiple - 1.0
    if excess <= allowed:  # never below it, even on the first day
        return 0.0
    return wf.nesting_half_life_days * math.log2(excess / allowed)


def classroom_today(cfg: Config, staff: list[Employee], row: DayRecord) -> list[Employee]:
    """The seated staff who may work the phones today: everyone not in the classroom.
    Books the day's paid ``classroom_hours`` (their contract hours; they are paid like
    everyone seated) and the ``nesting_agents`` (on the phones below
    ``NESTED_PROFICIENCY``) in ``row``.

    Parameters
    ----------
    cfg:
        The run's configuration.
    staff:
        A team's seated employees (after today's ``Employee.work_day``).
    row:
        Today's record (``ledgers.DayRecord``), booked in place.
    """
    hours = sum([s.contract_s for s in staff if s.in_classroom]) / 3600.0
    rest = [s for s in staff if not s.in_classroom]
    # the proficiency of those who may still be nesting (``_surely_nested_after``)
    days = column(rest, "phone_days")
    days = days[days < _surely_nested_after(cfg)]
    prof = proficiency(cfg, days, np.zeros(days.shape[0], bool))
    nesting = int(np.count_nonzero(prof < NESTED_PROFICIENCY))
    row["classroom_hours"] = row.get("classroom_hours", 0.0) + hours
    row["nesting_agents"] = row.get("nesting_agents", 0) + nesting
    return rest
