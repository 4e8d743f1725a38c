"""The compiled agents on the phones and calls per interval (sim/model/planning_kernel.py,
read through ``planning.on_phone_agents`` and ``planning.interval_counts``) give what the
numpy rules they replaced give, to the bit.

The references below are those rules as numpy code.  Random duties (fixed seeds) include
shifts past closing, blocks past the shift's end, zero-length and NaN or infinite blocks,
-0.0, a single interval (numpy sums one column pairwise) and a single agent; random join
times include times on the intervals' boundaries and past closing."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import planning
from sim.model.planning_kernel import interval_counts, on_phone


def _overlap(a, b, lo, w):
    return np.clip(np.minimum(b[:, None], lo + w) - np.maximum(a[:, None], lo), 0.0, None)


def on_phone_reference(starts, ends, brk_start, brk_len, open_s, w, n):
    """``planning.on_phone_agents`` as numpy code."""
    lo = np.arange(n) * w
    if starts.shape[0] == 0:
        return np.zeros(n)
    cover = _overlap(starts, np.minimum(ends, open_s), lo, w).sum(axis=0)
    b0, b1 = np.ravel(brk_start), np.ravel(brk_start + brk_len)
    cover -= _overlap(b0, b1, lo, w).sum(axis=0)
    return cover / w


def counts_reference(times_s, w, n):
    """``planning.interval_counts`` as numpy code."""
    idx = np.minimum((times_s // w).astype(np.int64), n - 1)
    return np.bincount(idx, minlength=n).astype(np.float64)


def _duty(rng, k, open_s, odd):
    start = np.round(rng.uniform(-3600.0, open_s, k) / 900.0) * 900.0
    end = start + np.round(rng.uniform(0.0, 10 * 3600.0, k) / 900.0) * 900.0
    st = start[:, None] + rng.uniform(0.0, 9 * 3600.0, (k, planning.N_BLOCKS))
    ln = rng.choice([0.0, 900.0, 1800.0, 3600.0], (k, planning.N_BLOCKS))
    if odd:
        st[rng.random(st.shape) < 0.1] = np.nan
        ln[rng.random(ln.shape) < 0.1] = np.inf
        end[rng.random(k) < 0.1] = -0.0
        st[rng.random(st.shape) < 0.1] = -0.0
        ln[rng.random(ln.shape) < 0.1] = 0.0
    return start, end, st, ln


@pytest.mark.parametrize("n", [1, 2, 7, 26, 48])
def test_on_phone_is_numpys(n):
    rng = np.random.default_rng(100 + n)
    w = 1800.0
    open_s = n * w
    for trial in range(300):
        k = int(rng.integers(1, 40)) if trial % 7 else 1
        start, end, st, ln = _duty(rng, k, open_s, odd=trial % 4 == 0)
        want = on_phone_reference(start, end, st, ln, open_s, w, n)
        got = np.empty(n)
        on_phone(start, end, np.ravel(st), np.ravel(ln), open_s, w, got)
        assert got.tobytes() == want.tobytes(), (n, trial)


def test_on_phone_agents_reads_the_kernel():
    from sim.config.load import load_config

    cfg = load_config("baseline", ["customers.n=2000", "employees.n=8"])
    n, w, open_s = planning.n_intervals(cfg), planning.interval_s(cfg), cfg.channels.open_s
    rng = np.random.default_rng(3)
    for trial in range(50):
        start, end, st, ln = _duty(rng, int(rng.integers(0, 30)), open_s, odd=trial % 3 == 0)
        want = on_phone_reference(start, end, st, ln, open_s, w, n)
        got = planning.on_phone_agents(cfg, start, end, st, ln)
        assert got.tobytes() == want.tobytes(), trial
        # one block per agent (a 1-d column), as the plans' repair rounds pass it
        want = on_phone_reference(start, end, st[:, 2], ln[:, 2], open_s, w, n)
        got = planning.on_phone_agents(cfg, start, end, st[:, 2], ln[:, 2])
        assert got.tobytes() == want.tobytes(), trial


@pytest.mark.parametrize(
    "w", [900.0, 1800.0, 3600.0, 1234.5, 0.1]
)  # 0.1: x // w is not floor(x / w)
def test_interval_counts_is_numpys(w):
    rng = np.random.default_rng(int(w * 10))
    n = 20
    for trial in range(200):
        m = int(rng.integers(0, 3000))
        t = rng.uniform(0.0, (n + 2) * w, m)
        on_edge = rng.random(m) < 0.2
        t[on_edge] = rng.integers(0, n + 2, int(on_edge.sum())) * w
        near = rng.random(m) < 0.1  # one ulp either side of a boundary
        edge = rng.integers(1, n + 2, int(near.sum())) * w
        t[near] = np.nextafter(edge, np.where(rng.random(edge.shape) < 0.5, 0.0, np.inf))
        want = counts_reference(t, w, n)
        got = np.zeros(n)
        assert interval_counts(t, w, got)
        assert got.tobytes() == want.tobytes(), trial


def test_interval_counts_hands_back_what_it_cannot_count():
    for bad in (-1.0, np.nan, 1e300):
        out = np.zeros(4)
        assert not interval_counts(np.array([5.0, bad]), 10.0, out)


def test_interval_counts_of_far_times_is_numpys():
    """Quotients beyond 1e8 and whole ones (the exact rule's cases) count as numpy does."""
    rng = np.random.default_rng(9)
    for w in (1.0, 0.1, 3.0):
        t = np.concatenate([rng.uniform(0.0, 1e12, 500), rng.integers(0, 10**9, 500) * w])
        want = counts_reference(t, w, 20)
        got = np.zeros(20)
        assert interval_counts(t, w, got)
        assert got.tobytes() == want.tobytes(), w
