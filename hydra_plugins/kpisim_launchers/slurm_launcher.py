"""Hydra's submitit SLURM launcher, with cluster-side losses reported, not raised.

``configs/hydra/launcher/slurm.yaml`` selects :class:`SlurmLauncher`.  It submits the
sweep as one array job exactly as ``hydra-submitit-launcher`` 1.2 does, then waits for
*every* task before reporting: a task cancelled (``scancel``), killed (node failure,
out of memory) or timed out on the cluster is detected through SLURM accounting
(``sacct``; submitit then sees ``CANCELLED``, ``FAILED``, ``TIMEOUT`` ...) and listed
with its state, instead of a traceback at the first one.  The runs that did finish are
complete in the sweep directory; repeating the command runs only the missing ones.

Without SLURM accounting (``AccountingStorageType=accounting_storage/none``) submitit
cannot tell a cancelled job from a running one and would wait: the clusters kpisim is
tested on run ``slurmdbd`` (``scripts/cluster/slurm-up``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, filter_overrides
from omegaconf import OmegaConf

from . import LostJobs, lost_jobs_message

try:  # kpisim[sweeps]; without it hydra/launcher=slurm says which extra to install
    from hydra_plugins.hydra_submitit_launcher.config import BaseQueueConf
    from hydra_plugins.hydra_submitit_launcher.submitit_launcher import (
        SlurmLauncher as SubmititSlurmLauncher,
    )
except ImportError:  # pragma: no cover - the class below is then not a Hydra plugin
    BaseQueueConf = None
    SubmititSlurmLauncher = object  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

#: Seconds between two looks at the array job's state.
POLL_S = 2.0
#: SLURM states of a task that ended without running to its end.
LOST_STATES = frozenset(
    {
        "CANCELLED",
        "FAILED",
        "TIMEOUT",
        "NODE_FAIL",
        "OUT_OF_MEMORY",
        "PREEMPTED",
        "BOOT_FAIL",
        "DEADLINE",
    }
)


def short_reason(exc: BaseException) -> str:
    """A submitit error in a few words, e.g. ``state CANCELLED by 0``.

    Parameters
    ----------
    exc : BaseException
        The error submitit raised for a task.
    """
    text = str(exc)
    if "(state:" in text:
        return "state " + text.split("(state:", 1)[1].split(")", 1)[0].strip()
    first = (text.strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"


def wait_all(jobs: list[Any], poll_s: float = POLL_S) -> None:
    """Wait until every job is done; one ``sacct`` call per ``poll_s`` for all of them
    (submitit's own wait re-checks each job in turn, up to a minute apart).

    Parameters
    ----------
    jobs : list of submitit.Job
        The array job's tasks.
    poll_s : float
        Seconds between two checks.
    """
    pending = list(jobs)
    while pending:
        pending[0].done(force_check=True)  # refreshes the states of the whole array
        pending = [j for j in pending if not j.done()]
        if pending:
            time.sleep(poll_s)


class SlurmLauncher(SubmititSlurmLauncher):
    """``hydra_plugins.hydra_submitit_launcher``'s SlurmLauncher; :meth:`launch` waits
    for every task and reports the lost ones together (see the module docstring)."""

    def launch(self, job_overrides: Any, initial_job_idx: int) -> list[JobReturn]:
        """Submit the sweep as one array job and wait for all of its tasks.

        The set-up follows ``BaseSubmititLauncher.launch`` of hydra-submitit-launcher
        1.2.0 (MIT licence) line by line; only the collection of results differs.

        Parameters
        ----------
        job_overrides : sequence of sequence of str
            Each job's overrides.
        initial_job_idx : int
            Number of the first job (jobs are numbered on from it).

        Raises
        ------
        LostJobs
            Some tasks ended on the cluster without a result.
        """
        import submitit

        assert self.config is not None
        assert len(job_overrides) > 0
        init_keys = {"max_num_timeout", "submitit_folder"}
        init_params = {"folder": self.params["submitit_folder"]}
        if "max_num_timeout" in self.params:
            init_params[f"{self._EXECUTOR}_max_num_timeout"] = self.params["max_num_timeout"]
        executor = submitit.AutoExecutor(cluster=self._EXECUTOR, **init_params)
        baseparams = set(OmegaConf.structured(BaseQueueConf).keys())
        executor.update_parameters(
            **{
                k if k in baseparams else f"{self._EXECUTOR}_{k}": v
                for k, v in self.params.items()
                if k not in init_keys
            }
        )
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        log.info(f"Submitit '{self._EXECUTOR}' sweep output dir : {sweep_dir}")
        sweep_dir.mkdir(parents=True, exist_ok=True)
        params = []
        for i, overrides in enumerate(job_overrides):
            num = initial_job_idx + i
            log.info(f"\t#{num} : {' '.join(filter_overrides(overrides))}")
            params.append(
                (
                    list(overrides),
                    "hydra.sweep.dir",
                    num,
                    f"job_id_for_{num}",
                    Singleton.get_state(),
                )
            )
        jobs = executor.map_array(self, *zip(*params, strict=True))
        wait_all(jobs)
        returns: list[JobReturn] = []
        lost: list[tuple[int, str, str]] = []
        for job, (overrides, _, num, _, _) in zip(jobs, params, strict=True):
            state = str(job.state)
            if state.split(" ")[0] in LOST_STATES and not job.paths.result_pickle.exists():
                lost.append(
                    (
                        num,
                        " ".join(filter_overrides(overrides)),
                        f"SLURM job {job.job_id}: state {state}",
                    )
                )
                continue
            try:
                returns.append(job.results()[0])
            except Exception as exc:  # cancelled, killed, timed out, node lost ...
                lost.append(
                    (
                        num,
                        " ".join(filter_overrides(overrides)),
                        f"SLURM job {job.job_id}: {short_reason(exc)}",
                    )
                )
        if lost:
            raise LostJobs(lost_jobs_message(lost, len(params), str(sweep_dir)))
        return returns
