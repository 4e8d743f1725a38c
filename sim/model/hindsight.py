"""Hindsight: what an employee's period would have looked like under another policy.

Employees learn "toward what would have paid more" (docs/ODD.md, "Adaptation").  At the end of a pay
period each employee replays a sample of the calls it actually took — the same
customers, issues, waits and random draws (common random numbers) — under a few
alternative policies (one lever nudged up or down), and scores each alternative with
the *real* measurement rules and the *real* scheme.  Nothing here knows which KPIs are
paid: an alternative looks better only because the scheme's scoring of the measured
numbers says so, or because the customers' true outcomes (which the employee cares
about in proportion to its intrinsic motivation) improve.

Calls are replayed with the live call rules of ``call_rules.py`` (the same first-leg
decision, timer, resolution, coding and audit evidence as the real day) and measured
with ``sim.measurement``; survey answers, which are rare per employee, and repeat
contacts enter as their expected values.  The queue itself is held fixed
(an employee's own policy barely moves the waits of its customers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr

from ..measurement import REPEAT_WINDOW_DAYS, agent_offers_survey, employee_kpis, ratio_array
from . import behavior as bh
from . import call_rules as cr
from .call_rules import (
    AGENT_OFFER_RATE,
    ANSWER_NOISE,
    BEG_LIFT,
    GUESS_NOISE,
    TOP2,
    experience_answered,
    response_p,
)

if TYPE_CHECKING:
    from ..config import Config, HandlingConfig, SchemeConfig

#: Per-leg facts kept for hindsight.
LEG_FIELDS = (
    "seat",
    "second",
    "needs_transfer",
    "hard",
    "cx",
    "u_dump",
    "u_hang",
    "u_push",
    "u_res",
    "u_code",
    "wait_s",
    "extra",
    "carry",
    "xp_noise",
    "propensity",
    "skill",
    "speed",
    "ff",
)
#: Calls per employee replayed at the end of a period (bounded memory and attention).
SAMPLE_PER_EMPLOYEE = 40


class LegMemory:
    """The call legs answered during the current pay period (all employees)."""

    def __init__(self) -> None:
        self.chunks: list[dict[str, np.ndarray]] = []
        #: probability of remembering a leg: thins the memory to a few times the sample
        #: size (set from the previous period's volume; every leg has the same chance)
        self.keep_p = 1.0

    def add(self, **legs: np.ndarray) -> None:
        """Remember legs (the caller thins them with ``keep_p`` beforehand)."""
        self.chunks.append(legs)

    def retune(self, legs_per_employee: float) -> None:
        """Set the keep probability for the next period from this period's volume."""
        if legs_per_employee > 0:
            self.keep_p = min(1.0, 3.0 * SAMPLE_PER_EMPLOYEE / legs_per_employee)

    def clear(self) -> None:
        self.chunks.clear()

    def sample(self, rng: np.random.Generator, seats: np.ndarray) -> dict[str, np.ndarray]:
        """Up to ``SAMPLE_PER_EMPLOYEE`` random legs of each seat in ``seats``, with
        ``emp`` = the seat's position in ``seats``; legs come grouped by ``emp``."""
        if not self.chunks:
            return {f: np.empty(0) for f in (*LEG_FIELDS, "emp")}
        legs = {f: np.concatenate([c[f] for c in self.chunks]) for f in LEG_FIELDS}
        if legs["seat"].shape[0] == 0 or seats.shape[0] == 0:  # no leg remembered
            return {f: np.empty(0) for f in (*LEG_FIELDS, "emp")}
        pos = np.full(int(max(legs["seat"].max(), seats.max())) + 1, -1)
        pos[seats] = np.arange(seats.shape[0])
        emp = pos[legs["seat"]]
        # random priority within each employee; keep the first SAMPLE_PER_EMPLOYEE
        order = np.lexsort((rng.random(emp.shape[0]), emp))
        emp_sorted = emp[order]
        start = np.searchsorted(emp_sorted, emp_sorted, side="left")
        rank = np.arange(emp_sorted.shape[0]) - start
        keep = order[(rank < SAMPLE_PER_EMPLOYEE) & (emp_sorted >= 0)]
        out = {f: legs[f][keep] for f in LEG_FIELDS}
        out["emp"] = emp[keep]
        return out


def candidates(
    reference: np.ndarray, lo: np.ndarray, hi: np.ndarray, step: float, explore: np.ndarray
) -> np.ndarray:
    """Policies to compare, shape (n, 1 + 2 x levers, levers): the reference, then each
    lever nudged up and down by ``step`` (within bounds).  Levers with ``explore``
    False are not nudged (their candidates equal the reference)."""
    k = reference.shape[1]
    cand = np.repeat(reference[:, None, :], 1 + 2 * k, axis=1)
    for j in range(k):
        if not explore[j]:
            continue
        cand[:, 1 + 2 * j, j] = np.minimum(reference[:, j] + step, hi[:, j])
        cand[:, 2 + 2 * j, j] = np.maximum(reference[:, j] - step, lo[:, j])
    return cand


@dataclass
class Replayed:
    """Each sampled leg under each candidate policy, arrays of shape (legs, K)."""

    handled: np.ndarray
    transferred: np.ndarray
    hung: np.ndarray
    pushed: np.ndarray
    dumped: np.ndarray
    owned: np.ndarray  # the employee ended the call (handled or pushed to the web)
    handle_s: np.ndarray  # seconds on the timer
    resolved: np.ndarray  # the agent resolved its part (fulfilment aside: leg "ff")
    coded: np.ndarray
    rushed: np.ndarray
    false_code: np.ndarray
    xp: np.ndarray  # true experience, 0-10


def replay(
    legs: dict[str, np.ndarray], cand: np.ndarray, cfg: Config, scheme: SchemeConfig
) -> dict[str, np.ndarray]:
    """Measured KPIs, safety metrics and true quality of each employee under each
    candidate policy, arrays of shape (n, K), from its sampled legs."""
    e = legs["emp"].astype(np.int64)
    L = cand[e]  # (J, K, levers): each leg under each candidate of its employee
    r = replay_calls(legs, L, cfg.handling)
    return _measure(legs, L, r, e, cand.shape[:2], cfg, scheme)


def replay_calls(legs: dict[str, np.ndarray], L: np.ndarray, h: HandlingConfig) -> Replayed:
    """What each leg would have been under each policy in ``L`` (legs, K, levers), by
    the live call rules of ``call_rules.py`` and the leg's own random draws."""
    theta = L[..., bh.THOROUGHNESS]
    courtesy_l = L[..., bh.COURTESY]
    first = ~legs["second"].astype(bool)[:, None]
    needs = legs["needs_transfer"].astype(bool)[:, None]
    kind = np.where(
        first,
        cr.first_leg_kind(
            needs,
            legs["hard"].astype(bool)[:, None],
            legs["u_dump"][:, None],
            legs["u_hang"][:, None],
            legs["u_push"][:, None],
            L[..., bh.DUMP],
            L[..., bh.WEB_PUSH],
            h.hangup_share,
        ),
        cr.HANDLED,
    )  # a second leg (after a transfer) is always handled
    hung = kind == cr.HUNG_UP
    transferred = kind == cr.TRANSFERRED
    pushed = kind == cr.WEB_PUSHED
    handled = kind == cr.HANDLED
    handle_s = np.where(
        handled,
        cr.handle_seconds(
            h.mean_s * legs["cx"][:, None],
            theta / legs["speed"][:, None],
            courtesy_l * h.courtesy_max_s,
        ),
        h.transfer_handle_s,
    )
    cx = legs["cx"][:, None]
    resolved = handled & (
        legs["u_res"][:, None] < cr.p_resolve(legs["skill"][:, None], theta, cx, h)
    )
    false_code = cr.false_code(handled, resolved, legs["u_code"][:, None], L[..., bh.FALSE_CODING])
    courtesy = np.where(handled, courtesy_l, 0.0)
    xp = (
        experience_answered(
            resolved,
            legs["extra"][:, None],
            legs["wait_s"][:, None],
            transferred,
            hung,
            pushed,
            courtesy,
            legs["carry"][:, None],
        )
        + legs["xp_noise"][:, None]
    )
    return Replayed(
        handled=handled,
        transferred=transferred,
        hung=hung,
        pushed=pushed,
        dumped=(hung | transferred) & ~needs,
        owned=handled | pushed,
        handle_s=handle_s,
        resolved=resolved,
        coded=resolved | false_code,
        rushed=cr.rushed(handled, theta),
        false_code=false_code,
        xp=xp,
    )


def _measure(legs, L, r: Replayed, e, shape, cfg: Config, scheme: SchemeConfig) -> dict:
    """The replayed legs' per-employee counts, as the measurement system would record
    them (surveys and repeats as expected values), turned into KPIs by
    ``sim.measurement.employee_kpis``."""
    n, K = shape
    # surveys as expected values
    ans = response_p(legs["propensity"][:, None], r.xp) * r.owned
    p_top = ndtr((r.xp - TOP2) / ANSWER_NOISE)
    rnd = ans * scheme.survey_sample_rate
    rnd_top2 = rnd * p_top
    if agent_offers_survey(scheme.kpis.csat.definition):
        steer = L[..., bh.SURVEY_STEERING] * r.owned
        p_top_beg = ndtr((r.xp + BEG_LIFT - TOP2) / ANSWER_NOISE)
        p_looks = ndtr((r.xp - TOP2) / GUESS_NOISE)
        surveys = ans * AGENT_OFFER_RATE * (steer * p_looks + (1 - steer))
        top2 = ans * AGENT_OFFER_RATE * (steer * p_looks * p_top_beg + (1 - steer) * p_top)
    else:  # nobody offers a survey, so there is nothing to steer
        steer = np.zeros(L.shape[:2])
        surveys, top2 = rnd, rnd_top2
    p_within = 1.0 - (1.0 - 1.0 / cfg.customers.repeat_delay_days_mean) ** REPEAT_WINDOW_DAYS
    # a department's failed fulfilment (leg "ff") brings the customer back too
    solved = r.resolved & ~legs["ff"].astype(bool)[:, None]
    repeats = r.owned & ~solved
    repeats = repeats * cfg.customers.repeat_prob * p_within

    # legs come grouped by employee (see LegMemory.sample): sum each group at once
    starts = np.flatnonzero(np.r_[True, e[1:] != e[:-1]]) if e.shape[0] else e
    rows = e[starts]

    def per_emp(x: np.ndarray) -> np.ndarray:
        out = np.zeros((n, K))
        if starts.shape[0]:
            x = np.broadcast_to(x, (e.shape[0], K)).astype(float)
            out[rows] = np.add.reduceat(x, starts, axis=0)
        return out

    legs_n = per_emp(np.ones((1, K)))
    own_n = per_emp(r.owned)
    sch = scheme
    evidence = cr.audit_evidence(r.false_code, r.rushed, r.resolved)
    # steering is an act only where a survey is at stake (the agent offers one)
    steer_acts = steer * (
        AGENT_OFFER_RATE if agent_offers_survey(scheme.kpis.csat.definition) else 0.0
    )
    audit_acts = np.clip(evidence + (r.dumped | r.pushed) + steer_acts, 0.0, 1.0)
    detected = sch.audit_rate * sch.audit_detection * per_emp(audit_acts)
    counts = {
        "handle_s": per_emp(r.handle_s),
        "legs": legs_n,
        "answered": own_n,
        "coded": per_emp(r.coded),
        "repeats": per_emp(repeats),
        "surveys": per_emp(surveys),
        "survey_top2": per_emp(top2),
        "rnd_surveys": per_emp(rnd),
        "rnd_top2": per_emp(rnd_top2),
        "transfers": per_emp(r.transferred),
        "pushes": per_emp(r.pushed),
        "detected": detected,
        "audited": sch.audit_rate * legs_n,  # expected audits
    }
    out = employee_kpis(counts, sch.kpis.fcr.definition, sch.kpis.csat.definition)
    out["detected"] = detected
    out["quality_true"] = 0.5 * (
        ratio_array(per_emp(solved), own_n) + ratio_array(per_emp(r.xp >= TOP2), own_n)
    )
    out["legs"] = legs_n
    return out
