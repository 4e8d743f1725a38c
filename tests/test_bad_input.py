"""Bad input is rejected cleanly: by ``load_config`` and by ``kpisim run``.

Each case of the battery is a scenario plus overrides that must be refused, the text
that names the offending key (or override) and a fragment of what is allowed.
``load_config`` must raise :class:`sim.ConfigError` with a one-line message holding
both; ``kpisim run`` (a subprocess, run in an empty temporary folder) must exit
non-zero with exactly one line on stderr holding both, print no traceback anywhere,
and create nothing in its working folder (no ``results/`` run directory, no Hydra
``outputs/``).

Every case goes through ``load_config``.  Through the command line go ``CLI_CASES``:
one case of each kind of error (range, non-finite, type, bool, group, null, choice,
unknown key, retired key, appended key, unknown scenario and scheme, malformed override,
cross-field rules).  ``kpisim run`` validates with the same ``load_config`` call before Hydra
starts, so the rest would re-test the same message paths at ~2 s of process start-up
each (importing the package pulls in mesa, numba and pandas).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sim import ConfigError, load_config
from sim.config import clean_hydra_message, compose, to_config

#: The installed console script next to this Python, else the module (same entry point).
_SCRIPT = Path(sys.executable).parent / "kpisim"
KPISIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "sim.cli"]

# (id, scenario, overrides, names the key, says what is allowed)
BATTERY: list[tuple[str, str, list[str], str, str]] = [
    # ---- values out of range
    ("negative_seed", "baseline", ["seed=-1"], "seed", "allowed [0,"),
    ("zero_days", "baseline", ["days=0"], "days", "allowed [1,"),
    ("negative_customers", "baseline", ["customers.n=-5"], "customers.n", "allowed [1,"),
    ("zero_employees", "baseline", ["employees.n=0"], "employees.n", "allowed [1,"),
    (
        "share_above_1",
        "baseline",
        ["customers.web_preference=1.5"],
        "customers.web_preference",
        "allowed [0, 1]",
    ),
    (
        "audit_rate_above_1",
        "baseline",
        ["scheme.audit_rate=2"],
        "scheme.audit_rate",
        "allowed [0, 1]",
    ),
    (
        "negative_share",
        "baseline",
        ["scheme.audit_rate=-0.1"],
        "scheme.audit_rate",
        "allowed [0, 1]",
    ),
    ("zero_handling", "baseline", ["handling.mean_s=0"], "handling.mean_s", "allowed [1,"),
    ("nan_handling", "baseline", ["handling.mean_s=nan"], "handling.mean_s", "finite"),
    ("inf_handling", "baseline", ["handling.mean_s=inf"], "handling.mean_s", "finite"),
    (
        "negative_patience",
        "baseline",
        ["customers.patience_mean_s=-3"],
        "customers.patience_mean_s",
        "allowed [1,",
    ),
    (
        "negative_call_rate",
        "erlang_validation",
        ["demand.calls_per_hour=-1"],
        "demand.calls_per_hour",
        "allowed [0,",
    ),
    ("short_day", "baseline", ["channels.open_s=10"], "channels.open_s", "allowed [60,"),
    ("zero_period", "baseline", ["scheme.period_days=0"], "scheme.period_days", "allowed [1,"),
    # ---- wrong types
    ("days_text", "baseline", ["days=abc"], "days", "Integer"),
    ("days_float", "baseline", ["days=1.5"], "days", "Integer"),
    ("days_list", "baseline", ["days=[1,2]"], "days", "Integer"),
    ("seed_huge_float", "baseline", ["seed=1e30"], "seed", "Integer"),
    ("employees_text", "baseline", ["employees.n=ten"], "employees.n", "Integer"),
    (
        "patience_text",
        "baseline",
        ["customers.patience_mean_s=abc"],
        "customers.patience_mean_s",
        "Float",
    ),
    ("bool_text", "baseline", ["behavior.gaming=maybe"], "behavior.gaming", "bool"),
    ("group_given_a_value", "baseline", ["customers=3"], "customers", "group of keys"),
    ("null_days", "baseline", ["days=null"], "days", "needs a value"),
    # ---- choices
    (
        "bad_handling_dist",
        "baseline",
        ["handling.dist=gamma"],
        "handling.dist",
        "'lognormal', 'exponential'",
    ),
    (
        "numeric_handling_dist",
        "baseline",
        ["handling.dist=3"],
        "handling.dist",
        "'lognormal', 'exponential'",
    ),
    (
        "bad_profile",
        "baseline",
        ["demand.intraday_profile=triple"],
        "demand.intraday_profile",
        "'two_peaks', 'flat'",
    ),
    ("bad_dashboard", "baseline", ["scheme.dashboard=tv"], "scheme.dashboard", "'individual'"),
    (
        "fcr_definition_of_csat",
        "baseline",
        ["scheme.kpis.fcr.definition=agent_offered"],
        "scheme.kpis.fcr.definition",
        "'self_coded', 'no_repeat_7d'",
    ),
    # ---- unknown keys, scenarios, schemes
    ("unknown_key", "baseline", ["foo=1"], "'foo'", "unknown config key"),
    ("misspelt_key", "baseline", ["customers.nn=3"], "'customers.nn'", "unknown config key"),
    ("appended_unknown_key", "baseline", ["+foo=1"], "'foo'", "unknown config key"),
    (
        "appended_unknown_nested_key",
        "baseline",
        ["+customers.foo=1"],
        "'customers.foo'",
        "unknown config key",
    ),
    # retired keys: the message names the key that replaced them
    (
        "retired_phone_key",
        "baseline",
        ["channels.phone_number_visible=false"],
        "'channels.phone_number_visible'",
        "did you mean channels.phone_visibility (one of 'visible', 'one_click', 'hidden')",
    ),
    (
        "retired_web_first_key",
        "baseline",
        ["channels.hidden_web_first_share=0.8"],
        "'channels.hidden_web_first_share'",
        "did you mean channels.hidden_miss or channels.hidden_search_effort",
    ),
    (
        "retired_find_key",
        "baseline",
        ["channels.hidden_find_prob=0.7"],
        "'channels.hidden_find_prob'",
        "did you mean channels.hidden_miss or channels.hidden_search_effort",
    ),
    ("unknown_scenario", "nosuch", [], "scenario='nosuch'", "choose one of"),
    ("unknown_scheme", "baseline", ["scheme=nosuch"], "scheme/nosuch", "choose one of"),
    # ---- malformed overrides
    ("override_without_value", "baseline", ["seed"], "'seed'", "key=value"),
    ("override_without_key", "baseline", ["=3"], "'=3'", "key=value"),
    ("override_double_equals", "baseline", ["seed=="], "'seed=='", "key=value"),
    # ---- cross-field rules
    (
        "rollout_without_proposal",
        "baseline",
        ["rollout_day=10"],
        "rollout_day",
        "+scheme@proposal=",
    ),
    (
        "weights_above_1",
        "baseline",
        ["scheme.kpis.aht.weight=0.8", "scheme.kpis.fcr.weight=0.5"],
        "scheme.kpis",
        "at most 1",
    ),
    (
        "flat_linear_curve",
        "baseline",
        [
            "scheme.kpis.aht.weight=0.5",
            "scheme.kpis.aht.threshold=300",
            "scheme.kpis.aht.stretch=300",
        ],
        "scheme.kpis.aht",
        "threshold > target >= stretch",
    ),
    (
        "curve_against_direction",
        "baseline",
        [
            "scheme.kpis.aht.weight=0.5",
            "scheme.kpis.aht.threshold=300",
            "scheme.kpis.aht.stretch=400",
        ],
        "scheme.kpis.aht",
        "got threshold=300, target=360",
    ),
    # ---- scheme files checked like a finance lead would (tests/test_scheme_checks.py)
    (
        "share_as_percentage",
        "baseline",
        ["scheme.team_share=60"],
        "scheme.team_share",
        "did you mean 0.60?",
    ),
    (
        "kpi_target_as_percentage",
        "baseline",
        ["scheme.kpis.fcr.weight=1", "scheme.kpis.fcr.target=68"],
        "scheme.kpis.fcr.target",
        "did you mean 0.68?",
    ),
    (
        "safety_limit_as_percentage",
        "baseline",
        ["scheme.kpis.fcr.safety_metric=repeat_rate", "scheme.kpis.fcr.safety_limit=42"],
        "scheme.kpis.fcr.safety_limit",
        "did you mean 0.42?",
    ),
    ("bonus_over_cap", "baseline", ["scheme.bonus_share=0.8"], "scheme.bonus_share", "[0, 0.5]"),
    (
        "unknown_kpi",
        "baseline",
        ["scheme.kpis.fcrr.weight=0.3"],
        "'fcrr'",
        "valid KPIs are aht, fcr, csat, transfer, web_deflection, resolved_per_hour, quality",
    ),
    (
        "salary_inverted",
        "baseline",
        ["employees.salary_experienced_annual=1000"],
        "employees.salary_experienced_annual",
        ">=",
    ),
    # ---- workforce and costs
    (
        "negative_shrinkage",
        "baseline",
        ["workforce.shrinkage=-0.1"],
        "workforce.shrinkage",
        "allowed [0, 0.95]",
    ),
    (
        "shift_longer_than_day",
        "baseline",
        ["workforce.shift_hours=[14]"],
        "workforce.shift_hours",
        "0.5 h to the opening hours",
    ),
    (
        "shift_not_whole_intervals",
        "baseline",
        ["workforce.shift_hours=[7.75]"],
        "workforce.shift_hours",
        "whole number of planning intervals",
    ),
    (
        "no_shift_length",
        "baseline",
        ["workforce.shift_hours=[]"],
        "workforce.shift_hours",
        "at least one length",
    ),
    (
        "bad_bonus_funding",
        "baseline",
        ["scheme.bonus_funding=later"],
        "scheme.bonus_funding",
        "'on_top', 'from_base'",
    ),
    (
        "negative_overhead",
        "baseline",
        ["costs.overhead_per_seat_annual=-1"],
        "costs.overhead_per_seat_annual",
        "allowed [0,",
    ),
    (
        "unreachable_sl_target",
        "baseline",
        ["channels.service_level_target=1"],
        "channels.service_level_target",
        "target below 1",
    ),
    (
        "bad_planner",
        "baseline",
        ["workforce.planner=magic"],
        "workforce.planner",
        "'erlang_a', 'erlang_c'",
    ),
    # ---- a list key given a single value (Hydra alone says only "Error merging override")
    (
        "list_key_given_text",
        "baseline",
        ["handling.interval_factors=abc"],
        "handling.interval_factors=abc",
        "takes a list, written in brackets",
    ),
    (
        "list_key_given_number",
        "baseline",
        ["demand.weekday_factors=1.2"],
        "demand.weekday_factors=1.2",
        "takes a list, written in brackets",
    ),
]

IDS = [c[0] for c in BATTERY]
CLI_CASES = [
    "negative_seed",
    "share_above_1",
    "nan_handling",
    "days_text",
    "bool_text",
    "group_given_a_value",
    "null_days",
    "bad_handling_dist",
    "misspelt_key",
    "appended_unknown_key",
    "retired_phone_key",
    "unknown_scenario",
    "unknown_scheme",
    "override_without_value",
    "rollout_without_proposal",
    "weights_above_1",
    "negative_shrinkage",
    "list_key_given_text",
]
CLI_BATTERY = [c for c in BATTERY if c[0] in CLI_CASES]


@pytest.mark.parametrize(("case", "scenario", "overrides", "key", "allowed"), BATTERY, ids=IDS)
def test_load_config_rejects(case, scenario, overrides, key, allowed):
    with pytest.raises(ConfigError) as info:
        load_config(scenario, overrides)
    msg = str(info.value)
    assert "\n" not in msg, f"{case}: message is not one line: {msg!r}"
    assert key in msg, f"{case}: message does not name {key!r}: {msg!r}"
    assert allowed in msg, f"{case}: message does not say {allowed!r}: {msg!r}"


@pytest.mark.parametrize(
    "overrides",
    [
        ["customers.patience_mean_s=null"],
        ["handling.dist=exponential", "channels.phone_visibility=hidden"],
        ["+scheme@proposal=aht_pay", "rollout_day=5"],
        ["scheme=aht_pay", "seed=3", "days=1"],
        ["customers.web_preference=1", "scheme.audit_rate=0"],  # range ends are allowed
    ],
)
def test_load_config_accepts_valid_input(overrides):
    """The checks do not over-reject: valid values, null patience, range ends, a
    proposal scheme with a rollout day."""
    load_config("baseline", overrides)


@pytest.mark.parametrize("value", ["2", "0", "1", "maybe"])
def test_integer_for_a_bool_is_rejected(value):
    """OmegaConf alone would turn any integer into a bool; kpisim refuses it."""
    with pytest.raises(ConfigError, match=r"behavior\.adaptive"):
        load_config("baseline", [f"behavior.adaptive={value}"])
    assert load_config("baseline", ["behavior.adaptive=false"]).behavior.adaptive is False


def test_retired_key_in_a_yaml_file_names_the_new_key(tmp_path):
    """A scenario file written for an older release, with the retired phone key, is
    refused when Hydra composes it (as ``load_config`` does), naming the new key."""
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "old_hidden.yaml").write_text(
        "# @package _global_\nchannels:\n  phone_number_visible: false\n"
    )
    overrides = ["scenario=old_hidden", f"hydra.searchpath=[file://{tmp_path}]"]
    with pytest.raises(Exception) as info:
        to_config(compose(overrides))
    msg = clean_hydra_message(info.value)
    assert msg.startswith("unknown config key 'channels.phone_number_visible'"), msg
    assert "did you mean channels.phone_visibility" in msg, msg


# ------------------------------------------------------------------ the command line
def _cli(case: str, scenario: str, overrides: list[str], root: Path):
    cwd = root / case
    cwd.mkdir()
    args = [*KPISIM, "run", *([f"scenario={scenario}"] if scenario != "baseline" else [])]
    proc = subprocess.run([*args, *overrides], cwd=cwd, capture_output=True, text=True, timeout=300)
    return proc, sorted(p.name for p in cwd.iterdir())


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory) -> dict:
    """Every battery case through ``kpisim run``, three processes at a time."""
    root = tmp_path_factory.mktemp("bad_cli")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {c[0]: pool.submit(_cli, c[0], c[1], c[2], root) for c in CLI_BATTERY}
        return {k: f.result() for k, f in futures.items()}


def test_cli_cases_exist():
    assert len(CLI_BATTERY) == len(CLI_CASES)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "scenario", "overrides", "key", "allowed"),
    CLI_BATTERY,
    ids=[c[0] for c in CLI_BATTERY],
)
def test_cli_rejects(cli_results, case, scenario, overrides, key, allowed):
    proc, created = cli_results[case]
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, f"{case}: exit 0 for bad input; stdout: {proc.stdout!r}"
    assert "Traceback" not in out, f"{case}: traceback printed:\n{out}"
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, f"{case}: expected one line on stderr, got {lines!r}"
    assert key in lines[0] and allowed in lines[0], f"{case}: unclear message {lines[0]!r}"
    assert created == [], f"{case}: the failed run created {created}"
