"""The workforce: hiring into empty seats, quits and dismissals.

Each employee occupies a seat; a leaver's seat stays empty for
``employees.hiring_lag_days`` and is then filled by a novice drawn from the configured
trait distributions, at a replacement cost of ``employees.replacement_cost_months`` of an
experienced salary (Holman, Batt & Holtgrewe 2007: 3-4 months' pay).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import behavior as bh
from .customers import beta
from .employee import Employee

if TYPE_CHECKING:
    from .centre import ContactCentreModel

#: Spread of a new employee's starting morale around ``employees.morale_initial``.
MORALE_INITIAL_SD = 0.05
#: Bounds of an employee's potential skill (resolution probability).
SKILL_BOUNDS = (0.05, 0.99)


def new_employee(model: ContactCentreModel, slot: int, initial: bool = False) -> Employee:
    """A new employee in ``slot``: an experienced one at the start (random tenure), a
    novice when hired later."""
    e, rng = model.cfg.employees, model.rng
    conc = e.trait_concentration
    friendliness = float(beta(rng, e.friendliness_mean, conc, 1)[0])
    intrinsic = bh.intrinsic_policy(np.array([friendliness]))[0]
    skill = float(np.clip(rng.normal(e.skill_mean, e.skill_sd), *SKILL_BOUNDS))
    return Employee(
        model,
        slot,
        tenure_days=float(rng.uniform(0, e.initial_tenure_max_days)) if initial else 0.0,
        potential_skill=skill,
        speed=float(rng.lognormal(0.0, e.speed_sd)) if e.speed_sd > 0 else 1.0,
        friendliness=friendliness,
        motivation=float(beta(rng, e.intrinsic_motivation_mean, conc, 1)[0]),
        integrity=float(beta(rng, e.integrity_mean, conc, 1)[0]),
        morale=float(np.clip(e.morale_initial + rng.normal(0, MORALE_INITIAL_SD), 0, 1)),
        intrinsic=intrinsic,
    )


def hire(model: ContactCentreModel, d: int) -> None:
    """Fill the seats whose hiring lag is over, and book the replacement cost."""
    e = model.cfg.employees
    hires = 0
    for slot, emp in enumerate(model.seats):
        if emp is None and model.vacant_until[slot] <= d:
            model.seats[slot] = new_employee(model, slot)
            hires += 1
    if hires:
        model.invalidate_staff()
        monthly = e.salary_experienced_annual / 12.0
        model.ledger.current["cost_hiring"] = hires * e.replacement_cost_months * monthly
        model.ledger.current["hires"] = hires


def quit_today(model: ContactCentreModel, d: int, row: dict) -> None:
    """Each employee quits with their daily quit hazard (``Employee.quit_hazard``)."""
    leavers = [emp for emp in model.staff if model.rng.random() < emp.quit_hazard()]
    leave(model, leavers, d)
    row["quits"] = row.get("quits", 0) + len(leavers)


def dismiss(model: ContactCentreModel, employees: list[Employee], d: int) -> None:
    """Dismiss employees (forced ranking); they count in staff turnover."""
    leave(model, employees, d)
    row = model.ledger.current
    row["quits"] = row.get("quits", 0) + len(employees)
    row["dismissals"] = row.get("dismissals", 0) + len(employees)


def leave(model: ContactCentreModel, leavers: list[Employee], d: int) -> None:
    """Empty the leavers' seats until the hiring lag is over."""
    lag = model.cfg.employees.hiring_lag_days
    for emp in leavers:
        model.seats[emp.slot] = None
        model.vacant_until[emp.slot] = d + lag
        model.seat_ledger.quit(emp.slot)
        emp.remove()
    if leavers:
        model.invalidate_staff()
