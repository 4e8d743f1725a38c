"""``kpisim design`` on a live Ray cluster and a live SLURM cluster (marker ``cluster``).

The clusters are the sweep tests' own (``tests/test_clusters.py``: started with
``scripts/cluster/ray-up`` / ``slurm-up`` and stopped again, or skipped with the reason).
A small design (3 candidates, 2 search seeds, 1 held-out seed, a tiny centre) runs once
on this machine and once on each cluster, each a ``python -m sim.cli design`` process as
a user would start it.  Each run depends only on its config and seed and the sampler
stays on this machine, so the cluster must give byte-identical ``front.csv``,
``verify.csv`` and scheme files: any difference (a run lost, reordered or run with other
code or settings) fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_clusters import kpisim, ray_cluster, slurm  # noqa: F401  (session fixtures)

pytestmark = pytest.mark.cluster

TINY = ["days=20", "customers.n=5000", "employees.n=8", "teams.specialists_n=1"]
#: 3 candidates x 2 seeds, the current scheme's 2 runs, 4 schemes x 1 held-out seed
DESIGN = ["budget=3", "current=aht_pay", "seeds=2", "held_out=1", "seed=5", *TINY]


def _outputs(out: Path) -> dict[str, bytes]:
    names = ["front.csv", "verify.csv", *sorted(p.name for p in out.glob("scheme_*.yaml"))]
    return {n: (out / n).read_bytes() for n in names}


@pytest.fixture(scope="module")
def local_design(tmp_path_factory) -> dict[str, bytes]:
    work = tmp_path_factory.mktemp("local")
    r = kpisim("design", *DESIGN, "launcher=local", "jobs=1", "out=d", cwd=work)
    assert r.returncode == 0, r.stderr[-2000:]
    got = _outputs(work / "d")
    assert len(got) >= 3 and b"rank" in got["front.csv"]
    return got


def test_design_on_the_ray_cluster_gives_the_same_front(ray_cluster, local_design, tmp_path):  # noqa: F811
    r = kpisim(
        "design", *DESIGN, "launcher=ray_cluster", f"address={ray_cluster}", "out=d", cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr[-3000:]
    # ray-up: a head and one worker of one CPU each; two runs at once need both
    assert "the runs went to 2 nodes of the Ray cluster" in r.stdout, r.stdout
    assert _outputs(tmp_path / "d") == local_design


def test_design_on_the_slurm_cluster_gives_the_same_front(slurm, local_design, tmp_path):  # noqa: F811
    r = kpisim("design", *DESIGN, "launcher=slurm", f"partition={slurm}", "out=d", cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    # one array job per batch: 3 candidates, the current scheme, the verification
    assert "the runs went to 5 SLURM array jobs" in r.stdout, r.stdout
    assert _outputs(tmp_path / "d") == local_design


def test_design_resumed_on_another_launcher_continues_the_study(
    ray_cluster,  # noqa: F811
    local_design,
    tmp_path,
):
    """A study started on this machine and finished on the cluster: the same front."""
    first = kpisim("design", *DESIGN[1:], "budget=1", "jobs=1", "out=d", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    r = kpisim(
        "design", *DESIGN, "launcher=ray_cluster", f"address={ray_cluster}", "out=d", cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "3 schemes evaluated" in r.stdout
    assert _outputs(tmp_path / "d") == local_design


def test_unreachable_cluster_for_a_design_is_one_message_and_nothing_written(tmp_path):
    port = int(os.environ.get("KPISIM_RAY_PORT", "6380")) + 7  # nothing listens there
    r = kpisim(
        "design",
        *DESIGN,
        "launcher=ray_cluster",
        f"address=127.0.0.1:{port}",
        "out=d",
        cwd=tmp_path,
    )
    assert r.returncode == 2
    assert r.stderr.startswith("kpisim design: launcher=ray_cluster: the Ray cluster at")
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not list(tmp_path.iterdir())
