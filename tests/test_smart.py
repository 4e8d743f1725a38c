"""SMART: the scoring curve (``target`` means something in every curve), its ordering
check, :func:`sim.outputs.smart.smart_check` on real runs (the base scheme passes all
five criteria, each variant fails exactly its own), and ``smart_check.csv`` of the
comparison report.

The runs are short and small (60 working days = three monthly periods, 60,000 customers,
40 agents, seed 3); each criterion's value is deterministic given the seed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.compare import cli
from sim.config import ConfigError, KPIConfig, load_config
from sim.model.scheme import score
from sim.outputs.smart import COLUMNS, CRITERIA, judge, smart_check
from sim.run import run_simulation

SMALL = ["days=60", "customers.n=60000", "employees.n=40", "seed=3"]


# --------------------------------------------------------------------------- score()
@pytest.mark.parametrize(
    "kpi",
    [
        KPIConfig(weight=1, direction="higher", threshold=0.6, target=0.7, stretch=0.9, cap=2.0),
        KPIConfig(weight=1, direction="lower", threshold=420, target=360, stretch=300, cap=1.5),
    ],
    ids=["higher", "lower"],
)
def test_linear_scores_zero_one_cap_at_threshold_target_stretch(kpi):
    v = np.array([kpi.threshold, kpi.target, kpi.stretch])
    np.testing.assert_allclose(score(v, kpi), [0.0, 1.0, kpi.cap])
    # half-way between the points, half-way between the scores (straight lines)
    mid = np.array([(kpi.threshold + kpi.target) / 2, (kpi.target + kpi.stretch) / 2])
    np.testing.assert_allclose(score(mid, kpi), [0.5, (1 + kpi.cap) / 2])
    # beyond the ends: clipped to [0, cap]; no contacts (NaN): 0
    step = kpi.stretch - kpi.threshold
    out = np.array([kpi.threshold - step, kpi.stretch + step, np.nan])
    np.testing.assert_allclose(score(out, kpi), [0.0, kpi.cap, 0.0])


def test_no_overachievement_band_stays_at_one():
    kpi = KPIConfig(weight=1, threshold=0.6, target=0.8, stretch=0.8, cap=1.0)
    np.testing.assert_allclose(score(np.array([0.7, 0.8, 0.95]), kpi), [0.5, 1.0, 1.0])


@pytest.mark.parametrize("direction,hit,miss", [("higher", 0.8, 0.79), ("lower", 360, 361)])
def test_cliff_pays_one_at_target(direction, hit, miss):
    kpi = KPIConfig(
        weight=1,
        curve="cliff",
        direction=direction,
        target=0.8 if direction == "higher" else 360,
        cap=2.0,
    )
    np.testing.assert_allclose(score(np.array([hit, miss, np.nan]), kpi), [1.0, 0.0, 0.0])


@pytest.mark.parametrize(
    "overrides,needle",
    [
        (["scheme.kpis.fcr.target=0.9"], "threshold=0.58, target=0.9, stretch=0.76"),
        (["scheme.kpis.fcr.target=0.5"], "threshold=0.58, target=0.5, stretch=0.76"),
        (["scheme.kpis.aht.weight=0", "scheme.kpis.fcr.stretch=0.6"], "stretch=0.6"),
        (["scheme.kpis.fcr.cap=0.5"], "scheme.kpis.fcr.cap=0.5 is below 1"),
    ],
)
def test_bad_ordering_is_a_config_error_naming_the_kpi(overrides, needle):
    with pytest.raises(ConfigError) as e:
        load_config("smart_targets", overrides)
    assert "scheme.kpis.fcr" in str(e.value) and needle in str(e.value)


def test_bad_ordering_lower_direction():
    with pytest.raises(
        ConfigError,
        match=r"scheme.kpis.aht: direction='lower' needs "
        r"threshold > target >= stretch \(got threshold=500, target=520",
    ):
        load_config("smart_not_relevant", ["scheme.kpis.aht.target=520"])


def test_cliff_does_not_need_threshold_or_stretch():
    cfg = load_config("smart_targets", ["scheme.kpis.fcr.curve=cliff", "scheme.kpis.fcr.stretch=0"])
    assert cfg.scheme.kpis.fcr.curve == "cliff"


# --------------------------------------------------------------------------- smart_check
VARIANTS = {
    "smart_targets": set(),
    "smart_not_specific": {"S"},
    "smart_not_measurable": {"M"},
    "unachievable_targets": {"A"},
    "smart_not_relevant": {"R"},
    "smart_not_timebound": {"T"},
}


@pytest.fixture(scope="module")
def checks() -> dict[str, pd.DataFrame]:
    return {
        sc: smart_check(run_simulation(load_config(sc, SMALL), progress=False)) for sc in VARIANTS
    }


@pytest.mark.parametrize("scenario", list(VARIANTS))
def test_each_variant_fails_exactly_its_criterion(checks, scenario):
    t = checks[scenario]
    assert list(t.columns) == list(COLUMNS)
    assert set(t["criterion"]) == set(CRITERIA)
    failed = set(t.loc[~t["passed"], "criterion"])
    if scenario == "smart_not_measurable":
        # Cannot be fully isolated: R is corrected for the KPI's noise, and when the noise
        # is as large as every difference between agents (reliability <= 0; here 5% of
        # contacts surveyed, 40 agents, 3 periods) there is nothing left to correlate, so
        # R is "cannot be judged" (NaN, failed), never a low correlation.
        r = t[(t["criterion"] == "R") & ~t["passed"]]
        if len(r):
            assert list(r["kpi"]) == ["csat"] and r["value"].isna().all()
            failed.discard("R")
    assert failed == VARIANTS[scenario], t[["kpi", "criterion", "value", "limit"]]
    assert t["sentence"].str.len().gt(20).all()


def test_variants_move_their_criterion_the_right_way(checks):
    base = checks["smart_targets"].set_index(["kpi", "criterion"])["value"]

    def v(sc, kpi, c):
        return checks[sc].set_index(["kpi", "criterion"])["value"][(kpi, c)]

    # team pay: the agent moves (1 - 1) + 1/n of its paid number
    assert v("smart_not_specific", "fcr", "S") < 0.1 <= base[("fcr", "S")]
    # 5% survey sampling instead of 100%: about sqrt(20) wider intervals (binomial)
    ratio = v("smart_not_measurable", "csat", "M") / base[("csat", "M")]
    assert 0.5 * math.sqrt(20) < ratio < 1.5 * math.sqrt(20)
    # the same bands moved beyond honest reach: almost nobody on target
    assert (
        v("unachievable_targets", "fcr", "A") < 0.2 and v("unachievable_targets", "csat", "A") < 0.2
    )


def test_judge_is_the_stated_rule():
    assert judge("fcr", "M", 0.1, 0.18)["passed"] and not judge("fcr", "M", 0.2, 0.18)["passed"]
    assert judge("fcr", "T", 21, 14, 62.5)["passed"]
    assert not judge("fcr", "T", 10, 14, 62.5)["passed"]
    assert not judge("fcr", "T", 250, 14, 62.5)["passed"]
    assert not judge("fcr", "R", math.nan, 0.3)["passed"]


def test_flat_scheme_has_nothing_to_check():
    res = run_simulation(
        load_config("baseline", ["days=21", "customers.n=20000", "employees.n=4"]), progress=False
    )
    assert smart_check(res).empty


# --------------------------------------------------------------------------- compare
def test_compare_report_writes_smart_check_csv(tmp_path):
    out = tmp_path / "report"
    args = [
        "current=smart_targets",
        "proposal=smart_not_measurable",
        "replications=2",
        "days=63",
        "rollout_day=21",
        "seed=5",
        "robust=0",
        "progress=false",
        "jobs=1",
        "customers.n=20000",
        "employees.n=8",
        f"out={out}",
    ]
    assert cli.main(args) == 0
    t = pd.read_csv(out / "smart_check.csv")
    assert set(t["arm"]) == {"current", "proposal"}
    assert set(t["criterion"]) == set(CRITERIA) and (t["replications"] == 2).all()
    m = t[(t["kpi"] == "csat") & (t["criterion"] == "M")].set_index("arm")["value"]
    assert m["proposal"] > 2 * m["current"]  # sqrt(20) in theory; a tiny centre
    assert "SMART: is each paid KPI a fair target?" in (out / "report.html").read_text()
