"""One function over many inputs in worker processes, the results in input order.

The one process pool of the commands that run simulations side by side: ``kpisim
compare`` (:mod:`sim.compare.runner`) and the calibration's fit and back-test
(:mod:`sim.calibrate.infer`, :mod:`sim.calibrate.simulate`).

- Workers are started with ``spawn`` (a fresh interpreter), never ``fork``: the parent
  may hold threads (numba, tqdm, BLAS) that ``fork`` would copy half-way.
- Each result is stored at its input's place, whatever order the workers finish in,
  so the results depend on the inputs only, never on the number of processes.
- With one process, or one input, the function runs in this process (no start-up).
- The function and its inputs must be picklable (a module-level function, or a
  :func:`functools.partial` of one).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from types import TracebackType
from typing import Self

#: Start method of the worker processes (see the module docstring).
START_METHOD = "spawn"


def default_jobs() -> int:
    """Cores available to this process (the default number of worker processes)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Pool:
    """What every pool of runs shares: ``map(fn, items, done=None)`` in input order, used
    as a context manager (leaving it calls :meth:`close`).

    :class:`WorkerPool` (this machine) and the design's cluster pools
    (:mod:`sim.design.launchers`) are its kinds.
    """

    def map[T, R](
        self, fn: Callable[[T], R], items: Iterable[T], done: Callable[[], object] | None = None
    ) -> list[R]:
        """``[fn(x) for x in items]``, computed where the pool runs them, in the order of
        ``items``.

        Parameters
        ----------
        fn : callable
            A picklable function of one input.
        items : iterable
            The inputs (each picklable).
        done : callable, optional
            Called with no argument each time one input is finished (in the order they
            finish), e.g. a progress bar's ``update``.

        Returns
        -------
        list
            ``fn(x)`` of each input, in input order.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release what the pool holds (nothing, unless a kind says otherwise)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class WorkerPool(Pool):
    """Worker processes kept for several rounds of :meth:`map` (or none: in-process).

    Use it as a context manager; leaving it waits for the workers to finish.

    Parameters
    ----------
    jobs : int
        Processes asked for; 1 or less runs everything in this process.
    size : int
        Most inputs one :meth:`map` will be given: no more than that many processes
        are started (none when it is 1).
    """

    def __init__(self, jobs: int, size: int) -> None:
        workers = min(jobs, size)
        self._executor = (
            ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(START_METHOD))
            if workers > 1
            else None
        )

    def map[T, R](
        self, fn: Callable[[T], R], items: Iterable[T], done: Callable[[], object] | None = None
    ) -> list[R]:
        """:meth:`Pool.map` over the worker processes (or in this process).

        The first exception raised by ``fn`` (in finishing order) propagates.
        """
        items = list(items)
        if self._executor is None:
            out = []
            for x in items:
                out.append(fn(x))
                if done is not None:
                    done()
            return out
        results: list[R | None] = [None] * len(items)
        futures = {self._executor.submit(fn, x): i for i, x in enumerate(items)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if done is not None:
                done()
        return results  # type: ignore[return-value]  # every slot is filled above

    def close(self) -> None:
        """Wait for the workers to finish and end them."""
        if self._executor is not None:
            self._executor.shutdown()


def map_in_order[T, R](
    fn: Callable[[T], R],
    items: Iterable[T],
    jobs: int,
    done: Callable[[], object] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]`` over up to ``jobs`` worker processes, in input order.

    Parameters
    ----------
    fn : callable
        A picklable function of one input.
    items : iterable
        The inputs (each picklable).
    jobs : int
        Processes to use at most; 1 or less (or a single input) runs in this process.
    done : callable, optional
        Called with no argument each time one input is finished (a progress bar's
        ``update``).

    Returns
    -------
    list
        ``fn(x)`` of each input, in input order, whatever ``jobs`` is.
    """
    items = list(items)
    with WorkerPool(jobs, len(items)) as pool:
        return pool.map(fn, items, done)
