"""The two ledgers of the day's answered calls: what really happened and what was recorded.

``true_outcomes`` decides each call's resolution, experience and effort from the agent's
levers and skill, the caller's issue and the other departments (the true ledger);
``root_causes`` books why each call came (contact drivers: the centre's own repeats and
the departments' failures); ``recorded_outcomes`` is what the measurement system saw:
the timer, the disposition code, the agent-offered survey and the audits.  Called by
``phone.serve_phone`` in that order, so the random draws keep their order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..measurement import agent_offers_survey
from . import behavior as bh
from . import call_rules as cr
from . import phone_kernel as pk
from .departments import NONE, fulfilment_fails

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .ledgers import DayRecord
    from .phone import OnDuty, Queued

#: A caller is frustrated (and may abuse the agent) from the third attempt on, after
#: waiting longer than this, or after spending this much effort on the issue already.
FRUSTRATION_ATTEMPT = 3
FRUSTRATION_WAIT_S = 180.0
FRUSTRATION_CARRY = 2.0
#: Probability that a frustrated caller abuses the agent who answers.  A modelling
#: assumption: customer verbal aggression is a routine part of call-centre work
#: (Grandey, Dickter & Sin 2004, J. Organizational Behavior 25(3)); with the defaults
#: about 3% of a baseline centre's answered calls are abusive.
ABUSE_PROB = 0.3


@dataclass
class TrueOutcomes:
    """What really happened on each call (true ledger), with the draws behind it."""

    answered: np.ndarray
    wait1: np.ndarray  # wait before the first agent answered (or abandoning), s
    wait: np.ndarray  # total wait, including after a transfer, s
    transferred: np.ndarray
    lost2: np.ndarray  # abandoned after a transfer
    handled: np.ndarray  # handled to the end by its final agent
    hung: np.ndarray
    pushed: np.ndarray
    dumped: np.ndarray
    final_srv: np.ndarray  # position of the final agent in today's agents (-1: none)
    fs: np.ndarray  # final_srv with 0 for none (for indexing)
    resolved: np.ndarray
    rushed: np.ndarray
    u_res: np.ndarray
    u_code: np.ndarray
    false_code: np.ndarray
    coded: np.ndarray
    extra: np.ndarray  # earlier attempts on the issue (at most 3)
    xp_noise: np.ndarray
    xp: np.ndarray  # true experience, 0-10
    eff: np.ndarray  # true effort, CES 1-7
    owner: np.ndarray  # the call has an agent who ended it
    done: np.ndarray  # the agent resolved its part (what an honest code says)
    fulfil_fail: np.ndarray  # the department's fulfilment would fail (departments.py)


def true_outcomes(model: ContactCentreModel, q: Queued, agents: OnDuty) -> TrueOutcomes:
    """Resolution, disposition code, experience and effort of each call.

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state).
    q:
        The day's calls after the queue (``phone.Queued``).
    agents:
        Today's agents on duty (``phone.OnDuty``).
    """
    rng, h = model.rng, model.cfg.handling
    calls, res = q.calls, q.res
    k = len(calls)
    pol = agents.policy
    # the final agent first (the resolution probability needs it: numpy's power)
    final_srv = np.where(res.kind1 == cr.TRANSFERRED, res.server2, res.server1)
    fs = np.where(final_srv >= 0, final_srv, 0)
    p_res = cr.p_resolve(agents.skill[fs], pol[fs, bh.THOROUGHNESS], calls.cx, h)
    # the draws, in their order of old; the rules of each call then in one compiled pass
    u_res = rng.random(k)
    # the agent resolves its part; a department-caused issue is solved for the customer
    # only if the department's fulfilment then does not fail (departments.py)
    fulfil_fail = fulfilment_fails(rng, model.cfg.departments, calls.cause)
    # the agent who ended a handled call codes it (hang-ups are "disconnected", web
    # pushes "deflected", transfers "transferred"): "resolved" when it did its part
    u_code = rng.random(k)
    xp_noise = rng.normal(0.0, 1.0, k)
    b, f = np.empty((pk.N_BOOL, k), bool), np.empty((pk.N_FLOAT, k))
    extra = np.empty(k, calls.attempt.dtype)
    pk.true_outcomes(
        (res.kind1, res.kind2),
        (q.arrival, res.start1, res.end1, res.start2),
        (calls.needs_transfer, calls.attempt, calls.carry, p_res),
        (u_res, fulfil_fail, u_code, xp_noise),
        (
            np.ascontiguousarray(pol[:, bh.THOROUGHNESS]),
            np.ascontiguousarray(pol[:, bh.FALSE_CODING]),
            np.ascontiguousarray(pol[:, bh.COURTESY]),
        ),
        fs,
        final_srv,
        b,
        f,
        extra,
    )
    return TrueOutcomes(
        answered=b[pk.B_ANSWERED],
        wait1=f[pk.F_WAIT1],
        wait=f[pk.F_WAIT],
        transferred=b[pk.B_TRANSFERRED],
        lost2=b[pk.B_LOST2],
        handled=b[pk.B_HANDLED],
        hung=b[pk.B_HUNG],
        pushed=b[pk.B_PUSHED],
        dumped=b[pk.B_DUMPED],
        final_srv=final_srv,
        fs=fs,
        resolved=b[pk.B_RESOLVED],
        rushed=b[pk.B_RUSHED],
        u_res=u_res,
        u_code=u_code,
        false_code=b[pk.B_FALSE_CODE],
        coded=b[pk.B_CODED],
        extra=extra,
        xp_noise=xp_noise,
        xp=f[pk.F_XP],
        eff=f[pk.F_EFF],
        owner=b[pk.B_OWNER],
        done=b[pk.B_DONE],
        fulfil_fail=fulfil_fail,
    )


def root_causes(
    model: ContactCentreModel, q: Queued, agents: OnDuty, t: TrueOutcomes, row: DayRecord
) -> None:
    """Book the department-caused calls the agents resolved and the fulfilments that
    failed after them; the final agent of each handled department-caused call may flag
    its root cause (``departments.Departments.flag``: by its thoroughness and intrinsic
    motivation).

    Parameters
    ----------
    model:
        The centre (read: configuration, random generator, state). The departments receive
        the flags.
    q:
        The day's calls after the queue (``phone.Queued``).
    agents:
        Today's agents on duty (``phone.OnDuty``).
    t:
        The calls' true outcomes (``phone_outcomes.TrueOutcomes``).
    row:
        Today's record (``ledgers.DayRecord``), booked in place.
    """
    dep_done = t.owner & t.done & (q.calls.cause != NONE)
    row["failure_demand_done"] = int(dep_done.sum())
    row["fulfilment_failures"] = int((dep_done & t.fulfil_fail).sum())
    mot = agents.motivation
    model.departments.flag(
        model.rng,
        q.calls.cause,
        t.handled & (t.final_srv >= 0),
        agents.policy[t.fs, bh.THOROUGHNESS],
        mot[t.fs],
        model.scheme.dashboard,
        row,
    )


@dataclass
class Recorded:
    """What the measurement system recorded beyond the timer and the code: the
    agent-offered survey, gaming acts, audits and abuse."""

    offered: np.ndarray
    survey: np.ndarray
    top2: np.ndarray
    steer: np.ndarray
    act_final: np.ndarray  # gaming act by the final agent (code, steering, rushing)
    act_first: np.ndarray  # gaming act by the first agent (dump, web push)
    gaming: np.ndarray
    audited: np.ndarray
    det_final: np.ndarray
    det_first: np.ndarray
    abused: np.ndarray
    # the honest record of the same calls: the agent-offered survey had nobody steered
    # it (every call with a survey at stake asked, no plea for a top score); the same
    # draws as the real record, so it differs from it only where somebody gamed
    honest_survey: np.ndarray | None = None
    honest_top2: np.ndarray | None = None


def recorded_outcomes(
    model: ContactCentreModel, q: Queued, agents: OnDuty, t: TrueOutcomes
) -> Recorded:
    """The agent-offered survey (if the scheme uses it), gaming acts, audits, abuse.

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
    """
    rng, sch, c = model.rng, model.scheme, model.customers
    calls = q.calls
    k = len(calls)
    pol = agents.policy
    owner, xp = t.owner, t.xp
    if agent_offers_survey(sch.kpis.csat.definition):
        answers = rng.random(k) < cr.response_p(c.survey_propensity[calls.cust], xp)
        u_steer = rng.random(k)
        looks_happy = xp + rng.normal(0.0, cr.GUESS_NOISE, k) >= cr.TOP2
        offer = owner & (rng.random(k) < cr.AGENT_OFFER_RATE)  # a survey is at stake
        # steering is an act only on calls where the agent offers a survey
        steer = offer & (u_steer < pol[t.fs, bh.SURVEY_STEERING])
        offered = offer & ~(steer & ~looks_happy)  # steering: unhappy customers not asked
        survey = offered & answers
        # steering also means asking for a top score
        answer = xp + rng.normal(0.0, cr.ANSWER_NOISE, k)
        top2 = survey & (answer + cr.BEG_LIFT * steer >= cr.TOP2)
        honest_survey = offer & answers
        honest_top2 = honest_survey & (answer >= cr.TOP2)
    else:
        offered = survey = top2 = steer = np.zeros(k, bool)
        honest_survey = honest_top2 = survey
    act_final = t.false_code | steer | t.rushed
    act_first = t.dumped | t.pushed
    audited = t.answered & (rng.random(k) < sch.audit_rate)
    detect = rng.random(k) < sch.audit_detection
    # an auditor hears a false code or a steered survey; rushing only when it failed
    det_final = audited & detect & (cr.audit_evidence(t.false_code, t.rushed, t.done) | steer)
    det_first = audited & detect & act_first
    # abuse: frustrated customers take it out on the agent who answers
    frustrated = t.answered & (
        (calls.attempt >= FRUSTRATION_ATTEMPT)
        | (t.wait1 > FRUSTRATION_WAIT_S)
        | (calls.carry >= FRUSTRATION_CARRY)
    )
    abused = frustrated & (rng.random(k) < ABUSE_PROB)
    return Recorded(
        offered,
        survey,
        top2,
        steer,
        act_final,
        act_first,
        act_final | act_first,
        audited,
        det_final,
        det_first,
        abused,
        honest_survey,
        honest_top2,
    )
