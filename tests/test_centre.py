"""Centres (``centre=NAME``, configs/centre/), the call-detail export (``export.calls``)
and the posterior worlds of the robust verdict (``centre.posterior``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim import ConfigError, load_config, run_simulation
from sim.compare.args import parse_args
from sim.compare.plan import build_plan
from sim.compare.uncertainty import load_posterior
from sim.config import CONFIG_DIR
from sim.outputs import CALL_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
#: A small world: a few seconds a run.
SMALL = ["customers.n=20000", "employees.n=8", "days=3", "seed=3"]


def test_centre_applies_its_keys():
    """Every key the example centre file sets arrives in the loaded config."""
    raw = yaml.safe_load((CONFIG_DIR / "centre" / "example.yaml").read_text())
    cfg = load_config("baseline", overrides=["centre=example"])
    assert cfg.centre.name == "example"
    assert cfg.handling.mean_s == raw["handling"]["mean_s"]
    assert cfg.customers.n == raw["customers"]["n"]
    assert cfg.customers.patience_mean_s == raw["customers"]["patience_mean_s"]
    assert cfg.employees.n == raw["employees"]["n"]
    assert cfg.demand.intraday_profile == "file"
    # the relative profile path was found (repository root), whatever the working directory
    assert Path(cfg.demand.profile_file) == CONFIG_DIR / "centre" / "example.profile.csv"
    # the generic centre changes nothing, and the scenario still applies on top
    assert load_config("baseline", ["centre=none"]) == load_config("baseline")
    aht = load_config("aht_pay", ["centre=example"])
    assert aht.scheme.name == "aht_pay" and aht.handling.mean_s == raw["handling"]["mean_s"]


def test_unknown_centre_is_one_clean_line():
    with pytest.raises(ConfigError) as e:
        load_config("baseline", ["centre=atlantis"])
    msg = str(e.value)
    assert "centre='atlantis'" in msg and "example" in msg and "none" in msg
    assert "\n" not in msg


def test_kpisim_run_centre_from_another_folder(tmp_path):
    """`kpisim run centre=example days=5` from a folder outside the repository."""
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "centre=example", "days=5", f"output_dir={out}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "centre=example" in proc.stdout
    assert (out / "summary.json").is_file() and not (out / "calls.parquet").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "centre=atlantis", "days=5"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert bad.returncode == 2 and "not a known centre" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_export_changes_no_outcome_and_counts_every_call(tmp_path):
    """The export reads what the day computed and draws nothing: identical summaries
    and daily tables with it on and off; one record per call offered."""
    off = run_simulation(load_config("baseline", SMALL))
    on = run_simulation(load_config("baseline", [*SMALL, "export.calls=true"]))
    assert off.calls is None
    assert on.summary == off.summary
    pd.testing.assert_frame_equal(on.daily, off.daily)
    calls = on.calls
    assert calls is not None and len(calls) == on.summary["calls_offered"]
    per_day = calls.groupby("day").size().to_numpy()
    np.testing.assert_array_equal(per_day, on.daily["calls_offered"].to_numpy())
    assert (calls["outcome"] == "AGENT").sum() == on.summary["calls_answered"]
    assert calls["transferred"].sum() == on.daily["transfers"].sum()
    # answered: a server and a handle time; abandoned: neither, and no disposition
    ans = calls["outcome"] == "AGENT"
    assert calls.loc[ans, "server"].notna().all() and calls.loc[ans, "ser_time"].ge(0).all()
    assert calls.loc[~ans, ["server", "ser_start", "disposition"]].isna().all().all()
    # talk time of all legs = the daily table's handle time (to the 0.1 s rounding)
    legs = calls["ser_time"].fillna(0).sum() + calls["ser2_time"].fillna(0).sum()
    assert legs == pytest.approx(on.daily["handle_s"].sum(), abs=0.05 * 2 * len(calls))
    # the dashboard's coded resolutions are the RESOLVED dispositions
    assert (calls["disposition"] == "RESOLVED").sum() == on.daily["coded_resolved"].sum()
    # written to the run folder and read back
    on.write(tmp_path)
    back = pd.read_parquet(tmp_path / "calls.parquet")
    assert list(back.columns) == list(CALL_COLUMNS)
    assert len(back) == on.summary["calls_offered"]
    assert set(back["date"]) == {"2024-01-01", "2024-01-02", "2024-01-03"}
    assert back["q_start"].str.fullmatch(r"\d\d:\d\d:\d\d").all()


def test_example_export_matches_its_mapping():
    """The shipped example export has every column its mapping names, and values the
    mapping's outcome lists and time format cover."""
    mapping = yaml.safe_load((ROOT / "examples" / "centre" / "mapping.yaml").read_text())
    assert mapping == yaml.safe_load((ROOT / "examples/mappings/kpisim_calls.yaml").read_text())
    df = pd.read_csv(ROOT / "examples" / "centre" / "calls.csv", keep_default_na=False)
    assert set(mapping["columns"].values()) <= set(df.columns)
    outcomes = set(mapping["outcomes"]["answered"]) | set(mapping["outcomes"]["abandoned"])
    assert set(df["outcome"]) <= outcomes
    pd.to_datetime(df["q_start"], format=mapping["time_format"])
    assert (ROOT / "examples" / "centre" / "calls.csv").stat().st_size < 3_000_000


def test_compare_on_a_centre_with_its_posterior(tmp_path):
    """`centre=` reaches both arms; a posterior's rows become the robust worlds."""
    post = tmp_path / "posterior.csv"
    post.write_text("behavior.pay_weight,customers.patience_mean_s\n0.6,130\n1.4,150\n1.9,160\n")
    args = parse_args(
        ["centre=example", "proposal=aht_pay", "days=20", "robust=5", f"centre.posterior={post}"]
    )
    plan = build_plan(args)
    assert plan.cfg_current.centre.name == plan.cfg_proposal.centre.name == "example"
    assert plan.posterior == str(post)
    rows = {tuple(r) for r in pd.read_csv(post).itertuples(index=False)}
    drawn = plan.worlds[["behavior.pay_weight", "customers.patience_mean_s"]]
    assert len(drawn) == 5 and {tuple(r) for r in drawn.itertuples(index=False)} <= rows
    assert plan.uncertainty == {
        "behavior.pay_weight": (0.6, 1.9),
        "customers.patience_mean_s": (130.0, 160.0),
    }
    # no posterior: the generic Latin hypercube over configs/uncertainty/default.yaml
    generic = build_plan(parse_args(["centre=example", "days=20", "robust=3"]))
    assert generic.posterior == "" and "behavior.intrinsic_weight" in generic.worlds


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("behavior.nope\n1\n", "not a config key"),
        ("behavior.pay_weight\n-1\n", "row 1"),
        ("seed\n3\n", "set by kpisim compare"),
        ("scenario.name\nx\n", "not a numeric knob"),
    ],
)
def test_bad_posterior_is_named(tmp_path, text, words):
    p = tmp_path / "post.csv"
    p.write_text(text)
    with pytest.raises(ConfigError, match=words):
        load_posterior(str(p))


def test_app_runs_lessons_on_a_centre(monkeypatch):
    """`kpisim app centre=NAME`: the name is checked, handed to the server, and every
    lesson's config is built on that centre with the centre's staffing ratio."""
    from sim.app.launcher import check_centre_arg, server_env
    from sim.app.settings import CENTRE_ENV, build_config, preset_settings

    assert check_centre_arg("centre=example") == "example"
    assert check_centre_arg("") == ""
    for bad in ("centre=atlantis", "scenario=aht_pay"):
        with pytest.raises(ValueError):
            check_centre_arg(bad)
    assert server_env(Path("."), "example")[CENTRE_ENV] == "example"
    monkeypatch.setenv(CENTRE_ENV, "example")
    centre = load_config("baseline", ["centre=example"])
    s = preset_settings("aht_pay")
    cfg = build_config(s)
    assert cfg.centre.name == "example" and cfg.scheme.name == "aht_pay"
    assert cfg.handling.mean_s == centre.handling.mean_s
    ratio = centre.customers.n / centre.employees.n
    assert cfg.employees.n == max(1, round(s.customers / ratio))


# --------------------------------------------------------------------------- own centres
def _own_centre(folder: Path, name: str, customers: int) -> Path:
    """A centre file as `kpisim calibrate out=folder` writes it: its profile beside it,
    named relative to the centre file's folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.profile.csv").write_text(
        (CONFIG_DIR / "centre" / "example.profile.csv").read_text()
    )
    text = (
        "# @package _global_\n"
        f"centre: {{name: {name}, source: mine.csv}}\n"
        f"demand: {{intraday_profile: file, profile_file: {name}.profile.csv}}\n"
        f"customers: {{n: {customers}}}\n"
        "handling: {mean_s: 250.0}\n"
    )
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def test_centre_by_path_and_by_centre_dir(tmp_path, monkeypatch):
    """centre=PATH and centre=NAME centre_dir=DIR load a centre file outside
    configs/centre/, its profile found beside it from any working directory, with the
    scenario still applied on top; a file named like a shipped centre is not shadowed."""
    _own_centre(tmp_path / "centres", "mine", 12345)
    _own_centre(tmp_path / "centres", "example", 23456)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    cfg = load_config("aht_pay", ["centre=../centres/mine.yaml"])
    assert (cfg.centre.name, cfg.customers.n, cfg.handling.mean_s) == ("mine", 12345, 250.0)
    assert cfg.scheme.name == "aht_pay"
    assert Path(cfg.demand.profile_file) == (tmp_path / "centres" / "mine.profile.csv")
    by_dir = load_config("aht_pay", ["centre=mine", "centre_dir=../centres"])
    assert by_dir == cfg
    # the folder's own "example" wins over the shipped one, by path and by centre_dir
    shipped = load_config("baseline", ["centre=example"])
    own = load_config("baseline", ["centre=../centres/example.yaml"])
    assert own.customers.n == 23456 != shipped.customers.n
    assert load_config("baseline", ["centre=example", "centre_dir=../centres"]) == own
    # a shipped name not in centre_dir is still found; overrides still apply last
    assert load_config("baseline", ["centre=none", "centre_dir=../centres"]).centre.name == ""
    assert (
        load_config("baseline", ["centre=../centres/mine.yaml", "customers.n=7"]).customers.n == 7
    )


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        (["centre=../centres/nope.yaml"], "no such centre file"),
        (
            ["centre=nope", "centre_dir=../centres"],
            "choose one of broken, mine \\(centre_dir=../centres\\)",
        ),
        (["centre=mine", "centre_dir=../nowhere"], "is not a folder"),
        (["centre_dir=../centres"], "needs centre=NAME"),
        (["centre=../centres/mine.yaml,example"], "a sweep \\(-m\\) takes centre=NAME"),
        (["centre=../centres/broken.yaml"], "not a mapping"),
    ],
)
def test_bad_centre_reference_is_one_line(tmp_path, monkeypatch, overrides, words):
    _own_centre(tmp_path / "centres", "mine", 12345)
    (tmp_path / "centres" / "broken.yaml").write_text("- a list\n")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    with pytest.raises(ConfigError, match=words) as e:
        load_config("baseline", overrides)
    assert "\n" not in str(e.value)


def test_compare_resolves_centre_dir(tmp_path, monkeypatch):
    """kpisim compare centre=NAME centre_dir=DIR: both arms get the centre file's path."""
    path = _own_centre(tmp_path / "centres", "mine", 12345)
    monkeypatch.chdir(tmp_path)
    a = parse_args(["centre=mine", "centre_dir=centres", "replications=2"])
    assert a.overrides == [f"centre={path.absolute()}"]
    assert parse_args(["centre=example", "centre_dir=centres"]).overrides == ["centre=example"]
    with pytest.raises(ConfigError, match="needs centre=NAME"):
        parse_args(["centre_dir=centres"])


def test_calibrate_prints_the_centre_reference(tmp_path):
    """The reference kpisim calibrate prints: a name in configs/centre/, else the path."""
    from sim.calibrate.cli import centre_ref

    assert centre_ref(CONFIG_DIR / "centre", "mine") == "mine"
    assert centre_ref(Path("../centres"), "mine") == "../centres/mine.yaml"


def test_volume_warning_and_daily_misfits():
    """A pilot outside its tolerance is one warning sentence (none when converged); a
    figure whose observed days fall outside the simulated days' band too often is a
    misfit even when its intervals fit."""
    from types import SimpleNamespace

    from sim.calibrate.backtest import misfits
    from sim.calibrate.pilot import volume_warning

    pilot = {"customers_n": 100, "simulated_calls_per_day": 98.0, "error": -0.02, "aht_error": 0.05}
    vol = {
        "customers_n": 100,
        "handling_mean_s": 280.0,
        "simulated_aht_s": 315.0,
        "observed_aht_s": 300.0,
        "simulated_calls_per_day": 98.0,
        "observed_calls_per_day": 100.0,
        "error": -0.02,
        "converged": False,
        "tolerance": 0.02,
        "iterations": [dict(pilot, simulated_aht_s=315.0)],
    }
    msg = volume_warning(vol)
    assert "did not converge" in msg and "+5.0%" in msg and "\n" not in msg
    assert volume_warning(dict(vol, converged=True)) == "" == volume_warning(None)
    row = {
        "figure": "offered",
        "fits": True,
        "coverage": 0.9,
        "bias": 0.0,
        "rel_bias": 0.0,
        "mae": 1.0,
        "day_observed": 870.0,
        "day_sim_mean": 844.0,
        "day_sim_lo": 770.0,
        "day_sim_hi": 907.0,
        "day_coverage": 0.6,
        "day_n_observed": 10,
        "day_fits": False,
    }
    out = misfits(SimpleNamespace(summary=pd.DataFrame([row])))
    assert len(out) == 1 and "only 60% of the 10 observed days" in out[0]
    assert misfits(SimpleNamespace(summary=pd.DataFrame([dict(row, day_fits=True)]))) == []


def test_centre_note_says_what_is_calibrated_and_what_is_generic():
    """The compare page's centre note lists what the centre file sets, which of
    behaviour, churn and money are still generic defaults, and the centre's notes."""
    from sim.compare.page_centre import centre_note

    note = centre_note(load_config("baseline", ["centre=example"]))
    cfg = load_config("baseline", ["centre=example"])
    assert f"front-line agents {cfg.employees.n}" in note and "arrivals over the day" in note
    assert "behaviour (pay response, gaming, learning), churn and money" in note
    assert (cfg.centre.notes != "") == ("<b>Note</b>" in note)
    own_money = centre_note(load_config("baseline", ["centre=example", "costs.loading=1.5"]))
    assert "learning) and churn are kpisim's generic defaults" in own_money
    assert "money (salaries" not in own_money
    assert "generic centre" in centre_note(load_config("baseline"))
