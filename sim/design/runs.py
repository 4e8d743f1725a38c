"""The runs of a candidate: one simulation per seed and world, side by side on the
machine's cores (:class:`sim.pool.WorkerPool`, the one process pool), each recorded as
its objectives and what its constraints need.

The results are stored in input order whatever order the workers finish in, and each
run depends only on its config and seed, so a design with ``jobs=2`` evaluates exactly
what it evaluates with ``jobs=1`` (``tests/test_design.py``).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from omegaconf import OmegaConf

from ..config import Config, to_config
from ..outputs.smart import smart_check
from ..pool import WorkerPool
from ..run import run_simulation
from .constraints import run_fields
from .objectives import objective_record

#: One world: dotted config keys -> values applied on top of the design's base config.
World = dict[str, Any]


def world_config(cfg: Config, seed: int, world: World) -> Config:
    """The candidate's config for one run: its world's values and the seed, validated.

    Parameters
    ----------
    cfg : Config
        The candidate's config.
    seed : int
        The run's seed.
    world : dict
        Dotted config keys -> values.
    """
    node = OmegaConf.structured(copy.deepcopy(cfg))
    dot = [f"{k}={v}" for k, v in world.items()] + [f"seed={seed}"]
    return to_config(OmegaConf.merge(node, OmegaConf.from_dotlist(dot)))


def one_run(item: tuple[Config, int, int, World]) -> dict[str, Any]:
    """One run of a candidate, recorded: its objectives (every set), its seed and world
    index, the SMART criteria it failed (``kpi:letter``, judged on the run alone by
    :func:`sim.outputs.smart.smart_check`) and :func:`.constraints.run_fields`.

    Parameters
    ----------
    item : tuple
        ``(config, seed, world index, world)``.
    """
    cfg, seed, w, world = item
    result = run_simulation(world_config(cfg, seed, world), progress=False)
    smart = smart_check(result)
    failed = smart.loc[~smart["passed"]] if len(smart) else smart
    return {
        **objective_record(result.summary),
        "seed": int(seed),
        "world": int(w),
        "smart_failed": [f"{r.kpi}:{r.criterion}" for r in failed.itertuples()],
        **run_fields(result.summary, smart),
    }


def simulate_runs(
    cfg: Config,
    seeds: Sequence[int],
    worlds: Sequence[World],
    pool: WorkerPool | None = None,
) -> list[dict[str, Any]]:
    """The default evaluation: one run per world and seed (worlds outer, seeds inner),
    in that order, each recorded by :func:`one_run`.

    Parameters
    ----------
    cfg : Config
        The candidate's config.
    seeds : sequence of int
        The seeds.
    worlds : sequence of dict
        The worlds (their index in this sequence is recorded).
    pool : WorkerPool, optional
        Worker processes to run them in; none: one after the other in this process.
    """
    items = [(cfg, int(s), w, world) for w, world in enumerate(worlds) for s in seeds]
    if pool is None:
        return [one_run(x) for x in items]
    return pool.map(one_run, items)
