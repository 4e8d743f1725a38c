"""People in a comparison (:mod:`sim.compare.people`): the headcount flows agree with the
daily table day by day, hires x cost per hire is the hiring cost booked, the tiers are
terciles, and agents are paired across arms only when they were seated before the rollout
in both.

One small forced-ranking run (dismissals happen) checks the flows on real output; the
pairing and the pay rates are checked on hand-built extracts whose answers are known.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.compare import page_people, people
from sim.config import load_config
from sim.run import run_simulation
from sim.units import DAYS_PER_YEAR


@pytest.fixture(scope="module")
def run():
    cfg = load_config(
        "forced_ranking",
        [
            "customers.n=20000",
            "employees.n=30",
            "teams.specialists_n=2",
            "days=105",
            # a seed whose run dismisses (seed 3 no longer does since new hires train
            # and nest: nobody is in the bottom two periods running)
            "seed=1",
            # the configured start (the flows start from employees.n + specialists_n)
            "workforce.initial_headcount=config",
        ],
    )
    return run_simulation(cfg)


def test_flows_follow_the_daily_table(run):
    d = run.daily
    flows = people.headcount_flows(d)
    cfg = run.config
    assert flows["headcount_start"] == cfg.employees.n + cfg.teams.specialists_n
    assert flows["dismissals"] > 0  # the run exercises dismissals (forced ranking)
    # staff is counted at each day's close: after its hires and quits, before the pay
    # period's dismissals (which ``quits`` also counts), so
    # staff[d] = staff[d-1] + hires[d] - (quits[d] - dismissals[d]) - dismissals[d-1]
    staff = d["staff"].to_numpy()
    hires, quits, dism = (d[c].to_numpy() for c in ("hires", "quits", "dismissals"))
    prev = np.concatenate([[flows["headcount_start"]], staff[:-1]])
    prev_dism = np.concatenate([[0], dism[:-1]])
    np.testing.assert_array_equal(staff, prev + hires - (quits - dism) - prev_dism)
    assert flows["headcount_end"] == staff[-1] - dism[-1]
    assert flows["leavers"] == quits.sum()


def test_hires_times_cost_per_hire_is_the_hiring_cost(run):
    out = people.people_extract(run)["summary"]
    assert out["hires"] > 0
    assert out["hires"] * out["cost_per_hire"] == pytest.approx(
        run.summary["cost_hiring"], rel=1e-12
    )


def test_tiers_are_terciles_of_first_period_true_fcr(run):
    agents = people.people_extract(run)["agents"]
    tier = people.tiers(agents)
    first = agents[agents["day_end"] == agents["day_end"].min()].set_index("employee_id")
    sizes = tier.value_counts()
    assert sizes.max() - sizes.min() <= 1 and sizes.sum() == len(first)
    fcr = first["fcr_true"]
    assert fcr[tier[tier == "low"].index].max() <= fcr[tier[tier == "mid"].index].min()
    assert fcr[tier[tier == "mid"].index].max() <= fcr[tier[tier == "high"].index].min()


def _agents(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame([(i, e, p, 0.5) for i, e, p in rows], columns=list(people.AGENT_COLUMNS))


def test_tier_turnover_counts_those_not_paid_at_the_end():
    # first period: six agents, true FCR rising with the id; agents 1 and 6 leave
    first = [(i, 20, 1.0) for i in range(1, 7)]
    a = _agents(first + [(i, 41, 1.0) for i in (2, 3, 4, 5)])
    a.loc[a["day_end"] == 20, "fcr_true"] = np.linspace(0.1, 0.6, 6)
    out = people.tier_turnover(a)
    assert out == {
        "leavers_share_tier_low": 0.5,
        "leavers_share_tier_mid": 0.0,
        "leavers_share_tier_high": 0.5,
    }


def _outcome(cur: pd.DataFrame, pro: pd.DataFrame, rollout: int = 21) -> SimpleNamespace:
    reps = pd.DataFrame({"arm": ["current", "proposal"], "replication": [0, 0]})
    return SimpleNamespace(
        reps=reps,
        main_results=[{"agents": cur}, {"agents": pro}],
        plan=SimpleNamespace(args=SimpleNamespace(rollout_day=rollout)),
    )


def test_pairing_and_annual_pay_after_the_rollout():
    # periods close on days 20 and 41 (21 days each); the rollout is day 21
    cur = _agents([(1, 20, 2100.0), (2, 20, 2100.0), (1, 41, 2100.0), (2, 41, 2100.0)])
    pro = _agents(
        [
            (1, 20, 2100.0),
            (2, 20, 2100.0),
            (1, 41, 2520.0),  # paid more after the rollout
            (2, 41, 1680.0),  # paid less
            (3, 41, 9999.0),  # hired after the rollout: a different person, not paired
        ]
    )
    ch = page_people.pay_changes(_outcome(cur, pro)).set_index("employee_id")
    assert list(ch.index) == [1, 2]
    rate = DAYS_PER_YEAR / 21
    assert ch.loc[1, "pay_current"] == pytest.approx(2100.0 * rate)
    assert ch.loc[1, "change"] == pytest.approx(420.0 * rate)
    assert ch.loc[2, "change"] == pytest.approx(-420.0 * rate)
    s = people.pay_change_summary(ch.reset_index())
    assert s["share_losing"] == 0.5 and s["share_gaining"] == 0.5
    assert s["q50"] == pytest.approx(0.0)
    assert "50%" in page_people.pay_sentence(s)


def test_an_agent_who_leaves_is_compared_on_the_days_paid():
    cur = _agents([(1, 20, 2100.0), (1, 41, 2100.0), (1, 62, 2100.0)])
    pro = _agents([(1, 20, 2100.0), (1, 41, 2100.0)])  # left before day 62's close
    ch = page_people.pay_changes(_outcome(cur, pro))
    assert ch["change"].iloc[0] == pytest.approx(0.0)
