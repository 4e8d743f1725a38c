"""The one home of what the dashboard measures: every KPI's definition.

The model, the employees' learning replay, the outputs, the comparison and the app all
compute a KPI from counts with the functions here, so a definition (how FCR or CSAT is
recorded, what counts as the denominator) cannot drift between them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd


def ratio(a: float, b: float) -> float:
    """a / b, NaN when b is 0 (a rate with no denominator is undefined, not 0)."""
    return float(a / b) if b else float("nan")


def rates(t: Callable[[str], Any], fcr_def: str, csat_def: str) -> dict[str, Any]:
    """Rates from totals ``t(name)`` (works on scalars and on pandas Series)."""
    fcr_measured = measured_fcr(
        t("coded_resolved"), t("repeats_7d"), t("answered_owned"), fcr_def, _safe
    )
    return {
        "service_level": _safe(t("answered_in_sl"), t("calls_offered")),
        "asa_s": _safe(t("wait_answered_s"), t("calls_answered")),
        "p_wait": _safe(t("waited"), t("calls_offered")),
        "abandon_rate": _safe(t("abandoned"), t("calls_offered")),
        "occupancy": _safe(t("busy_s"), t("avail_s")),
        "aht_s": _safe(t("handle_s"), t("legs")),
        "fcr_measured": fcr_measured,
        "csat_survey": _safe(t("survey_top2"), t("surveys")),
        # the honest record of the same contacts: what the same measurement would have
        # shown had nobody gamed it (honest codes: the agent resolved its part; the
        # agent-offered survey unsteered)
        "fcr_honest": measured_fcr(
            t("resolved_done"), t("repeats_7d"), t("answered_owned"), fcr_def, _safe
        ),
        "csat_survey_honest": _safe(t("survey_top2_honest"), t("surveys_honest")),
        "survey_response_rate": _safe(t("surveys"), t("surveys_offered")),
        # FCR as SQM Group measures it: surveyed customers who say the issue was
        # resolved at the first contact (book_reported_fcr)
        "fcr_customer_reported": _safe(t("fcr_reported_yes"), t("fcr_reported_answers")),
        "friendliness_rating": _safe(t("friendliness_sum"), t("friendliness_n")),
        "transfer_rate": _safe(t("transfers"), t("legs")),
        "web_containment": 1.0 - _safe(t("web_escalated"), t("web_sessions")),
        "fcr_true": _safe(t("resolved_true"), t("answered_owned")),
        "csat_true": _safe(t("xp_top2"), t("contacts")),
        "customer_effort": _safe(t("effort_sum"), t("contacts")),
        "repeat_contact_rate": _safe(t("repeat_contacts"), t("contacts")),
        "complaint_rate": _safe(t("complaints"), t("contacts")),
        "gaming_rate": _safe(t("gaming_contacts"), t("calls_answered")),
        "false_resolution_rate": _safe(t("false_resolutions"), t("answered_owned")),
        "survey_steering_rate": _safe(t("steered"), t("answered_owned")),
        "dumped_call_rate": _safe(t("dumped"), t("calls_answered")),
        "rushed_contact_rate": _safe(t("rushed"), t("answered_owned")),
        "web_push_rate": _safe(t("pushes"), t("calls_answered")),
        "handle_s_per_resolved": _safe(t("handle_s"), t("resolved_true")),
    }


#: Seconds per hour (a per-hour rate divides by seconds / 3600).
SECONDS_PER_HOUR = 3600.0


def effort_rates(t: Callable[[str], Any]) -> dict[str, Any]:
    """The honest response and the handle-time split, from totals ``t(name)``.

    ``effort_response``: the mean pace of the agent who took each call leg, above the
    natural pace of 1 (0 = nobody works faster than its natural speed; 0.2 = legs are
    handled 20 % faster than the same agents' natural speed, at the same thoroughness).
    ``aht_change_honest_s`` and ``aht_change_gaming_s``: the seconds per call leg by
    which pace and diligence (honest), and rushing, dumps and web pushes (gaming), move
    the timer from the same agents' natural handling; they sum to ``aht_s`` minus
    ``aht_natural_s`` (negative = faster).  ``resolved_per_paid_hour`` and
    ``resolved_per_busy_hour``: truly resolved calls per paid hour (the centre's
    productivity, idle time included) and per hour the agents spent on calls (what
    their pace controls).  ``aht_talk_s``, ``aht_hold_s``, ``aht_acw_s``: the handle time
    in its parts (talk, hold, after-call work), s per call leg; they sum to ``aht_s``.
    """
    return {
        "effort_response": _safe(t("pace_sum"), t("legs")) - 1.0,
        "resolved_per_paid_hour": _safe(t("resolved_true"), t("paid_hours")),
        "resolved_per_busy_hour": _safe(t("resolved_true"), t("busy_s") / SECONDS_PER_HOUR),
        "aht_natural_s": _safe(t("handle_s_natural"), t("legs")),
        "aht_change_honest_s": _safe(t("handle_s_honest"), t("legs")),
        "aht_change_gaming_s": _safe(t("handle_s_gaming"), t("legs")),
        # handle time in its parts, s per call leg (they sum to aht_s)
        "aht_talk_s": _safe(t("talk_s"), t("legs")),
        "aht_hold_s": _safe(t("hold_s"), t("legs")),
        "aht_acw_s": _safe(t("acw_s"), t("legs")),
    }


#: Count columns behind each team's queue figures (front line, specialist team).
TEAM_COLUMNS = {
    "front": {
        "offered": "calls_offered",
        "answered": "calls_answered",
        "abandoned": "abandoned",
        "in_sl": "answered_in_sl",
        "wait": "wait_answered_s",
        "handle": "front_handle_s",
        "legs": "front_legs",
        "busy": "front_busy_s",
        "avail": "front_avail_s",
    },
    "specialist": {
        "offered": "spec_offered",
        "answered": "spec_answered",
        "abandoned": "spec_abandoned",
        "in_sl": "spec_in_sl",
        "wait": "spec_wait_answered_s",
        "handle": "spec_handle_s",
        "legs": "spec_legs",
        "busy": "spec_busy_s",
        "avail": "spec_avail_s",
    },
}


def team_rates(t: Callable[[str], Any], team: str) -> dict[str, Any]:
    """A team's queue figures from totals ``t(name)``: the front line's first legs, the
    specialists' legs after a transfer (same definitions as the centre's)."""
    c = TEAM_COLUMNS[team]
    return {
        "service_level": _safe(t(c["in_sl"]), t(c["offered"])),
        "asa_s": _safe(t(c["wait"]), t(c["answered"])),
        "abandon_rate": _safe(t(c["abandoned"]), t(c["offered"])),
        "aht_s": _safe(t(c["handle"]), t(c["legs"])),
        "occupancy": _safe(t(c["busy"]), t(c["avail"])),
    }


def _safe(a, b):
    """a / b elementwise on Series (NaN where b is 0), else :func:`ratio`; on numpy
    arrays, since the app recomputes these rates on every redraw."""
    if isinstance(b, pd.Series):
        bv = b.to_numpy(dtype=float)
        av = a.to_numpy(dtype=float) if isinstance(a, pd.Series) else float(a)
        out = np.full(bv.shape, np.nan)
        np.divide(av, bv, out=out, where=bv != 0)
        return pd.Series(out, index=b.index)
    return ratio(a, b)


# --------------------------------------------------------------------------- definitions
#: How FCR can be measured: from the agent's own disposition code, or as "no repeat
#: contact by the customer within ``REPEAT_WINDOW_DAYS`` working days".
FCR_DEFINITIONS = ("self_coded", "no_repeat_7d")
#: How CSAT can be measured: a post-call survey the agent offers, or the company's
#: random relationship survey across all contacts.
CSAT_DEFINITIONS = ("agent_offered", "random_sample")
#: A contact within this many working days of an answered call counts as its repeat.
REPEAT_WINDOW_DAYS = 7
#: Working days after a contact before its measured value is final, by definition (a
#: repeat can still arrive within the window); definitions not listed are final at once.
FEEDBACK_DELAY_DAYS = {"no_repeat_7d": REPEAT_WINDOW_DAYS}
#: Measured KPIs whose value for a contact needs the definition's future window
#: (:data:`FEEDBACK_DELAY_DAYS`): at the end of a run they are counted only over the
#: contacts whose window has closed (:func:`window_closed`).
WINDOWED_KPIS = ("fcr_measured", "fcr_honest")


def window_closed(day: Any, last_day: int, definition: str) -> Any:
    """Whether the contacts of ``day`` have a final measured value by ``last_day``: their
    feedback window (:data:`FEEDBACK_DELAY_DAYS`, working days) lies inside the run.

    A repeat on any of the ``REPEAT_WINDOW_DAYS`` working days after a call counts
    against it, so a call of day ``d`` is final once day ``d + 7`` has been simulated;
    calls of the last 7 days of a run would otherwise look resolved only because their
    repeats cannot be seen yet (right-censoring, which flatters measured FCR).

    Parameters
    ----------
    day : int or numpy.ndarray or pandas.Series
        Working day(s) of the contacts.
    last_day : int
        Last working day simulated.
    definition : str
        The KPI's definition (e.g. ``no_repeat_7d``; definitions without a window are
        always final).
    """
    return day + FEEDBACK_DELAY_DAYS.get(definition, 0) <= last_day


#: Each definition in plain words (for pages and reports).
DEFINITION_LABELS = {
    "self_coded": "Agent codes the call 'resolved'",
    "no_repeat_7d": f"No repeat call within {REPEAT_WINDOW_DAYS} days",
    "agent_offered": "Survey offered by the agent",
    "random_sample": "Random sample of customers",
}


def agent_offers_survey(csat_definition: str) -> bool:
    """Whether agents offer the survey themselves (so they can steer it)."""
    return csat_definition == "agent_offered"


def record_dashboard_surveys(row: dict, csat_definition: str) -> None:
    """The day's survey counts as the dashboard records them: under ``random_sample``
    the survey columns hold the random relationship survey's answers."""
    if not agent_offers_survey(csat_definition):
        row["surveys"] = row.get("rnd_surveys", 0)
        row["survey_top2"] = row.get("rnd_top2", 0)
        row["surveys_offered"] = row.get("rnd_sampled", 0)
        # nobody can steer the random survey: its honest record is itself
        row["surveys_honest"] = row["surveys"]
        row["survey_top2_honest"] = row["survey_top2"]


def book_reported_fcr(
    row: dict, answered: np.ndarray, first: np.ndarray, resolved: np.ndarray
) -> None:
    """Book the day's answers to the post-contact FCR question, as SQM Group measures FCR
    (post-call surveys of 500+ North American centres; "the percentage of callers who
    resolved their inquiry or problem on the first call"; SQM Group, "What Are the
    Industry Standards For the Top Call Center KPIs?", 2022).

    The customers who answer the company's post-contact survey about a call
    (``answered``: the random survey's sample and response propensity, with its response
    bias) and whose call was the issue's first contact to reach the centre (``first``)
    are asked whether the issue was resolved on that first contact. The answer is what
    they experienced (``resolved``): whether the issue was truly resolved, so that no
    further contact was needed; SQM defines FCR that way ("no repeat calls or contacts
    are required for follow-up from the initial call"; SQM Group, "5 Popular Metrics to
    Benchmark Your Call Center Customer Service", 2022), so a department's failed
    fulfilment counts as not resolved. No misreport or recall rate is applied (none was
    found published). Counts ``fcr_reported_answers`` and ``fcr_reported_yes``; their
    ratio is the summary key ``fcr_customer_reported``.

    Parameters
    ----------
    row : dict
        Today's record, booked in place.
    answered, first, resolved : numpy.ndarray
        Masks over the day's calls: the customer answered the survey; the call was the
        issue's first contact to reach the centre; the call truly resolved the issue.
    """
    asked = answered & first
    row["fcr_reported_answers"] = row.get("fcr_reported_answers", 0) + int(asked.sum())
    row["fcr_reported_yes"] = row.get("fcr_reported_yes", 0) + int((asked & resolved).sum())


def measured_fcr(coded: Any, repeats: Any, owned: Any, fcr_def: str, div: Callable) -> Any:
    """FCR as the dashboard measures it: calls coded "resolved" per call owned
    (``self_coded``), or one minus repeat contacts per call owned (``no_repeat_7d``).

    Parameters
    ----------
    coded : float, numpy.ndarray or pandas.Series
        Calls the agents coded "resolved" (count).
    repeats : float, numpy.ndarray or pandas.Series
        Repeat contacts within the window credited to those calls (count).
    owned : float, numpy.ndarray or pandas.Series
        Calls owned, i.e. ended by the agent (count).
    fcr_def : str
        The FCR definition, one of ``FCR_DEFINITIONS``.
    div : callable
        The division to use, ``div(num, den)`` (for scalars, arrays or pandas Series;
        it decides what an empty denominator gives).
    """
    return div(coded, owned) if fcr_def == "self_coded" else 1.0 - div(repeats, owned)


def ratio_array(num: np.ndarray, den: np.ndarray, empty: float = np.nan) -> np.ndarray:
    """Element-wise ``num / den``; ``empty`` where ``den`` is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), empty)


# --------------------------------------------------------------------------- the KPIs
#: Per-employee counts of a pay period, by name (see :func:`employee_kpis`).
Counts = Mapping[str, np.ndarray]


class Definitions(NamedTuple):
    """How the scheme measures FCR and CSAT (one of ``FCR_DEFINITIONS`` and
    ``CSAT_DEFINITIONS``): the choices a KPI's measurement may depend on."""

    fcr: str
    csat: str


#: The four perspectives of the Balanced Scorecard (Kaplan & Norton 1992), in the order
#: reports list them.
PERSPECTIVES = ("financial", "customer", "internal_process", "learning_growth")


@dataclass(frozen=True)
class KPI:
    """One metric of the measurement system, per employee and pay period: an entry of
    the registry :data:`KPIS`, from which the config schema, pay, learning, the
    dashboard and the imbalance sign all read."""

    #: key in ``employee_kpis`` (and, for a paid KPI, in ``scheme.kpis``)
    name: str
    #: what it measures, in plain words
    label: str
    #: "s" (seconds) or "share" (in [0, 1])
    unit: str
    #: which way is better: "higher" or "lower" (as ``KPIConfig.direction``)
    direction: Literal["higher", "lower"]
    #: its value per employee from the period's counts under the scheme's definitions
    measure: Callable[[Counts, Definitions], np.ndarray]
    #: a scheme can pay on it (a field of ``scheme.kpis``)
    paid: bool = False
    #: a scheme can name it as a paid KPI's safety-net metric (``safety_metric``)
    safety_net: bool = False
    #: Balanced-Scorecard perspective (one of ``PERSPECTIVES``; paid KPIs)
    perspective: str | None = None
    #: observations behind a paid KPI's value (its denominator), from the same counts
    observations: Callable[[Counts, Definitions], np.ndarray] | None = None
    #: the default scheme's settings of a paid KPI (``KPIConfig`` keywords besides
    #: ``weight``, 0, and ``direction``, the KPI's own): its curve and definition
    scheme_default: Mapping[str, float | str] = field(default_factory=dict)
    #: a breach of it as a safety net means customers suffer (the dashboard's
    #: customer side)
    customer_side: bool = False
    #: the learning replay measures it under each candidate policy; False: its counts
    #: are not in the replayed calls (complaints reach the company, not the call), so
    #: learning holds it at the period's actual value
    replayed: bool = True

    def __post_init__(self) -> None:
        if self.paid and (self.perspective not in PERSPECTIVES or self.observations is None):
            raise ValueError(f"paid KPI {self.name!r} needs a perspective and observations")


#: Every KPI, in the order of the employee table's ``n_`` columns and of
#: ``scheme.kpis`` (paid KPIs) and of the safety-net choices: adding a KPI is one entry
#: here (docs/architecture.md, "Where to add").
KPIS: dict[str, KPI] = {
    k.name: k
    for k in (
        KPI(
            name="aht",
            label="seconds on the timer per call leg (average handle time)",
            unit="s",
            direction="lower",
            measure=lambda c, d: ratio_array(c["handle_s"], c["legs"]),
            paid=True,
            perspective="internal_process",
            observations=lambda c, d: c["legs"],
            scheme_default={"target": 360.0, "threshold": 420.0, "stretch": 300.0},
        ),
        KPI(
            name="fcr",
            label="first-contact resolution by the scheme's FCR definition",
            unit="share",
            direction="higher",
            measure=lambda c, d: measured_fcr(
                c["coded"], c["repeats"], c["answered"], d.fcr, ratio_array
            ),
            paid=True,
            perspective="customer",
            observations=lambda c, d: c["answered"],
            scheme_default={
                "target": 0.75,
                "threshold": 0.65,
                "stretch": 0.85,
                "definition": "self_coded",
            },
        ),
        KPI(
            name="csat",
            label="top-2-box survey answers by the scheme's CSAT definition",
            unit="share",
            direction="higher",
            measure=lambda c, d: (
                ratio_array(c["survey_top2"], c["surveys"])
                if agent_offers_survey(d.csat)
                else ratio_array(c["rnd_top2"], c["rnd_surveys"])
            ),
            paid=True,
            perspective="customer",
            observations=lambda c, d: (
                c["surveys"] if agent_offers_survey(d.csat) else c["rnd_surveys"]
            ),
            scheme_default={
                "target": 0.80,
                "threshold": 0.70,
                "stretch": 0.90,
                "definition": "random_sample",
            },
        ),
        KPI(
            name="transfer",
            label="transfers per call leg",
            unit="share",
            direction="lower",
            measure=lambda c, d: ratio_array(c["transfers"], c["legs"]),
            paid=True,
            perspective="internal_process",
            observations=lambda c, d: c["legs"],
            scheme_default={"target": 0.08, "threshold": 0.15, "stretch": 0.05},
        ),
        KPI(
            name="web_deflection",
            label="callers sent to the website per call leg",
            unit="share",
            direction="higher",
            measure=lambda c, d: ratio_array(c["pushes"], c["legs"]),
            paid=True,
            perspective="financial",
            observations=lambda c, d: c["legs"],
            scheme_default={"target": 0.10, "threshold": 0.0, "stretch": 0.20},
        ),
        KPI(
            name="resolved_per_hour",
            label=(
                "calls coded resolved, less repeat contacts within the window (charged "
                "back), per paid hour on the phones (a piece rate when scored linearly)"
            ),
            unit="per_hour",
            direction="higher",
            measure=lambda c, d: net_resolved_per_hour(c),
            paid=True,
            perspective="financial",
            observations=lambda c, d: c["answered"],
            scheme_default={"target": 2.5, "threshold": 0.0, "stretch": 25.0, "cap": 10.0},
        ),
        KPI(
            name="repeat_rate",
            label="repeat contacts within the window per call owned",
            unit="share",
            direction="lower",
            measure=lambda c, d: ratio_array(c["repeats"], c["answered"]),
            safety_net=True,
            customer_side=True,
        ),
        KPI(
            name="fcr_no_repeat",
            label="FCR as no repeat contact within the window, whatever the scheme's definition",
            unit="share",
            direction="higher",
            measure=lambda c, d: measured_fcr(
                c["coded"], c["repeats"], c["answered"], "no_repeat_7d", ratio_array
            ),
            safety_net=True,
            customer_side=True,
        ),
        KPI(
            name="csat_random",
            label="top-2-box answers to the company's random relationship survey",
            unit="share",
            direction="higher",
            measure=lambda c, d: ratio_array(c["rnd_top2"], c["rnd_surveys"]),
            safety_net=True,
            customer_side=True,
        ),
        KPI(
            name="complaint_rate",
            label="formal complaints per call owned (0 without calls)",
            unit="share",
            direction="lower",
            measure=lambda c, d: ratio_array(c["complaints"], c["answered"], 0.0),
            safety_net=True,
            customer_side=True,
            replayed=False,
        ),
        KPI(
            name="quality",
            label="audit quality score: 1 - gaming acts caught per call audited (1 unaudited)",
            unit="share",
            direction="higher",
            measure=lambda c, d: (
                1.0 - np.minimum(1.0, ratio_array(c["detected"], c["audited"], 0.0))
            ),
            paid=True,
            safety_net=True,
            perspective="learning_growth",
            observations=lambda c, d: c["audited"],
            scheme_default={"target": 0.90, "threshold": 0.80, "stretch": 1.0},
        ),
    )
}


def net_resolved_per_hour(c: Counts) -> np.ndarray:
    """Calls recorded resolved (the agent's code) less the repeat contacts within
    ``REPEAT_WINDOW_DAYS`` credited to its calls, per paid hour on the phones
    (``duty_s``: shift less break, plus overtime): what a piece rate per resolved
    contact with repeats charged back pays on.  NaN where there is no paid time (or the
    counts carry none).

    Parameters
    ----------
    c : mapping of str to numpy.ndarray
        Per-employee counts: ``coded``, ``repeats`` and ``duty_s`` (seconds).
    """
    if "duty_s" not in c:
        return np.full(np.shape(c["coded"]), np.nan)
    return ratio_array(c["coded"] - c["repeats"], np.asarray(c["duty_s"]) / SECONDS_PER_HOUR)


def paid_kpis() -> tuple[str, ...]:
    """Names of the KPIs a scheme can pay on, in registry order."""
    return tuple(k.name for k in KPIS.values() if k.paid)


def safety_metrics() -> tuple[str, ...]:
    """Names of the metrics a scheme can name as safety nets, in registry order."""
    return tuple(k.name for k in KPIS.values() if k.safety_net)


def kpi_sample_sizes(c: Counts, fcr_def: str, csat_def: str) -> dict[str, np.ndarray]:
    """The number of observations behind each paid KPI of :func:`employee_kpis` (its
    denominator, from the same counts ``c``; ``KPI.observations``): call legs for
    ``aht``, ``transfer`` and ``web_deflection``, calls owned for ``fcr``, survey answers
    for ``csat`` (the agent's own surveys or the random survey's, by ``csat_def``),
    audited calls for ``quality``."""
    definitions = Definitions(fcr=fcr_def, csat=csat_def)
    return {k.name: k.observations(c, definitions) for k in KPIS.values() if k.paid}


def employee_kpis(c: Counts, fcr_def: str, csat_def: str, *, replay: bool = False) -> dict:
    """Each employee's KPIs as the measurement system records them, from period counts:
    every KPI of the registry :data:`KPIS`, by its ``measure``.

    Parameters
    ----------
    c : mapping of str to numpy.ndarray
        Per-employee counts (any shape: the live ledger has one value per employee, the
        learning replay one per employee and candidate policy): ``handle_s`` and
        ``legs`` (timer seconds and call legs), ``answered`` (calls the employee ended),
        ``coded`` (coded resolved), ``repeats`` (repeat contacts within the window),
        ``surveys``/``survey_top2`` (agent-offered answers and top-2-box ones),
        ``rnd_surveys``/``rnd_top2`` (the random survey), ``transfers``, ``pushes``,
        ``detected`` and ``audited`` (gaming acts caught, calls audited) and, unless
        ``replay``, ``complaints``.
    fcr_def, csat_def : str
        The scheme's FCR and CSAT definitions.
    replay : bool
        Measure only the KPIs the learning replay reproduces (``KPI.replayed``).

    Returns
    -------
    dict of str to numpy.ndarray
        The paid KPIs (``aht`` s, ``fcr``, ``csat``, ``transfer``, ``web_deflection``,
        ``quality``) and the safety-net metrics (``repeat_rate``, ``fcr_no_repeat``,
        ``csat_random``, ``complaint_rate``), shares in [0, 1]; NaN where a KPI has no
        denominator.
    """
    definitions = Definitions(fcr=fcr_def, csat=csat_def)
    return {k.name: k.measure(c, definitions) for k in KPIS.values() if k.replayed or not replay}
