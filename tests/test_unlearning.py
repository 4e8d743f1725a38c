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

SIZE = ("customers.n=100000", "employees.n=40", "days=168")
ROLLOUT = 84
PERIOD = 21
SEEDS = tuple(range(6))


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


@cache
def arm(scenario: str, *overrides: str) -> tuple[dict, ...]:
    jobs = [(scenario, overrides, seed) for seed in SEEDS]
    return tuple(_pool().map(_run, jobs))


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
def test_gaming_fades_at_the_learning_speed_after_removal():
    """Once nothing pays for it, gaming fades because every lever is still explored and
    its moral cost pushes it down, one learning round (pay period end) at a time.

    Derivation of the expected half-life: gaming levers sit below one ``learning_step``
    (0.1) at removal, so "down" takes a lever to 0.  With a moral cost c per unit of a
    lever (``integrity_weight`` 0.2 x integrity ~0.6 x moral weight 0.5-1 ~ 0.05-0.1),
    a lever at x chooses among stay (-c x), up (-c (x + 0.1)) and down (0) by a logit
    with ``choice_noise`` 0.004: for x = 0.05 the expected share left after one round
    is 0.27 (c = 0.1) to 0.59 (c = 0.05), i.e. half of the habit goes in 0.7-1.2 rounds
    (linear between rounds), 14-26 days of 21-day periods.  Tolerance: 0.5-2 rounds,
    for the exploration floor that flat pay keeps (noise) and for imitation.  The former
    constant habit decay (0.02 a period) would have needed ln 2 / 0.02 ~ 35 rounds."""
    runs = _removed()
    g = np.array([s["_g"] for s in runs])
    k = ROLLOUT // PERIOD  # the first period played under flat pay (policy chosen before)
    assert _upper(g[:, k + 3] - g[:, k]) < 0, g
    half = np.array([s["gaming_half_life_days"] for s in runs], dtype=float)
    assert np.isfinite(half).all(), half
    assert 0.5 * PERIOD <= half.mean() <= 2.0 * PERIOD, half


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
    0.04)."""
    aht, base = arm("aht_pay"), arm("baseline")
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
