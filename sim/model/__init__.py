"""The model: one file per entity or sub-model of the ODD description (docs/ODD.md).

``centre.py`` holds :class:`ContactCentreModel` and the day's schedule; the other
modules are its sub-models (see docs/architecture.md for the map).
"""

from __future__ import annotations

from .centre import ContactCentreModel

__all__ = ["ContactCentreModel"]
