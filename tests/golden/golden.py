"""Golden outputs: fixed runs whose results must not change by accident.

Recorded before the package was restructured (and re-recorded only on purpose, in a commit
that says why): every scenario at two seeds over 60 days, plus one ``kpisim compare`` with
two replications.  A run is fingerprinted by its full summary and a SHA-256 of its daily and
employee tables written as CSV (``repr`` precision: any change of any value shows).

Regenerate with ``.venv/bin/python tests/golden/golden.py`` (writes ``runs.json``,
``compare.json`` and ``numerics.txt`` beside this file).  ``numerics.txt`` fingerprints the
machine's floating-point kernels: on a machine whose kernels differ in the last bit (another
CPU family), outputs are still reproducible there but cannot match these files bit for bit,
and the golden comparisons skip with a message saying so.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SEEDS = (0, 1)
DAYS = 60
#: ``kpisim compare`` arguments of the golden comparison (small, but every code path:
#: replications, rollout, robust worlds, sensitivity).
COMPARE_ARGS = [
    "current=baseline",
    "proposal=aht_pay",
    "replications=2",
    "days=60",
    "robust=3",
    "robust_scale=0.05",
    "customers.n=100000",
    "employees.n=20",
    "jobs=1",
    "progress=false",
]
#: Output files of the comparison that must be bit-identical.
COMPARE_FILES = (
    "comparison.csv",
    "replications.csv",
    "robust.csv",
    "timeseries.csv",
    "sensitivity.csv",
)


def frame_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a table's columns and values (CSV with full float precision)."""
    return hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def numerics_probe() -> str:
    """SHA-256 of the floating-point kernels the model relies on (numpy's vectorised
    exp/log/power, scipy's ndtr, the random distributions, libm through ``math``) on fixed
    inputs.  numpy picks SIMD kernels by CPU (AVX-512 vs AVX2 paths may differ in the last
    bit), so bit-identical outputs can only be expected where this probe matches the one
    recorded with the goldens."""
    import math

    import numpy as np
    from scipy.special import ndtr

    x = np.linspace(-40.0, 40.0, 20_001)
    rng = np.random.default_rng(12345)
    parts = [
        np.exp(x),
        np.log1p(np.abs(x)),
        np.log(np.abs(x) + 1e-3),
        np.power(np.abs(x), 0.37),
        np.sqrt(np.abs(x)),
        ndtr(x / 7.0),
        np.tanh(x / 9.0),
        rng.normal(size=5000),
        rng.exponential(2.0, 5000),
        rng.lognormal(0.1, 0.8, 5000),
        rng.gamma(0.7, 1.3, 5000),
        rng.beta(2.0, 3.0, 5000),
        rng.geometric(0.2, 5000).astype(float),
        rng.poisson(3.5, 5000).astype(float),
        np.array([math.exp(v / 13.0) + math.log(1.0 + abs(v)) for v in x[::97]]),
    ]
    h = hashlib.sha256()
    for a in parts:
        h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return h.hexdigest()


def scenarios() -> list[str]:
    return sorted(p.stem for p in (ROOT / "configs" / "scenario").glob("*.yaml"))


def run_fingerprint(scenario: str, seed: int) -> dict:
    from sim import load_config, run_simulation

    res = run_simulation(load_config(scenario, [f"seed={seed}", f"days={DAYS}"]))
    return {
        "summary": json.loads(json.dumps(res.summary)),
        "daily_sha256": frame_hash(res.daily),
        "employees_sha256": frame_hash(res.employees),
    }


def compare_fingerprint() -> dict[str, str]:
    kpisim = Path(sys.executable).parent / "kpisim"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cmp"
        subprocess.run(
            [str(kpisim), "compare", *COMPARE_ARGS, f"out={out}"],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        return {name: file_hash(out / name) for name in COMPARE_FILES}


def main() -> None:
    runs = {f"{s}/{seed}": run_fingerprint(s, seed) for s in scenarios() for seed in SEEDS}
    (HERE / "runs.json").write_text(json.dumps(runs, indent=1, sort_keys=True) + "\n")
    (HERE / "numerics.txt").write_text(numerics_probe() + "\n")
    (HERE / "compare.json").write_text(json.dumps(compare_fingerprint(), indent=1) + "\n")


if __name__ == "__main__":
    main()
