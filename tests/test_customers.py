"""The churn sub-model: one pathway (experience -> loyalty -> hazard), a hazard
normalised to the base churn rate, and loyalty steps calibrated on extra churn."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import CustomersConfig
from sim.model.call_rules import BAD
from sim.model.customers import Customers, mean_hazard_factor, nps_reference
from sim.model.experience import (
    EASY_EFFORT,
    MAX_EFFORT,
    NEUTRAL_XP,
    book_experience,
    extra_churn_step,
    loyalty_steps,
)
from sim.units import DAYS_PER_YEAR


def test_starting_base_churns_at_the_base_rate():
    """Mean hazard of the starting loyalty distribution = churn_annual_base.

    Monte Carlo over 400,000 Beta draws: the relative standard error of the mean of
    exp(k (m - L)) is below 0.2%, so 1% is a safe tolerance."""
    cfg = CustomersConfig()
    rng = np.random.default_rng(1)
    loy = rng.beta(
        cfg.loyalty_mean * cfg.loyalty_concentration,
        (1 - cfg.loyalty_mean) * cfg.loyalty_concentration,
        400_000,
    )
    mc = np.exp(cfg.churn_loyalty_sensitivity * (cfg.loyalty_mean - loy)).mean()
    assert mean_hazard_factor(cfg) == pytest.approx(mc, rel=0.01)
    c = Customers(CustomersConfig(n=400_000), np.random.default_rng(2))
    mean_h = c.hazard(np.arange(c.n_used)).mean() * DAYS_PER_YEAR
    assert mean_h == pytest.approx(cfg.churn_annual_base, rel=0.01)
    nps = c.nps()  # the sampled base's NPS: binomial shares, se < 0.1 point
    assert nps == pytest.approx(nps_reference(cfg), abs=0.5)


@pytest.mark.parametrize("p", [0.01, 0.03, 0.17])
def test_loyalty_step_adds_the_stated_one_year_churn(p):
    cfg = CustomersConfig(churn_after_bad=p)
    h = 0.11
    drop = extra_churn_step(cfg, h, p)
    r = np.exp(cfg.churn_loyalty_sensitivity * drop)  # hazard ratio of the drop
    assert np.exp(-h) - np.exp(-h * r) == pytest.approx(p, rel=1e-9)
    per_xp, per_eff = loyalty_steps(cfg, h)
    assert per_xp * (NEUTRAL_XP - BAD) == pytest.approx(drop)
    e = extra_churn_step(cfg, h, cfg.churn_effort_sensitivity)
    assert per_eff * (MAX_EFFORT - EASY_EFFORT) == pytest.approx(e)


def test_no_churn_effect_without_loyalty_sensitivity():
    assert loyalty_steps(CustomersConfig(churn_loyalty_sensitivity=0.0), 0.11) == (0.0, 0.0)


def test_bad_experience_reaches_churn_only_through_loyalty():
    """After a contact, each customer's churn day is drawn from the hazard of the new
    loyalty (no separate spike): with identical loyalty, bad and good contacts leave
    identical hazards."""
    cfg = CustomersConfig(n=2_000)
    c = Customers(cfg, np.random.default_rng(3))
    cust = np.arange(2_000)
    xp = np.where(cust < 1_000, 1.0, 9.0)
    eff = np.full(2_000, EASY_EFFORT)
    before = c.loyalty[cust].copy()
    book_experience(
        np.random.default_rng(4),
        c,
        cfg,
        cust,
        xp,
        eff,
        day=0,
        row={},
        attempt=np.ones(2_000, int),
        survey_rate=0.10,
    )
    per_xp, _ = loyalty_steps(cfg, c.base_daily_hazard * DAYS_PER_YEAR)
    signal = per_xp * (xp - NEUTRAL_XP)  # a gain weighs 1 / loss aversion of a loss
    want = np.clip(before + np.where(signal > 0, signal / cfg.loyalty_loss_aversion, signal), 0, 1)
    np.testing.assert_allclose(c.loyalty[cust], want, atol=1e-6)
    # bad contacts raise the hazard exactly as the loyalty they cost implies
    h = c.hazard(cust)
    k = cfg.churn_loyalty_sensitivity
    np.testing.assert_allclose(
        h, c.base_daily_hazard * np.exp(k * (cfg.loyalty_mean - c.loyalty[cust])), rtol=1e-6
    )
    assert not hasattr(c, "leave_day")
