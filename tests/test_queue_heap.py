"""The queue kernel's array heaps (``sim/model/heap_kernel.py``: ``push``, ``pop``,
``replace``) give the least (time, id) pair ``heapq`` gives on lists of tuples, after
any sequence of operations: random pushes, pops and replacements, with tied times (the
id breaks them, as Python compares tuples) and infinite times."""

from __future__ import annotations

import heapq

import numpy as np

from sim.model import heap_kernel as qk


def test_array_heap_matches_heapq() -> None:
    rng = np.random.default_rng(4)
    for _ in range(20):
        cap = 300
        heap = qk.heap(cap)
        ref: list[tuple[float, int]] = []
        next_id = 0
        for _ in range(2_000):
            op = rng.integers(3)
            t = float(rng.integers(0, 20)) if rng.random() < 0.5 else float(rng.random() * 20)
            if rng.random() < 0.02:
                t = np.inf
            if (op == 0 or not ref) and len(ref) < cap:
                qk.push(heap, t, next_id)
                heapq.heappush(ref, (t, next_id))
                next_id += 1
            elif op == 1 and ref:
                qk.pop(heap)
                heapq.heappop(ref)
            elif ref:
                qk.replace(heap, t, next_id)
                heapq.heapreplace(ref, (t, next_id))
                next_id += 1
            assert int(heap[2][0]) == len(ref)
            if ref:
                assert (float(heap[0][0]), int(heap[1][0])) == ref[0]
