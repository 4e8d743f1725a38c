"""Where a design's runs go: this machine's cores, a SLURM cluster or a Ray cluster.

``launcher=`` takes the names of the sweeps' cluster presets (``hydra/launcher=slurm``,
``hydra/launcher=ray_cluster``, docs/sweeps.md) and the same settings:

* ``local`` (default): :class:`sim.pool.WorkerPool`, ``jobs`` processes on this machine;
* ``slurm``: each batch of runs (one candidate's runs over the search seeds and worlds,
  the current scheme's runs, the held-out verification) is one SLURM array job, one
  task of one CPU per run, through submitit (the library under the sweeps' SLURM
  launcher); ``partition=NAME`` (default: the cluster's default partition).  Its files
  go to ``OUT/.submitit`` (on a filesystem the compute nodes share);
* ``ray_cluster``: each run is one Ray task of one CPU on the running cluster at
  ``address=HOST:PORT`` (default ``auto``: ``$RAY_ADDRESS`` or the cluster this node
  belongs to, as the sweeps' preset).

Only the runs leave this machine: the Optuna study, its storage and the sampler's state
stay in ``OUT`` (the search resumes as before, on any launcher), and the sampler
proposes the candidates in the same order.  Each run depends only on its config and
seed and the results are kept in input order, so every launcher gives the same records,
the same objective values and the same front.  The cluster is checked before anything
is written (:func:`sim.sweep.clusters.check_slurm` / ``check_ray``, the sweeps' own
checks); a batch that loses runs on the cluster ends the design with
:class:`ClusterError` (run the same command again: the study resumes).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import ConfigError
from ..pool import Pool, WorkerPool
from ..sweep.clusters import check_ray, check_slurm

#: ``launcher=`` values -> the Python module each needs.
LAUNCHERS = {"local": None, "slurm": "submitit", "ray_cluster": "ray"}
#: Time limit of one SLURM task, minutes (a run takes seconds to minutes).
SLURM_TIMEOUT_MIN = 60
#: Memory of one SLURM task, GB (the sweeps' preset).
SLURM_MEM_GB = 4
#: Ray re-runs a task whose node died this many times (Ray's default, the sweeps').
RAY_MAX_RETRIES = 3


class ClusterError(RuntimeError):
    """Runs of a batch ended on the cluster without a result."""


@dataclass(frozen=True)
class Launcher:
    """Where the runs go (see the module docstring).

    Parameters
    ----------
    name : str
        ``local``, ``slurm`` or ``ray_cluster``.
    jobs : int
        Worker processes of ``local``.
    partition : str, optional
        SLURM partition (None: the default one).
    address : str, optional
        Ray head ``HOST:PORT`` (None: ``auto``).
    folder : pathlib.Path, optional
        Where submitit keeps its files (``OUT/.submitit``).
    places : set of str
        Filled while running: the Ray nodes or the SLURM array jobs that ran the runs.
    """

    name: str = "local"
    jobs: int = 1
    partition: str | None = None
    address: str | None = None
    folder: Path | None = None
    places: set[str] = field(default_factory=set, compare=False)

    def pool(self, size: int) -> Pool:
        """A context manager with ``map(fn, items, done=None)`` (in input order) for
        batches of at most ``size`` runs.

        Parameters
        ----------
        size : int
            The largest batch.
        """
        if self.name == "slurm":
            return SlurmPool(self.folder or Path(".submitit"), self.partition, self.places)
        if self.name == "ray_cluster":
            return RayPool(self.address or "auto", self.places)
        return WorkerPool(self.jobs, size)

    def where(self) -> str | None:
        """Where the runs went (one sentence), or None on this machine."""
        n = len(self.places)
        if self.name == "slurm":
            return f"the runs went to {n} SLURM array jobs (files in {self.folder})"
        if self.name == "ray_cluster":
            return f"the runs went to {n} nodes of the Ray cluster at {self.address or 'auto'}"
        return None


def check_launcher(
    name: str, jobs: int, partition: str | None, address: str | None, out: Path
) -> Launcher:
    """The launcher of ``launcher=`` with its settings, after asking the cluster whether
    it answers; else one-line :class:`ConfigError` (nothing is written either way).

    Parameters
    ----------
    name : str
        ``launcher=`` (``local``, ``slurm`` or ``ray_cluster``).
    jobs : int
        ``jobs=`` (local worker processes).
    partition : str or None
        ``partition=`` (SLURM only).
    address : str or None
        ``address=`` (Ray only).
    out : pathlib.Path
        The design's folder (SLURM keeps its files in ``out/.submitit``).
    """
    if name not in LAUNCHERS:
        raise ConfigError(f"launcher={name!r} is not allowed: one of {', '.join(LAUNCHERS)}")
    if partition is not None and name != "slurm":
        raise ConfigError(f"partition={partition} is for launcher=slurm, not launcher={name}")
    if address is not None and name != "ray_cluster":
        raise ConfigError(f"address={address} is for launcher=ray_cluster, not launcher={name}")
    module = LAUNCHERS[name]
    if module is not None and importlib.util.find_spec(module) is None:
        extra = "ray" if name == "ray_cluster" else "sweeps"
        raise ConfigError(
            f"launcher={name} needs the Python package {module!r}: pip install -e '.[{extra}]'"
        )
    problem = None
    if name == "slurm":
        problem = check_slurm(partition)
    elif name == "ray_cluster":
        problem = check_ray(address or "auto")
    if problem:  # the sweeps' wording, in this command's argument names
        problem = problem.replace("hydra.launcher.ray.init.address=", "address=")
        raise ConfigError(f"launcher={name}: {problem.replace('hydra.launcher.', '')}")
    return Launcher(name, jobs, partition, address, Path(out) / ".submitit")


class SlurmPool(Pool):
    """Each :meth:`map` is one SLURM array job (submitit), one task per input.

    Parameters
    ----------
    folder : pathlib.Path
        submitit's folder (shared with the compute nodes).
    partition : str or None
        SLURM partition (None: the default one).
    places : set of str
        Each array job's id is added to it.
    """

    def __init__(self, folder: Path, partition: str | None, places: set[str]) -> None:
        import submitit

        self._places = places
        self._executor = submitit.AutoExecutor(folder=str(folder), cluster="slurm")
        params: dict[str, Any] = {
            "name": "kpisim-design",
            "timeout_min": SLURM_TIMEOUT_MIN,
            "cpus_per_task": 1,
            "mem_gb": SLURM_MEM_GB,
        }
        if partition:
            params["slurm_partition"] = partition
        self._executor.update_parameters(**params)

    def map[T, R](
        self, fn: Callable[[T], R], items: Iterable[T], done: Callable[[], object] | None = None
    ) -> list[R]:
        """:meth:`sim.pool.Pool.map` as the tasks of one array job (``done`` is called
        each time a result is collected)."""
        items = list(items)
        if not items:
            return []
        jobs = self._executor.map_array(fn, items)
        self._places.update(str(job.job_id).split("_")[0] for job in jobs)
        out, lost = [], []
        for job in jobs:
            try:
                out.append(job.result())
            except Exception as exc:  # submitit's UncompletedJobError, FailedJobError
                lost.append(f"task {job.job_id}: {str(exc).strip().splitlines()[0]}")
                out.append(None)
            if done is not None:
                done()
        if lost:
            raise ClusterError(
                f"{len(lost)} of {len(items)} runs ended on the SLURM cluster without a "
                f"result ({lost[0]}); run the same command again to resume"
            )
        return out


class RayPool(Pool):
    """Each input of :meth:`map` is one Ray task of one CPU on a running cluster.

    Parameters
    ----------
    address : str
        The head's ``HOST:PORT``, or ``auto``.
    places : set of str
        The id of each node that ran a run is added to it.
    """

    def __init__(self, address: str, places: set[str]) -> None:
        self._address = address
        self._places = places

    def map[T, R](
        self, fn: Callable[[T], R], items: Iterable[T], done: Callable[[], object] | None = None
    ) -> list[R]:
        """:meth:`sim.pool.Pool.map` as Ray tasks (``done`` is called each time a result
        is collected)."""
        import ray

        remote = ray.remote(num_cpus=1, max_retries=RAY_MAX_RETRIES)(_on_node)
        refs = [remote.remote(fn, x) for x in items]
        out = []
        for ref in refs:
            try:
                result, node = ray.get(ref)
            except ray.exceptions.RayError as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc)
                raise ClusterError(
                    f"a run ended on the Ray cluster at {self._address} without a result "
                    f"({first}); run the same command again to resume"
                ) from None
            out.append(result)
            self._places.add(node)
            if done is not None:
                done()
        return out

    def __enter__(self) -> RayPool:
        """Connect to the cluster (once per process)."""
        import ray

        if not ray.is_initialized():
            ray.init(
                address=self._address,
                log_to_driver=False,
                logging_level=logging.ERROR,
                configure_logging=False,
            )
        return self


def _on_node[T, R](fn: Callable[[T], R], x: T) -> tuple[R, str]:
    """``fn(x)`` and the id of the Ray node that computed it (run inside a Ray task)."""
    import ray

    return fn(x), ray.get_runtime_context().get_node_id()
