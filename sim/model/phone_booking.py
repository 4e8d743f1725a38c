"""Booking a day's phone calls: per agent (seat ledger), per day, and in the memory
of legs the employees replay at the end of the pay period (``hindsight.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import behavior as bh
from . import call_rules as cr
from . import phone_kernel as pk
from .planning import FRONT, SPECIALIST

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .ledgers import DayRecord
    from .phone import OnDuty, Queued, Recorded, TrueOutcomes


@dataclass
class LegParts:
    """Hold and after-call work (ACW) of each call's first and second leg, s (0 where the
    leg was not handled to the end); talk is the rest of the timer."""

    hold1: np.ndarray
    acw1: np.ndarray
    hold2: np.ndarray
    acw2: np.ndarray


def leg_parts(model: ContactCentreModel, q: Queued, agents: OnDuty) -> LegParts:
    """Split each handled leg's timer into talk, hold and after-call work.

    A call handled to the end takes ``work x time multiplier + courtesy`` seconds
    (``call_rules.handle_seconds``).  The issue's work splits into talk, hold and ACW by
    ``handling.hold_share`` and ``handling.acw_share``; the agent's levers scale all three
    alike (pace and thoroughness: ``call_rules.time_multiplier``: a rushed call is short
    on talk, hold and notes), and courtesy is talk.  So hold = hold_share x work x
    multiplier, ACW = acw_share x work x multiplier, talk = timer - hold - ACW.  A leg
    that ends in a transfer, hang-up or web push (``handling.transfer_handle_s``) is all
    talk.  The agent is on the call's timer, so busy, for all three parts: the queue
    kernel frees the agent only when the ACW is done.

    Parameters
    ----------
    model:
        The centre (read: configuration).
    q:
        The day's calls after the queue (``phone.Queued``).
    agents:
        Today's agents on duty (``phone.OnDuty``).
    """
    h, res = model.cfg.handling, q.res
    pol = agents.policy
    mult = cr.time_multiplier(pol[:, bh.THOROUGHNESS], agents.speed, pol[:, bh.PACE])
    work = h.mean_s * q.calls.cx
    out = []
    for kind, server in ((res.kind1, res.server1), (res.kind2, res.server2)):
        on = kind == cr.HANDLED
        base = np.where(on, work * mult[np.maximum(server, 0)], 0.0)
        out += [h.hold_share * base, h.acw_share * base]
    return LegParts(*out)


def book_parts(q: Queued, t: TrueOutcomes, parts: LegParts, row: DayRecord) -> None:
    """Book the day's talk, hold and after-call-work seconds over the answered legs
    (they sum to ``handle_s``).

    Parameters
    ----------
    q, t:
        The day's queue and true outcomes (``phone.py``).
    parts:
        Each leg's hold and ACW (:func:`leg_parts`).
    row:
        Today's record.
    """
    res = q.res
    h2 = res.kind2 == cr.HANDLED
    hold = float(parts.hold1[t.answered].sum() + parts.hold2[h2].sum())
    acw = float(parts.acw1[t.answered].sum() + parts.acw2[h2].sum())
    row["hold_s"] = hold
    row["acw_s"] = acw
    row["talk_s"] = row["handle_s"] - hold - acw


def book_seats(
    model: ContactCentreModel,
    q: Queued,
    agents: OnDuty,
    t: TrueOutcomes,
    r: Recorded,
    over: np.ndarray,
) -> None:
    """Per-agent measured and true accounting of the period (seat ledger); ``over`` is
    each agent's overtime, s.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). Its seat ledger is
        booked.
    q:
        The day's calls after the queue (``phone.Queued``).
    agents:
        Today's agents on duty (``phone.OnDuty``).
    t:
        The calls' true outcomes (``phone.TrueOutcomes``).
    r:
        What the measurement system recorded (``phone.Recorded``).
    over:
        Each agent's unplanned overtime, s.
    """
    res, led, seats = q.res, model.seat_ledger, agents.seats
    flags = np.empty((15, t.answered.shape[0]), bool)
    for row, mask in (
        (pk.S_ANSWERED, t.answered),
        (pk.S_OWNER, t.owner),
        (pk.S_RESOLVED, t.resolved),
        (pk.S_CODED, t.coded),
        (pk.S_SURVEY, r.survey),
        (pk.S_TOP2, r.top2),
        (pk.S_TRANSFERRED, t.transferred),
        (pk.S_PUSHED, t.pushed),
        (pk.S_HUNG, t.hung),
        (pk.S_ACT_FINAL, r.act_final),
        (pk.S_ACT_FIRST, r.act_first),
        (pk.S_AUDITED, r.audited),
        (pk.S_DET_FINAL, r.det_final),
        (pk.S_DET_FIRST, r.det_first),
        (pk.S_ABUSED, r.abused),
    ):
        flags[row] = mask
    # every per-call booking in one pass, each as its own np.bincount (phone_kernel)
    pk.seat_sums(
        seats,
        (res.server1, res.server2, t.final_srv),
        res.kind2,
        flags,
        (res.start1, res.end1, res.start2, res.end2),
        t.xp,
        cr.TOP2,
        tuple(led.data[field] for field in pk.SEAT_ROWS),
    )
    led.add_direct(seats, "busy_s", res.busy_s)
    led.add_direct(seats, "duty_s", on_phone_s(agents) + over)


def on_phone_s(agents: OnDuty) -> np.ndarray:
    """Each agent's planned time on the phones today: the shift less its off-phone
    blocks (breaks, lunch, activity), s.

    Parameters
    ----------
    agents:
        Today's agents on duty (``phone.OnDuty``).
    """
    brk = agents.brk_len
    return agents.end - agents.start - (brk.sum(axis=1) if brk.ndim == 2 else brk)


def overtime_s(q: Queued, agents: OnDuty) -> np.ndarray:
    """Each agent's unplanned overtime: the time their last call ran past the end of
    their shift, s (agents finish the call in progress; so occupancy <= 1).

    Parameters
    ----------
    q:
        The day's calls after the queue (``phone.Queued``).
    agents:
        Today's agents on duty (``phone.OnDuty``).
    """
    return np.maximum(q.res.last_end - agents.end, 0.0)


def book_teams(
    q: Queued, agents: OnDuty, t: TrueOutcomes, over: np.ndarray, sl_s: float, row: DayRecord
) -> None:
    """Per-team queue totals: the front line answers first legs, the specialist team
    the legs after a transfer (when there is one).

    Parameters
    ----------
    q:
        The day's calls after the queue (``phone.Queued``).
    agents:
        Today's agents on duty (``phone.OnDuty``).
    t:
        The calls' true outcomes (``phone.TrueOutcomes``).
    over:
        Each agent's unplanned overtime, s.
    sl_s:
        The service level's answer-time threshold, s.
    row:
        Today's record (``ledgers.DayRecord``), booked in place.
    """
    res, nf = q.res, agents.n_front
    h2 = res.kind2 == cr.HANDLED
    duty = on_phone_s(agents) + over
    wait2 = res.start2 - res.end1
    front2 = h2 & (res.server2 < nf)  # no specialists: the front line took the transfer
    row.update(
        front_legs=int(t.answered.sum() + front2.sum()),
        front_handle_s=float(
            (res.end1 - res.start1)[t.answered].sum() + (res.end2 - res.start2)[front2].sum()
        ),
        front_busy_s=float(res.busy_s[:nf].sum()),
        front_avail_s=float(duty[:nf].sum()),
        spec_offered=int(t.transferred.sum()) if agents.seats.shape[0] > nf else 0,
        spec_answered=int((h2 & ~front2).sum()),
        spec_abandoned=int(t.lost2.sum()) if agents.seats.shape[0] > nf else 0,
        spec_in_sl=int((h2 & ~front2 & (wait2 <= sl_s)).sum()),
        spec_wait_answered_s=float(wait2[h2 & ~front2].sum()),
        spec_legs=int((h2 & ~front2).sum()),
        spec_handle_s=float((res.end2 - res.start2)[h2 & ~front2].sum()),
        spec_busy_s=float(res.busy_s[nf:].sum()),
        spec_avail_s=float(duty[nf:].sum()),
    )


def book_handle_parts(
    model: ContactCentreModel, q: Queued, agents: OnDuty, t: TrueOutcomes, row: DayRecord
) -> None:
    """Book the day's timer seconds at the agents' natural handling and the honest
    (pace, diligence) and gaming (rushing, dumps, web pushes) parts of the difference
    (``call_rules.handle_parts``), and the sum of the answering agent's pace over the
    call legs (``effort_response``).

    Parameters
    ----------
    model, q, agents, t, row:
        The centre, the day's queue, agents on duty, true outcomes and record.
    """
    res, h = q.res, model.cfg.handling
    work = h.mean_s * q.calls.cx
    pol = agents.policy
    totals = np.zeros(4)
    for server, handled, needs, on in (
        (res.server1, t.answered & (res.kind1 == cr.HANDLED), q.calls.needs_transfer, t.answered),
        (res.server2, res.kind2 == cr.HANDLED, False, res.kind2 == cr.HANDLED),
    ):
        srv = server[on]
        levers = (
            pol[srv, bh.THOROUGHNESS],
            agents.speed[srv],
            pol[srv, bh.PACE],
            pol[srv, bh.COURTESY] * h.courtesy_max_s,
        )
        needs_leg = np.broadcast_to(needs, on.shape)[on]
        parts = cr.handle_parts(handled[on], needs_leg, work[on], levers, h.transfer_handle_s)
        totals += [part.sum() for part in parts] + [levers[2].sum()]
    row.update(
        handle_s_natural=float(totals[0]),
        handle_s_honest=float(totals[1]),
        handle_s_gaming=float(totals[2]),
        pace_sum=float(totals[3]),
    )


def book_day(
    model: ContactCentreModel,
    q: Queued,
    agents: OnDuty,
    t: TrueOutcomes,
    r: Recorded,
    over: np.ndarray,
    row: DayRecord,
    parts: LegParts | None = None,
) -> np.ndarray:
    """Book the day's totals of the queue, the measured and the true ledger and the
    telephony minutes in ``row``; return what the next staffing plan believes.

    Parameters
    ----------
    model:
        The centre (read).
    q, agents, t, r:
        The day's queue, agents on duty, true and recorded outcomes (``phone.py``).
    over:
        Each agent's unplanned overtime, s.
    row:
        Today's record.
    parts:
        Each leg's hold and after-call work (:func:`leg_parts`; default: computed).

    Returns
    -------
    Per team (rows ``FRONT``, ``SPECIALIST``): the dashboard's handle seconds and call
    legs today (columns).
    """
    res, ch = q.res, model.cfg.channels
    answered, wait1 = t.answered, t.wait1
    h2 = res.kind2 == cr.HANDLED
    row["avail_s"] = float((on_phone_s(agents) + over).sum())
    row["overrun_s"] = float(over.sum())
    book_teams(q, agents, t, over, ch.service_level_threshold_s, row)
    handle = np.zeros((2, 2))
    handle[FRONT] = (row["front_handle_s"], row["front_legs"])
    handle[SPECIALIST] = (row["spec_handle_s"], row["spec_legs"])
    # a call occupies a line from arrival until it ends or is abandoned
    ends = np.where(res.kind2 != cr.NOT_REACHED, res.end2, res.end1)
    minutes = float(np.maximum(ends - q.arrival, 0.0).sum()) / 60.0
    row["cost_telephony"] = minutes * model.cfg.costs.telephony_per_minute
    # the work the calls truly need at speed 1 (unseen by the planners), s: the front
    # line solves or, when the issue needs it, transfers; specialists solve transfers
    h, work = model.cfg.handling, model.cfg.handling.mean_s * q.calls.cx
    row["work_needed_s"] = float(np.where(q.calls.needs_transfer, h.transfer_handle_s, work).sum())
    row["spec_work_needed_s"] = float(work[t.transferred].sum())
    row.update(
        abandoned=int((~answered).sum()),
        abandoned_after_transfer=int(t.lost2.sum()),
        calls_answered=int(answered.sum()),
        answered_in_sl=int((answered & (wait1 <= ch.service_level_threshold_s)).sum()),
        waited=int((wait1 > 0).sum()),
        wait_answered_s=float(wait1[answered].sum()),
        wait_all_s=float(wait1.sum()),
        busy_s=float(res.busy_s.sum()),
        legs=int(answered.sum() + h2.sum()),
        handle_s=float((res.end1 - res.start1)[answered].sum() + (res.end2 - res.start2)[h2].sum()),
        answered_owned=int(t.owner.sum()),
        resolved_true=int(t.resolved[t.owner].sum()),
        coded_resolved=int(t.coded[t.owner].sum()),
        # what an honest code says: the agent resolved its part (a department's failed
        # fulfilment later is no coding error)
        resolved_done=int(t.done[t.owner].sum()),
        surveys=int(r.survey.sum()),
        survey_top2=int(r.top2.sum()),
        surveys_offered=int(r.offered.sum()),
        surveys_honest=int(r.honest_survey.sum()),
        survey_top2_honest=int(r.honest_top2.sum()),
        transfers=int(t.transferred.sum()),
        hangups=int(t.hung.sum()),
        pushes=int(t.pushed.sum()),
        gaming_contacts=int(r.gaming.sum()),
        false_resolutions=int(t.false_code.sum()),
        steered=int(r.steer.sum()),
        dumped=int(t.dumped.sum()),
        rushed=int(t.rushed.sum()),
        audited=int(r.audited.sum()),
        detected=int((r.det_final | r.det_first).sum()),
    )
    book_handle_parts(model, q, agents, t, row)
    book_parts(q, t, leg_parts(model, q, agents) if parts is None else parts, row)
    # issue-level FCR: an issue's first contact is the first that reaches the centre (an
    # answered call or a web session; abandoned calls are not contacts, as in surveyed FCR)
    first = (q.calls.reached == 0) & answered
    row["issues_new"] = row.get("issues_new", 0) + int(first.sum())
    row["issues_first_resolved"] = row.get("issues_first_resolved", 0) + int(
        (first & t.owner & t.resolved).sum()
    )
    return handle


def remember_legs(
    model: ContactCentreModel, q: Queued, agents: OnDuty, t: TrueOutcomes, d: int
) -> None:
    """Remember a random share of the answered legs (the same share for everyone) for
    the employees' hindsight at the end of the pay period.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). Its memory of legs is
        booked.
    q:
        The day's calls after the queue (``phone.Queued``).
    agents:
        Today's agents on duty (``phone.OnDuty``).
    t:
        The calls' true outcomes (``phone.TrueOutcomes``).
    d:
        Today (working day index). The first day sizes the memory.
    """
    rng, c, res, calls = model.rng, model.customers, q.res, q.calls
    k, m = len(calls), agents.seats.shape[0]
    h1 = t.answered
    h2 = res.kind2 == cr.HANDLED
    if d == 0:  # size the memory from the first day's volume
        model.legs.retune(float(h1.sum() + h2.sum()) / m * model.scheme.period_days)
    if model.legs.keep_p < 1.0:
        h1 = h1 & (rng.random(k) < model.legs.keep_p)
        h2 = h2 & (rng.random(k) < model.legs.keep_p)
    # the kept legs' rows once, not a scan of the mask per column
    i1, i2 = np.flatnonzero(h1), np.flatnonzero(h2)
    s1h, s2h = res.server1[i1], res.server2[i2]
    prop = c.survey_propensity[calls.cust[i1]], c.survey_propensity[calls.cust[i2]]
    for rows, srv, second, w, p in (
        (i1, s1h, False, t.wait1, prop[0]),
        (i2, s2h, True, t.wait, prop[1]),
    ):
        model.legs.add(
            seat=agents.seats[srv],
            second=np.full(srv.shape[0], second),
            needs_transfer=calls.needs_transfer[rows],
            hard=q.hard[rows],
            cx=calls.cx[rows],
            u_dump=q.u_dump[rows],
            u_hang=q.u_hang[rows],
            u_push=q.u_push[rows],
            u_res=t.u_res[rows],
            u_code=t.u_code[rows],
            wait_s=w[rows],
            extra=t.extra[rows],
            carry=calls.carry[rows],
            xp_noise=t.xp_noise[rows],
            propensity=p.astype(np.float64),
            skill=agents.skill[srv],
            speed=agents.speed[srv],
            ff=t.fulfil_fail[rows],
        )
