"""Colours shared by every chart of kpisim (compare report, app, studies)."""

from __future__ import annotations

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: Measured numbers (what the dashboard shows) vs true numbers (what happened).
MEASURED = OKABE_ITO["blue"]
TRUE = OKABE_ITO["vermillion"]
#: Order of colours for series without a fixed meaning (then grey).
CYCLE = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["green"],
    OKABE_ITO["purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
    "#777777",
)
