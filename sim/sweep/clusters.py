"""Cluster sweeps: is the cluster there before a sweep starts, and where did each job run.

* :func:`cluster_problem` (called by ``kpisim run -m`` before Hydra creates anything):
  for a SLURM launcher, ``sinfo`` must answer and the partition
  (``hydra.launcher.partition``, else the cluster's default) must exist and be up; for
  a Ray launcher with an address (``hydra.launcher.ray.init.address``; ``auto`` for the
  ``ray_cluster`` preset), the head's port must accept a connection.  Otherwise it
  returns one message naming the partition or the address, and no sweep directory is
  made.  (A Hydra callback cannot do this: Hydra 1.3 turns a callback's exception into
  a warning.)
* :class:`JobPlace` is a Hydra callback (``hydra.callbacks.job_place`` in
  ``configs/config.yaml``): in the process that runs a sweep's job (a SLURM task, a Ray
  worker, a local process) it writes ``SWEEP_DIR/.jobs/<job>/where.json`` with the
  host, the process id, the SLURM job, array task and node, and the Ray node id, so a
  sweep shows which node ran which run.  Bookkeeping only: run folders are untouched.

Standard library only at import time (``kpisim run`` imports it on every call).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..cliargs import override_value

#: Seconds to wait for ``sinfo`` or for a TCP connection to a Ray head.
TIMEOUT_S = 10.0
#: The file where Ray records the cluster started on this machine (``address=auto``).
RAY_CURRENT_CLUSTER = Path("/tmp/ray/ray_current_cluster")
#: Environment variables of a SLURM job recorded in ``where.json``.
SLURM_VARS = {
    "slurm_job_id": "SLURM_JOB_ID",
    "slurm_array_job_id": "SLURM_ARRAY_JOB_ID",
    "slurm_array_task_id": "SLURM_ARRAY_TASK_ID",
    "slurm_node": "SLURMD_NODENAME",
    "slurm_partition": "SLURM_JOB_PARTITION",
}


#: Launcher names (``hydra/launcher=...``) that run on SLURM or on a Ray cluster.
SLURM_LAUNCHERS = ("slurm", "submitit_slurm")
RAY_LAUNCHERS = {"ray_cluster": "auto", "ray": None}  # name -> default address


def cluster_problem(launcher: str | None, args: list[str]) -> str | None:
    """One message when the cluster of ``hydra/launcher=<launcher>`` does not answer,
    else None (see the module docstring).  ``args`` are the sweep's overrides.

    Parameters
    ----------
    launcher : str or None
        The value of ``hydra/launcher=`` (None: not set).
    args : list of str
        The sweep's command-line overrides.
    """
    if launcher in SLURM_LAUNCHERS:
        return check_slurm(override_value(args, "hydra.launcher.partition"))
    if launcher in RAY_LAUNCHERS:
        address = override_value(args, "hydra.launcher.ray.init.address")
        return check_ray(address or RAY_LAUNCHERS[launcher])
    return None


def check_slurm(partition: str | None) -> str | None:
    """A message unless SLURM answers and ``partition`` exists and is up, else None.

    ``partition`` None means the cluster's default partition.

    Parameters
    ----------
    partition : str or None
        The value of ``hydra.launcher.partition`` (None: the default partition).
    """
    where = f"partition {partition!r}" if partition else "the default partition"
    if shutil.which("sinfo") is None:
        return (
            f"SLURM not found (no sinfo on PATH) for {where}: run the sweep "
            "on the cluster's login node, or start a local cluster with "
            "scripts/cluster/slurm-up"
        )
    try:
        r = subprocess.run(
            ["sinfo", "-h", "-o", "%P %a"], capture_output=True, text=True, timeout=TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        r = None
    if r is None or r.returncode != 0:
        why = "no answer" if r is None else (r.stderr.strip().splitlines() or ["?"])[-1]
        return (
            f"the SLURM controller is not reachable for {where} "
            f"(sinfo: {why}); nothing was submitted"
        )
    states = {}
    default = None
    for line in r.stdout.split("\n"):
        if not line.strip():
            continue
        name, _, avail = line.strip().partition(" ")
        if name.endswith("*"):
            name = name[:-1]
            default = name
        states[name] = avail.strip()
    name = partition or default
    if name is None or name not in states:
        known = ", ".join(sorted(states)) or "none"
        return (
            f"SLURM has no {where} (partitions: {known}); set "
            "hydra.launcher.partition=NAME; nothing was submitted"
        )
    if states[name] != "up":
        return f"SLURM partition {name!r} is {states[name]}, not up; nothing was submitted"
    return None


def resolve_ray_address(address: str) -> str | None:
    """``host:port`` of a Ray head from a ``ray.init`` address (None if none is found).

    ``auto`` follows Ray's own lookup: ``$RAY_ADDRESS``, then the cluster started on
    this machine with Ray's default temp dir; ``ray://host:port`` is taken as is.

    Parameters
    ----------
    address : str
        The value of ``hydra.launcher.ray.init.address`` (``auto``, ``host:port`` or
        ``ray://host:port``).
    """
    if address == "auto":
        address = os.environ.get("RAY_ADDRESS", "")
        if not address and RAY_CURRENT_CLUSTER.is_file():
            address = RAY_CURRENT_CLUSTER.read_text().strip()
        if not address or address == "auto":
            return None
    return address.split("://", 1)[-1]


def check_ray(address: str | None) -> str | None:
    """A message unless the Ray head at ``address`` accepts a TCP connection, else
    None.  ``None`` (a private Ray instance started by the launcher) passes.

    Parameters
    ----------
    address : str or None
        The value of ``hydra.launcher.ray.init.address``, or the launcher's default.
    """
    if address is None:
        return None
    hostport = resolve_ray_address(str(address))
    if hostport is None:
        return (
            "no running Ray cluster found for "
            "hydra.launcher.ray.init.address=auto (no $RAY_ADDRESS, no cluster started on "
            "this node): set hydra.launcher.ray.init.address=HEAD:PORT, or start one "
            "(scripts/cluster/ray-up); nothing was written"
        )
    host, _, port = hostport.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=TIMEOUT_S):
            pass
    except (OSError, ValueError) as exc:
        return (
            f"the Ray cluster at {hostport} is not reachable "
            f"(hydra.launcher.ray.init.address={address}: {exc.__class__.__name__}: {exc}); "
            "start it (ray start --head, or scripts/cluster/ray-up) or fix the address; "
            "nothing was written"
        )
    return None


def where_record(job_num: int) -> dict[str, Any]:
    """Where this process runs: host, pid, SLURM job and node, Ray node id.

    Parameters
    ----------
    job_num : int
        The job's number in the sweep (Hydra's ``job.num``).
    """
    rec: dict[str, Any] = {"job": job_num, "host": socket.gethostname(), "pid": os.getpid()}
    for key, var in SLURM_VARS.items():
        if var in os.environ:
            rec[key] = os.environ[var]
    ray = sys.modules.get("ray")  # only when Ray runs this job: never imported here
    if ray is not None and getattr(ray, "is_initialized", lambda: False)():
        ctx = ray.get_runtime_context()
        rec["ray_node_id"] = ctx.get_node_id()
        rec["ray_job_id"] = ctx.get_job_id()
    return rec


class JobPlace:
    """Hydra callback: ``where.json`` in each sweep job's folder (see the module
    docstring)."""

    def on_job_start(self, config: Any, **kwargs: Any) -> None:
        """Write ``where.json`` into the job's Hydra folder (sweeps only).

        Parameters
        ----------
        config : DictConfig
            The job's or the sweep's config, as Hydra passes it.
        **kwargs
            Whatever else Hydra passes (unused).
        """
        from hydra.core.hydra_config import HydraConfig
        from hydra.types import RunMode

        from sim.outputs import atomic_write_text

        hc = HydraConfig.get()
        if hc.mode != RunMode.MULTIRUN:
            return
        out = Path(str(hc.runtime.output_dir))
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "where.json", json.dumps(where_record(int(hc.job.num))) + "\n")

    def on_run_start(self, config: Any, **kwargs: Any) -> None:
        """Nothing to do for a single run.

        Parameters
        ----------
        config : DictConfig
            The job's or the sweep's config, as Hydra passes it.
        **kwargs
            Whatever else Hydra passes (unused).
        """

    def on_run_end(self, config: Any, **kwargs: Any) -> None:
        """Nothing to do for a single run.

        Parameters
        ----------
        config : DictConfig
            The job's or the sweep's config, as Hydra passes it.
        **kwargs
            Whatever else Hydra passes (unused).
        """

    def on_multirun_start(self, config: Any, **kwargs: Any) -> None:
        """Nothing to do (the cluster was checked before Hydra started).

        Parameters
        ----------
        config : DictConfig
            The job's or the sweep's config, as Hydra passes it.
        **kwargs
            Whatever else Hydra passes (unused).
        """

    def on_multirun_end(self, config: Any, **kwargs: Any) -> None:
        """Nothing to do at the end of a sweep.

        Parameters
        ----------
        config : DictConfig
            The job's or the sweep's config, as Hydra passes it.
        **kwargs
            Whatever else Hydra passes (unused).
        """

    def on_job_end(self, config: Any, job_return: Any, **kwargs: Any) -> None:
        """Nothing to do at the end of a job.

        Parameters
        ----------
        config : DictConfig
            The job's config, as Hydra passes it.
        job_return : JobReturn
            The job's outcome (unused).
        **kwargs
            Whatever else Hydra passes (unused).
        """
