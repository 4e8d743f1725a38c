"""The shipped experiments' --quick modes write their CSVs and figures; the tables do
not depend on the number of worker processes."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pandas as pd
import pytest

EXPERIMENTS = Path(__file__).resolve().parent.parent / "experiments"
if str(EXPERIMENTS) not in sys.path:
    sys.path.insert(0, str(EXPERIMENTS))

#: experiment -> (files it writes, columns its main CSV must have)
EXPECTED = {
    "goodhart_curve": (
        ["goodhart_curve.csv", "goodhart_curve_runs.csv", "goodhart_curve.png"],
        [
            "scheme.kpis.aht.weight",
            "aht_s_mean",
            "aht_s_lo",
            "aht_s_hi",
            "fcr_true_mean",
            "csat_true_mean",
            "profit_mean",
            "profit_ci95",
            "n_seeds",
            "customers_n",
        ],
    ),
    "hidden_phone_digital_skill": (
        ["hidden_phone_digital_skill.csv", "hidden_phone_digital_skill.png"],
        [
            "channels.phone_visibility",
            "customers.digital_skill_mean",
            "customer_effort_mean",
            "retention_mean",
            "web_containment_mean",
        ],
    ),
    "channel_visibility": (
        ["channel_visibility.csv", "channel_visibility_runs.csv"],
        [
            "contrast",
            "n_seeds",
            "d_retention",
            "d_retention_ci95",
            "d_web_containment",
            "d_give_up_rate",
            "evidence_d_retention_rel",
            "evidence_d_retention_pts",
        ],
    ),
    "audit_integrity": (
        ["audit_integrity.csv", "audit_integrity.png"],
        ["scheme.audit_rate", "employees.integrity_mean", "gaming_rate_mean", "gaming_rate_ci95"],
    ),
    "sensitivity": (
        [
            "sensitivity.csv",
            "sensitivity_runs.csv",
            "sensitivity_morris.png",
            "sensitivity_sobol.png",
        ],
        ["method", "outcome", "parameter", "index", "value", "conf95"],
    ),
    "scheme_search": (
        ["scheme_search.csv", "scheme_search.png", "scheme_search_best.txt"],
        [
            "trial",
            "scheme.kpis.aht.weight",
            "scheme.bonus_share",
            "profit_mean",
            "retention_mean",
            "feasible",
            "baseline_retention_mean",
        ],
    ),
}


_DONE: dict[str, Path] = {}


def quick(name: str, tmp_path_factory, *extra: str) -> Path:
    """Run an experiment's --quick mode once per test session (in this process)."""
    key = " ".join([name, *extra])
    if key not in _DONE:
        out = tmp_path_factory.mktemp(name)
        module = importlib.import_module(name)
        assert module.main(["--quick", "--jobs", "1", "--out", str(out), *extra]) == 0
        _DONE[key] = out
    return _DONE[key]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_quick_mode_writes_its_files(name, tmp_path_factory):
    out = quick(name, tmp_path_factory)
    files, columns = EXPECTED[name]
    for f in files:
        assert (out / f).is_file() and (out / f).stat().st_size > 0, f
    table = pd.read_csv(out / f"{name}.csv")
    assert len(table) > 0
    missing = [c for c in columns if c not in table.columns]
    assert not missing
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files


def test_sensitivity_covers_morris_and_sobol(tmp_path_factory):
    module = importlib.import_module("sensitivity")
    table = pd.read_csv(quick("sensitivity", tmp_path_factory) / "sensitivity.csv")
    morris = table[table["method"] == "morris"]
    sobol = table[table["method"] == "sobol"]
    assert set(morris["parameter"]) == set(module.PARAMETERS)
    assert sobol["parameter"].nunique() == 3
    assert set(sobol["outcome"]) == set(module.OUTCOMES)
    assert set(sobol["index"]) == {"S1", "ST"}


def test_scheme_search_weights_are_valid_and_search_is_reproducible(tmp_path_factory, tmp_path):
    module = importlib.import_module("scheme_search")
    values = module.scheme_values(
        {
            "w_aht": 0.9,
            "w_fcr": 0.9,
            "w_csat": 0.3,
            "w_quality": 0.0,
            "scheme.bonus_share": 0.1,
            "scheme.team_share": 0.2,
            "scheme.audit_rate": 0.05,
        }
    )
    weights = [values[f"scheme.kpis.{k}.weight"] for k in module.KPIS]
    assert sum(weights) <= 1.0 and abs(sum(weights) - 1.0) < 1e-3
    first = quick("scheme_search", tmp_path_factory)
    assert module.main(["--quick", "--jobs", "1", "--out", str(tmp_path)]) == 0
    text = (first / "scheme_search.csv").read_text()
    assert text == (tmp_path / "scheme_search.csv").read_text()


def test_results_do_not_depend_on_the_number_of_processes(tmp_path_factory, tmp_path):
    module = importlib.import_module("goodhart_curve")
    one = pd.read_csv(quick("goodhart_curve", tmp_path_factory) / "goodhart_curve_runs.csv")
    assert module.main(["--quick", "--jobs", "2", "--out", str(tmp_path)]) == 0
    two = pd.read_csv(tmp_path / "goodhart_curve_runs.csv")
    pd.testing.assert_frame_equal(one, two)
    assert len(one) == 6


def test_bad_config_key_is_a_clear_error():
    from _common import make_config

    from sim.config import ConfigError

    with pytest.raises(ConfigError, match=r"unknown config key 'behavior\.nope'"):
        make_config("baseline", {"behavior.nope": 1.0})
    with pytest.raises(ConfigError, match=r"scheme\.audit_rate"):
        make_config("baseline", {"scheme.audit_rate": 5.0})
