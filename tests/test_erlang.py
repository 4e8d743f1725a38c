"""The planning formulas of sim/model/erlang.py against published values, the exact
reference chain of tests/erlang.py (matrix exponential, independent of the closed
forms used in the model), identities and brute force."""

from __future__ import annotations

import math

import erlang as ref  # the test suite's exact reference (tests/erlang.py)
import numpy as np
import pytest

from sim.model.erlang import agents_required, erlang_a, erlang_c, sipp


def test_erlang_c_published_1000_calls_an_hour():
    """1000 calls/h, 120 s mean, 40 agents, 80/20 (published Erlang C example)."""
    f = erlang_c(1000 / 3600, 120.0, 40, 20.0)
    assert round(f.p_wait, 5) == 0.19074
    assert round(f.service_level, 5) == 0.93721
    assert round(f.asa_s, 3) == 3.433
    assert f.p_abandon == 0.0
    assert f.occupancy == pytest.approx(1000 / 3600 * 120 / 40, rel=1e-12)


def test_erlang_c_published_100_calls_in_30_min():
    f = erlang_c(100 / 1800, 180.0, 14, 20.0)
    assert round(f.p_wait, 6) == 0.174132
    assert round(f.service_level, 6) == 0.888350
    assert round(f.asa_s, 3) == 7.836


def test_erlang_a_published():
    """lambda = 100 per 30 min, mean 180 s, patience mean 120 s, 12 agents."""
    f = erlang_a(100 / 1800, 180.0, 120.0, 12, 20.0)
    assert round(f.p_wait, 4) == 0.2798
    assert round(f.p_abandon, 4) == 0.0616
    assert round(f.asa_s, 2) == 7.39


@pytest.mark.parametrize(
    ("lam", "mean", "pat", "n"),
    [
        (100 / 1800, 180.0, 120.0, 12),
        (0.05, 300.0, 60.0, 10),
        (0.5, 200.0, 180.0, 90),
        (0.02, 400.0, 300.0, 3),
        (0.1, 240.0, 90.0, 30),
    ],
)
def test_erlang_a_matches_the_exact_chain(lam, mean, pat, n):
    """Closed forms (telescoped P(served), incomplete-beta service level) agree with the
    test suite's matrix-exponential reference to rounding (1e-9)."""
    f = erlang_a(lam, mean, pat, n, 20.0)
    r = ref.erlang_a(n, lam, 1 / mean, 1 / pat, 20.0)
    assert f.p_wait == pytest.approx(r.p_wait, abs=1e-9)
    assert f.p_abandon == pytest.approx(r.p_abandon, abs=1e-9)
    assert f.asa_s == pytest.approx(r.mean_wait_all_s, rel=1e-9)
    assert f.answered_wait_s == pytest.approx(r.asa_s, rel=1e-9)
    assert f.service_level == pytest.approx(r.service_level, abs=1e-9)


@pytest.mark.parametrize(("lam", "n"), [(100 / 1800, 12), (0.5, 85), (8.0, 1400), (8.0, 1700)])
def test_abandonment_identity(lam, n):
    """P(abandon) = theta E[W] (each waiting second risks abandonment at rate theta):
    here E[W] comes from Little's law and P(abandon) from the per-state survival, so the
    identity checks the stationary law and the truncation."""
    f = erlang_a(lam, 180.0, 120.0, n, 20.0)
    assert f.p_abandon == pytest.approx(f.asa_s / 120.0, rel=1e-9)


def test_erlang_a_tends_to_erlang_c():
    """Patience -> infinity: Erlang A -> Erlang C; the gap is O(1 / patience)."""
    c = erlang_c(100 / 1800, 180.0, 14, 20.0)
    a = erlang_a(100 / 1800, 180.0, 1e9, 14, 20.0)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-6)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-6)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-6)
    assert a.p_abandon < 1e-6


def test_large_centre_is_finite_and_fast():
    """2000 agents and 1500 Erlangs: no overflow, figures in range."""
    lam = 1500 / 180
    for n in (1400, 1520, 2000):
        a = erlang_a(lam, 180.0, 120.0, n, 20.0)
        c = erlang_c(lam, 180.0, n, 20.0)
        for f in (a, c):
            assert 0.0 <= f.p_wait <= 1.0 and 0.0 <= f.service_level <= 1.0
            assert 0.0 <= f.occupancy <= 1.0
    assert erlang_c(lam, 180.0, 1400, 20.0).service_level == 0.0  # unstable
    assert math.isinf(erlang_c(lam, 180.0, 1500, 20.0).asa_s)


def test_unstable_erlang_c():
    f = erlang_c(1.0, 10.0, 10)
    assert (f.p_wait, f.service_level, f.asa_s) == (1.0, 0.0, math.inf)


def _brute(calls, interval, aht, pat, target, t):
    lam = calls / interval
    for n in range(0, 500):
        f = erlang_c(lam, aht, n, t) if pat is None else erlang_a(lam, aht, pat, n, t)
        if f.service_level >= target:
            return n
    raise AssertionError("no n found")


@pytest.mark.parametrize("pat", [None, 120.0, 600.0])
def test_agents_required_is_the_minimal_n(pat):
    calls = np.array([0.0, 3.0, 40.0, 100.0, 237.0, 600.0])
    got = agents_required(calls, 1800.0, 180.0, pat, 0.8, 20.0)
    want = [0] + [_brute(c, 1800.0, 180.0, pat, 0.8, 20.0) for c in calls[1:]]
    assert got.tolist() == want
    assert got.dtype.kind == "i"


@pytest.mark.parametrize("pat", [None, 120.0])
def test_agents_required_monotone(pat):
    vol = np.arange(0.0, 3000.0, 37.0)
    n = agents_required(vol, 1800.0, 240.0, pat, 0.8, 20.0)
    assert np.all(np.diff(n) >= 0)
    ahts = [120.0, 180.0, 240.0, 400.0]
    by_aht = [agents_required(np.array([500.0]), 1800.0, a, pat, 0.8, 20.0)[0] for a in ahts]
    assert by_aht == sorted(by_aht) and by_aht[0] < by_aht[-1]


def test_agents_required_erlang_c_is_stable():
    n = agents_required(np.array([1000.0]), 3600.0, 120.0, None, 0.0, 20.0)
    assert n[0] > 1000 * 120 / 3600  # load 33.3: at least 34 even for a zero target


def test_agents_required_cap():
    with pytest.raises(ValueError, match="max_agents"):
        agents_required(np.array([10_000.0]), 1800.0, 300.0, None, 0.8, 20.0, max_agents=100)


def test_sipp_is_the_arrival_weighted_average():
    rates = np.array([0.02, 0.06, 0.0, 0.04])
    staff = np.array([5, 14, 2, 10])
    day = sipp(rates, 1800.0, 180.0, 120.0, staff, 20.0)
    per = [erlang_a(r, 180.0, 120.0, int(s), 20.0) for r, s in zip(rates, staff, strict=True)]
    w = rates / rates.sum()
    sl = np.array([f.service_level for f in per])
    ab = np.array([f.p_abandon for f in per])
    assert day.service_level == pytest.approx(float(w @ sl))
    assert day.p_abandon == pytest.approx(float(w @ ab))
    # one interval repeated: SIPP is that interval's stationary queue
    one = sipp(np.full(3, 0.06), 1800.0, 180.0, None, np.full(3, 14), 20.0)
    assert one.service_level == pytest.approx(erlang_c(0.06, 180.0, 14, 20.0).service_level)


def test_a_very_large_interval_is_staffed_not_refused():
    """An interval of a 20-million-customer centre (28,081 calls in 30 min at 400 s:
    about 6,240 Erlangs) needs more than the search's least cap of 5,000 agents; by
    default the cap grows with the load, and the answer is the smallest n that meets
    the target (n - 1 does not)."""
    calls, w, aht = np.array([28_081.0]), 1800.0, 400.0
    n = int(agents_required(calls, w, aht, None, 0.8, 20.0)[0])
    load = 28_081 / w * aht
    assert load < n < load + 5 * math.sqrt(load), (n, load)
    lam = 28_081 / w
    assert erlang_c(lam, aht, n, 20.0).service_level >= 0.8
    assert erlang_c(lam, aht, n - 1, 20.0).service_level < 0.8
