"""A comparison from plan to :class:`Outcome`: run the main replications and the robust
worlds, then compute every table."""

from __future__ import annotations

import os
import time

import pandas as pd

from ..pool import default_jobs
from .bridge import money_bridge
from .outcome import Outcome
from .plan import Plan, arm_configs, robust_configs
from .runner import run_all
from .smart import smart_table
from .tables import (
    comparison_table,
    robust_shares,
    robust_table,
    sensitivity,
    summaries_frame,
    timeseries_table,
)


def run_compare(plan: Plan, jobs: int | None = None, progress: bool | None = None) -> Outcome:
    """Run both arms (and the robust worlds) and compute every table of the report.

    Parameters
    ----------
    plan : Plan
        The validated plan (:func:`~.plan.build_plan`).
    jobs : int, optional
        Worker processes; default the plan's ``jobs=`` (0: every core).
    progress : bool, optional
        Show progress bars; default the plan's ``progress=``.

    Returns
    -------
    Outcome
        The finished comparison, with its wall-clock time and the machine's load.
    """
    args = plan.args
    jobs = args.jobs if jobs is None else jobs
    jobs = jobs or default_jobs()
    progress = args.progress if progress is None else progress
    t0 = time.perf_counter()
    main = arm_configs(plan)
    robust_cfgs = []
    for _, row in plan.worlds.iterrows():
        robust_cfgs.extend(robust_configs(plan.cfg_current, plan.cfg_proposal, row, args))
    results = run_all([c for *_, c in main] + robust_cfgs, jobs, progress)
    main_res, rob_res = results[: len(main)], results[len(main) :]
    index = [(arm, r) for arm, r, _ in main]
    reps = summaries_frame(main_res, index)
    table = comparison_table(reps)
    series = timeseries_table(plan, main_res, index)
    robust = robust_table(plan, rob_res) if args.robust else pd.DataFrame()
    shares = robust_shares(robust)
    params = list(plan.uncertainty)
    sens = sensitivity(robust, params) if args.robust else sensitivity(pd.DataFrame(), [])
    sens_c = (
        sensitivity(robust, params, "diff_retention")
        if args.robust
        else sensitivity(pd.DataFrame(), [])
    )
    rates = (plan.cfg_current.customers.margin_rate, plan.cfg_proposal.customers.margin_rate)
    bridge = money_bridge(reps, rates)
    try:
        load = os.getloadavg()
    except OSError:  # pragma: no cover
        load = None
    return Outcome(
        plan,
        reps,
        table,
        series,
        robust,
        shares,
        sens,
        sens_c,
        main_res,
        time.perf_counter() - t0,
        jobs,
        load,
        bridge,
        first_intervals(main_res, index),
        smart_table(main_res, index),
    )


def first_intervals(results: list[dict], index: list[tuple[str, int]]) -> pd.DataFrame:
    """Staffing by interval of replication 0 of each arm, with an ``arm`` column.

    Parameters
    ----------
    results : list of dict
        The main runs' results (:mod:`.runner`), in the order of ``index``.
    index : list of (str, int)
        Each result's arm and replication.
    """
    frames = [
        res["intervals"].assign(arm=arm)
        for (arm, r), res in zip(index, results, strict=True)
        if r == 0 and res.get("intervals") is not None
    ]
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return df[["arm", *[c for c in df.columns if c != "arm"]]]
