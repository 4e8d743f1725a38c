"""Queueing formulas for workforce planning: Erlang C, Erlang A, staffing and SIPP.

Model: Poisson arrivals at ``lam`` calls/s, ``n`` agents with exponential handling of
mean ``mean_s`` (rate ``mu = 1 / mean_s``), FCFS; in Erlang A (M/M/n+M, Garnett,
Mandelbaum & Reiman 2002, *M&SOM* 4(3)) callers also abandon after an exponential
patience of mean ``patience_mean_s`` (rate ``theta``).  Erlang C is the ``theta = 0``
limit.  Times are in seconds, rates per second, loads in Erlangs (``a = lam mean_s``).

Numerics.  Erlang C goes through the Erlang B recursion ``B(k) = a B(k-1) / (k +
a B(k-1))`` (no factorials; stable for thousands of agents).  Erlang A builds the
stationary law of the number in system ``k`` (a birth-death chain: birth rate ``lam``,
death rate ``min(k, n) mu + max(0, k - n) theta``) in log space.  **Truncation rule**:
states are kept up to the first ``K`` where the next ratio ``r = pi_{K+1} / pi_K`` is
below 1 and the geometric bound on the tail, ``pi_K r / (1 - r)``, is below ``1e-18``
of the largest ``pi`` (valid because the ratios fall with ``k``); the tail is dropped and
``pi`` renormalised over 0..K.

Per-arrival figures in Erlang A (PASTA: an arrival sees ``pi``).  A caller who finds
``k >= n`` has ``j = k - n`` callers ahead.  With ``i`` ahead the queue moves up at
rate ``c_i = n mu + i theta`` (an agent frees up or one of those ahead hangs up),
independently of the caller's own patience ``tau ~ Exp(theta)``.  The caller is served
iff ``S_j < tau`` where ``S_j = sum_{i=0..j} Exp(c_i)``, and waits ``W = min(S_j, tau)``.
Exponential tilting gives, in closed form (no numerical integration):

* ``P(served | j) = prod_i c_i / (c_i + theta) = n mu / (n mu + (j + 1) theta)``;
* ``P(served, W <= t | j) = P(served | j) P(S'_j <= t)`` where ``S'_j`` is a sum of
  exponentials with rates ``n mu + (i + 1) theta``, i = 0..j.  Those rates are equally
  spaced, so ``exp(-theta S'_j)`` is Beta(``b``, ``j + 1``) with ``b = n mu / theta + 1``
  (a product of independent Beta(b + i, 1)), i.e. ``P(S'_j <= t) =
  I_{1 - exp(-theta t)}(j + 1, b)``, the regularised incomplete beta function;
* ``E[W 1{served} | j] = P(served | j) sum_i 1 / (n mu + (i + 1) theta)``.

The mean wait of all arrivals comes from Little's law, ``E[queue] / lam``, computed
independently of ``P(abandon)``, so the identity ``P(abandon) = theta E[W]`` is a check
(tests/test_erlang.py).

Service level, in both models: **P(answered and W <= threshold)** over offered calls;
an abandoned call never counts as within the threshold, however early it hung up.

One home each.  Erlang A's stationary law and service level are compiled in
``erlang_kernel`` (``stationary``, ``level_of``; ``I_x`` by its recurrence in ``j``),
read both by :func:`erlang_a` (whose other figures are numpy over the same ``pi``) and
by the staffing search (:func:`service_level_a`, ``erlang_kernel.min_agents``), so a
report's service level and the one the search compared with its target are the same
number; compiled because the search asks ~14,000 of them a year.  The numpy/scipy
formulation they replaced is kept in tests/test_erlang_kernel.py as the reference the
kernel is checked against.  Erlang C's figures stay here; its staffing requirement
(one pass of the Erlang B recursion, also the Erlang A search's starting point) is
compiled beside them (``erlang_kernel.min_agents_c``, read through ``_min_agents_c``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import erlang_kernel as _k
from .erlang_kernel import TRUNCATION as TRUNCATION  # the chain's cut (module doc)


@dataclass(frozen=True)
class QueueFigures:
    """Per-arrival figures of a stationary queue (or arrival-weighted over a day).

    ``p_wait``: P(W > 0), the caller finds every agent busy; ``service_level``:
    P(answered and W <= ``threshold_s``); ``asa_s``: mean wait of *all* arrivals, s
    (abandoned callers until they hang up; equal to the answered ones' in Erlang C);
    ``p_abandon``: share that abandons; ``occupancy``: mean share of agents busy;
    ``answered_wait_s``: mean wait of answered calls, s."""

    p_wait: float
    service_level: float
    asa_s: float
    p_abandon: float
    occupancy: float
    answered_wait_s: float
    threshold_s: float


# --------------------------------------------------------------------------- Erlang C
def erlang_b(n: int, load: float) -> float:
    """Erlang B blocking probability of ``n`` servers at ``load`` Erlangs (recursion).

    Parameters
    ----------
    n:
        Servers.
    load:
        Offered load, Erlangs.
    """
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return b


def _erlang_c_figures(lam: float, mu: float, n: int, b: float, threshold_s: float):
    """Erlang C figures from the Erlang B probability ``b`` of the same queue.

    Parameters
    ----------
    lam:
        Arrival rate, calls/s.
    mu:
        Service rate, 1/s.
    n:
        Servers.
    b:
        Erlang B blocking probability of ``n`` servers at this load.
    threshold_s:
        Service-level answer-time threshold, s.
    """
    load = lam / mu
    if load >= n:
        return QueueFigures(1.0, 0.0, math.inf, 0.0, 1.0, math.inf, threshold_s)
    c = _k.c_from_b(n, load, b)
    drain = n * mu - lam
    asa = c / drain
    return QueueFigures(
        p_wait=c,
        service_level=1.0 - c * math.exp(-drain * threshold_s),
        asa_s=asa,
        p_abandon=0.0,
        occupancy=load / n,
        answered_wait_s=asa,
        threshold_s=threshold_s,
    )


def erlang_c(lam_per_s: float, mean_s: float, n: int, threshold_s: float = 20.0) -> QueueFigures:
    """Erlang C (M/M/n) figures.  Unstable (load >= n): p_wait 1, service level 0,
    infinite waits, occupancy 1.  ``n = 0`` with no calls gives an idle queue.

    Parameters
    ----------
    lam_per_s:
        Arrival rate, calls/s.
    mean_s:
        Mean handling time, s.
    n:
        Agents.
    threshold_s:
        Service-level answer-time threshold, s.
    """
    if lam_per_s <= 0.0:
        return QueueFigures(0.0, 1.0, 0.0, 0.0, 0.0, 0.0, threshold_s)
    mu = 1.0 / mean_s
    return _erlang_c_figures(lam_per_s, mu, n, erlang_b(n, lam_per_s / mu), threshold_s)


# --------------------------------------------------------------------------- Erlang A
def erlang_a(
    lam_per_s: float, mean_s: float, patience_mean_s: float, n: int, threshold_s: float = 20.0
) -> QueueFigures:
    """Erlang A (M/M/n+M) figures, exact up to the truncation (module docstring).

    Parameters
    ----------
    lam_per_s:
        Arrival rate, calls/s.
    mean_s:
        Mean handling time, s.
    patience_mean_s:
        Mean patience, s.
    n:
        Agents.
    threshold_s:
        Service-level answer-time threshold, s.
    """
    if lam_per_s <= 0.0:
        return QueueFigures(0.0, 1.0, 0.0, 0.0, 0.0, 0.0, threshold_s)
    mu, theta = 1.0 / mean_s, 1.0 / patience_mean_s
    if n == 0:  # nobody answers: everyone waits until they hang up
        return QueueFigures(1.0, 0.0, patience_mean_s, 1.0, 0.0, math.inf, threshold_s)
    pi = _k.stationary(float(lam_per_s), mu, theta, int(n))
    K = pi.shape[0] - 1
    q = pi[n:] if n <= K else np.zeros(0)
    j = np.arange(q.shape[0], dtype=float)
    nmu = n * mu
    served_j = nmu / (nmu + (j + 1.0) * theta)
    p_wait = float(q.sum())
    wait_served_j = served_j * np.cumsum(1.0 / (nmu + (j + 1.0) * theta))
    p_served = 1.0 - p_wait + float(q @ served_j)
    mean_queue = float(q @ j)
    busy = float(pi[:n] @ np.arange(min(n, K + 1))) + n * p_wait
    return QueueFigures(
        p_wait=p_wait,
        service_level=_k.level_of(pi, mu, theta, n, float(threshold_s)),
        asa_s=mean_queue / lam_per_s,
        p_abandon=1.0 - p_served,
        occupancy=busy / n,
        answered_wait_s=float(q @ wait_served_j) / p_served,
        threshold_s=threshold_s,
    )


def service_level_a(
    lam_per_s: float, mean_s: float, patience_mean_s: float, n: int, threshold_s: float
) -> float:
    """The service level of :func:`erlang_a` alone (the staffing search's question): the
    same compiled operations (``erlang_kernel.service_level``), so equal to
    ``erlang_a(...).service_level`` to the bit, without the figures the search does not
    read.

    Parameters
    ----------
    lam_per_s:
        Arrival rate, calls/s.
    mean_s:
        Mean handling time, s.
    patience_mean_s:
        Mean patience, s.
    n:
        Agents.
    threshold_s:
        Service-level answer-time threshold, s.
    """
    if lam_per_s <= 0.0:
        return 1.0
    if n == 0:
        return 0.0
    mu, theta = 1.0 / mean_s, 1.0 / patience_mean_s
    return _k.service_level(float(lam_per_s), mu, theta, int(n), float(threshold_s))


# --------------------------------------------------------------------------- staffing
def _min_agents_c(lam: float, mean_s: float, target: float, t: float, cap: int) -> int:
    """Smallest n > load with Erlang C service level >= target, -1 beyond ``cap``
    (``erlang_kernel.min_agents_c``: one upward pass of the Erlang B recursion).

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
    return int(_k.min_agents_c(float(lam), float(mean_s), float(target), float(t), int(cap)))


#: The last gap between the Erlang C and the Erlang A requirement per queue (handle time,
#: patience, target, threshold): where the next search of that queue starts.
_GAP: dict[tuple[float, float, float, float], int] = {}
#: Most queues ``_GAP`` keeps (then forgotten at once).
GAP_MAX = 1024
#: Lowest target whose search starts from ``_GAP``.
HINT_MIN_TARGET = 1e-3


def _min_agents_a(lam: float, mean_s: float, pat_s: float, target: float, t: float, cap: int):
    """Smallest n with Erlang A service level >= target (the service level rises with
    n).  The search walks from the Erlang C requirement (cheap, and close: abandonment
    changes the requirement by a few agents) less the gap between the two requirements
    the last search of the same queue found (``_GAP``: a starting point only; the walk
    goes down while ``n - 1`` meets the target and up while ``n`` does not, so the answer
    is the same from any start; ``erlang_kernel.min_agents``), one evaluation of the chain
    a step, and searches upward from the load when the queue is too loaded for Erlang C.

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
    """

    n_c = _min_agents_c(lam, mean_s, target, t, cap)
    key = (mean_s, pat_s, target, t)
    if n_c < 0:  # Erlang C cannot meet it within cap: search upward from the load
        n = min(cap, max(1, int(lam * mean_s)))
    else:  # (not below a target of HINT_MIN_TARGET: a service level within rounding of
        # 0 is not monotone in n to the last bit, and the walk must find what it found)
        n = max(1, n_c - _GAP.get(key, 0)) if target >= HINT_MIN_TARGET else n_c
    n = int(_k.min_agents(lam, float(mean_s), float(pat_s), target, float(t), cap, n))
    if n < 0:
        return -1
    if n_c >= 0:
        if len(_GAP) >= GAP_MAX:
            _GAP.clear()
        _GAP[key] = n_c - n
    return n


#: The staffing search's least cap on one interval's agents (``agents_required``).
DEFAULT_MAX_AGENTS = 5000


def agents_required(
    calls: np.ndarray,
    interval_s: float,
    aht_s: float,
    patience_mean_s: float | None,
    target: float,
    threshold_s: float,
    max_agents: int | None = None,
) -> np.ndarray:
    """Agents needed in each interval: the smallest ``n`` whose stationary service level
    (P(answered within ``threshold_s``), module docstring) is at least ``target``.

    ``calls[i]``: offered calls in interval ``i`` of ``interval_s`` seconds (rate
    ``calls / interval_s``); ``aht_s``: mean handling time, s; ``patience_mean_s``:
    Erlang A when given, else Erlang C (which also needs ``n > load``).  Zero calls
    need 0 agents.  Raises ValueError when ``max_agents`` cannot meet the target (or
    the target is not below 1).

    Parameters
    ----------
    calls:
        Offered calls in each interval.
    interval_s:
        Length of an interval, s.
    aht_s:
        Mean handling time, s.
    patience_mean_s:
        Mean patience, s (Erlang A); None: Erlang C.
    target:
        Service-level target, in [0, 1).
    threshold_s:
        Answer-time threshold of the service level, s.
    max_agents:
        Most agents an interval may need.  None (default): 5,000, or twice the
        interval's offered load (Erlangs) plus 100 when that is more (the requirement
        is about the load plus a few of its square roots; a centre of 20 million
        customers offers an interval over 6,000 Erlangs).
    """
    calls = np.asarray(calls, dtype=float)
    if not 0.0 <= target < 1.0:
        raise ValueError(f"target={target!r}: a service level target must be in [0, 1)")
    out = np.zeros(calls.shape, dtype=int)
    for i, c in np.ndenumerate(calls):
        if c <= 0.0:
            continue
        lam = c / interval_s
        cap = max_agents or max(DEFAULT_MAX_AGENTS, math.ceil(2.0 * lam * aht_s) + 100)
        if patience_mean_s is None:
            n = _min_agents_c(lam, aht_s, target, threshold_s, cap)
        else:
            n = _min_agents_a(lam, aht_s, patience_mean_s, target, threshold_s, cap)
        if n < 0:
            raise ValueError(
                f"interval {i[0] if len(i) == 1 else i}: {c:g} calls need more than "
                f"max_agents={cap} agents to reach service level {target:g}"
            )
        out[i] = n
    return out


# --------------------------------------------------------------------------- SIPP
def sipp(
    rates_per_s: np.ndarray,
    interval_s: float,
    mean_s: float,
    patience_mean_s: float | None,
    staff: np.ndarray,
    threshold_s: float = 20.0,
) -> QueueFigures:
    """The stationary independent period-by-period (SIPP) approximation of a day with
    time-varying arrivals (Green, Kolesar & Soares 2001, *Operations Research* 49(4)):
    interval ``i`` is a stationary Erlang C (or Erlang A, when ``patience_mean_s`` is
    given) queue with rate ``rates_per_s[i]`` and ``staff[i]`` agents.  The day's
    figures are arrival-weighted averages of the intervals' (occupancy weighted by
    staff, answered waits by answered calls).  An unstable Erlang C interval makes the
    day's waits infinite.  ``interval_s`` is the intervals' length, s (all equal, so it
    only matters through the weights' units).

    Parameters
    ----------
    rates_per_s:
        Arrival rate of each interval, calls/s.
    interval_s:
        Length of an interval, s.
    mean_s:
        Mean handling time, s.
    patience_mean_s:
        Mean patience, s (Erlang A); None: Erlang C.
    staff:
        Agents in each interval.
    threshold_s:
        Answer-time threshold of the service level, s.
    """
    rates = np.asarray(rates_per_s, dtype=float)
    staff = np.asarray(staff, dtype=int)
    if rates.shape != staff.shape:
        raise ValueError("sipp: rates_per_s and staff need one entry per interval")
    figs = [
        erlang_c(r, mean_s, int(s), threshold_s)
        if patience_mean_s is None
        else erlang_a(r, mean_s, patience_mean_s, int(s), threshold_s)
        for r, s in zip(rates, staff, strict=True)
    ]
    w = rates * interval_s
    total = w.sum()
    if total <= 0.0:
        return QueueFigures(0.0, 1.0, 0.0, 0.0, 0.0, 0.0, threshold_s)

    def avg(name: str, weights: np.ndarray) -> float:
        vals = np.array([getattr(f, name) for f in figs])
        keep = weights > 0
        return float((weights[keep] * vals[keep]).sum() / weights[keep].sum())

    answered = w * (1.0 - np.array([f.p_abandon for f in figs]))
    busy = staff * np.array([f.occupancy for f in figs])
    return QueueFigures(
        p_wait=avg("p_wait", w),
        service_level=avg("service_level", w),
        asa_s=avg("asa_s", w),
        p_abandon=avg("p_abandon", w),
        occupancy=float(busy.sum() / staff.sum()) if staff.sum() > 0 else 0.0,
        answered_wait_s=avg("answered_wait_s", answered) if answered.sum() > 0 else 0.0,
        threshold_s=threshold_s,
    )
