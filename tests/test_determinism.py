"""Same config + seed -> identical outputs; another seed -> different outputs.

In process (``run_simulation`` twice) and through the command line (``kpisim run``
twice in fresh processes with *different* ``PYTHONHASHSEED`` values, so that any
dependence on set/dict iteration order of hashed objects would show up).  The scenario
is ``aht_pay``: adaptive employees, gaming, pay periods and attrition all draw random
numbers, so every stochastic part of the model is exercised.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim import load_config, run_simulation

#: The installed console script next to this Python, else the module (same entry point).
_SCRIPT = Path(sys.executable).parent / "kpisim"
KPISIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "sim.cli"]
#: 42 days = two pay periods of 21: employees learn and the employee table has rows.
SMALL = ["customers.n=5000", "employees.n=3", "days=42"]


def _run(seed: int):
    return run_simulation(load_config("aht_pay", [*SMALL, f"seed={seed}"]))


def test_same_seed_gives_identical_outputs():
    a, b = _run(11), _run(11)
    assert a.summary == b.summary
    assert_frame_equal(a.daily, b.daily)
    assert_frame_equal(a.employees, b.employees)
    assert len(a.employees) > 0  # the employee table is really compared


def test_another_seed_gives_different_outputs():
    a, b = _run(11), _run(12)
    assert a.summary != b.summary
    assert a.summary["contacts_total"] != b.summary["contacts_total"]
    with pytest.raises(AssertionError):
        assert_frame_equal(a.daily, b.daily)
    with pytest.raises(AssertionError):
        assert_frame_equal(a.employees, b.employees)


def _cli_run(tmp: Path, out: str, seed: int, hashseed: str) -> Path:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    proc = subprocess.run(
        [*KPISIM, "run", "scenario=aht_pay", *SMALL, f"seed={seed}", f"output_dir={out}"],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return tmp / out


@pytest.mark.slow
def test_cli_runs_are_identical(tmp_path: Path):
    """Two CLI runs of the same config and seed write identical files; a third with
    another seed writes a different daily table."""
    a = _cli_run(tmp_path, "a", 5, "1")
    b = _cli_run(tmp_path, "b", 5, "2")
    c = _cli_run(tmp_path, "c", 6, "1")
    sa = json.loads((a / "summary.json").read_text())
    sb = json.loads((b / "summary.json").read_text())
    assert sa == sb
    for name in ("daily.parquet", "employees.parquet"):
        assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))
    assert sa != json.loads((c / "summary.json").read_text())
    with pytest.raises(AssertionError):
        assert_frame_equal(
            pd.read_parquet(a / "daily.parquet"), pd.read_parquet(c / "daily.parquet")
        )
