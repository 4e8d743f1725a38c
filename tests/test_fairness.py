"""Who games, and why: employee types, felt fairness and the rollout gift.

Small runs (100,000 customers, 37 + 4 agents) at fixed seeds.  Each statistical check
states its tolerance: a binomial standard error for the share of types, a Fisher-z
standard error for rank correlations across employees, paired seeds for the gift.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import runs as shared_runs
from scipy.stats import spearmanr

from sim.config import load_config
from sim.model.fairness import MAY_GAME, NEVER_GAMES, PAY_SCALE, give, integrity_factor
from sim.outputs.money import COST_LINES
from sim.outputs.spread import LATE_PERIODS

SMALL = ["customers.n=100000", "employees.n=37", "teams.specialists_n=4"]
SEEDS = (1, 2, 3, 4)
GAMING_LEVERS = ["lever_dump", "lever_false_coding", "lever_survey_steering", "lever_web_push"]


def _cfg(scenario: str, seed: int, *extra: str):
    return load_config(scenario, [f"seed={seed}", "days=125", *SMALL, *extra])


def _run(scenario: str, seed: int, *extra: str):
    """One run (the session's shared cache: each config runs once)."""
    return shared_runs.result(_cfg(scenario, seed, *extra))


def _prefetch(*runs: tuple) -> None:
    """Compute the runs ``(scenario, seed, *extra)`` a test reads, two at a time."""
    shared_runs.results([_cfg(*r) for r in runs])


def _late_front(emp: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """Per-employee means over the late window of the rows paid under ``scheme``."""
    late = emp[(emp["period"] > emp["period"].max() - LATE_PERIODS) & (emp["scheme"] == scheme)]
    per = late.groupby("employee_id")[["fairness", "morale", *GAMING_LEVERS]].mean()
    per["type"] = late.groupby("employee_id")["type"].last()
    per["gaming"] = per[GAMING_LEVERS].sum(axis=1)
    return per


def _pooled_rank_corr(pairs: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
    """Fisher-z mean of per-seed Spearman correlations (weights n - 3) and its standard
    error 1 / sqrt(sum(n - 3)) (the large-sample SE of z, about right for Spearman's
    rho at these sizes)."""
    zs, ws = [], []
    for x, y in pairs:
        rho = spearmanr(x, y)[0]
        zs.append(math.atanh(float(np.clip(rho, -0.999, 0.999))))
        ws.append(len(x) - 3)
    z = float(np.average(zs, weights=ws))
    return math.tanh(z), 1.0 / math.sqrt(sum(ws))


def test_integrity_factor_is_bounded_and_monotone():
    f = np.linspace(-1, 1, 9)
    k = integrity_factor(f, 1.0)
    assert np.all(np.diff(k) > 0)
    assert k.min() >= 0.1 and k.max() <= 2.0
    assert np.allclose(integrity_factor(f, 0.0), 1.0)


def test_a_stated_share_never_games():
    """Under a KPI bonus the never-gaming type is drawn at the configured share (within
    3 binomial standard errors of the employees pooled over seeds), never games, and
    is reported per run; the share who in fact never game is at least that share."""
    share = load_config("fcr_self_coded").behavior.never_game_share
    kinds, n = 0, 0
    _prefetch(*[("fcr_self_coded", seed) for seed in SEEDS])
    for seed in SEEDS:
        r = _run("fcr_self_coded", seed)
        s, emp = r.summary, r.employees
        assert s["never_gaming_share"] >= s["never_game_type_share"]
        honest = emp[emp["type"] == NEVER_GAMES]
        assert len(honest) > 0
        assert (honest[GAMING_LEVERS] == 0).all().all()
        assert (honest["gaming_act_rate"] == 0).all()
        types = emp.groupby("employee_id")["type"].last()
        kinds += int((types == NEVER_GAMES).sum())
        n += len(types)
    se = math.sqrt(share * (1 - share) / n)
    assert abs(kinds / n - share) < 3 * se, (kinds / n, share, se)


def test_gaming_is_lower_among_those_who_feel_better_treated():
    """Across the employees who may game, felt fairness and gaming (the sum of the gaming
    levers over the late window) are rank-correlated negatively: the pooled correlation
    lies more than 2 standard errors below 0.  And gaming no longer rises with morale
    (before felt fairness the correlation was about +0.2): the pooled correlation of
    false coding with morale over all employees is not 2 standard errors above 0."""
    fair_pairs, morale_pairs = [], []
    _prefetch(*[("fcr_self_coded", seed) for seed in SEEDS])
    for seed in SEEDS:
        per = _late_front(_run("fcr_self_coded", seed).employees, "fcr_self_coded")
        may = per[per["type"] == MAY_GAME]
        fair_pairs.append((may["fairness"].to_numpy(), may["gaming"].to_numpy()))
        morale_pairs.append((per["morale"].to_numpy(), per["lever_false_coding"].to_numpy()))
    rho, se = _pooled_rank_corr(fair_pairs)
    assert rho < -2 * se, (rho, se)
    rho_m, se_m = _pooled_rank_corr(morale_pairs)
    assert rho_m < 2 * se_m, (rho_m, se_m)


def test_give_pays_a_share_of_a_month_and_raises_fairness():
    """``fairness.give``: each employee gets the share of a month's salary; felt fairness
    rises by the gift as a share of the period's salary over ``PAY_SCALE``, capped at 1."""
    staff = [
        SimpleNamespace(salary_annual=a, fairness=f) for a, f in ((24_000, -0.5), (36_000, 0.9))
    ]
    paid = give(staff, 0.05, months_per_period=1.0)
    assert paid == pytest.approx(0.05 * (24_000 + 36_000) / 12)
    assert staff[0].fairness == pytest.approx(-0.5 + 0.05 / PAY_SCALE)
    assert staff[1].fairness == 1.0
    assert give(staff, 0.0, 1.0) == 0.0


@pytest.mark.parametrize("seed", (1, 2))
def test_gift_costs_what_it_pays(seed):
    """The gift is paid on the rollout day, booked in bonus_paid and (loaded) cost_bonus,
    and the cost lines still sum to the total (its size: the test of ``give``)."""
    day, share = 42, 0.5
    rollout = ["+scheme@proposal=fcr_self_coded", f"rollout_day={day}"]
    _prefetch(
        ("baseline", seed, *rollout, f"transition.gift_share={share}"), ("baseline", seed, *rollout)
    )
    with_gift = _run("baseline", seed, *rollout, f"transition.gift_share={share}")
    without = _run("baseline", seed, *rollout)
    d_with = with_gift.daily.set_index("day")
    d_without = without.daily.set_index("day")
    gift = d_with.loc[day, "bonus_paid"] - d_without.loc[day, "bonus_paid"]
    assert d_without.loc[day, "bonus_paid"] == 0  # no period ends on the rollout day
    assert gift > 0
    loading = load_config("baseline").costs.loading
    extra_cost = d_with.loc[day, "cost_bonus"] - d_without.loc[day, "cost_bonus"]
    assert extra_cost == pytest.approx(loading * gift)
    s = with_gift.summary
    assert sum(s[k] for k in COST_LINES) == pytest.approx(s["cost_total"])


def test_gift_raises_fairness_and_lowers_gaming():
    """Paired seeds, baseline until day 42 then the FCR bonus, with and without a gift of
    half a month's salary: over the first two pay periods after the change felt fairness
    is higher in every seed, and the false-coding lever is lower on average (and in at
    least 3 of 4 seeds: a sign test's 1/16 chance of 4 of 4 and 5/16 of 3 or more when
    the gift did nothing)."""
    rollout = ["+scheme@proposal=fcr_self_coded", "rollout_day=42"]
    diffs_fair, diffs_gaming = [], []
    gift = ("transition.gift_share=0.5",)
    _prefetch(*[("baseline", s, *rollout, *e) for s in SEEDS for e in (gift, ())])
    for seed in SEEDS:
        out = []
        for extra in (("transition.gift_share=0.5",), ()):
            emp = _run("baseline", seed, *rollout, *extra).employees
            after = emp[emp["scheme"] == "fcr_self_coded"]
            window = after[after["period"] <= after["period"].min() + 1]
            out.append((window["fairness"].mean(), window["lever_false_coding"].mean()))
        diffs_fair.append(out[0][0] - out[1][0])
        diffs_gaming.append(out[0][1] - out[1][1])
    assert min(diffs_fair) > 0, diffs_fair
    assert np.mean(diffs_gaming) < 0 and sum(d < 0 for d in diffs_gaming) >= 3, diffs_gaming


@pytest.mark.xfail(
    strict=True,
    reason=(
        "ten times the audits move false coding by -0.048 points (SE 0.061) over 10 seeds: "
        "audits deter only through their money penalty, whose expected value per false "
        "code (audit_rate x audit_detection x audit_penalty x full bonus) is about 1 % of "
        "what the code earns at 0.5 % audits and 10 % at 5 % (docs/ODD.md 7.21a); an open "
        "item"
    ),
)
def test_more_audits_cut_false_coding():
    """Ten times the audits (0.5% -> 5% of contacts) lower the false-resolution rate on
    paired seeds: the mean paired difference lies more than 2 standard errors below 0
    (sampling error of the mean over 10 seeds)."""
    diffs = []
    audits = ("scheme.audit_rate=0.005", "scheme.audit_rate=0.05")
    _prefetch(*[("fcr_self_coded", s, a) for s in range(1, 11) for a in audits])
    for seed in range(1, 11):
        rates = [
            _run("fcr_self_coded", seed, f"scheme.audit_rate={a}").summary["false_resolution_rate"]
            for a in (0.005, 0.05)
        ]
        diffs.append(rates[1] - rates[0])
    d = np.array(diffs)
    se = d.std(ddof=1) / math.sqrt(len(d))
    assert d.mean() < -2 * se, (d.mean(), se)
