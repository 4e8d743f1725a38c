"""The compiled Erlang A service level and staffing walk (sim/model/erlang_kernel.py)
against the numpy/scipy formulation they replaced, kept below as the reference.

Error budget (eps = 2.2e-16).  ``incomplete_beta_steps`` builds ``T_a`` by one product of
three roundings a step from ``T_1 = b x exp(-b theta t)`` (whose exponent carries an
absolute rounding of ``b theta t`` eps), so ``T_a``'s relative error is at most
``(3 a + b theta t + 4) eps``; the ``T_a`` sum to at most 1 and each subtraction rounds
once, so ``|I_x(j + 1, b)|``'s absolute error is at most ``(4 j + b theta t + 8) eps``.
scipy's ``betainc`` (Cephes ``incbet``) has its own error, measured up to 2.4e-13
against the same recurrence in 80-bit long double over the model's ranges (where the
kernel was within 7e-16 of it); the checks allow scipy 5e-13.  The
service level is a convex combination of the ``I`` (weights ``q_j P(served | j)``, sum
<= 1) plus ``1 - P(wait)``, whose two formulations differ by the chain's summation order
(a few eps per state kept), so the two levels agree within the beta bound at the last
``j`` plus ``(K + 8) eps``, ``K`` the states kept.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import betainc

from sim.model import erlang, erlang_kernel

EPS = float(np.finfo(float).eps)
#: scipy's own peak error over these grids (see the module docstring).
SCIPY_ERR = 5e-13


# ------------------------------------------------------------------ the numpy reference
def _log_death(n: int, mu: float, theta: float, kmax: int) -> np.ndarray:
    k = np.arange(1, kmax + 1, dtype=float)
    return np.log(np.minimum(k, n) * mu + np.maximum(0.0, k - n) * theta)


def ref_stationary(lam: float, mu: float, theta: float, n: int) -> np.ndarray:
    """The truncated stationary law as numpy computed it before the kernel."""
    kmax = 2 * n + 64
    while True:
        log_ratio = math.log(lam) - _log_death(n, mu, theta, kmax)
        logp = np.concatenate([[0.0], np.cumsum(log_ratio)])
        rel = logp - logp.max()
        r = np.exp(log_ratio)
        with np.errstate(divide="ignore"):
            bound = rel[:-1] + np.log(r) - np.log1p(-np.minimum(r, 1.0))
        cut = np.flatnonzero((r < 1.0) & (bound < math.log(erlang.TRUNCATION)))
        if cut.size:
            p = np.exp(rel[: cut[0] + 1])
            return p / p.sum()
        kmax *= 2


def ref_level(lam: float, mean_s: float, pat_s: float, n: int, t: float) -> float:
    """The service level as numpy and scipy's ``betainc`` computed it before the kernel."""
    if n == 0:
        return 0.0
    mu, theta = 1.0 / mean_s, 1.0 / pat_s
    pi = ref_stationary(lam, mu, theta, n)
    q = pi[n:] if n <= pi.shape[0] - 1 else np.zeros(0)
    j = np.arange(q.shape[0], dtype=float)
    nmu = n * mu
    served_j = nmu / (nmu + (j + 1.0) * theta)
    x = -math.expm1(-theta * t)
    within_j = served_j * betainc(j + 1.0, nmu / theta + 1.0, x) if x > 0 else np.zeros_like(j)
    return 1.0 - float(q.sum()) + float(q @ within_j)


def ref_walk(lam, mean_s, pat_s, target, t, cap, start) -> int:
    """``erlang._min_agents_a``'s walk as Python over the numpy level."""

    def ok(n: int) -> bool:
        return ref_level(lam, mean_s, pat_s, n, t) >= target

    n = start
    if ok(n):
        while n > 0 and ok(n - 1):
            n -= 1
        return n
    while n < cap:
        n += 1
        if ok(n):
            return n
    return -1


def ref_min_agents_c(lam: float, mean_s: float, target: float, t: float, cap: int) -> int:
    """The Erlang C requirement as Python computed it before the kernel."""
    load, mu, b = lam * mean_s, 1.0 / mean_s, 1.0
    rho = lam / mu
    for k in range(1, cap + 1):
        b = load * b / (k + load * b)
        if k > load:
            c = k * b / (k - rho * (1.0 - b)) if rho < k else 0.0
            sl = 1.0 - c * math.exp(-(k * mu - lam) * t) if rho < k else 0.0
            if sl >= target:
                return k
    return -1


def level_tolerance(lam: float, mean_s: float, pat_s: float, n: int, t: float) -> float:
    """The bound of the module docstring for one level."""
    mu, theta = 1.0 / mean_s, 1.0 / pat_s
    k = ref_stationary(lam, mu, theta, n).shape[0] - 1
    b = n * mu / theta + 1.0
    return (4 * max(k - n, 0) + b * theta * t + 8 + k + 8) * EPS + SCIPY_ERR


# ------------------------------------------------------------------ the tests
def test_incomplete_beta_matches_scipy():
    """The recurrence against scipy over shapes and thresholds well beyond the model's
    (``b`` = n mu / theta + 1 up to 1e6, theta t from 1e-6 to ~4000, up to 10,000 terms),
    within the bound of the module docstring plus scipy's own error."""
    rng = np.random.default_rng(11)
    worst = 0.0
    for _ in range(1500):
        b = 1.0 + 10 ** rng.uniform(-3, 6)
        tt = 10 ** rng.uniform(-6, 3.6)
        m = int(10 ** rng.uniform(0, 4))
        got = erlang_kernel.incomplete_beta_steps(b, tt, m)
        j = np.arange(m, dtype=float)
        want = betainc(j + 1.0, b, -math.expm1(-tt))
        err = np.abs(got - want)
        tol = (4 * j + b * tt + 8) * EPS + SCIPY_ERR
        assert (err <= tol).all(), (b, tt, m, err.max())
        worst = max(worst, float(err.max()))
    assert worst < 2e-12  # what the docs state


def _questions(rng: np.random.Generator, size: int):
    """Random staffing questions in and beyond the model's ranges: loads 1e-3..3,000
    Erlangs, handle times 10 s..1 h, patience 1 s..1 day, thresholds 0..1 h (a tenth 0)."""
    for _ in range(size):
        mean_s = 10 ** rng.uniform(1, math.log10(3600))
        load = 10 ** rng.uniform(-3, math.log10(3000))
        pat_s = 10 ** rng.uniform(0, math.log10(86_400))
        t = 0.0 if rng.random() < 0.1 else 10 ** rng.uniform(-1, math.log10(3600))
        target = float(rng.uniform(erlang.HINT_MIN_TARGET, 0.999))
        yield load / mean_s, mean_s, pat_s, target, t


def test_level_matches_the_numpy_reference():
    """Levels over random questions and agents (from 1 to well above the load) agree with
    the numpy/scipy reference within the module docstring's bound; ``erlang_a``'s level
    is the search's to the bit (one home)."""
    rng = np.random.default_rng(12)
    worst = 0.0
    for lam, mean_s, pat_s, _, t in _questions(rng, 1200):
        load = lam * mean_s
        n = int(rng.integers(1, max(2, int(2 * load) + 10)))
        got = erlang.service_level_a(lam, mean_s, pat_s, n, t)
        want = ref_level(lam, mean_s, pat_s, n, t)
        assert abs(got - want) <= level_tolerance(lam, mean_s, pat_s, n, t), (lam, n, got, want)
        assert got == erlang.erlang_a(lam, mean_s, pat_s, n, t).service_level
        worst = max(worst, abs(got - want))
    assert worst < 1e-12


def test_search_answers_match_the_numpy_search():
    """The compiled Erlang C requirement is Python's, and the compiled walk gives the
    numpy walk's answer, from the start the model uses
    (the Erlang C requirement, or the load when Erlang C cannot meet the target) and
    from a start a few agents off it, on every question of a random grid: the answer is
    an integer, so it only moves when a level lands within the bound of its target
    (none does here)."""
    rng = np.random.default_rng(13)
    asked = 0
    for lam, mean_s, pat_s, target, t in _questions(rng, 500):
        cap = max(erlang.DEFAULT_MAX_AGENTS, math.ceil(2.0 * lam * mean_s) + 100)
        n_c = erlang._min_agents_c(lam, mean_s, target, t, cap)
        assert n_c == ref_min_agents_c(lam, mean_s, target, t, cap)
        first = min(cap, max(1, int(lam * mean_s))) if n_c < 0 else n_c
        for start in {first, max(1, first + int(rng.integers(-5, 6)))}:
            got = erlang_kernel.min_agents(lam, mean_s, pat_s, target, t, cap, start)
            assert got == ref_walk(lam, mean_s, pat_s, target, t, cap, start), (
                lam,
                mean_s,
                pat_s,
                target,
                t,
                start,
            )
            asked += 1
    assert asked > 500


def test_agents_required_small_and_large():
    """The whole rule (``agents_required``) against the reference walk from 1 call to a
    centre of 6,000 Erlangs, and Erlang A below Erlang C (abandonment only helps)."""
    for calls, aht, pat in [(1.0, 300.0, 180.0), (40.0, 420.0, 180.0), (36_000.0, 300.0, 90.0)]:
        lam = calls / 1800.0
        got = int(erlang.agents_required(np.array([calls]), 1800.0, aht, pat, 0.8, 20.0)[0])
        assert got == ref_walk(lam, aht, pat, 0.8, 20.0, 10_000, max(1, int(lam * aht)))
        assert got <= int(
            erlang.agents_required(np.array([calls]), 1800.0, aht, None, 0.8, 20.0)[0]
        )
