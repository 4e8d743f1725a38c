"""Scheme files checked like a finance lead would, and definitions side by side.

A scheme file (``kpisim compare proposal=FILE``) reports every problem at once: shares
written as percentages with the share meant, ``bonus_share`` above its cap, an unknown
KPI with the valid names, and (in the same block) the warning that weights summing
below 1 leave part of the bonus unreachable.  When the arms measure FCR differently,
each arm is also measured under the other arm's definition.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.compare import definitions, metrics, page, tables
from sim.compare.args import parse_args
from sim.compare.arms import scheme_from_mapping
from sim.compare.figures import fig_dashboard_reality, paid_by_either
from sim.compare.plan import build_plan
from sim.config import Config, ConfigError, load_config
from sim.config.fields import percent_hint
from sim.config.scheme_checks import scheme_warnings
from sim.measurement import FCR_DEFINITIONS, KPIS, measured_fcr, paid_kpis, ratio

_SCRIPT = Path(sys.executable).parent / "kpisim"
KPISIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "sim.cli"]
TINY = ["customers.n=20000", "employees.n=4"]

#: the judged file: FCR levels as percentages (60/68/76), a repeat-rate limit of 42,
#: weights summing to 0.9, a misspelt KPI and a bonus of 80 % of salary
FOUR_PROBLEMS = """\
name: finance_lead
bonus_share: 0.8
kpis:
  aht: {weight: 0.3}
  fcr:
    weight: 0.3
    threshold: 60
    target: 68
    stretch: 76
    safety_metric: repeat_rate
    safety_limit: 42
  csat: {weight: 0.3}
  fcrr: {weight: 0.1}
"""


def _messages(text: str) -> list[str]:
    """The problem and warning lines of a multi-problem message."""
    return [ln.strip()[2:] for ln in text.splitlines() if ln.strip().startswith("- ")]


def test_a_file_with_four_kinds_of_problem_reports_them_all_exit_2(tmp_path):
    f = tmp_path / "finance_lead.yaml"
    f.write_text(FOUR_PROBLEMS)
    out = tmp_path / "out"
    proc = subprocess.run(
        [*KPISIM, "compare", f"proposal={f}", "robust=0", f"out={out}"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    err = proc.stderr
    assert proc.returncode == 2, err
    assert "Traceback" not in err + proc.stdout
    assert not out.exists()
    lines = _messages(err)
    # percentages: each level and the safety limit, with the share meant
    for key, meant in [("threshold", "0.60"), ("target", "0.68"), ("stretch", "0.76")]:
        assert any(f"kpis.fcr.{key}=" in ln and f"did you mean {meant}?" in ln for ln in lines)
    assert any("safety_limit=42" in ln and "did you mean 0.42?" in ln for ln in lines)
    # the cap, with what is allowed
    assert any("bonus_share=0.8" in ln and "allowed [0, 0.5]" in ln for ln in lines)
    # the misspelt KPI, with every valid name
    (kpi_line,) = [ln for ln in lines if "'fcrr'" in ln]
    assert all(name in kpi_line for name in paid_kpis()) and "did you mean fcr?" in kpi_line
    # the weights, as a warning in the same block, with the share of the bonus lost
    (weights,) = [ln for ln in lines if "weights sum to" in ln]
    assert weights.startswith("warning:") and "0.9" in weights and "10 %" in weights
    assert err.count("finance_lead.yaml") == 1  # one message: the file named once


def test_only_weights_below_1_runs_with_the_warning():
    data = {"bonus_share": 0.075, "kpis": {"aht": {"weight": 0.5}, "fcr": {"weight": 0.4}}}
    scheme = scheme_from_mapping(data, "proposal=x.yaml", "x")  # no error
    (warning,) = scheme_warnings(Config(scheme=scheme))
    # 10 % of the on-target bonus, i.e. 0.1 x 7.5 % = 0.75 % of salary, is unreachable
    assert "weights sum to 0.9" in warning and "10 %" in warning and "0.75 % of salary" in warning
    full = dataclasses.replace(scheme, kpis=dataclasses.replace(scheme.kpis))
    full.kpis.fcr.weight = 0.5
    assert scheme_warnings(Config(scheme=full)) == []
    assert scheme_warnings(Config()) == []  # a flat scheme pays no bonus: nothing to warn


def test_the_warning_is_on_the_page_and_on_screen(tmp_path, capsys):
    f = tmp_path / "short.yaml"
    f.write_text("bonus_share: 0.075\nkpis:\n  aht: {weight: 0.5}\n  fcr: {weight: 0.4}\n")
    plan = build_plan(parse_args([f"proposal={f}", "robust=0", "days=42", *TINY]))
    note = page.scheme_note(SimpleNamespace(plan=plan))
    assert "weights sum to 0.9" in note and "proposal.kpis" in note
    plan_ok = build_plan(parse_args(["proposal=aht_pay", "robust=0", "days=42", *TINY]))
    assert page.scheme_note(SimpleNamespace(plan=plan_ok)) == ""


def _share_fields(node=None, prefix=""):
    """(dotted key, range) of every share knob of the default config."""
    node = Config() if node is None else node
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if dataclasses.is_dataclass(value):
            yield from _share_fields(value, f"{prefix}{f.name}.")
        elif f.metadata.get("share"):
            yield f"{prefix}{f.name}", f.metadata["range"]


SHARES = list(_share_fields())


def test_shares_are_found_by_their_range():
    keys = dict(SHARES)
    assert {"scheme.bonus_share", "scheme.audit_rate", "scheme.kpis.fcr.weight"} <= set(keys)
    assert "customers.churn_annual_base" not in keys  # a rate per year, may exceed 1
    assert all(lo >= 0 and hi <= 1 for lo, hi in keys.values())


@pytest.mark.parametrize(("key", "bounds"), SHARES, ids=[k for k, _ in SHARES])
def test_every_share_written_as_a_percentage_names_the_share_meant(key, bounds):
    lo, hi = bounds
    meant = round((lo + hi) / 2, 2)  # inside the range, so the hint is offered
    with pytest.raises(ConfigError) as info:
        load_config("baseline", [f"{key}={meant * 100:g}"])
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(f"{key}=")
    m = re.search(r"did you mean ([0-9.]+)\?", msg)
    assert m and float(m.group(1)) == pytest.approx(meant), msg


def test_percent_hint_only_when_it_would_be_allowed():
    assert percent_hint(60).endswith("did you mean 0.60?")
    assert percent_hint(42.5).endswith("did you mean 0.425?")
    assert percent_hint(0.5) == "" and percent_hint(150) == ""  # not a percentage
    assert percent_hint(60, 0.0, 0.5) == ""  # 0.60 would be refused too
    with pytest.raises(ConfigError) as info:
        load_config("baseline", ["customers.churn_annual_base=60"])
    assert "did you mean" not in str(info.value)  # not a share


@pytest.mark.parametrize("kpi", [k for k in paid_kpis() if KPIS[k].unit == "share"])
def test_share_kpi_levels_must_be_fractions(kpi):
    with pytest.raises(ConfigError) as info:
        load_config("baseline", [f"scheme.kpis.{kpi}.weight=1", f"scheme.kpis.{kpi}.target=75"])
    msg = str(info.value)
    assert f"scheme.kpis.{kpi}.target=75" in msg and "did you mean 0.75?" in msg


def test_a_per_hour_kpi_level_is_not_a_share():
    cfg = load_config("baseline", ["scheme=piece_rate", "scheme.kpis.resolved_per_hour.stretch=75"])
    assert cfg.scheme.kpis.resolved_per_hour.stretch == 75


def test_seconds_kpi_levels_are_not_shares():
    cfg = load_config("baseline", ["scheme=aht_pay", "scheme.kpis.aht.target=350"])
    assert cfg.scheme.kpis.aht.target == 350


def test_bonus_cap():
    assert load_config("baseline", ["scheme.bonus_share=0.5"]).scheme.bonus_share == 0.5
    with pytest.raises(ConfigError) as info:
        load_config("baseline", ["scheme.bonus_share=0.6"])
    msg = str(info.value)
    assert "scheme.bonus_share=0.6" in msg and "allowed [0, 0.5]" in msg
    assert "50 % of salary" in msg


def test_unknown_kpi_override_lists_the_valid_names():
    with pytest.raises(ConfigError) as info:
        load_config("baseline", ["scheme.kpis.fcrr.weight=0.3"])
    msg = str(info.value)
    assert "'fcrr'" in msg and "did you mean fcr?" in msg
    assert all(k in msg for k in paid_kpis())


def test_every_problem_of_a_config_at_once_without_follow_ons():
    with pytest.raises(ConfigError) as info:
        load_config(
            "baseline",
            [
                "days=0",
                "scheme.audit_rate=60",
                "scheme.kpis.aht.weight=0.8",
                "scheme.kpis.fcr.weight=0.5",
            ],
        )
    e = info.value
    assert len(e.problems) == 3 and str(e).startswith("3 problems:")
    assert [p.split("=")[0].split(":")[0] for p in e.problems] == [
        "days",
        "scheme.audit_rate",
        "scheme.kpis",
    ]
    # a refused value is not reported again by the rules that read it
    with pytest.raises(ConfigError) as info:
        load_config("baseline", ["channels.open_s=10"])
    assert info.value.problems == [str(info.value)] and "channels.open_s" in str(info.value)


# --------------------------------------------------------------- definitions side by side
def test_definition_values_use_the_one_definition_of_fcr():
    daily = pd.DataFrame(
        {
            "coded_resolved": [50, 30],
            "repeats_7d": [20, 10],
            "answered_owned": [60, 40],
            "rnd_top2": [3, 5],
            "rnd_surveys": [8, 8],
            "detected": [1, 0],
            "audited": [10, 10],
        }
    )
    v = definitions.definition_values(daily)
    assert v["fcr_measured_as_self_coded"] == pytest.approx(80 / 100)
    assert v["fcr_measured_as_no_repeat_7d"] == pytest.approx(1 - 30 / 100)
    for d in FCR_DEFINITIONS:  # the registry's function gives the same
        assert v[f"fcr_measured_as_{d}"] == measured_fcr(80, 30, 100, d, ratio)
    assert v["csat_measured_as_random_sample"] == pytest.approx(8 / 16)
    assert v["quality_score"] == pytest.approx(1 - 1 / 20)
    keys = {m.key for m in metrics.METRICS}
    assert set(v) <= keys  # every value is a row of comparison.csv


def test_a_run_under_its_own_definition_is_its_dashboard_value():
    """The summary's fcr_measured is the run's FCR under the scheme's definition."""
    from sim.compare.runner import run_one

    for scheme, d in [("fcr_self_coded", "self_coded"), ("fcr_no_repeat", "no_repeat_7d")]:
        cfg = load_config("baseline", [f"scheme={scheme}", "days=15", *TINY])
        s = run_one(cfg)["summary"]
        assert s[f"fcr_measured_as_{d}"] == pytest.approx(s["fcr_measured"], rel=1e-12)


def _outcome(cur: str, pro: str) -> SimpleNamespace:
    """A finished comparison's stand-in: two arms of random replications."""
    rng = np.random.default_rng(3)
    rows = []
    for arm in ("current", "proposal"):
        for r in range(3):
            row = {"arm": arm, "replication": r}
            row.update({m.key: float(rng.uniform(0.3, 0.9)) for m in tables.COMPARISON_METRICS})
            rows.append(row)
    reps = pd.DataFrame(rows)
    plan = build_plan(parse_args([f"current={cur}", f"proposal={pro}", "robust=0", *TINY]))
    return SimpleNamespace(plan=plan, reps=reps, table=tables.comparison_table(reps))


NAMES = {"current": "a", "proposal": "b", "current_scheme": "a", "proposal_scheme": "b"}


def test_the_dashboard_row_says_when_definitions_differ():
    o = _outcome("fcr_self_coded", "fcr_no_repeat")
    assert definitions.differing(o.plan.cfg_current, o.plan.cfg_proposal) == {
        "fcr": ("self_coded", "no_repeat_7d")
    }
    html = page.paired_table(o, NAMES)
    assert "definitions differ" in html
    # the measured FCR row gets no better/worse verdict: its arms measure different things
    fcr_row = next(r for r in html.split("<tr>") if "First-contact resolution (as measured)" in r)
    assert "not comparable" in fcr_row and "'better'" not in fcr_row and "'worse'" not in fcr_row
    for d in FCR_DEFINITIONS:
        label = o.table.set_index("metric").loc[f"fcr_measured_as_{d}", "label"]
        assert label in html
    same = _outcome("aht_pay", "fcr_self_coded")
    assert definitions.differing(same.plan.cfg_current, same.plan.cfg_proposal) == {}
    assert "definitions differ" not in page.paired_table(same, NAMES)


def test_dashboard_vs_reality_includes_every_paid_kpi():
    o = _outcome("aht_pay", "balanced_scorecard")
    paid = paid_by_either(o)
    scheme = o.plan.cfg_proposal.proposal
    assert {k for k in paid_kpis() if getattr(scheme.kpis, k).weight > 0} <= paid
    assert "aht" in paid
    png = fig_dashboard_reality(o, NAMES)
    assert png.startswith(b"\x89PNG")
