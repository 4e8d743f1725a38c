"""The Erlang A (M/M/n+M) service level and the staffing searches, compiled.

``service_level`` is the one home of the staffing question's service level,
P(answered and W <= ``t``) over offered calls (``erlang``'s module docstring gives the
model, the closed form and the truncation rule); ``erlang.erlang_a`` reads it too, so the
figures a report prints and the level the staffing search compares with its target are
the same number.  ``min_agents`` is the search's walk (``erlang._min_agents_a`` picks
the start), ``min_agents_c`` the Erlang C requirement (the Erlang C planner's answer and
the Erlang A walk's start; ``c_from_b`` its P(wait), which ``erlang.erlang_c`` reads).
Compiled because the staffing search asks ~14,000 service levels in a default year, and
numpy's per-call overhead (~50 us each) was most of the intraday re-forecast's time.

Numerics.  The chain's log ratios are summed in ``k`` as ``np.cumsum`` sums them, and
the chain is cut at the same ``K``; the regularised incomplete beta ``I_x(j + 1, b)``
(``x = 1 - exp(-theta t)``, ``b = n mu / theta + 1``) for ``j = 0, 1, ...`` comes from
its recurrence in ``j`` instead of scipy's ``betainc``:

* ``I_x(1, b) = 1 - (1 - x)^b``;
* ``I_x(a + 1, b) = I_x(a, b) - T_a`` with ``T_a = x^a (1 - x)^b / (a B(a, b))``,
  ``T_1 = b x (1 - x)^b`` and ``T_{a + 1} = T_a x (a + b) / (a + 1)``.

``(1 - x)^b = exp(-b theta t)`` underflows when ``b theta t > ~700`` (thousands of
agents, long thresholds) while later ``T_a`` do not: ``T_a`` is then kept as a mantissa
times ``exp(L)``, the mantissa rescaled into ``L`` when it passes 1e100.  Each step
rounds three times and the ``T_a`` sum to at most 1, so the absolute error of
``I_x(j + 1, b)`` is at most ``(4 j + b theta t + 8) eps`` (tests/test_erlang_kernel.py).
Measured: within 7e-16 of the same recurrence in 80-bit long double over the model's
ranges (under 500 agents, handle 2-15 min, patience 0.5-15 min, threshold 5-60 s), where
scipy's ``betainc`` itself is off by up to 2.4e-13; up to 1.0e-12 from scipy beyond them
(``b`` near 1e6 and thousands of terms, where ``b theta t`` is in the thousands and the
bound is ~5e-12).  exp/log/log1p/expm1 are numba's, which
can differ from numpy's in the last bit; the service level therefore differs from the
numpy reference (tests/test_erlang_kernel.py keeps it) by ~1e-15, and the search's
answer (an integer) is the same unless a level lands within that of its target.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Relative stationary mass at which the Erlang A chain is cut (``erlang`` module doc).
TRUNCATION = 1e-18
#: ``log(TRUNCATION)``, the cut's test in log space.
_LOG_TRUNCATION = math.log(TRUNCATION)
#: Mantissa of ``T_a`` above which it is folded into its log scale.
_RESCALE = 1e100


@njit(cache=True, fastmath=False)
def stationary(lam: float, mu: float, theta: float, n: int) -> np.ndarray:
    """Stationary law ``pi[k]`` (k = 0..K) of the M/M/n+M chain, truncated by the rule
    in ``erlang``'s module docstring.  ``lam > 0``, ``theta > 0``, ``n > 0``.

    Parameters
    ----------
    lam:
        Arrival rate, calls/s.
    mu:
        Service rate, 1/s.
    theta:
        Abandonment rate, 1/s (1 / mean patience).
    n:
        Agents.
    """
    log_lam = math.log(lam)
    cap = 2 * n + 64
    logp = np.empty(cap + 1)
    logp[0] = 0.0
    top = 0.0
    k = 0
    while True:  # state k kept; is the next ratio r = pi[k + 1] / pi[k] below the cut?
        death = min(k + 1, n) * mu + max(0.0, k + 1.0 - n) * theta
        log_ratio = log_lam - math.log(death)
        r = math.exp(log_ratio)
        if r < 1.0:  # past the mode: logp falls from here, so ``top`` is its maximum
            bound = logp[k] - top + math.log(r) - math.log1p(-r)
            if bound < _LOG_TRUNCATION:
                break
        if k + 1 > cap:
            cap *= 2
            grown = np.empty(cap + 1)
            grown[: k + 1] = logp[: k + 1]
            logp = grown
        logp[k + 1] = logp[k] + log_ratio
        top = max(top, logp[k + 1])
        k += 1
    p = np.empty(k + 1)
    total = 0.0
    for i in range(k + 1):
        p[i] = math.exp(logp[i] - top)
        total += p[i]
    for i in range(k + 1):
        p[i] /= total
    return p


@njit(cache=True, fastmath=False)
def incomplete_beta_steps(b: float, theta_t: float, m: int) -> np.ndarray:
    """``I_x(j + 1, b)`` for ``j = 0..m - 1``, ``x = 1 - exp(-theta_t)``, by the recurrence
    in ``j`` (module docstring).  ``b >= 1``, ``theta_t > 0``.

    Parameters
    ----------
    b:
        Second shape parameter (``n mu / theta + 1``).
    theta_t:
        ``theta t``: abandonment rate times the threshold (so ``1 - x = exp(-theta_t)``).
    m:
        How many values.
    """
    out = np.empty(m)
    x = -math.expm1(-theta_t)
    beta = -math.expm1(-b * theta_t)  # I_x(1, b) = 1 - (1 - x)^b
    log_t1 = math.log(b * x) - b * theta_t  # log T_1 = log(b x (1 - x)^b)
    mant, scale, log_scale = math.exp(log_t1), 1.0, 0.0  # T_{j + 1} = mant * scale
    if log_t1 <= -700.0:  # (1 - x)^b underflows: keep the scale exp(log_scale) apart
        mant, log_scale = 1.0, log_t1
        scale = math.exp(log_scale)
    for j in range(m):
        out[j] = beta
        beta -= mant * scale  # I_x(j + 2, b) = I_x(j + 1, b) - T_{j + 1}
        if beta < 0.0:
            beta = 0.0
        mant *= x * ((j + 1.0) + b) / (j + 2.0)
        if mant > _RESCALE:
            log_scale += math.log(mant)
            mant = 1.0
            scale = math.exp(log_scale)
    return out


@njit(cache=True, fastmath=False)
def level_of(pi: np.ndarray, mu: float, theta: float, n: int, t: float) -> float:
    """P(answered and W <= ``t``) of a stationary law ``pi`` of the M/M/n+M chain:
    ``1 - P(wait) + sum_j pi[n + j] P(served | j) I_x(j + 1, b)`` (module docstring).

    Parameters
    ----------
    pi:
        Stationary law of the number in system (``stationary``).
    mu:
        Service rate, 1/s.
    theta:
        Abandonment rate, 1/s.
    n:
        Agents (> 0).
    t:
        Answer-time threshold, s.
    """
    size = pi.shape[0]
    nmu = n * mu
    theta_t = theta * t
    m = max(0, size - n)
    beta = incomplete_beta_steps(nmu / theta + 1.0, theta_t, m) if theta_t > 0.0 else None
    p_wait = 0.0
    within = 0.0
    for j in range(m):
        q = pi[n + j]
        p_wait += q
        if beta is not None:
            within += q * (nmu / (nmu + (j + 1.0) * theta)) * beta[j]
    return 1.0 - p_wait + within


@njit(cache=True, fastmath=False)
def service_level(lam: float, mu: float, theta: float, n: int, t: float) -> float:
    """Erlang A service level, P(answered and W <= ``t``) over offered calls.
    ``lam > 0``, ``theta > 0``, ``n > 0``.

    Parameters
    ----------
    lam:
        Arrival rate, calls/s.
    mu:
        Service rate, 1/s.
    theta:
        Abandonment rate, 1/s.
    n:
        Agents.
    t:
        Answer-time threshold, s.
    """
    return level_of(stationary(lam, mu, theta, n), mu, theta, n, t)


@njit(cache=True, fastmath=False)
def _meets(lam: float, mean_s: float, pat_s: float, n: int, t: float, target: float) -> bool:
    """Whether ``n`` agents meet ``target`` (``erlang.service_level_a``'s conventions).

    Parameters
    ----------
    lam:
        Arrival rate, calls/s (> 0).
    mean_s:
        Mean handling time, s.
    pat_s:
        Mean patience, s.
    n:
        Agents.
    t:
        Answer-time threshold, s.
    target:
        Service-level target, 0-1.
    """
    if n == 0:
        return target <= 0.0  # the level of no agents is 0
    return service_level(lam, 1.0 / mean_s, 1.0 / pat_s, n, t) >= target


@njit(cache=True, fastmath=False)
def min_agents(
    lam: float, mean_s: float, pat_s: float, target: float, t: float, cap: int, start: int
) -> int:
    """Smallest ``n`` whose Erlang A service level meets ``target`` (it rises with ``n``),
    walking from ``start``: down while ``n - 1`` meets it, up while ``n`` does not; -1
    when ``cap`` agents do not.  ``lam > 0``.

    Parameters
    ----------
    lam:
        Arrival rate, calls/s.
    mean_s:
        Mean handling time, s.
    pat_s:
        Mean patience, s.
    target:
        Service-level target, 0-1.
    t:
        Answer-time threshold, s.
    cap:
        Most agents to try.
    start:
        Where the walk starts (1..``cap``).
    """
    n = start
    if _meets(lam, mean_s, pat_s, n, t, target):
        while n > 0 and _meets(lam, mean_s, pat_s, n - 1, t, target):
            n -= 1
        return n
    while n < cap:
        n += 1
        if _meets(lam, mean_s, pat_s, n, t, target):
            return n
    return -1


@njit(cache=True, fastmath=False)
def c_from_b(n: int, load: float, b: float) -> float:
    """Erlang C's P(wait) from the Erlang B blocking ``b`` of ``n`` servers at ``load``
    Erlangs (``load < n``)."""
    return n * b / (n - load * (1.0 - b))


@njit(cache=True, fastmath=False)
def min_agents_c(lam: float, mean_s: float, target: float, t: float, cap: int) -> int:
    """Smallest ``n`` > load whose Erlang C service level ``1 - C exp(-(n mu - lam) t)``
    meets ``target``: one upward pass of the Erlang B recursion (the level rises with
    ``n`` once the queue is stable); -1 when ``cap`` agents do not.  The level is
    ``erlang.erlang_c``'s, operation for operation.

    Parameters
    ----------
    lam:
        Arrival rate, calls/s.
    mean_s:
        Mean handling time, s.
    target:
        Service-level target, 0-1.
    t:
        Answer-time threshold, s.
    cap:
        Most agents to try.
    """
    load, mu, b = lam * mean_s, 1.0 / mean_s, 1.0
    rho = lam / mu  # the load as erlang_c computes it (the same service level)
    for k in range(1, cap + 1):
        b = load * b / (k + load * b)
        if k > load:
            c = c_from_b(k, rho, b) if rho < k else 0.0
            sl = 1.0 - c * math.exp(-(k * mu - lam) * t) if rho < k else 0.0
            if sl >= target:
                return k
    return -1
