"""The session's run cache: each distinct simulation run happens once per test session.

Several test modules read the same run (the default baseline on seeds 0-2 feeds both the
calibration table and the breaks check; the honest flat-pay and piece-rate arms at the
1:5 centre feed both the effort tests and the validation page).  A run is keyed by its
resolved config (the structured :class:`~sim.config.Config`'s ``repr``: every key, the
seed included), so two modules that build the same config get the same
:class:`~sim.outputs.RunResult`; runs are deterministic (same config and seed, identical
outputs), so a shared run is exactly the run each test made on its own before.

Runs not yet in the cache are computed in a pool of two spawned processes (one pool for
the whole session, so the worker start-up and the numba compilation are paid once).
The results are shared objects: tests read them and never modify them.  Under
pytest-xdist every worker process has a cache of its own.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from typing import Any

from sim.config import Config, to_config
from sim.outputs import RunResult
from sim.run import run_simulation

#: Worker processes of the session's pool (the machine the suite is judged on has 2 cores).
JOBS = 2

_RUNS: dict[str, RunResult] = {}


def key(cfg: Config) -> str:
    """The cache key of a run: the repr of its resolved config (every key and the seed)."""
    return repr(to_config(cfg))


def _run(cfg: Config) -> RunResult:
    return run_simulation(cfg, progress=False)


@cache
def _pool() -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(max_workers=JOBS, mp_context=mp.get_context("spawn"))
    atexit.register(pool.shutdown)
    return pool


def results(cfgs: Sequence[Config], jobs: int = JOBS) -> list[RunResult]:
    """The runs of ``cfgs``, in order; each distinct config runs once per session.

    Parameters
    ----------
    cfgs : sequence of Config
        The runs' configs (seed included).
    jobs : int
        Above 1: the runs not yet cached go to the session's pool of spawned processes;
        1: they run in this process.

    Returns
    -------
    list of RunResult
        One result per config (the same object for equal configs).
    """
    keys = [key(c) for c in cfgs]
    todo = {k: c for k, c in zip(keys, cfgs, strict=True) if k not in _RUNS}
    if jobs <= 1 or len(todo) <= 1:
        done = map(_run, todo.values())
    else:
        done = _pool().map(_run, todo.values())
    for k, res in zip(todo, done, strict=True):
        _RUNS[k] = res
    return [_RUNS[k] for k in keys]


def result(cfg: Config) -> RunResult:
    """The run of one config (cached for the session; run in this process if new)."""
    return results([cfg], jobs=1)[0]


def parallel(fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    """``[fn(x) for x in items]`` in the session's pool, for runs a test reads more of
    than a :class:`~sim.outputs.RunResult` keeps (``fn`` a module-level function)."""
    return list(_pool().map(fn, items))
