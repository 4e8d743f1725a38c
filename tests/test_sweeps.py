"""Real Hydra multiruns through each launcher, resume after a kill, identical outputs.

Every sweep runs ``python -m sim.cli run -m ...`` in a subprocess (as a user would),
with tiny sizes.  Outputs are compared exactly (parquet contents and summary.json
text): the same config and seed must give identical files whatever the launcher.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep import hydra_app

ROOT = Path(__file__).resolve().parent.parent
TINY = ["customers.n=20000", "employees.n=4", "days=42"]
#: 4 runs: the reference every launcher is compared with
GRID = ["scenario=baseline,aht_pay", "seed=0,1", *TINY]
RUN_FILES = ("summary.json", "daily.parquet", "employees.parquet", "config.yaml", "run.json")


def kpisim(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run the CLI in a fresh process (the package imported from this checkout)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HYDRA_FULL_ERROR": "0"}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_dirs(sweep: Path) -> dict[str, Path]:
    """Run folders of a sweep (bookkeeping folders start with a dot)."""
    return {p.name: p for p in sweep.iterdir() if p.is_dir() and not p.name.startswith(".")}


def assert_complete(run: Path) -> None:
    for name in RUN_FILES:
        assert (run / name).is_file(), f"{run.name} lacks {name}"
    assert (run / ".hydra" / "config.yaml").is_file()
    assert not [p for p in run.iterdir() if p.name.endswith(".tmp")]


def assert_same_outputs(a: Path, b: Path) -> None:
    """Identical run outputs: same summary text, same parquet contents."""
    assert (a / "summary.json").read_text() == (b / "summary.json").read_text(), a.name
    for name in ("daily.parquet", "employees.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The 4-run grid through Hydra's basic launcher (one process)."""
    work = tmp_path_factory.mktemp("basic")
    sweep = work / "sweep"
    r = kpisim("run", "-m", "hydra/launcher=basic", f"hydra.sweep.dir={sweep}", *GRID, cwd=work)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "4 done, 0 skipped (already complete), 0 failed" in r.stdout
    return sweep


def test_basic_launcher_writes_complete_runs_and_table(reference):
    runs = run_dirs(reference)
    assert len(runs) == 4
    for name, run in runs.items():
        assert_complete(run)
        meta = json.loads((run / "run.json").read_text())
        assert name == meta["run_key"] and name.endswith(meta["config_hash"])
    table = pd.read_parquet(reference / "runs.parquet")
    assert sorted(table["run_id"]) == sorted(runs)
    assert set(table["scenario.name"]) == {"baseline", "aht_pay"}
    assert sorted(table["seed"]) == [0, 0, 1, 1]


def test_joblib_is_the_default_sweep_launcher_and_gives_identical_outputs(reference, tmp_path):
    sweep = tmp_path / "sweep"
    r = kpisim("run", "-m", f"hydra.sweep.dir={sweep}", *GRID, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Joblib.Parallel" in r.stdout + r.stderr
    runs = run_dirs(sweep)
    assert sorted(runs) == sorted(run_dirs(reference))
    for name, run in runs.items():
        assert_complete(run)
        assert_same_outputs(reference / name, run)


@pytest.mark.slow
def test_submitit_local_launcher_gives_identical_outputs(reference, tmp_path):
    sweep = tmp_path / "sweep"
    grid = ["scenario=aht_pay", "seed=0,1", *TINY]
    r = kpisim(
        "run",
        "-m",
        "hydra/launcher=submitit_local",
        f"hydra.sweep.dir={sweep}",
        *grid,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert (sweep / ".submitit").is_dir()
    runs = run_dirs(sweep)
    assert len(runs) == 2
    for name, run in runs.items():
        assert_complete(run)
        assert_same_outputs(reference / name, run)


@pytest.mark.slow
def test_ray_launcher_on_a_local_ray_instance_gives_identical_outputs(reference, tmp_path):
    pytest.importorskip("hydra_plugins.hydra_ray_launcher")
    sweep = tmp_path / "sweep"
    grid = ["scenario=aht_pay", "seed=0,1", *TINY]
    r = kpisim(
        "run",
        "-m",
        "hydra/launcher=ray",
        f"hydra.sweep.dir={sweep}",
        "+hydra.launcher.ray.init.num_cpus=2",
        "+hydra.launcher.ray.init.include_dashboard=false",
        *grid,
        cwd=tmp_path,
        timeout=400,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Ray Launcher is launching 2 jobs" in r.stdout + r.stderr
    runs = run_dirs(sweep)
    assert len(runs) == 2
    for name, run in runs.items():
        assert_complete(run)
        assert_same_outputs(reference / name, run)


def test_killed_sweep_loses_nothing_and_resumes(tmp_path):
    """Kill a sweep mid-way (SIGKILL to its process group), re-run it (with one more
    seed), check that finished runs were skipped, not rewritten, and the rest done."""
    sweep = tmp_path / "sweep"
    grid = [
        "hydra/launcher=basic",
        f"hydra.sweep.dir={sweep}",
        "scenario=aht_pay",
        "seed=range(0,6)",
        "customers.n=20000",
        "employees.n=4",
        "days=84",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "run", "-m", *grid],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    try:
        while len(list(sweep.glob("*/summary.json"))) < 2:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no run finished in time"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    finished = {n: p for n, p in run_dirs(sweep).items()}
    k = len(finished)
    assert 2 <= k < 6, f"{k} runs finished before the kill: the test needs a partial sweep"
    for run in finished.values():  # complete or absent
        assert_complete(run)
    mtimes = {n: {f: (p / f).stat().st_mtime_ns for f in RUN_FILES} for n, p in finished.items()}

    # the same sweep, extended by one seed: the rest and the new run are done
    grid = [a if not a.startswith("seed=") else "seed=range(0,7)" for a in grid]
    r = kpisim("run", "-m", *grid, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert f"{7 - k} done, {k} skipped (already complete), 0 failed" in r.stdout
    runs = run_dirs(sweep)
    assert len(runs) == 7
    for run in runs.values():
        assert_complete(run)
    for name, files in mtimes.items():  # not rewritten
        assert {f: (runs[name] / f).stat().st_mtime_ns for f in RUN_FILES} == files
    assert not list((sweep / ".staging").iterdir())  # the killed job's staging was removed
    table = pd.read_parquet(sweep / "runs.parquet")
    assert sorted(table["seed"]) == list(range(7))


def test_failed_runs_are_reported_and_the_sweep_goes_on(tmp_path):
    """20 combinations (> the all-combination check): 5 break the weight-sum rule at run
    time; they are listed as failed, the 15 others complete, the exit code is 1."""
    sweep = tmp_path / "sweep"
    r = kpisim(
        "run",
        "-m",
        "hydra/launcher=basic",
        f"hydra.sweep.dir={sweep}",
        "scheme.kpis.aht.weight=0,0.6",
        "scheme.kpis.csat.weight=0,0.6",
        "seed=range(0,5)",
        "customers.n=2000",
        "employees.n=1",
        "days=5",
        "hydra.callbacks.sweep_monitor.progress_every_s=0.2",
        cwd=tmp_path,
    )
    assert r.returncode == 1
    assert "/20 runs finished (" in r.stdout  # progress lines from the monitor
    assert "15 done, 0 skipped (already complete), 5 failed" in r.stdout
    assert "weights sum to 1.2" in r.stdout
    assert "5 of 20 runs failed" in r.stderr
    assert "Traceback" not in r.stderr
    assert len(run_dirs(sweep)) == 15


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scenario=baseline,nope"], "scenario='nope' is not a known scenario"),
        (["scheme.kpis.aht.weight=0,2"], "scheme.kpis.aht.weight=2.0 is out of range"),
        (["seed=0,1", "customerz.n=5"], "unknown config key"),
        (["seed=0,1", "output_dir=x"], "output_dir applies to a single run"),
        (["scenario=aht_pay", "scheme.kpis.fcr.weight=0,0.5"], "weights sum to 1.5"),
    ],
)
def test_bad_sweep_input_is_one_clear_message_and_no_directory(
    tmp_path, monkeypatch, capsys, args, message
):
    monkeypatch.chdir(tmp_path)
    assert hydra_app.main(["-m", "hydra.sweep.dir=sweep", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1  # one line, no traceback
    assert not list(tmp_path.iterdir()), "bad input must leave no directory behind"


def test_submitit_slurm_without_slurm_fails_fast_with_a_clear_message(
    tmp_path, monkeypatch, capsys
):
    if shutil.which("sbatch"):
        pytest.skip("SLURM is installed here")
    monkeypatch.chdir(tmp_path)
    for launcher in ("submitit_slurm", "slurm"):
        assert hydra_app.main(["-m", f"hydra/launcher={launcher}", "seed=0,1"]) == 2
        err = capsys.readouterr().err
        assert "needs SLURM" in err and "submitit_local" in err
    assert not list(tmp_path.iterdir())


def test_hydra_flag_conflicts_are_one_message(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert hydra_app.main(["-m", "--cfg", "job"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kpisim run: Only one of") and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_single_run_keeps_its_behaviour(tmp_path):
    out = tmp_path / "one"
    r = kpisim("run", f"output_dir={out}", *TINY, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    for name in RUN_FILES:
        assert (out / name).is_file()
    bad = kpisim("run", "days=0", cwd=tmp_path)
    assert bad.returncode == 2 and "days=0 is out of range" in bad.stderr
    assert "Traceback" not in bad.stderr
