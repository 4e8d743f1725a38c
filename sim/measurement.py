"""The one home of what the dashboard measures: every KPI's definition.

The model, the employees' learning replay, the outputs, the comparison and the app all
compute a KPI from counts with the functions here, so a definition (how FCR or CSAT is
recorded, what counts as the denominator) cannot drift between them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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


def measured_fcr(coded: Any, repeats: Any, owned: Any, fcr_def: str, div: Callable) -> Any:
    """FCR as the dashboard measures it: calls coded "resolved" per call owned
    (``self_coded``), or one minus repeat contacts per call owned (``no_repeat_7d``).
    ``div`` is the division to use (scalars, arrays or pandas Series)."""
    return div(coded, owned) if fcr_def == "self_coded" else 1.0 - div(repeats, owned)


def kpi_sample_sizes(c: Mapping[str, np.ndarray], csat_def: str) -> dict[str, np.ndarray]:
    """The number of observations behind each paid KPI of :func:`employee_kpis` (its
    denominator, from the same counts ``c``): call legs for ``aht``, ``transfer`` and
    ``web_deflection``, calls owned for ``fcr``, survey answers for ``csat`` (the agent's
    own surveys or the random survey's, by ``csat_def``), audited calls for ``quality``."""
    return {
        "aht": c["legs"],
        "fcr": c["answered"],
        "csat": c["surveys"] if agent_offers_survey(csat_def) else c["rnd_surveys"],
        "transfer": c["legs"],
        "web_deflection": c["legs"],
        "quality": c["audited"],
    }


def ratio_array(num: np.ndarray, den: np.ndarray, empty: float = np.nan) -> np.ndarray:
    """Element-wise ``num / den``; ``empty`` where ``den`` is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), empty)


def employee_kpis(c: Mapping[str, np.ndarray], fcr_def: str, csat_def: str) -> dict:
    """Each employee's KPIs as the measurement system records them, from period counts.

    ``c`` holds per-employee counts (any shape: the live ledger has one value per
    employee, the learning replay one per employee and candidate policy): ``handle_s``
    and ``legs`` (timer seconds and call legs), ``answered`` (calls the employee ended),
    ``coded`` (coded resolved), ``repeats`` (repeat contacts within the window),
    ``surveys``/``survey_top2`` (agent-offered answers and top-2-box ones),
    ``rnd_surveys``/``rnd_top2`` (the random survey), ``transfers``, ``pushes``,
    ``detected`` and ``audited`` (gaming acts caught, calls audited).

    Returns the paid KPIs (``aht`` s, ``fcr``, ``csat``, ``transfer``, ``web_deflection``,
    ``quality``) and the safety-net metrics (``repeat_rate``, ``fcr_no_repeat``,
    ``csat_random``), shares in [0, 1]; NaN where a KPI has no denominator.
    """
    repeat_rate = ratio_array(c["repeats"], c["answered"])
    fcr_no_repeat = measured_fcr(
        c["coded"], c["repeats"], c["answered"], "no_repeat_7d", ratio_array
    )
    csat_random = ratio_array(c["rnd_top2"], c["rnd_surveys"])
    return {
        "aht": ratio_array(c["handle_s"], c["legs"]),
        "fcr": measured_fcr(c["coded"], c["repeats"], c["answered"], fcr_def, ratio_array),
        "csat": ratio_array(c["survey_top2"], c["surveys"])
        if agent_offers_survey(csat_def)
        else csat_random,
        "transfer": ratio_array(c["transfers"], c["legs"]),
        "web_deflection": ratio_array(c["pushes"], c["legs"]),
        "quality": 1.0 - np.minimum(1.0, ratio_array(c["detected"], c["audited"], 0.0)),
        "repeat_rate": repeat_rate,
        "fcr_no_repeat": fcr_no_repeat,
        "csat_random": csat_random,
    }
