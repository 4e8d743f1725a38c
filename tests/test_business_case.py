"""The business case for paying on handle time emerges from the staffing plan.

Under ``aht_pay`` agents shorten calls (rushing, dumping hard ones), so the dashboard's
AHT falls.  The workforce plan believes that AHT, so it requires fewer agents and the
centre pays fewer hours — the labour saving a finance lead expects.  But rushed calls
come back as repeats and dumped ones land on the specialist team, whose load rises.
Nothing here is scripted: the plan reads the measured AHT like a WFM team does.

Paired seeds (same seed, baseline vs ``aht_pay``).  With ``SEEDS`` pairs each effect
must have the same sign in every pair and a paired t statistic above 2.92 (one-sided
95% with 2 degrees of freedom).
"""

from __future__ import annotations

import numpy as np
import pytest
import runs as shared_runs

from sim import load_config
from sim.model import ContactCentreModel
from sim.outputs import daily_frame

SEEDS = (0, 1, 2)
DAYS = 126
T_CRIT = 2.92  # one-sided 95% quantile of Student's t with len(SEEDS) - 1 = 2 df


def _run(scenario: str, seed: int) -> dict[str, float]:
    m = ContactCentreModel(load_config(scenario, overrides=[f"seed={seed}", f"days={DAYS}"]))
    m.run()
    d = daily_frame(m)
    late = d[d.day >= 42]  # after the first plans have reacted
    return {
        "aht_s": float(late.aht_s.mean()),
        "required_front": float(m.plans[0].required.sum()),
        "paid_hours": float(late.paid_hours.mean()),
        "cost_labour": float(late.cost_labour.sum()),
        "repeat_rate": float(late.repeat_contacts.sum() / late.contacts.sum()),
        "specialist_offered": float(late.spec_offered.mean()),
    }


def _one(task: tuple[str, int]) -> dict[str, float]:
    return _run(*task)


@pytest.fixture(scope="module")
def pairs() -> dict[str, np.ndarray]:
    """Paired differences aht_pay - baseline, one per seed, for each figure."""
    diffs: dict[str, list[float]] = {}
    tasks = [(scenario, seed) for seed in SEEDS for scenario in ("baseline", "aht_pay")]
    done = dict(zip(tasks, shared_runs.parallel(_one, tasks), strict=True))
    for seed in SEEDS:
        base, aht = done["baseline", seed], done["aht_pay", seed]
        for k in base:
            diffs.setdefault(k, []).append(aht[k] - base[k])
    return {k: np.array(v) for k, v in diffs.items()}


def _t(x: np.ndarray) -> float:
    return float(x.mean() / (x.std(ddof=1) / np.sqrt(x.shape[0])))


@pytest.mark.parametrize(
    ("key", "sign"),
    [
        ("aht_s", -1),  # the dashboard's AHT falls
        ("required_front", -1),  # so the plan requires fewer agents
        ("paid_hours", -1),  # and the centre pays fewer hours
        ("cost_labour", -1),
        ("repeat_rate", +1),  # but rushed calls come back
        ("specialist_offered", +1),  # and dumped calls load the specialists
    ],
)
def test_aht_pay_business_case(pairs, key, sign):
    x = sign * pairs[key]
    assert np.all(x > 0), (key, pairs[key])
    assert _t(x) > T_CRIT, (key, pairs[key])
