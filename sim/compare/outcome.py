"""A finished comparison: the plan and every table the report shows.

The report modules (``names``, ``verdict``, ``figures``, ``page``, ``outputs``) only read
an :class:`Outcome`; they never run anything, so nothing here imports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .plan import Plan
from .settle import SettleReport


@dataclass
class Outcome:
    """A finished comparison (everything the report needs).

    ``reps``, ``table``, ``series``, ``robust``, ``sens`` and ``sens_customers`` are the
    tables of :mod:`sim.compare.tables` (sensitivities of the profit and of the retention
    difference); ``shares`` the robust shares (0-1) per criterion; ``main_results`` every
    main run's summary and reduced daily table, in the order of ``reps``; ``seconds`` the
    wall time of the runs, ``jobs`` the processes used, ``load`` the 1/5/15-minute load
    averages at the end (``None`` where unknown); ``bridge`` the money bridge
    (:mod:`sim.compare.bridge`), ``intervals`` the staffing by interval of replication 0
    of each arm (:mod:`sim.outputs.intervals`, with an ``arm`` column); ``smart`` the SMART
    check of each arm's paid KPIs (:mod:`sim.compare.smart`); ``settle`` where and whether
    the arms settled (the rollout day's choice, :mod:`sim.compare.settle`) and ``runrate``
    the whole run beside each arm's last weeks (:func:`~.runrate.runrate_table`).
    """

    plan: Plan
    reps: pd.DataFrame
    table: pd.DataFrame
    series: pd.DataFrame
    robust: pd.DataFrame
    shares: dict[str, float]
    sens: pd.DataFrame
    sens_customers: pd.DataFrame
    main_results: list[dict[str, Any]]
    seconds: float
    jobs: int
    load: tuple[float, float, float] | None
    bridge: pd.DataFrame = field(default_factory=pd.DataFrame)
    intervals: pd.DataFrame = field(default_factory=pd.DataFrame)
    smart: pd.DataFrame = field(default_factory=pd.DataFrame)
    settle: SettleReport | None = None
    runrate: pd.DataFrame = field(default_factory=pd.DataFrame)
