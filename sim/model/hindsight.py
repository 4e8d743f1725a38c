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

Time saved is credited as the agent's share of the calls: calls go to the agent who
has been idle longest (``queue_kernel.py``), so an agent's working day is a string of
cycles, a call (``h`` seconds on the timer) then a wait in the line of idle agents
(``I`` seconds, zero when a caller is waiting).  How long an agent waits in that line
is set by the arrivals and by the colleagues ahead of it, not by its own speed, so an
agent that handles the same calls faster joins the line sooner and takes more of the
calls that arrive -- calls its colleagues would otherwise have taken -- even when the
team's total does not rise (a demand-limited centre).  In the same paid time the
candidate with mean timer seconds ``h`` per leg against the reference's ``h0`` would
therefore have taken ``(h0 + I) / (h + I) = 1 / (1 - rho x (1 - h / h0))`` times as
many legs (:func:`volume_factor`), where ``rho = h0 / (h0 + I)`` is the employee's
occupancy (timer seconds of its replayed legs over its paid seconds on the phones for
them).  All of the candidate's call counts are scaled by it, while the paid time
(``duty_s``: the period's seconds on the phones per leg, times the legs replayed) stays
what it was.  Ratios (AHT, FCR, CSAT) do not move with the volume; counts per paid hour
(``resolved_per_hour``) and the expected gaming acts caught do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr

from ..measurement import REPEAT_WINDOW_DAYS, agent_offers_survey, employee_kpis, ratio_array
from . import behavior as bh
from . import hindsight_kernel as hk
from . import replay_kernel as rk
from .call_rules import ANSWER_NOISE, BEG_LIFT, GUESS_NOISE, TOP2

if TYPE_CHECKING:
    from ..config import Config, SchemeConfig

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
        self.chunks = []
        #: probability of remembering a leg: thins the memory to a few times the sample
        #: size (set from the previous period's volume; every leg has the same chance)
        self.keep_p = 1.0

    @property
    def chunks(self) -> list[dict[str, np.ndarray]]:
        """The batches of legs remembered, in order."""
        return self._chunks

    @chunks.setter
    def chunks(self, batches: list[dict[str, np.ndarray]]) -> None:
        self._chunks = batches
        # each field's batches joined, kept until the memory changes: both teams'
        # closes of a period sample the same legs
        self._joined: dict[str, np.ndarray] = {}

    def add(self, **legs: np.ndarray) -> None:
        """Remember legs (the caller thins them with ``keep_p`` beforehand)."""
        self._chunks.append(legs)
        self._joined.clear()

    def retune(self, legs_per_employee: float) -> None:
        """Set the keep probability for the next period from this period's volume."""
        if legs_per_employee > 0:
            self.keep_p = min(1.0, 3.0 * SAMPLE_PER_EMPLOYEE / legs_per_employee)

    def clear(self) -> None:
        self._chunks.clear()
        self._joined.clear()

    def sample(self, rng: np.random.Generator, seats: np.ndarray) -> dict[str, np.ndarray]:
        """Up to ``SAMPLE_PER_EMPLOYEE`` random legs of each seat in ``seats``, with
        ``employee`` = the seat's position in ``seats``; legs come grouped by employee.

        Parameters
        ----------
        rng : numpy.random.Generator
            Draws which legs are kept.
        seats : numpy.ndarray
            The seats of the employees whose legs to sample, in ``staff`` order.
        """
        if not self.chunks:
            return {f: np.empty(0) for f in (*LEG_FIELDS, "employee")}
        joined = self._joined
        for f in LEG_FIELDS:
            if f not in joined:
                joined[f] = np.concatenate([c[f] for c in self._chunks])
        legs = {f: joined[f] for f in LEG_FIELDS}
        if legs["seat"].shape[0] == 0 or seats.shape[0] == 0:  # no leg remembered
            return {f: np.empty(0) for f in (*LEG_FIELDS, "employee")}
        position = np.full(int(max(legs["seat"].max(), seats.max())) + 1, -1)
        position[seats] = np.arange(seats.shape[0])
        employee = position[legs["seat"]]
        # random priority within each employee; keep the first SAMPLE_PER_EMPLOYEE
        priority = rng.random(employee.shape[0])
        keep = hk.first_by_priority(employee, priority, seats.shape[0], SAMPLE_PER_EMPLOYEE)
        out = {f: legs[f][keep] for f in LEG_FIELDS}
        out["employee"] = employee[keep]
        return out


def candidates(
    reference: np.ndarray, lo: np.ndarray, hi: np.ndarray, step: float, explore: np.ndarray
) -> np.ndarray:
    """Policies to compare, shape (n, 1 + 2 x levers, levers): the reference, then each
    lever nudged up and down by ``step`` (within bounds).  Levers with ``explore``
    False are not nudged (their candidates equal the reference).

    Parameters
    ----------
    reference : numpy.ndarray
        Each employee's settled policy, (n, levers).
    lo, hi : numpy.ndarray
        Each employee's lower and upper bounds of the levers, (n, levers).
    step : float
        Size of the nudge, in lever units.
    explore : numpy.ndarray
        Which levers are nudged (bool, one per lever).
    """
    n_levers = reference.shape[1]
    policies = np.repeat(reference[:, None, :], 1 + 2 * n_levers, axis=1)
    for j in range(n_levers):
        if not explore[j]:
            continue
        policies[:, 1 + 2 * j, j] = np.minimum(reference[:, j] + step, hi[:, j])
        policies[:, 2 + 2 * j, j] = np.maximum(reference[:, j] - step, lo[:, j])
    return policies


def replay(
    legs: dict[str, np.ndarray],
    candidates: np.ndarray,
    cfg: Config,
    scheme: SchemeConfig,
    paid_s_per_leg: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Measured KPIs, safety metrics and true quality of each employee under each
    candidate policy, arrays of shape (n, K), from its sampled legs.

    Each leg is replayed under each candidate by the live call rules of ``call_rules.py``
    with the leg's own random draws (the first-leg decision, timer, resolution, coding
    and experience), then measured (:func:`_measure`); both passes are compiled
    (``replay_kernel``).

    Parameters
    ----------
    legs : dict of str to numpy.ndarray
        The sampled legs (``LegMemory.sample``), grouped by ``employee``.
    candidates : numpy.ndarray
        Each employee's candidate policies, (n, K, levers) (:func:`candidates`).
    cfg : Config
        The run's configuration (handling rules, customers' repeat behaviour).
    scheme : SchemeConfig
        The scheme in force (measurement definitions, survey sampling, audits).
    paid_s_per_leg : numpy.ndarray or None
        Each employee's seconds on the phones in the period per call leg it took, (n,);
        None: unknown (a KPI per paid hour is then undefined, NaN).
    """
    employee_of_leg = legs["employee"].astype(np.int64)
    h = cfg.handling
    shape = (employee_of_leg.shape[0], candidates.shape[1])
    replayed = (
        np.empty(shape, np.int8),
        np.empty(shape, bool),
        np.empty(shape, bool),
        np.empty(shape),
        np.empty(shape),
        np.empty(shape, np.int64),
    )
    distinct = np.empty(shape[0] * shape[1])
    # the powers of ``call_rules.p_resolve`` in numpy, elementwise as it takes them
    powers = (
        np.minimum(1.0, candidates[..., bh.THOROUGHNESS]) ** h.rush_penalty_exponent,
        legs["cx"] ** -h.complexity_penalty,
    )
    facts = ("second", "needs_transfer", "hard", "cx", "wait_s", "extra", "carry", "speed")
    n_distinct = rk.replay_legs(
        (*(legs[f] for f in facts), legs["skill"]),
        tuple(legs[f] for f in ("u_dump", "u_hang", "u_push", "u_res", "u_code", "xp_noise")),
        candidates,
        employee_of_leg,
        powers,
        (h.mean_s, h.courtesy_max_s, h.transfer_handle_s, h.hangup_share),
        (*replayed, distinct),
    )
    return _measure(
        legs, (replayed, distinct[:n_distinct]), candidates, cfg, scheme, paid_s_per_leg
    )


def volume_factor(handle_s: np.ndarray, occupancy: np.ndarray) -> np.ndarray:
    """How many times the reference's call legs each candidate would have taken in the
    same paid time: ``1 / (1 - rho x (1 - h / h0))``, where ``h`` is the candidate's
    timer seconds over its replayed legs, ``h0`` the reference's (candidate 0) and
    ``rho`` the employee's occupancy under the reference.

    With calls routed to the longest-idle agent, each call of ``h0`` seconds is followed
    by a wait of ``I = h0 (1 - rho) / rho`` seconds in the line of idle agents, a wait
    that does not depend on the agent's own speed; legs per paid second are
    ``1 / (h + I)``, and ``(h0 + I) / (h + I)`` is the formula above.  At ``rho`` 0 the
    agent's count is set by the arrivals alone (factor 1); at ``rho`` 1 a caller is
    always waiting and the count scales as ``h0 / h``.  Time added costs calls the same
    way.

    Parameters
    ----------
    handle_s : numpy.ndarray
        Timer seconds of the replayed legs per employee and candidate, (n, K).
    occupancy : numpy.ndarray
        Each employee's share of its paid time on the phones spent on the replayed
        legs under the reference, (n, 1), in [0, 1].
    """
    h0 = handle_s[:, :1]
    relative = ratio_array(handle_s, np.broadcast_to(h0, handle_s.shape), 1.0)
    return 1.0 / (1.0 - np.clip(occupancy, 0.0, 1.0) * (1.0 - relative))


def _measure(
    legs: dict[str, np.ndarray],
    replayed: tuple[tuple[np.ndarray, ...], np.ndarray],
    candidates: np.ndarray,
    cfg: Config,
    scheme: SchemeConfig,
    paid_s_per_leg: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The replayed legs' per-employee counts, as the measurement system would record
    them (surveys and repeats as expected values), turned into KPIs by
    ``sim.measurement.employee_kpis``.

    Parameters
    ----------
    legs : dict of str to numpy.ndarray
        The sampled legs, grouped by employee.
    replayed : tuple
        Each leg under each candidate (``replay_kernel.replay_legs``): kind, resolved,
        falsely coded, timer seconds, experience and its place among the distinct
        experiences, (legs, K); and the distinct experiences.
    candidates : numpy.ndarray
        Each employee's candidate policies, (n, K, levers).
    cfg : Config
        The run's configuration (customers' repeat behaviour).
    scheme : SchemeConfig
        The scheme in force (measurement definitions, survey sampling, audits).
    paid_s_per_leg : numpy.ndarray or None
        Each employee's seconds on the phones per call leg in the period, (n,).

    Returns
    -------
    dict of str to numpy.ndarray
        Each replayed KPI (``KPI.replayed``), ``detected`` (expected gaming acts caught),
        ``quality_true`` (mean of true resolution and true top-2-box experience) and
        ``legs``, per employee and candidate, (n, K).
    """
    n_employees, n_candidates = candidates.shape[:2]
    agent_offered = agent_offers_survey(scheme.kpis.csat.definition)
    # surveys as expected values: answered top-2-box by the customer's answer noise, and
    # (agent-offered surveys) when begged, and by the agent's guess of a happy customer
    employee_of_leg = legs["employee"].astype(np.int64)
    replayed, xp = replayed  # ndtr once per distinct experience: the same values
    p_top2 = ndtr((xp - TOP2) / ANSWER_NOISE)
    if agent_offered:
        p_top2_begged = ndtr((xp + BEG_LIFT - TOP2) / ANSWER_NOISE)
        p_looks_happy = ndtr((xp - TOP2) / GUESS_NOISE)
    else:  # nobody offers a survey, so there is nothing to steer
        p_top2_begged = p_looks_happy = np.empty(0)
    p_within = 1.0 - (1.0 - 1.0 / cfg.customers.repeat_delay_days_mean) ** REPEAT_WINDOW_DAYS
    # legs come grouped by employee (see LegMemory.sample): sum each group at once
    group_starts = (
        np.flatnonzero(np.r_[True, employee_of_leg[1:] != employee_of_leg[:-1]])
        if employee_of_leg.shape[0]
        else employee_of_leg
    )
    sums = np.zeros((rk.N_SUMS, n_employees, n_candidates))
    rk.employee_sums(
        replayed,
        (p_top2, p_top2_begged, p_looks_happy),
        (legs["needs_transfer"], legs["propensity"], legs["ff"], employee_of_leg),
        candidates,
        group_starts.astype(np.int64),
        (scheme.survey_sample_rate, cfg.customers.repeat_prob, p_within, agent_offered),
        sums,
    )
    legs_n = np.zeros((n_employees, n_candidates))
    sizes = np.diff(np.r_[group_starts, employee_of_leg.shape[0]])
    legs_n[employee_of_leg[group_starts]] = sizes[:, None]
    handle_n = sums[rk.S_HANDLE]
    paid_s = legs_n * (np.nan if paid_s_per_leg is None else paid_s_per_leg[:, None])
    # occupancy under the reference (unknown paid time: the arrivals alone set the count)
    occupancy = np.nan_to_num(ratio_array(handle_n[:, :1], paid_s[:, :1], 0.0), nan=0.0)
    volume = volume_factor(handle_n, occupancy)  # legs taken in the same paid time
    owned_n = sums[rk.S_OWNED] * volume
    detected = scheme.audit_rate * scheme.audit_detection * sums[rk.S_AUDIT] * volume
    counts = {
        "handle_s": handle_n * volume,
        "legs": legs_n * volume,
        "answered": owned_n,
        "coded": sums[rk.S_CODED] * volume,
        "repeats": sums[rk.S_REPEATS] * volume,
        "surveys": sums[rk.S_SURVEYS] * volume,
        "survey_top2": sums[rk.S_SURVEY_TOP2] * volume,
        "rnd_surveys": sums[rk.S_RND] * volume,
        "rnd_top2": sums[rk.S_RND_TOP2] * volume,
        "transfers": sums[rk.S_TRANSFERS] * volume,
        "pushes": sums[rk.S_PUSHES] * volume,
        "detected": detected,
        "audited": scheme.audit_rate * legs_n * volume,  # expected audits
        "duty_s": paid_s,  # paid time on the phones does not move with the policy
    }
    out = employee_kpis(
        counts, scheme.kpis.fcr.definition, scheme.kpis.csat.definition, replay=True
    )
    out["detected"] = detected
    out["quality_true"] = 0.5 * (
        ratio_array(sums[rk.S_SOLVED] * volume, owned_n)
        + ratio_array(sums[rk.S_XP_TOP2] * volume, owned_n)
    )
    out["legs"] = legs_n
    return out
