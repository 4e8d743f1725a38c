"""``kpisim compare``: numbers recomputed from raw runs, CRN pairing, bad input, robust
shares, parallelism invariance, and the report as a browser shows it.

Everything runs a tiny centre (20,000 customers, 4 agents, 63 days) so the module stays
well under a few minutes; the browser rendering is marked slow.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.compare import cli, metrics, tables, uncertainty
from sim.compare.args import parse_args
from sim.compare.people import people_extract
from sim.compare.plan import build_plan
from sim.config import ConfigError, load_config, validate
from sim.run import run_simulation

ROOT = Path(__file__).resolve().parent.parent
TINY = ["customers.n=20000", "employees.n=4"]
DAYS, ROLLOUT, REPS, SEED = 63, 21, 3, 11


def _args(out: Path, *extra: str) -> list[str]:
    return [
        "current=baseline",
        "proposal=aht_pay",
        f"replications={REPS}",
        f"days={DAYS}",
        f"rollout_day={ROLLOUT}",
        f"seed={SEED}",
        "robust=6",
        "robust_scale=0.5",
        "progress=false",
        *TINY,
        *extra,
        f"out={out}",
    ]


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory) -> Path:
    """One tiny comparison, run in-process (jobs=1)."""
    out = tmp_path_factory.mktemp("cmp") / "report"
    assert cli.main(_args(out, "jobs=1")) == 0
    return out


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", "compare", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


# --------------------------------------------------------------------------- numbers
def _raw_arms() -> tuple[list[dict], list[dict]]:
    """Both arms run here, independently of sim.compare's config building."""
    scheme = load_config("aht_pay", TINY).scheme
    cur, pro = [], []
    for r in range(REPS):
        c = load_config("baseline", [*TINY, f"days={DAYS}", f"seed={SEED + r}"])
        p = copy.deepcopy(c)
        p.rollout_day, p.proposal = ROLLOUT, scheme
        validate(p)
        for cfg, bucket in ((c, cur), (p, pro)):
            res = run_simulation(cfg)
            s = dict(res.summary)
            d = res.daily
            years = len(d) / 250
            s["pay_per_employee_annual"] = (
                (d["cost_labour"].sum() + d["cost_bonus"].sum()) / d["staff"].mean() / years
            )
            s.update(people_extract(res)["summary"])  # headcount flows, tier turnover
            # each run under every definition, by hand from the run's totals
            owned, audited = d["answered_owned"].sum(), d["audited"].sum()
            s["fcr_measured_as_self_coded"] = d["coded_resolved"].sum() / owned
            # a repeat within 7 days is final 7 days after the call: the last week's calls
            # are censored (not yet measurable)
            closed = d[d["day"] + 7 <= d["day"].max()]
            s["fcr_measured_as_no_repeat_7d"] = (
                1.0 - closed["repeats_7d"].sum() / closed["answered_owned"].sum()
            )
            s["csat_measured_as_random_sample"] = d["rnd_top2"].sum() / d["rnd_surveys"].sum()
            s["quality_score"] = 1.0 - min(1.0, d["detected"].sum() / audited) if audited else 1.0
            bucket.append(s)
    return cur, pro


def test_csv_matches_recomputation_from_raw_runs(tiny_out):
    table = pd.read_csv(tiny_out / "comparison.csv").set_index("metric")
    cur, pro = _raw_arms()
    checked = 0
    for m in metrics.METRICS:
        c = np.array([np.nan if s[m.key] is None else s[m.key] for s in cur], float)
        p = np.array([np.nan if s[m.key] is None else s[m.key] for s in pro], float)
        ok = np.isfinite(c) & np.isfinite(p)
        row = table.loc[m.key]
        assert row["n"] == ok.sum(), m.key
        if not ok.any():
            continue
        d = p[ok] - c[ok]
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
        expect = {
            "current_mean": c[ok].mean(),
            "proposal_mean": p[ok].mean(),
            "difference": d.mean(),
            "ci_low": d.mean() - half,
            "ci_high": d.mean() + half,
        }
        for col, v in expect.items():
            assert row[col] == pytest.approx(v, rel=1e-9, abs=1e-9), (m.key, col)
        checked += 1
    assert checked >= 35
    # every numeric summary key (docs/reference.md) has a row
    contract = [
        "aht_s",
        "fcr_measured",
        "csat_survey",
        "survey_response_rate",
        "friendliness_rating",
        "transfer_rate",
        "web_containment",
        "fcr_true",
        "csat_true",
        "customer_effort",
        "repeat_contact_rate",
        "complaint_rate",
        "retention",
        "churn_rate_annual",
        "revenue",
        "cost_total",
        "profit",
        "clv_mean",
        "nps_true",
        "employee_satisfaction",
        "staff_turnover_annual",
        "gaming_rate",
        "false_resolution_rate",
        "survey_steering_rate",
        "dumped_call_rate",
        "rushed_contact_rate",
        "fcr_gap",
        "csat_gap",
        "service_level",
        "asa_s",
        "p_wait",
        "abandon_rate",
        "occupancy",
        "contacts_total",
        "calls_offered",
        "calls_answered",
        "web_sessions",
    ]
    assert set(contract) <= set(table.index)
    for col in ("current_mean", "proposal_mean", "difference", "ci_low", "ci_high", "n"):
        assert col in table.columns


def test_replications_csv_holds_the_raw_values(tiny_out):
    reps = pd.read_csv(tiny_out / "replications.csv")
    table = pd.read_csv(tiny_out / "comparison.csv").set_index("metric")
    for key in ("profit", "fcr_true", "sign_chasing_numbers_flag"):
        c = reps[reps["arm"] == "current"].sort_values("replication")[key].to_numpy()
        p = reps[reps["arm"] == "proposal"].sort_values("replication")[key].to_numpy()
        assert table.loc[key, "difference"] == pytest.approx((p - c).mean(), rel=1e-12)


# --------------------------------------------------------------------------- CRN
def test_crn_same_seeds_and_identical_until_rollout(tiny_out):
    reps = pd.read_csv(tiny_out / "replications.csv")
    seeds = reps.pivot(index="replication", columns="arm", values="seed")
    assert (seeds["current"] == seeds["proposal"]).all()
    assert list(seeds["current"]) == [SEED + r for r in range(REPS)]
    ts = pd.read_csv(tiny_out / "timeseries.csv")
    before = ts[ts["day"] + tables.WEEK <= ROLLOUT]
    assert len(before) > 0
    cols = ["aht_s", "fcr_true", "csat_true", "profit_daily", "morale"]
    a = before[before["arm"] == "current"].sort_values(["replication", "day"])[cols].to_numpy()
    b = before[before["arm"] == "proposal"].sort_values(["replication", "day"])[cols].to_numpy()
    np.testing.assert_array_equal(a, b)  # same customers, staff and luck before the switch
    after = ts[ts["day"] >= ROLLOUT + 21]
    assert not np.array_equal(
        after[after["arm"] == "current"]["aht_s"].to_numpy(),
        after[after["arm"] == "proposal"]["aht_s"].to_numpy(),
    )


def test_current_vs_current_gives_exactly_zero(tmp_path):
    out = tmp_path / "same"
    args = [a for a in _args(out, "jobs=1") if not a.startswith(("proposal=", "robust="))]
    assert cli.main([*args, "proposal=baseline", "robust=0"]) == 0
    table = pd.read_csv(out / "comparison.csv")
    assert (table["difference"].fillna(0) == 0).all()
    assert (table["ci_low"].fillna(0) == 0).all() and (table["ci_high"].fillna(0) == 0).all()
    assert set(table["verdict"]) <= {"no change", "no data"}


# --------------------------------------------------------------------------- robust
def test_robust_shares_recomputed_from_worlds(tiny_out):
    robust = pd.read_csv(tiny_out / "robust.csv")
    verdict = json.loads((tiny_out / "verdict.json").read_text())
    shares = verdict["robust_shares"]
    assert len(robust) == 6
    assert shares["profit"] == pytest.approx((robust["diff_profit"] > 0).mean())
    assert shares["retention"] == pytest.approx((robust["diff_retention"] > 0).mean())
    assert shares["csat_true"] == pytest.approx((robust["diff_csat_true"] > 0).mean())
    both = (robust["diff_retention"] > 0) & (robust["diff_csat_true"] > 0)
    assert shares["customers"] == pytest.approx(both.mean())
    assert shares["turnover"] == pytest.approx((robust["diff_staff_turnover_annual"] < 0).mean())
    # the differences are the two arms' values
    np.testing.assert_allclose(
        robust["diff_profit"], robust["proposal_profit"] - robust["current_profit"]
    )


def test_robust_world_reruns_from_its_parameters(tiny_out):
    """World 0 of robust.csv, run here from its sampled parameters, gives its numbers."""
    robust = pd.read_csv(tiny_out / "robust.csv")
    ranges, _ = uncertainty.load_uncertainty("default")
    w = robust.iloc[0]
    over = [*TINY, f"days={DAYS}", f"seed={int(w['seed'])}"]
    over = [o.replace("20000", "10000").replace("employees.n=4", "employees.n=2") for o in over]
    c = load_config("baseline", over)
    for k in ranges:
        obj = c
        *parents, last = k.split(".")
        for part in parents:
            obj = getattr(obj, part)
        setattr(obj, last, float(w[k]))
    p = copy.deepcopy(c)
    p.rollout_day, p.proposal = ROLLOUT, load_config("aht_pay").scheme
    a, b = run_simulation(validate(c)).summary, run_simulation(validate(p)).summary
    assert w["current_profit"] == pytest.approx(a["profit"], rel=1e-12)
    assert w["diff_profit"] == pytest.approx(b["profit"] - a["profit"], rel=1e-9, abs=1e-6)


def test_latin_hypercube_covers_each_range_once_per_stratum():
    ranges, _ = uncertainty.load_uncertainty("default")
    n = 16
    worlds = uncertainty.sample_worlds(ranges, n, seed=3)
    for k, (lo, hi) in ranges.items():
        if uncertainty.field_of(k).type in ("int", int):  # rounded: may leave its stratum
            assert worlds[k].between(lo, hi).all() and worlds[k].dtype.kind == "i", k
            continue
        strata = np.floor((worlds[k].to_numpy() - lo) / (hi - lo) * n).astype(int)
        assert sorted(strata) == list(range(n)), k
    pd.testing.assert_frame_equal(worlds, uncertainty.sample_worlds(ranges, n, seed=3))


def test_sensitivity_finds_the_parameter_that_matters():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.uniform(size=40), "b": rng.uniform(size=40)})
    df["diff_profit"] = 5 * df["a"] + 0.1 * rng.normal(size=40)
    sens = tables.sensitivity(df, ["a", "b"])
    assert sens.iloc[0]["parameter"] == "a" and sens.iloc[0]["prcc"] > 0.9
    assert abs(sens.set_index("parameter").loc["b", "prcc"]) < 0.5


# --------------------------------------------------------------------------- parallel
def test_jobs_do_not_change_results(tmp_path):
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"j{jobs}"
        args = [a for a in _args(out) if not a.startswith(("replications=", "robust="))]
        assert cli.main([*args, "replications=2", "robust=2", f"jobs={jobs}"]) == 0
        outs.append(out)
    for name in ("comparison.csv", "replications.csv", "robust.csv", "timeseries.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


# --------------------------------------------------------------------------- bad input
BAD_SCHEMES = {
    "typo_key": ("name: mine\nbonus_shar: 0.1\n", "bonus_shar"),
    "nested_typo": ("kpis:\n  aht: {wieght: 0.5}\n", "wieght"),
    "bad_value": ("bonus_share: 7\n", "bonus_share"),
    "bad_type": ("kpis:\n  aht: {weight: lots}\n", "weight"),
    "bad_choice": ("kpis:\n  fcr: {weight: 0.5, definition: vibes}\n", "definition"),
    "not_a_mapping": ("- aht\n- fcr\n", "mapping"),
    "bad_yaml": ("kpis: {aht: [\n", "YAML"),
}


@pytest.mark.parametrize("case", sorted(BAD_SCHEMES))
def test_bad_scheme_file_is_rejected_cleanly(tmp_path, case):
    text, needle = BAD_SCHEMES[case]
    f = tmp_path / "my_scheme.yaml"
    f.write_text(text)
    out = tmp_path / "out"
    r = _cli(f"proposal={f}", "replications=2", "days=21", "robust=0", f"out={out}")
    assert r.returncode == 2, r.stderr
    assert needle in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_missing_file_and_unknown_names_are_rejected(tmp_path):
    out = tmp_path / "out"
    r = _cli("proposal=no_such_scheme.yaml", f"out={out}")
    assert r.returncode == 2 and "not found" in r.stderr and "Traceback" not in r.stderr
    r = _cli("current=no_such_scenario", f"out={out}")
    assert r.returncode == 2 and "no_such_scenario" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["replications=1"], "replications"),
        (["replicatons=5"], "replicatons"),
        (["days=ten"], "days"),
        (["rollout_day=300"], "rollout_day"),
        (["customers.nn=5"], "customers.nn"),
        (["uncertainty=nope"], "uncertainty"),
        (["--verbose"], "--verbose"),
        (["scheme=aht_pay"], "scheme"),
    ],
)
def test_bad_arguments_are_rejected(tmp_path, capsys, argv, needle):
    out = tmp_path / "out"
    assert cli.main([*argv, f"out={out}", "robust=0"]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1
    assert not out.exists()


def test_partial_scheme_file_is_accepted(tmp_path):
    f = tmp_path / "half_aht.yaml"
    f.write_text("bonus_share: 0.1\nkpis:\n  aht: {weight: 0.5}\n")
    plan = build_plan(parse_args([f"proposal={f}", "robust=0", *TINY]))
    p = plan.cfg_proposal.proposal
    assert p.name == "half_aht" and p.kpis.aht.weight == 0.5
    assert p.kpis.aht.threshold == 420.0  # schema default kept
    assert plan.cfg_proposal.rollout_day == plan.args.rollout_day == 63


def test_uncertainty_file_is_validated(tmp_path):
    def bad(text: str) -> str:
        f = tmp_path / "u.yaml"
        f.write_text(text)
        with pytest.raises(ConfigError) as e:
            uncertainty.load_uncertainty(str(f))
        return str(e.value)

    assert "behavior.pay_wieght" in bad("parameters:\n  behavior.pay_wieght: [0, 1]\n")
    assert "allowed range" in bad("parameters:\n  customers.churn_after_bad: [0.1, 1.5]\n")
    assert "[low, high]" in bad("parameters:\n  customers.churn_after_bad: 0.3\n")
    assert "not a numeric" in bad("parameters:\n  behavior.adaptive: [0, 1]\n")


def test_help_and_scenario_proposal_with_world_change(capsys):
    assert cli.main(["--help"]) == 0
    assert "replications=N" in capsys.readouterr().out
    plan = build_plan(parse_args(["proposal=hidden_phone", "robust=0"]))
    assert plan.delta == {"channels.phone_visibility": "hidden"}
    assert plan.cfg_proposal.channels.phone_visibility == "hidden"
    assert plan.cfg_current.channels.phone_visibility == "visible"
    assert plan.cfg_proposal.proposal.name == plan.proposal.label


# --------------------------------------------------------------------------- report
def test_report_is_self_contained(tiny_out):
    html = (tiny_out / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert 'src="http' not in html and "src='http" not in html and "file://" not in html
    for section in (
        "Verdict",
        "Dashboard vs reality",
        "Money",
        "People",
        "Gaming by type",
        "five signs of a toxic KPI",
        "Around the rollout",
        "Robust verdict",
        "kpisim compare current=baseline",
    ):
        assert section in html, section
    for png in (
        "fig_rollout.png",
        "fig_money.png",
        "fig_people.png",
        "fig_gaming.png",
        "fig_dashboard_vs_reality.png",
        "fig_robust.png",
    ):
        assert (tiny_out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tiny_out.glob(".*.tmp"))


@pytest.mark.slow
def test_report_renders_in_chromium(tiny_out, tmp_path):
    sys.path.insert(0, str(ROOT / "experiments"))
    try:
        import render_report
    finally:
        sys.path.pop(0)
    if render_report.find_chromium() is None:
        pytest.skip("chromium not installed (apt-get install chromium)")
    png = render_report.render(tiny_out / "report.html", tmp_path / "shot.png", 1280, 3000)
    from PIL import Image

    img = np.asarray(Image.open(png).convert("L"))
    assert img.shape == (3000, 1280)
    assert img.std() > 20  # text and figures, not a blank page
