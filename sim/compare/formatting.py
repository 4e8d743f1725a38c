"""Numbers as the report prints them: levels and signed differences in their unit.

Units are the ``unit`` column of ``comparison.csv``: shares print as percent (differences
as percentage points), seconds as ``s``, counts and currency with thousands separators.
A missing value prints as ``–``.
"""

from __future__ import annotations

import numpy as np

#: units of shares (0-1), printed in percent
SHARE_UNITS = ("share", "share/year", "share of runs")
#: units of counts, printed as whole numbers
COUNT_UNITS = ("contacts", "calls", "sessions", "customers")
#: units of scores and indices, printed with three decimals
SCORE_UNITS = ("0-1", "value", "score", "score 1-5")


def unit_kind(unit: str) -> str:
    """How a unit prints: ``share``, ``seconds``, ``whole`` (currency and counts),
    ``score`` or ``other``.

    Parameters
    ----------
    unit : str
        A unit of the ``unit`` column of ``comparison.csv``.
    """
    if unit in SHARE_UNITS:
        return "share"
    if unit == "s":
        return "seconds"
    if unit.startswith("currency") or unit in COUNT_UNITS:
        return "whole"
    return "score" if unit in SCORE_UNITS else "other"


#: Per kind of unit: how a level prints and how a signed difference prints.
_FORMATS = {
    "share": (lambda x: f"{100 * x:.1f}%", lambda x: f"{100 * x:+.1f} pts"),
    "seconds": (lambda x: f"{x:,.0f} s", lambda x: f"{x:+,.1f} s"),
    "whole": (lambda x: f"{x:,.0f}", lambda x: f"{x:+,.0f}"),
    "score": (lambda x: f"{x:.3f}", lambda x: f"{x:+.3f}"),
    "other": (lambda x: f"{x:,.1f}", lambda x: f"{x:+,.2f}"),
}


def fmt_value(x: float, unit: str) -> str:
    """A level in its unit, e.g. ``70.3%``, ``402 s``, ``233,809,557``; ``–`` when missing.

    Parameters
    ----------
    x : float
        The value, in its unit (a share in [0, 1], seconds, currency units, a count ...).
    unit : str
        Its unit, the ``unit`` column of ``comparison.csv``.
    """
    if x is None or not np.isfinite(x):
        return "–"
    return _FORMATS[unit_kind(unit)][0](x)


def fmt_diff(x: float, unit: str) -> str:
    """A difference in its unit, signed: ``+2.1 pts``, ``-35 s``, ``+1,234``; ``–`` when
    missing.

    Parameters
    ----------
    x : float
        The difference, in its unit (shares: a difference of shares, printed in points).
    unit : str
        Its unit, the ``unit`` column of ``comparison.csv``.
    """
    if x is None or not np.isfinite(x):
        return "–"
    return _FORMATS[unit_kind(unit)][1](x)


def fmt_ci(lo: float, hi: float, unit: str) -> str:
    """A 95 % interval of a difference: ``[-1.2 pts, +0.4 pts]``; ``–`` when either end is
    missing.

    Parameters
    ----------
    lo, hi : float
        The interval's ends, in the unit.
    unit : str
        The unit, as for :func:`fmt_diff`.
    """
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "–"
    return f"[{fmt_diff(lo, unit)}, {fmt_diff(hi, unit)}]"


def pct(x: float) -> str:
    """A share (0-1) as a whole percent: ``73%``.

    Parameters
    ----------
    x : float
        A share in [0, 1].
    """
    return "–" if not np.isfinite(x) else f"{100 * x:.0f}%"


def fmt_corr(x: float) -> str:
    """A correlation (-1 to 1), signed, two decimals.

    Parameters
    ----------
    x : float
        The correlation, in [-1, 1].
    """
    return "–" if x is None or not np.isfinite(x) else f"{x:+.2f}"
