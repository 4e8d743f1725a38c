"""Sweeps on a live SLURM cluster and a live two-node Ray cluster (marker ``cluster``).

Session fixtures bring the clusters up with ``scripts/cluster/slurm-up`` and
``ray-up`` (installing SLURM's Debian packages when run as root) and down again with
``slurm-down`` / ``ray-down``, leaving no daemon behind; a cluster that was already up
before the tests is left up.  Where a cluster cannot be started (not root and the
packages missing; Ray's extra not installed) its tests skip with the reason.

Each sweep runs ``python -m sim.cli run -m ...`` in a subprocess, as a user would, with
tiny runs (5,000 customers, 3 agents, 10 days).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts" / "cluster"
TINY = ["customers.n=5000", "employees.n=3", "days=10"]
#: 4 runs: every engine must give byte-identical summaries for them
GRID = ["scenario=baseline,aht_pay", "seed=0,1", *TINY]
#: 18 runs; the 2 with both weights at 0.6 break the weight-sum rule when they run
#: (more than 16 combinations: the up-front check looks at each value once)
BAD_GRID = [
    "scheme.kpis.aht.weight=0,0.3,0.6",
    "scheme.kpis.csat.weight=0,0.3,0.6",
    "seed=0,1",
    "customers.n=2000",
    "employees.n=1",
    "days=5",
]
SLURM = ["hydra/launcher=slurm", "hydra.launcher.mem_gb=1", "hydra.launcher.timeout_min=10"]
RAY_ADDRESS = f"127.0.0.1:{os.environ.get('KPISIM_RAY_PORT', '6380')}"
RAY = [
    "hydra/launcher=ray_cluster",
    f"hydra.launcher.ray.init.address={RAY_ADDRESS}",
    "+hydra.launcher.ray.remote.scheduling_strategy=SPREAD",
]
CLUSTER_DIR = Path(os.environ.get("KPISIM_CLUSTER_DIR", "/tmp/kpisim-cluster"))


def env() -> dict[str, str]:
    """The test's environment for every command: this checkout first on the import
    path, the venv's commands (ray) on PATH, Ray's token auth off."""
    bindir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HYDRA_FULL_ERROR": "0",
        "PATH": f"{bindir}:{os.environ.get('PATH', '')}",
        "RAY_AUTH_MODE": os.environ.get("RAY_AUTH_MODE", "disabled"),
    }


def sh(*cmd: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=timeout)


def kpisim(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_sweep(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def runs(sweep: Path) -> dict[str, Path]:
    """Complete run folders of a sweep."""
    return {p.parent.name: p.parent for p in sweep.glob("*/summary.json")}


def where(sweep: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(sweep.glob(".jobs/*/where.json"))]


def wait_until(cond, timeout: float, what: str, proc: subprocess.Popen) -> None:
    """Poll ``cond`` while the sweep ``proc`` runs."""
    end = time.monotonic() + timeout
    while not cond():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the sweep ended before {what}:\n{out[-1500:]}\n{err[-1500:]}")
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.2)


def live_pids(folder: Path, pattern: str) -> list[int]:
    """Processes still alive from the PID or session files left in ``folder``."""
    alive = []
    for f in folder.glob(pattern):
        try:
            pid = int(f.read_text().strip())
        except ValueError:
            continue
        if f.suffix == ".sid":
            out = subprocess.run(["ps", "-eo", "sid=,stat="], capture_output=True, text=True)
            if any(
                line.split()[0] == str(pid) and not line.split()[1].startswith("Z")
                for line in out.stdout.splitlines()
            ):
                alive.append(pid)
        elif Path(f"/proc/{pid}").exists():
            alive.append(pid)
    return alive


# --------------------------------------------------------------------------- clusters
@pytest.fixture(scope="session")
def slurm():
    """A running SLURM cluster (partition ``debug``), started and stopped here."""
    if os.geteuid() != 0 and shutil.which("slurmctld") is None:
        pytest.skip(
            "SLURM cannot be started: not root and its packages are missing "
            "(run scripts/cluster/slurm-up as root once)"
        )
    up = sh(str(SCRIPTS / "slurm-up"))
    if up.returncode != 0 and os.geteuid() != 0:
        reason = (up.stderr.strip().splitlines() or ["?"])[-1]
        pytest.skip(f"SLURM cannot be started without root: {reason}")
    assert up.returncode == 0, f"slurm-up failed:\n{up.stdout}\n{up.stderr}"
    started = "started" in up.stdout
    yield "debug"
    if started:
        down = sh(str(SCRIPTS / "slurm-down"))
        assert down.returncode == 0, down.stderr
        assert not live_pids(CLUSTER_DIR / "slurm" / "pids", "*.pid"), "a daemon was left"


@pytest.fixture(scope="session")
def ray_cluster():
    """A running Ray cluster: a head and one worker node, started and stopped here."""
    pytest.importorskip("hydra_plugins.hydra_ray_launcher", reason="kpisim[ray] is needed")
    up = sh(str(SCRIPTS / "ray-up"))
    assert up.returncode == 0, f"ray-up failed:\n{up.stdout}\n{up.stderr}"
    started = "started head" in up.stdout
    yield RAY_ADDRESS
    if started:
        down = sh(str(SCRIPTS / "ray-down"))
        assert down.returncode == 0, down.stderr
        assert not live_pids(CLUSTER_DIR / "ray", "*.sid"), "a Ray process was left"


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The 4-run grid through Hydra's basic launcher (one process)."""
    work = tmp_path_factory.mktemp("basic")
    r = kpisim(
        "run", "-m", "hydra/launcher=basic", f"hydra.sweep.dir={work}/sweep", *GRID, cwd=work
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return work / "sweep"


@pytest.fixture(scope="module")
def slurm_sweep(slurm, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("slurm")
    r = kpisim(
        "run",
        "-m",
        *SLURM,
        f"hydra.launcher.partition={slurm}",
        f"hydra.sweep.dir={work}/sweep",
        *GRID,
        cwd=work,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "4 done, 0 skipped (already complete), 0 failed" in r.stdout
    return work / "sweep"


@pytest.fixture(scope="module")
def ray_sweep(ray_cluster, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("ray")
    r = kpisim("run", "-m", *RAY, f"hydra.sweep.dir={work}/sweep", *GRID, cwd=work)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "4 done, 0 skipped (already complete), 0 failed" in r.stdout
    return work / "sweep"


# --------------------------------------------------------------------------- sweeps
def test_slurm_sweep_runs_every_job_as_a_slurm_array_task(slurm_sweep):
    assert len(runs(slurm_sweep)) == 4
    places = where(slurm_sweep)
    assert len(places) == 4
    assert len({p["slurm_array_job_id"] for p in places}) == 1  # one array job
    assert sorted(int(p["slurm_array_task_id"]) for p in places) == [0, 1, 2, 3]
    assert {p["slurm_partition"] for p in places} == {"debug"}
    assert (slurm_sweep / "runs.parquet").is_file()


def test_ray_sweep_runs_on_both_nodes(ray_sweep):
    assert len(runs(ray_sweep)) == 4
    nodes = {p["ray_node_id"] for p in where(ray_sweep)}
    assert len(nodes) == 2, f"the runs used {len(nodes)} of the 2 Ray nodes"
    assert (ray_sweep / "runs.parquet").is_file()


def test_summaries_are_identical_on_every_engine(reference, slurm_sweep, ray_sweep, tmp_path):
    """basic, joblib, submitit_local, SLURM and Ray: byte-identical summary.json."""
    sweeps = {"basic": reference, "slurm": slurm_sweep, "ray": ray_sweep}
    for engine in ("joblib", "submitit_local"):
        r = kpisim(
            "run",
            "-m",
            f"hydra/launcher={engine}",
            f"hydra.sweep.dir={tmp_path}/{engine}",
            *GRID,
            cwd=tmp_path,
        )
        assert r.returncode == 0, r.stderr[-2000:]
        sweeps[engine] = tmp_path / engine
    expected = {k: (p / "summary.json").read_bytes() for k, p in runs(reference).items()}
    assert len(expected) == 4
    for engine, sweep in sweeps.items():
        got = {k: (p / "summary.json").read_bytes() for k, p in runs(sweep).items()}
        assert got == expected, f"{engine} differs from the basic launcher"


# --------------------------------------------------------------------------- failures
def test_cancelled_slurm_job_is_reported_and_a_rerun_completes_only_the_missing_runs(
    slurm, tmp_path
):
    sweep = tmp_path / "sweep"
    args = [
        "run",
        "-m",
        *SLURM,
        "hydra.launcher.array_parallelism=1",
        f"hydra.sweep.dir={sweep}",
        "seed=range(0,6)",
        *TINY,
    ]
    proc = start_sweep(*args, cwd=tmp_path)
    try:
        wait_until(lambda: len(runs(sweep)) >= 2, 180, "two finished runs", proc)
        array = next(
            p.name.split("_")[0] for p in (sweep / ".submitit").iterdir() if p.name[0].isdigit()
        )
        subprocess.run(["scancel", array], check=True)
        _out, err = proc.communicate(timeout=120)  # detected: not waited on forever
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err[-2000:]
    k = len(runs(sweep))
    assert 2 <= k < 6
    assert f"{6 - k} of 6 jobs ended on the cluster without a result" in err
    assert "state CANCELLED" in err and "Traceback" not in err
    r = kpisim(*args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert f"{6 - k} done, {k} skipped (already complete), 0 failed" in r.stdout
    assert len(runs(sweep)) == 6


def test_dead_ray_worker_is_reported_and_a_rerun_completes_only_the_missing_runs(
    ray_cluster, tmp_path
):
    """Stop the worker node while it runs a job (no retries): that job is reported lost,
    the others complete; with the worker back, a rerun does only the missing runs."""
    sweep = tmp_path / "sweep"
    worker_sid = int((CLUSTER_DIR / "ray" / "worker1.sid").read_text())
    args = [
        "run",
        "-m",
        *RAY,
        "hydra.launcher.ray.remote.max_retries=0",
        f"hydra.sweep.dir={sweep}",
        "seed=range(0,6)",
        "customers.n=20000",
        "employees.n=4",
        "days=250",
    ]  # a few seconds each: time to stop one

    def job_running_on_worker() -> bool:
        for p in where(sweep):
            try:
                on_worker = os.getsid(p["pid"]) == worker_sid
            except ProcessLookupError:
                continue
            if on_worker and not list(sweep.glob(f"*_seed{p['job']}_*/summary.json")):
                return True
        return False

    proc = start_sweep(*args, cwd=tmp_path)
    try:
        wait_until(job_running_on_worker, 180, "a job running on the worker node", proc)
        down = sh(str(SCRIPTS / "ray-down"), "worker1")
        assert down.returncode == 0, down.stderr
        _out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
        up = sh(str(SCRIPTS / "ray-up"))  # the worker comes back for the other tests
        assert up.returncode == 0, up.stderr
    assert proc.returncode == 1, err[-2000:]
    k = len(runs(sweep))
    assert k < 6
    assert f"{6 - k} of 6 jobs ended on the cluster without a result" in err
    assert "Ray:" in err
    r = kpisim(*args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert f"{6 - k} done, {k} skipped (already complete), 0 failed" in r.stdout


@pytest.mark.parametrize("engine", ["slurm", "ray"])
def test_a_bad_grid_point_fails_on_its_worker_and_the_sweep_goes_on(engine, request, tmp_path):
    launcher = SLURM if engine == "slurm" else RAY
    request.getfixturevalue("slurm" if engine == "slurm" else "ray_cluster")
    sweep = tmp_path / "sweep"
    r = kpisim("run", "-m", *launcher, f"hydra.sweep.dir={sweep}", *BAD_GRID, cwd=tmp_path)
    assert r.returncode == 1
    assert "16 done, 0 skipped (already complete), 2 failed" in r.stdout
    assert "weights sum to 1.2" in r.stdout
    assert "2 of 18 runs failed" in r.stderr and "Traceback" not in r.stderr
    assert len(runs(sweep)) == 16


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_cluster_is_one_clear_message_and_nothing_written(slurm, tmp_path):
    cases = [
        (
            ["hydra/launcher=slurm", "hydra.launcher.partition=nosuchpart"],
            "SLURM has no partition 'nosuchpart' (partitions: debug)",
        ),
        (
            [
                "hydra/launcher=ray_cluster",
                f"hydra.launcher.ray.init.address=127.0.0.1:{free_port()}",
            ],
            "the Ray cluster at 127.0.0.1:",
        ),
    ]
    for args, message in cases:
        r = kpisim("run", "-m", *args, "hydra.sweep.dir=sweep", "seed=0,1", *TINY, cwd=tmp_path)
        assert r.returncode != 0
        assert message in r.stderr and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert not list(tmp_path.iterdir()), "nothing may be written"
