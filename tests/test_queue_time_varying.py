"""The shift-aware queue kernel under time-varying arrivals matches the SIPP approximation.

With arrivals whose rate changes hour by hour and staffing that follows it (agents join
and leave at hour boundaries through their shifts), the stationary independent
period-by-period approximation (SIPP: each hour an independent stationary Erlang C queue,
day figures weighted by arrivals; Green, Kolesar & Soares 2001, Operations Research 49(4))
is accurate when service times are short against the interval (here 120 s against 3600 s)
and the rate changes moderately between intervals.

Tolerance: the simulated day figures come from ``DAYS`` independent days; the sampling
error is the standard error of the daily figures (their spread across days / sqrt(days)),
and the test allows 4 standard errors plus an approximation allowance of 0.02 (absolute,
on probabilities) for SIPP's own error (queues carried across interval boundaries), the
size Green, Kolesar & Soares report for short services and moderate amplitude.
"""

from __future__ import annotations

import numpy as np

from sim.model.erlang import agents_required, sipp
from sim.model.queue_kernel import ABANDONED, simulate_day

HOUR = 3600.0
MEAN_S = 120.0
DAYS = 30
ALLOWANCE = 0.02


def _day(rng: np.random.Generator, rates: np.ndarray, staff: np.ndarray) -> tuple[float, float]:
    """One simulated day: P(wait > 0) and service level 80/20 over all its calls."""
    counts = rng.poisson(rates * HOUR)
    arrival = np.sort(
        np.concatenate([h * HOUR + rng.uniform(0.0, HOUR, k) for h, k in enumerate(counts)])
    )
    n = arrival.shape[0]
    work = rng.exponential(MEAN_S, n)
    # server j works the hours in which the plan staffs more than j agents (contiguous for
    # a unimodal profile): it joins at the first and leaves at the end of the last
    m = int(staff.max())
    start = np.array([np.flatnonzero(staff > j)[0] * HOUR for j in range(m)])
    end = np.array([(np.flatnonzero(staff > j)[-1] + 1) * HOUR for j in range(m)])
    res = simulate_day(
        arrival,
        np.full(n, np.inf),
        work,
        np.ones(m),
        shift_start=start,
        shift_end=end,
        close_s=staff.shape[0] * HOUR,
    )
    assert not (res.kind1 == ABANDONED).any()
    wait = res.start1 - arrival
    return float((wait > 1e-9).mean()), float((wait <= 20.0).mean())


def test_time_varying_queue_matches_sipp():
    hours = np.arange(12)
    rates = (300.0 + 200.0 * np.sin(np.pi * (hours + 0.5) / 12.0)) / HOUR  # calls/s
    staff = agents_required(rates * HOUR, HOUR, MEAN_S, None, 0.8, 20.0)
    assert np.all(np.diff(staff[:6]) >= 0) and np.all(np.diff(staff[6:]) <= 0)  # unimodal
    ref = sipp(rates, HOUR, MEAN_S, None, staff, threshold_s=20.0)
    rng = np.random.default_rng(2026)
    days = np.array([_day(rng, rates, staff) for _ in range(DAYS)])
    for col, name, expected in ((0, "p_wait", ref.p_wait), (1, "service_level", ref.service_level)):
        x = days[:, col]
        se = x.std(ddof=1) / np.sqrt(DAYS)
        assert abs(x.mean() - expected) <= 4 * se + ALLOWANCE, (name, x.mean(), expected, se)


def test_agents_leave_at_shift_end_and_breaks_take_time():
    """An agent takes no call starting after its shift and spends its break off the
    phones: two agents, one until t=100 s, calls every 10 s."""
    arrival = np.arange(0.0, 200.0, 10.0)
    n = arrival.shape[0]
    res = simulate_day(
        arrival,
        np.full(n, np.inf),
        np.full(n, 5.0),
        np.ones(2),
        shift_start=np.zeros(2),
        shift_end=np.array([100.0, 1000.0]),
        break_start=np.array([np.inf, 50.0]),
        break_len=np.array([0.0, 30.0]),
        close_s=1000.0,
    )
    late = res.start1 >= 100.0
    assert np.all(res.server1[late] == 1)
    on_break = (res.start1 >= 50.0) & (res.start1 < 80.0)
    assert np.all(res.server1[on_break] == 0)
