"""Exact Erlang C and Erlang A (M/M/n+M) figures, for the queue validation tests.

These belong to the tests, not the model: they are the independent reference the
simulated queue is checked against.

Model (Erlang A, M/M/n+M: Garnett, Mandelbaum & Reiman 2002, *M&SOM* 4(3); Erlang C is its
no-abandonment limit): Poisson arrivals at rate ``lam`` (calls/s), ``n`` servers with
exponential service at rate ``mu`` (1/s each), exponential patience at rate ``theta``
(1/s; ``theta = 0`` is Erlang C), FCFS.  The number in system is a birth-death chain
with birth rate ``lam`` and death rate ``min(k, n) mu + max(0, k - n) theta``; its
stationary law ``pi`` is computed in log space and truncated where the tail mass is
below 1e-16 (``pi`` is normalised over the kept states, so the truncation error is of
that order).

By PASTA an arrival sees ``pi``.  An arrival that finds ``k >= n`` in system has
``j = k - n`` callers ahead of it; with ``i`` ahead, the next event happens at rate
``r_i = n mu + (i + 1) theta`` (a server frees up, one of the ``i`` ahead abandons, or
the caller itself abandons) and the caller is still waiting afterwards with
probability ``s_i = (n mu + i theta) / r_i``.  Hence, with ``j`` ahead,

* ``P(served | j) = prod_{i<=j} s_i``,
* ``E[W | j] = 1/r_j + s_j E[W | j-1]`` (W = wait until served or abandoning),
* ``E[W 1{served} | j] = P(served | j) sum_{i<=j} 1/r_i`` (given survival, the stage
  durations are still ``Exp(r_i)``: competing exponentials),
* ``P(served, W <= t | j)``: absorption probability of that stage chain by time ``t``
  (a matrix exponential).

Times are in seconds, rates per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm

#: Tail mass left out of the truncated chain.
TAIL = 1e-16


@dataclass(frozen=True)
class QueueFigures:
    """Exact per-arrival figures of a stationary (or day-averaged) M/M/n+M queue.

    ``p_wait``: P(W > 0) (the caller finds every server busy; abandoned callers count,
    as they waited); ``p_abandon``: share of arrivals that abandon; ``mean_wait_all_s``:
    mean wait of all arrivals, abandoned ones until they hang up (s); ``asa_s``: mean
    wait of answered calls (s); ``service_level``: P(answered and W <= ``sl_s``), i.e.
    answered within the threshold over offered (s)."""

    p_wait: float
    p_abandon: float
    mean_wait_all_s: float
    asa_s: float
    service_level: float
    sl_s: float


# --------------------------------------------------------------------------- Erlang C
def erlang_b(n: int, a: float) -> float:
    """Erlang B blocking probability for ``n`` servers and offered load ``a`` (Erlang),
    by the stable recursion B(k) = a B(k-1) / (k + a B(k-1))."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(n: int, lam: float, mu: float) -> float:
    """Erlang C probability of waiting, P(W > 0), for ``a = lam / mu < n``."""
    a = lam / mu
    if a >= n:
        raise ValueError("Erlang C needs lam / mu < n (a stable queue)")
    b = erlang_b(n, a)
    return n * b / (n - a * (1.0 - b))


def erlang_c_asa(n: int, lam: float, mu: float) -> float:
    """Erlang C mean wait of all (= answered) calls: C / (n mu - lam), seconds."""
    return erlang_c(n, lam, mu) / (n * mu - lam)


def erlang_c_service_level(n: int, lam: float, mu: float, t: float) -> float:
    """Erlang C share answered within ``t`` s: 1 - C exp(-(n mu - lam) t)."""
    return 1.0 - erlang_c(n, lam, mu) * math.exp(-(n * mu - lam) * t)


# --------------------------------------------------------------------------- the chain
def _death_rates(n: int, mu: float, theta: float, kmax: int) -> np.ndarray:
    k = np.arange(1, kmax + 1, dtype=float)
    return np.minimum(k, n) * mu + np.maximum(0.0, k - n) * theta


def truncation(n: int, lam: float, mu: float, theta: float) -> int:
    """Largest state kept: the stationary tail beyond it is below ``TAIL``."""
    kmax = max(4 * n, n + 50)
    while True:
        logp = _log_pi_unnormalised(n, lam, mu, theta, kmax)
        p = np.exp(logp - logp.max())
        p /= p.sum()
        tail = np.cumsum(p[::-1])[::-1]  # tail[k] = P(K >= k)
        ok = np.flatnonzero(tail < TAIL)
        if ok.size and ok[0] > n:
            return int(ok[0])
        if kmax > 200_000:
            raise ValueError("the queue is unstable or too heavily loaded to truncate")
        kmax *= 2


def _log_pi_unnormalised(n: int, lam: float, mu: float, theta: float, kmax: int) -> np.ndarray:
    d = _death_rates(n, mu, theta, kmax)
    return np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(d))])


def stationary(n: int, lam: float, mu: float, theta: float) -> np.ndarray:
    """Stationary law ``pi[k]`` of the number in system, k = 0..K (truncated)."""
    if theta == 0.0 and lam >= n * mu:
        raise ValueError("without abandonment the queue needs lam < n mu")
    kmax = truncation(n, lam, mu, theta)
    logp = _log_pi_unnormalised(n, lam, mu, theta, kmax)
    p = np.exp(logp - logp.max())
    return p / p.sum()


def generator(n: int, lam: float, mu: float, theta: float, kmax: int) -> np.ndarray:
    """Generator matrix Q of the chain truncated to 0..kmax (births blocked at kmax)."""
    q = np.zeros((kmax + 1, kmax + 1))
    d = _death_rates(n, mu, theta, kmax)
    for k in range(kmax + 1):
        if k < kmax:
            q[k, k + 1] = lam
        if k > 0:
            q[k, k - 1] = d[k - 1]
        q[k, k] = -q[k].sum()
    return q


# --------------------------------------------------------------------------- figures
def _per_state(
    n: int, mu: float, theta: float, kmax: int, sl_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per arrival-seen state k = 0..kmax: indicators/expectations of the figures.

    Returns (waits, served, wait_all, wait_served, served_within_sl)."""
    k = np.arange(kmax + 1)
    jmax = max(kmax - n, 0)
    i = np.arange(jmax + 1, dtype=float)
    r = n * mu + (i + 1.0) * theta
    s = (n * mu + i * theta) / r
    p_served = np.cumprod(s)
    e_w = np.empty(jmax + 1)
    acc = 0.0
    for j in range(jmax + 1):
        acc = 1.0 / r[j] + s[j] * acc
        e_w[j] = acc
    e_w_served = p_served * np.cumsum(1.0 / r)
    # stage chain: state j (callers ahead) -> j-1 at rate n mu + j theta, state 0 ->
    # served; every state -> abandoned at rate theta.  Column jmax+1 is "served".
    m = jmax + 2
    g = np.zeros((m, m))
    for j in range(jmax + 1):
        down = n * mu + j * theta
        g[j, j - 1 if j > 0 else m - 1] = down
        g[j, j] = -(down + theta)
    f_sl = expm(g * sl_s)[: jmax + 1, m - 1]
    waits = (k >= n).astype(float)
    served = np.ones(kmax + 1)
    wait_all = np.zeros(kmax + 1)
    wait_served = np.zeros(kmax + 1)
    within = np.ones(kmax + 1)
    q = k >= n
    served[q] = p_served[: q.sum()]
    wait_all[q] = e_w[: q.sum()]
    wait_served[q] = e_w_served[: q.sum()]
    within[q] = f_sl[: q.sum()]
    return waits, served, wait_all, wait_served, within


def figures_from_state_law(
    seen: np.ndarray, n: int, mu: float, theta: float, sl_s: float = 20.0
) -> QueueFigures:
    """The figures for arrivals that see the state law ``seen`` (k = 0..len-1)."""
    kmax = seen.shape[0] - 1
    waits, served, wait_all, wait_served, within = _per_state(n, mu, theta, kmax, sl_s)
    p_served = float(seen @ served)
    return QueueFigures(
        p_wait=float(seen @ waits),
        p_abandon=1.0 - p_served,
        mean_wait_all_s=float(seen @ wait_all),
        asa_s=float(seen @ wait_served) / p_served,
        service_level=float(seen @ within),
        sl_s=sl_s,
    )


def erlang_a(n: int, lam: float, mu: float, theta: float, sl_s: float = 20.0) -> QueueFigures:
    """Exact stationary figures of the M/M/n+M queue (Erlang A; ``theta = 0``: Erlang C).

    ``lam``: arrivals per second; ``mu``: 1 / mean handling (s); ``theta``: 1 / mean
    patience (s), 0 for infinite patience; ``sl_s``: service-level threshold (s)."""
    return figures_from_state_law(stationary(n, lam, mu, theta), n, mu, theta, sl_s)


def day_average(
    n: int, lam: float, mu: float, theta: float, day_s: float, sl_s: float = 20.0
) -> tuple[QueueFigures, np.ndarray]:
    """Expected figures over a day of ``day_s`` seconds that starts with an empty queue.

    Arrivals are Poisson at a constant rate, so the expected number that see state k
    during the day is ``lam * integral_0^T p_k(t) dt`` where ``p(t)`` solves the forward
    equations from ``p(0) = e_0``.  That integral is ``T pi + x`` up to a remainder
    ``O(exp(-T / tau))`` (tau = the chain's relaxation time, minutes here), where the
    *deviation* ``x = integral_0^inf (p(t) - pi) dt`` (seconds) solves
    ``x Q = pi - e_0`` with ``sum(x) = 0``.  Returns the figures for the state law
    ``pi + x / T`` and ``x``.  (Per-day ratio figures such as ASA are ratios of
    expected sums; with thousands of calls a day the ratio bias is negligible.)"""
    pi = stationary(n, lam, mu, theta)
    kmax = pi.shape[0] - 1
    q = generator(n, lam, mu, theta, kmax)
    rhs = pi.copy()
    rhs[0] -= 1.0
    # x Q = rhs is singular (Q 1 = 0): replace one equation by sum(x) = 0.
    a = q.T.copy()
    b = rhs.copy()
    a[-1, :] = 1.0
    b[-1] = 0.0
    x = np.linalg.solve(a, b)
    seen = pi + x / day_s
    return figures_from_state_law(seen, n, mu, theta, sl_s), x


# --------------------------------------------------------------------------- statistics
def ratio_and_se(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """Ratio-of-sums estimate ``sum(num) / sum(den)`` and its standard error from
    per-batch sums (batch means; the delta method for a ratio).

    Queue data are autocorrelated call to call, so the calls are grouped into a few
    dozen consecutive batches (or independent days) much longer than the queue's
    relaxation time; batch sums are then nearly independent and the spread of the
    linearised batch values ``(num_b - r den_b) / mean(den)`` gives the standard error.
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    b = num.shape[0]
    if b < 2:
        raise ValueError("batch means need at least two batches")
    r = num.sum() / den.sum()
    z = (num - r * den) / den.mean()
    return float(r), float(z.std(ddof=1) / math.sqrt(b))


def batch_sums(values: np.ndarray, n_batches: int) -> np.ndarray:
    """Sums of ``values`` over ``n_batches`` consecutive, equal-size batches (the
    remainder at the end is dropped)."""
    values = np.asarray(values, dtype=float)
    size = values.shape[0] // n_batches
    return values[: size * n_batches].reshape(n_batches, size).sum(axis=1)
