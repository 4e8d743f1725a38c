"""Every scenario's lesson holds by its own numbers, and the toxic signs fire where the
source material says they should and stay off in the baseline.

Each scenario with ``scenario.expect`` is run with its ``scenario.comparison`` on the
same seeds; an expectation holds when the mean paired difference lies in the expected
direction and a one-sided paired t-test rejects "no difference" at 2.5%
(``sim.outputs.expectations``; with 5 seeds t must exceed 2.78).  Every verdict other
than "held" fails: "contradicted" (the opposite direction is shown) and "unresolved"
(the seeds cannot tell the effect from noise) alike.  Fixed seeds: the test is
deterministic, and a lesson that does not emerge from the mechanism fails it.

The expectations are frozen below (``EXPECTED``, ``COMPARISONS``): deleting or changing
a line of a scenario's ``scenario.expect`` is a visible change to this file, not a
lesson that silently stops being checked.

Size: 100,000 customers, 37 + 4 agents, 250 working days - the default centre
(500,000 customers, 185 + 22 agents) at 1:5 (same customers per agent in both teams, so
each agent's call volume, pay period and learning are as in the full centre; only the
number of agents, hence the
noise, is smaller, and the t-test accounts for noise).  A full year is kept because
``remove_aht_metric`` rolls out at day 125 and gaming builds up over pay periods.  Every
run is shared: a scenario is run once per seed whether it is judged, a comparison, or
both.  70 runs, 3.5 CPU-minutes (under 2 minutes on 2 free cores).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from sim import load_config
from sim.config import ConfigError, available_scenarios
from sim.outputs.expectations import CONTRADICTED, HELD, check_keys

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "experiments") not in sys.path:
    sys.path.insert(0, str(ROOT / "experiments"))

import scenario_table as st  # noqa: E402

SEEDS = list(range(5))
SIZE = ["customers.n=100000", "employees.n=37", "teams.specialists_n=4", "days=250"]

#: Every (scenario, summary key, expected direction) of ``configs/scenario/*.yaml``
#: (``scenario.expect``), in file order.
EXPECTED = (
    ("agent_surveys", "csat_survey", "up"),
    ("aht_pay", "aht_s", "down"),
    ("aht_pay", "fcr_true", "down"),
    ("aht_pay", "repeat_contact_rate", "up"),
    ("aht_pay", "csat_true", "down"),
    ("balanced_scorecard", "gaming_rate", "down"),
    ("balanced_scorecard", "fcr_true", "up"),
    ("balanced_scorecard", "csat_true", "up"),
    ("balanced_scorecard", "repeat_contact_rate", "down"),
    ("csat_survey_bonus", "csat_survey", "up"),
    ("csat_survey_bonus", "csat_gaming_gap", "up"),
    ("csat_survey_bonus", "survey_steering_rate", "up"),
    ("deflection_pay", "aht_s", "down"),
    ("deflection_pay", "fcr_true", "down"),
    ("deflection_pay", "csat_true", "down"),
    ("deflection_pay", "repeat_contact_rate", "up"),
    ("fcr_self_coded", "fcr_measured", "up"),
    ("fcr_self_coded", "fcr_gap", "up"),
    ("fcr_self_coded", "fcr_gaming_gap", "up"),
    ("fcr_self_coded", "false_resolution_rate", "up"),
    ("forced_ranking", "employee_satisfaction", "down"),
    ("forced_ranking", "gaming_rate", "up"),
    ("forced_ranking", "staff_turnover_annual", "up"),
    ("hidden_phone", "web_containment", "up"),
    ("hidden_phone", "customer_effort", "up"),
    ("hidden_phone", "complaint_rate", "up"),
    ("hidden_phone", "csat_true", "down"),
    ("hidden_phone", "retention", "down"),
    ("hidden_phone_safety_net", "phone_one_click_day", "up"),
    ("hidden_phone_safety_net", "csat_true", "up"),
    ("hidden_phone_safety_net", "retention", "up"),
    ("hidden_phone_safety_net", "complaint_rate", "down"),
    ("hidden_phone_safety_net", "customer_effort", "down"),
    ("piece_rate", "effort_response", "up"),
    ("piece_rate", "aht_s", "down"),
    ("piece_rate", "resolved_per_busy_hour", "up"),
    ("piece_rate", "false_resolution_rate", "up"),
    ("remove_aht_metric", "gaming_rate", "down"),
    ("remove_aht_metric", "fcr_true", "up"),
    ("remove_aht_metric", "bonus_paid", "down"),
    ("remove_aht_metric_supported", "morale_dip_after_rollout", "down"),
    ("remove_aht_metric_supported", "quits_expected_after_rollout", "down"),
    ("remove_aht_metric_supported", "bonus_paid", "up"),
    ("shared_dashboard", "root_cause_fixes", "up"),
    ("shared_dashboard", "issues_failure_demand", "down"),
    ("shared_dashboard", "failure_demand_share", "down"),
    ("shared_dashboard", "issues_arrived", "down"),
    ("single_metric", "root_cause_fixes", "down"),
    ("single_metric", "issues_failure_demand", "up"),
    ("smart_not_measurable", "toxic_signs.not_informing_decisions.score_truth_corr", "down"),
    ("smart_not_measurable", "employee_satisfaction", "down"),
    ("smart_not_relevant", "aht_s", "down"),
    ("smart_not_relevant", "gaming_rate", "up"),
    ("smart_not_relevant", "csat_true", "down"),
    ("smart_not_specific", "friendliness_rating", "down"),
    ("smart_not_specific", "csat_true", "down"),
    ("smart_not_timebound", "csat_true", "down"),
    ("smart_not_timebound", "friendliness_rating", "down"),
    ("smart_targets", "csat_true", "up"),
    ("smart_targets", "employee_satisfaction", "up"),
    ("unachievable_targets", "employee_satisfaction", "down"),
    ("unachievable_targets", "bonus_paid", "down"),
    ("unachievable_targets", "absence_rate", "up"),
    ("unachievable_targets", "gaming_rate", "up"),
)
#: Each judged scenario's ``scenario.comparison``.
COMPARISONS = {
    "agent_surveys": "baseline",
    "aht_pay": "baseline",
    "balanced_scorecard": "shared_dashboard",
    "csat_survey_bonus": "agent_surveys",
    "deflection_pay": "baseline",
    "fcr_self_coded": "baseline",
    "forced_ranking": "baseline",
    "hidden_phone": "deflection_pay",
    "hidden_phone_safety_net": "hidden_phone",
    "piece_rate": "baseline",
    "remove_aht_metric": "aht_pay",
    "remove_aht_metric_supported": "remove_aht_metric",
    "shared_dashboard": "single_metric",
    "single_metric": "shared_dashboard",
    "smart_not_measurable": "smart_targets",
    "smart_not_relevant": "smart_targets",
    "smart_not_specific": "smart_targets",
    "smart_not_timebound": "smart_targets",
    "smart_targets": "baseline",
    "unachievable_targets": "smart_targets",
}

#: Where each toxic sign must fire (every seed), after the source material: self-coded
#: FCR and agent-offered surveys for pay invite false codes and steering (sign 1); pay on
#: handle time buys rushing and dumping (signs 2 and 3, Kerr 1975); one efficiency metric
#: alone is unbalanced (sign 5, Kaplan & Norton 1992).
FIRES = {
    # csat_survey_bonus left this list when employees came to differ in type: its survey
    # flattery (0.7-0.9 points in some seeds) sits under the sign's threshold; its lesson
    # is held by its expected directions (EXPECTED)
    "contradiction": ("fcr_self_coded",),
    "chasing_numbers": ("aht_pay",),
    "indicator_became_target": ("aht_pay",),
    "imbalance": ("single_metric",),
}
#: Where no sign may fire: the healthy centre, and flat pay with agent-offered surveys
#: (a gap that comes only from who is surveyed is not a contradiction).
QUIET = ("baseline", "agent_surveys")


@pytest.fixture(scope="module")
def grid():
    names = [n for n in available_scenarios() if n not in st.SKIP]
    plan = st.lesson_plan(names)
    needed = set(plan) | {c for c, _ in plan.values()} | set(QUIET)
    needed |= {n for ns in FIRES.values() for n in ns}
    runs = st.run_grid(sorted(needed), SEEDS, SIZE, jobs=2)
    return plan, runs


def test_scenario_files_state_exactly_the_frozen_expectations():
    """The YAML files' expectations and comparisons equal the frozen lists: a removed,
    added or turned expectation fails here until this file is changed with it."""
    plan = st.lesson_plan(available_scenarios())
    stated = tuple((n, k, d) for n, (_, expect) in plan.items() for k, d in expect.items())
    assert len(set(EXPECTED)) == len(EXPECTED), "a frozen expectation is listed twice"
    missing, extra = set(EXPECTED) - set(stated), set(stated) - set(EXPECTED)
    assert not missing and not extra, (
        f"scenario files no longer state {sorted(missing)}; they newly state {sorted(extra)}: "
        "change EXPECTED with them, on purpose"
    )
    assert {n: comp for n, (comp, _) in plan.items()} == COMPARISONS
    assert not set(plan) & set(st.SKIP), "a judged scenario is skipped by the grid"


def test_every_lesson_holds_on_paired_seeds(grid):
    plan, runs = grid
    assert plan, "no scenario states expectations"
    verdicts = st.judge_all(plan, runs, SEEDS)
    judged = sorted((n, v.key, v.direction) for n, vs in verdicts.items() for v in vs)
    assert judged == sorted(EXPECTED), "the grid does not judge the frozen expectations"
    failed = [
        f"{n} vs {plan[n][0]}: {v.key} expected {v.direction}, difference "
        f"{v.diff_mean:+.4g} ± {v.diff_se:.2g} -> {v.mark}"
        for n, vs in verdicts.items()
        for v in vs
        if v.mark != HELD
    ]
    assert not failed, (
        "lessons not shown by their own numbers (unresolved fails as contradicted does):\n"
        + "\n".join(failed)
    )


@pytest.mark.parametrize("sign", sorted(FIRES))
def test_sign_fires_where_it_should(grid, sign):
    _, runs = grid
    for n in FIRES[sign]:
        off = [s for s in SEEDS if not runs[(n, s)]["toxic_signs"][sign]["flag"]]
        assert not off, f"{sign} off in {n} for seeds {off}"


@pytest.mark.parametrize("scenario", QUIET)
def test_no_sign_in_a_healthy_centre(grid, scenario):
    _, runs = grid
    for s in SEEDS:
        lit = [k for k, v in runs[(scenario, s)]["toxic_signs"].items() if v["flag"]]
        assert not lit, f"{scenario} seed {s}: {lit} lit"


def test_expectations_name_real_summary_keys(grid):
    plan, runs = grid
    summary = runs[("baseline", SEEDS[0])]
    for n, (_, expect) in plan.items():
        check_keys(n, expect, summary)
    with pytest.raises(ConfigError, match=r"'aht_pay'.*expect\.aht_ss.*choose one of"):
        check_keys("aht_pay", {"aht_ss": "down"}, summary)


def test_bad_expectations_are_refused_at_load():
    with pytest.raises(ConfigError, match=r"'aht_pay'.*expect\.aht_s='sideways'.*'up', 'down'"):
        load_config("aht_pay", ["scenario.expect.aht_s=sideways"])
    with pytest.raises(ConfigError, match=r"'aht_pay'.*comparison='nope'.*baseline"):
        load_config("aht_pay", ["scenario.comparison=nope"])
    with pytest.raises(ConfigError, match=r"comparison='aht_pay'"):
        load_config("aht_pay", ["scenario.comparison=aht_pay"])


def test_scenarios_page_shows_no_contradicted_lesson():
    """The committed docs/scenarios.md judges every expectation of every scenario and
    shows none contradicted."""
    text = (ROOT / "docs" / "scenarios.md").read_text()
    assert st.MARKS[CONTRADICTED] not in text
    for n, (comp, expect) in st.lesson_plan(available_scenarios()).items():
        section = text.split(f"## `{n}`", 1)
        assert len(section) == 2, f"docs/scenarios.md has no section for {n}: regenerate it"
        body = section[1].split("\n## ", 1)[0]
        assert f"Expected against `{comp}`" in body, f"{n}: comparison not shown"
        for key, direction in expect.items():
            row = re.search(
                rf"^\| `{re.escape(key)}` \| {direction} \|.*\| (\S+) \|$", body, re.MULTILINE
            )
            assert row, f"docs/scenarios.md: {n} does not judge {key} {direction}: regenerate"
