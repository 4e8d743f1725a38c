"""The queue kernel (``sim.model.queue_kernel.simulate_day``) reproduces Erlang C and Erlang A.

Every check compares a simulated figure with its exact value from ``tests/erlang.py``
and asserts ``|sim - exact| < 4 SE``, where SE is the sampling standard error of the
simulated figure estimated by batch means (40 consecutive batches of calls, each far
longer than the queue's relaxation time; see :func:`erlang.ratio_and_se`).  With 39
degrees of freedom a 4-SE miss has probability about 3e-4 per check when the kernel is
right; seeds are fixed, so the suite is deterministic.  A kernel error of a few SE (a
few tenths of a percent of P(wait) at these sample sizes) fails the test.

Streams are long single "days": the kernel starts with an empty queue, so the first
``WARMUP_SHARE`` of the calls is discarded.  The slowest point (occupancy 0.95) relaxes
within ``rho / (1 - sqrt(rho))^2`` ~ 1,500 arrivals (the spectral gap of the M/M/n
chain is ``(sqrt(n mu) - sqrt(lam))^2``); the discarded warm-up is at least 20 times
that, so the leftover start-up bias is far below one SE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from erlang import (
    batch_sums,
    day_average,
    erlang_a,
    erlang_c,
    erlang_c_asa,
    erlang_c_service_level,
    ratio_and_se,
)

from sim.model.queue_kernel import ABANDONED, HANDLED, simulate_day

#: Share of each stream discarded as warm-up (the kernel starts empty).
WARMUP_SHARE = 0.02
#: Batches for the batch-means standard errors.
BATCHES = 40
#: Tolerance in standard errors (see the module docstring).
Z = 4.0
#: Service-level threshold, seconds (industry convention 80/20).
SL_S = 20.0


@dataclass(frozen=True)
class Point:
    """One queue: ``calls_per_hour``, ``handle_s`` (mean), ``n`` agents,
    ``patience_s`` (mean; ``None`` = infinite, Erlang C) and the stream length."""

    calls_per_hour: float
    handle_s: float
    n: int
    patience_s: float | None
    n_calls: int

    @property
    def lam(self) -> float:
        return self.calls_per_hour / 3600.0

    @property
    def mu(self) -> float:
        return 1.0 / self.handle_s

    @property
    def theta(self) -> float:
        return 0.0 if self.patience_s is None else 1.0 / self.patience_s

    @property
    def offered_per_agent(self) -> float:
        """Offered load per agent (= occupancy without abandonment)."""
        return self.lam / (self.n * self.mu)


def rate_for(load_per_agent: float, n: int, handle_s: float) -> float:
    """Calls per hour giving ``load_per_agent`` Erlang per agent."""
    return load_per_agent * n * 3600.0 / handle_s


# --- Erlang C points: the two published ones and light/heavy load, small/large n.
ERLANG_C = {
    "published_40_agents": Point(1000.0, 120.0, 40, None, 1_000_000),
    "published_14_agents": Point(200.0, 180.0, 14, None, 600_000),
    "light_rho0.5_n2": Point(rate_for(0.5, 2, 300.0), 300.0, 2, None, 400_000),
    "mm1_rho0.8": Point(rate_for(0.8, 1, 200.0), 200.0, 1, None, 1_000_000),
    "rho0.8_n10": Point(rate_for(0.8, 10, 360.0), 360.0, 10, None, 600_000),
    "heavy_rho0.95_n100": Point(rate_for(0.95, 100, 300.0), 300.0, 100, None, 2_000_000),
}
# --- Erlang A points: the published one, light/heavy and an overloaded centre.
ERLANG_A = {
    "published_12_agents": Point(200.0, 180.0, 12, 120.0, 600_000),
    "light_rho0.5_n3_impatient": Point(rate_for(0.5, 3, 240.0), 240.0, 3, 60.0, 400_000),
    "rho0.8_n20": Point(rate_for(0.8, 20, 370.0), 370.0, 20, 180.0, 600_000),
    "heavy_rho0.95_n50": Point(rate_for(0.95, 50, 300.0), 300.0, 50, 300.0, 1_000_000),
    "overloaded_rho1.2_n20": Point(rate_for(1.2, 20, 300.0), 300.0, 20, 150.0, 1_000_000),
}
SLOW = {"heavy_rho0.95_n100", "heavy_rho0.95_n50", "overloaded_rho1.2_n20", "mm1_rho0.8"}


def _params(points: dict[str, Point]) -> list:
    return [
        pytest.param(p, id=k, marks=[pytest.mark.slow] if k in SLOW else [])
        for k, p in points.items()
    ]


@dataclass
class Measured:
    """Batch sums of a simulated stream (warm-up removed)."""

    offered: np.ndarray
    waited: np.ndarray
    abandoned: np.ndarray
    answered: np.ndarray
    in_sl: np.ndarray
    wait_all: np.ndarray
    wait_answered: np.ndarray
    identity: np.ndarray  # sum of 1{abandoned} - wait / mean patience


def simulate_point(p: Point, seed: int) -> Measured:
    """Run one long stream of the point through the kernel and batch its outcomes."""
    rng = np.random.default_rng(seed)
    k = p.n_calls
    arrival = np.cumsum(rng.exponential(1.0 / p.lam, k))
    work = rng.exponential(p.handle_s, k)
    patience = np.full(k, np.inf) if p.patience_s is None else rng.exponential(p.patience_s, k)
    res = simulate_day(arrival, patience, work, np.ones(p.n))
    assert np.isin(res.kind1, (ABANDONED, HANDLED)).all()  # plain queue: no other outcome
    keep = slice(int(WARMUP_SHARE * k), k)
    wait = (res.start1 - arrival)[keep]
    ab = (res.kind1 == ABANDONED)[keep]
    ans = ~ab
    pm = math.inf if p.patience_s is None else p.patience_s
    return Measured(
        offered=batch_sums(np.ones(wait.shape[0]), BATCHES),
        waited=batch_sums(wait > 0, BATCHES),
        abandoned=batch_sums(ab, BATCHES),
        answered=batch_sums(ans, BATCHES),
        in_sl=batch_sums(ans & (wait <= SL_S), BATCHES),
        wait_all=batch_sums(wait, BATCHES),
        wait_answered=batch_sums(np.where(ans, wait, 0.0), BATCHES),
        identity=batch_sums(ab - wait / pm, BATCHES),
    )


def check(name: str, num: np.ndarray, den: np.ndarray, exact: float) -> tuple[float, float]:
    """Assert the ratio estimate lies within ``Z`` batch-means SE of ``exact``."""
    est, se = ratio_and_se(num, den)
    assert se > 0, f"{name}: zero standard error (degenerate data)"
    assert abs(est - exact) < Z * se, (
        f"{name}: simulated {est:.6g} vs exact {exact:.6g} "
        f"(|diff| = {abs(est - exact) / se:.2f} SE, SE = {se:.3g})"
    )
    return est, se


# ============================================================ tests/erlang.py itself
def _within_printed(value: float, published: str) -> bool:
    decimals = len(published.split(".")[1])
    return abs(value - float(published)) <= 0.5 * 10.0**-decimals + 1e-12


@pytest.mark.parametrize(
    ("n", "lam", "mu", "p_wait", "sl", "asa"),
    [
        (40, 1000 / 3600, 1 / 120, "0.19074", "0.93721", "3.433"),
        (14, 100 / 1800, 1 / 180, "0.174132", "0.888350", "7.836"),
    ],
)
def test_reference_reproduces_published_erlang_c(n, lam, mu, p_wait, sl, asa):
    """Closed forms and the birth-death chain both give the published Erlang C values
    (docs/calibration.md, "Queue references")."""
    assert _within_printed(erlang_c(n, lam, mu), p_wait)
    assert _within_printed(erlang_c_service_level(n, lam, mu, SL_S), sl)
    assert _within_printed(erlang_c_asa(n, lam, mu), asa)
    chain = erlang_a(n, lam, mu, 0.0, SL_S)
    assert _within_printed(chain.p_wait, p_wait)
    assert _within_printed(chain.service_level, sl)
    assert _within_printed(chain.asa_s, asa)


def test_reference_reproduces_published_erlang_a():
    """The M/M/n+M chain gives the published Erlang A values (Garnett, Mandelbaum & Reiman
    2002; docs/calibration.md) to their printed precision."""
    f = erlang_a(12, 100 / 1800, 1 / 180, 1 / 120, SL_S)
    assert _within_printed(f.p_wait, "0.2798")
    assert _within_printed(f.p_abandon, "0.0616")
    assert _within_printed(f.mean_wait_all_s, "7.39")


@pytest.mark.parametrize("p", list(ERLANG_C.values()), ids=list(ERLANG_C))
def test_reference_chain_agrees_with_closed_forms(p: Point):
    """With theta = 0 the truncated chain equals the Erlang C closed forms (1e-9)."""
    f = erlang_a(p.n, p.lam, p.mu, 0.0, SL_S)
    assert f.p_wait == pytest.approx(erlang_c(p.n, p.lam, p.mu), rel=1e-9)
    assert f.asa_s == pytest.approx(erlang_c_asa(p.n, p.lam, p.mu), rel=1e-9)
    assert f.service_level == pytest.approx(
        erlang_c_service_level(p.n, p.lam, p.mu, SL_S), rel=1e-9
    )
    assert f.p_abandon == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("p", list(ERLANG_A.values()), ids=list(ERLANG_A))
def test_reference_abandonment_identity(p: Point):
    """Exact figures obey P(abandon) = theta x mean wait of all arrivals, and
    ASA x P(answered) + (mean wait of abandoners) x P(abandon) = mean wait of all."""
    f = erlang_a(p.n, p.lam, p.mu, p.theta, SL_S)
    assert f.p_abandon == pytest.approx(p.theta * f.mean_wait_all_s, rel=1e-9)
    assert 0.0 < f.p_abandon < f.p_wait < 1.0
    assert f.asa_s * (1.0 - f.p_abandon) < f.mean_wait_all_s


# ============================================================ the kernel
@pytest.mark.parametrize("p", _params(ERLANG_C))
def test_kernel_matches_erlang_c(p: Point):
    """P(wait), ASA, service level 80/20 and occupancy of a long stream vs Erlang C."""
    exact = erlang_a(p.n, p.lam, p.mu, 0.0, SL_S)
    m = simulate_point(p, seed=20240 + p.n)
    assert m.abandoned.sum() == 0  # infinite patience: nobody abandons
    check("p_wait", m.waited, m.offered, exact.p_wait)
    check("asa_s", m.wait_answered, m.answered, exact.asa_s)
    check("service_level", m.in_sl, m.offered, exact.service_level)


@pytest.mark.parametrize("p", _params(ERLANG_A))
def test_kernel_matches_erlang_a(p: Point):
    """P(wait), P(abandon), mean wait of all arrivals, ASA and service level vs Erlang A."""
    exact = erlang_a(p.n, p.lam, p.mu, p.theta, SL_S)
    m = simulate_point(p, seed=4242 + p.n)
    check("p_wait", m.waited, m.offered, exact.p_wait)
    check("p_abandon", m.abandoned, m.offered, exact.p_abandon)
    check("mean_wait_all_s", m.wait_all, m.offered, exact.mean_wait_all_s)
    check("asa_s", m.wait_answered, m.answered, exact.asa_s)
    check("service_level", m.in_sl, m.offered, exact.service_level)


@pytest.mark.parametrize("p", _params(ERLANG_A))
def test_kernel_abandonment_identity(p: Point):
    """P(abandon) = mean wait of all arrivals / mean patience, on the simulated data:
    the batch means of 1{abandoned} - wait / mean patience average to 0 within 4 SE."""
    m = simulate_point(p, seed=777 + p.n)
    check("P(abandon) - mean wait / mean patience", m.identity, m.offered, 0.0)


def test_kernel_detects_a_wrong_reference():
    """The tolerance is tight enough to be useful: a queue with one agent fewer (a
    1-agent error) is rejected by the same 4-SE test at the published Erlang C point."""
    p = ERLANG_C["published_40_agents"]
    wrong = erlang_a(p.n - 1, p.lam, p.mu, 0.0, SL_S)
    m = simulate_point(Point(p.calls_per_hour, p.handle_s, p.n, None, 400_000), seed=1)
    est, se = ratio_and_se(m.waited, m.offered)
    assert abs(est - wrong.p_wait) > Z * se


@pytest.mark.slow
def test_kernel_reproduces_the_start_of_day_transient():
    """Short days that start empty match the exact day average of ``day_average``.

    The end-to-end model test (tests/test_model_queue.py) bounds the start-of-day
    transient with ``erlang.day_average``; this checks that computation where the
    transient is large: 3,000 independent 30-minute days (each a batch) of the
    published Erlang A point, every one starting with an empty queue.  The simulated
    figures must match the day average within 4 SE, and P(wait) must differ from the
    stationary value by more than 4 SE (so the transient is real and detected).
    """
    p = ERLANG_A["published_12_agents"]
    day_s, days = 1800.0, 3000
    exact_day, _ = day_average(p.n, p.lam, p.mu, p.theta, day_s, SL_S)
    stationary = erlang_a(p.n, p.lam, p.mu, p.theta, SL_S)
    rng = np.random.default_rng(99)
    sums = np.zeros((days, 5))
    for d in range(days):
        k = rng.poisson(p.lam * day_s)
        arrival = np.sort(rng.uniform(0.0, day_s, k))
        res = simulate_day(
            arrival, rng.exponential(p.patience_s, k), rng.exponential(p.handle_s, k), np.ones(p.n)
        )
        wait = res.start1 - arrival
        ab = res.kind1 == ABANDONED
        sums[d] = (k, (wait > 0).sum(), ab.sum(), wait.sum(), (~ab & (wait <= SL_S)).sum())
    offered = sums[:, 0]
    est, se = check("p_wait", sums[:, 1], offered, exact_day.p_wait)
    check("p_abandon", sums[:, 2], offered, exact_day.p_abandon)
    check("mean_wait_all_s", sums[:, 3], offered, exact_day.mean_wait_all_s)
    check("service_level", sums[:, 4], offered, exact_day.service_level)
    assert abs(est - stationary.p_wait) > Z * se
