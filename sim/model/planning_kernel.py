"""Two per-day rules of ``planning`` compiled: the agents on the phones per interval and
the calls per interval.

``on_phone`` is ``planning.on_phone_agents`` (read every day for each team's duty, and
by each plan's repair rounds), ``interval_counts`` is ``planning.interval_counts`` (the
dashboard's calls per interval, every day).  Bit-identical to the numpy they replace:
each span's overlap with each interval is ``np.clip(np.minimum(b, lo + w) -
np.maximum(a, lo), 0, None)`` with numpy's NaN rules (``numpy_exact``); the overlaps are
summed span by span in the order of the spans, as numpy sums a C-ordered array over its
first axis (a single interval: numpy's pairwise sum, as numpy does then); the shifts'
sum less the blocks' sum, over the interval length.  The calls' intervals are numpy's
floor division of the join times by the interval length, the floor of the exact
quotient (Python's and numba's ``float // float`` are the same divmod rule); the floor
of the rounded quotient ``t / w`` is taken where it cannot differ (the quotient farther
than 1e-7 from a whole number, below 1e8), three times faster than the divmod rule.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .numpy_exact import clip0 as _clip0
from .numpy_exact import maximum as _max
from .numpy_exact import minimum as _min
from .numpy_exact import pairwise_sum


@njit(cache=True)
def _spans(a: np.ndarray, b: np.ndarray, close: float, w: float, out: np.ndarray) -> None:
    """Seconds of the spans [``a``, min(``b``, ``close``)) inside each interval, summed
    over the spans (in their order) into ``out`` (one entry per interval).

    Parameters
    ----------
    a, b:
        The spans' starts and ends, s since opening.
    close:
        Where the spans are cut, s (``np.inf``: not cut).
    w:
        Interval length, s.
    out:
        One sum per interval (written).
    """
    k, n = a.shape[0], out.shape[0]
    if n == 1:  # numpy sums a single column pairwise
        col = np.empty(k)
        for j in range(k):
            col[j] = _clip0(_min(_min(b[j], close), w) - _max(a[j], 0.0))
        out[0] = pairwise_sum(col, 0, k)
        return
    for i in range(n):
        lo = i * w
        hi = lo + w
        out[i] = _clip0(_min(_min(b[0], close), hi) - _max(a[0], lo))
    for j in range(1, k):
        e = _min(b[j], close)
        s = a[j]
        for i in range(n):
            lo = i * w
            out[i] = out[i] + _clip0(_min(e, lo + w) - _max(s, lo))


@njit(cache=True)
def on_phone(
    starts: np.ndarray,
    ends: np.ndarray,
    brk_start: np.ndarray,
    brk_len: np.ndarray,
    open_s: float,
    w: float,
    out: np.ndarray,
) -> None:
    """Mean agents on the phones per interval (``planning.on_phone_agents``) into ``out``.

    Parameters
    ----------
    starts, ends:
        Each agent's shift, s since opening (at least one agent).
    brk_start, brk_len:
        The off-phone blocks' starts and lengths, s (flat, agent by agent).
    open_s:
        Closing time, s since opening (shifts are cut there).
    w:
        Interval length, s.
    out:
        Agents per interval (written).
    """
    n = out.shape[0]
    blocks = np.empty(n)
    _spans(starts, ends, open_s, w, out)
    if brk_start.shape[0] > 0:
        brk_end = np.empty(brk_start.shape[0])
        for j in range(brk_start.shape[0]):
            brk_end[j] = brk_start[j] + brk_len[j]
        _spans(brk_start, brk_end, np.inf, w, blocks)
        for i in range(n):
            out[i] = out[i] - blocks[i]
    for i in range(n):
        out[i] = out[i] / w


@njit(cache=True)
def interval_counts(times_s: np.ndarray, w: float, out: np.ndarray) -> bool:
    """Calls per interval from their join times (late joins count in the last) added
    into ``out`` (zeros, one per interval); False (``out`` unfinished) when a time is
    negative, NaN or too large for an index (numpy's rule then raises or differs).

    Parameters
    ----------
    times_s:
        Join times, s since opening.
    w:
        Interval length, s.
    out:
        Calls per interval (added to).
    """
    last = out.shape[0] - 1
    for t in times_s:
        f = t / w
        q = np.floor(f)
        # ``t // w`` is the floor of the exact quotient; ``t / w`` is it within a
        # relative 2**-53, so its floor is that floor unless the quotient is within
        # 1e-7 of a whole number (below 1e8): only those take the exact rule
        if not (1e-7 < f - q < 1.0 - 1e-7 and f < 1e8):
            q = t // w
        if not (0.0 <= q < 4.0e18):
            return False
        out[min(int(q), last)] += 1.0
    return True
