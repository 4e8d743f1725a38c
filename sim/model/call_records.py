"""Call-detail records of the phone channel (``export.calls=true``).

One record per phone call offered, in the shape of a telephony export: when it arrived,
how long it queued, whether an agent answered, who and for how long, whether it was
transferred (and what happened on the second leg), and the disposition code the agent
recorded.  The records are collected from arrays the day already computed: nothing here
draws a random number, so a run gives the same outputs with the export on or off.

Each day is kept as a few compact numpy arrays (a *chunk*, ~60 bytes a call: the phone
day returns it, the model keeps it in ``model.call_records``) and the chunks are joined
once at the end of the run (:meth:`CallRecords.columns`); the table itself (dates, clock
times, codes) is built by :mod:`sim.outputs.calls`.  Nothing is kept when the export is
off.  Times are seconds since the day's opening.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import call_rules as cr

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .contacts import Contacts
    from .phone import OnDuty, Queued
    from .phone_booking import LegParts
    from .phone_outcomes import TrueOutcomes

#: Disposition codes (the ``disposition`` column): index -> code.  ``""``: abandoned
#: before an agent answered (no agent, no code).
DISPOSITIONS = ("", "RESOLVED", "UNRESOLVED", "TRANSFERRED", "DISCONNECTED", "DEFLECTED")
_NONE, _RESOLVED, _UNRESOLVED, _TRANSFERRED, _DISCONNECTED, _DEFLECTED = range(6)

#: Columns of a chunk and their dtypes.  Times in seconds since opening (NaN: did not
#: happen), agents as employee ids (-1: none).
FIELDS = {
    "day": np.int32,
    "customer_id": np.int64,
    "arrival_s": np.float64,
    "q_exit_s": np.float64,  # left the first queue: answered or abandoned
    "answered": np.bool_,
    "ser_start_s": np.float64,
    "ser_exit_s": np.float64,
    "server": np.int64,
    "transferred": np.bool_,
    "q2_exit_s": np.float64,  # left the queue after a transfer
    "answered2": np.bool_,
    "ser2_start_s": np.float64,
    "ser2_exit_s": np.float64,
    "server2": np.int64,
    "disposition": np.int8,
    "hold_s": np.float64,  # the first leg's hold (NaN: not answered)
    "acw_s": np.float64,  # the first leg's after-call work (NaN: not answered)
}


class CallRecords:
    """The run's call-detail records, as one chunk of arrays per day."""

    def __init__(self) -> None:
        self.chunks: list[dict[str, np.ndarray]] = []

    def add(self, chunk: dict[str, np.ndarray]) -> None:
        """Append one day's chunk (every column of :data:`FIELDS`, same length).

        Parameters
        ----------
        chunk:
            One day's records: every column of ``FIELDS``, same length.
        """
        self.chunks.append({k: np.asarray(chunk[k], dtype=t) for k, t in FIELDS.items()})

    def __len__(self) -> int:
        return sum(len(c["day"]) for c in self.chunks)

    def columns(self) -> dict[str, np.ndarray]:
        """Every chunk joined, column by column (in the order calls were offered)."""
        if not self.chunks:
            return {k: np.empty(0, dtype=t) for k, t in FIELDS.items()}
        return {k: np.concatenate([c[k] for c in self.chunks]) for k in FIELDS}


def _employee_ids(model: ContactCentreModel, seats: np.ndarray) -> np.ndarray:
    """Employee id (``unique_id``, as in the employee table) of each agent on duty."""
    return np.array([model.seats[int(s)].unique_id for s in seats], dtype=np.int64)


def calls_chunk(
    model: ContactCentreModel,
    q: Queued,
    agents: OnDuty,
    t: TrueOutcomes,
    d: int,
    parts: LegParts,
) -> dict[str, np.ndarray] | None:
    """Day ``d``'s calls as a chunk of call-detail records (None when the export is
    off).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    q:
        The day's calls after the queue (``phone.Queued``).
    agents:
        Today's agents on duty (``phone.OnDuty``).
    t:
        The calls' true outcomes (``phone_outcomes.TrueOutcomes``).
    d:
        Today (working day index).
    parts:
        Each leg's hold and after-call work (``phone_booking.leg_parts``).
    """
    if not model.cfg.export.calls:
        return None
    res, k = q.res, len(q.calls)
    ids = _employee_ids(model, agents.seats)
    nan = np.full(k, np.nan)
    ans = t.answered
    tr = t.transferred
    h2 = res.kind2 == cr.HANDLED
    final_kind = np.where(tr, res.kind2, res.kind1)
    disp = np.full(k, _NONE, np.int8)
    disp[ans & (final_kind == cr.HANDLED)] = _UNRESOLVED
    disp[ans & (final_kind == cr.HANDLED) & t.coded] = _RESOLVED
    disp[tr & ~h2] = _TRANSFERRED  # lost after the transfer: the first agent's code
    disp[res.kind1 == cr.HUNG_UP] = _DISCONNECTED
    disp[res.kind1 == cr.WEB_PUSHED] = _DEFLECTED
    return {
        "day": np.full(k, d),
        "customer_id": q.calls.cust,
        "arrival_s": q.arrival,
        "q_exit_s": res.start1,
        "answered": ans,
        "ser_start_s": np.where(ans, res.start1, nan),
        "ser_exit_s": np.where(ans, res.end1, nan),
        "server": np.where(ans, ids[np.maximum(res.server1, 0)], -1),
        "transferred": tr,
        "q2_exit_s": np.where(tr, res.start2, nan),
        "answered2": h2,
        "ser2_start_s": np.where(h2, res.start2, nan),
        "ser2_exit_s": np.where(h2, res.end2, nan),
        "server2": np.where(h2, ids[np.maximum(res.server2, 0)], -1),
        "disposition": disp,
        "hold_s": np.where(ans, parts.hold1, nan),
        "acw_s": np.where(ans, parts.acw1, nan),
    }


def lost_calls_chunk(
    model: ContactCentreModel, calls: Contacts, d: int
) -> dict[str, np.ndarray] | None:
    """A day's calls that met nobody on duty (all abandoned at once) as a chunk of
    call-detail records.  The model never drew their arrival times, so they are spread
    over the day by the arrival profile's quantiles (no random draw); None when the
    export is off or there is no call.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    calls:
        The calls that met nobody on duty.
    d:
        Today (working day index).
    """
    k = len(calls)
    if not model.cfg.export.calls or k == 0:
        return None
    arrival = model.profile((np.arange(k) + 0.5) / k)
    nan, none = np.full(k, np.nan), np.full(k, -1)
    no = np.zeros(k, bool)
    return {
        "day": np.full(k, d),
        "customer_id": calls.cust,
        "arrival_s": arrival,
        "q_exit_s": arrival,
        "answered": no,
        "ser_start_s": nan,
        "ser_exit_s": nan,
        "server": none,
        "transferred": no,
        "q2_exit_s": nan,
        "answered2": no,
        "ser2_start_s": nan,
        "ser2_exit_s": nan,
        "server2": none,
        "disposition": np.full(k, _NONE),
        "hold_s": nan,
        "acw_s": nan,
    }
