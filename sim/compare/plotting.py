"""matplotlib for the report's figures: headless (Agg), one style, PNG bytes out.

matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ..stats import mean_ci

#: Colour of reference lines (zero, the rollout day).
GREY = "#777777"


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the headless backend, with the report's style."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.dpi": 100,
            "svg.hashsalt": "kpisim",
        }
    )
    return plt


def to_png(fig: Any) -> bytes:
    """The figure as PNG bytes (no timestamps or software tag: reproducible); closes it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, drawn at 110 dpi with a tight bounding box.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    pyplot().close(fig)
    return buf.getvalue()


def legend_above(
    fig: Any, handles: list, *, ncols: int, fontsize: float, top: float, y: float
) -> None:
    """Lay the panels out below ``top`` and put one legend for all of them above.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, its panels drawn.
    handles : list of matplotlib artists
        The legend's entries.
    ncols : int
        Legend columns.
    fontsize : float
        Legend font size, points.
    top : float
        Top of the panels' area, as a fraction of the figure's height.
    y : float
        Height of the legend's upper edge, as a fraction of the figure's height.
    """
    fig.tight_layout(rect=(0, 0, 1, top))
    fig.legend(
        handles=handles,
        loc="upper center",
        ncols=ncols,
        frameon=False,
        fontsize=fontsize,
        bbox_to_anchor=(0.5, y),
    )


def mean_bar(values: np.ndarray) -> tuple[float, float]:
    """Mean and half-width of its 95 % interval; a single value gets no error bar (0)."""
    m, h = mean_ci(values)
    return m, (h if np.isfinite(h) else 0.0)
