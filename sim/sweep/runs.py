"""Run folders of a sweep: their names, when they are complete, how they are written.

Every run of a sweep goes to ``SWEEP_DIR/<scenario>_seed<seed>_<config hash>/``, named
after its resolved config (:func:`run_key`).  A run is written to a staging folder
``SWEEP_DIR/.staging/`` and renamed into place in one step (:func:`publish`), so a run
folder is complete or absent, whatever kills the sweep.  ``summary.json`` is written
last: a folder holding it is complete (:func:`is_complete`).  A single run
(``kpisim run`` without ``-m``) is written the same way, straight into its folder.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

from ..config import Config, config_hash, to_yaml
from ..outputs import RunResult, atomic_write_text

#: Sub-folders of a sweep directory that hold bookkeeping, never runs: staging folders
#: of runs being written, Hydra's per-job folders (``hydra.sweep.subdir`` in
#: ``configs/config.yaml``) and the jobs' status files (:mod:`sim.sweep.status`).
STAGING_DIR = ".staging"
JOBS_DIR = ".jobs"
STATUS_DIR = ".sweep"
#: The tidy table a finished sweep writes into its sweep directory.
TABLE_NAME = "runs.parquet"


def run_key(cfg: Config) -> str:
    """Directory name of a run in a sweep: ``<scenario>_seed<seed>_<config hash>``.

    The hash (:func:`sim.config.config_hash`) covers the whole resolved config, seed
    included, so two runs share a key exactly when they would give identical outputs.

    Parameters
    ----------
    cfg : Config
        The run's resolved config.
    """
    return f"{cfg.scenario.name}_seed{cfg.seed}_{config_hash(cfg)}"


def is_complete(run_dir: Path, chash: str | None = None) -> bool:
    """Whether ``run_dir`` holds a finished run (``summary.json`` is written last).

    Parameters
    ----------
    run_dir : pathlib.Path
        A run folder.
    chash : str, optional
        The config hash the run's ``run.json`` must also carry.
    """
    if not (run_dir / "summary.json").is_file():
        return False
    if chash is None:
        return True
    try:
        meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("config_hash") == chash


def write_run(result: RunResult, c: Config, out: Path, *, hydra_dir: Path | None = None) -> None:
    """Write a run's files into ``out``; ``summary.json`` last (it marks completeness).

    Files: ``config.yaml`` (the resolved config), ``run.json`` (run key, config hash,
    seed), a copy of Hydra's ``hydra_dir`` as ``.hydra/`` when given, then the run's
    ``daily.parquet``, ``employees.parquet`` and ``summary.json``.

    Parameters
    ----------
    result : RunResult
        The finished run.
    c : Config
        Its resolved config.
    out : pathlib.Path
        The run folder (a staging folder in a sweep); created if needed.
    hydra_dir : pathlib.Path, optional
        Hydra's ``.hydra/`` folder of the job, copied in.
    """
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "config.yaml", to_yaml(c))
    meta = {"run_key": run_key(c), "config_hash": config_hash(c), "seed": c.seed}
    atomic_write_text(out / "run.json", json.dumps(meta, indent=2) + "\n")
    if hydra_dir is not None and hydra_dir.is_dir():
        shutil.copytree(hydra_dir, out / ".hydra", dirs_exist_ok=True)
    result.write(out)


def staging_dir(root: Path, key: str) -> Path:
    """A staging folder for run ``key`` of sweep ``root``, owned by this process.

    Its name carries the host and process id so that :func:`clean_stale_staging` can
    tell when the process that made it is gone.

    Parameters
    ----------
    root : pathlib.Path
        The sweep directory.
    key : str
        The run's key (:func:`run_key`).
    """
    return root / STAGING_DIR / f"{key}.{socket.gethostname()}.{os.getpid()}.tmp"


def publish(stage: Path, run_dir: Path, chash: str) -> str:
    """Rename the finished ``stage`` folder to ``run_dir`` in one step.

    Returns ``"done"``, or ``"skipped"`` when another job published the same run first.
    An incomplete ``run_dir`` (not made by this code) is replaced.

    Parameters
    ----------
    stage : pathlib.Path
        The staging folder holding the complete run.
    run_dir : pathlib.Path
        The run's folder in the sweep.
    chash : str
        The run's config hash (a run already there counts only with the same hash).
    """
    try:
        os.rename(stage, run_dir)
        return "done"
    except OSError:
        if is_complete(run_dir, chash):
            shutil.rmtree(stage, ignore_errors=True)
            return "skipped"
        trash = stage.with_name(stage.name + ".old")
        os.rename(run_dir, trash)
        os.rename(stage, run_dir)
        shutil.rmtree(trash, ignore_errors=True)
        return "done"


def clean_stale_staging(root: Path) -> None:
    """Remove staging folders left by killed jobs of this host (their process is gone).

    Parameters
    ----------
    root : pathlib.Path
        The sweep directory.
    """
    stage_root = root / STAGING_DIR
    if not stage_root.is_dir():
        return
    host = socket.gethostname()
    for p in stage_root.iterdir():
        parts = p.name.rsplit(".", 3)
        if len(parts) != 4 or parts[1] != host or not parts[2].isdigit():
            continue
        try:
            os.kill(int(parts[2]), 0)
        except ProcessLookupError:
            shutil.rmtree(p, ignore_errors=True)
        except PermissionError:
            pass
