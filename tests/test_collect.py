"""``kpisim collect``: the tidy table equals the run files it was built from."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf

from sim.sweep.collect import collect, flatten, main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """A real 3-run sweep (basic launcher, tiny sizes, two scenarios)."""
    work = tmp_path_factory.mktemp("collect")
    sweep = work / "sweep"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "run",
            "-m",
            "hydra/launcher=basic",
            f"hydra.sweep.dir={sweep}",
            "scenario=baseline,fcr_self_coded",
            "seed=3",
            "customers.n=5000",
            "employees.n=2",
            "days=21",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return sweep


def _equal(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


def test_table_has_one_row_per_run_with_config_and_summary(sweep, tmp_path):
    out = tmp_path / "t" / "runs.parquet"
    assert main([str(sweep), "--out", str(out)]) == 0
    table = pd.read_parquet(out)
    runs = sorted(p for p in sweep.iterdir() if (p / "summary.json").is_file())
    assert len(table) == len(runs) == 2
    for run in runs:
        row = table[table["run_id"] == run.name].iloc[0]
        summary = json.loads((run / "summary.json").read_text())
        config = flatten(OmegaConf.to_container(OmegaConf.load(run / "config.yaml")))
        for key, value in config.items():  # every config leaf, exactly
            got = row[key]
            assert _equal(value, got.item() if hasattr(got, "item") else got), key
        for key, value in summary.items():  # every scalar summary key, exactly
            if key == "toxic_signs":
                for sign, d in value.items():
                    assert _equal(d["value"], row[f"toxic.{sign}.value"]), sign
                    assert bool(row[f"toxic.{sign}.flag"]) == d["flag"], sign
                    assert f"toxic.{sign}.sentence" not in row
                continue
            if isinstance(value, dict):  # per-team figures: "teams.<team>.<key>"
                for fk, fv in flatten(value, f"{key}.").items():
                    assert _equal(fv, row[fk]), fk
                continue
            col = f"summary.{key}" if key in config else key
            got = row[col]
            got = got.item() if hasattr(got, "item") else got
            assert _equal(value, got), key
        assert row["config_hash"] == json.loads((run / "run.json").read_text())["config_hash"]
    assert "scheme.kpis.aht.weight" in table and "profit" in table and "seed" in table
    assert table["summary.seed"].tolist() == table["seed"].tolist() == [3, 3]
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_daily_tables_are_stacked_with_run_ids(sweep, tmp_path):
    out = tmp_path / "all.parquet"
    assert main([str(sweep), "--daily", "--out", str(out)]) == 0
    stacked = pd.read_parquet(tmp_path / "all_daily.parquet")
    runs = pd.read_parquet(out)
    assert list(stacked.columns[:2]) == ["run_id", "day"]
    for run_id in runs["run_id"]:
        own = pd.read_parquet(sweep / run_id / "daily.parquet")
        part = stacked[stacked["run_id"] == run_id].drop(columns="run_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, own)


def test_default_output_goes_into_the_sweep_and_incomplete_runs_are_ignored(
    sweep, tmp_path, capsys
):
    copy = tmp_path / "sweep"
    shutil.copytree(sweep, copy)
    broken = copy / "aht_pay_seed9_0000000000000000"
    (broken / ".hydra").mkdir(parents=True)  # a legacy, unfinished job folder
    assert main([str(copy)]) == 0
    assert len(pd.read_parquet(copy / "runs.parquet")) == 2
    assert "ignored 1 incomplete run folder" in capsys.readouterr().out


def test_python_api_matches_the_cli(sweep):
    runs, daily = collect(sweep, daily=True)
    assert len(runs) == 2 and daily is not None and daily["run_id"].nunique() == 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "does not exist"),
        (lambda p: p, "no complete run"),
        (lambda p: (p / "f.txt").write_text("x") and p / "f.txt", "is not a directory"),
    ],
)
def test_errors_are_one_line_and_exit_non_zero(tmp_path, capsys, make, message):
    target = make(tmp_path)
    assert main([str(target)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "runs.parquet").exists()


def test_cli_help_and_bad_arguments(tmp_path, capsys):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "sim.cli", "collect", "--help"]
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "SWEEP_DIR" in ok.stdout and "--daily" in ok.stdout
    assert main([]) == 2
    assert "SWEEP_DIR" in capsys.readouterr().err
    assert main([str(tmp_path), "--out", "x.csv"]) == 2
    assert "must end in .parquet" in capsys.readouterr().err
