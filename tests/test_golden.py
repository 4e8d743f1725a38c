"""Golden outputs: a restructuring must leave every output bit-identical.

The fingerprints in ``tests/golden/`` were recorded with ``tests/golden/golden.py``; a
deliberate change of model behaviour regenerates them in a commit that says why.
"""

from __future__ import annotations

import json

import pytest
from golden import golden as g

RUNS = json.loads((g.HERE / "runs.json").read_text())
COMPARE = json.loads((g.HERE / "compare.json").read_text())
RECORDED_NUMERICS = (g.HERE / "numerics.txt").read_text().strip()


@pytest.fixture(scope="module", autouse=True)
def same_numerics():
    """Bit-identity is only defined on the floating-point kernels the goldens were
    recorded with (see ``golden.numerics_probe``)."""
    probe = g.numerics_probe()
    if probe != RECORDED_NUMERICS:
        pytest.skip(
            "this machine's floating-point kernels differ from those the goldens were "
            f"recorded with (probe {probe[:12]} vs {RECORDED_NUMERICS[:12]}): outputs cannot "
            "be compared bit for bit here; regenerate with tests/golden/golden.py"
        )


def test_numerics_probe_is_deterministic():
    assert g.numerics_probe() == g.numerics_probe()


def test_golden_set_covers_every_scenario_and_seed():
    assert sorted(RUNS) == sorted(f"{s}/{seed}" for s in g.scenarios() for seed in g.SEEDS)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", g.scenarios())
def test_runs_are_bit_identical(scenario):
    for seed in g.SEEDS:
        got = g.run_fingerprint(scenario, seed)
        want = RUNS[f"{scenario}/{seed}"]
        assert got["summary"] == want["summary"], f"{scenario} seed {seed}: summary changed"
        assert got["daily_sha256"] == want["daily_sha256"], f"{scenario}/{seed}: daily table"
        assert got["employees_sha256"] == want["employees_sha256"], f"{scenario}/{seed}: employees"


@pytest.mark.slow
def test_compare_outputs_are_bit_identical():
    assert g.compare_fingerprint() == COMPARE
