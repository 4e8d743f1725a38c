"""``kpisim run``: one simulation run as a Hydra app (``-m`` for a multirun sweep).

Single run
    Outputs go to Hydra's run directory (``results/runs/...``) or ``output_dir``:
    ``summary.json``, ``daily.parquet``, ``employees.parquet``, ``config.yaml`` (the
    resolved config), ``run.json`` (run key and config hash) and Hydra's ``.hydra/``.
    Each file is written atomically and ``summary.json`` last, so a directory with a
    ``summary.json`` is complete.

Sweep (``-m``, any Hydra launcher: basic, joblib, submitit_local/slurm, ray)
    Every run goes to ``SWEEP_DIR/<scenario>_seed<seed>_<config hash>/``, named after
    the resolved config (:func:`run_key`).  A run is computed in memory, written to a
    staging folder ``SWEEP_DIR/.staging/`` and renamed into place in one step, so a run
    directory is complete or absent, whatever kills the sweep.  A run whose directory
    already holds a complete run with the same config hash is skipped, so repeating a
    sweep with the same ``hydra.sweep.dir`` resumes (or extends) it.  Hydra's own
    per-job folders (``.hydra/``, log) live in ``SWEEP_DIR/.jobs/<job number>/``;
    each job's outcome (done, skipped, failed) is recorded in
    ``SWEEP_DIR/.sweep/<invocation>/``.  The :class:`SweepMonitor` callback
    (``hydra.callbacks`` in ``configs/config.yaml``) prints progress lines while the
    sweep runs and, at the end, a summary and the tidy table ``SWEEP_DIR/runs.parquet``
    (see :mod:`sim.collect`).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import socket
import sys
import textwrap
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import CONFIG_DIR, ConfigError, available_scenarios, load_config
from .sweep.clusters import cluster_problem

if TYPE_CHECKING:
    from omegaconf import DictConfig

    from .config import Config

log = logging.getLogger(__name__)

HELP = """usage: kpisim run [-m] [key=value ...] [hydra flags]

One simulation run; with -m (--multirun), a sweep over comma lists and ranges, e.g.
  kpisim run scenario=aht_pay seed=7 days=120
  kpisim run -m scenario=baseline,aht_pay seed=range(0,5)
  kpisim run -m hydra.sweep.dir=results/sweeps/aht scenario=aht_pay \\
      seed=range(0,20) scheme.kpis.aht.weight=0,0.25,0.5

Common keys: scenario, seed, days, customers.n, employees.n, scheme.kpis.aht.weight,
scheme.audit_rate, channels.phone_number_visible, behavior.adaptive, output_dir
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

#: Sub-folders of a sweep directory that hold bookkeeping, never runs.
STAGING_DIR = ".staging"
JOBS_DIR = ".jobs"
STATUS_DIR = ".sweep"
#: The tidy table a finished sweep writes into its sweep directory.
TABLE_NAME = "runs.parquet"
#: Launcher plugins and the module each one needs.
LAUNCHER_MODULES = {
    "joblib": ("hydra_plugins.hydra_joblib_launcher", "sweeps"),
    "submitit_local": ("hydra_plugins.hydra_submitit_launcher", "sweeps"),
    "submitit_slurm": ("hydra_plugins.hydra_submitit_launcher", "sweeps"),
    "slurm": ("hydra_plugins.hydra_submitit_launcher", "sweeps"),  # configs/hydra/launcher/
    "ray": ("hydra_plugins.hydra_ray_launcher", "ray"),
    "ray_cluster": ("hydra_plugins.hydra_ray_launcher", "ray"),  # configs/hydra/launcher/
}
#: Above this many sweep combinations, pre-validation checks each swept value once
#: (numeric sweeps: their smallest and largest values) instead of every combination.
VALIDATE_ALL_MAX = 16


# --------------------------------------------------------------------------- run keys
def run_key(cfg: Config) -> str:
    """Directory name of a run in a sweep: ``<scenario>_seed<seed>_<config hash>``.

    The hash (:func:`sim.config.config_hash`) covers the whole resolved config, seed
    included, so two runs share a key exactly when they would give identical outputs.
    """
    from .config import config_hash

    return f"{cfg.scenario.name}_seed{cfg.seed}_{config_hash(cfg)}"


def is_complete(run_dir: Path, chash: str | None = None) -> bool:
    """Whether ``run_dir`` holds a finished run (``summary.json`` is written last).

    With ``chash``, the run must also carry that config hash in its ``run.json``.
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


def _write_run(result: Any, c: Config, out: Path, *, hydra_dir: Path | None = None) -> None:
    """Write a run's files into ``out``; ``summary.json`` last (it marks completeness)."""
    from .config import config_hash, to_yaml
    from .outputs import atomic_write_text

    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "config.yaml", to_yaml(c))
    meta = {"run_key": run_key(c), "config_hash": config_hash(c), "seed": c.seed}
    atomic_write_text(out / "run.json", json.dumps(meta, indent=2) + "\n")
    if hydra_dir is not None and hydra_dir.is_dir():
        shutil.copytree(hydra_dir, out / ".hydra", dirs_exist_ok=True)
    result.write(out)


def _publish(stage: Path, run_dir: Path, chash: str) -> str:
    """Rename the finished ``stage`` folder to ``run_dir`` in one step.

    Returns ``"done"``, or ``"skipped"`` when another job published the same run first.
    An incomplete ``run_dir`` (not made by this code) is replaced.
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


def _staging_name(key: str) -> str:
    return f"{key}.{socket.gethostname()}.{os.getpid()}.tmp"


def _clean_stale_staging(root: Path) -> None:
    """Remove staging folders left by killed jobs of this host (their process is gone)."""
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


# --------------------------------------------------------------------------- the task
def _task(cfg: DictConfig) -> dict[str, Any] | None:
    """Hydra task: a single run, or one job of a sweep (see the module docstring)."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    logging.getLogger("MESA").setLevel(logging.WARNING)  # no per-step chatter
    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:
        return _sweep_job(cfg, hc)
    from .config import to_config
    from .run import run_simulation

    try:
        c = to_config(cfg)
    except ConfigError as exc:
        print(f"kpisim run: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    out = Path(c.output_dir or hc.runtime.output_dir)
    result = run_simulation(c)
    _write_run(result, c, out)
    s = result.summary
    print(
        f"{c.scenario.name} seed={c.seed} days={c.days}: measured FCR {s['fcr_measured']:.3f} "
        f"vs true {s['fcr_true']:.3f}, true CSAT {s['csat_true']:.3f}, retention "
        f"{s['retention']:.3f}, gaming {s['gaming_rate']:.3f} -> {out}"
    )
    return None


def sweep_root(hc: Any) -> Path:
    """Absolute sweep directory of the current Hydra multirun."""
    return Path(os.path.abspath(str(hc.sweep.dir)))


def _sweep_job(cfg: DictConfig, hc: Any) -> dict[str, Any]:
    """One job of a sweep: skip a complete run, else run, stage and publish it.

    Never raises for a failed run: the failure is recorded (status ``failed``) so that
    the other jobs go on and the end-of-sweep summary can list it.
    """
    from .config import config_hash, to_config
    from .run import run_simulation

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
            stage = root / STAGING_DIR / _staging_name(key)
            shutil.rmtree(stage, ignore_errors=True)
            hydra_dir = Path(hc.runtime.output_dir) / str(hc.output_subdir or ".hydra")
            _write_run(result, c, stage, hydra_dir=hydra_dir)
            record["status"] = _publish(stage, run_dir, chash)
    except Exception as exc:
        record.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        if not isinstance(exc, ConfigError):
            log.exception("run failed: %s", " ".join(record["overrides"]))
    record["elapsed_s"] = round(time.perf_counter() - t0, 3)
    _record_status(root, record)
    what = record.get("key") or " ".join(record["overrides"])
    extra = f": {record['error']}" if record["status"] == "failed" else ""
    print(f"[kpisim sweep] job {record['job']} {record['status']} {what}{extra}", flush=True)
    return record


def _record_status(root: Path, record: dict[str, Any]) -> None:
    """Write a job's outcome to ``SWEEP_DIR/.sweep/<invocation>/<job>.json``."""
    from .outputs import atomic_write_text

    inv = _read_invocation(root)
    record["invocation"] = inv
    folder = root / STATUS_DIR / (inv or "unknown")
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / f"{record['job']}.json", json.dumps(record) + "\n")


def _read_invocation(root: Path) -> str | None:
    try:
        return json.loads((root / STATUS_DIR / "current.json").read_text())["invocation"]
    except (OSError, ValueError, KeyError):
        return None


# --------------------------------------------------------------------------- monitor
@dataclass
class SweepTally:
    """Outcome counts of one sweep invocation."""

    total: int | None = None
    done: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    root: Path | None = None
    table: Path | None = None
    rows: int = 0
    elapsed_s: float = 0.0

    @property
    def finished(self) -> int:
        return self.done + self.skipped + self.failed


#: The tally of the last sweep run in this process (read by :func:`main`).
LAST_SWEEP: SweepTally | None = None


class SweepMonitor:
    """Hydra callback: progress lines during a sweep and a summary at its end.

    It runs in the process that launched the sweep, whatever the launcher: a thread
    counts the jobs' status files (``SWEEP_DIR/.sweep/<invocation>/``) every
    ``progress_every_s`` seconds and prints a line when the count moved.  At the end it
    writes ``SWEEP_DIR/runs.parquet`` (when ``collect`` is true) and prints the runs
    done, skipped and failed.
    """

    def __init__(self, progress_every_s: float = 10.0, collect: bool = True) -> None:
        self.progress_every_s = float(progress_every_s)
        self.collect = bool(collect)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._root: Path | None = None
        self._inv: str | None = None
        self._total: int | None = None
        self._t0 = 0.0

    def __getstate__(self) -> dict[str, Any]:  # launchers pickle the callbacks
        return {"progress_every_s": self.progress_every_s, "collect": self.collect}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)

    # Hydra's callback interface (hydra.experimental.callback.Callback)
    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Nothing to do for a single run."""

    def on_run_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Nothing to do for a single run."""

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Nothing to do per job (jobs may run in other processes)."""

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        """Nothing to do per job (jobs may run in other processes)."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Open a new invocation in the sweep directory and start the progress thread."""
        from .outputs import atomic_write_text

        self._root = Path(os.path.abspath(str(config.hydra.sweep.dir)))
        self._root.mkdir(parents=True, exist_ok=True)
        _clean_stale_staging(self._root)
        self._inv = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        self._total = _count_jobs(list(config.hydra.overrides.task))
        (self._root / STATUS_DIR).mkdir(exist_ok=True)
        atomic_write_text(
            self._root / STATUS_DIR / "current.json",
            json.dumps({"invocation": self._inv, "total": self._total}) + "\n",
        )
        self._t0 = time.perf_counter()
        total = f"{self._total} runs" if self._total is not None else "runs"
        print(f"[kpisim sweep] {total} -> {self._root}", flush=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="kpisim-sweep", daemon=True)
        self._thread.start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Stop the progress thread, write the table and print the summary."""
        global LAST_SWEEP
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        tally = self._tally()
        tally.elapsed_s = time.perf_counter() - self._t0
        if self.collect and self._root is not None:
            from .collect import CollectError, collect, write_table

            try:
                runs, _ = collect(self._root)
                tally.table = write_table(runs, self._root / TABLE_NAME)
                tally.rows = len(runs)
            except CollectError as exc:
                print(f"[kpisim sweep] no table: {exc}", flush=True)
        LAST_SWEEP = tally
        print(_summary_text(tally), flush=True)

    # internals
    def _tally(self) -> SweepTally:
        tally = SweepTally(total=self._total, root=self._root)
        if self._root is None or self._inv is None:
            return tally
        folder = self._root / STATUS_DIR / self._inv
        if not folder.is_dir():
            return tally
        for p in sorted(folder.glob("*.json")):
            try:
                rec = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            status = rec.get("status")
            if status == "done":
                tally.done += 1
            elif status == "skipped":
                tally.skipped += 1
            else:
                tally.failed += 1
                tally.failures.append(rec)
        return tally

    def _watch(self) -> None:
        last = -1
        while not self._stop.wait(self.progress_every_s):
            tally = self._tally()
            if tally.finished != last:
                last = tally.finished
                print(_progress_text(tally, time.perf_counter() - self._t0), flush=True)


def _progress_text(t: SweepTally, elapsed: float) -> str:
    of = f"/{t.total}" if t.total else ""
    eta = ""
    if t.total and t.done and t.finished < t.total:
        left = elapsed / t.finished * (t.total - t.finished)
        eta = f", about {left:.0f} s left"
    return (
        f"[kpisim sweep] {t.finished}{of} runs finished ({t.done} done, {t.skipped} skipped, "
        f"{t.failed} failed), {elapsed:.0f} s{eta}"
    )


def _summary_text(t: SweepTally) -> str:
    root = t.root
    lines = [
        f"[kpisim sweep] finished in {t.elapsed_s:.1f} s: {t.finished} runs: {t.done} done, "
        f"{t.skipped} skipped (already complete), {t.failed} failed",
        f"  runs:   {root}/<scenario>_seed<seed>_<config hash>/",
    ]
    if t.table is not None:
        lines.append(
            f"  table:  {t.table} ({t.rows} runs; `kpisim collect {root} --daily` adds "
            "the daily tables)"
        )
    for rec in t.failures[:5]:
        lines.append(
            f"  failed: job {rec.get('job')} ({' '.join(rec.get('overrides', []))}): "
            f"{rec.get('error', '?')}"
        )
    if len(t.failures) > 5:
        lines.append(f"  ... and {len(t.failures) - 5} more (see {root}/{STATUS_DIR}/)")
    lines.append(f"  resume or extend: repeat the command with hydra.sweep.dir={root}")
    return "\n".join(lines)


def _count_jobs(overrides: list[str]) -> int | None:
    """Number of jobs of a grid sweep (None when the sweep is not a plain grid)."""
    try:
        from hydra.core.override_parser.overrides_parser import OverridesParser

        total = 1
        for o in OverridesParser.create().parse_overrides(overrides):
            if o.is_sweep_override():
                if not o.is_discrete_sweep():
                    return None
                total *= len(list(o.sweep_string_iterator()))
        return total
    except Exception:
        return None


# --------------------------------------------------------------------------- validation
def _is_hydra_key(key: str) -> bool:
    return key.lstrip("+~").startswith(("hydra.", "hydra/"))


def _sweep_axes(args: list[str]) -> tuple[list[list[str]], list[str]]:
    """Parse sweep overrides into axes (one list of ``key=value`` per key).

    Returns (axes of the config keys, the hydra overrides unchanged).  Raises
    :class:`ConfigError` for an override Hydra cannot parse.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from .config import _clean_hydra_message

    try:
        parsed = OverridesParser.create().parse_overrides(args)
    except Exception as exc:
        raise ConfigError(_clean_hydra_message(exc)) from None
    axes: list[list[str]] = []
    hydra_args: list[str] = []
    for o, raw in zip(parsed, args, strict=True):
        key = o.get_key_element()
        if _is_hydra_key(key):
            hydra_args.append(raw)
        elif o.is_sweep_override():
            if not o.is_discrete_sweep():
                continue  # interval sweeps (optuna etc.): checked when each job runs
            values = list(o.sweep_string_iterator())
            if not values:
                raise ConfigError(f"{key}: the sweep has no values")
            axes.append([f"{key}={v}" for v in values])
        else:
            axes.append([f"{key}={o.get_value_element_as_str()}"])
    return axes, hydra_args


def _reduce(axis: list[str]) -> list[str]:
    """A numeric axis is checked at its extremes; any other axis at every value."""
    nums = []
    for item in axis:
        try:
            nums.append(float(item.split("=", 1)[1]))
        except ValueError:
            return axis
    lo, hi = nums.index(min(nums)), nums.index(max(nums))
    return [axis[i] for i in sorted({lo, hi})]


def _validation_combos(axes: list[list[str]]) -> list[list[str]]:
    total = 1
    for a in axes:
        total *= len(a)
    if total <= VALIDATE_ALL_MAX:
        return [list(c) for c in itertools.product(*axes)]
    base = [a[0] for a in axes]
    combos = [base]
    for i, a in enumerate(axes):
        for v in _reduce(a)[0:]:
            if v != base[i]:
                combos.append([*base[:i], v, *base[i + 1 :]])
    return combos


def validate_sweep(args: list[str]) -> int:
    """Compose and validate a sweep's configs before Hydra creates any directory.

    Small sweeps are checked combination by combination; large ones check each swept
    value once (numeric values at their extremes).  Returns the number of configs
    checked; raises :class:`ConfigError` naming the key and the combination.
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from .config import _clean_hydra_message, to_config

    axes, _ = _sweep_axes(args)
    known = available_scenarios()
    for axis in axes:
        for item in axis:
            key, value = item.split("=", 1)
            if key == "scenario" and value not in known:
                raise ConfigError(
                    f"scenario={value!r} is not a known scenario: choose one of "
                    f"{', '.join(known)}"
                )
            if key == "output_dir":
                raise ConfigError(
                    "output_dir applies to a single run; a sweep writes into "
                    "hydra.sweep.dir=PATH (one folder per run)"
                )
    combos = _validation_combos(axes)
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        for combo in combos:
            try:
                to_config(compose(config_name="config", overrides=combo))
            except ConfigError as exc:
                raise ConfigError(_in_combo(str(exc), combo, len(combos))) from None
            except Exception as exc:
                raise ConfigError(_in_combo(_clean_hydra_message(exc), combo, 1)) from None
    GlobalHydra.instance().clear()
    return len(combos)


def _in_combo(msg: str, combo: list[str], n: int) -> str:
    return msg if n <= 1 else f"{msg} (in the sweep combination {' '.join(combo)})"


def _launcher_problem(args: list[str]) -> str | None:
    """A clear message when the chosen launcher cannot run here, else None."""
    import importlib.util

    name = next((a.split("=", 1)[1] for a in args if a.startswith("hydra/launcher=")), None)
    if name is None or name not in LAUNCHER_MODULES:
        return None
    module, extra = LAUNCHER_MODULES[name]
    if importlib.util.find_spec(module.split(".")[0]) is None or not _has_module(module):
        return (
            f"hydra/launcher={name} needs its Hydra plugin: pip install 'kpisim[{extra}]'"
        )
    if name in ("submitit_slurm", "slurm") and shutil.which("sbatch") is None:
        return (
            f"hydra/launcher={name} needs SLURM (sbatch/srun not found on PATH): run "
            "it on the cluster's login node; hydra/launcher=submitit_local runs the same "
            "jobs on this machine (docs/sweeps.md)"
        )
    return cluster_problem(name, args)


def _has_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _split(args: list[str]) -> tuple[str, list[str]]:
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


def _with_default_launcher(argv: list[str]) -> list[str]:
    """Sweeps use the joblib launcher (local cores) unless another one is chosen."""
    if any(a.startswith("hydra/launcher=") for a in argv):
        return argv
    if _has_module(LAUNCHER_MODULES["joblib"][0]):
        return [*argv, "hydra/launcher=joblib"]
    return argv


# --------------------------------------------------------------------------- entry point
def main(argv: list[str]) -> int:
    """``kpisim run``: validate, then hand over to Hydra (single run or sweep)."""
    global LAST_SWEEP
    if any(a in ("-h", "--help") for a in argv):
        print(HELP.format(scenarios=textwrap.fill(", ".join(available_scenarios()), 78)))
        return 0
    multirun = any(a in ("-m", "--multirun") for a in argv)
    flags = [a for a in argv if a.startswith("-") and a not in ("-m", "--multirun")]
    overrides = [a for a in argv if not a.startswith("-")]
    if not multirun and not flags:
        # validate before Hydra creates any directory: a bad run leaves nothing behind
        scenario, rest = _split(argv)
        try:
            load_config(scenario, rest)
        except ConfigError as exc:
            print(f"kpisim run: {exc}", file=sys.stderr)
            return 2
    elif multirun and not flags:
        problem = _launcher_problem(overrides)
        if problem:
            print(f"kpisim run: {problem}", file=sys.stderr)
            return 2
        try:
            validate_sweep(overrides)
        except ConfigError as exc:
            print(f"kpisim run: {exc}", file=sys.stderr)
            return 2
        argv = _absolute_sweep_dir(_with_default_launcher(argv))
    import hydra

    app = hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")(_task)
    old = sys.argv
    sys.argv = ["kpisim run", *argv]
    LAST_SWEEP = None
    try:
        app()
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except ValueError as exc:  # Hydra's command-line checks (e.g. -m with --cfg)
        print(f"kpisim run: {exc}", file=sys.stderr)
        return 2
    finally:
        sys.argv = old
    if multirun and LAST_SWEEP is not None and LAST_SWEEP.failed:
        print(
            f"kpisim run: {LAST_SWEEP.failed} of {LAST_SWEEP.finished} runs failed",
            file=sys.stderr,
        )
        return 1
    return 0


def scenarios_main(argv: list[str]) -> int:
    """``kpisim scenarios``: each scenario with its description and lesson."""
    if any(a in ("-h", "--help") for a in argv):
        print("usage: kpisim scenarios\n\nList the scenarios with their descriptions and lessons.")
        return 0
    for name in available_scenarios():
        cfg = load_config(name)
        print(f"{name}\n  {textwrap.fill(cfg.scenario.description, 76, subsequent_indent='  ')}")
        print(f"  lesson: {textwrap.fill(cfg.scenario.lesson, 68, subsequent_indent='  ')}\n")
    return 0
