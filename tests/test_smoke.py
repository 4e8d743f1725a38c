"""The public API of CONTRACT.md runs end to end on a small centre."""

from __future__ import annotations

from sim import run_simulation

SUMMARY_KEYS = [
    "contacts_total",
    "calls_offered",
    "calls_answered",
    "web_sessions",
    "service_level",
    "asa_s",
    "p_wait",
    "abandon_rate",
    "occupancy",
    "aht_s",
    "fcr_measured",
    "csat_survey",
    "survey_response_rate",
    "friendliness_rating",
    "transfer_rate",
    "web_containment",
    "fcr_true",
    "csat_true",
    "customer_effort",
    "repeat_contact_rate",
    "complaint_rate",
    "retention",
    "churn_rate_annual",
    "revenue",
    "cost_total",
    "profit",
    "clv_mean",
    "nps_true",
    "employee_satisfaction",
    "staff_turnover_annual",
    "gaming_rate",
    "false_resolution_rate",
    "survey_steering_rate",
    "dumped_call_rate",
    "rushed_contact_rate",
    "fcr_gap",
    "csat_gap",
    "toxic_signs",
]


def test_summary_has_every_contract_key(small_cfg):
    result = run_simulation(small_cfg)
    missing = [k for k in SUMMARY_KEYS if k not in result.summary]
    assert not missing
    assert len(result.daily) == small_cfg.days
    assert {"employee_id", "period"} <= set(result.employees.columns)
    signs = result.summary["toxic_signs"]
    assert set(signs) == {
        "contradiction",
        "chasing_numbers",
        "indicator_became_target",
        "not_informing_decisions",
        "imbalance",
    }
    for sign in signs.values():
        assert {"value", "flag", "sentence"} <= set(sign)
