"""Adding a KPI is one entry in ``sim.measurement.KPIS`` plus its measurement
(docs/architecture.md, "Where to add"): a toy KPI registered there reaches the config
schema, the paid and safety-net lists, pay, learning and the imbalance sign."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import measurement
from sim.config.schema import Config, KPIConfig, KPIsConfig, SchemeConfig, kpis_config
from sim.measurement import KPI, KPIS, employee_kpis, ratio_array
from sim.model import behavior as bh
from sim.model import hindsight
from sim.model import scheme as pay_rules
from sim.model.pay_period import candidate_metrics
from sim.outputs.signs import imbalance

#: A toy KPI from counts the live ledger and the replay both keep: calls passed to
#: another team per call the agent owned (lower is better).
TOY = KPI(
    name="handover",
    label="transfers per call owned",
    unit="share",
    direction="lower",
    measure=lambda c, d: ratio_array(c["transfers"], c["answered"]),
    paid=True,
    safety_net=True,
    perspective="learning_growth",
    observations=lambda c, d: c["answered"],
    scheme_default={"threshold": 1.0, "target": 0.0, "stretch": 0.0},
)


@pytest.fixture
def toy(monkeypatch):
    """The registry with the toy KPI added (undone after the test)."""
    monkeypatch.setitem(KPIS, TOY.name, TOY)
    return TOY


def _counts(n: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    legs = rng.integers(50, 100, n).astype(float)
    answered = legs - rng.integers(0, 10, n)
    return {
        "legs": legs,
        "handle_s": legs * 350.0,
        "answered": answered,
        "coded": answered * 0.8,
        "repeats": answered * 0.2,
        "surveys": answered * 0.1,
        "survey_top2": answered * 0.08,
        "rnd_surveys": answered * 0.05,
        "rnd_top2": answered * 0.04,
        "transfers": np.array([2.0, 5.0, 9.0])[:n],
        "pushes": legs * 0.05,
        "detected": np.zeros(n),
        "audited": legs * 0.02,
        "complaints": np.ones(n),
    }


def test_the_schema_reads_the_registry():
    """Today's schema is built from the registry: one field per paid KPI with its
    direction and default curve, and the registry's safety nets as the choices."""
    assert [f.name for f in dataclasses.fields(KPIsConfig)] == list(measurement.paid_kpis())
    for name in measurement.paid_kpis():
        assert getattr(KPIsConfig(), name).direction == KPIS[name].direction
    choices = KPIConfig.__dataclass_fields__["safety_metric"].metadata["choices"]
    assert choices == ("", *measurement.safety_metrics())


def test_a_toy_kpi_is_one_entry(toy):
    assert toy.name in measurement.paid_kpis()
    assert toy.name in measurement.safety_metrics()
    # the schema: a field of scheme.kpis with the KPI's direction and default curve
    kpis = kpis_config()()
    assert getattr(kpis, toy.name) == KPIConfig(direction="lower", threshold=1.0)
    # measured with the others, and its observations counted (the n_ column)
    counts = _counts()
    measured = employee_kpis(counts, "self_coded", "random_sample")
    assert measured[toy.name] == pytest.approx(counts["transfers"] / counts["answered"])
    sizes = measurement.kpi_sample_sizes(counts, "self_coded", "random_sample")
    assert sizes[toy.name] is counts["answered"]
    # the Balanced-Scorecard perspective the imbalance sign adds its weight to
    scheme = SchemeConfig(kpis=kpis, bonus_share=0.1)
    assert imbalance(scheme, {toy.name: 1.0})["perspectives"]["learning_growth"] == 1.0


def test_pay_reads_the_toy_kpi_and_its_direction_as_a_safety_net(toy):
    counts = _counts()
    measured = employee_kpis(counts, "self_coded", "random_sample")
    paid = {k: measured[k] for k in measurement.paid_kpis()}
    safety = {k: measured[k] for k in measurement.safety_metrics()}
    kpis = kpis_config()()
    setattr(kpis, toy.name, KPIConfig(weight=1.0, direction="lower", threshold=1.0))
    scheme = SchemeConfig(kpis=kpis, bonus_share=0.1)
    salary = np.full(3, 3000.0)
    pay = pay_rules.pay_period(
        scheme, paid, safety, measured["quality"], counts["detected"], salary, None
    )
    # fewer handovers, more bonus (lower is better)
    assert pay.bonus[0] > pay.bonus[1] > pay.bonus[2] > 0
    # as a safety net of another KPI: a higher value is the worse one
    aht_scheme = SchemeConfig(kpis=kpis_config()(), bonus_share=0.1)
    aht_scheme.kpis.aht = KPIConfig(
        weight=1.0, direction="lower", threshold=1000.0, target=100.0, stretch=100.0
    )
    aht_scheme.kpis.aht.safety_metric = toy.name
    aht_scheme.kpis.aht.safety_limit = float(np.median(measured[toy.name]))
    netted = pay_rules.pay_period(
        aht_scheme, paid, safety, measured["quality"], counts["detected"], salary, None
    )
    assert (netted.bonus > 0).tolist() == [True, True, False]


def _legs(n_employees: int, per_employee: int) -> dict[str, np.ndarray]:
    """Hard first legs, none needing a transfer: the dump lever alone decides which are
    passed on (``u_hang`` above the hang-up share: a dump is a transfer)."""
    j = n_employees * per_employee
    legs = {f: np.zeros(j) for f in hindsight.LEG_FIELDS}
    legs["employee"] = np.repeat(np.arange(n_employees), per_employee)
    legs["seat"] = legs["employee"].copy()
    legs["hard"][:] = 1.0
    legs["cx"][:] = 1.0
    legs["u_dump"] = np.tile(np.linspace(0.0, 1.0, per_employee, endpoint=False), n_employees)
    legs["u_hang"][:] = 0.9
    legs["u_push"][:] = 0.99
    legs["u_res"] = np.tile(np.linspace(0.0, 1.0, per_employee), n_employees)
    legs["u_code"][:] = 0.99
    legs["wait_s"][:] = 10.0
    legs["propensity"][:] = 0.3
    legs["skill"][:] = 0.8
    legs["speed"][:] = 1.0
    return legs


def test_learning_prices_the_toy_kpi(toy):
    n = 2
    reference = np.tile([1.0, 0.5, 0.3, 0.0, 0.0, 0.0, 1.0], (n, 1))
    lo, hi = bh.bounds(True, reference)
    candidates = hindsight.candidates(reference, lo, hi, 0.1, np.ones(len(bh.LEVERS), bool))
    cfg = Config()

    def bonus(weight: float) -> np.ndarray:
        kpis = kpis_config()()
        setattr(kpis, toy.name, KPIConfig(weight=weight, direction="lower", threshold=1.0))
        scheme = SchemeConfig(kpis=kpis, bonus_share=0.1, audit_rate=0.0)
        replayed = hindsight.replay(_legs(n, 50), candidates, cfg, scheme)
        actual = {k: v[:, 0] for k, v in replayed.items()}
        actual["complaint_rate"] = np.zeros(n)  # not replayed: the period's actual value
        measured, safety = candidate_metrics(replayed, actual)
        assert measured[toy.name] is replayed[toy.name]
        assert safety[toy.name] is replayed[toy.name]
        salary = np.full(n, 3000.0)
        pay = pay_rules.pay_period(
            scheme,
            {k: v[:, 0] for k, v in measured.items()},
            {k: v[:, 0] for k, v in safety.items()},
            replayed["quality"][:, 0],
            replayed["detected"][:, 0],
            salary,
            None,
        )
        return pay_rules.candidate_bonus(
            scheme, measured, safety, replayed["quality"], replayed["detected"], salary, pay
        )

    dump_up, dump_down = 1 + 2 * bh.DUMP, 2 + 2 * bh.DUMP
    paid = bonus(1.0)
    # dumping more hands more calls over: the scheme paying on the toy pays less for it
    assert (paid[:, dump_down] > paid[:, 0]).all() and (paid[:, 0] > paid[:, dump_up]).all()
    # unpaid, the same candidates are priced alike
    assert np.ptp(bonus(0.0)) == 0.0


def test_a_kpi_the_replay_cannot_reproduce_is_held_at_its_actual_value(monkeypatch):
    held = dataclasses.replace(
        TOY,
        name="complaints_held",
        measure=lambda c, d: ratio_array(c["complaints"], c["answered"]),
        paid=False,
        replayed=False,
    )
    monkeypatch.setitem(KPIS, held.name, held)
    counts = _counts()
    replay_counts = {k: v[:, None] * np.ones((1, 4)) for k, v in counts.items()}
    del replay_counts["complaints"]  # the replayed calls carry no complaints
    replayed = employee_kpis(replay_counts, "self_coded", "random_sample", replay=True)
    assert held.name not in replayed
    replayed["legs"] = replay_counts["legs"]
    actual = employee_kpis(counts, "self_coded", "random_sample")
    _, safety = candidate_metrics(replayed, actual)
    assert safety[held.name].shape == (3, 4)
    assert (safety[held.name] == actual[held.name][:, None]).all()
