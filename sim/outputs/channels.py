"""The channel story of a run: the phone-visibility level day by day, how many
customers knew where the number was, searches for it and give-ups (summary keys in
docs/reference.md, "Channels")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..measurement import ratio

if TYPE_CHECKING:
    from ..model import ContactCentreModel

#: The phone-visibility levels, most visible first (``sim.model.web.LEVELS``).
VISIBILITY_LEVELS = ("visible", "one_click", "hidden")


def _total(daily: pd.DataFrame, col: str) -> float:
    return float(daily[col].fillna(0).sum()) if col in daily else 0.0


def channel_summary(model: ContactCentreModel, daily: pd.DataFrame) -> dict[str, Any]:
    """Summary keys of the channel story, from the daily table's counts.

    Parameters
    ----------
    model : ContactCentreModel
        The finished model (the visibility level in force, the customers' memory of the
        number).
    daily : pandas.DataFrame
        The run's daily table (:func:`~sim.outputs.tables.daily_frame`).
    """
    s: dict[str, Any] = {"phone_visibility": model.phone_visibility}
    levels = daily["phone_visibility"] if "phone_visibility" in daily else pd.Series(dtype=str)
    for level in VISIBILITY_LEVELS:
        s[f"days_phone_{level}"] = int((levels == level).sum())
    give_ups = _total(daily, "give_ups")
    s["give_ups"] = int(give_ups)
    s["give_up_rate"] = ratio(give_ups, _total(daily, "web_sessions"))
    s["number_searches"] = int(_total(daily, "number_searches"))
    s["number_search_success"] = ratio(_total(daily, "number_found"), s["number_searches"])
    c = model.customers
    missed = c.number_missed_day[: c.n_start] >= 0
    s["customers_missed_number_share"] = float(missed.mean()) if c.n_start else float("nan")
    known = daily["number_known_share"].dropna() if "number_known_share" in daily else None
    have = known is not None and len(known) > 0
    s["number_known_share"] = float(known.mean()) if have else float("nan")
    s["number_known_share_end"] = float(known.iloc[-1]) if have else float("nan")
    return s
