"""The daily loops read every seated employee's proficiency, skill and salary as arrays
(``employee.learned``, ``proficiency``, ``salary_annual``) instead of one property call
per employee: the arrays equal the properties to the bit, on random states and configs;
the day's nesting count, classroom hours, paid hours and agents on duty equal what the
per-employee rules (kept here as the reference) give, exactly."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import load_config
from sim.model import employee as em
from sim.model import onboarding, workforce
from sim.model.centre import ContactCentreModel
from sim.model.onboarding import NESTED_PROFICIENCY
from sim.model.phone import on_duty
from sim.units import DAYS_PER_YEAR
from tests.conftest import SMALL

#: (nesting_aht_multiple, nesting_half_life_days, novice_skill_share, learning_days):
#: the defaults, no nesting, a barely nesting and a slow curve, and extremes.
CURVES = [
    (1.5, 12.0, 0.75, 40.0),
    (1.0, 12.0, 0.75, 40.0),
    (1.05, 6.0, 0.5, 13.0),
    (1.06, 7.3, 1.0, 0.1),
    (3.0, 0.1, 0.0, 10_000.0),
    (5.0, 1000.0, 0.3, 250.0),
]


@pytest.fixture
def model() -> ContactCentreModel:
    """A small centre from its configured headcount (no pilot); a fresh one for each
    curve (the properties remember their last value by the days it was computed for)."""
    over = [*SMALL, "workforce.initial_headcount=config", "employees.n=30"]
    return ContactCentreModel(load_config("baseline", over))


def _with_curve(model: ContactCentreModel, curve: tuple) -> None:
    """Give the model's configuration the learning and nesting curve ``curve``."""
    mult, half, share, days = curve
    cfg = model.cfg
    model.cfg = dataclasses.replace(
        cfg,
        workforce=dataclasses.replace(
            cfg.workforce, nesting_aht_multiple=mult, nesting_half_life_days=half
        ),
        employees=dataclasses.replace(cfg.employees, novice_skill_share=share, learning_days=days),
    )


def _random_state(rng: np.random.Generator, staff: list) -> None:
    """Random tenure, days on the phones (whole and fractional, some in the classroom)
    and contracts."""
    for s in staff:
        s.phone_days = float(rng.choice([rng.integers(0, 60), rng.uniform(0, 3000)]))
        s.tenure_days = s.phone_days + float(rng.integers(0, 30))
        s.in_classroom = bool(rng.random() < 0.15)
        s.classroom_left = int(s.in_classroom)
        s.contract_s = float(rng.choice([28_800.0, 14_400.0, 21_600.0, 30_600.5]))


@pytest.mark.parametrize("curve", CURVES)
def test_arrays_equal_the_properties_to_the_bit(model, curve):
    """``learned``, ``proficiency`` and ``salary_annual`` over arrays equal the
    employees' ``skill / potential_skill`` rule, ``proficiency`` and ``salary_annual``
    exactly, on 40 random states of the staff."""
    _with_curve(model, curve)
    rng = np.random.default_rng(5)
    staff = model.staff
    for _ in range(40):
        _random_state(rng, staff)
        days = em.column(staff, "phone_days")
        prof = em.proficiency(model.cfg, days, em.column(staff, "in_classroom", bool))
        skill = em.column(staff, "potential_skill") * em.learned(model.cfg, days)
        pay = em.salary_annual(
            model.cfg, em.column(staff, "tenure_days"), em.column(staff, "contract_s")
        )
        assert prof.tolist() == [s.proficiency for s in staff]
        assert skill.tolist() == [s.skill for s in staff]
        assert pay.tolist() == [s.salary_annual for s in staff]


@pytest.mark.parametrize("curve", CURVES)
def test_classroom_and_pay_equal_the_per_employee_rules(model, curve):
    """The day's classroom hours, nesting agents (only agents before
    ``_surely_nested_after`` get their exact proficiency) and paid hours and cost equal
    the per-employee rules (the builtin sum in seat order), exactly; agents around the
    nesting threshold are there on purpose."""
    _with_curve(model, curve)
    cfg = model.cfg
    rng = np.random.default_rng(9)
    staff = model.staff
    edge = onboarding._surely_nested_after(cfg)
    seen = 0
    for _ in range(40):
        _random_state(rng, staff)
        for s in staff[:8]:  # around the proficiency threshold and the margin's edge
            s.phone_days = float(rng.uniform(0.0, 1.5 * edge + 1.0))
        row: dict = {}
        rest = onboarding.classroom_today(cfg, staff, row)
        ref_rest = [s for s in staff if not s.in_classroom]
        nesting = sum(1 for s in ref_rest if s.proficiency < NESTED_PROFICIENCY)
        assert rest == ref_rest
        assert row["nesting_agents"] == nesting
        assert row["classroom_hours"] == sum(s.contract_s for s in staff if s.in_classroom) / 3600
        seen += nesting
        hours, cost = workforce.daily_pay_hours(model)
        assert hours == sum(s.contract_s for s in staff) / 3600.0
        ref = sum(s.salary_annual for s in staff) * cfg.costs.loading / DAYS_PER_YEAR
        assert cost == ref
    # the nesting count is exercised whenever the curve can have nesting agents at all
    assert seen > 0 or curve[0] <= 1.0 / NESTED_PROFICIENCY


def test_the_agents_on_duty_are_read_as_their_properties():
    """Over a few days of a centre with new hires nesting, the queue's agents on duty
    have each agent's ``handling_speed``, ``skill``, friendliness, motivation and seat."""
    over = [*SMALL, "days=12", "workforce.classroom_days=2", "employees.attrition_annual_base=3"]
    m = ContactCentreModel(load_config("baseline", over))
    nesting = 0
    for _ in range(12):
        m.step()
        duties = workforce.attend(m, {})
        people = [s for d in duties for s in d.staff]
        agents = on_duty(m.cfg, duties)
        assert agents.speed.tolist() == [s.handling_speed for s in people]
        assert agents.skill.tolist() == [s.skill for s in people]
        assert agents.friendliness.tolist() == [s.friendliness for s in people]
        assert agents.motivation.tolist() == [s.motivation for s in people]
        assert agents.seats.tolist() == [s.seat for s in people]
        nesting += sum(s.proficiency < 1.0 for s in people)
    assert nesting > 0  # some of them were nesting: the test can tell
