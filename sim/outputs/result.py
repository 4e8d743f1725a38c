"""A finished run: its summary and tables, and writing them to a run folder."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .files import atomic_write_parquet, atomic_write_text

if TYPE_CHECKING:
    from ..config import Config
    from ..model import ContactCentreModel


@dataclass
class RunResult:
    """A finished run: ``summary`` (dict), ``daily`` and ``employees`` (DataFrames), and
    ``intervals``: staffing by team and interval of the day (:mod:`sim.outputs.intervals`;
    kept in memory, not written to the run folder); ``calls``: the call-detail records
    (:mod:`sim.outputs.calls`) when ``export.calls`` is on, else None; ``decisions``: the
    managers' decisions (:mod:`sim.outputs.decisions`; in memory only)."""

    summary: dict
    daily: pd.DataFrame
    employees: pd.DataFrame
    config: Config
    model: ContactCentreModel | None = field(default=None, repr=False)
    intervals: pd.DataFrame | None = field(default=None, repr=False)
    calls: pd.DataFrame | None = field(default=None, repr=False)
    decisions: pd.DataFrame | None = field(default=None, repr=False)

    def write(self, out_dir: str | os.PathLike) -> Path:
        """Write ``summary.json``, ``daily.parquet``, ``employees.parquet`` and, when
        the call export is on, ``calls.parquet``, each atomically; the summary last, so a
        folder with a ``summary.json`` is complete.

        Parameters
        ----------
        out_dir : str or os.PathLike
            The run folder; created if needed.

        Returns
        -------
        pathlib.Path
            The run folder.
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_parquet(out / "daily.parquet", self.daily)
        atomic_write_parquet(out / "employees.parquet", self.employees)
        if self.calls is not None:
            atomic_write_parquet(out / "calls.parquet", self.calls)
        # last: a directory with a summary.json is complete
        atomic_write_text(out / "summary.json", json.dumps(self.summary, indent=2) + "\n")
        return out
