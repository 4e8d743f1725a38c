"""The day-to-day spread a back-test's band must carry, and how wide a band a right model
fills (docs/calibration.md, "Back-test on real data").

* ``dispersion.handle_daily_cv`` recovers a known day factor of the mean handle time
  within 3 bootstrap SE, and gives about 0 when the days differ only by sampling;
* ``arrivals.handle_busyness`` draws factors of mean 1 and the configured CV (sampling
  error derived below), is 1 at CV 0 (the default: no draw, outputs unchanged), and a
  run's daily AHT spreads with it;
* ``backtest.right_model_coverage``: a band of ``n`` simulated values holds one more draw
  of the same law with probability ``(n - 1) x 0.9 / (n + 1)`` (a Monte Carlo check with
  its binomial SE).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.backtest import inside_by_weekday, right_model_coverage
from sim.calibrate.dispersion import handle_daily_cv
from sim.config import load_config
from sim.model.arrivals import handle_busyness


def _handle_times(day_cv: float, seed: int, days: int = 60, per_day: int = 800):
    """Lognormal handle times (mean 180 s, CV 1.2) of ``days`` days of ``per_day`` calls,
    each day's scaled by a gamma factor of mean 1 and CV ``day_cv``."""
    rng = np.random.default_rng(seed)
    s2 = math.log(1 + 1.2**2)
    h = 180.0 * rng.lognormal(-0.5 * s2, math.sqrt(s2), (days, per_day))
    if day_cv > 0:
        k = 1.0 / day_cv**2
        h *= rng.gamma(k, 1.0 / k, (days, 1))
    return h.ravel(), np.repeat(np.arange(days), per_day)


@pytest.mark.parametrize("cv", [0.08, 0.15])
def test_handle_daily_cv_recovers_a_known_cv(cv: float) -> None:
    est = handle_daily_cv(*_handle_times(cv, seed=12))
    assert est["identified"] and est["days"] == 60
    # sampling error: the bootstrap SE over the 60 days
    assert abs(est["value"] - cv) <= 3 * est["se"], est
    assert est["lo"] <= est["value"] <= est["hi"]


def test_handle_daily_cv_of_days_that_differ_by_sampling_only_is_near_zero() -> None:
    est = handle_daily_cv(*_handle_times(0.0, seed=13))
    # moment estimate floored at 0: 0 or a value within 3 bootstrap SE of it
    assert est["value"] <= 3 * est["se"] + 1e-9, est


def test_handle_daily_cv_is_significant_only_where_days_differ() -> None:
    """The test of equal day means (``significant``, at 1 %) rejects for a day factor of
    CV 0.08 (the bank's is 0.10), and under no day effect rejects at about its size: over
    200 samples the rejection share is at most 0.01 + 3 binomial SE (sqrt(0.01 x 0.99 /
    200) = 0.007), so at most 6 of 200."""
    assert handle_daily_cv(*_handle_times(0.08, seed=12))["significant"]
    assert handle_daily_cv(*_handle_times(0.15, seed=12))["p_value"] < 1e-6
    rejected = sum(
        handle_daily_cv(*_handle_times(0.0, seed=100 + s), resamples=2)["significant"]
        for s in range(200)
    )
    assert rejected <= 6, rejected


def test_handle_busyness_has_the_configured_cv_and_is_off_by_default() -> None:
    cfg = load_config("baseline", overrides=["handling.daily_cv=0.1", "seed=5"])
    n = 2000
    f = np.array([handle_busyness(cfg, d) for d in range(n)])
    # gamma with CV 0.1 (shape 100): the mean's SE is 0.1 / sqrt(n) = 0.0022; the sample
    # SD's SE is sigma x sqrt((kurtosis - 1) / 4n) with kurtosis 3 + 6/100, i.e. 0.0016
    assert f.mean() == pytest.approx(1.0, abs=3 * 0.1 / math.sqrt(n))
    assert f.std(ddof=1) == pytest.approx(0.1, abs=3 * 0.1 * math.sqrt(2.06 / (4 * n)))
    assert handle_busyness(cfg, 7) == f[7]  # keyed by the seed and the day only
    off = load_config("baseline")
    assert off.handling.daily_cv == 0.0
    assert all(handle_busyness(off, d) == 1.0 for d in range(10))


def test_a_runs_daily_aht_spreads_with_the_day_factor() -> None:
    from sim.run import run_simulation

    small = ["customers.n=100000", "employees.n=37", "teams.specialists_n=4", "days=60"]
    sd = {}
    for cv in (0.0, 0.3):
        cfg = load_config("baseline", overrides=[*small, "seed=4", f"handling.daily_cv={cv}"])
        d = run_simulation(cfg, progress=False).daily.iloc[10:]
        sd[cv] = float(np.log(d["front_handle_s"] / d["front_legs"]).std(ddof=1))
    # without the factor the daily AHT moves by sampling and the agents' levers (a few
    # percent); with CV 0.3 the log factor alone has SD about 0.29, and the SD of 50 days
    # is within about 3 x 10% of its value: so at least twice the spread without it
    assert sd[0.3] > 2.0 * sd[0.0], sd
    assert sd[0.3] == pytest.approx(math.sqrt(math.log(1 + 0.3**2) + sd[0.0] ** 2), rel=0.3)


@pytest.mark.parametrize("n", [20, 80])
def test_a_right_models_day_lies_in_the_band_as_often_as_the_formula_says(n: int) -> None:
    rng = np.random.default_rng(n)
    reps = 20_000
    sims = rng.normal(size=(reps, n))
    obs = rng.normal(size=reps)
    lo, hi = np.quantile(sims, [0.05, 0.95], axis=1)
    share = float(np.mean((obs >= lo) & (obs <= hi)))
    p = right_model_coverage(n)
    assert share == pytest.approx(p, abs=3 * math.sqrt(p * (1 - p) / reps))
    # the back-test's own comparison uses the same band
    week = np.zeros(n, int)
    inside, _ = inside_by_weekday(obs[:200], sims[0], (np.zeros(200, int), week))
    lo0, hi0 = np.quantile(sims[0], [0.05, 0.95])
    assert inside.tolist() == ((obs[:200] >= lo0) & (obs[:200] <= hi0)).tolist()
    assert pd.notna(p) and p < 0.9


def test_handle_profile_recovers_a_known_shape_and_stays_flat_when_there_is_none() -> None:
    from sim.calibrate.dispersion import handle_profile

    rng = np.random.default_rng(14)
    k, step, n = 8, 1800.0, 40_000
    shape = np.array([0.7, 0.9, 1.1, 1.2, 1.2, 1.0, 0.9, 0.8])
    arrival = rng.uniform(0, k * step, n)
    s2 = math.log(1 + 1.2**2)
    base = 180.0 * rng.lognormal(-0.5 * s2, math.sqrt(s2), n)
    i = (arrival // step).astype(int)
    est = handle_profile(base * shape[i], arrival, step, k)
    assert est["identified"] and est["p_value"] < 1e-6
    # the factors are the shape over its call-weighted mean; each within 3 SE (CV 1.2 over
    # about 5,000 calls an interval: SE about 1.7% of the mean)
    calls = np.bincount(i, minlength=k)
    want = shape / (np.sum(calls * shape) / calls.sum())
    got, se = np.array(est["factors"]), np.array(est["se"])
    assert np.all(np.abs(got - want) <= 3 * se * want), (got, want)
    assert np.sum(calls * got) / calls.sum() == pytest.approx(1.0)
    flat = handle_profile(base, arrival, step, k)
    # equal means: the test rejects at 1% only 1% of the time (this seed does not)
    assert not flat["identified"], flat["p_value"]


def test_a_runs_handle_time_follows_the_profile_by_time_of_day() -> None:
    from sim.run import run_simulation

    k = 24  # half-hour intervals of the default 12-hour day
    prof = [2.0 if j < 6 else 1.0 for j in range(k)]
    small = ["customers.n=100000", "employees.n=37", "teams.specialists_n=4", "days=30"]
    ov = [*small, "seed=2", f"handling.interval_factors={prof}", "export.calls=true"]
    res = run_simulation(load_config("baseline", overrides=ov), progress=False)
    calls = res.calls
    handled = calls[(calls["outcome"] == "AGENT") & ~calls["transferred"].astype(bool)]
    early = handled["q_start"] < "11:00:00"  # the day opens at 08:00: its first 6 intervals
    ratio = handled.loc[early, "ser_time"].mean() / handled.loc[~early, "ser_time"].mean()
    # the work doubles before 11:00; the timer adds courtesy (not scaled), so the ratio
    # of the calls handled to the end is below 2 but far above 1 (the AHT of thousands
    # of calls a side has an SE of about 2%)
    assert 1.5 < ratio < 2.0, ratio
    off = load_config("baseline", overrides=small)
    assert off.handling.interval_factors == []


def test_the_occupancy_misfit_names_its_cause_with_both_sides_hours() -> None:
    from types import SimpleNamespace

    from sim.calibrate.backtest import occupancy_cause

    # data: 1,000 calls of 180 s = 50 busy hours, occupancy 0.5 -> 100 hours seen;
    # model: the same work at occupancy 0.8 -> 62.5 hours seen
    obs = {"answered": np.array([1000.0]), "aht_s": np.array([180.0]), "occupancy": [0.5]}
    sim = {"answered": np.array([1000.0]), "aht_s": np.array([180.0]), "occupancy": [0.8]}
    text = occupancy_cause(SimpleNamespace(obs_day=obs, sim_day=sim))
    assert "the work agrees" in text and "data 50.0, model 50.0" in text
    assert "data 100.0, model 62.5" in text
    sim["answered"] = np.array([1500.0])  # half as much work again: not the same work
    assert "the work differs too" in occupancy_cause(SimpleNamespace(obs_day=obs, sim_day=sim))
