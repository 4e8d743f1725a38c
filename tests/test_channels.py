"""The channel sub-model: phone visibility in three levels, finding a number that is not
visible (digital skill, memory, word of mouth).

Comparisons between levels run paired seeds (common random numbers: replication r uses
seed r in every arm) and judge the mean paired difference with a one-sided 95%
t-interval over seeds: "X rises" means the lower 95% bound of the mean paired
difference is above zero, so the tolerance is the sampling error of the difference.
The arms differ only in config values; nothing branches on a scenario name.
"""

from __future__ import annotations

import numpy as np
import pytest
import runs as shared_runs
from scipy import stats

from sim import ConfigError, load_config
from sim.model import ContactCentreModel
from sim.outputs import daily_frame

#: 40,000 customers, 15 front-line agents and 2 specialists: the default centre's ratio
#: (500,000 customers, 185 + 22 agents) at 8%; 42 working days are two pay periods.
CENTRE = ["customers.n=40000", "employees.n=15", "teams.specialists_n=2"]
SIZE = [*CENTRE, "days=42"]
SEEDS = range(8)  # 5 left the CSAT difference (about 1.4 points) within its sampling error
LEVELS = ("visible", "one_click", "hidden")


def _arm(overrides: list[str]) -> list[dict]:
    """The summaries of one arm over ``SEEDS`` (the session's shared runs: the hidden
    arm is read by two tests and runs once)."""
    cfgs = [load_config("baseline", [*SIZE, *overrides, f"seed={seed}"]) for seed in SEEDS]
    return [r.summary for r in shared_runs.results(cfgs)]


def _lower_bound(a: list[dict], b: list[dict], key: str) -> float:
    """Lower one-sided 95% bound of the mean paired difference b - a of ``key``."""
    diff = np.array([y[key] - x[key] for x, y in zip(a, b, strict=True)])
    half = stats.t.ppf(0.95, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    return float(diff.mean() - half)


def _rises(a: list[dict], b: list[dict], key: str) -> None:
    lo = _lower_bound(a, b, key)
    assert lo > 0, f"{key} did not rise: lower 95% bound of the paired difference {lo:.4g}"


@pytest.fixture(scope="module")
def levels() -> dict[str, list[dict]]:
    return {lv: _arm([f"channels.phone_visibility={lv}"]) for lv in LEVELS}


def test_levels_order_effort_give_ups_and_containment(levels):
    vis, one, hid = levels["visible"], levels["one_click"], levels["hidden"]
    # nobody gives up while the number is on every page
    assert all(r["give_ups"] == 0 for r in vis)
    for lower, higher in ((vis, one), (one, hid)):
        _rises(lower, higher, "customer_effort")
        _rises(lower, higher, "give_up_rate" if lower is one else "give_ups")
    # hiding pushes customers to the web, where give-ups count as contained
    _rises(vis, hid, "web_containment")
    _rises(one, hid, "web_containment")
    # ... and costs the customers: true CSAT falls
    _rises(hid, vis, "csat_true")
    for r in hid:
        assert r["days_phone_hidden"] == r["days"] and r["phone_visibility"] == "hidden"


def test_memory_and_word_of_mouth_raise_who_knows_the_number():
    hidden = "channels.phone_visibility=hidden"
    both = _arm([hidden])
    no_memory = _arm([hidden, "channels.number_memory_days=1"])
    no_wom = _arm([hidden, "channels.number_word_of_mouth=0"])
    _rises(no_memory, both, "number_known_share")
    _rises(no_wom, both, "number_known_share")
    # knowing the number spares the search: fewer give-ups
    _rises(both, no_memory, "give_up_rate")


def test_knowledge_spreads_over_time_from_nobody_knowing():
    """Under ``hidden``, a base in which nobody knows the number learns it: callers who
    found it remember it and tell others.  The share after 40 days exceeds the share
    after 5 by far more than its binomial sampling error (SE < 0.003 at 40,000)."""
    cfg = load_config("baseline", [*SIZE, "channels.phone_visibility=hidden", "seed=1"])
    model = ContactCentreModel(cfg)
    model.customers.number_forget_day[:] = -1
    model.run()
    share = daily_frame(model)["number_known_share"].to_numpy()
    assert share[4] < 0.1
    assert share[40] > share[4] + 0.05, share[[4, 20, 40]]
    assert (np.diff(share[:20]) > -0.01).all()  # rising, up to daily noise


def test_retired_keys_are_refused_naming_their_replacements():
    """The older phone switch and the constants the search mechanism replaced are not
    config keys any more: each is refused with a message naming what to set instead."""
    cases = {
        "channels.phone_number_visible=false": "channels.phone_visibility",
        "channels.hidden_web_first_share=0.8": "channels.hidden_miss",
        "channels.hidden_find_prob=0.7": "channels.hidden_miss",
    }
    for override, new_key in cases.items():
        with pytest.raises(ConfigError, match=f"did you mean {new_key}"):
            load_config("baseline", [*CENTRE, override])


def test_bad_level_names_key_and_allowed_values():
    with pytest.raises(ConfigError) as err:
        load_config("baseline", ["channels.phone_visibility=invisible"])
    msg = str(err.value)
    for word in ("channels.phone_visibility", "invisible", "visible", "one_click", "hidden"):
        assert word in msg


def test_mid_run_change_applies_next_day_and_memory_survives():
    cfg = load_config("baseline", [*CENTRE, "days=12", "seed=2"])
    model = ContactCentreModel(cfg)
    for _ in range(6):
        model.step()
    n = model.customers.n_used
    before = model.customers.number_forget_day[:n].copy()
    model.phone_visibility = "hidden"  # e.g. a manager's decision at the end of day 5
    model.step()
    assert model.ledger.rows[5]["phone_visibility"] == "visible"
    assert model.ledger.rows[6]["phone_visibility"] == "hidden"
    assert model.ledger.rows[6]["number_searches"] > 0
    stay = model.customers.active[:n]  # (a customer who leaves forgets)
    assert (model.customers.number_forget_day[:n][stay] >= before[stay]).all()  # nobody forgot
    model.phone_visibility = "nowhere"
    with pytest.raises(ConfigError, match=r"phone_visibility='nowhere'.*one_click"):
        model.step()
