"""The sweep monitor: progress lines while a sweep runs, a summary and table at its end.

:class:`SweepMonitor` is a Hydra callback (``hydra.callbacks.sweep_monitor`` in
``configs/config.yaml``).  It runs in the process that launched the sweep, whatever the
launcher, and learns the jobs' outcomes from their status files
(:mod:`sim.sweep.status`).  The tally of the last sweep of this process is kept for
``kpisim run`` (:func:`last_sweep`), which turns failed runs into exit code 1.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig

from .collect import CollectError, collect, write_table
from .runs import STATUS_DIR, TABLE_NAME, clean_stale_staging
from .status import open_invocation, read_records

#: How many failed runs the summary lists one by one.
FAILURES_SHOWN = 5


@dataclass
class SweepTally:
    """Outcome counts of one sweep invocation (``elapsed_s`` in seconds)."""

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


#: The tally of the last sweep run in this process (see :func:`last_sweep`).
_LAST_SWEEP: SweepTally | None = None


def last_sweep() -> SweepTally | None:
    """The tally of the last sweep that ended in this process, None if none did."""
    return _LAST_SWEEP


def forget_last_sweep() -> None:
    """Forget the last sweep's tally (``kpisim run`` calls it before each launch)."""
    global _LAST_SWEEP
    _LAST_SWEEP = None


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
        """Nothing to do for a single run.

        Parameters
        ----------
        config : DictConfig
            The run's config (Hydra's callback interface; unused).
        **kwargs
            Hydra's further arguments (unused).
        """

    def on_run_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Nothing to do for a single run.

        Parameters
        ----------
        config : DictConfig
            The run's config (Hydra's callback interface; unused).
        **kwargs
            Hydra's further arguments (unused).
        """

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Nothing to do per job (jobs may run in other processes).

        Parameters
        ----------
        config : DictConfig
            The job's config (Hydra's callback interface; unused).
        **kwargs
            Hydra's further arguments (unused).
        """

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        """Nothing to do per job (jobs may run in other processes).

        Parameters
        ----------
        config : DictConfig
            The job's config (Hydra's callback interface; unused).
        job_return : JobReturn
            The job's result (unused: the status files say it).
        **kwargs
            Hydra's further arguments (unused).
        """

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Open a new invocation in the sweep directory and start the progress thread.

        Parameters
        ----------
        config : DictConfig
            The sweep's config (its ``hydra.sweep.dir`` and overrides give the directory and the
            number of jobs).
        **kwargs
            Hydra's further arguments (unused).
        """
        self._root = Path(os.path.abspath(str(config.hydra.sweep.dir)))
        self._root.mkdir(parents=True, exist_ok=True)
        clean_stale_staging(self._root)
        self._total = count_jobs(list(config.hydra.overrides.task))
        self._inv = open_invocation(self._root, self._total)
        self._t0 = time.perf_counter()
        total = f"{self._total} runs" if self._total is not None else "runs"
        print(f"[kpisim sweep] {total} -> {self._root}", flush=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="kpisim-sweep", daemon=True)
        self._thread.start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Stop the progress thread, write the table and print the summary.

        Parameters
        ----------
        config : DictConfig
            The sweep's config (unused: the directory is known from the start).
        **kwargs
            Hydra's further arguments (unused).
        """
        global _LAST_SWEEP
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        tally = self._tally()
        tally.elapsed_s = time.perf_counter() - self._t0
        if self.collect and self._root is not None:
            try:
                runs, _ = collect(self._root)
                tally.table = write_table(runs, self._root / TABLE_NAME)
                tally.rows = len(runs)
            except CollectError as exc:
                print(f"[kpisim sweep] no table: {exc}", flush=True)
        _LAST_SWEEP = tally
        print(summary_text(tally), flush=True)

    # internals
    def _tally(self) -> SweepTally:
        tally = SweepTally(total=self._total, root=self._root)
        if self._root is None or self._inv is None:
            return tally
        for rec in read_records(self._root, self._inv):
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
                print(progress_text(tally, time.perf_counter() - self._t0), flush=True)


def progress_text(t: SweepTally, elapsed: float) -> str:
    """One progress line: runs finished so far, ``elapsed`` seconds, time left.

    Parameters
    ----------
    t : SweepTally
        The counts so far.
    elapsed : float
        Seconds since the sweep started.
    """
    of = f"/{t.total}" if t.total else ""
    eta = ""
    if t.total and t.done and t.finished < t.total:
        left = elapsed / t.finished * (t.total - t.finished)
        eta = f", about {left:.0f} s left"
    return (
        f"[kpisim sweep] {t.finished}{of} runs finished ({t.done} done, {t.skipped} skipped, "
        f"{t.failed} failed), {elapsed:.0f} s{eta}"
    )


def summary_text(t: SweepTally) -> str:
    """The end-of-sweep summary: counts, where runs and table are, failures, resume.

    Parameters
    ----------
    t : SweepTally
        The sweep's final counts.
    """
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
    for rec in t.failures[:FAILURES_SHOWN]:
        lines.append(
            f"  failed: job {rec.get('job')} ({' '.join(rec.get('overrides', []))}): "
            f"{rec.get('error', '?')}"
        )
    if len(t.failures) > FAILURES_SHOWN:
        lines.append(
            f"  ... and {len(t.failures) - FAILURES_SHOWN} more (see {root}/{STATUS_DIR}/)"
        )
    lines.append(f"  resume or extend: repeat the command with hydra.sweep.dir={root}")
    return "\n".join(lines)


def count_jobs(overrides: list[str]) -> int | None:
    """Number of jobs of a grid sweep (None when the sweep is not a plain grid).

    Parameters
    ----------
    overrides : list of str
        The sweep's Hydra overrides (``seed=0,1,2``).
    """
    try:
        total = 1
        for o in OverridesParser.create().parse_overrides(overrides):
            if o.is_sweep_override():
                if not o.is_discrete_sweep():
                    return None
                total *= len(list(o.sweep_string_iterator()))
        return total
    except Exception:
        return None
