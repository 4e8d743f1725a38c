"""The metrics ``kpisim compare`` reports: one row of ``comparison.csv`` each.

Every numeric key of a run's summary (docs/reference.md lists them; not the keys from
the rollout day on, which the current arm, never switching, does not have: both arms are
the same run until the rollout day, so the whole run's difference is the difference from
it on), the derived ``pay_per_employee_annual``, the people extract of :mod:`.people`
(headcount flows, cost per hire, turnover by performance tier), and per toxic sign its
value and whether it was flagged.
``better`` says which direction is an improvement ("" when neither is).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..outputs.signs import SIGNS


@dataclass(frozen=True)
class Metric:
    """A reported metric: summary key, plain label, group, unit and better direction."""

    key: str
    label: str
    group: str
    unit: str
    better: str  # "higher" | "lower" | "" (neither)


def _m(key: str, label: str, group: str, unit: str, better: str = "") -> Metric:
    """A :class:`Metric`, positionally (keeps :data:`METRICS` one line per metric).

    Parameters
    ----------
    key : str
        Summary key (the column of ``replications.csv``).
    label : str
        Plain label in the report.
    group : str
        Section of ``comparison.csv`` the metric belongs to (``volume``, ``queue``, ...).
    unit : str
        Unit as :mod:`.formatting` prints it: ``share`` (in [0, 1]), ``s``, ``currency``
        units, a count's noun, a score.
    better : str
        ``higher``, ``lower`` or ``""`` when neither direction is an improvement.
    """
    return Metric(key, label, group, unit, better)


#: Every numeric summary key of a run, plus the report's derived metrics.
METRICS: tuple[Metric, ...] = (
    _m("contacts_total", "Contacts (phone + web)", "volume", "contacts"),
    _m("calls_offered", "Calls offered", "volume", "calls"),
    _m("calls_answered", "Calls answered", "volume", "calls"),
    _m("web_sessions", "Web self-service sessions", "volume", "sessions"),
    _m("service_level", "Service level (answered within 20 s)", "queue", "share", "higher"),
    _m("asa_s", "Average speed of answer", "queue", "s", "lower"),
    _m("p_wait", "Calls that had to wait", "queue", "share", "lower"),
    _m("abandon_rate", "Calls abandoned", "queue", "share", "lower"),
    _m("occupancy", "Agent occupancy", "queue", "share"),
    _m("aht_s", "Average handle time (AHT)", "measured", "s", "lower"),
    _m("fcr_measured", "First-contact resolution (as measured)", "measured", "share", "higher"),
    _m("csat_survey", "Customer satisfaction (survey)", "measured", "share", "higher"),
    # each arm under every definition (.definitions): comparable when the arms' differ
    _m("fcr_measured_as_self_coded", "FCR measured as agent codes", "measured", "share", "higher"),
    _m(
        "fcr_measured_as_no_repeat_7d",
        "FCR measured as no repeat in 7 days",
        "measured",
        "share",
        "higher",
    ),
    _m(
        "csat_measured_as_random_sample",
        "CSAT measured by random survey",
        "measured",
        "share",
        "higher",
    ),
    _m("quality_score", "Audit quality score (paid KPI)", "measured", "share", "higher"),
    _m("survey_response_rate", "Survey response rate", "measured", "share"),
    _m("friendliness_rating", "Friendliness rating", "measured", "score 1-5", "higher"),
    _m("transfer_rate", "Transfer rate", "measured", "share", "lower"),
    _m("web_containment", "Web containment", "measured", "share", "higher"),
    _m("fcr_true", "First-contact resolution (true)", "true", "share", "higher"),
    _m("csat_true", "Customer satisfaction (true, all contacts)", "true", "share", "higher"),
    _m("customer_effort", "Customer effort", "true", "score", "lower"),
    _m("repeat_contact_rate", "Repeat contacts", "true", "share", "lower"),
    _m("complaint_rate", "Complaints", "true", "share", "lower"),
    _m("handle_s_per_resolved", "Handling time per truly resolved contact", "true", "s", "lower"),
    _m("retention", "Customers retained (of those at start)", "true", "share", "higher"),
    _m("churn_rate_annual", "Customer churn", "true", "share/year", "lower"),
    _m("nps_true", "Net promoter score (true)", "true", "points", "higher"),
    _m("customers_active_end", "Active customers at the end", "true", "customers", "higher"),
    _m("revenue", "Revenue", "money", "currency", "higher"),
    _m("cost_total", "Total cost (every cost line)", "money", "currency", "lower"),
    _m("profit", "Profit (margin on revenue - cost)", "money", "currency", "higher"),
    _m("cost_labour", "Labour cost (overtime included)", "money", "currency", "lower"),
    _m("cost_overtime", "Overtime cost", "money", "currency", "lower"),
    _m("cost_bonus", "Bonus cost (loaded)", "money", "currency"),
    _m("cost_hiring", "Hiring cost", "money", "currency", "lower"),
    _m("cost_overhead", "Overhead (seats)", "money", "currency", "lower"),
    _m("cost_telephony", "Telephony cost", "money", "currency", "lower"),
    _m("cost_web", "Web self-service cost", "money", "currency", "lower"),
    _m("cost_one_off", "One-off cost of the change", "money", "currency", "lower"),
    _m("clv_mean", "Customer lifetime value", "money", "currency/customer", "higher"),
    _m("bonus_paid", "Bonus paid", "money", "currency"),
    _m("customer_equity_start", "Customer equity at the start", "value", "currency"),
    _m("customer_equity_end", "Customer equity at the end", "value", "currency", "higher"),
    _m("value", "Value (profit + change in customer equity)", "value", "currency", "higher"),
    _m("employee_satisfaction", "Employee morale (at the end)", "people", "0-1", "higher"),
    _m("staff_turnover_annual", "Staff turnover", "people", "share/year", "lower"),
    _m("pay_per_employee_annual", "Pay per employee", "people", "currency/year"),
    _m("headcount_start", "Headcount at the start", "people", "agents"),
    _m("hires", "Hires", "people", "hires"),
    _m("leavers", "Leavers (quits and dismissals)", "people", "leavers", "lower"),
    _m("dismissals", "Dismissals", "people", "dismissals"),
    _m("headcount_end", "Headcount at the end", "people", "agents"),
    _m("cost_per_hire", "Cost per hire (hiring and training)", "money", "currency/hire"),
    _m(
        "leavers_share_tier_low",
        "Left by the end: bottom third by true FCR",
        "people",
        "share",
        "lower",
    ),
    _m(
        "leavers_share_tier_mid",
        "Left by the end: middle third by true FCR",
        "people",
        "share",
        "lower",
    ),
    _m(
        "leavers_share_tier_high",
        "Left by the end: top third by true FCR",
        "people",
        "share",
        "lower",
    ),
    _m("gaming_rate", "Calls with a gaming act", "gaming", "share", "lower"),
    _m("false_resolution_rate", "False 'resolved' codes", "gaming", "share", "lower"),
    _m("survey_steering_rate", "Survey steering", "gaming", "share", "lower"),
    _m("dumped_call_rate", "Dumped calls (transfers/hang-ups)", "gaming", "share", "lower"),
    _m("rushed_contact_rate", "Rushed contacts", "gaming", "share", "lower"),
    _m("web_push_rate", "Callers pushed to the web", "gaming", "share", "lower"),
    _m("fcr_gap", "FCR gap (measured - true)", "gap", "share"),
    _m("csat_gap", "CSAT gap (survey - true)", "gap", "share"),
    _m(
        "fcr_gaming_gap",
        "FCR flattered by gaming (measured - honest record)",
        "gap",
        "share",
        "lower",
    ),
    _m(
        "csat_gaming_gap",
        "CSAT flattered by gaming (survey - honest record)",
        "gap",
        "share",
        "lower",
    ),
)

#: Per toxic sign: its value (``sign_<name>``), then whether it was flagged
#: (``sign_<name>_flag``, averaged over runs: the share of runs flagged).
SIGN_METRICS: tuple[Metric, ...] = tuple(
    _m(f"sign_{n}", f"Toxic sign value: {lab}", "toxic signs", "value") for n, lab in SIGNS
) + tuple(
    _m(f"sign_{n}_flag", f"Toxic sign flagged: {lab}", "toxic signs", "share of runs", "lower")
    for n, lab in SIGNS
)

#: The rows of ``comparison.csv``, in order.
COMPARISON_METRICS: tuple[Metric, ...] = METRICS + SIGN_METRICS
