"""Run outputs: tables and summary (``tables``), the five toxic-KPI signs (``signs``),
staffing by interval
(``intervals``), a finished run (``result``) and atomic file writing (``files``)."""

from __future__ import annotations

from .files import atomic_write, atomic_write_bytes, atomic_write_parquet, atomic_write_text
from .intervals import intervals_frame
from .result import RunResult
from .signs import SIGNS, toxic_signs
from .tables import COUNT_COLUMNS, daily_frame, employees_frame, summary_dict

__all__ = [
    "COUNT_COLUMNS",
    "SIGNS",
    "RunResult",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_parquet",
    "atomic_write_text",
    "daily_frame",
    "employees_frame",
    "intervals_frame",
    "summary_dict",
    "toxic_signs",
]
