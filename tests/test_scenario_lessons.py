"""Every scenario's lesson holds by its own numbers, and the toxic signs fire where the
source material says they should and stay off in the baseline.

Each scenario with ``scenario.expect`` is run with its ``scenario.comparison`` on the
same seeds; an expectation holds when the mean paired difference lies in the expected
direction and a one-sided paired t-test rejects "no difference" at 2.5%
(``sim.outputs.expectations``; with 5 seeds t must exceed 2.78).  Fixed seeds: the test
is deterministic, and a lesson that does not emerge from the mechanism fails it.

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

#: Where each toxic sign must fire (every seed), after the source material: self-coded
#: FCR and agent-offered surveys for pay invite false codes and steering (sign 1); pay on
#: handle time buys rushing and dumping (signs 2 and 3, Kerr 1975); one efficiency metric
#: alone is unbalanced (sign 5, Kaplan & Norton 1992).
FIRES = {
    "contradiction": ("fcr_self_coded", "csat_survey_bonus"),
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


def test_every_lesson_holds_on_paired_seeds(grid):
    plan, runs = grid
    assert plan, "no scenario states expectations"
    verdicts = st.judge_all(plan, runs, SEEDS)
    failed = [
        f"{n} vs {plan[n][0]}: {v.key} expected {v.direction}, difference "
        f"{v.diff_mean:+.4g} ± {v.diff_se:.2g} -> {v.mark}"
        for n, vs in verdicts.items()
        for v in vs
        if v.mark != HELD
    ]
    assert not failed, "lessons not shown by their own numbers:\n" + "\n".join(failed)


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
