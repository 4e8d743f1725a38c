"""The intraday re-forecast's requirement in one compiled pass
(sim/model/requirement_kernel.py, read through ``intraday.requirement``) gives what the
Python rule it replaced gives: the same agents per team, check and interval (to the
bit), the same answers kept per queue with the same count and the same clearing, and the
same staffing-search gaps (``erlang._GAP``).

The reference below is that rule as it was written (answers kept as a sorted list and a
dict per queue, one ``erlang.agents_required`` search per question the neighbours do not
answer), without the per-question ``lru_cache`` the old code put in front of the search
(it returned the search's own answer but skipped the gap update, so the reference would
keep different starting gaps after its answers were forgotten).  Random days (fixed
seeds) run in sequence through both, from the same caches: re-forecast calls from few
to hundreds per interval, both teams at different or equal handle times (one shared
queue), Erlang A and C, caches small enough to be forgotten mid-day, and a target below
``erlang.HINT_MIN_TARGET`` (every question searched)."""

from __future__ import annotations

from bisect import bisect_left
from types import SimpleNamespace

import numpy as np
import pytest

from sim.config.load import load_config
from sim.model import erlang, intraday, planning


class Reference:
    """The rule as it was: module caches held here instead."""

    def __init__(self, known_max: int):
        self.known: dict[tuple, tuple[list[int], dict[int, int]]] = {}
        self.table: dict[tuple, np.ndarray] = {}
        self.size = 0
        self.known_max = known_max
        self.clears = 0

    def agents(self, calls, aht_s, patience, target, thr, w) -> int:
        c = np.array([float(calls)])
        return int(erlang.agents_required(c, w, float(aht_s), patience, target, thr)[0])

    def agents_known(self, calls, aht_s, patience, target, thr, w) -> int:
        if target < erlang.HINT_MIN_TARGET:
            return self.agents(calls, aht_s, patience, target, thr, w)
        key = (aht_s, patience, target, thr, w)
        asked, answer = self.known.setdefault(key, ([], {}))
        n = answer.get(calls)
        if n is not None:
            return n
        at = bisect_left(asked, calls)
        if 0 < at < len(asked) and answer[asked[at - 1]] == answer[asked[at]]:
            n = answer[asked[at]]
        else:
            n = self.agents(calls, aht_s, patience, target, thr, w)
        if self.size >= self.known_max:
            self.known.clear()
            self.table.clear()
            self.size = 0
            self.clears += 1
            asked, answer = self.known.setdefault(key, ([], {}))
        asked.insert(bisect_left(asked, calls), calls)
        answer[calls] = n
        self.size += 1
        table = self.table.get(key)
        if table is None or table.shape[0] <= calls:
            grown = np.full(max(2 * calls + 1, 64), -1, dtype=np.int64)
            if table is not None:
                grown[: table.shape[0]] = table
            self.table[key] = table = grown
        table[calls] = n
        return n

    def requirement(self, model, offered, aht_s, where):
        cfg = model.cfg
        ch = cfg.channels
        patience = cfg.customers.patience_mean_s if cfg.workforce.planner == "erlang_a" else None
        w = planning.interval_s(cfg)
        args = (patience, ch.service_level_target, ch.service_level_threshold_s, w)
        ahts = [max(round(a), 1) for a in aht_s]
        calls = [
            np.where(where, np.ceil(np.asarray(o, float) - 1e-9).astype(np.int64), 0)
            for o in offered
        ]
        reqs, misses = [], []
        for aht, c in zip(ahts, calls, strict=True):
            table = (
                self.table.get((aht, *args))
                if ch.service_level_target >= erlang.HINT_MIN_TARGET
                else None
            )
            if table is None:
                req = np.full(c.shape, -1, dtype=np.int64)
            else:
                req = np.where(c < table.shape[0], table[np.minimum(c, table.shape[0] - 1)], -1)
            req[c <= 0] = 0
            reqs.append(req)
            misses.append(req < 0)
        if any(m.any() for m in misses):
            for row in np.flatnonzero(np.any([m.any(axis=1) for m in misses], axis=0)).tolist():
                for aht, c, req, miss in zip(ahts, calls, reqs, misses, strict=True):
                    for i in np.flatnonzero(miss[row]).tolist():
                        req[row, i] = self.agents_known(int(c[row, i]), aht, *args)
        return [
            planning.occupancy_floor(cfg, req, c, float(aht)).astype(float)
            for aht, c, req in zip(ahts, calls, reqs, strict=True)
        ]


def _day(rng, n_checks: int, n: int, scale: float):
    """A day's re-forecast calls per check and interval for two teams, the intervals each
    check staffs, and the teams' handle times (sometimes equal: one shared queue)."""
    profile = rng.uniform(0.2, 1.0, n) * scale
    ratios = rng.uniform(0.6, 1.5, n_checks)
    offered = [profile * ratios[:, None], 0.15 * profile * ratios[:, None]]
    first = np.sort(rng.integers(0, n, n_checks))
    where = (np.arange(n) >= first[:, None]) & (rng.random(n_checks) > 0.05)[:, None]
    aht = float(rng.uniform(250.0, 600.0))
    other = aht + 0.3 if rng.random() < 0.3 else float(rng.uniform(400.0, 900.0))
    return offered, [aht, other], where


def _same_state(ref: Reference) -> None:
    """The answers kept per queue (the reference's lists and dicts) and their count."""
    assert intraday._KNOWN_SIZE[0] == ref.size
    kept = {
        key: {int(k): int(t[k]) for k in np.flatnonzero(t >= 0)}
        for key, t in intraday._TABLE.items()
    }
    kept = {key: ans for key, ans in kept.items() if ans}
    want = {key: ans for key, (_, ans) in ref.known.items() if ans}
    assert kept == want


@pytest.mark.parametrize(
    ("planner", "target", "known_max", "gap_max"),
    [
        ("erlang_a", 0.8, 200_000, 1024),
        ("erlang_a", 0.8, 300, 1024),  # answers forgotten mid-day, more than once
        ("erlang_a", 0.95, 200_000, 2),  # the gaps' table cleared as it fills
        ("erlang_c", 0.8, 400, 1024),
        ("erlang_a", 0.0005, 200_000, 1024),  # below HINT_MIN_TARGET: no answer inferred
    ],
)
def test_requirement_is_the_python_rule(monkeypatch, planner, target, known_max, gap_max):
    cfg = load_config(
        "baseline",
        [
            "customers.n=2000",
            "employees.n=8",
            f"workforce.planner={planner}",
            f"channels.service_level_target={target}",
        ],
    )
    model = SimpleNamespace(cfg=cfg)
    n = planning.n_intervals(cfg)
    monkeypatch.setattr(intraday, "_TABLE", {})
    monkeypatch.setattr(intraday, "_KNOWN_SIZE", [0])
    monkeypatch.setattr(intraday, "_KNOWN_MAX", known_max)
    monkeypatch.setattr(erlang, "GAP_MAX", gap_max)
    # other queues' gaps already kept (they count towards the table's size)
    monkeypatch.setattr(erlang, "_GAP", {(1.0 + k, 1.0, 0.5, 20.0): 1 for k in range(gap_max - 1)})
    ref = Reference(known_max)
    rng = np.random.default_rng(2024)
    days = 12 if target >= erlang.HINT_MIN_TARGET else 3
    for day in range(days):
        scale = [8.0, 60.0, 300.0][day % 3]
        offered, aht_s, where = _day(rng, int(rng.integers(6, 30)), n, scale)
        gaps = dict(erlang._GAP)
        want = ref.requirement(model, offered, aht_s, where)
        want_gaps = dict(erlang._GAP)
        erlang._GAP.clear()
        erlang._GAP.update(gaps)
        got = intraday.requirement(model, offered, aht_s, where)
        assert len(got) == len(want)
        for g, r in zip(got, want, strict=True):
            assert g.dtype == r.dtype and g.shape == r.shape
            assert g.tobytes() == r.tobytes(), day
        if target >= erlang.HINT_MIN_TARGET:  # (below it the searches keep the lru_cache)
            assert want_gaps == erlang._GAP, day
            _same_state(ref)
    if known_max < 1000:  # the clearing was exercised
        assert ref.clears >= 2
    if gap_max < 1024:
        assert not any(key[0] < 100.0 for key in erlang._GAP)  # the others' gaps went
