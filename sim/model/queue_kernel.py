"""The phone queue: an FCFS multi-server queue with abandonment, in continuous time.

One call of :func:`simulate_day` runs one working day of the phone channel.  Calls join
the queue in time order; each is served first-come-first-served by the agent who has
been idle longest, or abandons when its wait would exceed its patience.  Because the
discipline is FCFS, a call's wait is fully determined when it joins: it starts at the
earliest time a server frees up (the "virtual waiting time" of the queue), so a heap of
server free times processes a day in O(calls x log agents).  An abandoning call never
takes a server, so later calls are unaffected, exactly as in the M/M/n+G model.

A handled call can end in four ways, decided by the serving agent's policy levers:
handled to the end, transferred (it re-joins the queue for a second agent after
``transfer_s``), hung up on (a "dump"), or pushed to the web.  Transfers re-join the
queue in time order with the fresh arrivals (merge of two sorted streams); when the
centre has a specialist team they queue for its agents (a second pool of servers).

Staffing varies through the day: each agent works a shift (start, end) with its
off-phone blocks (breaks, lunch, activity; taken in time order), so the number of
agents on the phones follows the roster (``sim/model/roster.py``) and the break
placement (``sim/model/breaks.py``) interval by interval while the queue runs on
continuously.
An agent whose shift is over leaves the pool of servers for good, which is exact
because calls are taken in time order.

The kernel is compiled with numba (``cache=True``); it takes pre-drawn random numbers
from the model's seeded generator, so it is deterministic.  Times are seconds since the
day's opening.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .call_rules import (
    ABANDONED,
    HANDLED,
    NOT_REACHED,
    TRANSFERRED,
    first_leg_kind_scalar,
    handle_seconds_scalar,
)
from .heap_kernel import heap, pop, push, replace

__all__ = ["ABANDONED", "HANDLED", "NOT_REACHED", "TRANSFERRED", "DayResult", "simulate_day"]


@njit(cache=True)
def _next_server(servers, join, shift_end, stays, break_start, break_len, break_done):
    """The agent of ``servers`` (a heap of (free time, agent)) who takes a call joining at
    ``join``, and when: the one free first, after any break that falls due and skipping
    agents whose shift is over (they leave the heap).  (-1, inf) when nobody is left.
    Breaks are taken in column order (each agent's blocks sorted by start).

    The heaps are arrays (times, agents, [size]) ordered as ``heapq`` orders (free time,
    agent) tuples; the pairs of a pool are distinct (one per agent), so the least is
    always the same agent whatever the heap's layout, and agents come off it in the
    order of a ``heapq`` heap.

    Parameters
    ----------
    servers:
        Heap of (free time s, agent) of one pool.
    join:
        When the call joins the queue, s since opening.
    shift_end:
        End of each agent's shift, s since opening.
    stays:
        Whether each agent stays until the queue is empty.
    break_start:
        When each agent's breaks fall due, s since opening (agents x blocks, sorted).
    break_len:
        Each agent's break lengths, s (agents x blocks; 0 = none).
    break_done:
        How many of its breaks each agent has taken (updated).
    """
    nb = break_start.shape[1]
    ht, hj, size = servers
    while size[0] > 0:
        free_t, j = ht[0], hj[0]
        start = free_t if free_t > join else join
        b = break_done[j]
        if b < nb and start >= break_start[j, b]:
            # the break starts when it is due or when the agent's call in progress ends
            due = break_start[j, b]
            back = (free_t if free_t > due else due) + break_len[j, b]
            break_done[j] = b + 1
            if break_len[j, b] > 0.0:
                replace(servers, back, j)
            continue
        if start >= shift_end[j] and not stays[j]:
            pop(servers)  # the agent's shift is over
            continue
        return j, start
    return -1, np.inf


@njit(cache=True)
def _simulate_day(
    arrival_s,
    patience_s,
    patience2_s,
    work_s,
    needs_transfer,
    hard,
    u_dump,
    u_hang,
    u_push,
    n_front,
    time_mult,
    extra_s,
    dump_prob,
    push_prob,
    shift_start,
    shift_end,
    stays,
    break_start,
    break_len,
    hangup_share,
    transfer_s,
    kind1,
    server1,
    start1,
    end1,
    kind2,
    server2,
    start2,
    end2,
    busy_s,
    last_end,
):
    """The compiled day of the queue behind :func:`simulate_day`; the ``out`` arrays
    (``kind1`` .. ``last_end``, the fields of :class:`DayResult`) are filled in place.

    Parameters
    ----------
    arrival_s : float64[n]
        Join times, sorted ascending.
    patience_s : float64[n]
        Patience for the first wait (inf = never abandons).
    patience2_s : float64[n]
        Patience for the wait after a transfer.
    work_s : float64[n]
        Handling needed by the issue, seconds at speed 1.
    needs_transfer : bool[n]
        The issue genuinely needs another agent.
    hard : bool[n]
        The issue counts as hard (candidate for dumping).
    u_dump : float64[n]
        Uniform draw for the dump decision.
    u_hang : float64[n]
        Uniform draw: a dump is a hang-up rather than a transfer.
    u_push : float64[n]
        Uniform draw for the web-push decision.
    n_front : int
        Agents 0..n_front-1 answer new calls; the rest take transfers.
    time_mult : float64[m]
        Per agent: seconds per second of needed work.
    extra_s : float64[m]
        Per agent: courtesy seconds added to a full handling.
    dump_prob : float64[m]
        Per agent: probability of dumping a hard call.
    push_prob : float64[m]
        Per agent: probability of pushing a caller to the web.
    shift_start : float64[m]
        Per agent: start of the shift, s since opening.
    shift_end : float64[m]
        Per agent: end of the shift (takes no call starting later).
    stays : bool[m]
        Per agent: stays until the queue is empty (shift to closing).
    break_start : float64[m, b]
        Per agent: when each off-phone block falls due (sorted per agent).
    break_len : float64[m, b]
        Per agent: length of each block, s (0 = none).
    hangup_share : float
        Share of dumps that are hang-ups.
    transfer_s : float
        Seconds spent before a transfer, hang-up or web push.
    kind1, server1, start1, end1, kind2, server2, start2, end2 : arrays[n]
        Out: the first and second leg of each call (what happened, which agent, start
        and end in s since opening), the fields of :class:`DayResult`, filled in place.
    busy_s : float64[m]
        Out: busy seconds per agent.
    last_end : float64[m]
        Out: end of each agent's last call.
    """
    n = arrival_s.shape[0]
    m = time_mult.shape[0]
    break_done = np.zeros(m, dtype=np.int64)
    front = heap(m)
    second = heap(m)
    for j in range(m):
        push(front if j < n_front else second, shift_start[j], j)
    pool2 = second if m > n_front else front  # who takes transfers
    # re-entries after a transfer: (join time, call index)
    reentry = heap(n)
    rt, rc, r_size = reentry
    i = 0
    while i < n or r_size[0] > 0:
        take_reentry = r_size[0] > 0 and (i >= n or rt[0] < arrival_s[i])
        if take_reentry:
            join, c = rt[0], rc[0]
            pop(reentry)
            j, start = _next_server(
                pool2, join, shift_end, stays, break_start, break_len, break_done
            )
            if j < 0 or start - join > patience2_s[c]:
                kind2[c] = ABANDONED
                start2[c] = join + (patience2_s[c] if patience2_s[c] < np.inf else 0.0)
                end2[c] = start2[c]
                continue
            dur = handle_seconds_scalar(work_s[c], time_mult[j], extra_s[j])
            kind2[c] = HANDLED
            server2[c] = j
            start2[c] = start
            end2[c] = start + dur
            busy_s[j] += dur
            last_end[j] = start + dur
            # the agent at the top (``j``) is busy until then: one sift, not a pop and
            # a push (the same heap contents; (time, agent) pairs are distinct, so the
            # order agents come off the heap is the same)
            replace(pool2, start + dur, j)
            continue
        c = i
        i += 1
        join = arrival_s[c]
        j, start = _next_server(front, join, shift_end, stays, break_start, break_len, break_done)
        if j < 0 or start - join > patience_s[c]:
            kind1[c] = ABANDONED
            start1[c] = join + (patience_s[c] if patience_s[c] < np.inf else 0.0)
            end1[c] = start1[c]
            continue
        start1[c] = start
        server1[c] = j
        kind = first_leg_kind_scalar(
            needs_transfer[c],
            hard[c],
            u_dump[c],
            u_hang[c],
            u_push[c],
            dump_prob[j],
            push_prob[j],
            hangup_share,
        )
        kind1[c] = kind
        if kind == HANDLED:
            dur = handle_seconds_scalar(work_s[c], time_mult[j], extra_s[j])
        else:  # transferred, hung up or pushed: the agent spends transfer_s on it
            dur = transfer_s
            if kind == TRANSFERRED:
                push(reentry, start + dur, c)
        end1[c] = start + dur
        busy_s[j] += dur
        last_end[j] = start + dur
        replace(front, start + dur, j)  # ``j`` is still the top: see above


def _sorted_breaks(start: np.ndarray, length: np.ndarray, m: int):
    """Breaks as contiguous (agents x breaks) arrays sorted by start per agent; empty
    breaks (length 0) move to the end."""
    start, length = start.reshape(m, -1), length.reshape(m, -1)
    key = np.where(length > 0, start, np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    s = np.take_along_axis(np.where(length > 0, start, np.inf), order, axis=1)
    return np.ascontiguousarray(s), np.ascontiguousarray(np.take_along_axis(length, order, 1))


class DayResult:
    """Per-call outcome arrays of one simulated day of the phone queue.

    ``kind1/server1/start1/end1`` describe the first leg (the first agent), ``*2`` the
    leg after a transfer (``kind2 == NOT_REACHED`` when there was none).  ``busy_s``
    holds each agent's busy seconds, ``last_end`` the end of each agent's last call
    (0 when none).
    """

    __slots__ = (
        "arrival_s",
        "busy_s",
        "end1",
        "end2",
        "kind1",
        "kind2",
        "last_end",
        "server1",
        "server2",
        "start1",
        "start2",
    )

    def __init__(self, n: int, m: int, arrival_s: np.ndarray) -> None:
        self.arrival_s = arrival_s
        self.kind1 = np.full(n, NOT_REACHED, np.int8)
        self.server1 = np.full(n, -1, np.int64)
        self.start1 = np.zeros(n)
        self.end1 = np.zeros(n)
        self.kind2 = np.full(n, NOT_REACHED, np.int8)
        self.server2 = np.full(n, -1, np.int64)
        self.start2 = np.zeros(n)
        self.end2 = np.zeros(n)
        self.busy_s = np.zeros(m)
        self.last_end = np.zeros(m)


def simulate_day(
    arrival_s: np.ndarray,
    patience_s: np.ndarray,
    work_s: np.ndarray,
    time_mult: np.ndarray,
    extra_s: np.ndarray | None = None,
    *,
    patience2_s: np.ndarray | None = None,
    needs_transfer: np.ndarray | None = None,
    hard: np.ndarray | None = None,
    u_dump: np.ndarray | None = None,
    u_hang: np.ndarray | None = None,
    u_push: np.ndarray | None = None,
    dump_prob: np.ndarray | None = None,
    push_prob: np.ndarray | None = None,
    hangup_share: float = 0.0,
    transfer_s: float = 0.0,
    n_front: int | None = None,
    shift_start: np.ndarray | None = None,
    shift_end: np.ndarray | None = None,
    break_start: np.ndarray | None = None,
    break_len: np.ndarray | None = None,
    close_s: float = np.inf,
) -> DayResult:
    """Run one day of the phone queue.

    ``arrival_s`` must be sorted.  Agent arrays (``time_mult``, ``extra_s``,
    ``dump_prob``, ``push_prob``) have one entry per agent on duty; the per-call
    arrays one entry per call.  Optional arrays default to "no transfers, no dumps, no
    web push, no courtesy", which makes the queue a plain M/G/n+G queue.

    Shifts: agent ``j`` takes calls from ``shift_start[j]`` and takes no call starting
    at or after ``shift_end[j]`` (a call in progress is finished), except agents whose
    shift runs to ``close_s``: they stay until the queue is empty.  Each agent takes its
    off-phone breaks of ``break_len[j, b]`` seconds in time order, each when it falls due
    at ``break_start[j, b]`` (or when the call in progress then ends); one-dimensional
    arrays give one break per agent.  Agents ``0 .. n_front-1`` (the front
    line) answer new calls; the others (specialists) take transferred calls; with no
    specialists (``n_front`` = number of agents, the default) the front line takes them.
    Default: everyone on duty all day, no breaks.

    Parameters
    ----------
    arrival_s:
        Join times, s since opening, sorted (one per call).
    patience_s:
        Patience for the first wait, s (inf: never abandons).
    work_s:
        Handling the issue needs, s at speed 1.
    time_mult:
        Per agent: seconds per second of needed work.
    extra_s:
        Per agent: courtesy seconds added to a full handling.
    patience2_s:
        Patience for the wait after a transfer, s.
    needs_transfer:
        Per call: the issue genuinely needs another agent.
    hard:
        Per call: the issue counts as hard (a candidate for dumping).
    u_dump, u_hang, u_push:
        Per call: uniform draws of the dump, hang-up-rather-than-transfer and web-push
        decisions.
    dump_prob:
        Per agent: probability of dumping a hard call.
    push_prob:
        Per agent: probability of pushing a caller to the web.
    hangup_share:
        Share of dumps that are hang-ups.
    transfer_s:
        Seconds spent before a transfer, hang-up or web push.
    n_front:
        Agents ``0..n_front-1`` answer new calls; the rest take transfers.
    shift_start, shift_end:
        Per agent: the shift, s since opening.
    break_start, break_len:
        Per agent: when each off-phone break falls due, s since opening, and its length, s
        (agents, or agents x breaks).
    close_s:
        Closing time, s since opening (agents whose shift runs to it stay until the queue is
        empty).
    """
    n = arrival_s.shape[0]
    m = time_mult.shape[0]
    if m < 1:
        raise ValueError("the phone queue needs at least one agent on duty")
    false_n = np.zeros(n, dtype=np.bool_)
    ones_n = np.ones(n)
    f64 = np.float64
    s_start = np.zeros(m) if shift_start is None else np.ascontiguousarray(shift_start, f64)
    s_end = np.full(m, np.inf) if shift_end is None else np.ascontiguousarray(shift_end, f64)
    b_start = np.full((m, 1), np.inf) if break_start is None else break_start
    b_len = np.zeros((m, 1)) if break_len is None else break_len
    b_start, b_len = _sorted_breaks(np.asarray(b_start, f64), np.asarray(b_len, f64), m)
    nf = m if n_front is None else int(n_front)
    if not 1 <= nf <= m:
        raise ValueError("the front line needs at least one agent")
    res = DayResult(n, m, arrival_s)
    _simulate_day(
        np.ascontiguousarray(arrival_s, dtype=np.float64),
        np.ascontiguousarray(patience_s, dtype=np.float64),
        np.ascontiguousarray(patience_s if patience2_s is None else patience2_s, np.float64),
        np.ascontiguousarray(work_s, dtype=np.float64),
        false_n if needs_transfer is None else needs_transfer,
        false_n if hard is None else hard,
        ones_n if u_dump is None else u_dump,
        ones_n if u_hang is None else u_hang,
        ones_n if u_push is None else u_push,
        nf,
        np.ascontiguousarray(time_mult, dtype=np.float64),
        np.zeros(m) if extra_s is None else np.ascontiguousarray(extra_s, np.float64),
        np.zeros(m) if dump_prob is None else np.ascontiguousarray(dump_prob, np.float64),
        np.zeros(m) if push_prob is None else np.ascontiguousarray(push_prob, np.float64),
        s_start,
        s_end,
        s_end >= close_s,
        b_start,
        b_len,
        float(hangup_share),
        float(transfer_s),
        res.kind1,
        res.server1,
        res.start1,
        res.end1,
        res.kind2,
        res.server2,
        res.start2,
        res.end2,
        res.busy_s,
        res.last_end,
    )
    return res
