"""Status files: how the jobs of a sweep tell the launching process their outcome.

Jobs may run in other processes or on other machines (joblib, submitit, Ray), so they
report through files of the sweep directory, which the launching process reads:

* ``SWEEP_DIR/.sweep/current.json``: the current invocation (one ``kpisim run -m``
  call; an id and the expected number of jobs), written by the monitor at its start;
* ``SWEEP_DIR/.sweep/<invocation>/<job number>.json``: one job's record (status
  ``done``, ``skipped`` or ``failed``, run key, overrides, error, elapsed seconds),
  written by the job when it ends.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from ..outputs import atomic_write_text
from .runs import STATUS_DIR


def open_invocation(root: Path, total: int | None) -> str:
    """Start a new invocation of the sweep in ``root``; returns its id.

    Parameters
    ----------
    root : pathlib.Path
        The sweep directory.
    total : int or None
        The number of jobs expected (None when unknown).
    """
    inv = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    (root / STATUS_DIR).mkdir(exist_ok=True)
    atomic_write_text(
        root / STATUS_DIR / "current.json",
        json.dumps({"invocation": inv, "total": total}) + "\n",
    )
    return inv


def read_invocation(root: Path) -> str | None:
    """The id of the current invocation in ``root``, None when there is none.

    Parameters
    ----------
    root : pathlib.Path
        The sweep directory.
    """
    try:
        return json.loads((root / STATUS_DIR / "current.json").read_text())["invocation"]
    except (OSError, ValueError, KeyError):
        return None


def record_status(root: Path, record: dict[str, Any]) -> None:
    """Write a job's outcome to ``SWEEP_DIR/.sweep/<invocation>/<job>.json``.

    Adds the current invocation to ``record`` (``"unknown"`` folder when none).

    Parameters
    ----------
    root : pathlib.Path
        The sweep directory.
    record : dict
        The job's status record (its ``job`` number names the file); changed in place.
    """
    inv = read_invocation(root)
    record["invocation"] = inv
    folder = root / STATUS_DIR / (inv or "unknown")
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / f"{record['job']}.json", json.dumps(record) + "\n")


def read_records(root: Path, inv: str) -> list[dict[str, Any]]:
    """The job records of invocation ``inv`` so far, by file name; unreadable ones
    (being written) are left out.

    Parameters
    ----------
    root : pathlib.Path
        The sweep directory.
    inv : str
        The invocation's id.
    """
    folder = root / STATUS_DIR / inv
    if not folder.is_dir():
        return []
    records = []
    for p in sorted(folder.glob("*.json")):
        try:
            records.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return records
