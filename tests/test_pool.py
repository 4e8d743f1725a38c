"""The process-pool helper (``sim.pool``): results in input order whatever order the
workers finish in, in this process when one job is asked for, errors passed on."""

from __future__ import annotations

import os
import time

import pytest

from sim.pool import WorkerPool, map_in_order


def _late_first(x: int) -> tuple[int, int]:
    """``x`` squared, and the process that computed it; the first inputs take longest,
    so two workers finish them last."""
    time.sleep(0.3 if x < 2 else 0.0)
    return x * x, os.getpid()


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_results_keep_input_order_across_workers():
    ticks: list[int] = []
    out = map_in_order(_late_first, range(6), jobs=2, done=lambda: ticks.append(1))
    assert [v for v, _ in out] == [0, 1, 4, 9, 16, 25]
    assert os.getpid() not in {pid for _, pid in out}  # computed by the workers
    assert len(ticks) == 6  # one progress tick per finished input


def test_one_job_or_one_input_runs_here():
    assert {pid for _, pid in map_in_order(_late_first, [2, 3], jobs=1)} == {os.getpid()}
    assert map_in_order(_late_first, [4], jobs=4) == [(16, os.getpid())]


def test_a_pool_serves_several_rounds_and_passes_errors_on():
    with WorkerPool(jobs=2, size=2) as pool:
        assert [v for v, _ in pool.map(_late_first, [1, 2])] == [1, 4]
        assert [v for v, _ in pool.map(_late_first, [3])] == [9]
        with pytest.raises(ValueError, match="three"):
            pool.map(_fails_on_three, [2, 3])
