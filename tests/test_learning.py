"""Learning rules (``behavior.learning``, sim/model/learning.py): each runs and is
reproducible; reinforcement reads no outcome the employee cannot see; imitation is faster
under a public ranking; habits decay slower than they form; the robust verdict samples
every rule.

Runs are small (20,000 customers, 12 + 2 agents) except the removal runs, which use the
size of ``test_unlearning.py`` (100,000 customers, 40 agents, the AHT bonus removed on day
84 = the start of period 4).
"""

from __future__ import annotations

import copy
import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim import ConfigError, load_config, run_simulation
from sim.compare.plan import set_dotted
from sim.compare.uncertainty import (
    load_choices,
    load_uncertainty,
    sample_worlds,
    verdict_by_choice,
)
from sim.config import Config
from sim.config.validate import validate
from sim.model import behavior as bh
from sim.model import learning
from sim.model.behavior import LEVERS
from sim.model.hindsight import LegMemory

SMALL = ("customers.n=20000", "employees.n=12", "teams.specialists_n=2", "days=84")
RULES = ("hindsight", "reinforcement", "imitation", "mixed")


def _run(rule: str, seed: int = 3, *extra: str):
    cfg = load_config("aht_pay", [*SMALL, f"seed={seed}", f"behavior.learning={rule}", *extra])
    return run_simulation(cfg)


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_runs_and_is_reproducible(rule):
    """Same config and seed: identical employee table; and the rule matters (the
    policies played after the first period differ from the hindsight rule's)."""
    a, b = _run(rule), _run(rule)
    pd.testing.assert_frame_equal(a.employees, b.employees)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    if rule != "hindsight":
        h = _run("hindsight")
        cols = [f"lever_{name}" for name in LEVERS]
        mine = a.employees.groupby("period")[cols].mean()
        theirs = h.employees.groupby("period")[cols].mean()
        assert not np.allclose(mine.iloc[1:].to_numpy(), theirs.iloc[1:].to_numpy())


def test_a_bad_rule_is_refused_naming_the_key():
    with pytest.raises(ConfigError, match=r"behavior\.learning.*reinforcement"):
        load_config("baseline", ["behavior.learning=bandit"])


def _perturbed(ctx: learning.LearningContext) -> learning.LearningContext:
    """The same period with every outcome the employee cannot see changed: repeat
    contacts (future), the true-resolution and coding draws of the remembered legs, true
    FCR and the seats' true resolved counts."""
    legs = LegMemory()
    legs.keep_p = ctx.inputs.legs.keep_p
    for chunk in ctx.inputs.legs.chunks:
        c = dict(chunk)
        c["u_res"] = 1.0 - c["u_res"]
        c["u_code"] = 1.0 - c["u_code"]
        c["hard"] = ~c["hard"].astype(bool)
        legs.add(**c)
    counts = dict(ctx.inputs.seat_counts)
    counts["resolved"] = counts["resolved"][::-1].copy()
    inputs = dataclasses.replace(
        ctx.inputs, repeats=ctx.inputs.repeats[::-1] * 3 + 1, legs=legs, seat_counts=counts
    )
    metrics = dict(ctx.metrics)
    metrics["fcr_true"] = 1.0 - np.nan_to_num(metrics["fcr_true"])
    return dataclasses.replace(ctx, inputs=inputs, metrics=metrics)


def _probe(rule: str, monkeypatch) -> list[bool]:
    """Run the rule in a short run; at every period end after the second, decide once on
    the real signals and once on perturbed unobservable outcomes from the same generator
    state; return whether each pair of decisions is identical."""
    same: list[bool] = []
    real = learning.RULES[rule]

    def probed(ctx, rng):
        if ctx.inputs.period >= 2 and ctx.inputs.legs.chunks:
            a = real(ctx, copy.deepcopy(rng))
            b = real(_perturbed(ctx), copy.deepcopy(rng))
            same.append(
                np.array_equal(a.policy, b.policy)
                and (a.memory is None or np.array_equal(a.memory, b.memory, equal_nan=True))
            )
        return real(ctx, rng)

    monkeypatch.setitem(learning.RULES, rule, probed)
    _run(rule)
    assert same, "no period end was probed"
    return same


def test_reinforcement_reads_no_outcome_the_employee_cannot_see(monkeypatch):
    """Changing repeats, true resolutions and the remembered legs' hidden draws leaves
    the reinforcement policy (and its memory) bit-identical, while the same change moves
    the hindsight rule's policy (so the perturbation reaches what hindsight reads)."""
    assert all(_probe("reinforcement", monkeypatch))
    assert not all(_probe("hindsight", monkeypatch))


def _copy_share(dashboard: str, n: int = 20, draws: int = 400) -> float:
    """Share of employees who copy a colleague in one period under imitation, with
    distinct pay, no trial (``learning_step`` 0) and full dishonesty (integrity 0, so a
    copy moves every copied lever)."""
    cfg = Config()
    cfg.behavior.learning = "imitation"
    cfg.behavior.learning_step = 0.0
    cfg.behavior.imitation_rate = 0.6
    cfg.scheme.dashboard = dashboard
    rng = np.random.default_rng(11)
    # every lever within its bounds (thoroughness 0.3-1.2, pace 1-1.5, the others 0-1)
    played = bh.LOWER + (bh.UPPER - bh.LOWER) * rng.random((n, len(LEVERS)))
    staff = [
        SimpleNamespace(
            policy=played[i],
            intrinsic=np.zeros(len(LEVERS)),
            learning_memory=None,
            never_game=False,
        )
        for i in range(n)
    ]
    pay = np.linspace(0.0, 0.1, n)
    ctx = learning.LearningContext(
        inputs=SimpleNamespace(cfg=cfg, scheme=cfg.scheme, staff=staff),
        seats=np.arange(n),
        metrics={
            "csat_true": np.full(n, 0.5),
            "contacts": np.full(n, 100.0),
            "occupancy": np.full(n, 0.8),
        },
        payout=SimpleNamespace(bonus=pay, score=pay * 10),
        salary=np.ones(n),
        motivation=np.full(n, 0.5),
        integrity=np.zeros(n),
    )
    moved = [
        (np.abs(learning.imitation(ctx, rng).policy - played).max(axis=1) > 1e-12).mean()
        for _ in range(draws)
    ]
    return float(np.mean(moved))


def test_imitation_is_faster_under_a_public_ranking():
    """On a big screen everyone sees the top scorer, so the gap of pay ranks to the peer
    (and the copying probability, ``imitation_rate`` x gap) is larger than to a colleague
    met at random.  Expected shares with 20 employees of distinct pay and rate 0.6:
    public 0.6 x mean(1 - r) = 0.6 x 0.5 = 0.30; private 0.6 x E[max(0, r_peer - r)] over
    distinct pairs = 0.6 x (n + 1) / (6 (n - 1)) = 0.111.  Each share is a mean of 8,000
    Bernoulli draws (SE <= 0.0052): tolerance about 5 SE = 0.025."""
    public, private = _copy_share("big_screen"), _copy_share("individual")
    assert abs(public - 0.30) < 0.025, public
    assert abs(private - 0.6 * 21 / (6 * 19)) < 0.025, private
    assert public > 2 * private


def test_a_move_back_to_ones_standard_goes_the_unlearning_share():
    """The asymmetry itself: an adopted move of a lever toward the employee's own
    standard goes ``unlearning_ratio`` of the way; a move away goes all of it."""
    h = SimpleNamespace(habit=np.array([[0.3, 0.9]]), intrinsic=np.array([[0.0, 1.0]]), played=None)
    target = np.array([[0.1, 0.7]])  # lever 0 back toward 0, lever 1 away from 1
    moved = learning._move(h, target, np.ones((1, 2)), 0.25)
    np.testing.assert_allclose(moved, [[0.3 - 0.25 * 0.2, 0.7]])


REMOVAL = ("customers.n=100000", "employees.n=40", "days=168", "rollout_day=84")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gaming_outlasts_the_pay_that_formed_it(seed):
    """After the AHT bonus is removed (remove_aht_metric), under the rule that learns from
    observable signals (mixed), gaming's half-life is longer than the time it took to
    form: it forms within the four periods under AHT pay (half of its rise within about
    one period, 14-20 days on these seeds) and does not halve within the four periods
    after (``gaming_half_life_days`` None: longer than 84 days) or halves later than it
    formed.  Rushing harms the customer mostly through what the agent cannot see
    (repeats, later failures), so once the pay goes little pushes it back; the asymmetry
    ``unlearning_ratio`` adds to that (sim/model/learning.py)."""
    cfg = load_config("remove_aht_metric", [*REMOVAL, f"seed={seed}", "behavior.learning=mixed"])
    s = run_simulation(cfg).summary
    formed, half = s["gaming_formation_days"], s["gaming_half_life_days"]
    assert formed is not None and 0 < formed < 84, formed
    assert half is None or half > formed, (formed, half)


def test_robust_worlds_draw_every_learning_rule():
    """The default uncertainty file samples the learning rule in equal shares, every rule
    in any 4 or more worlds; the numeric draws are those without it; every world is a
    valid config; the per-rule verdict sentence names each rule."""
    ranges, _ = load_uncertainty("default")
    choices = load_choices("default")
    assert choices["behavior.learning"] == list(RULES)
    for n in (4, 9, 32):
        worlds = sample_worlds(ranges, n, 5, choices)
        counts = worlds["behavior.learning"].value_counts()
        assert set(counts.index) == set(RULES), counts
        assert counts.max() - counts.min() <= 1, counts
        pd.testing.assert_frame_equal(
            worlds.drop(columns="behavior.learning"), sample_worlds(ranges, n, 5)
        )
    for rule in RULES:
        cfg = Config()
        set_dotted(cfg, "behavior.learning", rule)
        assert validate(cfg).behavior.learning == rule
    worlds["diff_value"] = np.where(worlds["behavior.learning"] == "hindsight", -1.0, 1.0)
    text = verdict_by_choice(worlds, "behavior.learning")
    assert all(f"{rule}: " in text for rule in RULES) and "depends on it" in text, text
    worlds["diff_value"] = 1.0
    assert "does not depend" in verdict_by_choice(worlds, "behavior.learning")
