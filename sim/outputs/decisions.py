"""The managers' decisions of a run: a table and the summary keys (docs/reference.md).

Each decision (``model.decisions``, ``sim/model/management.py``) was taken on the
dashboard; its row also carries the true value of the quantity that triggered it, for
diagnosis only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from ..model import ContactCentreModel

#: Columns of the decisions table, in order (``kpi``: the KPI a redesign or a target
#: change touched, else empty).
DECISION_COLUMNS = (
    "day",
    "detected_day",
    "action",
    "reason",
    "metric",
    "limit",
    "measured",
    "true",
    "kpi",
)


def decisions_frame(model: ContactCentreModel) -> pd.DataFrame:
    """One row per decision put into force, in the order they took effect.

    Parameters
    ----------
    model : ContactCentreModel
        The model after its run (its log ``model.decisions``).
    """
    rows = [{"kpi": "", **r} for r in model.decisions]
    return pd.DataFrame(rows, columns=list(DECISION_COLUMNS))


def management_summary(model: ContactCentreModel, daily: pd.DataFrame) -> dict[str, Any]:
    """Summary keys of the management sub-model.

    ``manager_decisions`` (decisions put into force, coaching rounds counted once each),
    ``phone_one_click_day`` (the day the number moved one click away, -1 if it never
    did), ``phone_visibility_end`` (the level in force at the end), ``manager_replans``,
    ``manager_redesigns``, ``manager_target_changes``, ``coaching_sessions`` (agents
    coached) and ``coaching_hours`` (hours they spent off the phones for it).

    Parameters
    ----------
    model : ContactCentreModel
        The finished model (its decision log and visibility level).
    daily : pandas.DataFrame
        The run's daily table (coaching sessions and seconds per day).
    """
    dec = model.decisions
    actions = [r["action"] for r in dec]
    one_click = [r["day"] for r in dec if r["action"] == "phone_one_click"]
    col = daily.get("coaching_sessions")
    hours = daily.get("coaching_s")
    return {
        "manager_decisions": len(dec),
        "phone_one_click_day": int(one_click[0]) if one_click else -1,
        "phone_visibility_end": model.phone_visibility,
        "manager_replans": actions.count("replan"),
        "manager_redesigns": actions.count("redesign"),
        "manager_target_changes": actions.count("raise_target") + actions.count("relax_target"),
        "coaching_sessions": int(col.fillna(0).sum()) if col is not None else 0,
        "coaching_hours": float(hours.fillna(0).sum()) / 3600.0 if hours is not None else 0.0,
    }
