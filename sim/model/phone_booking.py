"""Booking a day's phone calls: per agent (seat ledger), per day, and in the memory
of legs the employees replay at the end of the pay period (``hindsight.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import behavior as bh
from . import booking_kernel as bk
from . import call_rules as cr
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
    work = q.work_s
    out = []
    for kind, server in ((res.kind1, res.server1), (res.kind2, res.server2)):
        on = kind == cr.HANDLED
        base = np.where(on, work * mult[np.maximum(server, 0)], 0.0)
        out += [h.hold_share * base, h.acw_share * base]
    return LegParts(*out)


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
        The calls' true outcomes (``phone_outcomes.TrueOutcomes``).
    r:
        What the measurement system recorded (``phone_outcomes.Recorded``).
    over:
        Each agent's unplanned overtime, s.
    """
    res, led, seats = q.res, model.seat_ledger, agents.seats
    flags = np.empty((15, t.answered.shape[0]), bool)
    for row, mask in (
        (bk.S_ANSWERED, t.answered),
        (bk.S_OWNER, t.owner),
        (bk.S_RESOLVED, t.resolved),
        (bk.S_CODED, t.coded),
        (bk.S_SURVEY, r.survey),
        (bk.S_TOP2, r.top2),
        (bk.S_TRANSFERRED, t.transferred),
        (bk.S_PUSHED, t.pushed),
        (bk.S_HUNG, t.hung),
        (bk.S_ACT_FINAL, r.act_final),
        (bk.S_ACT_FIRST, r.act_first),
        (bk.S_AUDITED, r.audited),
        (bk.S_DET_FINAL, r.det_final),
        (bk.S_DET_FIRST, r.det_first),
        (bk.S_ABUSED, r.abused),
    ):
        flags[row] = mask
    # every per-call booking in one pass, each as its own np.bincount (phone_kernel)
    bk.seat_sums(
        seats,
        (res.server1, res.server2, t.final_srv),
        res.kind2,
        flags,
        (res.start1, res.end1, res.start2, res.end2),
        t.xp,
        cr.TOP2,
        tuple(led.data[field] for field in bk.SEAT_ROWS),
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


def day_totals(
    model: ContactCentreModel,
    q: Queued,
    agents: OnDuty,
    t: TrueOutcomes,
    r: Recorded,
    parts: LegParts,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The day's sums and counts over the calls in one compiled pass
    (``phone_kernel.day_sums``; numpy's pairwise sums, to the bit).

    Parameters
    ----------
    model, q, agents, t, r:
        The centre, the day's queue, agents on duty, true and recorded outcomes.
    parts:
        Each leg's hold and after-call work (:func:`leg_parts`).

    Returns
    -------
    The sums (``phone_kernel.X_*``), counts (``N_*``) and each flag's count (``D_*``).
    """
    res, h, calls = q.res, model.cfg.handling, q.calls
    pol = agents.policy
    flags = np.empty((bk.N_FLAGS, len(calls)), bool)
    for row, mask in (
        (bk.D_ANSWERED, t.answered),
        (bk.D_TRANSFERRED, t.transferred),
        (bk.D_LOST2, t.lost2),
        (bk.D_OWNER, t.owner),
        (bk.D_RESOLVED, t.resolved),
        (bk.D_CODED, t.coded),
        (bk.D_DONE, t.done),
        (bk.D_SURVEY, r.survey),
        (bk.D_TOP2, r.top2),
        (bk.D_OFFERED, r.offered),
        (bk.D_HONEST_SURVEY, r.honest_survey),
        (bk.D_HONEST_TOP2, r.honest_top2),
        (bk.D_HUNG, t.hung),
        (bk.D_PUSHED, t.pushed),
        (bk.D_GAMING, r.gaming),
        (bk.D_FALSE_CODE, t.false_code),
        (bk.D_STEER, r.steer),
        (bk.D_DUMPED, t.dumped),
        (bk.D_RUSHED, t.rushed),
        (bk.D_AUDITED, r.audited),
        (bk.D_NEEDS, calls.needs_transfer),
    ):
        flags[row] = mask
    np.logical_or(r.det_final, r.det_first, out=flags[bk.D_DETECTED])
    np.equal(calls.reached, 0, out=flags[bk.D_FIRST])
    return bk.day_sums(
        (res.kind1, res.kind2, res.server1, res.server2),
        (q.arrival, res.start1, res.end1, res.start2, res.end2, t.wait1),
        flags,
        q.work_s,
        (
            np.ascontiguousarray(pol[:, bh.THOROUGHNESS]),
            np.ascontiguousarray(pol[:, bh.PACE]),
            np.ascontiguousarray(pol[:, bh.COURTESY]),
            agents.speed,
        ),
        (parts.hold1, parts.acw1, parts.hold2, parts.acw2),
        np.array(
            [
                h.transfer_handle_s,
                h.courtesy_max_s,
                model.cfg.channels.service_level_threshold_s,
            ]
        ),
        agents.n_front,
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

    Per team: the front line answers first legs, the specialist team the legs after a
    transfer (when there is one).  The timer seconds are also booked at the agents'
    natural handling with the honest (pace, diligence) and gaming (rushing, dumps, web
    pushes) parts of the difference (``call_rules.handle_parts``), with the sum of the
    answering agent's pace over the legs (``effort_response``), and split into talk,
    hold and after-call work (:func:`leg_parts`; they sum to ``handle_s``).

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
    res, nf, k = q.res, agents.n_front, len(q.calls)
    if parts is None:
        parts = leg_parts(model, q, agents)
    x, n, f = day_totals(model, q, agents, t, r, parts)
    duty = on_phone_s(agents) + over
    row["avail_s"] = float(duty.sum())
    row["overrun_s"] = float(over.sum())
    specialists = agents.seats.shape[0] > nf
    row.update(
        front_legs=int(n[bk.N_ANSWERED] + n[bk.N_FRONT2]),
        front_handle_s=float(x[bk.X_H1] + x[bk.X_H2_FRONT]),
        front_busy_s=float(res.busy_s[:nf].sum()),
        front_avail_s=float(duty[:nf].sum()),
        spec_offered=int(n[bk.N_TRANSFERRED]) if specialists else 0,
        spec_answered=int(n[bk.N_SPEC]),
        spec_abandoned=int(n[bk.N_LOST2]) if specialists else 0,
        spec_in_sl=int(n[bk.N_SPEC_IN_SL]),
        spec_wait_answered_s=float(x[bk.X_WAIT2_SPEC]),
        spec_legs=int(n[bk.N_SPEC]),
        spec_handle_s=float(x[bk.X_H2_SPEC]),
        spec_busy_s=float(res.busy_s[nf:].sum()),
        spec_avail_s=float(duty[nf:].sum()),
    )
    handle = np.zeros((2, 2))
    handle[FRONT] = (row["front_handle_s"], row["front_legs"])
    handle[SPECIALIST] = (row["spec_handle_s"], row["spec_legs"])
    # a call occupies a line from arrival until it ends or is abandoned
    row["cost_telephony"] = float(x[bk.X_LINE_S]) / 60.0 * model.cfg.costs.telephony_per_minute
    # the work the calls truly need at speed 1 (unseen by the planners), s: the front
    # line solves or, when the issue needs it, transfers; specialists solve transfers
    row["work_needed_s"] = float(x[bk.X_WORK])
    row["spec_work_needed_s"] = float(x[bk.X_SPEC_WORK])
    row.update(
        abandoned=int(k - n[bk.N_ANSWERED]),
        abandoned_after_transfer=int(n[bk.N_LOST2]),
        calls_answered=int(n[bk.N_ANSWERED]),
        answered_in_sl=int(n[bk.N_ANSWERED_IN_SL]),
        waited=int(n[bk.N_WAITED]),
        wait_answered_s=float(x[bk.X_WAIT_ANSWERED]),
        wait_all_s=float(x[bk.X_WAIT_ALL]),
        busy_s=float(res.busy_s.sum()),
        legs=int(n[bk.N_ANSWERED] + n[bk.N_H2]),
        handle_s=float(x[bk.X_H1] + x[bk.X_H2]),
        answered_owned=int(f[bk.D_OWNER]),
        resolved_true=int(n[bk.N_OWNER_RESOLVED]),
        coded_resolved=int(n[bk.N_OWNER_CODED]),
        # what an honest code says: the agent resolved its part (a department's failed
        # fulfilment later is no coding error)
        resolved_done=int(n[bk.N_OWNER_DONE]),
        surveys=int(f[bk.D_SURVEY]),
        survey_top2=int(f[bk.D_TOP2]),
        surveys_offered=int(f[bk.D_OFFERED]),
        surveys_honest=int(f[bk.D_HONEST_SURVEY]),
        survey_top2_honest=int(f[bk.D_HONEST_TOP2]),
        transfers=int(f[bk.D_TRANSFERRED]),
        hangups=int(f[bk.D_HUNG]),
        pushes=int(f[bk.D_PUSHED]),
        gaming_contacts=int(f[bk.D_GAMING]),
        false_resolutions=int(f[bk.D_FALSE_CODE]),
        steered=int(f[bk.D_STEER]),
        dumped=int(f[bk.D_DUMPED]),
        rushed=int(f[bk.D_RUSHED]),
        audited=int(f[bk.D_AUDITED]),
        detected=int(f[bk.D_DETECTED]),
    )
    # each total as numpy added the two legs' sums to zeros
    row.update(
        handle_s_natural=float(0.0 + x[bk.X_NATURAL1] + x[bk.X_NATURAL2]),
        handle_s_honest=float(0.0 + x[bk.X_HONEST1] + x[bk.X_HONEST2]),
        handle_s_gaming=float(0.0 + x[bk.X_GAMING1] + x[bk.X_GAMING2]),
        pace_sum=float(0.0 + x[bk.X_PACE1] + x[bk.X_PACE2]),
    )
    hold = float(x[bk.X_HOLD1] + x[bk.X_HOLD2])
    acw = float(x[bk.X_ACW1] + x[bk.X_ACW2])
    row["hold_s"] = hold
    row["acw_s"] = acw
    row["talk_s"] = row["handle_s"] - hold - acw
    # issue-level FCR: an issue's first contact is the first that reaches the centre (an
    # answered call or a web session; abandoned calls are not contacts, as in surveyed FCR)
    row["issues_new"] = row.get("issues_new", 0) + int(n[bk.N_FIRST])
    row["issues_first_resolved"] = row.get("issues_first_resolved", 0) + int(n[bk.N_FIRST_RESOLVED])
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
        The calls' true outcomes (``phone_outcomes.TrueOutcomes``).
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
