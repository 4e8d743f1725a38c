"""The second line: transferred callers abandon no more than their queue explains.

Each team's abandonment is checked against Erlang A (M/M/n+M, ``sim.model.erlang``)
fed with what the team really had, day by day and interval by interval: the calls
offered to it, its agents on the phones (shifts less breaks and absence; a fractional
mean is interpolated between the neighbouring whole numbers), its mean handle time and
its callers' mean patience.  Summed over the run this gives the abandonments the queue
and the patience explain, E, with binomial sampling variance V = sum n p (1 - p); the
simulated count may not exceed E + 3 sqrt(V) + 10 % of E (the 10 %: Erlang A's
exponential handle time and stationarity within an interval are approximations; a
queue with agents missing from it -- all on break, or no shift -- abandons several
times more, which this bound catches).  Also: the summary reports each team's
``transfer_abandon_rate``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.config import load_config
from sim.model.erlang import erlang_a
from sim.model.planning import interval_s
from sim.run import run_simulation

#: Daily columns per team: (offered, abandoned, handle seconds, legs).
COLUMNS = {
    0: ("calls_offered", "abandoned", "front_handle_s", "front_legs"),
    1: ("spec_offered", "spec_abandoned", "spec_handle_s", "spec_legs"),
}


def _p_abandon(lam: float, mean_s: float, patience_s: float, n: float) -> float:
    """Erlang A abandonment at a fractional staffing ``n`` (linear between whole n)."""
    lo = math.floor(n)
    p_lo = erlang_a(lam, mean_s, patience_s, lo).p_abandon
    if n == lo:
        return p_lo
    p_hi = erlang_a(lam, mean_s, patience_s, lo + 1).p_abandon
    return p_lo + (n - lo) * (p_hi - p_lo)


@pytest.fixture(scope="module")
def run():
    cfg = load_config(
        "baseline",
        ["seed=3", "days=120", "customers.n=100000", "employees.n=37", "teams.specialists_n=4"],
    )
    return run_simulation(cfg, progress=False, keep_model=True)


def _explained(run, team: int) -> tuple[float, float, float]:
    """(simulated abandonments, Erlang A's expectation E, its variance V) of ``team``."""
    m, daily = run.model, run.daily
    cfg = m.cfg
    _, abandoned_col, handle_col, legs_col = COLUMNS[team]
    mean_s = float(daily[handle_col].sum() / daily[legs_col].sum())
    patience = cfg.customers.patience_mean_s * float(m.customers.patience_factor.mean())
    if team == 1:
        patience *= cfg.teams.transfer_patience_factor
    w = interval_s(cfg)
    e = v = 0.0
    for (_, phones), offered in zip(m.interval_rows, m.offered_log[team], strict=True):
        for n_i, calls in zip(phones[team], offered, strict=True):
            if calls <= 0:
                continue
            p = _p_abandon(calls / w, mean_s, patience, float(n_i))
            e += calls * p
            v += calls * p * (1.0 - p)
    return float(daily[abandoned_col].sum()), e, v


@pytest.mark.parametrize("team", [0, 1], ids=["front", "specialist"])
def test_no_team_abandons_more_than_its_queue_explains(run, team):
    sim, e, v = _explained(run, team)
    assert sim <= e + 3.0 * math.sqrt(v) + 0.1 * e, (sim, e, v)


def test_transfer_abandonment_is_reported_per_team(run):
    teams = run.summary["teams"]
    d = run.daily
    assert teams["specialist"]["transfer_abandon_rate"] == pytest.approx(
        d["spec_abandoned"].sum() / d["spec_offered"].sum()
    )
    front = teams["front"]["transfer_abandon_rate"]
    assert front is None or np.isnan(front)  # the specialists took every transfer
    one_team = ["days=15", "customers.n=20000", "employees.n=10", "teams.specialists_n=0"]
    one = run_simulation(load_config("baseline", one_team), progress=False)
    d1 = one.daily
    rate = one.summary["teams"]["front"]["transfer_abandon_rate"]
    assert rate == pytest.approx(d1["abandoned_after_transfer"].sum() / d1["transfers"].sum())
