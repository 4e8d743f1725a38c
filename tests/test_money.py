"""The money a finance lead books: cost lines, margin-based profit, cost per contact.

Identities checked exactly on a real (small) run: the cost lines sum to ``cost_total``,
``profit == margin_rate x revenue - cost_total`` (run and every day), the daily columns
sum to the summary, and a budget-neutral bonus changes only the labour line, by exactly
the withheld base (the random draws do not depend on how the bonus is funded).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim import load_config, run_simulation
from sim.model import ContactCentreModel
from sim.model.pay_reference import EXPECTED_BONUS_SHARE
from sim.outputs.money import COST_LINES
from sim.units import DAYS_PER_YEAR

SMALL = ["customers.n=30000", "employees.n=14", "teams.specialists_n=3", "days=42"]


@pytest.fixture(scope="module")
def aht_run():
    return run_simulation(load_config("aht_pay", overrides=SMALL))


def test_cost_lines_sum_and_profit_is_margin_based(aht_run):
    s, d = aht_run.summary, aht_run.daily
    margin = load_config("aht_pay", overrides=SMALL).customers.margin_rate
    assert math.isclose(s["cost_total"], sum(s[k] for k in COST_LINES), rel_tol=1e-12)
    assert math.isclose(s["profit"], margin * s["revenue"] - s["cost_total"], rel_tol=1e-12)
    assert (d["profit"] - (margin * d["revenue"] - d["cost_total"])).abs().max() < 1e-6
    for k in (*COST_LINES, "revenue", "cost_overtime", "paid_hours"):
        assert math.isclose(d[k].sum(), s[k], rel_tol=1e-9), k
    assert s["cost_bonus"] > 0  # the AHT scheme pays bonuses
    assert 0 <= s["cost_overtime"] <= s["cost_labour"]


def test_cost_per_contact_and_team_figures(aht_run):
    s = aht_run.summary
    phone = s["cost_total"] - s["cost_web"]
    assert math.isclose(s["cost_per_contact_phone"], phone / s["calls_offered"], rel_tol=1e-12)
    assert math.isclose(s["cost_per_contact_web"], s["cost_web"] / s["web_sessions"], rel_tol=1e-12)
    for team in ("front", "specialist"):
        figures = s["teams"][team]
        assert set(figures) >= {
            "asa_s",
            "service_level",
            "abandon_rate",
            "aht_s",
            "occupancy",
            "headcount_mean",
        }
        assert 0 <= figures["occupancy"] <= 1
    assert math.isclose(
        s["teams"]["front"]["headcount_mean"] + s["teams"]["specialist"]["headcount_mean"],
        s["headcount_mean"],
        rel_tol=1e-9,
    )


def test_budget_neutral_bonus_withholds_the_on_target_bonus_and_is_felt():
    """``from_base`` withholds the expected (on-target) bonus from base pay, loaded: the
    day's labour cost falls by exactly that.  And the cut is felt: with the same seed,
    the first pay period is identical up to its close, where each employee's felt pay
    (against the reference point) is lower by the cut."""
    one_team = [*SMALL, "teams.specialists_n=0", "days=21"]
    on_top = ContactCentreModel(load_config("aht_pay", overrides=one_team))
    neutral = ContactCentreModel(
        load_config("aht_pay", overrides=[*one_team, "scheme.bonus_funding=from_base"])
    )
    for m in (on_top, neutral):
        m.run()
    cfg = neutral.cfg
    salaries = sum(e.salary_annual for e in neutral.staff)
    want = EXPECTED_BONUS_SHARE * cfg.scheme.bonus_share * salaries * cfg.costs.loading
    assert math.isclose(neutral._budget_neutral_cut(), want / DAYS_PER_YEAR, rel_tol=1e-12)
    assert on_top._budget_neutral_cut() == 0.0
    a, b = (pd.DataFrame(m.employee_rows) for m in (on_top, neutral))
    assert list(a["employee_id"]) == list(b["employee_id"])
    assert (a["bonus"] == b["bonus"]).all()  # same period, same numbers, same bonus
    # ... but the base cut is felt by the staff of the period's start (a new hire expects
    # its scheme's pay, the cut included: its reference point already holds it)
    start = a["tenure_days"] >= 21
    assert start.sum() > 0
    assert (b["pay_felt"][start] < a["pay_felt"][start]).all()
