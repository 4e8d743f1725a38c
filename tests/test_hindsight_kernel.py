"""The compiled leg sample (``sim/model/hindsight_kernel.py``) keeps, bit for bit, the legs
the numpy ``lexsort`` it replaced kept, in the same order: the reference below is that
code.  Employees with fewer legs than the cap, with none, legs of no sampled employee
(-1) and tied priorities are exercised on purpose."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import hindsight as hs
from sim.model.hindsight import SAMPLE_PER_EMPLOYEE, LegMemory
from sim.model.hindsight_kernel import first_by_priority


def reference(employee: np.ndarray, priority: np.ndarray, cap: int) -> np.ndarray:
    """The numpy selection as it was in ``LegMemory.sample``."""
    order = np.lexsort((priority, employee))
    employee_sorted = employee[order]
    start = np.searchsorted(employee_sorted, employee_sorted, side="left")
    rank = np.arange(employee_sorted.shape[0]) - start
    return order[(rank < cap) & (employee_sorted >= 0)]


@pytest.mark.parametrize("seed", range(20))
def test_same_legs_in_the_same_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_emp = int(rng.integers(1, 300))
    n = int(rng.integers(0, 40_000))
    employee = rng.integers(-1, n_emp, n).astype(np.int64)
    employee[rng.random(n) < 0.3] = -1  # legs of seats no longer sampled
    priority = rng.random(n)
    if n:  # ties: equal priorities keep the original order
        priority[rng.random(n) < 0.2] = priority[0]
        priority[rng.random(n) < 0.05] = 0.0
    cap = int(rng.choice([1, 3, SAMPLE_PER_EMPLOYEE, 10_000]))
    got = first_by_priority(employee, priority, n_emp, cap)
    want = reference(employee, priority, cap)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)


def test_sample_matches_the_reference_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    """``LegMemory.sample`` draws one priority per leg and keeps the reference's legs."""
    rng = np.random.default_rng(3)
    mem = LegMemory()
    fields = {"seat": rng.integers(0, 60, 5_000)}
    for name in ("cx", "u_dump"):
        fields[name] = rng.random(5_000)
    chunks = [{k: v[i::2] for k, v in fields.items()} for i in range(2)]
    seats = np.arange(0, 60, 2)  # the odd seats left: their legs are dropped
    legs = {k: np.concatenate([c[k] for c in chunks]) for k in fields}
    position = np.full(60, -1)
    position[seats] = np.arange(seats.shape[0])
    employee = position[legs["seat"]]
    keep = reference(employee, np.random.default_rng(9).random(employee.shape[0]), 40)
    mem.chunks = chunks
    monkeypatch.setattr(hs, "LEG_FIELDS", tuple(fields))  # two fields stand for all
    out = mem.sample(np.random.default_rng(9), seats)
    np.testing.assert_array_equal(out["employee"], employee[keep])
    np.testing.assert_array_equal(out["cx"], legs["cx"][keep])


def test_joined_legs_follow_the_memory() -> None:
    """Both teams' samples of a period read the batches joined once; a batch added or
    the memory cleared (or its batches replaced) is seen by the next sample."""
    rng = np.random.default_rng(5)

    def batch(k: int) -> dict[str, np.ndarray]:
        return {f: rng.random(k) for f in hs.LEG_FIELDS} | {"seat": rng.integers(0, 40, k)}

    mem, fresh = LegMemory(), LegMemory()
    for b in (batch(300), batch(200)):
        mem.add(**b)
        fresh.add(**b)
    teams = (np.arange(0, 30), np.arange(30, 40))

    def same_sample(seats: np.ndarray) -> None:
        got = mem.sample(np.random.default_rng(1), seats)
        want = LegMemory()
        want.chunks = list(fresh.chunks)
        want = want.sample(np.random.default_rng(1), seats)
        for f in want:
            np.testing.assert_array_equal(got[f], want[f])

    for seats in teams:
        same_sample(seats)
    b = batch(100)
    mem.add(**b)
    fresh.add(**b)
    same_sample(teams[0])
    mem.chunks = [batch(50)]
    fresh.chunks = list(mem.chunks)
    same_sample(teams[1])
    mem.clear()
    assert mem.sample(np.random.default_rng(1), teams[0])["seat"].shape == (0,)
