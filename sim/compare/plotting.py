"""matplotlib for the report's figures: headless (Agg), one style, PNG bytes out.

matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import io
from typing import Any


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
