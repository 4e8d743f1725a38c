"""The public API of docs/reference.md runs end to end on a small centre."""

from __future__ import annotations

from contract import SUMMARY_KEYS

from sim import run_simulation


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
