"""The search machinery of ``kpisim design`` (sim/design/): the space file and its
validation, candidate -> scheme (validated, SMART-checked, written as a scheme file that
``kpisim compare`` reads), and the Optuna study (resumable, deterministic).

The study tests run a tiny centre (5,000 customers, 8 agents, 20 days, one seed; about
3 s a run) so that the whole file stays near two minutes on two loaded cores; the
constraints, worlds and resuming are tested with a fake evaluation (no simulation).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import optuna
import pandas as pd
import pytest
import yaml

from sim.compare.arms import resolve_spec
from sim.compare.uncertainty import load_uncertainty
from sim.config import Config, ConfigError, load_config, to_dict
from sim.design.candidate import (
    candidate_config,
    static_smart_failures,
    suggest,
    to_overrides,
    write_scheme,
)
from sim.design.constraints import (
    CONSTRAINTS,
    Limits,
    constraint_values,
    feasible,
    smart_failures,
)
from sim.design.objectives import DASHBOARD_KPIS, dashboard_score
from sim.design.search import (
    OBJECTIVES,
    STAFF_KEY,
    TRUE_OUTCOME_KEY,
    check_budget,
    completed,
    front,
    is_feasible,
    objective_record,
    robust_statistic,
    run_study,
    simulate_runs,
    split,
)
from sim.design.space import DEFAULT_SPACE, load_space, parse_space
from sim.design.worlds import design_worlds
from sim.measurement import KPIS
from sim.pool import WorkerPool

#: A tiny centre: every candidate of the study tests runs this world.
TINY = ["days=20", "customers.n=5000", "employees.n=8", "teams.specialists_n=1"]

#: A small valid space: two KPIs, a 10-day pay period (two periods close in 20 days).
SMALL = {
    "scheme": {"bonus_share": [0.02, 0.15], "team_share": [0.0, 0.4], "period_days": 10},
    "cap": [1.0, 2.0],
    "kpis": {
        "aht": {
            "weight": [0.0, 1.0],
            "threshold": [400.0, 480.0],
            "target": [330.0, 400.0],
            "stretch": [270.0, 330.0],
            "safety_nets": {"repeat_rate": [0.25, 0.45]},
        },
        "csat": {
            "weight": [0.0, 1.0],
            "definition": "random_sample",
            "threshold": [0.35, 0.5],
            "target": [0.5, 0.65],
            "stretch": [0.65, 0.85],
        },
    },
}


def _space(**changes):
    data = copy.deepcopy(SMALL)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = data
        for p in parents:
            node = node[p]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return data


# --------------------------------------------------------------------------- the space
def test_default_space_is_valid_and_searches_every_paid_kpi():
    space = load_space(DEFAULT_SPACE)
    assert set(space.kpis) == {"aht", "fcr", "csat", "transfer", "web_deflection", "quality"}
    assert space.param("channels.phone_visibility").choices == ("visible", "one_click", "hidden")
    assert space.param("scheme.period_days").fixed == 21


@pytest.mark.parametrize(
    ("data", "words"),
    [
        # a range outside the schema's range (bonus_share within [0, 0.5])
        (_space(scheme__bonus_share=[0.0, 7.0]), ["scheme.bonus_share=[0, 7]", "[0, 0.5]"]),
        (_space(cap=[0.5, 12.0]), ["cap=[0.5, 12]", "[0, 10]"]),
        (_space(kpis__aht__weight=[0.0, 1.5]), ["kpis.aht.weight=[0, 1.5]", "[0, 1]"]),
        # an unknown KPI: the message lists the registry's paid KPIs
        (_space(kpis__speed={"weight": [0, 1]}), ["kpis.speed", "aht, fcr, csat"]),
        # an empty space: no file content, no KPI, every weight 0, nothing varying
        ({}, ["the space is empty"]),
        (_space(kpis=None), ["the space is empty", "kpis"]),
        (
            {"kpis": {"aht": {"weight": 0.0}}, "scheme": {"bonus_share": [0.0, 0.1]}},
            ["the space is empty", "weight is 0"],
        ),
        ({"kpis": {"aht": {"weight": 1.0}}}, ["the space is empty", "nothing to search"]),
        # a word the schema does not allow, a definition the KPI does not have
        (_space(scheme__dashboard=["individual", "wall"]), ["'wall'", "big_screen"]),
        (_space(kpis__aht__definition=["self_coded"]), ["aht.definition='self_coded'"]),
        (_space(scheme__name="x"), ["scheme.name", "bonus_share"]),
        (_space(colour="red"), ["'colour'", "scheme, cap, kpis, phone_visibility"]),
        (_space(phone_visibility=["visible", "secret"]), ["'secret'", "one_click"]),
        # ranges that cannot give threshold > target >= stretch for AHT (lower is better)
        (
            _space(kpis__aht__threshold=[300.0, 320.0]),
            ["kpis.aht", "threshold > target >= stretch"],
        ),
        (_space(kpis__csat__stretch=[0.7, 1.2]), ["kpis.csat.stretch=[0.7, 1.2]", "[0, 1]"]),
        (
            _space(kpis__aht__safety_nets={"morale": [0.1, 0.2]}),
            ["safety_nets.morale", "repeat_rate"],
        ),
        (_space(scheme__period_days=[10.5, 20]), ["period_days", "whole numbers"]),
        (_space(scheme__team_share=[0.5, 0.2]), ["team_share=[0.5, 0.2]", "low is above high"]),
    ],
)
def test_bad_space_gives_one_clear_message(data, words):
    with pytest.raises(ConfigError) as err:
        parse_space(data, "space=bad.yaml")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("space=bad.yaml: ")
    for w in words:
        assert w in msg, msg


def test_space_file_not_found_and_not_yaml(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_space(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kpis: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a readable YAML"):
        load_space(bad)


@pytest.mark.parametrize("budget", [0, -3, 2.5, True, "10"])
def test_bad_budget_is_refused_before_anything_is_written(tmp_path, budget):
    out = tmp_path / "design"
    with pytest.raises(ConfigError, match=r"budget=.* is not allowed"):
        run_study(parse_space(SMALL), out, budget)
    assert not out.exists()
    with pytest.raises(ConfigError):
        check_budget(budget)


# --------------------------------------------------------------------------- candidates
def _fixed(space, **params):
    """A candidate with the given parameters (others at the low end of their range)."""
    values = {}
    for p in space.params:
        if p.choices is not None:
            values[p.key] = p.choices[0]
        elif p.low is not None:
            values[p.key] = p.low
    for kpi, nets in space.nets.items():
        values[f"scheme.kpis.{kpi}.safety_metric"] = ""
        for metric, p in nets.items():
            values[f"scheme.kpis.{kpi}.safety_limit.{metric}"] = p.low
    values.update(params)
    return suggest(optuna.trial.FixedTrial(values), space)


def test_weights_are_normalised_and_an_unpaid_kpi_keeps_the_defaults():
    space = parse_space(SMALL)
    values = _fixed(space, **{"scheme.kpis.aht.weight": 0.3, "scheme.kpis.csat.weight": 0.6})
    cfg = candidate_config(to_overrides(values, space), TINY, "design_0")
    assert cfg.scheme.kpis.aht.weight == 0.333 and cfg.scheme.kpis.csat.weight == 0.666
    values = _fixed(space, **{"scheme.kpis.aht.weight": 0.0, "scheme.kpis.csat.weight": 0.2})
    cfg = candidate_config(to_overrides(values, space), TINY, "design_1")
    assert cfg.scheme.kpis.csat.weight == 1.0
    assert to_dict(cfg)["scheme"]["kpis"]["aht"] == to_dict(Config())["scheme"]["kpis"]["aht"]


@pytest.mark.parametrize(
    ("extra", "kind"), [({}, "scheme file"), ({"phone_visibility": "hidden"}, "config file")]
)
def test_candidate_written_as_a_scheme_compare_accepts(tmp_path, extra, kind):
    space = parse_space({**SMALL, **extra})
    values = _fixed(
        space,
        **{
            "scheme.bonus_share": 0.09,
            "scheme.kpis.aht.weight": 0.5,
            "scheme.kpis.csat.weight": 0.5,
            "scheme.kpis.aht.safety_metric": "repeat_rate",
            "scheme.kpis.aht.safety_limit.repeat_rate": 0.3,
        },
    )
    cfg = candidate_config(to_overrides(values, space), TINY, "design_7")
    path = tmp_path / "scheme_1.yaml"
    write_scheme(path, cfg, "found by kpisim design\ntrial 7")
    assert path.read_text(encoding="utf-8").startswith("# found by kpisim design\n# trial 7\n")
    arm = resolve_spec("proposal", str(path), TINY)  # the path `kpisim compare` takes
    assert arm.kind == kind
    assert to_dict(arm.cfg)["scheme"] == to_dict(cfg)["scheme"]
    assert arm.cfg.channels.phone_visibility == cfg.channels.phone_visibility
    assert arm.cfg.scheme.kpis.aht.safety_metric == "repeat_rate"


def test_invalid_candidate_is_a_config_error_naming_the_rule():
    # overlapping ranges: some candidates have AHT's target above its threshold
    space = parse_space(_space(kpis__aht__threshold=[350.0, 450.0]))
    values = _fixed(
        space,
        **{
            "scheme.kpis.aht.threshold": 360.0,
            "scheme.kpis.aht.target": 390.0,
            "scheme.kpis.aht.weight": 1.0,
        },
    )
    with pytest.raises(ConfigError, match="threshold > target >= stretch"):
        candidate_config(to_overrides(values, space), TINY, "design_0")


def test_static_smart_failures_specific_and_time_bound():
    space = parse_space(
        _space(
            scheme__team_share=[0.0, 1.0],
            kpis__csat__definition=None,
            kpis__fcr={"weight": 1.0, "definition": "no_repeat_7d"},
        )
    )
    ok = candidate_config(to_overrides(_fixed(space), space), TINY, "d")
    assert static_smart_failures(ok) and all("FCR" in s for s in static_smart_failures(ok))
    # a 10-day period against FCR's 7-day repeat window: Time-bound fails (14 days needed)
    assert any("Time-bound" in s and "14 to 62.5" in s for s in static_smart_failures(ok))
    values = _fixed(space, **{"scheme.team_share": 0.9, "scheme.kpis.aht.weight": 1.0})
    cfg = candidate_config(to_overrides(values, space), TINY, "d")
    # 8 agents: own work moves (1 - 0.9) + 0.9 / 8 = 21% of the paid number (< 50%)
    assert any("fails Specific" in s and "21%" in s for s in static_smart_failures(cfg))


# --------------------------------------------------------------------------- the study
def test_split_keeps_held_out_seeds_and_worlds_apart():
    s = split(5, 3, 2, [{"a": 1}, {"a": 2}, {"a": 3}])
    assert s.search_seeds == (5, 6, 7) and s.held_out_seeds == (1_000_005, 1_000_006)
    assert s.search_worlds == ({"a": 1}, {"a": 3}) and s.held_out_worlds == ({"a": 2},)
    assert split(0, 1, 1).search_worlds == ({},) == split(0, 1, 1).held_out_worlds


def test_robust_statistic_is_the_20th_percentile_and_money_is_value():
    # linear interpolation: position 0.2 x (5 - 1) = 0.8 between 10 and 20
    assert robust_statistic([50, 10, 40, 20, 30]) == pytest.approx(18.0)
    assert robust_statistic([7.0]) == 7.0
    # money is value (profit + change in customer equity), never profit
    record = objective_record({"profit": 3.0, "value": 5.0, TRUE_OUTCOME_KEY: 0.5, STAFF_KEY: 0.1})
    assert record["value"] == 5.0


def test_pruned_candidates_are_logged_and_not_evaluated(tmp_path, caplog):
    space = parse_space(_space(kpis__aht__threshold=[300.0, 450.0]))
    calls = []

    def fake(cfg, seeds, worlds):  # no simulation: the pruning is under test
        calls.append(cfg.scheme.name)
        return [{"value": cfg.scheme.bonus_share, "true_outcome": 0.0, "staff": 0.0}]

    with caplog.at_level(logging.INFO, logger="sim.design.search"):
        study = run_study(space, tmp_path / "d", 3, seed=1, base=TINY, evaluate=fake)
    pruned = study.get_trials(states=(optuna.trial.TrialState.PRUNED,))
    assert completed(study) == len(calls) == 3 and pruned
    for t in pruned:
        assert "threshold > target >= stretch" in t.user_attrs["pruned_reason"]
        assert f"trial {t.number} pruned" in caplog.text


def _counting(log):
    def evaluate(cfg, seeds, worlds):
        log.append((cfg.scheme.name, tuple(seeds)))
        return simulate_runs(cfg, seeds, worlds)

    return evaluate


def _trials(study):
    done = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    return [(t.number, t.params, t.values) for t in done]


def test_study_resumes_without_repeating_and_is_deterministic(tmp_path):
    space = parse_space(SMALL)
    whole_log, broken_log = [], []
    whole = run_study(space, tmp_path / "a", 4, seed=3, base=TINY, evaluate=_counting(whole_log))
    assert (tmp_path / "a" / "design.db").is_file()
    # a killed search: stopped after 2 evaluations, then asked again for 4 in all
    run_study(space, tmp_path / "b", 2, seed=3, base=TINY, evaluate=_counting(broken_log))
    resumed = run_study(space, tmp_path / "b", 4, seed=3, base=TINY, evaluate=_counting(broken_log))
    assert completed(resumed) == 4 and len(broken_log) == 4
    assert len({name for name, _ in broken_log}) == 4  # no candidate evaluated twice
    params = [t[1] for t in _trials(resumed)]
    assert all(params.count(p) == 1 for p in params)
    # held-out seeds (1,000,003 here) are never used by the search
    assert {s for _, seeds in broken_log for s in seeds} == {3}
    # same seed -> the same candidates, objective values and front, killed or not
    assert _trials(resumed) == _trials(whole)
    assert [t.number for t in front(resumed)] == [t.number for t in front(whole)]
    assert all(len(t.values) == len(OBJECTIVES) for t in front(whole))
    # asking again for the same budget evaluates nothing
    again = run_study(space, tmp_path / "b", 4, seed=3, base=TINY, evaluate=_counting(broken_log))
    assert completed(again) == 4 and len(broken_log) == 4


def test_resuming_with_other_settings_is_refused(tmp_path):
    space = parse_space(SMALL)

    def fake(cfg, seeds, worlds):
        return [{"value": 1.0, "true_outcome": 0.0, "staff": 0.0}]

    run_study(space, tmp_path / "d", 1, seed=1, base=TINY, evaluate=fake)
    with pytest.raises(ConfigError, match="holds a design with other settings"):
        run_study(space, tmp_path / "d", 2, seed=2, base=TINY, evaluate=fake)


def test_resuming_a_design_of_another_model_version_is_refused(tmp_path, monkeypatch):
    """A study records the model's fingerprint; a kpisim whose model code or shipped
    configs differ must not add its evaluations to it (the front would mix two models)."""
    from sim.design import search

    space = parse_space(SMALL)

    def fake(cfg, seeds, worlds):
        return [{"value": 1.0, "true_outcome": 0.0, "staff": 0.0}]

    run_study(space, tmp_path / "m", 1, seed=1, base=TINY, evaluate=fake)
    assert completed(run_study(space, tmp_path / "m", 2, seed=1, base=TINY, evaluate=fake)) == 2
    monkeypatch.setattr(search, "model_fingerprint", lambda: "0" * 16)
    with pytest.raises(ConfigError, match=r"evaluated by model .* runs model 0{16}"):
        run_study(space, tmp_path / "m", 3, seed=1, base=TINY, evaluate=fake)


def test_model_fingerprint_follows_the_model_code(tmp_path, monkeypatch):
    """The fingerprint is stable, and changes when a model file's content changes."""
    from sim.design import search

    first = search.model_fingerprint()
    assert first == search.model_fingerprint() and len(first) == 16
    pkg = tmp_path / "sim"
    for sub in ("", "model", "config"):
        (pkg / sub).mkdir(parents=True, exist_ok=True)
    (pkg / "model" / "rule.py").write_text("X = 1\n")
    monkeypatch.setattr(search, "__file__", str(pkg / "design" / "search.py"))
    a = search.model_fingerprint()
    (pkg / "model" / "rule.py").write_text("X = 2\n")
    assert search.model_fingerprint() != a


#: A design killed by the operating system in its second evaluation (``os._exit``: no
#: clean-up, the trial is left running in the storage).
KILLED = """
import os, sys
from sim.design.space import parse_space
from sim.design.search import run_study
space = parse_space({space!r})
calls = []
def evaluate(cfg, seeds, worlds):
    calls.append(cfg.scheme.name)
    if len(calls) == 2:
        os._exit(9)
    return [{{"value": cfg.scheme.bonus_share, "true_outcome": 0.0, "staff": 0.0}}]
run_study(space, {out!r}, 3, seed=4, base={base!r}, evaluate=evaluate)
"""


def test_study_killed_mid_evaluation_resumes_and_finishes(tmp_path):
    out = str(tmp_path / "d")
    code = KILLED.format(space=SMALL, out=out, base=TINY)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=120)
    assert proc.returncode == 9, proc.stderr.decode()[-2000:]
    calls = []

    def evaluate(cfg, seeds, worlds):
        calls.append(cfg.scheme.name)
        return [{"value": cfg.scheme.bonus_share, "true_outcome": 0.0, "staff": 0.0}]

    study = run_study(parse_space(SMALL), Path(out), 3, seed=4, base=TINY, evaluate=evaluate)
    states = [t.state for t in study.trials]
    # trial 0 was evaluated before the kill and is not evaluated again; trial 1 was cut
    # short (left running) and does not count; two more complete the budget of 3
    assert completed(study) == 3 and len(calls) == 2
    assert states.count(optuna.trial.TrialState.RUNNING) == 1
    assert "design_0" not in calls
    fresh = run_study(parse_space(SMALL), tmp_path / "e", 3, seed=4, base=TINY, evaluate=evaluate)
    # the resumed sampler draws what an unbroken search draws: the same three candidates
    assert [t[1:] for t in _trials(study)] == [t[1:] for t in _trials(fresh)]


# --------------------------------------------------------------------------- the command
@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["budget=0"], "budget=0 is not allowed"),
        ([], "budget= is required"),
        (["budget=2", "space=missing.yaml"], "file not found"),
        (["budget=2", "scheme=aht_pay"], "the design chooses the scheme"),
        (["budget=2", "customers.m=4"], "customers.m"),
        (["budget=2", "objective=profit"], "objective='profit' is not allowed: one of value"),
        (["budget=2", "worlds=0"], "worlds=0 is not allowed"),
        (["budget=2", "max_bonus_share=0"], "max_bonus_share=0 is not allowed"),
        (["budget=2", "current=no_such_scheme"], "current='no_such_scheme' is not a scenario"),
        (["budget=2", "jobs=0"], "jobs=0 is not allowed"),
        (["budget=2", "launcher=cloud"], "launcher='cloud' is not allowed: one of local, slurm"),
        (["budget=2", "partition=debug"], "partition=debug is for launcher=slurm"),
        (
            ["budget=2", "launcher=ray_cluster", "address=127.0.0.1:1"],
            "launcher=ray_cluster: the Ray cluster at 127.0.0.1:1 is not reachable",
        ),
    ],
)
def test_design_command_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, argv, words):
    from sim.cli import main

    out = tmp_path / "d"
    assert main(["design", *argv, f"out={out}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kpisim design: ") and words in err and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            _space(scheme__bonus_share=[0.0, 9.0]),
            "scheme.bonus_share=[0, 9] is outside the schema's range [0, 0.5]",
        ),
        (_space(kpis__speed={"weight": [0, 1]}), "kpis.speed"),
        ({"kpis": {}}, "the space is empty"),
        ({}, "the space is empty"),
    ],
    ids=["range_outside_schema", "unknown_kpi", "no_kpi", "empty_file"],
)
def test_design_command_refuses_a_bad_space_file(tmp_path, capsys, data, words):
    from sim.cli import main

    space = tmp_path / "space.yaml"
    space.write_text(yaml.safe_dump(data) if data else "", encoding="utf-8")
    out = tmp_path / "d"
    assert main(["design", "budget=2", f"space={space}", f"out={out}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kpisim design: ")
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["space.yaml"]  # nothing written


# --------------------------------------------------------------------------- worlds
def test_worlds_are_sampled_from_the_uncertainty_ranges_and_split(tmp_path):
    base = load_config("baseline", TINY)
    worlds, source = design_worlds(base, 2, seed=3)
    ranges, _ = load_uncertainty("default")
    assert source == "configs/uncertainty/default.yaml" and len(worlds) == 4
    for w in worlds:
        assert set(w) == set(ranges)
        assert all(ranges[k][0] <= v <= ranges[k][1] for k, v in w.items())
    assert isinstance(worlds[0]["management.detect_periods"], int)  # an integer knob
    assert design_worlds(base, 2, seed=3)[0] == worlds  # deterministic in the seed
    assert design_worlds(base, 2, seed=4)[0] != worlds
    s = split(3, 1, 1, worlds)
    assert s.search_worlds == (worlds[0], worlds[2]) and s.held_out_worlds == (worlds[1], worlds[3])
    # the search evaluates every candidate in the search worlds only
    seen = []

    def fake(cfg, seeds, worlds_):
        seen.append(list(worlds_))
        return [{"value": 1.0, "true_outcome": 0.0, "staff": 0.0} for _ in worlds_]

    run_study(parse_space(SMALL), tmp_path / "d", 2, seed=3, base=TINY, the_split=s, evaluate=fake)
    assert seen and all(w == [worlds[0], worlds[2]] for w in seen)


def test_worlds_are_drawn_from_the_centre_posterior(tmp_path):
    csv = tmp_path / "posterior.csv"
    csv.write_text("behavior.pay_weight,costs.loading\n0.6,1.2\n0.9,1.3\n1.4,1.4\n")
    base = load_config("baseline", [*TINY, f"centre.posterior={csv}"])
    worlds, source = design_worlds(base, 1, seed=0)
    rows = [{"behavior.pay_weight": 0.6, "costs.loading": 1.2}]
    rows += [{"behavior.pay_weight": 0.9, "costs.loading": 1.3}]
    rows += [{"behavior.pay_weight": 1.4, "costs.loading": 1.4}]
    assert source.startswith("centre.posterior=") and len(worlds) == 2
    assert all(w in rows for w in worlds) and worlds[0] != worlds[1]  # without replacement


# --------------------------------------------------------------------------- objectives
def test_dashboard_score_is_0_at_the_thresholds_and_1_at_the_targets():
    at = {
        key: KPIS[name].scheme_default[level]
        for name, key in DASHBOARD_KPIS.items()
        for level in ("threshold",)
    }
    assert dashboard_score(at) == pytest.approx(0.0)
    on = {key: KPIS[name].scheme_default["target"] for name, key in DASHBOARD_KPIS.items()}
    assert dashboard_score(on) == pytest.approx(1.0)
    # aht is better lower: 60 s below its threshold of 420 s is half the way to 360 s
    assert dashboard_score({"aht_s": 390.0}) == pytest.approx(0.5)


# --------------------------------------------------------------------------- constraints
def _record(bonus=0.05, service=0.9, signs=(), smart=()):
    return {
        "value": 1.0,
        "true_outcome": 0.5,
        "staff": 0.5,
        "bonus_cost_share": bonus,
        "service_level": service,
        "signs_lit": list(signs),
        "smart": list(smart),
    }


def test_constraint_values_follow_the_limits():
    limits = Limits(max_bonus_share=0.10, service_level=0.80)
    ok = constraint_values([_record(), _record(bonus=0.08, service=0.85)], limits)
    assert feasible(ok) and set(ok) == set(CONSTRAINTS)
    # 80th percentile of [0.05, 0.05, 0.05, 0.05, 0.30] = 0.05 + 0.2 x 0.25 (linear)
    runs = [_record()] * 4 + [_record(bonus=0.30)]
    assert constraint_values(runs, limits)["bonus"] == pytest.approx(0.10 - 0.10)
    assert constraint_values([_record(bonus=0.2)], limits)["bonus"] == pytest.approx(0.10)
    # 20th percentile of the service level under its target
    assert constraint_values([_record(service=0.7)], limits)["service"] == pytest.approx(0.1)
    lit = constraint_values([_record(signs=["imbalance"]), _record()], limits)
    assert lit["toxic"] == pytest.approx(0.5) and not feasible(lit)
    off = Limits(max_bonus_share=0.10, service_level=0.80, toxic=False)
    assert constraint_values([_record(signs=["imbalance"])], off)["toxic"] == 0.0
    # SMART judged as kpisim compare judges it: on the value averaged over the runs
    row = {"kpi": "aht", "criterion": "A", "limit": 0.5, "limit_high": float("nan")}
    runs = [_record(smart=[row | {"value": 0.3}]), _record(smart=[row | {"value": 0.5}])]
    assert smart_failures(runs) == ["aht:A"]  # mean 0.4 < 0.5
    assert constraint_values(runs, limits)["smart"] == 1.0


def test_constraints_make_a_candidate_infeasible_and_keep_it_off_the_front(tmp_path):
    limits = Limits(max_bonus_share=0.08, service_level=0.80, smart=False)

    def fake(cfg, seeds, worlds):  # bonus cost = the on-target bonus share: over 0.08 breaks
        r = _record(bonus=cfg.scheme.bonus_share)
        return [r | {"value": cfg.scheme.bonus_share}]  # and money rewards a big bonus

    study = run_study(
        parse_space(SMALL), tmp_path / "d", 6, seed=2, base=TINY, evaluate=fake, limits=limits
    )
    done = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    bad = [t for t in done if t.user_attrs["constraints"]["bonus"] > 0]
    good = [t for t in done if t not in bad]
    assert bad and good  # the range 0.02-0.15 straddles the budget
    assert all(t.constraints["bonus"] > 0 for t in bad)  # set for the sampler
    assert {t.number for t in front(study)} <= {t.number for t in good}
    assert all(is_feasible(t) for t in front(study))
    # an infeasible candidate with more money stays off the front
    assert max(t.values[0] for t in bad) > max(t.values[0] for t in front(study))


# --------------------------------------------------------------------------- parallel
def test_jobs_2_gives_the_same_runs_as_jobs_1():
    cfg = candidate_config(["scheme.kpis.aht.weight=1.0"], [*TINY, "days=10"], "d")
    one = simulate_runs(cfg, (1, 2), ({},))
    with WorkerPool(2, 2) as pool:
        two = simulate_runs(cfg, (1, 2), ({},), pool)
    # compared as JSON: NaN (an unbounded SMART limit) equals itself there
    assert json.dumps(one) == json.dumps(two) and [r["seed"] for r in two] == [1, 2]
    assert one[0]["value"] != one[1]["value"]  # two seeds, two different runs


# --------------------------------------------------------------------------- the command
def test_design_current_verification_dashboard_and_page(tmp_path, capsys):
    from sim.cli import main

    assert main(["design", "--help"]) == 0 and "budget=N" in capsys.readouterr().out
    space = tmp_path / "space.yaml"
    space.write_text(yaml.safe_dump(SMALL), encoding="utf-8")
    out = tmp_path / "d"
    args = ["budget=2", f"space={space}", f"out={out}", "current=aht_pay", "top=1", "jobs=1"]
    assert main(["design", *args, *TINY]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(out / "front.csv")
    assert table["rank"].iloc[-1] == "current"  # the current scheme's reference row
    schemes = table.iloc[:-1]
    assert list(schemes["rank"].astype(int)) == list(range(1, len(schemes) + 1))
    for file in schemes["file"]:
        arm = resolve_spec("proposal", str(out / file), TINY)
        assert arm.cfg.scheme.name.startswith("design_")
    assert {f"constraint_{c}" for c in CONSTRAINTS} | {"feasible"} <= set(table.columns)
    verified = pd.read_csv(out / "verify.csv")
    assert list(verified["scheme"]) == ["scheme_1", "current"]
    first = verified.iloc[0]
    assert first["runs"] == 1 and first["search_value"] == table["value"].iloc[0]
    assert first["curse_value"] == pytest.approx(first["search_value"] - first["value"])
    assert f"kpisim compare current=aht_pay proposal={out / 'scheme_1.yaml'}" in printed
    assert "Try it: kpisim compare current=aht_pay" in (out / "scheme_1.yaml").read_text()
    assert (
        "Run the same design with <code>objective=dashboard</code>"
        in (out / "design.html").read_text()
    )
    # the Goodhart demonstration: a dashboard study in the same folder
    assert main(["design", *args, "objective=dashboard", *TINY]) == 0
    dash = pd.read_csv(out / "front_dashboard.csv")
    assert {"dashboard", "survey", "staff"} <= set(dash.columns)
    assert (out / "verify_dashboard.csv").is_file() and (out / "scheme_dashboard_1.yaml").is_file()
    page = (out / "design.html").read_text()
    assert "data:image/png;base64," in page
    assert "dashboard-optimised (scheme_dashboard_1)" in page  # the two winners side by side
    assert "Run the same design with" not in page
    # the page knows which constraints read from the true ledger steered that design
    from sim.design.page import truth_steered

    assert truth_steered(out) == ["toxic", "smart"]
    blind = tmp_path / "blind"
    blind_args = [a if not a.startswith("out=") else f"out={blind}" for a in args]
    dash_only = ["objective=dashboard", "toxic=false", "smart=false"]
    assert main(["design", *blind_args, *dash_only, *TINY]) == 0
    assert truth_steered(blind) == []
