"""The phone channel of one day: queue, true outcomes, what is recorded, follow-ups.

``serve_phone`` runs the day's calls through the compiled queue (``queue_kernel``) and
then books each call in the two ledgers: what really happened (resolution, experience,
effort: ``phone_outcomes.true_outcomes``) and what the measurement system recorded
(timer, disposition code, agent-offered survey, audits:
``phone_outcomes.recorded_outcomes``), per agent (``book_seats``) and
for the day (``book_day``).  A random share of the answered legs is remembered for the
employees' hindsight at the end of the pay period, and unresolved callers come back.
Random numbers are drawn in a fixed order, so a run is reproducible from its seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..measurement import agent_offers_survey, book_reported_fcr
from . import behavior as bh
from . import call_rules as cr
from . import experience, intraday
from . import phone_kernel as pk
from .arrivals import arrival_times, handle_busyness, handle_profile
from .call_records import calls_chunk, lost_calls_chunk
from .contacts import PHONE, WEB, Contacts, repeat_delay
from .employee import column, learned, proficiency
from .phone_booking import book_day, book_seats, leg_parts, overtime_s, remember_legs
from .phone_outcomes import (
    Recorded,
    TrueOutcomes,
    recorded_outcomes,
    root_causes,
    true_outcomes,
)
from .planning import FRONT, interval_counts, on_phone_agents
from .queue_kernel import DayResult, simulate_day

if TYPE_CHECKING:
    from ..config import Config
    from .centre import ContactCentreModel
    from .ledgers import DayRecord
    from .workforce import Duty

#: Effort (CES) a repeat adds to the issue, and the most an issue can carry.
CARRY_PER_REPEAT = 0.5
CARRY_MAX = 4.0
#: Experience and effort of calls lost because nobody was on duty.
XP_NOBODY = 3.0
EFFORT_NOBODY = 4.0


@dataclass
class OnDuty:
    """Today's agents on duty, as arrays (one row per agent): the front line's first
    (``n_front`` of them), then the specialists'."""

    seats: np.ndarray  # seat of each agent
    policy: np.ndarray  # (agents, levers)
    speed: np.ndarray
    skill: np.ndarray
    friendliness: np.ndarray
    motivation: np.ndarray  # intrinsic care for the customer's outcome, 0-1
    n_front: int
    start: np.ndarray  # shift start, s since opening
    end: np.ndarray  # shift end, s since opening
    brk_start: np.ndarray  # off-phone blocks due (agents x blocks), s since opening
    brk_len: np.ndarray  # their lengths (agents x blocks; 0 = none), s


def on_duty(cfg: Config, duties: list[Duty]) -> OnDuty:
    """Today's agents on duty as arrays, from each team's duty (front line first).

    Parameters
    ----------
    cfg:
        The run's configuration.
    duties:
        Each team's duty today (``workforce.Duty``), front line first.
    """
    people = [s for duty in duties for s in duty.staff]
    k = len(people)

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(duty, name) for duty in duties])

    blocks = [duty.blocks() for duty in duties]
    # Employee.handling_speed and .skill, for all of them at once
    days = column(people, "phone_days")
    nesting = proficiency(cfg, days, column(people, "in_classroom", bool))
    speed = column(people, "speed") * nesting
    skill = column(people, "potential_skill") * learned(cfg, days)
    return OnDuty(
        seats=column(people, "seat", np.int64),
        policy=np.concatenate([s.policy for s in people]).reshape(k, len(bh.LEVERS))
        if k
        else np.zeros((0, len(bh.LEVERS))),
        speed=speed,
        skill=skill,
        friendliness=column(people, "friendliness"),
        motivation=column(people, "motivation"),
        n_front=len(duties[FRONT].staff),
        start=cat("start"),
        end=cat("end"),
        brk_start=np.concatenate([b[0] for b in blocks]),
        brk_len=np.concatenate([b[1] for b in blocks]),
    )


@dataclass
class Queued:
    """The day's calls after the queue: the calls (in queue order), their draws and
    the queue's per-call results."""

    calls: Contacts
    arrival: np.ndarray
    pf: np.ndarray  # patience factors of the callers
    hard: np.ndarray
    u_dump: np.ndarray
    u_hang: np.ndarray
    u_push: np.ndarray
    res: DayResult
    work_s: np.ndarray  # the work each call needs at speed 1, s (the queue's handle basis)


@dataclass
class PhoneDay:
    """What the phone day hands back to the model (``ContactCentreModel._book_phone``)."""

    #: calls offered per interval to each team today (front line, specialists)
    offered: tuple[np.ndarray, np.ndarray]
    #: per team (rows): the dashboard's handle seconds and call legs today (columns)
    handle: np.ndarray
    #: today's call-detail records (``call_records.FIELDS``; None when not exported)
    records: dict[str, np.ndarray] | None
    #: each team's agents on the phones per interval after the intraday changes (None:
    #: as booked at the start of the day)
    on_phones: list[np.ndarray] | None = None


def serve_phone(
    model: ContactCentreModel, calls: Contacts, d: int, row: DayRecord, duties: list[Duty]
) -> PhoneDay:
    """Run one day of the phone channel and book every call.

    Parameters
    ----------
    model:
        The centre (read; its ledgers, customers and contact book are booked).
    calls:
        The day's phone calls.
    d:
        Today (working day index).
    row:
        Today's record.
    duties:
        Each team's duty today (``workforce.Duty``), front line first.
    """
    k, m = len(calls), len(duties[FRONT].staff)
    row["calls_offered"] = k
    if k == 0 or m == 0:
        offered = offered_intervals(model.cfg, np.zeros(0), np.zeros(0))
        records = None
        if k:  # nobody on duty: every call is lost
            row["abandoned"] = k
            records = lost_calls_chunk(model, calls, d)
            experience.book_experience(
                model.rng,
                model.customers,
                model.cfg.customers,
                calls.cust,
                np.full(k, XP_NOBODY),
                np.full(k, EFFORT_NOBODY),
                day=d,
                row=row,
                attempt=calls.attempt,
                survey_rate=model.scheme.survey_sample_rate,
            )
        return PhoneDay(offered, np.zeros((2, 2)), records)
    arrival = arrival_times(model.rng, k, model.profile)
    intraday.adjust(model, arrival, duties, row)  # the day's re-forecast: overtime, VTO
    agents = on_duty(model.cfg, duties)
    q = queue_day(model, calls, agents, arrival)
    t = true_outcomes(model, q, agents)
    root_causes(model, q, agents, t, row)
    r = recorded_outcomes(model, q, agents, t)
    parts = leg_parts(model, q, agents)
    records = calls_chunk(model, q, agents, t, d, parts)
    over = overtime_s(q, agents)
    book_seats(model, q, agents, t, r, over)
    handle = book_day(model, q, agents, t, r, over, row, parts)
    offered = offered_intervals(model.cfg, q.arrival, q.res.end1[t.transferred])
    remember_legs(model, q, agents, t, d)
    follow_up(model, q, agents, t, r, d, row)
    on_phones = [on_phones_today(model.cfg, duty) for duty in duties]
    return PhoneDay(offered, handle, records, on_phones)


def on_phones_today(cfg: Config, duty: Duty) -> np.ndarray:
    """Mean agents of a duty on the phones per interval (shifts less every off-phone
    block), after the day's intraday changes.

    Parameters
    ----------
    cfg:
        The run's configuration.
    duty:
        A team's duty today.
    """
    st, ln = duty.blocks()
    return on_phone_agents(cfg, duty.start, duty.end, st, ln)


def queue_day(
    model: ContactCentreModel,
    calls: Contacts,
    agents: OnDuty,
    arrival: np.ndarray | None = None,
) -> Queued:
    """Draw arrival times (unless given), patience and the agents' per-call decisions'
    uniforms, and run the compiled queue.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    calls:
        The day's phone calls.
    agents:
        Today's agents on duty (``phone.OnDuty``).
    arrival:
        The calls' join times, s since opening, sorted (default: drawn here).
    """
    cfg, rng, c = model.cfg, model.rng, model.customers
    h = cfg.handling
    k = len(calls)
    if arrival is None:
        arrival = arrival_times(rng, k, model.profile)
    calls = calls.take(rng.permutation(k))  # calls take the times in random order
    pm = cfg.customers.patience_mean_s
    if cfg.demand.calls_per_hour is None:
        pf = c.patience_factor[calls.cust].astype(np.float64)
    else:  # validation mode: plain exponential patience, as in Erlang A
        pf = np.ones(k)
    if pm is None:
        pat = np.full(k, np.inf)
        pat2 = pat
    else:
        pat = rng.exponential(pm, k) * pf
        # after a transfer: a fresh patience, scaled by teams.transfer_patience_factor
        pat2 = rng.exponential(pm, k) * pf * cfg.teams.transfer_patience_factor
    hard = calls.cx > h.hard_complexity
    pol = agents.policy
    u_dump, u_hang, u_push = rng.random(k), rng.random(k), rng.random(k)
    # the day's handle-time factor (1 unless handling.daily_cv) times the work,
    # times the time of day's (handling.interval_factors) of the call's arrival
    work = h.mean_s * handle_busyness(cfg, model.day) * calls.cx
    tod = handle_profile(cfg, arrival)
    if tod is not None:
        work = work * tod
    res = simulate_day(
        arrival,
        pat,
        work,
        cr.time_multiplier(pol[:, bh.THOROUGHNESS], agents.speed, pol[:, bh.PACE]),
        pol[:, bh.COURTESY] * h.courtesy_max_s,
        patience2_s=pat2,
        needs_transfer=calls.needs_transfer,
        hard=hard,
        u_dump=u_dump,
        u_hang=u_hang,
        u_push=u_push,
        dump_prob=pol[:, bh.DUMP],
        push_prob=pol[:, bh.WEB_PUSH],
        hangup_share=h.hangup_share,
        transfer_s=h.transfer_handle_s,
        n_front=agents.n_front,
        shift_start=agents.start,
        shift_end=agents.end,
        break_start=agents.brk_start,
        break_len=agents.brk_len,
        close_s=cfg.channels.open_s,
    )
    return Queued(calls, arrival, pf, hard, u_dump, u_hang, u_push, res, work)


def offered_intervals(
    cfg: Config, front_s: np.ndarray, second_s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The day's offered calls per interval of each team, from their join times (s since
    opening): the history the staffing plan forecasts from.

    Parameters
    ----------
    cfg:
        The run's configuration (the intervals).
    front_s:
        Join times of the calls offered to the front line, s since opening.
    second_s:
        Join times of the transfers offered to the specialists, s since opening.
    """
    return interval_counts(cfg, front_s), interval_counts(cfg, second_s)


def follow_up(
    model: ContactCentreModel,
    q: Queued,
    agents: OnDuty,
    t: TrueOutcomes,
    r: Recorded,
    d: int,
    row: DayRecord,
) -> None:
    """Customers' side of the day's calls: experience (loyalty, complaints, churn,
    random survey), ratings of the agents, patience, and repeat contacts.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). Its customers, seat
        ledger and contact book are booked.
    q:
        The day's calls after the queue (``phone.Queued``).
    agents:
        Today's agents on duty (``phone.OnDuty``).
    t:
        The calls' true outcomes (``phone.TrueOutcomes``).
    r:
        What the measurement system recorded (``phone.Recorded``).
    d:
        Today (working day index).
    row:
        Today's record (``ledgers.DayRecord``), booked in place.
    """
    cfg, rng, c, calls = model.cfg, model.rng, model.customers, q.calls
    k, led, seats = len(calls), model.seat_ledger, agents.seats
    owner, fsrv = t.owner, t.final_srv
    complained, rnd_survey, rnd_top2 = experience.book_experience(
        rng,
        c,
        cfg.customers,
        calls.cust,
        t.xp,
        t.eff,
        day=d,
        row=row,
        attempt=calls.attempt,
        survey_rate=model.scheme.survey_sample_rate,
    )
    led.add(seats, fsrv[owner & complained], "complaints")
    first = (calls.reached == 0) & t.answered  # the first contact to reach us
    book_reported_fcr(row, rnd_survey, first, owner & t.resolved)
    rs = owner & rnd_survey
    led.add(seats, fsrv[rs], "rnd_surveys")
    led.add(seats, fsrv[rs], "rnd_top2", rnd_top2[rs])
    # friendliness rating (1-5) given by the surveyed customers of owned calls
    agent_offered = agent_offers_survey(model.scheme.kpis.csat.definition)
    rated = (r.survey if agent_offered else rs) & owner
    noise = rng.normal(0.0, 1.0, k)
    u_back = rng.random(k)
    # the ratings, each owned call remembered as its customer's last, the callers'
    # patience (worn by a bad experience) and who comes back, in one compiled pass
    back = np.empty(k, bool)
    cc = cfg.customers
    friendly_sum, n_rated = pk.after_calls(
        calls.cust,
        t.fs,
        (owner, rated, r.steer, t.resolved),
        (t.xp, q.pf, noise, u_back),
        (agents.friendliness, np.ascontiguousarray(agents.policy[:, bh.COURTESY]), seats),
        (cr.BAD, cc.patience_repeat_factor, cc.repeat_prob, d, model.period),
        (c.last_contact_day, c.last_contact_seat, c.last_contact_period, c.patience_factor),
        back,
    )
    row["friendliness_sum"] = float(friendly_sum)
    row["friendliness_n"] = int(n_rated)
    if cfg.demand.calls_per_hour is None and back.any():
        nxt = calls.take(back)
        nxt.attempt = nxt.attempt + 1
        nxt.reached = nxt.reached + t.answered[back]
        nxt.carry = np.minimum(nxt.carry + CARRY_PER_REPEAT, CARRY_MAX)
        pushed = t.pushed[back]
        nxt.route = np.where(pushed, WEB, PHONE).astype(np.int8)
        delay = np.where(
            pushed, 1, repeat_delay(rng, cfg.customers.repeat_delay_days_mean, len(nxt))
        )
        model.book.schedule_after(d, nxt, delay)
