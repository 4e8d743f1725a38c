"""Signs 1 and 3 on constructed data: uniform gaming lights the Goodhart index through the
within-employee gaps although the cross-employee correlation survives, honest noise does
not; sign 1's level gap is measured against the honest record of the same contacts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.outputs.gaps import WIDEN_MIN, level_gaps, widening
from sim.outputs.signs import indicator_became_target

N_EMP, PERIODS = 30, 8


def _emp(shift: float, seed: int = 0) -> pd.DataFrame:
    """Employees whose true FCR differs by skill; from period 1 on every one of them
    codes ``shift`` more of their calls "resolved" than they solve (uniform gaming),
    plus binomial-size noise of ~800 calls a period."""
    rng = np.random.default_rng(seed)
    skill = rng.uniform(0.6, 0.85, N_EMP)
    rows = []
    for p in range(PERIODS):
        true = np.clip(skill + rng.normal(0, 0.015, N_EMP), 0, 1)
        gap = (shift if p > 0 else 0.0) + rng.normal(0, 0.003, N_EMP)
        surveyed = np.clip(true - 0.1 + rng.normal(0, 0.05, N_EMP), 0, 1)
        for i in range(N_EMP):
            rows.append(
                {
                    "employee_id": i,
                    "period": p,
                    "fcr_true": true[i],
                    "fcr_measured": min(1.0, true[i] + gap[i]),
                    "csat_true": true[i] - 0.1,
                    "csat_survey": surveyed[i],
                    "aht_s": 400.0 + rng.normal(0, 10),
                }
            )
    return pd.DataFrame(rows)


def test_uniform_gaming_lights_the_goodhart_index_through_within_gaps():
    emp = _emp(shift=0.05)
    sign = indicator_became_target(emp, {"fcr": 1.0})
    # everyone games alike: the ranking of employees, hence the correlation, survives
    assert sign["correlation_drop"] < 0.3
    assert sign["flag"] and sign["value"] >= 1.0
    assert abs(sign["gap_widening"] - 0.05) < 0.01  # the shift, within sampling error
    assert "widened" in sign["sentence"]


def test_honest_noise_leaves_the_goodhart_index_off():
    for seed in range(5):
        sign = indicator_became_target(_emp(shift=0.0, seed=seed), {"fcr": 1.0})
        assert not sign["flag"], (seed, sign)


def test_widening_threshold_is_material_and_significant():
    w = widening(_emp(shift=0.0), 0)["fcr"]
    assert w.n == N_EMP
    # 3 standard errors of the mean of 30 employees' changes, and at least 2 points
    assert w.limit == max(WIDEN_MIN, 3 * w.se)
    assert abs(w.mean) < w.limit


def _daily(steered: int) -> pd.DataFrame:
    """42 days of 1,000 owned calls and 200 agent-offered surveys; ``steered`` surveys a
    day turned top-2 by steering (the honest record of the same calls would not have)."""
    d = pd.DataFrame(
        {"day": range(42), "answered_owned": 1000, "surveys": 200, "surveys_honest": 200}
    )
    d["fcr_measured"] = d["fcr_honest"] = 0.75
    d["csat_survey_honest"] = 0.70  # far above a true CSAT of all contacts: selection
    d["csat_survey"] = 0.70 + steered / 200
    return d


def test_sign_one_ignores_selection_and_counts_steering():
    quiet = level_gaps(_daily(0), 21)
    assert all(g.gap == 0.0 for g in quiet.values())
    # 2 SE of a 21-day period's survey CSAT (4,200 answers): sqrt(.7 * .3 / 4200) * 2
    lit = level_gaps(_daily(6), 21)["customer satisfaction"]
    assert abs(lit.limit - 2 * np.sqrt(0.7 * 0.3 / 4200)) < 1e-3
    assert abs(lit.gap - 6 / 200) < 1e-12 and lit.gap > lit.limit
