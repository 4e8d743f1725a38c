"""A comparison from plan to :class:`Outcome`: run the main replications and the robust
worlds, then compute every table.

The current arm's runs (main and robust) go first: they never switch, so they do not
depend on the rollout day.  Without ``rollout_day=`` the settling criterion
(:mod:`.settle`) picks the day from them; then the proposal arm's runs follow, on the same
worker processes.  Common random numbers hold as before: the proposal arm equals the
current arm, run for run, until the rollout.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pandas as pd

from .. import Config
from ..pool import default_jobs
from .bridge import money_bridge
from .outcome import Outcome
from .plan import Plan, arm_configs, robust_configs, set_rollout
from .runner import run_staged
from .runrate import runrate_table, runrate_window
from .settle import (
    SettleReport,
    choose_rollout,
    latest_rollout_day,
    settle_report,
    settle_series,
)
from .smart import smart_table
from .tables import (
    WEEK,
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
    main_res, rob_res, settle = _run_arms(plan, jobs, progress)
    index = [(arm, r) for arm, r, _ in arm_configs(plan)]
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
        settle,
        runrate_table(main_res, index, settle.runrate_days),
    )


def _robust_arm(plan: Plan, arm: int) -> list[Config]:
    """Arm ``arm`` (0 current, 1 proposal) of every robust world, in world order."""
    return [
        robust_configs(plan.cfg_current, plan.cfg_proposal, row, plan.args)[arm]
        for _, row in plan.worlds.iterrows()
    ]


def _run_arms(
    plan: Plan, jobs: int, progress: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], SettleReport]:
    """Every run, current arm first; the rollout day chosen in between when not given.

    Returns the main results in the order of :func:`~.plan.arm_configs`, the robust ones
    in the order of :func:`~.plan.robust_configs` per world (current, proposal), and the
    settle report (:mod:`.settle`).
    """
    args = plan.args
    reps = args.replications
    period = plan.cfg_current.scheme.period_days
    weeks_days = args.runrate_weeks * WEEK
    latest = latest_rollout_day(args.days, period, weeks_days)
    cur = [c for arm, _, c in arm_configs(plan) if arm == "current"] + _robust_arm(plan, 0)
    chosen: list[tuple[int, str, int]] = []

    def proposal_runs(first: list[dict[str, Any]]) -> list[Config]:
        if args.rollout_auto:
            dailies = [res["daily"] for res in first[:reps]]
            rollout = choose_rollout(
                settle_series(dailies), args.days, period, weeks_days, args.rollout_day
            )
            set_rollout(plan, rollout[0])
        else:
            rollout = (int(args.rollout_day), "given", latest)
        chosen.append(rollout)
        pro = [c for arm, _, c in arm_configs(plan) if arm == "proposal"]
        return pro + _robust_arm(plan, 1)

    one, two = run_staged(cur, proposal_runs, jobs, progress, len(cur) * 2)
    main_res = [res for pair in zip(one[:reps], two[:reps], strict=True) for res in pair]
    rob_res = [res for pair in zip(one[reps:], two[reps:], strict=True) for res in pair]
    window = runrate_window(args.days, chosen[0][0], args.runrate_weeks)
    settle = settle_report(
        chosen[0],
        [res["daily"] for res in one[:reps]],
        [res["daily"] for res in two[:reps]],
        period,
        window,
    )
    return main_res, rob_res, settle


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
