"""Field helpers of the config schema and its one error type (shared by the schema's
modules without a cycle).

A schema field declares what it accepts in its ``metadata``, read by ``validate.py``
(and by ``sim.compare.uncertainty`` for ranges):
``field(default=0.3, metadata=within(0.0, 1.0))`` or
``field(default="on_top", metadata=one_of("on_top", "from_base"))``.
"""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A user-facing configuration error: one line, no traceback needed."""


def within(lo: float | None, hi: float | None) -> dict[str, Any]:
    """Field metadata: a numeric knob must lie in the closed range ``[lo, hi]``.

    Parameters
    ----------
    lo, hi : float or None
        Lowest and highest allowed value, in the knob's own unit; None = unbounded
        on that side.
    """
    return {"range": (lo, hi)}


def one_of(*allowed: object) -> dict[str, Any]:
    """Field metadata: the values a knob may take (strings, or numbers such as the
    planning interval's minutes).

    Parameters
    ----------
    *allowed : str or int
        Every allowed value, in the order the error message lists them.
    """
    return {"choices": allowed}
