"""Staffing by interval of the day, per team: what the last plan scheduled, who was
really on the phones, and how many agents the calls truly needed.

One row per team x interval of the opening hours (``team``: "front" or "specialist"):

* ``scheduled``: agents the team's last plan scheduled (shrinkage included; with a plan
  per weekday, the mean over the window's days of their weekday's last plan);
* ``required_plan``: agents the last plan believed were needed on the phones (Erlang,
  from the dashboard's AHT; 0 for a fixed plan; per weekday, as ``scheduled``);
* ``on_phones``: mean agents on the phones (shifts less breaks and absence), last
  ``window`` days;
* ``offered_mean``: mean calls offered in the interval, last ``window`` days;
* ``aht_true_s``: the work the team's offered calls truly needed per call over those
  days (``work_needed_s / calls_offered`` for the front line, ``spec_work_needed_s /
  spec_offered`` for specialists: seconds at speed 1), the same for every interval;
* ``needed_true``: agents needed on the phones for the service-level target with that
  true workload (``erlang.agents_required``, the planner's own queue model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..measurement import ratio
from ..model.erlang import agents_required
from ..model.planning import TEAM_NAMES, interval_s

if TYPE_CHECKING:
    from ..model import ContactCentreModel

#: Days averaged (the last ``WINDOW_DAYS`` of the run): about a month of working days.
WINDOW_DAYS = 21
#: Per team: daily columns of (truly needed work, s; calls offered).
WORK_COLUMNS = (("work_needed_s", "calls_offered"), ("spec_work_needed_s", "spec_offered"))
COLUMNS = (
    "team",
    "interval",
    "start_s",
    "scheduled",
    "required_plan",
    "on_phones",
    "offered_mean",
    "aht_true_s",
    "needed_true",
)


def intervals_frame(
    model: ContactCentreModel, daily: pd.DataFrame, window: int = WINDOW_DAYS
) -> pd.DataFrame:
    """The staffing-by-interval table (module docstring) of a finished run.

    Parameters
    ----------
    model : ContactCentreModel
        The finished model (its teams' last plans, offered calls and agents on the phones
        per interval).
    daily : pandas.DataFrame
        The run's daily table (the window's true AHT per team).
    window : int
        Last working days averaged, days.
    """
    cfg = model.cfg
    w = interval_s(cfg)
    last = daily.tail(window)
    patience = cfg.customers.patience_mean_s if cfg.workforce.planner == "erlang_a" else None
    frames = []
    for team, name in enumerate(TEAM_NAMES):
        plan = model.plans[team]
        n = plan.scheduled.shape[0]
        scheduled, required = plan.scheduled.astype(float), plan.required
        week = model.week_plans[team]
        if week is not None and model.interval_rows:  # a plan per weekday: the window's mean
            days = [week[int(model.calendar.weekday(d))] for d, _ in model.interval_rows[-window:]]
            scheduled = np.mean([p.scheduled for p in days], axis=0)
            required = np.mean([p.required for p in days], axis=0)
        offered_days = model.offered_log[team][-window:]
        offered = np.mean(offered_days, axis=0) if offered_days else np.zeros(n)
        rows = [phones[team] for _, phones in model.interval_rows[-window:]]
        on_phones = np.mean(rows, axis=0) if rows else np.zeros(n)
        work, calls = WORK_COLUMNS[team]
        aht = ratio(float(last[work].sum()), float(last[calls].sum())) if len(last) else 0.0
        aht = aht if np.isfinite(aht) else 0.0
        needed = (
            agents_required(
                offered,
                w,
                max(aht, 1.0),
                patience,
                cfg.channels.service_level_target,
                cfg.channels.service_level_threshold_s,
            )
            if aht > 0
            else np.zeros(n, dtype=int)
        )
        frames.append(
            pd.DataFrame(
                {
                    "team": name,
                    "interval": np.arange(n),
                    "start_s": np.arange(n) * w,
                    "scheduled": scheduled,
                    "required_plan": required,
                    "on_phones": on_phones,
                    "offered_mean": offered,
                    "aht_true_s": aht,
                    "needed_true": needed,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[list(COLUMNS)]
