"""Weighted sampling in O(1) per draw: Walker's alias method (Vose's construction).

Drawing the customers who have a new issue is the hottest weighted draw of the model
(thousands a day from a population of hundreds of thousands); a binary search over the
cumulative weights costs about a microsecond per draw on this scale because of cache
misses, the alias table two array reads.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def build_alias(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alias table of non-negative ``weights``: returns ``(prob, alias)``.

    Drawing ``i`` uniformly and keeping it with probability ``prob[i]`` (else taking
    ``alias[i]``) samples index ``j`` with probability ``weights[j] / weights.sum()``.

    Parameters
    ----------
    weights : numpy.ndarray
        Non-negative weights (any unit; only their ratios matter), not all 0.
    """
    n = weights.shape[0]
    prob, alias = np.empty(n), np.empty(n, np.int64)
    build_alias_into(np.array(weights, dtype=np.float64), prob, alias, np.empty(n, np.int64))
    return prob, alias


@njit(cache=True)
def build_alias_into(weights, prob, alias, stack):
    """:func:`build_alias` into buffers the caller keeps (no allocation: a table rebuilt
    over hundreds of thousands of rows otherwise spends half its time faulting in fresh
    pages).  Vose's construction: the "small" indices stacked from the start of
    ``stack``, the "large" from its end (together never more than ``n``).

    Parameters
    ----------
    weights : numpy.ndarray
        Non-negative weights (float64), not all 0; overwritten (scaled to mean 1).
    prob, alias : numpy.ndarray
        The table (float64, int64), at least ``len(weights)`` long; its first
        ``len(weights)`` entries written.
    stack : numpy.ndarray
        int64 scratch of ``len(weights)``.
    """
    n = weights.shape[0]
    total = 0.0
    for i in range(n):
        total += weights[i]
    scaled = weights
    for i in range(n):
        scaled[i] = weights[i] * n / total
    for i in range(n):
        prob[i] = 1.0
        alias[i] = i
    top = n - 1  # the large stack's j-th entry is stack[top - j]
    ns = 0
    nl = 0
    for i in range(n):
        if scaled[i] < 1.0:
            stack[ns] = i
            ns += 1
        else:
            stack[top - nl] = i
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        s = stack[ns]
        nl -= 1
        g = stack[top - nl]
        prob[s] = scaled[s]
        alias[s] = g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            stack[ns] = g
            ns += 1
        else:
            stack[top - nl] = g
            nl += 1
    # leftovers are 1 up to rounding


def alias_draw(rng: np.random.Generator, prob: np.ndarray, alias: np.ndarray, m: int) -> np.ndarray:
    """``m`` indices drawn with the probabilities of the table ``(prob, alias)``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the indices.
    prob, alias : numpy.ndarray
        The alias table (:func:`build_alias`).
    m : int
        Number of draws.
    """
    n = prob.shape[0]
    i = rng.integers(0, n, m)
    keep = rng.random(m) < prob[i]
    return np.where(keep, i, alias[i])
