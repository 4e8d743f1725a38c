"""numba replicas of numpy's float operations, to the bit, for kernels that must give
what the numpy code they replace gives (``intraday_kernel``, ``customers_kernel``,
``replay_kernel``, ``web_kernel``).

``minimum``/``maximum``/``clip0`` are ``np.minimum``/``np.maximum``/``np.clip(x, 0, None)``
of floats (NaN wins); ``clip`` is ``np.clip(x, lo, hi)`` of one value (NaN and -0.0 pass
unchanged); ``pairwise_sum`` is ``np.sum`` of a contiguous float64 vector (numpy's
pairwise summation); ``stable_argsort`` is ``np.argsort(kind="stable")`` for keys without
NaN.  tests/test_intraday_kernel.py checks each against numpy.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def minimum(a: float, b: float) -> float:
    """``np.minimum`` of two floats (NaN wins)."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a <= b else b


@njit(cache=True)
def maximum(a: float, b: float) -> float:
    """``np.maximum`` of two floats (NaN wins)."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a >= b else b


@njit(cache=True)
def clip(x: float, lo: float, hi: float) -> float:
    """``np.clip`` of one value between ``lo`` and ``hi`` (NaN and -0.0 pass unchanged, as
    in numpy)."""
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


@njit(cache=True)
def clip0(x: float) -> float:
    """``np.clip(x, 0.0, None)`` (NaN stays NaN)."""
    if x != x:
        return x
    return x if x > 0.0 else 0.0


@njit(cache=True)
def _block_sum(a: np.ndarray, lo: int, n: int) -> float:
    """numpy's pairwise sum of ``a[lo:lo + n]`` for ``n <= 128``: 8 partial sums."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    stop = n - n % 8
    while i < stop:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True)
def pairwise_sum(a: np.ndarray, lo: int, n: int) -> float:
    """Sum of ``a[lo:lo + n]`` by numpy's pairwise summation (``np.sum`` of a contiguous
    float64 vector), to the bit: blocks of 8 partial sums up to 128 elements, beyond
    that the sum of the two halves (the first a multiple of 8), each summed the same way.
    Without recursion (numba's cache does not keep recursive functions): the halves are
    walked with an explicit stack, left before right, and added as numpy adds them."""
    if n <= 128:
        return _block_sum(a, lo, n)
    los = np.empty(128, dtype=np.int64)
    ns = np.empty(128, dtype=np.int64)
    state = np.empty(128, dtype=np.int64)  # 0: to split or sum, 1: add its two halves
    vals = np.empty(128)
    top, nv = 0, 0
    los[0], ns[0], state[0] = lo, n, 0
    while top >= 0:
        s_lo, s_n, s_state = los[top], ns[top], state[top]
        top -= 1
        if s_state == 1:
            right = vals[nv - 1]
            left = vals[nv - 2]
            nv -= 2
            vals[nv] = left + right
            nv += 1
        elif s_n <= 128:
            vals[nv] = _block_sum(a, s_lo, s_n)
            nv += 1
        else:
            n2 = s_n // 2
            n2 -= n2 % 8
            top += 1
            los[top], ns[top], state[top] = s_lo, s_n, 1
            top += 1
            los[top], ns[top], state[top] = s_lo + n2, s_n - n2, 0
            top += 1
            los[top], ns[top], state[top] = s_lo, n2, 0
    return vals[0]


@njit(cache=True)
def stable_argsort(key: np.ndarray, n: int) -> np.ndarray:
    """Positions of ``key[:n]`` in ascending order, ties in their order (numpy's
    ``argsort(kind="stable")`` for keys without NaN): a bottom-up merge sort."""
    idx = np.arange(n)
    tmp = np.empty(n, dtype=np.int64)
    width = 1
    while width < n:
        for left in range(0, n, 2 * width):
            mid = min(left + width, n)
            right = min(left + 2 * width, n)
            i, j, o = left, mid, left
            while i < mid and j < right:
                if key[idx[j]] < key[idx[i]]:
                    tmp[o] = idx[j]
                    j += 1
                else:
                    tmp[o] = idx[i]
                    i += 1
                o += 1
            while i < mid:
                tmp[o] = idx[i]
                i += 1
                o += 1
            while j < right:
                tmp[o] = idx[j]
                j += 1
                o += 1
        idx, tmp = tmp, idx
        width *= 2
    return idx
