"""Run outputs: what a finished (or running) model becomes for its users.

* ``tables`` - the daily table, the employee table and the summary; the summary's parts:
  ``money`` (cost lines, profit, workforce figures), ``channels`` (the channel story),
  ``decisions`` (the managers' decisions), ``rollout`` (a scheme change), ``smart``
  (SMART per paid KPI), ``spread`` (gaming across employees);
* ``signs`` - the five toxic-KPI signs, with ``gaps`` (the measured-vs-true gaps
  behind signs 1 and 3);
* ``intervals`` - staffing by interval; ``calls`` - the call-detail records;
* ``expectations`` - judging a scenario's ``expect`` on paired seeds;
* ``result`` - a finished run (``RunResult``) and its folder; ``files`` - atomic writes.
"""

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
