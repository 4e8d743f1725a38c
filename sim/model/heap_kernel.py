"""Binary heaps of (time, id) pairs in arrays, for numba kernels (``queue_kernel``).

A heap is a tuple (times, ids, [size]) of preallocated arrays; :func:`push`, :func:`pop`
and :func:`replace` keep it ordered as ``heapq`` orders (time, id) tuples (time first,
the id breaking ties, as Python compares tuples).  When a heap's pairs are distinct the
least pair is the same whatever the layout, so a kernel takes them off in the order a
``heapq`` heap of tuples would give, without numba's reflected lists of tuples (about
twice as slow in the queue).  tests/test_queue_heap.py checks them against ``heapq``.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _less(t1: float, j1: int, t2: float, j2: int) -> bool:
    """``(t1, j1) < (t2, j2)`` as Python compares tuples (the order ``heapq`` keeps)."""
    if t1 == t2:
        return j1 < j2
    return t1 < t2


@njit(cache=True)
def _sift_up(ht: np.ndarray, hj: np.ndarray, pos: int) -> None:
    """Move the entry at ``pos`` of the heap ``(ht, hj)`` up to its place."""
    t, j = ht[pos], hj[pos]
    while pos > 0:
        parent = (pos - 1) >> 1
        if not _less(t, j, ht[parent], hj[parent]):
            break
        ht[pos] = ht[parent]
        hj[pos] = hj[parent]
        pos = parent
    ht[pos] = t
    hj[pos] = j


@njit(cache=True)
def _sift_root(ht: np.ndarray, hj: np.ndarray, size: int) -> None:
    """Move the root of the heap ``(ht, hj)`` of ``size`` entries down to its place."""
    t, j = ht[0], hj[0]
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        right = child + 1
        if right < size and _less(ht[right], hj[right], ht[child], hj[child]):
            child = right
        if not _less(ht[child], hj[child], t, j):
            break
        ht[pos] = ht[child]
        hj[pos] = hj[child]
        pos = child
    ht[pos] = t
    hj[pos] = j


@njit(cache=True)
def push(heap: tuple, t: float, j: int) -> None:
    """Add ``(t, j)`` to ``heap`` (times, ids, [size])."""
    ht, hj, size = heap
    n = size[0]
    ht[n] = t
    hj[n] = j
    size[0] = n + 1
    _sift_up(ht, hj, n)


@njit(cache=True)
def pop(heap: tuple) -> None:
    """Remove the least entry of ``heap`` (times, ids, [size])."""
    ht, hj, size = heap
    n = size[0] - 1
    size[0] = n
    if n > 0:
        ht[0] = ht[n]
        hj[0] = hj[n]
        _sift_root(ht, hj, n)


@njit(cache=True)
def replace(heap: tuple, t: float, j: int) -> None:
    """Replace the least entry of ``heap`` (times, ids, [size]) by ``(t, j)``."""
    ht, hj, size = heap
    ht[0] = t
    hj[0] = j
    _sift_root(ht, hj, size[0])


@njit(cache=True)
def heap(cap: int) -> tuple:
    """An empty heap of (time, id) pairs with room for ``cap``: (times, ids, [size])."""
    return np.empty(max(cap, 1)), np.empty(max(cap, 1), np.int64), np.zeros(1, np.int64)
