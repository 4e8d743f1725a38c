"""How gaming is spread across employees, not only its mean (summary keys).

Over the late window (the last ``LATE_PERIODS`` pay periods of the employee table), for
every employee who handled contacts in it: its gaming act rate (acts / contacts) and
whether it committed any gaming act at all.  ``never_gaming_share`` is the share with
none; ``never_game_type_share`` the share of the never-gaming type
(``sim/model/fairness.py``), which bounds it from below; ``gaming_rate_p50`` and
``gaming_rate_p90`` are the median and the 90th percentile of the per-employee rates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Pay periods at the end of the run that make the late window.
LATE_PERIODS = 3
#: The summary keys of :func:`gaming_spread`.
SPREAD_KEYS = ("never_gaming_share", "never_game_type_share", "gaming_rate_p50", "gaming_rate_p90")


def gaming_spread(emp: pd.DataFrame) -> dict[str, float]:
    """The spread of gaming across employees over the late window (NaN without data).

    Parameters
    ----------
    emp : pandas.DataFrame
        The run's employee table (``period``, ``employee_id``, ``contacts``,
        ``gaming_act_rate`` and ``type`` are read).
    """
    out = dict.fromkeys(SPREAD_KEYS, float("nan"))
    if emp.empty or "gaming_act_rate" not in emp:
        return out
    late = emp[emp["period"] > int(emp["period"].max()) - LATE_PERIODS]
    late = late.assign(acts=late["gaming_act_rate"] * late["contacts"])
    per = late.groupby("employee_id").agg(acts=("acts", "sum"), contacts=("contacts", "sum"))
    per = per[per["contacts"] > 0]
    if per.empty:
        return out
    rate = per["acts"] / per["contacts"]
    out["never_gaming_share"] = float((per["acts"] < 0.5).mean())
    if "type" in late:
        kind = late.groupby("employee_id")["type"].last().reindex(per.index)
        out["never_game_type_share"] = float((kind == "never_games").mean())
    out["gaming_rate_p50"] = float(np.percentile(rate, 50))
    out["gaming_rate_p90"] = float(np.percentile(rate, 90))
    return out
