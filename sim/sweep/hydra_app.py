"""``kpisim run``: one simulation run as a Hydra app (``-m`` for a multirun sweep).

Single run
    Outputs go to Hydra's run directory (``results/runs/...``) or ``output_dir``:
    ``summary.json``, ``daily.parquet``, ``employees.parquet``, ``config.yaml`` (the
    resolved config), ``run.json`` (run key and config hash) and Hydra's ``.hydra/``.
    Each file is written atomically and ``summary.json`` last, so a directory with a
    ``summary.json`` is complete.

Sweep (``-m``, any Hydra launcher: basic, joblib, submitit_local/slurm, ray)
    Every run goes to ``SWEEP_DIR/<scenario>_seed<seed>_<config hash>/``, named after
    the resolved config (:func:`sim.sweep.runs.run_key`).  A run is computed in memory,
    written to a staging folder ``SWEEP_DIR/.staging/`` and renamed into place in one
    step, so a run directory is complete or absent, whatever kills the sweep
    (:mod:`sim.sweep.runs`).  A run whose directory already holds a complete run with
    the same config hash is skipped, so repeating a sweep with the same
    ``hydra.sweep.dir`` resumes (or extends) it.  Hydra's own per-job folders
    (``.hydra/``, log) live in ``SWEEP_DIR/.jobs/<job number>/``; each job's outcome
    (done, skipped, failed) is recorded in ``SWEEP_DIR/.sweep/<invocation>/``
    (:mod:`sim.sweep.status`).  The :class:`~sim.sweep.monitor.SweepMonitor` callback
    (``hydra.callbacks`` in ``configs/config.yaml``) prints progress lines while the
    sweep runs and, at the end, a summary and the tidy table ``SWEEP_DIR/runs.parquet``
    (see :mod:`sim.sweep.collect`).  Before Hydra starts, the sweep's configs and its
    launcher are checked (:mod:`sim.sweep.validate`).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from ..config import (
    CONFIG_DIR,
    HYDRA_VERSION_BASE,
    ConfigError,
    available_scenarios,
    config_hash,
    load_config,
    to_config,
)
from ..config.load import CENTRE_SWEEP, centre_overrides, is_centre_file
from ..run import run_simulation
from .monitor import forget_last_sweep, last_sweep
from .runs import is_complete, publish, run_key, staging_dir, write_run
from .status import record_status
from .validate import launcher_problem, validate_sweep, with_default_launcher

log = logging.getLogger(__name__)

HELP = """usage: kpisim run [-m] [key=value ...] [hydra flags]

One simulation run; with -m (--multirun), a sweep over comma lists and ranges, e.g.
  kpisim run scenario=aht_pay seed=7 days=120
  kpisim run centre=example scenario=aht_pay export.calls=true
  kpisim run -m scenario=baseline,aht_pay seed=range(0,5)
  kpisim run -m hydra.sweep.dir=results/sweeps/aht scenario=aht_pay \\
      seed=range(0,20) scheme.kpis.aht.weight=0,0.25,0.5

Common keys: scenario, centre (configs/centre/), seed, days, customers.n, employees.n,
scheme.kpis.aht.weight, scheme.audit_rate, channels.phone_visibility,
behavior.adaptive, export.calls (also write calls.parquet), output_dir
(`kpisim run --cfg job` prints every key and its value).

Sweeps: runs go to SWEEP_DIR/<scenario>_seed<seed>_<config hash>/, each complete or
absent.  Repeat a sweep with the same hydra.sweep.dir=PATH to resume or extend it:
complete runs with the same resolved config are skipped.  At the end the sweep writes
SWEEP_DIR/runs.parquet (one row per run; `kpisim collect SWEEP_DIR` rebuilds it).
Launchers: joblib (local cores; the default for sweeps when installed),
hydra/launcher=basic (one process), hydra/launcher=submitit_local,
hydra/launcher=submitit_slurm (a SLURM cluster), hydra/launcher=ray (see docs/sweeps.md).

Hydra flags: --cfg job|hydra|all, -m/--multirun, --hydra-help.

scenarios: {scenarios}
"""


# --------------------------------------------------------------------------- the task
def task(cfg: DictConfig) -> dict[str, Any] | None:
    """Hydra task: a single run, or one job of a sweep (see the module docstring).

    Parameters
    ----------
    cfg : DictConfig
        The run's composed config.

    Returns
    -------
    dict or None
        A sweep job's status record (:func:`sweep_job`); None for a single run.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)  # no per-step chatter
    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:
        return sweep_job(cfg, hc)
    try:
        c = to_config(cfg)
    except ConfigError as exc:
        print(f"kpisim run: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    out = Path(c.output_dir or hc.runtime.output_dir)
    result = run_simulation(c)
    write_run(result, c, out)
    s = result.summary
    where = f" centre={c.centre.name}" if c.centre.name else ""
    print(
        f"{c.scenario.name}{where} seed={c.seed} days={c.days}: measured FCR "
        f"{s['fcr_measured']:.3f} vs true {s['fcr_true']:.3f}, true CSAT "
        f"{s['csat_true']:.3f}, retention {s['retention']:.3f}, gaming "
        f"{s['gaming_rate']:.3f} -> {out}"
    )
    return None


def sweep_root(hc: Any) -> Path:
    """Absolute sweep directory of the current Hydra multirun.

    Parameters
    ----------
    hc : HydraConf
        The job's Hydra config (``HydraConfig.get()``).
    """
    return Path(os.path.abspath(str(hc.sweep.dir)))


def sweep_job(cfg: DictConfig, hc: Any) -> dict[str, Any]:
    """One job of a sweep: skip a complete run, else run, stage and publish it.

    Never raises for a failed run: the failure is recorded (status ``failed``) so that
    the other jobs go on and the end-of-sweep summary can list it.

    Parameters
    ----------
    cfg : DictConfig
        The job's composed config.
    hc : HydraConf
        The job's Hydra config (``HydraConfig.get()``).

    Returns
    -------
    dict
        The job's status record: job number, overrides, run key, config hash, seed,
        scenario, ``status`` (done, skipped or failed, with ``error``), ``elapsed_s``.
    """
    root = sweep_root(hc)
    t0 = time.perf_counter()
    record: dict[str, Any] = {"job": int(hc.job.num), "overrides": list(hc.overrides.task)}
    try:
        c = to_config(cfg)
        key, chash = run_key(c), config_hash(c)
        record.update(key=key, config_hash=chash, seed=c.seed, scenario=c.scenario.name)
        run_dir = root / key
        if is_complete(run_dir, chash):
            record["status"] = "skipped"
        else:
            result = run_simulation(c)
            stage = staging_dir(root, key)
            shutil.rmtree(stage, ignore_errors=True)
            hydra_dir = Path(hc.runtime.output_dir) / str(hc.output_subdir or ".hydra")
            write_run(result, c, stage, hydra_dir=hydra_dir)
            record["status"] = publish(stage, run_dir, chash)
    except Exception as exc:
        record.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        if not isinstance(exc, ConfigError):
            log.exception("run failed: %s", " ".join(record["overrides"]))
    record["elapsed_s"] = round(time.perf_counter() - t0, 3)
    record_status(root, record)
    what = record.get("key") or " ".join(record["overrides"])
    extra = f": {record['error']}" if record["status"] == "failed" else ""
    print(f"[kpisim sweep] job {record['job']} {record['status']} {what}{extra}", flush=True)
    return record


# --------------------------------------------------------------------------- arguments
def _split(args: list[str]) -> tuple[str, list[str]]:
    """``scenario=NAME`` (default baseline) apart from the other overrides."""
    scenario = "baseline"
    rest = []
    for a in args:
        if a.startswith("scenario="):
            scenario = a.split("=", 1)[1]
        else:
            rest.append(a)
    return scenario, rest


def _absolute_sweep_dir(argv: list[str]) -> list[str]:
    """``hydra.sweep.dir=REL`` -> an absolute path (workers may start elsewhere)."""
    out = []
    for a in argv:
        if a.startswith("hydra.sweep.dir="):
            value = a.split("=", 1)[1]
            if value and "$" not in value and not os.path.isabs(value):
                a = f"hydra.sweep.dir={os.path.abspath(value)}"
        out.append(a)
    return out


def _check(argv: list[str], multirun: bool) -> str | None:
    """What is wrong with a run's or a sweep's overrides, before Hydra creates any
    directory (a bad run leaves nothing behind); None when they are fine."""
    try:
        if not multirun:
            scenario, rest = _split(argv)
            load_config(scenario, rest)
            return None
        problem = launcher_problem(argv)
        if problem:
            return problem
        validate_sweep(argv)
    except ConfigError as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------- entry point
def main(argv: list[str]) -> int:
    """``kpisim run``: validate, then hand over to Hydra (single run or sweep).

    Parameters
    ----------
    argv : list of str
        The words after ``kpisim run``: Hydra overrides and flags (``-m`` for a sweep).

    Returns
    -------
    int
        The exit code: 0 on success, 2 on a user error, 1 when runs of a sweep failed.
    """
    if any(a in ("-h", "--help") for a in argv):
        print(HELP.format(scenarios=textwrap.fill(", ".join(available_scenarios()), 78)))
        return 0
    multirun = any(a in ("-m", "--multirun") for a in argv)
    flags = [a for a in argv if a.startswith("-") and a not in ("-m", "--multirun")]
    overrides = [a for a in argv if not a.startswith("-")]
    if multirun and any(o.startswith("centre_dir=") or is_centre_file(o) for o in overrides):
        print(f"kpisim run: {CENTRE_SWEEP}", file=sys.stderr)
        return 2
    if not flags:
        problem = _check(argv if not multirun else overrides, multirun)
        if problem:
            print(f"kpisim run: {problem}", file=sys.stderr)
            return 2
        if multirun:
            argv = _absolute_sweep_dir(with_default_launcher(argv))
    try:  # centre=PATH and centre_dir= become a group option on a Hydra search path
        argv = centre_overrides(argv)
    except ConfigError as exc:
        print(f"kpisim run: {exc}", file=sys.stderr)
        return 2
    app = hydra.main(
        config_path=str(CONFIG_DIR), config_name="config", version_base=HYDRA_VERSION_BASE
    )(task)
    old = sys.argv
    sys.argv = ["kpisim run", *argv]
    forget_last_sweep()
    try:
        app()
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except ValueError as exc:  # Hydra's command-line checks (e.g. -m with --cfg)
        print(f"kpisim run: {exc}", file=sys.stderr)
        return 2
    finally:
        sys.argv = old
    tally = last_sweep()
    if multirun and tally is not None and tally.failed:
        print(f"kpisim run: {tally.failed} of {tally.finished} runs failed", file=sys.stderr)
        return 1
    return 0
