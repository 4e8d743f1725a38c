"""Statistics that hold: the driver rule (enough worlds, Holm-corrected PRCC), intervals of
shares that stay in [0, 1], the warning for few worlds, the robust-size flag, and the
end-of-run censoring of FCR measured as "no repeat within 7 days".

Everything is either exact arithmetic, a fixed-seed simulation with a tolerance derived
from binomial sampling error (stated at the assertion), or a tiny run (20,000 customers, 4
agents, 30 days).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim import stats as st
from sim.compare import tables
from sim.compare import verdict as vd
from sim.compare.args import parse_args
from sim.compare.bridge import sign_deciders, sign_reason
from sim.compare.names import param_label
from sim.compare.outcome import Outcome
from sim.compare.page import robust_section
from sim.compare.plan import build_plan, robust_size_warning
from sim.compare.verdict import value_drivers
from sim.compare.verdict_money import sign_sentence
from sim.config import load_config
from sim.measurement import REPEAT_WINDOW_DAYS, measured_fcr, ratio, window_closed
from sim.run import run_simulation

TINY = ["customers.n=20000", "employees.n=4", "days=63", "progress=false"]


# --------------------------------------------------------------------------- sim.stats
def test_wilson_matches_the_formula_and_stays_in_the_unit_interval():
    # 1 of 4 at 95 %: z = 1.95996; centre (0.25 + z²/8) / (1 + z²/4), half-width
    # z sqrt(0.25 * 0.75 / 4 + z²/64) / (1 + z²/4)  ->  [0.0456, 0.6994]
    lo, hi = st.wilson(1, 4)
    assert lo == pytest.approx(0.04559, abs=1e-4) and hi == pytest.approx(0.69936, abs=1e-4)
    for n in (1, 2, 4, 10, 50):
        for k in range(n + 1):
            lo, hi = st.wilson(k, n)
            assert 0.0 <= lo <= k / n <= hi <= 1.0
    assert np.isnan(st.wilson(0, 0)).all()


def test_wilson_coverage_is_near_nominal():
    # exact coverage (binomial sums, no simulation) averaged over p in [0.05, 0.95] for
    # n = 20; Brown, Cai & DasGupta (2001, Stat. Sci. 16:101) show Wilson's mean coverage
    # within about one point of nominal for n >= 10, where Wald's is far below.
    n = 20
    ps = np.linspace(0.05, 0.95, 91)
    cov = []
    for p in ps:
        ok = [lo <= p <= hi for lo, hi in (st.wilson(k, n) for k in range(n + 1))]
        cov.append(stats.binom.pmf(np.arange(n + 1), n, p)[ok].sum())
    assert abs(np.mean(cov) - 0.95) < 0.01


def test_holm_by_hand():
    # sorted 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 = 0.02, 0.03, 0.06, 0.04 -> running
    # max 0.02, 0.03, 0.06, 0.06; NaN is no test (m = 4, not 5)
    adj = st.holm([0.01, 0.04, 0.03, 0.005, np.nan])
    np.testing.assert_allclose(adj[:4], [0.03, 0.06, 0.06, 0.02])
    assert np.isnan(adj[4])
    np.testing.assert_allclose(st.holm([0.5, 0.9]), [1.0, 1.0])  # capped at 1


def test_partial_corr_p_without_controls_is_spearmans_p():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=30), rng.normal(size=30)
    y = y + 0.5 * x
    rho, p = stats.spearmanr(x, y)
    assert st.partial_corr_p(rho, 30, 0) == pytest.approx(p, rel=1e-9)
    assert np.isnan(st.partial_corr_p(0.3, 10, 8))  # no residual degrees of freedom


def test_spearman_p_is_exact_for_few_worlds():
    # 4 points: of the 24 orderings one gives rho = +1 and one -1, so p(|rho| >= 1) = 2/24
    # (scipy's t-approximation says 0); |rho| >= 0.8: those two and 3 orderings at each of
    # +-0.8, so 8/24
    assert st.spearman_p(1.0, 4) == pytest.approx(1 / 12)
    assert st.spearman_p(0.8, 4) == pytest.approx(1 / 3)
    assert stats.spearmanr([1, 2, 3, 4], [1, 2, 3, 4])[1] < 1e-6
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=15), rng.normal(size=15)
    rho, p = stats.spearmanr(x, y)
    assert st.spearman_p(rho, 15) == pytest.approx(p, rel=1e-9)  # beyond 9: scipy's
    df, params = _worlds(4, 43, 0, effect=3.0)
    assert (tables.sensitivity(df, params)["p_holm"] == 1.0).all()


def test_share_mean_ci_stays_in_the_unit_interval_and_matches_t_in_the_middle():
    m, lo, hi = st.share_mean_ci([0.99, 0.999])  # the t-interval would reach past 1
    assert 0.0 <= lo <= m <= hi <= 1.0
    tm, th = st.mean_ci([0.99, 0.999])
    assert tm + th > 1.0
    # away from the bounds the logit interval has the t-interval's width to first order
    v = np.array([0.49, 0.50, 0.51, 0.50, 0.52, 0.48])
    m, lo, hi = st.share_mean_ci(v)
    _, h = st.mean_ci(v)
    assert hi - lo == pytest.approx(2 * h, rel=1e-3)
    assert st.share_mean_ci([1.0, 1.0, 1.0])[1:] == (1.0, 1.0)


# --------------------------------------------------------------------------- driver rule
def _worlds(n: int, k: int, seed: int, effect: float) -> tuple[pd.DataFrame, list[str]]:
    """``n`` worlds of ``k`` uniform parameters; the profit difference is ``effect`` x the
    first parameter plus unit noise."""
    rng = np.random.default_rng(seed)
    params = [f"p{j}" for j in range(k)]
    df = pd.DataFrame(rng.uniform(size=(n, k)), columns=params)
    df["diff_profit"] = effect * df["p0"] + rng.normal(size=n)
    return df, params


def test_too_few_worlds_names_no_driver_and_says_why():
    for n in (4, 32):
        df, params = _worlds(n, 43, 0, effect=3.0)
        sens = tables.sensitivity(df, params)
        named, why = st.drivers(sens, n, 43)
        assert named.empty
        assert why == (
            f"too few worlds to rank drivers ({n} worlds for 43 uncertain parameters) — "
            "use robust ≥ 54"
        )
        assert sign_deciders(df, params).empty and sign_reason(df, params) == why


def test_a_strong_driver_is_named_with_enough_worlds():
    df, params = _worlds(60, 3, 0, effect=4.0)
    top = sign_deciders(df, params)
    assert list(top["parameter"]) == ["p0"] and top["prcc_p_holm"].iloc[0] < 0.05


def test_null_worlds_rarely_name_a_driver():
    # no parameter matters: with Holm at 5 % the chance of naming any is <= 5 % per data
    # set; of 40 independent data sets, more than 6 would happen with probability
    # P(Binomial(40, 0.05) > 6) = 0.003.
    named = 0
    for seed in range(40):
        df, params = _worlds(30, 10, 100 + seed, effect=0.0)
        named += not st.drivers(tables.sensitivity(df, params), 30, 10)[0].empty
    assert named <= 6
    # ...while raw p-values, uncorrected, would name one far more often (P = 1 - 0.95^10
    # = 40 % per data set): the correction is what keeps the verdict honest
    raw = 0
    for seed in range(40):
        df, params = _worlds(30, 10, 100 + seed, effect=0.0)
        raw += bool((tables.sensitivity(df, params)["prcc_p"] < 0.05).any())
    assert raw > named


# --------------------------------------------------------------------------- the page
def _outcome(robust_n: int, effect: float) -> Outcome:
    """A finished comparison's robust part on the default uncertainty (43 parameters),
    with a value difference rank-correlated with the first parameter."""
    plan = build_plan(parse_args(["proposal=aht_pay", f"robust={robust_n}", *TINY]))
    params = list(plan.uncertainty)
    rob = plan.worlds.copy()
    rng = np.random.default_rng(5)
    x = stats.rankdata(rob[params[0]]) / robust_n
    rob["diff_value"] = effect * (x - 0.5) + rng.normal(size=robust_n)
    rob["diff_profit"] = rng.normal(size=robust_n)
    rob["diff_retention"] = rng.normal(size=robust_n)
    rob["diff_csat_true"] = rng.normal(size=robust_n)
    rob["diff_staff_turnover_annual"] = rng.normal(size=robust_n)
    sens = tables.sensitivity(rob, params)
    return Outcome(
        plan=plan,
        reps=pd.DataFrame(),
        table=pd.DataFrame(),
        series=pd.DataFrame(),
        robust=rob,
        shares=tables.robust_shares(rob),
        sens=sens,
        sens_customers=tables.sensitivity(rob, params, "diff_retention"),
        main_results=[],
        seconds=0.0,
        jobs=1,
        load=None,
    )


@pytest.mark.parametrize("n", [32, 4])
def test_robust_section_names_no_driver_with_too_few_worlds(n):
    o = _outcome(n, effect=-3.0)
    assert len(o.plan.uncertainty) >= 40
    page, verdict, sign = robust_section(o, ""), vd._robust(o), sign_sentence(o)
    why = f"too few worlds to rank drivers ({n} worlds for {len(o.plan.uncertainty)}"
    assert why in page and why in verdict
    assert "None is named" in page and "Named:" not in page
    first = param_label(next(iter(o.plan.uncertainty)))
    assert first not in verdict and "depends most on" not in verdict
    assert "what decides it" not in sign
    assert value_drivers(o)[0].empty
    if n == 32:  # the marginal correlation is there, but not after 43 tests
        assert o.sens.set_index("parameter").loc[next(iter(o.plan.uncertainty)), "p_value"] < 0.05
    else:  # 4 worlds: the share's interval is printed with a warning
        lo, _ = tables.share_interval(o.shares["value"], 4)
        assert f"with only 4 worlds this share is very uncertain: 95% interval {lo:.0%}" in (
            verdict
        )
        assert "With only 4 worlds" in page and "With only 4 worlds" in sign


def test_robust_size_is_flagged_below_the_regime():
    small = load_config("baseline", ["employees.n=37"])
    assert "only 7 front-line agents" in robust_size_warning(small, 0.2)
    assert "robust_scale ≥ 0.53" in robust_size_warning(small, 0.2)
    assert robust_size_warning(small, 0.6) == ""
    assert robust_size_warning(load_config("baseline", []), 0.2) == ""  # 185 x 0.2 = 37 agents


# --------------------------------------------------------------------------- comparison.csv
def test_share_levels_and_differences_stay_in_range():
    rows = []
    for arm, vals in (("current", (0.97, 0.999)), ("proposal", (0.90, 0.99))):
        for r, v in enumerate(vals):
            row = {m.key: v for m in tables.COMPARISON_METRICS}
            rows.append({"arm": arm, "replication": r, **row})
    t = tables.comparison_table(pd.DataFrame(rows)).set_index("metric")
    share = t[(t["unit"] == "share") & (t["group"] != "gap")]
    for c in ("current_ci_low", "current_ci_high", "proposal_ci_low", "proposal_ci_high"):
        assert share[c].between(0, 1).all(), c
    assert (share["ci_low"] >= -1).all() and (share["ci_high"] <= 1).all()
    assert set(share["level_interval"]) == {"logit t"}
    # money has no bound: its interval is the plain t-interval
    assert t.loc["profit", "level_interval"] == "t"
    assert t.loc["profit", "current_ci_high"] > 1.0


# --------------------------------------------------------------------------- censoring
def test_window_closed():
    days = np.arange(30)
    closed = window_closed(days, 29, "no_repeat_7d")
    assert closed.sum() == 30 - REPEAT_WINDOW_DAYS and not closed[-REPEAT_WINDOW_DAYS:].any()
    assert window_closed(days, 29, "self_coded").all()


def test_fcr_no_repeat_counts_only_contacts_whose_window_closed():
    over = ["scheme=fcr_no_repeat", "customers.n=20000", "employees.n=4", "days=30"]
    cfg = load_config("baseline", over)
    assert cfg.scheme.kpis.fcr.definition == "no_repeat_7d"
    res = run_simulation(cfg, progress=False)
    d, s = res.daily, res.summary
    closed = d[d["day"] <= d["day"].max() - REPEAT_WINDOW_DAYS]
    expect = measured_fcr(
        closed["coded_resolved"].sum(),
        closed["repeats_7d"].sum(),
        closed["answered_owned"].sum(),
        "no_repeat_7d",
        ratio,
    )
    assert s["fcr_measured"] == pytest.approx(expect, rel=1e-12)
    assert d["fcr_measured"].tail(REPEAT_WINDOW_DAYS).isna().all()
    assert d["fcr_measured"].iloc[: len(d) - REPEAT_WINDOW_DAYS].notna().any()
    # what censoring removes: the open days look better than the closed ones (repeats not
    # seen yet), so the uncensored figure would be higher
    naive = measured_fcr(
        d["coded_resolved"].sum(),
        d["repeats_7d"].sum(),
        d["answered_owned"].sum(),
        "no_repeat_7d",
        ratio,
    )
    assert naive > s["fcr_measured"]


def test_weekly_fcr_is_censored_like_the_summary():
    """The weekly series (timeseries.csv, the rollout figure) counts a no-repeat-7-days
    FCR only over days whose window closed: the last week is empty, not flattered by
    repeats that cannot be seen yet; self-coded FCR needs no window."""
    n = 30
    d = pd.DataFrame(
        {
            "day": np.arange(n),
            "answered_owned": 100.0,
            "repeats_7d": np.r_[np.full(n - 7, 20.0), np.zeros(7)],  # last week: unseen
            "coded_resolved": 80.0,
            "profit": 1.0,
            "morale_mean": 0.6,
        }
    )
    for num, den in tables.SERIES.values():
        for c in (num, den):
            d[c] = d.get(c, 1.0)
    weekly = tables.binned_series(d, ("no_repeat_7d", "no_repeat_7d"), None)
    assert weekly["fcr_measured"].iloc[:-1].tolist() == pytest.approx([0.8] * 5)
    assert np.isnan(weekly["fcr_measured"].iloc[-1])
    coded = tables.binned_series(d, ("self_coded", "self_coded"), None)
    assert coded["fcr_measured"].tolist() == pytest.approx([0.8] * 6)


def test_every_uncertain_parameter_has_a_plain_label():
    """The compare page names each uncertain parameter in words a leader reads: every key
    of the shipped uncertainty file (ranges and structural choices) has a label in
    ``sim.compare.names.PARAM_LABELS`` (a new key without one would show as a dotted
    config key on the page)."""
    import yaml

    from sim.compare.names import PARAM_LABELS

    spec = yaml.safe_load(Path("configs/uncertainty/default.yaml").read_text())
    keys = [k for part in spec.values() if isinstance(part, dict) for k in part]
    assert keys, "the uncertainty file lists no parameter"
    missing = sorted(k for k in keys if k not in PARAM_LABELS)
    assert not missing, f"uncertain parameters without a plain label: {missing}"
