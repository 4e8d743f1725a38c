"""The constraints a leader sets on a design, enforced by the sampler.

Each candidate's constraints are computed from its search runs and set on its trial
with Optuna's ``Trial.set_constraint`` (the API that replaced the samplers'
``constraints_func`` in Optuna 5; the TPE and NSGA-II samplers read it), so an
infeasible candidate is dominated by every feasible one, steers the sampler away, and
never enters the front (``Study.best_trials``) while a feasible candidate exists.  A
pruned candidate (never run) gets :data:`PRUNED`.  Optuna's convention: a value at or
below 0 is satisfied.  The values are also kept in ``user_attrs["constraints"]``.

=========  ==========================================================================
name       value (satisfied when <= 0)
=========  ==========================================================================
bonus      80th percentile over the runs of the bonus cost's share of the salary cost
           (``cost_bonus / cost_labour``, both with on-costs), minus ``max_bonus_share``
service    ``service_level`` target minus the 20th percentile of the service level
toxic      share of the runs that light any of the five toxic signs (0: none lit)
smart      SMART's run-based criteria (Measurable, Achievable, Relevant) failed by a paid
           KPI, each judged on its value averaged over the runs, as ``kpisim compare``
           judges them (:func:`sim.compare.smart.smart_table`)
=========  ==========================================================================

The two percentiles mirror the objectives' robust statistic (the 20th percentile of a
good thing, the 80th of a cost).  The static SMART criteria (Specific, Time-bound) are
checked before a candidate runs and prune it (:mod:`.candidate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..compare.smart import smart_table
from ..config import ConfigError

#: The constraints, in the order of a trial's constraint values.
CONSTRAINTS = ("bonus", "service", "toxic", "smart")
#: The quantile of the runs a cost is judged at (the mirror of the robust statistic).
COST_QUANTILE = 0.80
#: The quantile of the runs the service level is judged at.
SERVICE_QUANTILE = 0.20
#: The constraint values a pruned candidate gets (never run: counted infeasible).
PRUNED = (1.0,) * len(CONSTRAINTS)


@dataclass(frozen=True)
class Limits:
    """The leader's limits.

    ``max_bonus_share``: the bonus cost a candidate may pay, as a share of the salary
    cost (default: the highest on-target ``bonus_share`` of the space, so only pay above
    target can break it); ``service_level``: the share of calls answered within the
    threshold the 20th-percentile run must reach (default: the centre's
    ``channels.service_level_target``); ``toxic`` and ``smart``: enforce those two.
    """

    max_bonus_share: float
    service_level: float
    toxic: bool = True
    smart: bool = True


def check_limits(limits: Limits) -> Limits:
    """The limits, or a one-line :class:`ConfigError` naming the bad one.

    Parameters
    ----------
    limits : Limits
        As given.
    """
    if not 0 < limits.max_bonus_share <= 1:
        raise ConfigError(
            f"max_bonus_share={limits.max_bonus_share:g} is not allowed: the bonus budget "
            "as a share of the salary cost, above 0 and at most 1"
        )
    if not 0 <= limits.service_level <= 1:
        raise ConfigError(
            f"service_level={limits.service_level:g} is not allowed: a share of calls "
            "answered within the threshold, in [0, 1]"
        )
    return limits


def run_fields(summary: dict[str, Any], smart: pd.DataFrame | None) -> dict[str, Any]:
    """What one run contributes to the constraints: its bonus cost share, service
    level, the toxic signs it lit and its SMART rows (JSON-ready).

    Parameters
    ----------
    summary : dict
        The run's summary.
    smart : pandas.DataFrame or None
        The run's :func:`sim.outputs.smart.smart_check` table.
    """
    labour = float(summary.get("cost_labour") or 0.0)
    bonus = float(summary.get("cost_bonus") or 0.0)
    signs = summary.get("toxic_signs") or {}
    rows = [] if smart is None or not len(smart) else smart.to_dict("records")
    return {
        "bonus_cost_share": bonus / labour if labour > 0 else 0.0,
        "service_level": float(summary.get("service_level") or 0.0),
        "signs_lit": sorted(k for k, v in signs.items() if v.get("flag")),
        "smart": [{k: _plain(v) for k, v in r.items()} for r in rows],
    }


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def smart_failures(records: Sequence[dict[str, Any]]) -> list[str]:
    """The run-based SMART criteria the candidate fails (``kpi:letter``), each judged on
    its value averaged over the runs (:func:`sim.compare.smart.smart_table`).

    Parameters
    ----------
    records : sequence of dict
        The candidate's runs (each with its ``smart`` rows).
    """
    results = [{"smart": pd.DataFrame(r.get("smart") or [])} for r in records]
    table = smart_table(results, [("candidate", i) for i in range(len(records))])
    failed = table.loc[~table["passed"].astype(bool)] if len(table) else table
    return [f"{r.kpi}:{r.criterion}" for r in failed.itertuples()]


def constraint_values(records: Sequence[dict[str, Any]], limits: Limits) -> dict[str, float]:
    """The candidate's value of every constraint of :data:`CONSTRAINTS` (<= 0 met).

    Parameters
    ----------
    records : sequence of dict
        The candidate's runs (:func:`run_fields` in each).
    limits : Limits
        The leader's limits; a constraint switched off is 0.
    """
    bonus = np.quantile([r["bonus_cost_share"] for r in records], COST_QUANTILE)
    service = np.quantile([r["service_level"] for r in records], SERVICE_QUANTILE)
    lit = float(np.mean([bool(r["signs_lit"]) for r in records]))
    return {
        "bonus": float(bonus - limits.max_bonus_share),
        "service": float(limits.service_level - service),
        "toxic": lit if limits.toxic else 0.0,
        "smart": float(len(smart_failures(records))) if limits.smart else 0.0,
    }


def feasible(constraints: dict[str, float]) -> bool:
    """Whether every constraint is met (Optuna's rule: each value at or below 0).

    Parameters
    ----------
    constraints : dict
        A candidate's constraint values.
    """
    return all(v <= 0 for v in constraints.values())
