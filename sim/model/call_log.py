"""Opt-in log of the phone queue's calls, one record per call: what a centre's ACD
would export, for comparing a model run with a centre's call-detail records
(``kpisim calibrate`` back-test, docs/calibrate.md).

Off unless :func:`attach` gives the model a :class:`CallLog`; then ``phone.serve_phone``
hands each day's queue results to :func:`log_calls`, which draws no random number and
changes nothing in the model (a run with the log is identical to one without).

One record per call offered to the front line (the queue's arrivals): ``day``,
``arrival_s`` (s since the opening), ``wait_s`` (wait before the first agent answered or
the caller abandoned, s), ``handle_s`` (the first agent's leg, s; 0 when not answered),
``outcome`` (``answered`` / ``abandoned``, as the queue decided it; a call nobody was
left to answer abandons after its patience) and ``agent`` (the first agent's seat; -1
when not answered).  Days on which nobody was on duty are not logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .call_rules import ABANDONED

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .phone import Queued, Staff

COLUMNS = ("day", "arrival_s", "wait_s", "handle_s", "outcome", "agent")


@dataclass
class CallLog:
    """The logged calls of days ``from_day`` on, as per-day arrays."""

    from_day: int = 0
    parts: list[dict[str, np.ndarray]] = field(default_factory=list)

    def columns(self) -> dict[str, np.ndarray]:
        """Every logged call, column by column (``COLUMNS``), in day order."""
        if not self.parts:
            empty = {k: np.zeros(0) for k in COLUMNS}
            empty["outcome"] = np.zeros(0, dtype=object)
            return empty
        return {k: np.concatenate([p[k] for p in self.parts]) for k in COLUMNS}


def attach(model: ContactCentreModel, from_day: int = 0) -> CallLog:
    """Start logging the calls of ``model`` from day ``from_day`` (0-based) on."""
    log = CallLog(from_day)
    model.call_log = log  # type: ignore[attr-defined]
    return log


def log_calls(model: ContactCentreModel, d: int, q: Queued, staff: Staff) -> None:
    """Log day ``d``'s queued calls if the model has a :class:`CallLog` (else nothing)."""
    log: CallLog | None = getattr(model, "call_log", None)
    if log is None or d < log.from_day:
        return
    res = q.res
    lost = res.kind1 == ABANDONED
    wait = res.start1 - q.arrival  # an abandoning call's start1 is when it hung up
    srv = np.where(lost, -1, res.server1)
    log.parts.append(
        {
            "day": np.full(len(q.arrival), d, dtype=np.int64),
            "arrival_s": q.arrival.astype(np.float64),
            "wait_s": np.maximum(wait, 0.0),
            "handle_s": np.where(lost, 0.0, res.end1 - res.start1),
            "outcome": np.where(lost, "abandoned", "answered").astype(object),
            "agent": np.where(lost, -1, staff.slots[np.maximum(srv, 0)]).astype(np.int64),
        }
    )
