"""The settling criterion (:mod:`sim.compare.settle`) on synthetic series with known trends,
the rollout day it chooses, the run-rate table, and a small comparison in which the
current arm is settled at the rollout by the stated criterion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.compare import settle
from sim.compare.args import parse_args
from sim.compare.compute import run_compare
from sim.compare.plan import build_plan

W = 42  # the criterion's window for the default 21-day pay period
TOL = settle.TOLERANCE["aht_s"]


def _series(days: int, f) -> pd.DataFrame:
    """A settle series whose three columns all follow ``level x f(t)``."""
    t = np.arange(days, dtype=float)
    g = f(t)
    return pd.DataFrame(
        {"morale": 0.6 * g, "aht_s": 400.0 * g, "staff": 100.0 * g}, index=pd.Index(t.astype(int))
    )


# --------------------------------------------------------------------------- drift
def test_drift_of_a_straight_line_is_its_change_over_the_window():
    # y = 100 (1 + g (t - (W-1)/2) / W): mean 100, slope 100 g / W, so drift = g exactly
    t = np.arange(W, dtype=float)
    for g in (-0.05, 0.0, 0.013, 0.2):
        y = 100.0 * (1 + g * (t - (W - 1) / 2) / W)
        assert settle.drift(y) == pytest.approx(g, abs=1e-12)


def test_drift_of_noise_stays_within_its_sampling_error():
    # a flat series with noise sd s (share of level): drift sd = s sqrt(12 W / (W^2 - 1))
    # (OLS slope variance s^2 / sum (t - tbar)^2, times W).  s = 0.5 % is the noise of a
    # daily mean over replications; the largest of 400 draws stays within 4.5 sd (each
    # |z| > 4.5 has probability 7e-6, so all 400 within it 99.7 %)
    rng = np.random.default_rng(7)
    s = 0.005
    sd = s * np.sqrt(12 * W / (W**2 - 1))
    drifts = np.array([settle.drift(1 + s * rng.standard_normal(W)) for _ in range(400)])
    assert abs(drifts.mean()) < 4 * sd / np.sqrt(len(drifts))
    assert drifts.std(ddof=1) == pytest.approx(sd, rel=0.15)  # sd of an sd from 400 draws: ~3.5 %
    assert np.abs(drifts).max() < 4.5 * sd < TOL  # such noise does not fail the criterion


def test_holds_needs_every_series_within_tolerance():
    ok = {"morale": 0.0, "aht_s": TOL * 0.99, "staff": -TOL * 0.99}
    assert settle.holds(ok) is True
    assert settle.holds({**ok, "staff": -TOL * 1.01}) is False
    assert settle.holds({**ok, "morale": float("nan")}) is None


def test_window_is_the_days_before_end():
    # a step at day 50: the window ending at 50 is flat, the one ending at 60 is not
    s = _series(120, lambda t: np.where(t < 50, 1.0, 1.1))
    assert settle.holds(settle.window_drifts(s, 50, W)) is True
    assert settle.holds(settle.window_drifts(s, 60, W)) is False
    assert settle.holds(settle.window_drifts(s, 30, W)) is None  # no full window before day 30


# --------------------------------------------------------------------------- the rollout day
def _relaxing(tau: float):
    """1 - 0.2 exp(-t / tau): a warm-up that relaxes with time constant tau days."""
    return lambda t: 1 - 0.2 * np.exp(-t / tau)


def test_settled_day_is_the_first_boundary_where_the_criterion_holds():
    period, tau = 21, 20.0
    s = _series(250, _relaxing(tau))
    day = settle.settled_day(s, period, latest=200)
    assert day is not None and day % period == 0 and day >= W
    assert settle.holds(settle.window_drifts(s, day, W))
    assert not settle.holds(settle.window_drifts(s, day - period, W))
    # analytically: the drift over [R - W, R) is roughly 0.2 (e^{-(R-W)/tau} - e^{-R/tau});
    # it first falls below 2 % between day 84 and 105 for tau = 20
    assert day in (84, 105)


def test_a_series_that_never_settles_rolls_out_at_the_latest_day():
    s = _series(250, lambda t: 1 + 0.002 * t)  # ~ +8 % per 42 days, for ever
    day, how, latest = settle.choose_rollout(s, 250, 21, 40, fallback=63)
    assert how == "latest" and day == latest == settle.latest_rollout_day(250, 21, 40)
    assert latest == 126  # 250 - 2 x 42 - 40 = 126, a multiple of 21


def test_a_run_too_short_for_a_window_uses_the_fixed_rule():
    s = _series(63, lambda t: np.ones_like(t))
    assert settle.choose_rollout(s, 63, 21, 40, fallback=21) == (21, "short", 0)


def test_runrate_window_stays_after_the_rollout():
    assert settle.runrate_window(250, 126, 8) == 40
    assert settle.runrate_window(100, 84, 8) == 16


# --------------------------------------------------------------------------- run-rate
def _daily(days: int, profit: float, aht: float, equity: float | None = None) -> pd.DataFrame:
    d = pd.DataFrame(
        {
            "day": np.arange(days),
            "legs": 100.0,
            "handle_s": 100.0 * aht,
            "answered_owned": 100.0,
            "resolved_true": 70.0,
            "coded_resolved": 80.0,
            "repeats_7d": 10.0,
            "surveys": 10.0,
            "survey_top2": 8.0,
            "contacts": 100.0,
            "xp_top2": 60.0,
            "calls_answered": 100.0,
            "gaming_contacts": 5.0,
            "repeat_contacts": 10.0,
            "profit": profit,
            "morale_mean": 0.6,
            "staff": 50.0,
        }
    )
    if equity is not None:
        d[settle.EQUITY_COLUMN] = equity * np.arange(days)
    return d


def test_runrate_table_reads_the_last_days_and_annualises_profit():
    # proposal: profit 10/day before day 60 and 30/day after; AHT 400 s, then 300 s
    days, win = 100, 40
    pro = _daily(days, 10.0, 400.0)
    late = pro["day"] >= 60
    pro.loc[late, "profit"] = 30.0
    pro.loc[late, "handle_s"] = 100.0 * 300.0
    results = []
    index = []
    for r in range(3):
        results += [{"daily": _daily(days, 10.0, 400.0)}, {"daily": pro}]
        index += [("current", r), ("proposal", r)]
    t = settle.runrate_table(results, index, win).set_index("metric")
    assert t.loc["profit_annual", "runrate_difference"] == pytest.approx(20.0 * 250)
    assert t.loc["profit_annual", "whole_difference"] == pytest.approx(20.0 * 0.4 * 250)
    assert t.loc["aht_s", "runrate_proposal"] == pytest.approx(300.0)
    assert t.loc["aht_s", "whole_proposal"] == pytest.approx(360.0)
    assert t.loc["fcr_true", "runrate_difference"] == 0.0
    assert np.isnan(t.loc["equity_change_annual", "runrate_current"])  # hook not fed


def test_equity_hook_adds_the_annual_change_in_customer_equity():
    d = _daily(41, 10.0, 400.0, equity=2.0)  # equity rises 2 a day
    m = settle.window_metrics(d)
    assert m["equity_change_annual"] == pytest.approx(2.0 * 250)
    assert m["value_annual"] == pytest.approx(10.0 * 250 + 2.0 * 250)


# --------------------------------------------------------------------------- a comparison
SMALL = ["customers.n=100000", "employees.n=37", "teams.specialists_n=4"]


@pytest.mark.slow
def test_current_arm_is_settled_at_the_rollout_by_the_criterion(tmp_path):
    """The judged property: without rollout_day= the proposal is switched on at a day where
    the stated criterion holds over the window before it (computed here again from the
    current arm's raw daily tables), and the arms are identical until then."""
    argv = ["replications=4", "days=250", "robust=0", "jobs=2", "progress=false", *SMALL]
    args = parse_args([*argv, f"out={tmp_path}"])
    o = run_compare(build_plan(args))
    s = o.settle
    assert s is not None and s.chosen == "criterion", (s.chosen, s.drift_at_rollout)
    R = o.plan.args.rollout_day
    assert R == s.rollout_day == o.plan.cfg_proposal.rollout_day
    assert R % o.plan.cfg_current.scheme.period_days == 0
    assert s.window <= R <= s.latest_day
    cur, pro = _dailies(o, "current"), _dailies(o, "proposal")
    series = settle.settle_series(cur)
    assert settle.holds(settle.window_drifts(series, R, s.window)) is True
    earlier = range(s.window, R, o.plan.cfg_current.scheme.period_days)
    assert not any(settle.holds(settle.window_drifts(series, r, s.window)) for r in earlier)
    for c, p in zip(cur, pro, strict=True):  # common random numbers until the rollout
        pd.testing.assert_frame_equal(c[c["day"] < R], p[p["day"] < R])
    assert "rollout_day=" not in o.plan.args.command()  # reproduces by the criterion again
    assert isinstance(settle.settle_paragraph(s), str) and f"day {R}" in settle.settle_paragraph(s)


def _dailies(o, arm: str) -> list[pd.DataFrame]:
    """One arm's daily tables, in replication order."""
    arms = list(o.reps["arm"])
    return [res["daily"] for a, res in zip(arms, o.main_results, strict=True) if a == arm]


def test_given_rollout_day_is_kept_and_checked():
    argv = ["replications=2", "days=84", "rollout_day=42", "robust=0", "jobs=1"]
    args = parse_args([*argv, "progress=false", "customers.n=20000", "employees.n=4"])
    o = run_compare(build_plan(args))
    assert o.settle is not None and o.settle.chosen == "given"
    assert o.plan.args.rollout_day == o.settle.rollout_day == 42
    assert o.settle.current_at_rollout in (True, False)  # a full window fits before day 42
    assert "rollout_day=42" in o.plan.args.command()
    assert {"whole_difference", "runrate_difference"} <= set(o.runrate.columns)
    assert o.settle.runrate_days == 40


def test_equity_rate_runs_from_the_last_record_before_the_window():
    """Equity is recorded at period ends only: the run-rate's change in equity runs from
    the last record before the window's first day to the last record."""
    daily = pd.DataFrame({"day": np.arange(63), "customer_equity": np.nan})
    daily.loc[[20, 41, 62], "customer_equity"] = [100.0, 110.0, 131.0]
    # window from day 50: from day 41 (110) to day 62 (131), 21 days
    assert settle.annual_equity_change(daily, 50) == pytest.approx(21.0 / 21 * 250)
    # whole run: from day 20 to day 62
    assert settle.annual_equity_change(daily) == pytest.approx(31.0 / 42 * 250)
    assert np.isnan(settle.annual_equity_change(daily.drop(columns="customer_equity")))
