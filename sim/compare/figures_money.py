"""The report's money-bridge waterfall and its staffing-by-interval figure (PNG bytes).

Colours from :mod:`sim.palette` (Okabe-Ito): in the waterfall green raises value,
vermillion lowers it, blue is the change in profit and in value; whiskers are the 95 %
t-intervals of the paired differences.  In the interval view colour tells the series
apart and line style the arm (solid: current, dashed: proposal).
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from ..palette import OKABE_ITO
from .outcome import Outcome
from .plotting import GREY, legend_above, pyplot, to_png

UP, DOWN, NET = OKABE_ITO["green"], OKABE_ITO["vermillion"], OKABE_ITO["blue"]
#: interval view: (column, label, colour, draw as steps)
INTERVAL_SERIES = (
    ("scheduled", "scheduled by the plan (with shrinkage)", OKABE_ITO["sky_blue"], True),
    ("required_plan", "needed as the plan believed (dashboard AHT)", OKABE_ITO["purple"], True),
    ("on_phones", "really on the phones", OKABE_ITO["black"], False),
    ("needed_true", "truly needed (true workload)", OKABE_ITO["vermillion"], True),
)
ARM_STYLE = {"current": "-", "proposal": "--"}


def _scale(values: np.ndarray, currency: str) -> tuple[float, str]:
    big = np.nanmax(np.abs(values)) if len(values) and np.isfinite(values).any() else 0.0
    return (1e-3, f"thousand {currency}") if big >= 1e4 else (1.0, currency)


def _whisker(ax: Any, i: int, top: float, r: Any, sc: float) -> None:
    """The 95 % interval of a bar ending at ``top`` (already scaled by ``sc``).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The waterfall's axes.
    i : int
        The bar's position on the x axis.
    top : float
        Where the bar ends, in the plotted unit.
    r : pandas.Series
        The bridge row (``difference``, ``ci_low``, ``ci_high``, currency units).
    sc : float
        Plotted units per currency unit.
    """
    if np.isfinite(r["ci_low"]) and np.isfinite(r["ci_high"]):
        v = float(np.nan_to_num(r["difference"])) * sc
        lo, hi = top - (v - r["ci_low"] * sc), top + (r["ci_high"] * sc - v)
        ax.errorbar(i, top, yerr=[[top - lo], [hi - top]], color="#222", capsize=4, lw=1)


def fig_bridge(o: Outcome) -> bytes:
    """Waterfall from 0 to the change in value: the margin from customers kept and won,
    the change in customer equity beside it, the cost lines, then the change in value;
    last, from 0, the change in profit for reference (value without customer equity).

    Parameters
    ----------
    o : Outcome
        The finished comparison (its money bridge).
    """
    plt = pyplot()
    b = o.bridge.reset_index(drop=True)
    currency = o.plan.cfg_current.economics.currency
    sc, unit = _scale(b["difference"].to_numpy(dtype=float), currency)
    fig, ax = plt.subplots(figsize=(12, 4.4))
    cum = 0.0
    for i, (_, r) in enumerate(b.iterrows()):
        v = float(np.nan_to_num(r["difference"])) * sc
        if r["kind"] == "item":
            ax.bar(i, v, bottom=cum, color=UP if v >= 0 else DOWN, width=0.7, edgecolor="white")
            _whisker(ax, i, cum + v, r, sc)
            ax.plot([i + 0.35, i + 0.65], [cum + v] * 2, color=GREY, lw=0.8)
            cum += v
        else:  # the change in profit (subtotal) or in value (total), from 0
            ax.bar(i, v, color=NET, width=0.7, edgecolor="white")
            _whisker(ax, i, v, r, sc)
            ax.plot([i + 0.35, i + 0.65], [v] * 2, color=GREY, lw=0.8)
    ax.axhline(0, color=GREY, lw=1)
    labels = [textwrap.fill(str(lab), 14) for lab in b["label"]]
    ax.set_xticks(range(len(b)), labels, fontsize=8)
    ax.set_ylabel(f"proposal minus current ({unit})")
    ax.set_title(
        "Money bridge: what moves value (green raises it, vermillion lowers it; blue: the "
        "changes in profit and in value; whiskers: 95% CI)",
        fontsize=10,
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
