"""The compiled web sessions (``sim/model/web_kernel.py``) give, bit for bit, the
outcomes the numpy rule of ``web.web_outcomes`` gave: the reference below is that code.
Every visibility level, customers who remember the number and who do not, repeated
customers (the "missed" mark), long repeat chains and carried effort are exercised."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.config import load_config
from sim.model import call_rules as cr
from sim.model import web
from sim.model import web_kernel as wk
from sim.model.contacts import CHOICE, Contacts
from sim.model.customers import Customers


def ref_web_outcomes(rng, crng, sessions, c, *, level, ch, d):
    """``web.web_outcomes`` as it was (numpy)."""
    m = len(sessions)
    skill = c.digital_skill[sessions.cust]
    p = ch.web_success_base * skill * sessions.cx**-0.5
    ok = rng.random(m) < np.clip(p, 0.0, web.WEB_SUCCESS_CAP)
    noise = rng.normal(0.0, 1.0, m)
    fail = ~ok
    looked = fail & ~web.knows(c, sessions.cust, d) & (level != "visible")
    found = web.search(crng, c, sessions.cust, looked, level=level, ch=ch, d=d)
    give_up = looked & ~found
    escalate = fail & ~give_up
    spent_search = web.search_effort(level, ch) * looked
    extra = cr.repeats(sessions.attempt)
    own = np.where(ok, web.EFFORT_WEB_RESOLVED, web.EFFORT_WEB_FAILED) + spent_search
    spent = cr.effort_spent(own, sessions.carry, extra)
    xp = cr.contact_experience(ok, spent, extra) + noise
    return web.WebOutcome(ok, escalate, give_up, looked, found, xp, cr.ces(spent), spent_search)


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("level", web.LEVELS)
@pytest.mark.parametrize("seed", range(3))
def test_web_sessions_match_numpy(level: str, seed: int) -> None:
    cfg = load_config("baseline", ["customers.n=5000"])
    draw = np.random.default_rng(seed)
    base = Customers(cfg.customers, np.random.default_rng(seed + 10))
    base.number_forget_day[:5000] = draw.integers(-1, 20, 5000).astype(np.int32)
    base.digital_skill[:40] = np.float32(0.0)  # the edges of the rules
    base.digital_skill[40:80] = np.float32(1.0)
    m = 4000
    cust = np.concatenate([draw.integers(0, 5000, m - 100), np.arange(50).repeat(2)])
    sessions = Contacts(
        cust,
        draw.lognormal(-0.1, 0.5, m),
        draw.integers(1, 7, m).astype(np.int16),
        draw.uniform(0.0, 3.0, m),
        np.full(m, CHOICE, np.int8),
        np.zeros(m, bool),
        np.zeros(m, np.int16),
        np.zeros(m, np.int8),
    )
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
    crng_a, crng_b = np.random.default_rng(seed + 1), np.random.default_rng(seed + 1)
    want = ref_web_outcomes(rng_a, crng_a, sessions, a, level=level, ch=cfg.channels, d=9)
    got = web.web_outcomes(rng_b, crng_b, sessions, b, level=level, ch=cfg.channels, d=9)
    for name in vars(want):
        assert same(getattr(want, name), getattr(got, name)), name
    assert same(a.number_missed_day, b.number_missed_day)
    assert same(rng_a.random(3), rng_b.random(3)) and same(crng_a.random(3), crng_b.random(3))
    assert want.resolved.any() and want.escalate.any()
    if level != "visible":
        assert want.give_up.any() and want.found.any()


def test_probabilities_at_the_draws_edge_as_numpy_rounds_them() -> None:
    """Uniforms placed exactly at numpy's success and find probabilities (float32 where
    the skill column is float32) and one step below: the same decisions as numpy's."""
    draw = np.random.default_rng(4)
    n = 2000
    skill = draw.random(n).astype(np.float32)
    cx = draw.lognormal(0.0, 0.5, n)
    cx_pow = cx**-0.5
    base, miss = 0.55, 0.8  # 0.55: not a power of 2, so float32 rounding shows
    p_ok = np.clip(base * skill * cx_pow, 0.0, web.WEB_SUCCESS_CAP)  # as web_outcomes
    p_find = 1.0 - miss * (1.0 - skill)  # as web.find_prob
    below = np.arange(n) % 2 == 1  # every other uniform one step below
    u_ok = np.where(below, np.nextafter(p_ok, 0.0), p_ok)
    u_find = np.where(below, np.nextafter(p_find.astype(np.float64), 0.0), p_find)
    u_ok[: n // 2] = 1.0  # the first half fail, and search
    out = tuple(np.empty(n, bool) for _ in range(5)) + tuple(np.empty(n) for _ in range(3))
    wk.web_sessions(
        (np.arange(n), cx_pow, np.ones(n, np.int16), np.zeros(n)),
        (u_ok, np.zeros(n), u_find),
        (skill, np.full(n, -1, np.int32), np.full(n, -1, np.int32)),
        (np.float32(base), np.float32(miss), web.WEB_SUCCESS_CAP, 0.5, 2.0, False, 1.0, 3),
        out,
    )
    ok, looked, found = out[0], out[3], out[4]
    np.testing.assert_array_equal(ok, u_ok < p_ok)
    np.testing.assert_array_equal(found, looked & (u_find < p_find))
    # the second half: every other one resolved, the rest search; half of searches find
    assert ok.sum() == n // 4 and looked.sum() == 3 * n // 4
    assert found[: n // 2].sum() == n // 4
