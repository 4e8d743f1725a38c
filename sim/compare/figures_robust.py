"""The report's robust figure (PNG bytes): the value difference in each sampled world,
sorted, and what it hinges on (each uncertain parameter's partial rank correlation with
it, or the plain rank correlation with too few worlds)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..palette import OKABE_ITO
from ..stats import drivers
from .formatting import pct
from .names import param_label
from .outcome import Outcome
from .plotting import GREY
from .plotting import pyplot as _plt
from .plotting import to_png as _png
from .tables import hinge_measure
from .verdict_money import currency_of

GREEN, VERMILION = OKABE_ITO["green"], OKABE_ITO["vermillion"]
SKY, PINK = OKABE_ITO["sky_blue"], OKABE_ITO["purple"]


def _legend(ax: Any, labels: dict[str, str], **where: Any) -> None:
    """A frameless legend of colour patches (``labels``: colour -> text) on ``ax``."""
    from matplotlib.patches import Patch  # matplotlib loads only when a figure is drawn

    handles = [Patch(color=c, label=t) for c, t in labels.items()]
    ax.legend(handles=handles, frameon=False, fontsize=8, **({"loc": "best"} | where))


def fig_robust(o: Outcome) -> bytes:
    """Value difference (profit + change in customer equity) across sampled worlds, and
    what it hinges on.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its robust worlds and sensitivities).
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [1, 1.3]})
    d = o.robust["diff_value"].to_numpy() / 1e3
    ax = axes[0]
    order = np.sort(d)
    colors = [GREEN if v > 0 else VERMILION for v in order]
    ax.bar(np.arange(len(order)), order, color=colors, width=0.85)
    ax.axhline(0, color=GREY, lw=1)
    ax.set_xlabel("sampled world (sorted)")
    ax.set_ylabel(f"value difference (thousand {currency_of(o)})")
    share = o.shares.get("value", float("nan"))
    ax.set_title(f"Value, proposal - current: proposal ahead in {pct(share)} of worlds")
    _legend(ax, {GREEN: "proposal creates more value", VERMILION: "current creates more value"})
    ax = axes[1]
    col, what = hinge_measure(o.sens)
    sens = o.sens.head(10)
    vals = sens[col].fillna(0).to_numpy() if col else np.zeros(len(sens))
    y = np.arange(len(sens))[::-1]
    labels = [param_label(p) for p in sens["parameter"]]
    ax.barh(y, vals, color=[SKY if v >= 0 else PINK for v in vals], edgecolor="white")
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.axvline(0, color=GREY, lw=1)
    ax.set_xlim(-1, 1)
    ax.set_xlabel(f"{what} with the value difference (-1 to 1)")
    named = not drivers(o.sens, len(o.robust), len(o.plan.uncertainty))[0].empty
    ax.set_title(  # the same rule as the verdict's (sim.stats.drivers)
        "What the value verdict hinges on" if named else "No driver can be named (see the note)"
    )
    _legend(
        ax,
        {SKY: "higher value favours the proposal", PINK: "higher value favours the current scheme"},
        loc="upper center",
        ncols=2,
        bbox_to_anchor=(0.5, -0.16),
    )
    fig.tight_layout()
    return _png(fig)
