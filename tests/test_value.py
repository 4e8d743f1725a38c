"""Value over the customers' lifetime: customer equity, ``value`` = profit + the change
in customer equity, the one-off cost of a change and its payback, the currency label;
and that the compare verdict, the money bridge and the scenario table judge value.

Small centres (10,000-20,000 customers, a few agents, 30-42 days) through the real model
and the real ``kpisim compare`` pipeline; every identity is checked exactly or to the
floating-point rounding of sums of about 1e6-1e8 currency units.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.scenario_table import value_retention_correlation
from sim import ConfigError, load_config, run_simulation
from sim.compare import cli
from sim.compare.bridge import payback_years
from sim.model import ContactCentreModel
from sim.units import DAYS_PER_YEAR, MONTHS_PER_YEAR

TINY = ["customers.n=20000", "employees.n=12", "teams.specialists_n=2"]
ROLLOUT = ["days=30", "rollout_day=10", "+scheme@proposal=aht_pay", *TINY]


def _equity_by_hand(model: ContactCentreModel) -> float:
    """Customer equity recomputed from the population's columns and the ODD's hazard."""
    c, cc = model.customers, model.cfg.customers
    act = np.flatnonzero(c.active[: c.n_used])
    k = cc.churn_loyalty_sensitivity
    h = c.base_daily_hazard * np.exp(k * (cc.loyalty_mean - c.loyalty[act].astype(float)))
    r = np.exp(-h * DAYS_PER_YEAR)
    m = c.revenue_monthly[act].astype(float) * MONTHS_PER_YEAR * cc.margin_rate
    return float((m * r / (1 + cc.discount_rate_annual - r)).sum())


def test_equity_at_start_is_the_discounted_margin_and_draws_nothing():
    model = ContactCentreModel(load_config(overrides=["days=5", *TINY]))
    # recorded at construction, from the population before day 0
    assert model.equity_start == pytest.approx(_equity_by_hand(model), rel=1e-6)
    state = model.rng.bit_generator.state
    channel = model.channel_rng.bit_generator.state
    again = model.customer_equity()
    assert again == model.equity_start
    assert model.rng.bit_generator.state == state  # no random draw
    assert model.channel_rng.bit_generator.state == channel


def test_a_less_loyal_base_is_worth_less_before_anyone_leaves():
    model = ContactCentreModel(load_config(overrides=["days=5", *TINY]))
    c = model.customers
    before, active = model.customer_equity(), c.active_count()
    c.loyalty[: c.n_used] -= np.float32(0.1)  # everyone a little less loyal, nobody gone
    after = model.customer_equity()
    assert c.active_count() == active
    # each customer's retention r = exp(-250 h) falls as h rises, and m r/(1 + d - r)
    # rises with r, so every term and the sum fall
    assert after < before
    assert after == pytest.approx(_equity_by_hand(model), rel=1e-6)


@pytest.fixture(scope="module")
def rollout_runs():
    base = run_simulation(load_config(overrides=ROLLOUT))
    paid = run_simulation(load_config(overrides=[*ROLLOUT, "transition.one_off_cost=12345"]))
    return base, paid


def test_value_is_profit_plus_the_change_in_equity(rollout_runs):
    for res in rollout_runs:
        s = res.summary
        assert s["value"] == s["profit"] + (s["customer_equity_end"] - s["customer_equity_start"])
        after = s["profit_after_rollout"]
        assert after == pytest.approx(
            float(res.daily.loc[res.daily["day"] >= 10, "profit"].sum()), rel=1e-12
        )
        assert s["value_after_rollout"] == after + (
            s["customer_equity_end"] - s["customer_equity_rollout"]
        )
        assert s["customer_equity_start"] > 0 and s["customer_equity_rollout"] > 0


def test_no_rollout_no_rollout_keys():
    s = run_simulation(load_config(overrides=["days=8", *TINY])).summary
    assert s["customer_equity_rollout"] is None and s["value_after_rollout"] is None
    assert s["cost_one_off"] == 0.0
    assert s["value"] == s["profit"] + (s["customer_equity_end"] - s["customer_equity_start"])


def test_one_off_cost_is_booked_on_the_rollout_day_and_nothing_else_moves(rollout_runs):
    base, paid = rollout_runs
    d = paid.daily.set_index("day")["cost_one_off"]
    assert d.loc[10] == 12345.0 and d.drop(10).eq(0).all()
    assert base.daily["cost_one_off"].eq(0).all()
    a, b = base.summary, paid.summary
    assert b["cost_one_off"] == 12345.0 and a["cost_one_off"] == 0.0
    # booking a cost draws nothing: the runs are the same but for the cost itself
    assert b["profit"] == pytest.approx(a["profit"] - 12345.0, rel=1e-12)
    assert b["value"] == pytest.approx(a["value"] - 12345.0, rel=1e-12)
    assert b["customer_equity_end"] == a["customer_equity_end"]
    assert b["customers_active_end"] == a["customers_active_end"]


def test_currency_label_is_checked():
    assert load_config(overrides=["economics.currency=EUR"]).economics.currency == "EUR"
    for bad in ("", "<b>EUR</b>", "a-very-long-currency-name"):
        with pytest.raises(ConfigError, match=r"economics\.currency"):
            load_config(overrides=[f"economics.currency='{bad}'"])
    with pytest.raises(ConfigError, match=r"transition\.one_off_cost=-1\.0 is out of range"):
        load_config(overrides=["transition.one_off_cost=-1"])


def test_payback_years_from_the_annualised_gain():
    reps = pd.DataFrame(
        {
            "arm": ["current", "current", "proposal", "proposal"],
            "replication": [0, 1, 0, 1],
            "value": [100.0, 200.0, 140.0, 220.0],  # Δvalue 40 and 20, mean 30
            "cost_one_off": [0.0, 0.0, 20.0, 20.0],
        }
    )
    # gain before the cost: (30 + 20) per 125 working days = 100 a year; 20 / 100
    assert payback_years(reps, 125) == pytest.approx(0.2, rel=1e-12)
    losing = reps.assign(value=[100.0, 200.0, 60.0, 160.0])
    assert payback_years(losing, 125) == math.inf
    assert math.isnan(payback_years(reps.assign(cost_one_off=0.0), 125))


def test_rank_correlation_of_value_with_retention():
    names = ["a", "b", "c", "d"]
    runs = {
        (n, s): {"value": v + s, "profit": p, "retention": r}
        for n, v, p, r in zip(
            names, [1, 2, 3, 4], [4, 1, 3, 2], [0.85, 0.86, 0.88, 0.9], strict=True
        )
        for s in (0, 1)
    }
    rho_value, rho_profit = value_retention_correlation(names, runs, [0, 1])
    assert rho_value == pytest.approx(1.0) and rho_profit == pytest.approx(-0.4)
    assert math.isnan(value_retention_correlation(names[:2], runs, [0, 1])[0])


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    o = tmp_path_factory.mktemp("value") / "report"
    argv = [
        "current=baseline",
        "proposal=aht_pay",
        "replications=2",
        "days=42",
        "rollout_day=14",
        "seed=5",
        "robust=0",
        "progress=false",
        "jobs=1",
        "economics.currency=EUR",
        "transition.one_off_cost=50000",
        *TINY,
        f"out={o}",
    ]
    assert cli.main(argv) == 0
    return o


def test_compare_value_per_replication_and_bridge(out):
    reps = pd.read_csv(out / "replications.csv")
    for _, r in reps.iterrows():  # per replication, both arms
        change = r["customer_equity_end"] - r["customer_equity_start"]
        assert r["value"] == pytest.approx(r["profit"] + change, rel=1e-12)
    # only the proposal arm switches scheme, so only it pays the one-off cost
    assert (reps.loc[reps["arm"] == "current", "cost_one_off"] == 0).all()
    assert (reps.loc[reps["arm"] == "proposal", "cost_one_off"] == 50000).all()
    b = pd.read_csv(out / "money_bridge.csv").set_index("item")
    table = pd.read_csv(out / "comparison.csv").set_index("metric")
    total = b.loc["value", "difference"]
    assert total == pytest.approx(table.loc["value", "difference"], rel=1e-12)
    items = b[b["kind"] == "item"]["difference"]
    assert items.sum() == pytest.approx(total, rel=1e-9, abs=1e-6)
    assert b.loc["one_off", "difference"] == -50000.0


def test_verdict_headline_is_on_value_with_profit_and_equity_beside_it(out):
    page = (out / "report.html").read_text()
    t = pd.read_csv(out / "comparison.csv").set_index("metric")
    b = pd.read_csv(out / "money_bridge.csv").set_index("item")
    v = t.loc["value", "verdict"]
    word = {"better": "would raise value", "worse": "would lower value"}
    assert word.get(v, "would not change value measurably") in page
    assert "profit alone changes by" in page and "EUR" in page
    # the change in customer equity is reported with its interval, and it moves with
    # the customers' true experience: experience moves loyalty and equity prices the
    # active base's loyalty, so pay on handle time, which serves customers worse, lowers
    # equity before it measurably lowers the count (in 28 days that barely moves)
    eq = b.loc["equity"]
    assert math.isfinite(eq["ci_low"]) and eq["ci_low"] <= eq["difference"] <= eq["ci_high"]
    assert f"customer equity by {eq['difference']:+,.0f} EUR" in page
    d_csat = t.loc["csat_true", "difference"]
    assert np.sign(eq["difference"]) == np.sign(d_csat)
    doc = json.loads((out / "verdict.json").read_text())
    assert doc["currency"] == "EUR"
    assert "value" in doc["robust_shares"]
    pb = doc["payback_years"]
    assert pb == "never" or (isinstance(pb, float) and pb > 0)
    assert "The one-off cost of the change" in page


def test_app_money_tile_shows_value_beside_profit():
    from sim.app.snapshot import kpi_tiles, side_deltas, take_snapshot

    cfgs = [load_config(s, ["days=12", *TINY]) for s in ("aht_pay", "baseline")]
    models = [ContactCentreModel(c) for c in cfgs]
    for m in models:
        for _ in range(12):
            m.step()
    snap, other = take_snapshot(models[0]), take_snapshot(models[1], full=False)
    tiles = {k: (label, shown, true) for k, label, shown, true in kpi_tiles(snap, cfgs[0])}
    label, shown, true = tiles["money"]
    s = snap.summary
    assert label == "Value so far (USD)" and shown == f"{s['value'] / 1e6:,.2f} M"
    assert true == f"profit {s['profit'] / 1e6:,.2f} M"  # short: the tile fits at 1024 px
    # the other side's value is the same identity as the summary's, from the run so far
    g = other.summary
    m = models[1]
    assert g["value"] == g["profit"] + (m.customer_equity() - m.equity_start)
    d = (s["value"] - g["value"]) / 1e6
    money = side_deltas(snap, other, "baseline")["money"]
    assert money.startswith(f"value {d:+,.2f} M vs baseline")
