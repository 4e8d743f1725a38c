"""Headcount follows the staffing plan; absence follows morale; fixed staffing stays fixed.

Small centres (30,000 customers, ~1,000 calls a day), real runs.
"""

from __future__ import annotations

import numpy as np

from sim import load_config
from sim.model import ContactCentreModel
from sim.model.planning import FRONT
from sim.model.workforce import absence_p, attendance
from sim.outputs import daily_frame

SMALL = ["customers.n=30000", "teams.specialists_n=3", "days=84"]


def _run(overrides: list[str]) -> ContactCentreModel:
    m = ContactCentreModel(load_config("baseline", overrides=[*SMALL, *overrides]))
    m.run()
    return m


def test_an_understaffed_centre_hires_towards_its_plan_after_the_lag():
    # started from the configured headcount (not from the first plan's)
    m = _run(
        ["employees.n=4", "employees.hiring_lag_days=15", "workforce.initial_headcount=config"]
    )
    d = daily_frame(m)
    need = m.plans[FRONT].headcount
    assert need > 8  # the plan asks for far more than the 4 it started with
    # the first plan is made at the end of day 20 (after one pay period of 21 days);
    # nobody arrives before it plus the hiring lag (15 days)
    assert d.loc[d.day < 20 + 15, "headcount_front"].max() <= 4
    assert d.loc[d.day >= 20 + 15, "hires"].sum() > 0
    assert d["headcount_front"].iloc[-1] >= 0.8 * need


def test_without_planning_the_headcount_is_kept():
    m = _run(["employees.n=10", "workforce.planning=false", "employees.attrition_annual_base=0"])
    d = daily_frame(m)
    assert (d["headcount_front"] == 10).all()
    assert d["paid_hours"].iloc[0] > 0


def test_absence_rises_as_morale_falls():
    """The same employees, morale set low vs healthy: the absence probability follows
    ``absence_base x exp(k (0.6 - morale))`` and so does realised absence."""
    # the configured 185 front-line employees (not the small first plan): many draws
    m = ContactCentreModel(
        load_config("baseline", overrides=[*SMALL, "workforce.initial_headcount=config"])
    )
    staff = m.staff
    healthy = float(absence_p(m.cfg.workforce, np.array([0.6]))[0])
    low = float(absence_p(m.cfg.workforce, np.array([0.2]))[0])
    wf = m.cfg.workforce
    assert np.isclose(healthy, wf.absence_base)
    assert np.isclose(low, wf.absence_base * np.exp(wf.absence_morale_sensitivity * 0.4))
    # realised: 40 days of attendance at each morale (binomial noise ~ 1/sqrt(n))
    days = 40
    counts = {}
    for morale in (0.6, 0.2):
        for emp in staff:
            emp.morale = morale
        row: dict = {}
        for _ in range(days):
            attendance(m, FRONT, row)
        counts[morale] = row["absent"] / (days * len(staff))
    assert counts[0.2] > counts[0.6]
    n = days * len(staff)
    assert abs(counts[0.2] - low) < 4 * np.sqrt(low * (1 - low) / n)
