"""What a design maximises: the objectives of ``objective=value`` and of
``objective=dashboard``, one run's record of them, and the robust statistic over runs.

``objective=value`` (the default) maximises what happens: money (the summary's
``value`` = profit + the change in customer equity), the customers' true outcome
(:data:`TRUE_OUTCOME_KEY`) and staff (:data:`STAFF_KEY`).

``objective=dashboard`` maximises what a manager reads on the dashboard instead: the
:func:`dashboard_score` of the measured KPIs (the Goodhart demonstration: a search that
tunes the dashboard), the surveyed CSAT in place of the true outcome (the survey is what
a manager sees of the customers), and the same staff morale (the staff survey).

Every run records every objective of both sets, so that the page can put the two
winners side by side on true outcomes and value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..measurement import KPIS

#: The objectives of each ``objective=`` setting, in the order of a trial's values; each
#: is maximised.
OBJECTIVE_SETS: dict[str, tuple[str, ...]] = {
    "value": ("value", "true_outcome", "staff"),
    "dashboard": ("dashboard", "survey", "staff"),
}
#: The objectives of ``objective=value`` (the default).
OBJECTIVES = OBJECTIVE_SETS["value"]
#: The summary key of the customers' true outcome (true CSAT: the driver of loyalty).
TRUE_OUTCOME_KEY = "csat_true"
#: The summary key of the staff objective (mean morale, in [0, 1]).
STAFF_KEY = "employee_satisfaction"
#: The summary key of the surveyed CSAT (what the dashboard shows of the customers).
SURVEY_KEY = "csat_survey"
#: The measured KPIs of the dashboard score: registry name -> the summary key of its
#: centre-wide measured value.  These are the registry's paid KPIs that the summary
#: measures centre-wide (``web_deflection`` and ``quality`` are per agent only).
DASHBOARD_KPIS: dict[str, str] = {
    "aht": "aht_s",
    "fcr": "fcr_measured",
    "csat": "csat_survey",
    "transfer": "transfer_rate",
}
#: The robust statistic's quantile: the 20th percentile over the runs (seeds x worlds),
#: a bad-but-plausible case rather than the mean.
ROBUST_QUANTILE = 0.20


def dashboard_score(summary: dict[str, Any]) -> float:
    """How good the dashboard looks: the mean over :data:`DASHBOARD_KPIS` of each
    measured KPI's place between the company's standard threshold (0) and target (1),
    ``(x - threshold) / (target - threshold)``, with the threshold and target of the
    registry's default scheme (``KPI.scheme_default``; their order carries the KPI's
    direction, so lower-is-better KPIs score higher when lower).  Unitless; a KPI the
    run could not measure (no calls, no surveys) is left out.

    Parameters
    ----------
    summary : dict
        A run's summary.
    """
    scores = []
    for name, key in DASHBOARD_KPIS.items():
        x = summary.get(key)
        if x is None or not np.isfinite(float(x)):
            continue
        d = KPIS[name].scheme_default
        lo, target = float(d["threshold"]), float(d["target"])
        scores.append((float(x) - lo) / (target - lo))
    return float(np.mean(scores)) if scores else float("nan")


def objective_record(summary: dict[str, Any]) -> dict[str, float]:
    """A run's value of every objective of every set of :data:`OBJECTIVE_SETS`.

    Parameters
    ----------
    summary : dict
        A run's summary.
    """
    return {
        "value": float(summary["value"]),
        "true_outcome": float(summary[TRUE_OUTCOME_KEY]),
        "staff": float(summary[STAFF_KEY]),
        "dashboard": dashboard_score(summary),
        "survey": float(summary.get(SURVEY_KEY) or float("nan")),
    }


def robust_statistic(values: Sequence[float]) -> float:
    """The robust statistic of an objective over a candidate's runs: the
    :data:`ROBUST_QUANTILE` quantile (numpy's linear interpolation between order
    statistics; one run: its value; runs where it could not be measured are left out).

    Parameters
    ----------
    values : sequence of float
        The objective's value in each run (seeds x worlds).
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.quantile(x, ROBUST_QUANTILE)) if len(x) else float("nan")
