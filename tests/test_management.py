"""Managers who read the dashboard (``sim/model/management.py``) and sign 4.

Small centres (60,000 customers, 22 agents: the default staffing ratio) over three to
four monthly pay periods, on paired seeds: the arms of a comparison share the seed, so
they share every random draw until their first decision differs.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest

from sim import ConfigError, load_config, run_simulation
from sim.model import ContactCentreModel, workforce
from sim.model import behavior as bh
from sim.model import dashboard as db
from sim.model.management import AT_LIMIT, ratcheted, redesigned
from sim.model.planning import FRONT

logging.getLogger("MESA").setLevel(logging.WARNING)

SIZE = ["customers.n=60000", "employees.n=22", "days=126"]
SEEDS = (0, 1, 2)


def run(
    scenario: str, *overrides: str, seed: int = 0, days: int | None = None, keep_model: bool = False
):
    ov = [*SIZE, f"seed={seed}", *overrides]
    if days is not None:
        ov.append(f"days={days}")
    return run_simulation(load_config(scenario, ov), keep_model=keep_model)


@pytest.fixture(scope="module")
def arms():
    """hidden_phone and hidden_phone_safety_net on paired seeds, six pay periods (the
    models kept: sign 4's test reads the managers' reviews)."""
    return {
        sc: [run(sc, seed=s, keep_model=True) for s in SEEDS]
        for sc in ("hidden_phone", "hidden_phone_safety_net")
    }


def test_safety_nets_move_the_number_the_plain_dashboard_keeps_it_hidden(arms):
    for plain, net in zip(arms["hidden_phone"], arms["hidden_phone_safety_net"], strict=True):
        assert plain.summary["phone_one_click_day"] == -1
        assert plain.summary["phone_visibility_end"] == "hidden"
        day = net.summary["phone_one_click_day"]
        assert 0 < day < 126, f"the number never moved under the safety nets: {day}"
        assert net.summary["phone_visibility_end"] == "one_click"
        row = net.decisions[net.decisions["action"] == "phone_one_click"].iloc[0]
        # the trigger is on the dashboard: a customer-side metric beyond its limit
        assert row["metric"] in ("csat_random", "repeat_rate", "fcr_no_repeat", "complaint_rate")
        worse_high = row["metric"] in ("repeat_rate", "complaint_rate")
        assert row["measured"] > row["limit"] if worse_high else row["measured"] < row["limit"]
        assert np.isfinite(row["true"])  # the truth of the same quantity, for diagnosis


def test_the_move_follows_the_dashboard_not_the_scenario_name():
    """hidden_phone with the safety-net scheme moves the number; the safety-net scenario
    with the plain scheme (or with the manager off) does not."""
    assert run("hidden_phone", "scheme=deflection_safety_net").summary["phone_one_click_day"] > 0
    assert run("hidden_phone_safety_net", "scheme=deflection").summary["phone_one_click_day"] == -1
    off = run("hidden_phone_safety_net", "management.enabled=false")
    assert off.summary["phone_one_click_day"] == -1 and off.summary["manager_decisions"] == 0


def test_decision_delay_postpones_the_action_by_that_many_days():
    days = {}
    for delay in (0, 10):
        r = run("hidden_phone_safety_net", f"management.decision_delay_days={delay}")
        row = r.decisions[r.decisions["action"] == "phone_one_click"].iloc[0]
        assert row["day"] == row["detected_day"] + 1 + delay
        days[delay] = int(row["day"])
        # every decision, not only the first, takes effect `delay` days after detection
        assert (r.decisions["day"] == r.decisions["detected_day"] + 1 + delay).all()
    # (the detection day itself may differ: earlier decisions also wait, and the random
    # survey sits near its limit, so the two histories part before the move)


def test_a_high_detection_threshold_means_no_action():
    """A margin of 5x the limit is never reached (CSAT cannot fall below -2.0, a repeat
    rate cannot exceed 2.1, a service level cannot fall below -3; complaints would need
    0.18 a contact, over four times the worst pay period seen hidden, 0.041): nothing the
    tripwires drive is decided.  Coaching does not depend on tripwires and is switched
    off."""
    r = run("hidden_phone_safety_net", "management.detect_margin=5", "management.coaching=false")
    assert r.summary["manager_decisions"] == 0
    assert r.summary["phone_visibility_end"] == "hidden"


def test_detection_over_more_periods_acts_later():
    """Requiring two breached periods in a row moves the decision one pay period (21
    days) later, when the breach persists (it does: the number is still hidden)."""
    one = run("hidden_phone_safety_net").summary["phone_one_click_day"]
    two = run("hidden_phone_safety_net", "management.detect_periods=2").summary
    assert two["phone_one_click_day"] == one + 21


def test_coaching_raises_skill_and_thoroughness_and_costs_phone_time():
    cfg = load_config("aht_pay", ["customers.n=20000", "employees.n=8", "days=5", "seed=4"])
    model = ContactCentreModel(cfg)
    row = model.ledger.new_day(0)
    duty = workforce.attendance(model, FRONT, row)
    emp, other = duty.staff[0], duty.staff[1]
    emp.policy[bh.THOROUGHNESS] = emp.settled_policy[bh.THOROUGHNESS] = 0.6
    emp.potential_skill = 0.5
    before = dict(
        skill=emp.skill,
        other=other.skill,
        brk=duty.brk_len.copy(),
        duty=(duty.end - duty.start - duty.brk_len).copy(),
    )
    model.manager.coach_due[emp.unique_id] = 0
    model.manager.coach(duty, 0, row, cfg.employees.skill_mean)
    gain, hours = cfg.management.coaching_gain, cfg.management.coaching_hours
    standard = cfg.employees.skill_mean
    # skill and thoroughness close `gain` of their gap to the standard, nobody else moves
    assert emp.skill == pytest.approx(before["skill"] + gain * (standard - before["skill"]))
    assert emp.policy[bh.THOROUGHNESS] == pytest.approx(0.6 + gain * 0.4)
    assert emp.settled_policy[bh.THOROUGHNESS] == pytest.approx(0.6 + gain * 0.4)
    assert other.skill == before["other"]
    # the session is taken off the phones: duty time falls by the session's length
    duty_s = duty.end - duty.start - duty.brk_len
    assert duty_s[0] == pytest.approx(before["duty"][0] - hours * 3600.0)
    assert np.array_equal(duty_s[1:], before["duty"][1:])
    assert duty.start[0] <= duty.brk_start[0] <= duty.end[0] - duty.brk_len[0]
    assert row["coaching_sessions"] == 1 and row["coaching_s"] == hours * 3600.0
    assert emp.unique_id not in model.manager.coach_due  # one session per decision


def test_coaching_in_a_run_is_booked_and_costs_hours(arms):
    s = arms["hidden_phone_safety_net"][0].summary
    assert s["coaching_sessions"] > 0
    assert s["coaching_hours"] == pytest.approx(s["coaching_sessions"] * 0.75)


def test_redesign_moves_weight_to_the_broad_cx_kpi_and_ratchet_moves_targets():
    sch = load_config("hidden_phone_safety_net", SIZE).scheme
    new = redesigned(sch, "aht", 0.5)
    assert new.kpis.aht.weight == pytest.approx(sch.kpis.aht.weight / 2)
    assert new.kpis.csat.weight == pytest.approx(sch.kpis.csat.weight + sch.kpis.aht.weight / 2)
    plain = load_config("hidden_phone", SIZE).scheme  # no CX KPI: the weight is dropped
    assert redesigned(plain, "aht", 0.5).kpis.csat.weight == 0.0
    up = ratcheted(sch, "aht", 0.1)  # lower is better: a harder target is a lower one
    assert up.kpis.aht.target < sch.kpis.aht.target
    assert up.kpis.aht.stretch - up.kpis.aht.threshold == pytest.approx(
        sch.kpis.aht.stretch - sch.kpis.aht.threshold
    )


def test_sign_4_fires_when_the_dashboard_hides_the_damage_and_not_in_baseline(arms):
    for r in arms["hidden_phone"]:
        s4 = r.summary["toxic_signs"]["not_informing_decisions"]
        # the truth called for action in most periods; the narrow dashboard showed nothing
        assert s4["periods"] == 6 and s4["false_alarm_periods"] == 0
        assert s4["flag"] and s4["missed_periods"] > s4["periods"] / 2
    for plain, r in zip(arms["hidden_phone"], arms["hidden_phone_safety_net"], strict=True):
        s4 = r.summary["toxic_signs"]["not_informing_decisions"]
        # the safety nets show the damage hiding the number does: no period whose true
        # CSAT was clearly below the limit passed without a dashboard alarm ...
        limit = db.cx_limit(r.model.scheme, r.config.management.cx_limit)
        for rev in r.model.manager.reviews:
            if rev["cx_true"] < limit * (1 - AT_LIMIT):
                assert rev["dashboard_alarm"], rev
        # ... and miss fewer periods than the plain dashboard on the same seed.  Not
        # none: the repeat-rate net reads repeats seen by the review (censored, and not
        # every unresolved customer calls back), ~2 points under the true unresolved
        # share, which can sit just beyond its limit's 5% band (seed 2, days 62 and 83:
        # 0.368 and 0.372 against 0.3675, shown 0.348) - a real miss sign 4 counts.
        assert (
            s4["missed_periods"]
            < plain.summary["toxic_signs"]["not_informing_decisions"]["missed_periods"]
        )
    for seed in SEEDS:
        s4 = run("baseline", seed=seed).summary["toxic_signs"]["not_informing_decisions"]
        assert not s4["flag"] and s4["value"] == 0.0
        assert "score_truth_corr" in s4


def test_bad_management_config_names_the_key():
    with pytest.raises(ConfigError, match=r"management\.ratchet"):
        load_config("baseline", ["management.ratchet=sideways"])
    with pytest.raises(ConfigError, match=r"management\.decision_delay_days"):
        load_config("baseline", ["management.decision_delay_days=-1"])
