"""The compiled hindsight replay (``sim/model/replay_kernel.py``) gives, bit for bit,
the per-employee KPIs the numpy replay it replaced gave: the reference below is that code
(``hindsight.replay_calls`` and ``hindsight._measure`` as they were).  Random legs cover
every first-leg outcome, second legs, long waits, repeats, failed fulfilment, groups of
one leg and of more than 128 (numpy's pairwise sums), employees with no leg, unknown paid
time, and both survey definitions (agent-offered surveys steer)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pytest
from scipy.special import ndtr

from sim.config import Config, HandlingConfig, SchemeConfig, load_config
from sim.measurement import REPEAT_WINDOW_DAYS, agent_offers_survey, employee_kpis, ratio_array
from sim.model import behavior as bh
from sim.model import call_rules as cr
from sim.model import hindsight as hs
from sim.model.call_rules import (
    AGENT_OFFER_RATE,
    ANSWER_NOISE,
    BEG_LIFT,
    GUESS_NOISE,
    TOP2,
    experience_answered,
    response_p,
)


@dataclass
class Replayed:
    """Each sampled leg under each candidate policy, arrays of shape (legs, K)."""

    handled: np.ndarray
    transferred: np.ndarray
    hung: np.ndarray
    pushed: np.ndarray
    dumped: np.ndarray
    owned: np.ndarray
    handle_s: np.ndarray
    resolved: np.ndarray
    coded: np.ndarray
    rushed: np.ndarray
    false_code: np.ndarray
    xp: np.ndarray


def ref_replay_calls(
    legs: dict[str, np.ndarray], policies: np.ndarray, handling: HandlingConfig
) -> Replayed:
    thoroughness = policies[..., bh.THOROUGHNESS]
    courtesy_lever = policies[..., bh.COURTESY]
    complexity = legs["cx"][:, None]
    first = ~legs["second"].astype(bool)[:, None]
    needs_transfer = legs["needs_transfer"].astype(bool)[:, None]
    kind = np.where(
        first,
        cr.first_leg_kind(
            needs_transfer,
            legs["hard"].astype(bool)[:, None],
            legs["u_dump"][:, None],
            legs["u_hang"][:, None],
            legs["u_push"][:, None],
            policies[..., bh.DUMP],
            policies[..., bh.WEB_PUSH],
            handling.hangup_share,
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
            handling.mean_s * legs["cx"][:, None],
            cr.time_multiplier(thoroughness, legs["speed"][:, None], policies[..., bh.PACE]),
            courtesy_lever * handling.courtesy_max_s,
        ),
        handling.transfer_handle_s,
    )
    resolved = handled & (
        legs["u_res"][:, None]
        < cr.p_resolve(legs["skill"][:, None], thoroughness, complexity, handling)
    )
    false_code = cr.false_code(
        handled, resolved, legs["u_code"][:, None], policies[..., bh.FALSE_CODING]
    )
    courtesy_shown = np.where(handled, courtesy_lever, 0.0)
    xp = (
        experience_answered(
            resolved,
            legs["extra"][:, None],
            legs["wait_s"][:, None],
            transferred,
            hung,
            pushed,
            courtesy_shown,
            legs["carry"][:, None],
        )
        + legs["xp_noise"][:, None]
    )
    return Replayed(
        handled=handled,
        transferred=transferred,
        hung=hung,
        pushed=pushed,
        dumped=(hung | transferred) & ~needs_transfer,
        owned=handled | pushed,
        handle_s=handle_s,
        resolved=resolved,
        coded=resolved | false_code,
        rushed=cr.rushed(handled, thoroughness),
        false_code=false_code,
        xp=xp,
    )


def ref_measure(
    legs: dict[str, np.ndarray],
    calls: Replayed,
    *,
    policies: np.ndarray,
    employee_of_leg: np.ndarray,
    n_employees: int,
    cfg: Config,
    scheme: SchemeConfig,
    paid_s_per_leg: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    n_candidates = policies.shape[1]
    agent_offered = agent_offers_survey(scheme.kpis.csat.definition)
    # surveys as expected values
    answers = response_p(legs["propensity"][:, None], calls.xp) * calls.owned
    p_top2 = ndtr((calls.xp - TOP2) / ANSWER_NOISE)
    random_answers = answers * scheme.survey_sample_rate
    random_top2 = random_answers * p_top2
    if agent_offered:
        steering = policies[..., bh.SURVEY_STEERING] * calls.owned
        p_top2_begged = ndtr((calls.xp + BEG_LIFT - TOP2) / ANSWER_NOISE)
        p_looks_happy = ndtr((calls.xp - TOP2) / GUESS_NOISE)
        offered = answers * AGENT_OFFER_RATE
        surveys = offered * (steering * p_looks_happy + (1 - steering))
        survey_top2 = offered * (steering * p_looks_happy * p_top2_begged + (1 - steering) * p_top2)
    else:  # nobody offers a survey, so there is nothing to steer
        steering = np.zeros(policies.shape[:2])
        surveys, survey_top2 = random_answers, random_top2
    p_within = 1.0 - (1.0 - 1.0 / cfg.customers.repeat_delay_days_mean) ** REPEAT_WINDOW_DAYS
    # a department's failed fulfilment (leg "ff") brings the customer back too
    solved = calls.resolved & ~legs["ff"].astype(bool)[:, None]
    repeats = calls.owned & ~solved
    repeats = repeats * cfg.customers.repeat_prob * p_within

    # legs come grouped by employee (see LegMemory.sample): sum each group at once
    group_starts = (
        np.flatnonzero(np.r_[True, employee_of_leg[1:] != employee_of_leg[:-1]])
        if employee_of_leg.shape[0]
        else employee_of_leg
    )
    group_employee = employee_of_leg[group_starts]

    def per_employee(x: np.ndarray) -> np.ndarray:
        out = np.zeros((n_employees, n_candidates))
        if group_starts.shape[0]:
            x = np.broadcast_to(x, (employee_of_leg.shape[0], n_candidates)).astype(float)
            out[group_employee] = np.add.reduceat(x, group_starts, axis=0)
        return out

    legs_n = per_employee(np.ones((1, n_candidates)))
    handle_n = per_employee(calls.handle_s)
    paid_s = legs_n * (np.nan if paid_s_per_leg is None else paid_s_per_leg[:, None])
    # occupancy under the reference (unknown paid time: the arrivals alone set the count)
    occupancy = np.nan_to_num(ratio_array(handle_n[:, :1], paid_s[:, :1], 0.0), nan=0.0)
    volume = hs.volume_factor(handle_n, occupancy)  # legs taken in the same paid time
    owned_n = per_employee(calls.owned) * volume
    evidence = cr.audit_evidence(calls.false_code, calls.rushed, calls.resolved)
    # steering is an act only where a survey is at stake (the agent offers one)
    steering_acts = steering * (AGENT_OFFER_RATE if agent_offered else 0.0)
    audit_acts = np.clip(evidence + (calls.dumped | calls.pushed) + steering_acts, 0.0, 1.0)
    detected = scheme.audit_rate * scheme.audit_detection * per_employee(audit_acts) * volume
    counts = {
        "handle_s": handle_n * volume,
        "legs": legs_n * volume,
        "answered": owned_n,
        "coded": per_employee(calls.coded) * volume,
        "repeats": per_employee(repeats) * volume,
        "surveys": per_employee(surveys) * volume,
        "survey_top2": per_employee(survey_top2) * volume,
        "rnd_surveys": per_employee(random_answers) * volume,
        "rnd_top2": per_employee(random_top2) * volume,
        "transfers": per_employee(calls.transferred) * volume,
        "pushes": per_employee(calls.pushed) * volume,
        "detected": detected,
        "audited": scheme.audit_rate * legs_n * volume,  # expected audits
        "duty_s": paid_s,  # paid time on the phones does not move with the policy
    }
    out = employee_kpis(
        counts, scheme.kpis.fcr.definition, scheme.kpis.csat.definition, replay=True
    )
    out["detected"] = detected
    out["quality_true"] = 0.5 * (
        ratio_array(per_employee(solved) * volume, owned_n)
        + ratio_array(per_employee(calls.xp >= TOP2) * volume, owned_n)
    )
    out["legs"] = legs_n
    return out


def ref_replay(legs, candidates, cfg, scheme, paid_s_per_leg=None):
    employee_of_leg = legs["employee"].astype(np.int64)
    policies = candidates[employee_of_leg]
    calls = ref_replay_calls(legs, policies, cfg.handling)
    return ref_measure(
        legs,
        calls,
        policies=policies,
        employee_of_leg=employee_of_leg,
        n_employees=candidates.shape[0],
        cfg=cfg,
        scheme=scheme,
        paid_s_per_leg=paid_s_per_leg,
    )


def random_legs(rng: np.random.Generator, n_employees: int) -> dict[str, np.ndarray]:
    """Legs grouped by employee: groups of 0 to 200 legs (one of exactly one)."""
    sizes = rng.integers(0, 60, n_employees)
    sizes[rng.integers(n_employees)] = 1
    sizes[rng.integers(n_employees)] = 200
    employee = np.repeat(np.arange(n_employees), sizes)
    j = employee.shape[0]
    legs = {
        "seat": employee + 3,
        "second": rng.random(j) < 0.15,
        "needs_transfer": rng.random(j) < 0.1,
        "hard": rng.random(j) < 0.3,
        "cx": rng.lognormal(-0.1, 0.45, j),
        "u_dump": rng.random(j),
        "u_hang": rng.random(j),
        "u_push": rng.random(j),
        "u_res": rng.random(j),
        "u_code": rng.random(j),
        "wait_s": rng.exponential(150.0, j),
        "extra": rng.integers(0, 4, j).astype(np.int16),
        "carry": rng.choice([0.0, 1.0, 2.5], j),
        "xp_noise": rng.normal(0.0, 1.0, j),
        "propensity": rng.beta(1.0, 3.0, j),
        "skill": rng.uniform(0.5, 0.95, j),
        "speed": rng.lognormal(0.0, 0.2, j),
        "ff": rng.random(j) < 0.05,
        "employee": employee,
    }
    assert set(legs) == {*hs.LEG_FIELDS, "employee"}
    return legs


def random_candidates(rng: np.random.Generator, n: int) -> np.ndarray:
    intrinsic = np.column_stack(
        [
            rng.uniform(0.6, 1.3, n),  # thoroughness (some below the rushing line)
            rng.uniform(0.0, 1.0, n),  # courtesy
            rng.uniform(0.0, 0.6, n),  # dump
            rng.uniform(0.0, 0.5, n),  # false coding
            rng.uniform(0.0, 1.0, n),  # survey steering
            rng.uniform(0.0, 0.5, n),  # web push
            rng.uniform(0.8, 1.3, n),  # pace
        ]
    )
    lo, hi = bh.bounds(True, intrinsic)
    return hs.candidates(intrinsic, lo, hi, 0.1, np.ones(len(bh.LEVERS), bool))


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("csat", ["random_sample", "agent_offered"])
def test_replay_matches_the_numpy_replay(seed: int, csat: str) -> None:
    rng = np.random.default_rng(seed)
    cfg = load_config("baseline")
    scheme = replace(cfg.scheme, audit_rate=0.05, audit_detection=0.7)
    scheme.kpis.csat.definition = csat
    assert agent_offers_survey(csat) == (csat == "agent_offered")
    n = int(rng.integers(2, 40))
    legs = random_legs(rng, n)
    candidates = random_candidates(rng, n)
    paid = None if seed % 3 == 0 else rng.uniform(200.0, 900.0, n)
    want = ref_replay(legs, candidates, cfg, scheme, paid)
    got = hs.replay(legs, candidates, cfg, scheme, paid)
    assert list(want) == list(got)
    for key in want:
        assert same(want[key], got[key]), key
    # every first-leg outcome and both resolutions occurred
    kinds = ref_replay_calls(legs, candidates[legs["employee"]], cfg.handling)
    assert kinds.hung.any() and kinds.transferred.any() and kinds.pushed.any()
    assert kinds.resolved.any() and (kinds.handled & ~kinds.resolved).any()


def test_replay_of_no_legs_matches_the_numpy_replay() -> None:
    rng = np.random.default_rng(1)
    cfg = load_config("baseline")
    legs = {k: v[:0] for k, v in random_legs(rng, 3).items()}
    candidates = random_candidates(rng, 3)
    want = ref_replay(legs, candidates, cfg, cfg.scheme)
    got = hs.replay(legs, candidates, cfg, cfg.scheme)
    for key in want:
        assert same(want[key], got[key]), key
