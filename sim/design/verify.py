"""Honest selection: the top schemes of the front re-run on the held-out seeds and
worlds, beside the leader's current scheme (and, when asked, every shipped scheme).

Only these held-out results are reported as the schemes' performance.  The winner's
curse is stated per top scheme and objective: ``curse_<objective>`` = its robust
statistic on the search set minus the same on the held-out set (a positive figure is
how much the search flattered it; with few worlds it also holds the difference between
the search and held-out worlds), and ``curse_<objective>_vs_current``: the lead over the
current scheme on the search set minus the lead on the held-out set (the same worlds
for both schemes, so only the selection's optimism remains).  Money is compared with the
current scheme run by run (same seed, same world): ``value_vs_current`` with its 95%
t-interval
(:func:`sim.stats.paired_ci`; needs two held-out runs or more).  The constraints are
judged again on the held-out runs (:mod:`.constraints`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..config import Config
from ..pool import WorkerPool
from ..stats import paired_ci
from .constraints import CONSTRAINTS, Limits, constraint_values, feasible, smart_failures
from .objectives import OBJECTIVE_SETS, robust_statistic
from .runs import World, one_run

#: Every objective of every set, in a fixed order (the columns of ``verify.csv``).
ALL_OBJECTIVES = tuple(dict.fromkeys(k for s in OBJECTIVE_SETS.values() for k in s))


@dataclass(frozen=True)
class Entry:
    """One scheme to verify: its label (``scheme_1``, ``current``, ``shipped:aht_pay``),
    its config, its trial (None for a scheme not found by the search), its file and its
    robust objectives on the search set (empty when it was not searched)."""

    label: str
    cfg: Config
    trial: int | None = None
    file: str = ""
    search: dict[str, float] | None = None


def run_entries(
    cfgs: Sequence[Config], seeds: Sequence[int], worlds: Sequence[World], pool: WorkerPool
) -> list[list[dict[str, Any]]]:
    """Every config's runs on the seeds and worlds, all side by side in the pool, each
    config's records in :func:`.runs.simulate_runs` order.

    Parameters
    ----------
    cfgs : sequence of Config
        The schemes' configs.
    seeds : sequence of int
        The seeds.
    worlds : sequence of dict
        The worlds.
    pool : WorkerPool
        The worker processes.
    """
    per = [(w, world, int(s)) for w, world in enumerate(worlds) for s in seeds]
    items = [(cfg, s, w, world) for cfg in cfgs for w, world, s in per]
    flat = pool.map(one_run, items)
    return [flat[i * len(per) : (i + 1) * len(per)] for i in range(len(cfgs))]


def summarise(records: Sequence[dict[str, Any]], limits: Limits | None) -> dict[str, Any]:
    """One scheme's row of held-out results: every objective's robust statistic and
    mean, the constraints and whether all are met, the SMART criteria failed and the
    share of runs lighting a toxic sign.

    Parameters
    ----------
    records : sequence of dict
        The scheme's held-out runs.
    limits : Limits, optional
        The leader's limits (none: not judged).
    """
    row: dict[str, Any] = {"runs": len(records)}
    for k in ALL_OBJECTIVES:
        values = [r[k] for r in records]
        row[k] = robust_statistic(values)
        row[f"{k}_mean"] = float(np.nanmean(values)) if len(values) else float("nan")
    if limits is not None:
        cons = constraint_values(records, limits)
        row.update({f"constraint_{k}": cons[k] for k in CONSTRAINTS})
        row["feasible"] = feasible(cons)
    row["smart_failed"] = " ".join(smart_failures(records))
    row["signs_lit_share"] = float(np.mean([bool(r["signs_lit"]) for r in records]))
    return row


def verify(
    entries: Sequence[Entry],
    seeds: Sequence[int],
    worlds: Sequence[World],
    pool: WorkerPool,
    limits: Limits | None,
    objectives: Sequence[str],
) -> pd.DataFrame:
    """The held-out table (``verify.csv``): one row per scheme, top schemes first, then
    the current scheme and the shipped ones.

    Parameters
    ----------
    entries : sequence of Entry
        The schemes; the one labelled ``current`` (if any) is the paired reference.
    seeds : sequence of int
        The held-out seeds.
    worlds : sequence of dict
        The held-out worlds.
    pool : WorkerPool
        The worker processes.
    limits : Limits, optional
        The leader's limits.
    objectives : sequence of str
        The design's objectives (the winner's curse is stated for these).
    """
    runs = run_entries([e.cfg for e in entries], seeds, worlds, pool)
    current = next((r for e, r in zip(entries, runs, strict=True) if e.label == "current"), None)
    cur_entry = next((e for e in entries if e.label == "current"), None)
    cur_held = summarise(current, None) if current is not None else None
    rows = []
    for e, records in zip(entries, runs, strict=True):
        row: dict[str, Any] = {"scheme": e.label, "trial": e.trial, "file": e.file}
        row.update(summarise(records, limits))
        if e.search:
            for k in objectives:
                row[f"search_{k}"] = e.search[k]
                row[f"curse_{k}"] = e.search[k] - row[k]
                cur_search = cur_entry.search if cur_entry is not None else None
                if cur_entry is not e and cur_search and cur_held is not None:
                    ahead_search = e.search[k] - cur_search[k]
                    row[f"curse_{k}_vs_current"] = ahead_search - (row[k] - cur_held[k])
        if current is not None and e.label != "current":
            ci = paired_ci(
                np.array([r["value"] for r in current]), np.array([r["value"] for r in records])
            )
            row["value_vs_current"] = ci["difference"]
            row["value_vs_current_low"] = ci["ci_low"]
            row["value_vs_current_high"] = ci["ci_high"]
        rows.append(row)
    table = pd.DataFrame(rows)
    table["trial"] = table["trial"].astype("Int64")
    return table
