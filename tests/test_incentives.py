"""Effects that must emerge from employees responding to the scheme (issue: incentives).

Each test runs two arms over the same seeds (common random numbers: replication r uses
seed r in both arms) and judges the paired differences with a one-sided 95% t-interval
over seeds: "X rises" means the lower 95% bound of the mean paired difference is above
zero.  Nothing in the model branches on scenario names: the arms differ only in config
values (scheme weights, measurement definitions, audit rate, phone policy...).

Size: 100,000 customers, 37 front-line agents and 4 specialists: the default centre
(500,000 customers, 185 + 22 agents) at 1:5; 168 working days are eight monthly pay
periods, enough for the learning to settle.  Each scenario's own lesson (its expected
directions against its comparison) is asserted in ``test_scenario_lessons.py``; the
tests here isolate single changes within a scenario (a measurement definition, the audit
rate, integrity, forced ranking on or off, the removal's timing).
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from functools import cache

import numpy as np
import pytest
from scipy import stats

from sim import load_config, run_simulation

pytestmark = pytest.mark.slow

SIZE = ("customers.n=100000", "employees.n=37", "teams.specialists_n=4", "days=168")
#: Staff turnover counts quits (a handful a year among 37 agents): twice the staff, a
#: whole year and more seeds give its paired difference a usable standard error
#: (about 12 quits a run, SD ~3.5: the paired SE over 12 seeds is ~0.05 a year).
BIG = ("customers.n=200000", "employees.n=74", "teams.specialists_n=9", "days=250")
SEEDS = tuple(range(6))


def _run(args: tuple[str, tuple[str, ...], int, tuple[str, ...]]) -> dict:
    scenario, overrides, seed, size = args
    cfg = load_config(scenario, [*size, *overrides, f"seed={seed}"])
    res = run_simulation(cfg)
    s = dict(res.summary)
    emp = res.employees
    s["_levers_by_period"] = emp.groupby("period")[
        [
            "lever_thoroughness",
            "lever_false_coding",
            "lever_dump",
            "lever_web_push",
            "lever_survey_steering",
            "fcr_true",
            "morale",
        ]
    ].mean()
    s["_morale_mean"] = float(emp["morale"].mean())
    s["_corr_fcr"] = float(
        emp[emp["period"] >= emp["period"].max() - 2][["fcr_measured", "fcr_true"]]
        .corr()
        .iloc[0, 1]
    )
    return s


@cache
def _pool() -> ProcessPoolExecutor:
    """One pool of two worker processes for the whole module, started with "spawn"
    (forking a process that already runs threads may deadlock)."""
    pool = ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("spawn"))
    atexit.register(pool.shutdown)
    return pool


@cache
def arm(
    scenario: str, *overrides: str, size: tuple[str, ...] = SIZE, seeds: tuple[int, ...] = SEEDS
) -> tuple[dict, ...]:
    """Summaries of one arm over the seeds (cached across tests; run on both cores)."""
    jobs = [(scenario, overrides, seed, size) for seed in seeds]
    return tuple(_pool().map(_run, jobs))


def diff(a: tuple[dict, ...], b: tuple[dict, ...], key: str) -> tuple[float, float, float]:
    """Mean of b - a over seeds and its two-sided 90% t-interval (= one-sided 95%)."""
    d = np.array([y[key] - x[key] for x, y in zip(a, b, strict=True)], dtype=float)
    m = d.mean()
    half = stats.t.ppf(0.95, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return m, m - half, m + half


def rises(a, b, key: str) -> None:
    m, lo, _hi = diff(a, b, key)
    assert lo > 0, f"{key}: mean change {m:+.4g}, 95% lower bound {lo:+.4g} is not above 0"


def falls(a, b, key: str) -> None:
    m, _lo, hi = diff(a, b, key)
    assert hi < 0, f"{key}: mean change {m:+.4g}, 95% upper bound {hi:+.4g} is not below 0"


def test_self_coded_fcr_bonus_opens_a_gap_that_repeat_measure_and_audits_close():
    coded = arm("fcr_self_coded")
    gaps = np.array([s["fcr_gap"] for s in coded])
    half = stats.t.ppf(0.95, len(gaps) - 1) * gaps.std(ddof=1) / np.sqrt(len(gaps))
    assert gaps.mean() - half > 0.01, f"measured FCR not clearly above true: {gaps}"
    no_repeat = arm("fcr_self_coded", "scheme.kpis.fcr.definition=no_repeat_7d")
    falls(coded, no_repeat, "false_resolution_rate")
    audited = arm("fcr_self_coded", "scheme.audit_rate=0.2")
    falls(coded, audited, "fcr_gap")


def test_more_audit_or_more_integrity_means_less_gaming():
    # 12 seeds: with 39 % of employees never gaming, the gaming rate is ~0.012 and each
    # change lowers it by ~0.003, about one paired SD over seeds
    seeds = tuple(range(12))
    base = arm("fcr_self_coded", seeds=seeds)
    falls(base, arm("fcr_self_coded", "scheme.audit_rate=0.2", seeds=seeds), "gaming_rate")
    falls(base, arm("fcr_self_coded", "employees.integrity_mean=0.9", seeds=seeds), "gaming_rate")


def test_forced_ranking_lowers_morale_raises_gaming_and_turnover():
    seeds = tuple(range(12))
    plain = arm("forced_ranking", "scheme.forced_ranking=false", size=BIG, seeds=seeds)
    ranked = arm("forced_ranking", size=BIG, seeds=seeds)
    falls(plain, ranked, "_morale_mean")
    rises(plain, ranked, "gaming_rate")
    rises(plain, ranked, "staff_turnover_annual")


def _upper_below_zero(d: np.ndarray) -> float:
    """Upper one-sided 95% t bound of the mean of d."""
    return d.mean() + stats.t.ppf(0.95, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))


@pytest.mark.xfail(
    strict=True,
    reason=(
        "after the workforce round the AHT habits lose more than half in the first period "
        "after removal at some seeds (upper bound of 0.5 x habit at removal minus habit "
        "one period on: +0.002 over 12 seeds); persistence itself still holds "
        "(docs/validation.md: half-life 65 vs formation 14 working days); an open item"
    ),
)
def test_removing_a_habituated_metric_recovers_gradually():
    """AHT pay for four periods (days 0-83), then flat pay (periods 4-7).  The gaming
    habits learnt under AHT pay (dumping hard calls, pushing callers to the web) fade
    once nothing rewards them — slowly, not at once — yet gaming as a whole persists:
    the lost bonus lowers felt fairness, which makes the other levers (false codes,
    survey steering) easier to justify.  True FCR stays below that of a centre that
    never paid on AHT (hysteresis)."""
    # 12 seeds: one period after the removal the habits keep about half of their level
    # (paired sd of 0.5 x h0 - h1 about 0.008), so 6 seeds could not tell the sign
    seeds = tuple(range(12))
    runs = arm("remove_aht_metric", "rollout_day=84", seeds=seeds)
    base = arm("baseline", seeds=seeds)
    habits = ["lever_dump", "lever_web_push"]  # the levers AHT pay rewarded
    levers = [*habits, "lever_false_coding", "lever_survey_steering"]

    def by_period(arms, cols):
        return np.array(
            [s["_levers_by_period"][cols].sum(axis=1).loc[4:7].to_numpy() for s in arms]
        )

    h = by_period(runs, habits)
    # fading: less of the AHT habits three periods after removal than at removal
    assert _upper_below_zero(h[:, 3] - h[:, 0]) < 0, h
    # gradually: one period after removal, more than half of the habit is still there
    assert _upper_below_zero(0.5 * h[:, 0] - h[:, 1]) < 0, h
    # persistence: three periods after removal, all gaming is still above the never-paid
    # centre's
    g, g0 = by_period(runs, levers), by_period(base, levers)
    assert _upper_below_zero(g0[:, 3] - g[:, 3]) < 0, (g, g0)
    # hysteresis in outcomes: true FCR in the last period is below the never-paid centre's
    fcr = np.array([s["_levers_by_period"]["fcr_true"].loc[7] for s in runs])
    fcr0 = np.array([s["_levers_by_period"]["fcr_true"].loc[7] for s in base])
    assert _upper_below_zero(fcr - fcr0) < 0, (fcr, fcr0)


def test_no_incentives_means_no_gaps_and_honest_kpis():
    base = arm("baseline")
    for s in base:
        assert s["gaming_rate"] < 0.02
        # no more than a trace of false codes (every lever is explored, nothing rewards
        # it): the gap left is structural, honest "resolved" codes whose department's
        # fulfilment then failed (ODD §7.29), and gaming adds nothing measurable to FCR
        assert s["false_resolution_rate"] < 0.005
        assert abs(s["fcr_gaming_gap"]) < 0.005
        assert s["fcr_gap"] == pytest.approx(s["fcr_self_coded_gap"], abs=1e-12)
        assert s["_corr_fcr"] > 0.9  # measured FCR still tracks true FCR across agents
