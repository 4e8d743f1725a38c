"""Run outputs: ``kpisim run`` writes summary.json, daily.parquet and employees.parquet
into ``output_dir``; read back, they equal the in-memory result of the same config.
Writing is atomic: no temporary file is left behind, and a failed write leaves the
previous file intact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from contract import SUMMARY_KEYS
from pandas.testing import assert_frame_equal

from sim import load_config, run_simulation
from sim.measurement import REPEAT_WINDOW_DAYS
from sim.outputs import atomic_write_parquet, atomic_write_text

#: The installed console script next to this Python, else the module (same entry point).
_SCRIPT = Path(sys.executable).parent / "kpisim"
KPISIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "sim.cli"]
#: 42 days = two pay periods of 21, so the employee table has rows.
SMALL = ["customers.n=5000", "employees.n=3", "days=42", "seed=4"]
FILES = ("summary.json", "daily.parquet", "employees.parquet")


def _leftovers(folder: Path) -> list[str]:
    """Temporary files of the atomic writers (``.NAME.*.tmp``) anywhere below folder."""
    return [str(p) for p in folder.rglob("*.tmp")]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> tuple[Path, Path]:
    """One ``kpisim run`` (aht_pay, small) into ``output_dir=out``, cwd a temp folder."""
    cwd = tmp_path_factory.mktemp("cli_out")
    proc = subprocess.run(
        [*KPISIM, "run", "scenario=aht_pay", *SMALL, "output_dir=out"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    return cwd, cwd / "out"


@pytest.fixture(scope="module")
def in_memory():
    return run_simulation(load_config("aht_pay", SMALL))


def test_cli_writes_the_three_files(cli_run):
    cwd, out = cli_run
    for name in FILES:
        assert (out / name).is_file(), f"{name} missing"
    assert _leftovers(cwd) == []


def test_summary_json_has_every_contract_key_and_equals_memory(cli_run, in_memory):
    _, out = cli_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    missing = [k for k in SUMMARY_KEYS if k not in summary]
    assert not missing, f"summary.json lacks {missing}"
    assert summary == in_memory.summary
    # JSON has no NaN: undefined rates are written as null
    assert "NaN" not in (out / "summary.json").read_text(encoding="utf-8")


def test_parquet_tables_equal_memory(cli_run, in_memory):
    _, out = cli_run
    daily = pd.read_parquet(out / "daily.parquet")
    emp = pd.read_parquet(out / "employees.parquet")
    assert "day" in daily.columns
    assert {"employee_id", "period"} <= set(emp.columns)
    assert len(emp) > 0
    assert_frame_equal(daily, in_memory.daily)
    assert_frame_equal(emp, in_memory.employees)
    # readable by pyarrow directly, with the same row count
    assert pq.read_table(out / "daily.parquet").num_rows == len(in_memory.daily) == 42


def test_write_in_process_round_trips(tmp_path: Path, in_memory):
    out = in_memory.write(tmp_path / "run")
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert json.loads((out / "summary.json").read_text()) == in_memory.summary
    assert_frame_equal(pd.read_parquet(out / "daily.parquet"), in_memory.daily)
    assert_frame_equal(pd.read_parquet(out / "employees.parquet"), in_memory.employees)


def test_failed_parquet_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path):
    """A write that fails half-way (an unserialisable column) raises, leaves the
    previous file untouched and no temporary file behind."""
    path = tmp_path / "daily.parquet"
    good = pd.DataFrame({"day": [0, 1], "x": [1.0, 2.0]})
    atomic_write_parquet(path, good)
    bad = pd.DataFrame({"day": [0, 1], "x": [object(), object()]})
    with pytest.raises(Exception):  # noqa: B017 - pyarrow's error type is not ours
        atomic_write_parquet(path, bad)
    assert_frame_equal(pd.read_parquet(path), good)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daily.parquet"]


def test_failed_text_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path):
    path = tmp_path / "summary.json"
    atomic_write_text(path, '{"a": 1}\n')
    # writing a non-str fails after the temporary file was created
    with pytest.raises(TypeError):
        atomic_write_text(path, 123)  # type: ignore[arg-type]
    assert path.read_text() == '{"a": 1}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_chasing_numbers_names_the_most_common_act_including_web_push():
    """Sign 2 names the act with the largest rate among every gaming act; under a web
    deflection KPI with a hidden number (``hidden_phone``) agents learn to push callers to
    the web, and that must be the act named (it was once left out of the list)."""
    res = run_simulation(
        load_config("hidden_phone", ["customers.n=100000", "employees.n=20", "days=120"])
    )
    s, d = res.summary, res.daily
    assert s["web_push_rate"] == pytest.approx(d["pushes"].sum() / d["calls_answered"].sum())
    acts = {
        "false resolution codes": s["false_resolution_rate"],
        "survey steering": s["survey_steering_rate"],
        "dumped calls": s["dumped_call_rate"],
        "rushed contacts": s["rushed_contact_rate"],
        "callers pushed to the web": s["web_push_rate"],
    }
    top = max(acts, key=acts.get)
    assert top == "callers pushed to the web"  # the lesson of the scenario
    sentence = s["toxic_signs"]["chasing_numbers"]["sentence"]
    assert f"the most common was {top}" in sentence, sentence


def test_daily_measured_series_use_the_definition_in_force_that_day():
    """Before the rollout the dashboard's FCR is the self-coded one (codes / owned calls),
    from the rollout day on the proposal's repeat-based one (1 - repeats / owned)."""
    cfg = load_config(
        "baseline",
        [
            "days=40",
            "customers.n=20000",
            "employees.n=10",
            "teams.specialists_n=2",
            "rollout_day=20",
            "+scheme@proposal=fcr_no_repeat",
        ],
    )
    d = run_simulation(cfg).daily
    before, after = d[d.day < 20], d[d.day >= 20]
    assert np.allclose(before.fcr_measured, before.coded_resolved / before.answered_owned)
    # the repeat-based value is final once the 7-day window has closed; the run's last 7
    # days have none (their repeats cannot be seen yet)
    closed = after[after.day <= d.day.max() - REPEAT_WINDOW_DAYS]
    assert np.allclose(closed.fcr_measured, 1 - closed.repeats_7d / closed.answered_owned)
    assert after.fcr_measured.tail(REPEAT_WINDOW_DAYS).isna().all()
