"""Breaks and shrinkage where they happen (sim/model/roster.py, planning.py, workforce.py).

* The break placement keeps the WFM rules (inside the shift, away from its edges, in
  its window, spaced) and follows demand: on small cases the greedy placement
  (``place_breaks``) is compared with the exact integer programme
  (``place_breaks_milp``), and with breaks at their nominal places.
* The plan's shrinkage is computed from its parts; a set total overrides it.
* The queue kernel takes several breaks per agent, in time order.
* Judged: the default baseline, seeds 0-2, has at least 95 % of the plan's requirement
  on the phones in every interval at both teams (``RunResult.intervals``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import runs as shared_runs

from sim.config import load_config
from sim.model import planning as pl
from sim.model.breaks import BreakRules, place_breaks, windows
from sim.model.breaks_exact import place_breaks_milp, shortfall
from sim.model.queue_kernel import simulate_day

H = 3600.0
GRID = 900.0
RULES = BreakRules(edge_s=H, flex_s=H, gap_s=H)
#: 8 h shifts: rest 15 min, lunch 30 min, rest 15 min.
LENS_8H = np.array([900.0, 1800.0, 900.0])


def _case(seed: int, k: int = 8, day_h: float = 12.0):
    """k 8 h shifts over a 12 h day and a peaked target on the 15 min grid: on shift
    minus a random dip of one to two agents near the busiest hours."""
    rng = np.random.default_rng(seed)
    starts = rng.choice(np.arange(0, day_h - 8 + 1) * H, size=k)
    ends = starts + 8 * H
    n = int(day_h * H / GRID)
    t = (np.arange(n) + 0.5) * GRID
    on = ((starts[:, None] <= t) & (ends[:, None] > t)).sum(axis=0).astype(float)
    peak = rng.uniform(0.3, 0.7) * day_h * H
    target = np.maximum(0.0, on - 1.0 - 1.5 * np.exp(-(((t - peak) / (2 * H)) ** 2)))
    lens = np.tile(LENS_8H, (k, 1))
    return target, starts, ends, lens


def test_breaks_keep_the_wfm_rules():
    target, starts, ends, lens = _case(1)
    brk = place_breaks(target, starts, ends, lens, RULES, GRID)
    for a in range(starts.shape[0]):
        b0, b1 = brk[a], brk[a] + lens[a]
        assert np.all(b0 >= starts[a] + RULES.edge_s - 1e-6)
        assert np.all(b1 <= ends[a] - RULES.edge_s + 1e-6)
        assert np.all(b0[1:] - b1[:-1] >= RULES.gap_s - 1e-6), "breaks too close"
        assert np.all(np.isclose(b0 % GRID, 0.0)), "breaks start on the grid"
        lo, hi = windows(starts[a], ends[a], lens[a], RULES, GRID)
        assert np.all((b0 >= lo - 1e-6) & (b0 <= hi + 1e-6))


def test_greedy_placement_is_close_to_the_exact_one():
    """On twelve random cases (8 agents, 24 breaks, a 12 h day) the greedy placement's
    shortfall (agent-slots below target) is never below the exact optimum (the two
    agree on the rules), at most 1.5 agent-slots above it in any case (one 15-minute
    break of one agent and a half) and 0.5 above it on average.  Measured: 0 in 8 of
    the 12 cases, at most about 1.0."""
    excess = []
    for seed in range(12):
        target, starts, ends, lens = _case(seed)
        greedy = place_breaks(target, starts, ends, lens, RULES, GRID)
        exact = place_breaks_milp(target, starts, ends, lens, RULES, GRID)
        g = shortfall(target, starts, ends, greedy, lens, GRID)
        x = shortfall(target, starts, ends, exact, lens, GRID)
        assert x <= g + 1e-6
        excess.append(g - x)
    assert max(excess) <= 1.5, excess
    assert np.mean(excess) <= 0.5, excess


def test_breaks_follow_demand():
    """Against a peaked target, breaks at their nominal (evenly spread) places leave more
    agent-slots short than the placement against demand, summed over the cases."""
    worse = 0.0
    for seed in range(5):
        target, starts, ends, lens = _case(seed)
        placed = place_breaks(target, starts, ends, lens, RULES, GRID)
        nominal = np.array(
            [
                windows(s, e, ln, BreakRules(H, 0.0, 0.0), GRID)[0]
                for s, e, ln in zip(starts, ends, lens, strict=True)
            ]
        )
        worse += shortfall(target, starts, ends, nominal, lens, GRID) - shortfall(
            target, starts, ends, placed, lens, GRID
        )
    assert worse > 1.0


def test_shrinkage_is_the_sum_of_its_parts():
    cfg = load_config("baseline")
    p = pl.shrinkage_parts(cfg)
    assert set(p) == {"breaks", "coaching", "training", "meetings", "absence", "annual_leave"}
    wf = cfg.workforce
    assert p["breaks"] == pytest.approx(
        (2 * wf.rest_break_minutes + wf.lunch_minutes) / (wf.full_time_hours * 60)
    )
    away = p["absence"] + p["annual_leave"]
    off = p["breaks"] + p["coaching"] + p["training"] + p["meetings"]
    assert pl.plan_shrinkage(cfg) == pytest.approx(1 - (1 - away) * (1 - off))
    assert pl.plan_shrinkage(load_config("baseline", ["workforce.shrinkage=0.4"])) == 0.4


def test_kernel_takes_every_break_in_time_order():
    """One agent, calls every minute with infinite patience and 30 s handling: nobody
    is served during either break (given out of order), and calls wait for its end."""
    arrival = np.arange(0.0, 4 * H, 60.0)
    n = arrival.shape[0]
    res = simulate_day(
        arrival,
        np.full(n, np.inf),
        np.full(n, 30.0),
        np.ones(1),
        break_start=np.array([[2 * H, 1 * H]]),
        break_len=np.array([[600.0, 900.0]]),
    )
    for b0, ln in ((H, 900.0), (2 * H, 600.0)):
        assert not np.any((res.start1 >= b0) & (res.start1 < b0 + ln))
        assert np.any(np.isclose(res.start1, b0 + ln))


@pytest.fixture(scope="module")
def baselines():
    """The default baseline on seeds 0-2: the session's shared runs (the calibration
    tests read the same three runs)."""
    return shared_runs.results([load_config("baseline", [f"seed={s}"]) for s in range(3)])


def test_on_phones_cover_the_plan_in_every_interval(baselines):
    """Judged: agents on the phones (mean of the last 21 days) >= 95 % of the last
    plan's requirement in every interval, front line and specialists, three seeds."""
    for r in baselines:
        iv = r.intervals
        need = iv["required_plan"] > 0
        ratio = iv.loc[need, "on_phones"] / iv.loc[need, "required_plan"]
        low = iv.loc[need][ratio < 0.95]
        assert set(iv["team"]) == {"front", "specialist"}
        assert low.empty, low[["team", "interval", "required_plan", "on_phones"]]


def _window_table_reference(starts, ends, lens, rules, grid):
    """``breaks._window_table`` as it was written: agent by agent, the windows computed
    once per distinct shift (start off the grid, end, break lengths)."""

    k, nb = lens.shape
    lo, hi = np.full((k, nb), np.nan), np.full((k, nb), np.nan)
    cache = {}
    for a in range(k):
        on = lens[a] > 0
        off = math.floor(starts[a] / grid) * grid
        key = (float(starts[a] - off), float(ends[a] - off), tuple(lens[a]))
        if key not in cache:
            cache[key] = windows(key[0], key[1], lens[a, on], rules, grid)
        w_lo, w_hi = cache[key]
        lo[a, on], hi[a, on] = w_lo + off, w_hi + off
    return lo, hi


def test_window_table_is_the_agent_by_agent_rule():
    """Grouping the agents by shift gives every agent the windows the per-agent loop gave
    it, to the bit (shared shifts, starts off the grid, shifts without some breaks,
    -0.0 lengths and starts)."""
    from sim.model import breaks

    rng = np.random.default_rng(42)
    for trial in range(200):
        k = int(rng.integers(0, 60))
        kinds = int(rng.integers(1, 8))
        s0 = (
            rng.choice([0.0, 300.0, 900.0, -0.0, 1234.5], kinds) + rng.integers(0, 20, kinds) * GRID
        )
        ln = rng.choice([8.0, 6.0, 4.0, 2.5], kinds) * H
        br = rng.choice([0.0, -0.0, 900.0, 1800.0], (kinds, 3))
        pick = rng.integers(0, kinds, k)
        starts, ends, lens = s0[pick], s0[pick] + ln[pick], np.ascontiguousarray(br[pick])
        rules = BreakRules(edge_s=H * rng.uniform(0, 1.5), flex_s=H, gap_s=H * rng.uniform(0, 1))
        got = breaks._window_table(starts, ends, lens, rules, GRID)
        want = _window_table_reference(starts, ends, lens, rules, GRID)
        for g, w in zip(got, want, strict=True):
            assert g.tobytes() == w.tobytes(), trial
