"""Field helpers of the config schema and its one error type (shared by the schema's
modules without a cycle)."""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A user-facing configuration error: one line, no traceback needed."""


def rng_(lo: float | None, hi: float | None, *, doc: str = "") -> dict[str, Any]:
    """Field metadata: the closed range ``[lo, hi]`` a numeric knob must lie in."""
    return {"range": (lo, hi), "doc": doc}


def choice_(*allowed: str) -> dict[str, Any]:
    """Field metadata: the values a string knob may take."""
    return {"choices": allowed}
