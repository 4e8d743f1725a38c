"""Removing a habituated metric: unlearning, loss aversion and transition support.

Arms run over the same seeds (common random numbers: replication r uses seed r in every
arm) and paired differences are judged with one-sided 95% t-bounds over seeds, as in
``test_incentives.py``.  Size: 100,000 customers and 40 agents (the default staffing
ratio), 168 working days = eight monthly pay periods; the AHT bonus is removed on day 84,
the start of period 4, so four periods run on each side of the change
(``sim.outputs.rollout.ROLLOUT_WINDOW_PERIODS``).
"""

from __future__ import annotations

import atexit
import math
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from functools import cache

import numpy as np
import pytest
from scipy import stats

from sim import ConfigError, load_config, run_simulation
from sim.model import pay_reference as pr
from sim.outputs.rollout import gaming_intensity

SIZE_DAYS = 168
SIZE = ("customers.n=100000", "employees.n=40", f"days={SIZE_DAYS}")
ROLLOUT = 84
PERIOD = 21
SEEDS = tuple(range(6))
#: The first-period morale comparison: a paired difference of SD ~0.009 judged against an
#: equivalence margin of 0.005 needs more seeds than the other tests (see its docstring);
#: its runs stop after the first pay period, which is all it reads.
MORALE_SEEDS = tuple(range(32))


def _run(args: tuple[str, tuple[str, ...], int]) -> dict:
    scenario, overrides, seed = args
    res = run_simulation(load_config(scenario, [*SIZE, *overrides, f"seed={seed}"]))
    s = dict(res.summary)
    emp = res.employees.assign(g=gaming_intensity(res.employees))
    by = emp.groupby("period")
    s["_g"] = by["g"].mean().to_numpy()
    s["_morale"] = by["morale"].mean().to_numpy()
    # staff who were there before the scheme (new hires expect what the scheme pays)
    first = emp[(emp["period"] == 0) & (emp["pay_reference"] == 0.0)]
    s["_felt0"] = first["pay_felt"].to_numpy()
    s["_dump_max"] = float(emp["lever_dump"].max())
    return s


@cache
def _pool() -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("spawn"))
    atexit.register(pool.shutdown)
    return pool


_RUNS: dict[tuple[str, tuple[str, ...], int], dict] = {}


def arm(scenario: str, *overrides: str, seeds: tuple[int, ...] = SEEDS) -> tuple[dict, ...]:
    """The runs of one arm over ``seeds``; each (scenario, overrides, seed) runs once."""
    todo = [seed for seed in seeds if (scenario, overrides, seed) not in _RUNS]
    jobs = [(scenario, overrides, seed) for seed in todo]
    for job, res in zip(jobs, _pool().map(_run, jobs), strict=True):
        _RUNS[job] = res
    return tuple(_RUNS[(scenario, overrides, seed)] for seed in seeds)


def _removed() -> tuple[dict, ...]:
    return arm("remove_aht_metric", f"rollout_day={ROLLOUT}")


def _supported() -> tuple[dict, ...]:
    return arm("remove_aht_metric_supported", f"rollout_day={ROLLOUT}")


def _lower(d: np.ndarray) -> float:
    """Lower one-sided 95% t bound of the mean of d."""
    return d.mean() - stats.t.ppf(0.95, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))


def _upper(d: np.ndarray) -> float:
    """Upper one-sided 95% t bound of the mean of d."""
    return d.mean() + stats.t.ppf(0.95, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))


@pytest.mark.slow
def test_gaming_fades_but_outlasts_the_time_it_took_to_form():
    """Once nothing pays for it, gaming fades: every lever is still explored and its moral
    cost pushes it down, one learning round (pay period end) at a time.  But it fades
    slower than it formed (Gneezy & Rustichini 2000, J Legal Stud 29(1): behaviour formed
    under an incentive stayed when the incentive went): losing the habitual bonus is a
    loss against the pay reference point, so felt fairness falls (``fairness.py``: about
    -0.05 to -0.2 over the four periods after, on these seeds) and with morale (0.61 to
    0.49) lowers the moral cost of gaming (Greenberg 1990: theft rose during a pay cut).

    Judged, paired by seed: mean gaming three rounds after the change is below its level
    at the change, and the half-life (``gaming_half_life_days``) is longer than the time
    the gaming took to form (``gaming_formation_days``).  A half-life that never ends
    within the run is censored at the days left after the change (a lower bound), as on
    the validation page (``experiments/validation.py``).  Measured on seeds 0-5: formation
    13-26 days; half-life 37-38 days on two seeds, never within the 84 days left on four.
    Felt fairness is what holds it: with ``behavior.fairness_sensitivity=0`` it halves on
    all six seeds, in 17-58 days."""
    runs = _removed()
    g = np.array([s["_g"] for s in runs])
    k = ROLLOUT // PERIOD  # the first period played under flat pay (policy chosen before)
    assert _upper(g[:, k + 3] - g[:, k]) < 0, g
    formed = np.array([s["gaming_formation_days"] for s in runs], dtype=float)
    assert np.isfinite(formed).all(), formed
    left = float(SIZE_DAYS - ROLLOUT)
    half = np.array(
        [left if s["gaming_half_life_days"] is None else s["gaming_half_life_days"] for s in runs],
        dtype=float,
    )
    assert _lower(half - formed) > 0, (formed, half)


@pytest.mark.slow
def test_unsupported_removal_dips_morale_and_raises_quits():
    """Losing a habitual bonus is a loss against the reference point, weighted by loss
    aversion: morale falls below its level of the period before the change, and the
    expected number of quits (the sum of the daily quit probabilities, which follow
    morale) in the four periods after the change exceeds that of the four before.
    Realised quits are too few to judge here (~3 per window among 40 agents, SD ~1.7)."""
    runs = _removed()
    dip = np.array([s["morale_dip_after_rollout"] for s in runs])
    assert _lower(dip) > 0, dip
    after = np.array([s["quits_expected_after_rollout"] for s in runs])
    before = np.array([s["quits_expected_before_rollout"] for s in runs])
    assert _lower(after - before) > 0, (before, after)


@pytest.mark.slow
def test_transition_support_makes_the_dip_smaller():
    """The same removal with support (tapered pay protection, retraining, communication)
    against none, paired by seed: a smaller morale dip and fewer expected quits in the
    four periods after the change."""
    sup, un = _supported(), _removed()
    d = np.array(
        [
            a["morale_dip_after_rollout"] - b["morale_dip_after_rollout"]
            for a, b in zip(sup, un, strict=True)
        ]
    )
    assert _upper(d) < 0, d
    q = np.array(
        [
            a["quits_expected_after_rollout"] - b["quits_expected_after_rollout"]
            for a, b in zip(sup, un, strict=True)
        ]
    )
    assert _upper(q) < 0, q
    # the protection is paid: more bonus than without support
    b = np.array([a["bonus_paid"] - b["bonus_paid"] for a, b in zip(sup, un, strict=True)])
    assert (b > 0).all(), b


@pytest.mark.slow
def test_a_new_bonus_does_not_lower_morale():
    """A bonus on top of an unchanged salary is a gain against a reference point of the
    old salary: its felt value is never negative in the first period for the staff who
    were there before the scheme (a new hire expects what the scheme pays), and morale after
    the first period is not below flat pay's (paired; equivalence margin 0.005, a tenth
    of the morale step one saturated pay term makes: 0.25 weight x 0.5 adjustment x
    0.04).

    The runs stop at the end of the first pay period (day 21): nothing later feeds the
    first period's morale, and a 21-day run gives the same first-period figures as the
    168-day arms (checked on seed 0: -0.005896 in both).

    Power: the first period's paired difference is the pay term less the missed-target
    term and the wider spread of pay, each moved half way.  Over independent pilot seeds
    100-163 (not the test's seeds) its mean is +0.0007 and its SD 0.0080; over seeds 0-15
    the SD is 0.0112.  With SD 0.009 and a true difference of 0, the lower one-sided 95 %
    t bound clears -0.005 with 90 % power once (1.70 + 1.28) x 0.009 / sqrt(n) <= 0.005,
    i.e. n >= 29: 32 seeds.  (16 seeds, enough before the workforce round when the SD was
    0.0091, gave a bound of -0.0063 afterwards.)"""
    first = f"days={PERIOD}"
    aht = arm("aht_pay", first, seeds=MORALE_SEEDS)
    base = arm("baseline", first, seeds=MORALE_SEEDS)
    for s in aht:
        assert (s["_felt0"] >= 0).all()
    d = np.array([a["_morale"][0] - b["_morale"][0] for a, b in zip(aht, base, strict=True)])
    assert _lower(d) > -0.005, d


@pytest.mark.slow
def test_baseline_gaming_stays_near_zero_with_every_lever_explored():
    """Under flat pay the gaming levers are explored too (some employee nudges one up at
    some point) but their moral cost keeps them near zero: gaming on under 2% of answered
    calls, the threshold of ``test_incentives``."""
    for s in arm("baseline"):
        assert s["_dump_max"] > 0  # explored
        assert s["gaming_rate"] < 0.02, s["gaming_rate"]
        assert math.isfinite(s["fcr_true"])


def test_loss_aversion_and_adaptation():
    """The value function and the reference update, by hand: a loss of 0.04 of salary
    weighs 2.25 x 0.04; the reference closes a quarter of the gap."""
    felt = pr.felt(np.array([0.0, 0.10]), np.array([0.04, 0.04]), 2.25)
    assert felt == pytest.approx([-0.09, 0.06])
    assert pr.adapt(np.array([0.04]), np.array([0.0]), 0.25) == pytest.approx([0.03])


def test_transition_needs_a_scheme_change():
    with pytest.raises(ConfigError, match=r"transition\.pay_protection_periods=3 needs"):
        load_config("baseline", ["transition.pay_protection_periods=3"])
    with pytest.raises(ConfigError, match=r"transition\.retraining_share=1\.5 is out of range"):
        load_config("remove_aht_metric", ["transition.retraining_share=1.5"])
