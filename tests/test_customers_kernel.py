"""The compiled customer updates (``sim/model/customers_kernel.py``) reproduce, bit for
bit, the numpy expressions they replaced: each test runs the numpy reference (the code
as it was) and the model's code on copies of the same population with the same seeds and
compares every column, mask, count and the random streams' next draws exactly.  Repeated
customers, clipping at 0 and 1 (and -0.0), give-ups and issue draws past the alias table
are exercised on purpose."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.config import load_config
from sim.model import call_rules as cr
from sim.model import experience, web
from sim.model.customers import (
    DETRACTOR_LOYALTY,
    FADE_EVERY_DAYS,
    NEVER,
    PROMOTER_LOYALTY,
    Customers,
)
from sim.model.sampling import alias_draw
from sim.units import DAYS_PER_YEAR, MONTHS_PER_YEAR

N = 20_000


@pytest.fixture(scope="module")
def base() -> Customers:
    cfg = load_config("baseline", [f"customers.n={N}"])
    c = Customers(cfg.customers, np.random.default_rng(11))
    # loyalty at the edges: clipping at 0 and 1 must behave as np.clip (-0.0 kept)
    c.loyalty[:50] = 0.0
    c.loyalty[50:60] = -0.0
    c.loyalty[60:110] = 1.0
    c.loyalty_base[110:130] = 1.5
    c.active[200:400:3] = False  # some churned rows
    return c


def twins(c: Customers) -> tuple[Customers, Customers]:
    """Two independent copies with identical random streams."""
    return copy.deepcopy(c), copy.deepcopy(c)


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def assert_same_state(a: Customers, b: Customers) -> None:
    for name in Customers._COLUMNS:
        assert same(getattr(a, name), getattr(b, name)), name
    assert same(a.rng.random(4), b.rng.random(4))
    assert same(a.churn_rng.random(4), b.churn_rng.random(4))


# ------------------------------------------------------------ numpy references
def ref_schedule_churn(c: Customers, idx: np.ndarray, day: int) -> None:
    h = c.hazard(idx)
    with np.errstate(divide="ignore", over="ignore"):
        wait = np.where(h > 0, c.churn_rng.exponential(1.0, idx.shape[0]) / h, np.inf)
    c.churn_day[idx] = np.minimum(day + 1 + np.floor(wait), NEVER).astype(np.int32)


def ref_fade(c: Customers, day: int) -> None:
    idx = np.flatnonzero(c.active[: c.n_used])
    keep = np.float32(np.exp(-FADE_EVERY_DAYS / c.fade_days))
    b = c.loyalty_base[idx]
    c.loyalty[idx] = np.clip(b + (c.loyalty[idx] - b) * keep, 0.0, 1.0)
    ref_schedule_churn(c, idx, day)


def ref_book(rng, c, cfg, cust, xp, eff, day, row, attempt, survey_rate, give_up):
    bad = xp < cr.BAD
    row["contacts"] = row.get("contacts", 0) + cust.shape[0]
    row["repeat_contacts"] = row.get("repeat_contacts", 0) + int((attempt > 1).sum())
    row["xp_top2"] = row.get("xp_top2", 0) + int((xp >= cr.TOP2).sum())
    row["effort_sum"] = row.get("effort_sum", 0.0) + float(eff.sum())
    row["bad_experiences"] = row.get("bad_experiences", 0) + int(bad.sum())
    comp_p = c.complaint_propensity[cust] * np.where(
        bad, experience.COMPLAINT_IF_BAD, experience.COMPLAINT_IF_NOT_BAD
    )
    if give_up is not None:
        comp_p = np.where(
            give_up, np.minimum(1.0, comp_p * experience.COMPLAINT_GIVE_UP_FACTOR), comp_p
        )
    k = cust.shape[0]
    complained = rng.random(k) < comp_p
    row["complaints"] = row.get("complaints", 0) + int(complained.sum())
    sampled = rng.random(k) < survey_rate
    rnd = sampled & (rng.random(k) < cr.response_p(c.survey_propensity[cust], xp))
    rnd_top2 = rnd & (xp + rng.normal(0.0, cr.ANSWER_NOISE, k) >= cr.TOP2)
    row["rnd_sampled"] = row.get("rnd_sampled", 0) + int(sampled.sum())
    row["rnd_surveys"] = row.get("rnd_surveys", 0) + int(rnd.sum())
    row["rnd_top2"] = row.get("rnd_top2", 0) + int(rnd_top2.sum())
    before = c.loyalty[cust]
    step = experience.loyalty_change(cfg, c.base_daily_hazard * DAYS_PER_YEAR, xp, eff)
    after = np.clip(before + step, 0.0, 1.0).astype(np.float32)
    c.loyalty[cust] = after
    moved = after - before
    notice = experience.LOYALTY_NOTICE
    row["loyalty_down"] = row.get("loyalty_down", 0) + int((moved < -notice).sum())
    row["loyalty_up"] = row.get("loyalty_up", 0) + int((moved > notice).sum())
    ref_schedule_churn(c, cust, day)
    return complained, rnd, rnd_top2


def ref_churn_today(c: Customers, day: int) -> np.ndarray:
    n = c.n_used
    idx = np.flatnonzero((c.churn_day[:n] <= day) & c.active[:n])
    c.active[idx] = False
    c.churn_day[idx] = NEVER
    c.number_forget_day[idx] = -1
    return idx


def ref_equity(c: Customers, margin_rate: float, discount_rate: float) -> float:
    idx = np.flatnonzero(c.active[: c.n_used])
    r = np.exp(-c.hazard(idx).astype(np.float64) * DAYS_PER_YEAR)
    margin = c.revenue_monthly[idx].astype(np.float64) * MONTHS_PER_YEAR * margin_rate
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((margin * r / (1.0 + discount_rate - r)).sum())


def ref_nps(c: Customers) -> float:
    n = c.n_used
    act = c.active[:n]
    if not act.any():
        return 0.0
    loy = c.loyalty[:n][act]
    promoters = (loy >= PROMOTER_LOYALTY).mean()
    return float(100.0 * (promoters - (loy < DETRACTOR_LOYALTY).mean()))


def ref_learn(rng, c, cust, d, mean_days):
    keep = np.floor(rng.exponential(mean_days, cust.shape[0]))
    new = np.minimum(d + 1 + keep, NEVER).astype(np.int32)
    c.number_forget_day[cust] = np.maximum(c.number_forget_day[cust], new)


# ------------------------------------------------------------ the tests
def test_fade_and_churn_days_match_numpy(base):
    a, b = twins(base)
    for day in (0, 5, 10):
        ref_fade(a, day)
        b.fade(day)
        assert_same_state(a, b)
    rows = np.concatenate([np.arange(0, 130), np.arange(0, 130)[::-1], [7, 7, 7]])
    ref_schedule_churn(a, rows, 12)
    b.schedule_churn(rows, 12)
    assert_same_state(a, b)


@pytest.mark.parametrize("with_give_up", [False, True])
def test_book_experience_matches_numpy(base, with_give_up):
    a, b = twins(base)
    cfg = base.cfg
    draw = np.random.default_rng(5)
    k = 3000
    cust = np.concatenate([draw.integers(0, N, k - 200), np.arange(0, 130), np.arange(0, 70)])
    xp = draw.uniform(-1.0, 11.0, cust.shape[0])
    xp[:4] = [cr.BAD, cr.TOP2, experience.NEUTRAL_XP, 6.5]  # the rules' edges
    eff = draw.uniform(1.0, 7.0, cust.shape[0])
    attempt = draw.integers(1, 4, cust.shape[0]).astype(np.int16)
    give_up = draw.random(cust.shape[0]) < 0.3 if with_give_up else None
    ra, rb = {"contacts": 5}, {"contacts": 5}
    args = dict(day=3, attempt=attempt, survey_rate=0.2, give_up=give_up)
    want = ref_book(a.rng, a, cfg, cust, xp, eff, row=ra, **{**args})
    got = experience.book_experience(b.rng, b, cfg, cust, xp, eff, row=rb, **args)
    for w, g in zip(want, got, strict=True):
        assert same(w, g)
    assert list(ra.items()) == list(rb.items())  # same values, same key order
    assert ra["loyalty_down"] > 0 and ra["loyalty_up"] > 0 and ra["complaints"] > 0
    assert_same_state(a, b)


def test_churn_equity_and_issue_draws_match_numpy(base):
    a, b = twins(base)
    for day in (3, 40, 400):
        assert same(ref_churn_today(a, day), b.churn_today(day))
        assert_same_state(a, b)
    for rate, d in ((0.3, 0.1), (0.25, 0.0)):
        assert ref_equity(a, rate, d) == b.equity(rate, d)
    # rows added after the alias table was built are drawn from its tail
    b.draw_issues(0)
    a = copy.deepcopy(b)
    b.add(300, 1)
    a.add(300, 1)
    assert b.n_used - b._alias_n == 300
    got = b.draw_issues(1, volume=5.0)
    want = ref_draw_issues(a, 5.0)
    assert same(want, got) and (got >= a._alias_n).any()
    assert_same_state(a, b)


def ref_draw_issues(c: Customers, volume: float) -> np.ndarray:
    n, total = c.n_used, c.total_rate()
    k = int(c.rng.poisson(total * volume))
    prob, alias = c._alias
    an = c._alias_n
    tail = np.cumsum(c.issue_rate[an:n], dtype=np.float64)
    tail_w = float(tail[-1]) if tail.shape[0] else 0.0
    w_all = c._alias_w + tail_w
    out, need = [], k
    while need > 0:
        m = int(need * w_all / total * 1.1) + 16
        idx = alias_draw(c.rng, prob, alias, m)
        if tail_w > 0:
            u = c.rng.random(m) * w_all
            in_tail = u >= c._alias_w
            if in_tail.any():
                pos = np.searchsorted(tail, u[in_tail] - c._alias_w, side="right")
                idx[in_tail] = an + np.minimum(pos, tail.shape[0] - 1)
        ok = idx[c.active[idx]]
        out.append(ok[:need])
        need -= min(need, ok.shape[0])
    return np.concatenate(out)


def test_number_memory_matches_numpy(base):
    a, b = twins(base)
    ch = load_config("baseline").channels
    ra, rb = np.random.default_rng(2), np.random.default_rng(2)
    cust = np.concatenate([np.arange(0, 500), np.arange(0, 500)[::2], [3, 3, 3]])
    for d in (0, 4, 9):
        ref_learn(ra, a, cust, d, ch.number_memory_days)
        web.learn(rb, b, cust, d, ch)
        assert_same_state(a, b)
        n = a.n_used
        want = np.count_nonzero(a.number_forget_day[:n] > d) / a.active_count()
        assert want == web.known_share(b, d)


def test_tail_cumsum_continued_equals_summed_afresh(base: Customers) -> None:
    """The cumulative rates past the alias table, extended day by day as customers join
    (``Customers._tail_cumsum``), are bit for bit the cumulative sum taken afresh, also
    after the table moves (a rebuild) and across the buffer's growth."""
    c = copy.deepcopy(base)
    an = c.n_used - 7
    for day, (k, start) in enumerate([(0, an), (5, an), (1, an), (3_000, an), (40, an + 9)]):
        c.add(k, day=day + 1)
        got = c._tail_cumsum(start, c.n_used)
        want = np.cumsum(c.issue_rate[start : c.n_used], dtype=np.float64)
        assert got.tobytes() == want.tobytes()


def test_churn_from_the_list_of_who_may_churn_soon_matches_a_scan_of_the_base(base):
    """Between two fades ``churn_today`` reads only the rows listed as churning soon
    (``Customers._soon``): the same rows, in the same order, as a scan of the whole
    base, while churn days are redrawn (some to sooner, some to later, some twice),
    customers join, and days pass a fade without one (the scan again)."""
    a, b = twins(base)
    a.loyalty[:3000] = 0.0  # a high hazard: many churn within the week
    b.loyalty[:3000] = 0.0
    draw = np.random.default_rng(9)
    churned = 0
    for day in range(23):
        want, got = ref_churn_today(a, day), b.churn_today(day)
        assert same(want, got), day
        churned += want.shape[0]
        if day != 15:  # a missed fade: the list stops covering the days after it
            ref_fade(a, day) if day % FADE_EVERY_DAYS == 0 else None
            b.fade(day)
        rows = draw.integers(0, a.n_used, 400)
        rows = np.concatenate([rows, rows[:50]])  # some redrawn twice
        low = draw.random(rows.shape[0]).astype(np.float32)
        a.loyalty[rows] = low
        b.loyalty[rows] = low
        ref_schedule_churn(a, rows, day)
        b.schedule_churn(rows, day)
        a.add(50, day)
        b.add(50, day)
        assert_same_state(a, b)
    assert churned > 200  # the comparison covered many churns
    assert b._soon_until >= 22  # the list was in use to the end


def test_nps_matches_numpy(base):
    """True NPS from one pass over the rows equals numpy's masks and means, loyalty at
    the bands' edges (in float32, as the column holds them) and just below included."""
    c = copy.deepcopy(base)
    for edge in (PROMOTER_LOYALTY, DETRACTOR_LOYALTY):
        at = np.float32(edge)
        c.loyalty[1000:1040] = at
        c.loyalty[1040:1080] = np.nextafter(at, np.float32(0.0))
    c.loyalty[2000:2010] = np.float32(0.8) + 1e-7
    assert ref_nps(c) == c.nps()
    c.active[: c.n_used] = False
    assert ref_nps(c) == c.nps() == 0.0
