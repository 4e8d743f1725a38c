"""The intraday re-forecast's compiled checks (sim/model/intraday_kernel.py) and the numpy
replicas they use (sim/model/numpy_exact.py) give what numpy gives, to the bit.

The reference below is the rule as numpy code (vectorised over agents and intervals, as
the re-forecast was written before it was compiled): same duties in, same shift ends,
cut blocks and booked seconds out, exactly.  Random duties (fixed seeds) include blocks
past the shift's end, zero-length blocks, shifts past closing and checks with no
forecast."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.load import load_config
from sim.model import intraday, planning
from sim.model.intraday_kernel import NONE, OVERTIME, VTO, cover_row, team_day
from sim.model.numpy_exact import clip, clip0, maximum, minimum, pairwise_sum, stable_argsort


def test_pairwise_sum_is_numpys():
    rng = np.random.default_rng(5)
    for n in [*range(0, 300), *rng.integers(300, 5000, 60).tolist()]:
        a = rng.random(n + 3) * 10.0 ** rng.uniform(-3, 3, n + 3)
        assert pairwise_sum(a, 3, n) == a[3:].sum(), n


def test_stable_argsort_is_numpys():
    rng = np.random.default_rng(6)
    for _ in range(500):
        n = int(rng.integers(0, 400))
        key = rng.integers(0, 20, n).astype(float) * rng.choice([1.0, -1.0]) + 0.0
        assert np.array_equal(stable_argsort(key, n), np.argsort(key, kind="stable"))


def test_min_max_clip_are_numpys():
    vals = [np.nan, -np.inf, -2.5, 0.0, 1.0, 3.25, np.inf]
    for a in vals:
        assert np.array_equal(clip0(a), np.clip(a, 0.0, None), equal_nan=True)
        for b in vals:
            assert np.array_equal(minimum(a, b), np.minimum(a, b), equal_nan=True)
            assert np.array_equal(maximum(a, b), np.maximum(a, b), equal_nan=True)
    # the two-sided clip: every value between the bounds the kernels use, -0.0 kept
    for x in [*vals, -0.0, 0.5, 0.98, 0.99, 7.0, 7.5]:
        for lo, hi in [(0.0, 1.0), (0.0, 0.98), (1.0, 7.0), (-1.0, 1.0)]:
            got, want = clip(x, lo, hi), np.clip(x, lo, hi)
            assert np.array_equal(got, want, equal_nan=True), (x, lo, hi)
            assert np.signbit(got) == np.signbit(want), (x, lo, hi)


def _duty(rng, k, open_s, odd=False):
    """Random shifts and blocks, s (``odd``: some starts NaN and lengths infinite)."""
    start = np.round(rng.uniform(-3600.0, open_s, k) / 900.0) * 900.0
    end = start + np.round(rng.uniform(0.0, 10 * 3600.0, k) / 900.0) * 900.0
    st = start[:, None] + rng.uniform(0.0, 9 * 3600.0, (k, planning.N_BLOCKS))
    ln = rng.choice([0.0, 900.0, 1800.0, 3600.0], (k, planning.N_BLOCKS))
    if odd:
        st[rng.random(st.shape) < 0.1] = np.nan
        ln[rng.random(ln.shape) < 0.1] = np.inf
    return start, end, st, ln


def test_cover_row_is_agent_cover():
    cfg = load_config("baseline", ["customers.n=2000", "employees.n=8"])
    rng = np.random.default_rng(7)
    open_s, w = cfg.channels.open_s, planning.interval_s(cfg)
    out = np.empty(planning.n_intervals(cfg))
    for trial in range(300):
        start, end, st, ln = _duty(rng, int(rng.integers(1, 30)), open_s, odd=trial % 5 == 0)
        want = planning.agent_cover(cfg, start, end, st, ln)
        duty = (start, end, st[:, 2].copy(), ln[:, 2].copy(), st, ln)
        for j in range(start.shape[0]):
            cover_row(duty, True, j, open_s, w, out)
            assert np.array_equal(out, want[j], equal_nan=True), (trial, j)


def _reference(cfg, d, times, ratios, active, need, plan_req, limits, vto, overtime, ot_max):
    """The checks as numpy code: what each booked (kind, s); ``d`` changed in place."""
    start, end, bst, bln, rst, rln = d
    n, w, close = need.shape[1], planning.interval_s(cfg), cfg.channels.open_s
    lo = np.arange(n) * w

    def cover(idx):
        st, ln = rst[idx].copy(), rln[idx].copy()
        st[:, 2], ln[:, 2] = bst[idx], bln[idx]
        return planning.agent_cover(cfg, start[idx], end[idx], st, ln)

    def cut(s, length, leave):
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(np.clip(np.minimum(s + length, leave) - s, 0.0, None))

    cover_all = cover(np.arange(start.shape[0]))
    done = []
    for c, t in enumerate(times):
        done.append((NONE, 0.0))
        if not active[c]:
            continue
        later = lo >= t - 1e-6
        alive = np.flatnonzero(end > t)
        if alive.shape[0] == 0:
            continue
        cov = cover_all[alive] * later
        on = cov.sum(axis=0)
        staffed, required = float(on.sum()), float(need[c].sum())
        if staffed <= 0.0:
            continue
        load = required / staffed
        if load < limits[0] and vto:
            keep = need[c] if ratios[c] < limits[0] else np.maximum(need[c], plan_req * later)
            order = np.argsort(-(end[alive] - np.maximum(start[alive], t)), kind="stable")
            go = []
            for p in order:
                if np.all(on - cov[p] >= keep - 1e-9):
                    on = on - cov[p]
                    go.append(p)
            gone = alive[np.array(go, dtype=np.int64)]
            booked = 0.0
            if gone.shape[0]:
                leave = np.maximum(t, start[gone])
                for sec in (end[gone] - leave).tolist():
                    booked += sec
                end[gone] = leave
                bln[gone] = cut(bst[gone], bln[gone], leave)
                rln[gone] = cut(rst[gone], rln[gone], leave[:, None])
                cover_all[gone] = cover(gone)
            done[-1] = (VTO, booked)
        elif load > limits[1] and overtime:
            can = alive[end[alive] < close]
            extra, stay = 0.0, []
            for i in can[np.argsort(end[can], kind="stable")][:ot_max]:
                e0 = float(end[i])
                new_end = min(e0 + limits[2], close)
                gain = np.clip(np.minimum(new_end, lo + w) - np.maximum(e0, lo), 0.0, None) / w
                if not (later & (on < need[c] - 1e-9) & (gain > 0)).any():
                    continue
                extra += new_end - e0
                end[i] = new_end
                stay.append(i)
                on = on + gain * later
            if stay:
                cover_all[stay] = cover(np.array(stay))
            done[-1] = (OVERTIME, extra)
    return done


@pytest.mark.parametrize("odd", [False, True])
def test_team_day_is_the_numpy_rule(odd):
    cfg = load_config("baseline", ["customers.n=2000", "employees.n=8"])
    rng = np.random.default_rng(11 + odd)
    open_s, w, n = cfg.channels.open_s, planning.interval_s(cfg), planning.n_intervals(cfg)
    times = intraday.check_times(1800.0, open_s)
    booked = {NONE: 0, VTO: 0, OVERTIME: 0}
    for trial in range(150):
        k = int(rng.integers(1, 60))
        start, end, st, ln = _duty(rng, k, open_s, odd=odd and trial % 3 == 0)
        ratios = rng.uniform(0.3, 1.8, times.shape[0])
        active = rng.random(times.shape[0]) < 0.9
        where = (np.arange(n) * w >= times[:, None] - 1e-6) & active[:, None]
        need = np.where(where, rng.integers(0, max(2, k // 2), (times.shape[0], n)), 0) * 1.0
        plan_req = rng.integers(0, max(2, k // 2), n).astype(float)
        limits = np.array([1.0 - rng.uniform(0, 0.3), 1.0 + rng.uniform(0, 0.3), 7200.0])
        vto, ot_max = bool(trial % 4), int(rng.integers(0, k + 1))
        mine = [start.copy(), end.copy(), st[:, 2].copy(), ln[:, 2].copy(), st.copy(), ln.copy()]
        mine[5][:, 2] = 0.0
        ref = [a.copy() for a in mine]
        args = (times, ratios, active, need, plan_req)
        want = _reference(cfg, ref, *args, limits, vto, True, ot_max)
        kind, add = np.zeros(times.shape[0], dtype=np.int64), np.zeros(times.shape[0])
        team_day(*mine, True, *args, open_s, w, limits, vto, True, ot_max, kind, add)
        assert [(int(a), float(b)) for a, b in zip(kind, add, strict=True)] == want, trial
        for a, b in zip(mine, ref, strict=True):
            assert np.array_equal(a, b, equal_nan=True), trial
        for kd, _ in want:
            booked[kd] += 1
    assert booked[VTO] > 100 and booked[OVERTIME] > 100  # both branches are exercised
