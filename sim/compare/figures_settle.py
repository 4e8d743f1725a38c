"""The report's settling figure (PNG bytes): the daily series that decide whether each arm
has settled — morale, handle time and headcount, means over the replications — with the
rollout day and the criterion's windows marked (:mod:`sim.compare.settle`).
"""

from __future__ import annotations

from .names import ARM_COLOUR
from .outcome import Outcome
from .plotting import GREY, legend_above, pyplot, to_png
from .settle import SETTLE_LABELS

SHADE = "#dddddd"


def fig_settle(o: Outcome, names: dict[str, str]) -> bytes:
    """Morale, handle time and headcount per arm and day, the rollout day as a dotted line,
    the window before it and the last window shaded.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its settle report).
    names : dict of str to str
        The arms' display names.
    """
    plt = pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    s = o.settle
    assert s is not None  # drawn only when the comparison has a settle report
    days = int(s.daily["day"].max()) + 1
    R, W = s.rollout_day, s.window
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharex=True)
    for ax, (col, (label, unit)) in zip(axes, SETTLE_LABELS.items(), strict=True):
        if R >= W:
            ax.axvspan(R - W, R, color=SHADE, lw=0)
        ax.axvspan(max(0, days - W), days, color=SHADE, lw=0)
        for arm in ("current", "proposal"):
            d = s.daily[s.daily["arm"] == arm]
            ax.plot(
                d["day"],
                d[col],
                color=ARM_COLOUR[arm],
                lw=1.3,
                ls="-" if arm == "current" else "--",
            )
        ax.axvline(R, color=GREY, ls=":", lw=1.2)
        ax.set_title(label)
        ax.set_ylabel(unit)
        ax.set_xlabel("working day")
    handles = [
        Line2D([], [], color=ARM_COLOUR["current"], lw=2, label=names["current"]),
        Line2D([], [], color=ARM_COLOUR["proposal"], lw=2, ls="--", label=names["proposal"]),
        Line2D([], [], color=GREY, ls=":", lw=1.2, label=f"rollout (day {R})"),
        Patch(color=SHADE, label=f"windows the criterion reads ({W} days)"),
    ]
    legend_above(fig, handles, ncols=4, fontsize=9, top=0.86, y=0.99)
    return to_png(fig)
