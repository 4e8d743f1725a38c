"""Definitions side by side: each arm's FCR and CSAT under every definition it can be
measured by, so a change of definition is not read as a change of performance.

When the two arms measure a KPI differently (FCR self-coded vs no repeat within 7 days),
their ``fcr_measured`` values are not comparable.  Every run records the counts behind
each definition, so :func:`definition_values` measures the run under all of them with the
one home of the definitions (:func:`sim.measurement.measured_fcr`); the report shows both
arms under both definitions and says the definitions differ (:func:`differing`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import Config
from ..measurement import (
    CSAT_DEFINITIONS,
    FCR_DEFINITIONS,
    KPIS,
    Definitions,
    measured_fcr,
    ratio,
    window_closed,
)

#: the dashboard row of each KPI with alternative definitions, and its definition metrics
#: (rows of ``comparison.csv``, :data:`~.metrics.METRICS`): FCR under each definition
#: whatever the arm pays on, and CSAT by the random relationship survey, which runs in
#: every arm (the agent-offered survey exists only where the scheme has agents offer it:
#: that arm's ``csat_survey``)
ROWS = {
    "fcr": ("fcr_measured", tuple(f"fcr_measured_as_{d}" for d in FCR_DEFINITIONS)),
    "csat": ("csat_survey", ("csat_measured_as_random_sample",)),
}


def definition_values(daily: pd.DataFrame) -> dict[str, float]:
    """A run's FCR under each definition, its random-survey CSAT and its audit quality
    score (the paid ``quality`` KPI), from the run's counts: FCR over the days whose
    feedback window closed in the run, as the summary's ``fcr_measured`` is.

    Parameters
    ----------
    daily : pandas.DataFrame
        The run's daily table (``coded_resolved``, ``repeats_7d``, ``answered_owned``,
        ``rnd_top2``, ``rnd_surveys``, ``detected``, ``audited``; a missing column
        gives NaN).
    """
    tot = _totals(daily)
    last = int(daily["day"].max()) if "day" in daily and len(daily) else 0
    out = {}
    for d in FCR_DEFINITIONS:
        # over the days whose feedback window closed in the run, as the summary's
        # fcr_measured is (right-censoring, sim.measurement.window_closed)
        closed = _totals(daily[window_closed(daily["day"], last, d)]) if "day" in daily else tot
        out[f"fcr_measured_as_{d}"] = float(
            measured_fcr(
                closed["coded_resolved"], closed["repeats_7d"], closed["answered_owned"], d, ratio
            )
        )
    out["csat_measured_as_random_sample"] = ratio(tot["rnd_top2"], tot["rnd_surveys"])
    # the paid audit-quality KPI over the whole run (no summary key of its own), by its
    # registry measure on the run's totals; 1 when nothing was audited, as per employee
    quality = KPIS["quality"].measure(
        {"detected": np.array([tot["detected"]]), "audited": np.array([tot["audited"]])},
        Definitions(fcr=FCR_DEFINITIONS[0], csat=CSAT_DEFINITIONS[0]),
    )
    out["quality_score"] = float(quality[0])
    return out


_COLUMNS = (
    "coded_resolved",
    "repeats_7d",
    "answered_owned",
    "rnd_top2",
    "rnd_surveys",
    "detected",
    "audited",
)


def _totals(daily: pd.DataFrame) -> dict[str, float]:
    """The counts of :data:`_COLUMNS` summed over ``daily``'s rows (NaN where a column is
    missing)."""
    return {c: float(daily[c].sum()) if c in daily else float("nan") for c in _COLUMNS}


def arm_definition(cfg: Config, kpi: str) -> str:
    """The definition an arm's dashboard reports ``kpi`` (``fcr``/``csat``) by: its
    scheme's at the end of the run (the proposal's once it is rolled out), as the
    summary's ``fcr_measured`` and ``csat_survey`` are.

    Parameters
    ----------
    cfg : Config
        The arm's config.
    kpi : str
        ``fcr`` or ``csat``.
    """
    scheme = cfg.proposal if cfg.proposal is not None else cfg.scheme
    return getattr(scheme.kpis, kpi).definition


def differing(cur: Config, pro: Config) -> dict[str, tuple[str, str]]:
    """The KPIs whose definition differs between the arms: ``{kpi: (current's,
    proposal's)}``.

    Parameters
    ----------
    cur, pro : Config
        The current and the proposal arm's configs.
    """
    out = {}
    for kpi in ROWS:
        a, b = arm_definition(cur, kpi), arm_definition(pro, kpi)
        if a != b:
            out[kpi] = (a, b)
    return out
