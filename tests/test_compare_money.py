"""``kpisim compare``: the money bridge, the value-driver and sign sentences, and the
staffing-by-interval view, on a tiny centre (20,000 customers, 12 + 2 agents, 42 days,
2 paired replications, no robust worlds) run through the real compare pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.compare import cli
from sim.compare.bridge import ITEMS, PROFIT_ITEMS, largest_item, sign_deciders
from sim.compare.verdict_money import PHRASES
from sim.config import load_config
from sim.model.erlang import agents_required

TINY = ["customers.n=20000", "employees.n=12", "teams.specialists_n=2"]
COSTS = (
    "cost_labour",
    "cost_overtime",
    "cost_bonus",
    "cost_hiring",
    "cost_overhead",
    "cost_telephony",
    "cost_web",
)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    o = tmp_path_factory.mktemp("money") / "report"
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
        *TINY,
        f"out={o}",
    ]
    assert cli.main(argv) == 0
    return o


def test_bridge_sums_to_the_change_in_profit_then_value(out):
    b = pd.read_csv(out / "money_bridge.csv")
    names = [name for name, *_ in ITEMS]
    assert names[:2] == ["margin", "equity"]  # customer equity beside the margin
    assert list(b["item"]) == [*names, "value", "profit"]
    assert list(b["kind"]) == ["item"] * len(names) + ["total", "subtotal"]
    table = pd.read_csv(out / "comparison.csv").set_index("metric")
    b = b.set_index("item")
    # the subtotal is the comparison's profit difference and the total its value
    # difference; the items add up to them up to floating-point rounding of sums of ~1e6
    # (relative 1e-9)
    assert b.loc["profit", "difference"] == pytest.approx(
        table.loc["profit", "difference"], rel=1e-12
    )
    assert b.loc["value", "difference"] == pytest.approx(
        table.loc["value", "difference"], rel=1e-12
    )
    profit_items = b.loc[list(PROFIT_ITEMS), "difference"]
    assert profit_items.sum() == pytest.approx(b.loc["profit", "difference"], rel=1e-9, abs=1e-6)
    every_item = b.loc[names, "difference"]
    assert every_item.sum() == pytest.approx(b.loc["value", "difference"], rel=1e-9, abs=1e-6)


def test_bridge_items_recomputed_from_replications(out):
    reps = pd.read_csv(out / "replications.csv")
    cur = reps[reps["arm"] == "current"].sort_values("replication").reset_index(drop=True)
    pro = reps[reps["arm"] == "proposal"].sort_values("replication").reset_index(drop=True)
    b = pd.read_csv(out / "money_bridge.csv").set_index("item")
    m = load_config(overrides=TINY).customers.margin_rate
    keys = (*COSTS, "cost_one_off", "revenue", "customer_equity_end", "customer_equity_start")
    d = {k: float((pro[k] - cur[k]).mean()) for k in keys}
    expect = {
        "margin": m * d["revenue"],
        "labour": -(d["cost_labour"] - d["cost_overtime"]),
        "overtime": -d["cost_overtime"],
        "bonus": -d["cost_bonus"],
        "hiring": -d["cost_hiring"],
        "overhead": -d["cost_overhead"],
        "telephony": -d["cost_telephony"],
        "web": -d["cost_web"],
        "one_off": -d["cost_one_off"],
        "equity": d["customer_equity_end"] - d["customer_equity_start"],
    }
    for k, v in expect.items():
        assert b.loc[k, "difference"] == pytest.approx(v, rel=1e-9, abs=1e-6), k
        assert b.loc[k, "n"] == 2
    # the run really moved money: the bridge is not trivially zero (the proposal pays
    # bonuses and customers react; whether 42 days move the headcount, and so labour,
    # depends on the draws of a tiny centre)
    assert b.loc["margin", "difference"] != 0 and b.loc["bonus", "difference"] != 0


def test_page_has_bridge_driver_sentence_and_intervals(out):
    page = (out / "report.html").read_text()
    assert 'alt="money bridge"' in page and 'alt="staffing by interval"' in page
    for png in ("fig_money_bridge.png", "fig_intervals.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    b = pd.read_csv(out / "money_bridge.csv")
    top = largest_item(b)
    phrase = PHRASES[top["item"]][0 if top["difference"] >= 0 else 1]
    assert phrase in page
    net = b.loc[b["kind"] == "total", "difference"].iloc[0]
    assert ("Value rises by" if net > 0 else "Value falls by") in page
    assert "run with robust=N" in page


def test_intervals_csv_recomputes_true_need(out):
    iv = pd.read_csv(out / "intervals.csv")
    cfg = load_config(overrides=TINY)
    assert set(iv["arm"]) == {"current", "proposal"}
    assert set(iv["team"]) == {"front", "specialist"}
    n = round(cfg.channels.open_s / (cfg.demand.interval_minutes * 60))
    assert (iv.groupby(["arm", "team"]).size() == n).all()
    for (_, team), g in iv.groupby(["arm", "team"]):
        aht = float(g["aht_true_s"].iloc[0])
        assert aht > 0 and (g["aht_true_s"] == aht).all()
        patience = cfg.customers.patience_mean_s if cfg.workforce.planner == "erlang_a" else None
        need = agents_required(
            g["offered_mean"].to_numpy(),
            cfg.demand.interval_minutes * 60,
            aht,
            patience,
            cfg.channels.service_level_target,
            cfg.channels.service_level_threshold_s,
        )
        np.testing.assert_array_equal(g["needed_true"].to_numpy(), need, err_msg=team)
        assert (g["on_phones"] >= 0).all() and g["on_phones"].sum() > 0


def test_sign_deciders_rank_the_parameter_that_drives_the_sign():
    rng = np.random.default_rng(3)
    a, b, c = rng.uniform(size=(3, 40))
    robust = pd.DataFrame(
        {
            "a": a,
            "b": b,
            "c": c,
            "diff_value": 10 * (a - 0.5) - 3 * (b - 0.5) + rng.normal(0, 0.5, 40),
        }
    )
    top = sign_deciders(robust, ["c", "b", "a"])
    assert list(top["parameter"]) == ["a", "b"]
    assert top["spearman"].iloc[0] > 0 > top["spearman"].iloc[1]
    assert sign_deciders(robust.head(2), ["a"]).empty
