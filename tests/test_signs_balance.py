"""Sign 5 judges balance by Balanced-Scorecard perspective, whichever perspective
dominates: 100% on one customer KPI is as unbalanced as 100% on handle time, a spread
scheme is balanced, and a safety net balances a concentrated one."""

from __future__ import annotations

from sim import load_config
from sim.outputs.signs import imbalance


def _paid(scheme) -> dict[str, float]:
    return {
        k: getattr(scheme.kpis, k).weight
        for k in ("aht", "fcr", "csat", "transfer", "web_deflection", "quality")
        if getattr(scheme.kpis, k).weight > 0
    }


def test_one_customer_kpi_is_unbalanced():
    s = load_config("baseline", ["scheme.kpis.csat.weight=1", "scheme.bonus_share=0.1"]).scheme
    sign = imbalance(s, _paid(s))
    assert sign["flag"] and sign["value"] == 1.0 and "customer" in sign["sentence"]


def test_one_efficiency_kpi_is_unbalanced_and_a_spread_scheme_is_not():
    aht = load_config("aht_pay").scheme
    assert imbalance(aht, _paid(aht))["flag"]
    bsc = load_config("balanced_scorecard").scheme
    sign = imbalance(bsc, _paid(bsc))
    assert not sign["flag"] and sign["value"] < 0.7


def test_a_safety_net_balances_a_concentrated_scheme():
    s = load_config(
        "baseline",
        [
            "scheme.kpis.aht.weight=1",
            "scheme.bonus_share=0.1",
            "scheme.kpis.aht.safety_metric=repeat_rate",
            "scheme.kpis.aht.safety_limit=0.5",
        ],
    ).scheme
    assert not imbalance(s, _paid(s))["flag"]


def test_no_pay_nothing_to_unbalance():
    s = load_config("baseline").scheme
    assert not imbalance(s, _paid(s))["flag"]
