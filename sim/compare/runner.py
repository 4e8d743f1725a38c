"""Running a comparison's configs: one run per config, in worker processes
(:mod:`sim.pool`), results in the order of the configs.

Each run depends on its config (seed included) only, so the results do not depend on the
number of processes.  A run returns its summary plus :func:`derived_metrics` and the daily columns
of :data:`DAILY_KEEP` (enough for the weekly series; the rest is dropped to keep the
pickles small), its staffing by interval (``intervals``, :mod:`sim.outputs.intervals`) and
the SMART check of its scheme (``smart``, :mod:`sim.outputs.smart`) and its people extract
(headcount flows in the summary, per-agent pay in ``agents``: :mod:`.people`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import pandas as pd
from tqdm import tqdm

from .. import Config, run_simulation
from ..outputs.smart import smart_check
from ..pool import WorkerPool, map_in_order
from ..units import DAYS_PER_YEAR
from .definitions import definition_values
from .people import people_extract

#: daily columns kept for the time series (counts and levels; rates are recomputed)
DAILY_KEEP = (
    "day",
    "legs",
    "handle_s",
    "answered_owned",
    "resolved_true",
    "coded_resolved",
    "repeats_7d",
    "surveys",
    "survey_top2",
    "contacts",
    "xp_top2",
    "calls_answered",
    "gaming_contacts",
    "revenue",
    "cost_total",
    "profit",
    "morale_mean",
    "staff",
    "cost_labour",
    "cost_bonus",
    "repeat_contacts",
    "churned",
    "customer_equity",  # kept when the run records it (the run-rate's value hook)
)


def derived_metrics(daily: pd.DataFrame) -> dict[str, float]:
    """Metrics the report adds to a run's summary, from the daily table.

    ``pay_per_employee_annual``: salary + bonus paid per seated employee per year
    (currency units/year; 250 working days a year).

    Parameters
    ----------
    daily : DataFrame
        The run's daily table (``staff``, ``cost_labour`` and ``cost_bonus`` are used).
    """
    days = len(daily)
    staff = float(daily["staff"].mean()) if days else float("nan")
    pay = float(daily["cost_labour"].sum() + daily["cost_bonus"].sum())
    years = days / DAYS_PER_YEAR
    return {"pay_per_employee_annual": pay / staff / years if staff and years else float("nan")}


def run_one(cfg: Config) -> dict[str, Any]:
    """Run one config; return its summary (plus derived metrics) and reduced daily table.

    Parameters
    ----------
    cfg : Config
        The run's config, seed included.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    res = run_simulation(cfg, progress=False)
    summary = dict(res.summary)
    summary.update(derived_metrics(res.daily))
    people = people_extract(res)  # headcount flows, tier turnover, per-agent pay extract
    summary.update(people["summary"])
    summary.update(definition_values(res.daily))
    daily = res.daily[[c for c in DAILY_KEEP if c in res.daily.columns]].copy()
    return {
        "summary": summary,
        "daily": daily,
        "intervals": res.intervals,
        "smart": smart_check(res),
        "agents": people["agents"],
    }


def run_all(
    configs: list[Config], jobs: int, progress: bool, desc: str = "compare"
) -> list[dict[str, Any]]:
    """Run every config (:func:`run_one`), in parallel over ``jobs`` processes; results
    in input order.

    Each run depends on its config only, so the results do not depend on ``jobs``.

    Parameters
    ----------
    configs : list of Config
        The runs, seeds included.
    jobs : int
        Worker processes at most; 1 runs in this process.
    progress : bool
        Show a progress bar (on stderr), one step per finished run.
    desc : str
        The progress bar's label.
    """
    bar = tqdm(total=len(configs), desc=desc, unit="run", disable=not progress, file=sys.stderr)
    try:
        return map_in_order(run_one, configs, jobs, done=bar.update)
    finally:
        bar.close()


def run_staged(
    first: list[Config],
    then: Callable[[list[dict[str, Any]]], list[Config]],
    jobs: int,
    progress: bool,
    total: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run ``first``, then the configs ``then`` makes from their results, on one pool of
    worker processes (started once) and one progress bar.

    Parameters
    ----------
    first : list of Config
        The runs of the first stage, seeds included.
    then : callable
        Given the first stage's results (in order), the second stage's configs.
    jobs : int
        Worker processes at most; 1 runs in this process.
    progress : bool
        Show a progress bar (on stderr), one step per finished run.
    total : int
        Runs in both stages together (the bar's length and the pool's size).

    Returns
    -------
    tuple of (list of dict, list of dict)
        Each stage's results (:func:`run_one`), in the order of its configs.
    """
    bar = tqdm(total=total, desc="compare", unit="run", disable=not progress, file=sys.stderr)
    try:
        with WorkerPool(jobs, total) as pool:
            one = pool.map(run_one, first, done=bar.update)
            two = pool.map(run_one, then(one), done=bar.update)
        return one, two
    finally:
        bar.close()
