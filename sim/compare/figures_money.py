"""The report's money-bridge waterfall and its staffing-by-interval figure (PNG bytes).

Colours from :mod:`sim.palette` (Okabe-Ito): in the waterfall green raises profit,
vermillion lowers it, blue is the net change; whiskers are the 95 % t-intervals of the
paired differences.  In the interval view colour tells the series apart and line style
the arm (solid: current, dashed: proposal).
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from ..palette import OKABE_ITO
from .outcome import Outcome
from .plotting import legend_above, pyplot, to_png

UP, DOWN, NET = OKABE_ITO["green"], OKABE_ITO["vermillion"], OKABE_ITO["blue"]
GREY = "#777777"
#: interval view: (column, label, colour, draw as steps)
INTERVAL_SERIES = (
    ("scheduled", "scheduled by the plan (with shrinkage)", OKABE_ITO["sky_blue"], True),
    ("required_plan", "needed as the plan believed (dashboard AHT)", OKABE_ITO["purple"], True),
    ("on_phones", "really on the phones", OKABE_ITO["black"], False),
    ("needed_true", "truly needed (true workload)", OKABE_ITO["vermillion"], True),
)
ARM_STYLE = {"current": "-", "proposal": "--"}


def _scale(values: np.ndarray) -> tuple[float, str]:
    big = np.nanmax(np.abs(values)) if len(values) and np.isfinite(values).any() else 0.0
    return (1e-3, "thousand currency units") if big >= 1e4 else (1.0, "currency units")


def fig_bridge(o: Outcome) -> bytes:
    """Waterfall from 0 to the change in profit: one bar per bridge item, then the net.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its money bridge).
    """
    plt = pyplot()
    b = o.bridge
    items, total = b[b["kind"] == "item"], b[b["kind"] == "total"].iloc[0]
    d = items["difference"].fillna(0).to_numpy()
    sc, unit = _scale(np.append(d, total["difference"]))
    fig, ax = plt.subplots(figsize=(11, 4.2))
    cum = 0.0
    for i, (_, r) in enumerate(items.iterrows()):
        v = float(np.nan_to_num(r["difference"])) * sc
        ax.bar(i, v, bottom=cum, color=UP if v >= 0 else DOWN, width=0.7, edgecolor="white")
        if np.isfinite(r["ci_low"]):
            ax.errorbar(
                i,
                cum + v,
                yerr=[[v - r["ci_low"] * sc], [r["ci_high"] * sc - v]],
                color="#222",
                capsize=4,
                lw=1,
            )
        ax.plot([i + 0.35, i + 0.65], [cum + v] * 2, color=GREY, lw=0.8)
        cum += v
    n = len(items)
    t = float(np.nan_to_num(total["difference"])) * sc
    ax.bar(n, t, color=NET, width=0.7, edgecolor="white")
    if np.isfinite(total["ci_low"]):
        ax.errorbar(
            n,
            t,
            yerr=[[t - total["ci_low"] * sc], [total["ci_high"] * sc - t]],
            color="#222",
            capsize=4,
            lw=1,
        )
    ax.axhline(0, color=GREY, lw=1)
    labels = [textwrap.fill(lab, 16) for lab in items["label"]]
    ax.set_xticks(range(n + 1), [*labels, "Change in\nprofit"], fontsize=8.5)
    ax.set_ylabel(f"proposal minus current ({unit})")
    ax.set_title(
        "Money bridge: what moves profit (green raises it, vermillion lowers it; whiskers: 95% CI)"
    )
    return to_png(fig)


def _x(sub: Any) -> np.ndarray:
    return sub["start_s"].to_numpy() / 3600.0


def fig_intervals(o: Outcome, names: dict[str, str]) -> bytes:
    """Agents by interval of the day, front line and specialist team, both arms
    (replication 0; means over the run's last days).

    Parameters
    ----------
    o : Outcome
        The finished comparison (its staffing by interval).
    names : dict of str to str
        The arms' display names.
    """
    plt = pyplot()
    from matplotlib.lines import Line2D

    iv = o.intervals
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
    for ax, team, title in zip(
        axes, ("front", "specialist"), ("Front line", "Specialist team"), strict=True
    ):
        for arm, ls in ARM_STYLE.items():
            sub = iv[(iv["arm"] == arm) & (iv["team"] == team)]
            if sub.empty:
                continue
            x = _x(sub)
            w = float(x[1] - x[0]) if len(x) > 1 else 0.5
            for col, _, colour, steps in INTERVAL_SERIES:
                y = sub[col].to_numpy(dtype=float)
                if steps:
                    ax.step(
                        np.append(x, x[-1] + w),
                        np.append(y, y[-1]),
                        where="post",
                        color=colour,
                        ls=ls,
                        lw=1.5,
                    )
                else:
                    ax.plot(x + w / 2, y, color=colour, ls=ls, lw=1.5, marker=".", ms=4)
        ax.set_title(title)
        ax.set_xlabel("hours since opening")
        ax.set_ylabel("agents")
        ax.set_ylim(bottom=0)
    handles = [Line2D([], [], color=c, lw=2, label=lab) for _, lab, c, _ in INTERVAL_SERIES]
    handles += [
        Line2D([], [], color="#333", ls=ls, lw=1.5, label=names[arm])
        for arm, ls in ARM_STYLE.items()
    ]
    legend_above(fig, handles, ncols=3, fontsize=8.5, top=0.86, y=1.0)
    return to_png(fig)
