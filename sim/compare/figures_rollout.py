"""The report's rollout figure (PNG bytes): weekly KPIs of both arms around the rollout,
each the mean over replications with its 95 % band; dashboard lines solid, true ones
dashed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .names import ARM_COLOUR
from .outcome import Outcome
from .plotting import GREY, legend_above, mean_bar
from .plotting import pyplot as _plt
from .plotting import to_png as _png
from .verdict_money import currency_of

#: panels of the rollout figure: (title, unit, [(series, line style, tag)], scale)
ROLLOUT_PANELS = [
    ("Average handle time (dashboard)", "seconds", [("aht_s", "-", "")], 1.0),
    (
        "First-contact resolution",
        "%",
        [("fcr_measured", "-", "measured"), ("fcr_true", "--", "true")],
        100.0,
    ),
    (
        "Customer satisfaction",
        "% top-2 box",
        [("csat_survey", "-", "survey"), ("csat_true", "--", "true")],
        100.0,
    ),
    ("Calls with a gaming act", "% of answered calls", [("gaming_rate", "-", "")], 100.0),
    ("Profit per working day", "thousand {currency}", [("profit_daily", "-", "")], 1e-3),
    ("Employee morale", "mean morale (0-1)", [("morale", "-", "")], 1.0),
]


def _band(
    ax: Any, series: pd.DataFrame, arm: str, col: str, ls: str, scale: float, label: str
) -> None:
    """One arm's weekly mean of ``col`` over replications, with its 95 % band.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    series : pandas.DataFrame
        ``timeseries.csv``: one row per arm, replication and week (``day`` its first day).
    arm : str
        ``current`` or ``proposal`` (its colour).
    col : str
        The weekly metric drawn.
    ls : str
        Line style (``-`` or ``--``).
    scale : float
        Factor applied to the mean and its band (100: a share shown in percent).
    label : str
        Legend label of the line.
    """
    sub = series[series["arm"] == arm]
    stats_ = sub.groupby("day")[col].apply(lambda v: mean_bar(v.to_numpy()))
    days = np.array(stats_.index)
    m = np.array([a for a, _ in stats_]) * scale
    h = np.array([b for _, b in stats_]) * scale
    ax.plot(days, m, ls, color=ARM_COLOUR[arm], lw=1.6, label=label)
    ax.fill_between(days, m - h, m + h, color=ARM_COLOUR[arm], alpha=0.18, lw=0)


def fig_rollout(o: Outcome, names: dict[str, str]) -> bytes:
    """Weekly KPIs around the rollout: mean over replications with 95 % bands.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its weekly series and rollout day).
    names : dict of str to str
        The arms' display names.
    """
    plt = _plt()
    from matplotlib.lines import Line2D

    R = o.plan.args.rollout_day
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
    for ax, (title, unit, lines, scale) in zip(axes.flat, ROLLOUT_PANELS, strict=True):
        for arm in ("current", "proposal"):
            for col, ls, tag in lines:
                _band(ax, o.series, arm, col, ls, scale, names[arm] + (f" – {tag}" if tag else ""))
        ax.axvline(R, color=GREY, ls=":", lw=1.2)
        ax.annotate(
            "rollout",
            (R, 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=8,
            color="#444",
            ha="left",
            va="top",
            xytext=(3, 0),
            textcoords="offset points",
        )
        ax.set_title(title)
        ax.set_ylabel(unit.format(currency=currency_of(o)))
    for ax in axes[1]:
        ax.set_xlabel("working day (weekly values)")
    handles = [
        Line2D([], [], color=ARM_COLOUR["current"], lw=2, label=names["current"]),
        Line2D([], [], color=ARM_COLOUR["proposal"], lw=2, label=names["proposal"]),
        Line2D([], [], color="#333", lw=1.5, ls="-", label="measured (dashboard)"),
        Line2D([], [], color="#333", lw=1.5, ls="--", label="true"),
    ]
    fig.suptitle(
        f"Around the rollout on day {R}: mean of {o.plan.args.replications} replications, "
        "shaded band = 95% CI of the mean; the arms coincide until the rollout",
        fontsize=10,
    )
    legend_above(fig, handles, ncols=4, fontsize=9, top=0.93, y=0.965)
    return _png(fig)
