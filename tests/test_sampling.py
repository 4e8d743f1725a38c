"""The alias table built into kept buffers (``sampling.build_alias_into``, the small and
large stacks sharing one array) is, bit for bit, the one Vose's construction built with
fresh arrays before (the reference below is that code, run as plain Python), also into
longer buffers holding an older table; and ``Customers`` rebuilding its table in place as
the base grows draws the same issues as a table built afresh."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.config import load_config
from sim.model.customers import Customers
from sim.model.sampling import build_alias, build_alias_into


def reference(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``build_alias`` as it was (separate small and large stacks, fresh arrays)."""
    n = weights.shape[0]
    total = 0.0
    for i in range(n):
        total += weights[i]
    scaled = np.empty(n)
    for i in range(n):
        scaled[i] = weights[i] * n / total
    prob = np.ones(n)
    alias = np.arange(n)
    small, large = [], []
    for i in range(n):
        (small if scaled[i] < 1.0 else large).append(i)
    while small and large:
        s, g = small.pop(), large.pop()
        prob[s] = scaled[s]
        alias[s] = g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        (small if scaled[g] < 1.0 else large).append(g)
    return prob, alias


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("seed", range(8))
def test_table_matches_the_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 6_000))
    w = rng.gamma(0.5, 1.0, n).astype(np.float32).astype(np.float64)
    w[rng.random(n) < 0.1] = 0.0  # rows that can never be drawn
    w[rng.random(n) < 0.1] = w[0]  # ties
    if w.sum() == 0:
        w[0] = 1.0
    want = reference(w)
    got = build_alias(w)
    assert same(want[0], got[0]) and same(want[1], got[1])
    # into longer buffers holding an older table: the first n entries, the same
    prob, alias = np.full(n + 50, 0.25), np.arange(n + 50)[::-1].copy()
    scaled = w.copy()
    build_alias_into(scaled, prob, alias, np.full(n, 7, np.int64))
    assert same(want[0], prob[:n]) and same(want[1], alias[:n])


def test_rebuilt_in_place_as_the_base_grows() -> None:
    c = Customers(
        load_config("baseline", ["customers.n=20000"]).customers, np.random.default_rng(2)
    )
    for day in range(4):
        c.add(1_500, day)  # past 5 % each time: a rebuild at each draw
        fresh = copy.deepcopy(c)
        got = c.draw_issues(day)
        assert c._alias_n == c.n_used
        w = c.issue_rate[: c.n_used].astype(np.float64)
        want = reference(w)
        assert same(want[0], c._alias[0]) and same(want[1], c._alias[1])
        assert c._alias_w == float(w.sum())
        fresh._alias = build_alias(w)  # a fresh table, as before
        fresh._alias_n, fresh._alias_w = c.n_used, float(w.sum())
        assert same(fresh.draw_issues(day), got)
