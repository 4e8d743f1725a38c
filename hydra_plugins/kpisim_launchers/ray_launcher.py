"""Hydra's Ray launcher for an existing Ray cluster, with lost runs reported.

``configs/hydra/launcher/ray_cluster.yaml`` selects :class:`RayLauncher`.  It launches
each job as a Ray task exactly as ``hydra-ray-launcher`` 1.2.2 does, with two
differences:

* it does not pass ``object_store_memory`` to ``ray.init`` when connecting to a running
  cluster (Ray refuses it there; upstream bug
  https://github.com/facebookresearch/hydra/issues/2893, fixed after 1.2.2);
* it waits for every task and lists those that ended without a result (a worker node
  that died, with ``hydra.launcher.ray.remote.max_retries`` used up) instead of raising
  at the first one.  The finished runs are complete in the sweep directory; repeating
  the command runs only the missing ones.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, configure_log, filter_overrides, run_job, setup_globals
from omegaconf import OmegaConf, open_dict

from . import LostJobs, lost_jobs_message

try:  # kpisim[ray]; without it hydra/launcher=ray_cluster says which extra to install
    from hydra_plugins.hydra_ray_launcher.ray_launcher import RayLauncher as HydraRayLauncher
except ImportError:  # pragma: no cover - the class below is then not a Hydra plugin
    HydraRayLauncher = object  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

#: hydra-ray-launcher's default object store for a private Ray instance (bytes).
PRIVATE_OBJECT_STORE = 78643200


def run_one(
    hydra_context: Any, sweep_config: Any, task_function: Any, singleton_state: Any
) -> JobReturn:
    """The Ray task: one Hydra job (as the plugin's own ``_run_job``).

    Parameters
    ----------
    hydra_context : HydraContext
        The launching process's Hydra context.
    sweep_config : DictConfig
        The job's composed config (its overrides applied, job id and number set).
    task_function : callable
        The Hydra task (``kpisim run``'s).
    singleton_state : Any
        Hydra's singletons of the launching process, restored in the worker.
    """
    setup_globals()
    Singleton.set_state(singleton_state)
    HydraConfig.instance().set_config(sweep_config)
    return run_job(
        hydra_context=hydra_context,
        task_function=task_function,
        config=sweep_config,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )


def init_kwargs(init_cfg: Any) -> dict[str, Any]:
    """``ray.init`` arguments: the plugin's small object store only for a private
    instance (no address); never for a running cluster.

    Parameters
    ----------
    init_cfg : DictConfig
        The launcher's ``ray.init`` section (``hydra.launcher.ray.init``).
    """
    kwargs = dict(OmegaConf.to_container(init_cfg, resolve=True) or {})
    if kwargs.get("address") is None:
        kwargs.setdefault("object_store_memory", PRIVATE_OBJECT_STORE)
    elif kwargs.get("object_store_memory") is None:
        kwargs.pop("object_store_memory", None)
    return kwargs


class RayLauncher(HydraRayLauncher):
    """``hydra_plugins.hydra_ray_launcher``'s RayLauncher with the fixes above."""

    def launch(self, job_overrides: Any, initial_job_idx: int) -> list[JobReturn]:
        """Run every job as a Ray task; wait for all of them; report the lost ones.

        Parameters
        ----------
        job_overrides : sequence of sequence of str
            Each job's overrides.
        initial_job_idx : int
            Number of the first job (jobs are numbered on from it).

        Raises
        ------
        LostJobs
            Some jobs ended on the cluster without a result.
        """
        import ray

        setup_globals()
        assert self.config is not None and self.hydra_context is not None
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        log.info(
            f"Ray Launcher is launching {len(job_overrides)} jobs, sweep output dir: {sweep_dir}"
        )
        if not ray.is_initialized():
            kwargs = init_kwargs(self.ray_cfg.init)
            log.info(f"Initializing ray with config: {kwargs}")
            ray.init(**kwargs)
        remote_opts = OmegaConf.to_container(self.ray_cfg.remote, resolve=True) or {}
        task = ray.remote(**remote_opts)(run_one) if remote_opts else ray.remote(run_one)
        refs = []
        for i, overrides in enumerate(job_overrides):
            num = initial_job_idx + i
            log.info(f"\t#{num} : {' '.join(filter_overrides(overrides))}")
            cfg = self.hydra_context.config_loader.load_sweep_config(self.config, list(overrides))
            with open_dict(cfg):
                cfg.hydra.job.id = f"job_id_for_{num}"
                cfg.hydra.job.num = num
            refs.append(
                (
                    num,
                    overrides,
                    task.remote(
                        hydra_context=self.hydra_context,
                        sweep_config=cfg,
                        task_function=self.task_function,
                        singleton_state=Singleton.get_state(),
                    ),
                )
            )
        returns: list[JobReturn] = []
        lost: list[tuple[int, str, str]] = []
        for num, overrides, ref in refs:
            try:
                returns.append(ray.get(ref))
            except Exception as exc:  # the node or worker died, retries used up
                first = (str(exc).strip().splitlines() or [""])[0]
                lost.append(
                    (
                        num,
                        " ".join(filter_overrides(overrides)),
                        f"Ray: {type(exc).__name__}: {first}",
                    )
                )
        if lost:
            raise LostJobs(lost_jobs_message(lost, len(refs), str(sweep_dir)))
        return returns
