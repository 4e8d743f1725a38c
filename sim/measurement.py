"""The one home of what the dashboard measures: every KPI's definition.

The model, the employees' learning replay, the outputs, the comparison and the app all
compute a KPI from counts with the functions here, so a definition (how FCR or CSAT is
recorded, what counts as the denominator) cannot drift between them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd


def ratio(a: float, b: float) -> float:
    """a / b, NaN when b is 0 (a rate with no denominator is undefined, not 0)."""
    return float(a / b) if b else float("nan")


def rates(t: Callable[[str], Any], fcr_def: str, csat_def: str) -> dict[str, Any]:
    """Rates from totals ``t(name)`` (works on scalars and on pandas Series)."""
    fcr_measured = (
        _safe(t("coded_resolved"), t("answered_owned"))
        if fcr_def == "self_coded"
        else 1.0 - _safe(t("repeats_7d"), t("answered_owned"))
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
        "handle_s_per_resolved": _safe(t("handle_s"), t("resolved_true")),
    }


def _safe(a, b):
    if isinstance(b, pd.Series):
        return (a / b.where(b != 0)).astype(float)
    return ratio(a, b)


