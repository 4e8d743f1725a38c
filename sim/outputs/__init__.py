"""Run outputs: tables and summary (``tables``), the five toxic-KPI signs (``signs``),
staffing by interval (``intervals``), call-detail records (``calls``), a finished run
(``result``) and atomic file writing (``files``)."""

from __future__ import annotations

from .calls import CALL_COLUMNS, calls_frame
from .decisions import DECISION_COLUMNS, decisions_frame
from .files import atomic_write, atomic_write_bytes, atomic_write_parquet, atomic_write_text
from .intervals import intervals_frame
from .result import RunResult
from .signs import SIGNS, toxic_signs
from .tables import COUNT_COLUMNS, daily_frame, employees_frame, summary_dict

__all__ = [
    "CALL_COLUMNS",
    "COUNT_COLUMNS",
    "DECISION_COLUMNS",
    "SIGNS",
    "RunResult",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_parquet",
    "atomic_write_text",
    "calls_frame",
    "daily_frame",
    "decisions_frame",
    "employees_frame",
    "intervals_frame",
    "summary_dict",
    "toxic_signs",
]
