"""``kpisim collect SWEEP_DIR``: one tidy table, one row per run of a sweep.

Every folder under ``SWEEP_DIR`` holding a ``summary.json`` is a complete run (the
summary is written last).  Its row has:

* ``run_id`` (the folder's path relative to ``SWEEP_DIR``), ``config_hash``;
* every leaf of the run's resolved config, as dotted columns (``seed``,
  ``scheme.kpis.aht.weight``, ``customers.n``, ...), read from the run's
  ``config.yaml`` (written by ``kpisim run``) or else Hydra's ``.hydra/config.yaml``;
* every scalar summary key (``profit``, ``gaming_rate``, ...; units as in
  docs/reference.md) under its own name; a summary key that is also a top-level config
  leaf (``seed``, ``days``) is stored as ``summary.<key>``;
* the toxic signs flattened: ``toxic.<sign>.value``, ``toxic.<sign>.flag`` and any
  other numeric entry (``toxic.imbalance.perspectives.customer``); sentences are left
  out (they are in ``summary.json``).

With ``--daily`` the runs' daily tables are stacked into a second file with a
``run_id`` column.  Files are written atomically.  The table reads with pandas
(``pd.read_parquet``) or DuckDB (``SELECT * FROM 'runs.parquet'``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import OmegaConf

from ..config import flatten
from ..outputs import atomic_write_parquet
from .runs import JOBS_DIR, STAGING_DIR, STATUS_DIR, TABLE_NAME

#: Folders of a sweep directory that hold bookkeeping, never runs (``.submitit``:
#: the submitit launchers' job files; ``.hydra``: Hydra's saved configs).
SKIP_DIRS = (STAGING_DIR, JOBS_DIR, STATUS_DIR, ".submitit", ".hydra")


class CollectError(ValueError):
    """A user-facing error of ``kpisim collect`` (one line, no traceback)."""


def find_runs(root: Path) -> tuple[list[Path], list[Path]]:
    """Complete run folders under ``root`` and incomplete ones (Hydra job folders
    with a ``.hydra/`` but no ``summary.json``), both sorted; the sweep's staging, status and
    job folders are skipped.

    Parameters
    ----------
    root : pathlib.Path
        The sweep directory.
    """
    complete: list[Path] = []
    incomplete: list[Path] = []
    for summary in root.rglob("summary.json"):
        if not any(part in SKIP_DIRS for part in summary.relative_to(root).parts[:-1]):
            complete.append(summary.parent)
    done = set(complete)
    for hydra_dir in root.rglob(".hydra"):
        parent = hydra_dir.parent
        rel = parent.relative_to(root).parts
        if parent not in done and not any(p in SKIP_DIRS for p in rel):
            incomplete.append(parent)
    return sorted(complete), sorted(incomplete)


def run_config(run_dir: Path) -> dict[str, Any]:
    """The run's resolved config as a nested dict (``config.yaml``, else ``.hydra/``;
    empty when neither is there).

    Parameters
    ----------
    run_dir : pathlib.Path
        A run folder.
    """
    for p in (run_dir / "config.yaml", run_dir / ".hydra" / "config.yaml"):
        if p.is_file():
            cfg = OmegaConf.load(p)
            return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[return-value]
    return {}


def run_row(root: Path, run_dir: Path) -> dict[str, Any]:
    """One row of the table: run id, config leaves, summary scalars, toxic signs.

    Parameters
    ----------
    root : pathlib.Path
        The sweep directory (the run id is the folder's path relative to it).
    run_dir : pathlib.Path
        A complete run folder.
    """
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    config = flatten(run_config(run_dir))
    meta: dict[str, Any] = {}
    if (run_dir / "run.json").is_file():
        meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    row: dict[str, Any] = {
        "run_id": run_dir.relative_to(root).as_posix() or ".",
        "config_hash": meta.get("config_hash"),
    }
    row.update(config)
    for k, v in summary.items():
        if k == "toxic_signs" and isinstance(v, dict):
            for name, sign in v.items():
                for sk, sv in flatten(sign if isinstance(sign, dict) else {"value": sign}).items():
                    if not sk.endswith("sentence") and not isinstance(sv, str):
                        row[f"toxic.{name}.{sk}"] = sv
        elif isinstance(v, dict):
            for fk, fv in flatten(v, f"{k}.").items():
                row[fk] = fv
        else:
            row[f"summary.{k}" if k in config else k] = v
    return row


def collect(root: str | Path, *, daily: bool = False) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Read every complete run under ``root``.

    Returns (runs table, stacked daily table or None).  Raises :class:`CollectError`
    when ``root`` is missing or holds no complete run.

    Parameters
    ----------
    root : str or pathlib.Path
        The sweep directory.
    daily : bool
        Also stack the runs' daily tables (with ``run_id``); memory grows with runs x days.
    """
    root = Path(root)
    if not root.exists():
        raise CollectError(f"SWEEP_DIR {str(root)!r} does not exist")
    if not root.is_dir():
        raise CollectError(f"SWEEP_DIR {str(root)!r} is not a directory")
    complete, incomplete = find_runs(root)
    if not complete:
        extra = f" ({len(incomplete)} incomplete)" if incomplete else ""
        raise CollectError(f"no complete run (no summary.json) under {str(root)!r}{extra}")
    rows = [run_row(root, d) for d in complete]
    runs = pd.DataFrame(rows)
    runs.attrs["incomplete"] = [p.relative_to(root).as_posix() for p in incomplete]
    stacked = None
    if daily:
        frames = []
        for d, row in zip(complete, rows, strict=True):
            p = d / "daily.parquet"
            if p.is_file():
                df = pd.read_parquet(p)
                df.insert(0, "run_id", row["run_id"])
                frames.append(df)
        stacked = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return runs, stacked


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to parquet atomically (temporary file + rename); returns the path.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    path : str or pathlib.Path
        The parquet file; its folder is created if needed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_parquet(path, df)
    return path


def daily_path(out: Path) -> Path:
    """Where the stacked daily table goes next to the runs table ``out``.

    Parameters
    ----------
    out : pathlib.Path
        The runs table's file (``runs.parquet`` gives ``runs_daily.parquet``).
    """
    return out.with_name(out.stem + "_daily" + (out.suffix or ".parquet"))


def build_parser() -> argparse.ArgumentParser:
    """The arguments of ``kpisim collect``."""
    p = argparse.ArgumentParser(
        prog="kpisim collect",
        description=(
            "One tidy parquet table from a sweep: one row per complete run (a folder with "
            "a summary.json), every config leaf as a dotted column, every summary key, "
            "and the toxic signs' values and flags."
        ),
    )
    p.add_argument("sweep_dir", metavar="SWEEP_DIR", help="a sweep directory (hydra.sweep.dir)")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="output parquet file (default: SWEEP_DIR/runs.parquet)",
    )
    p.add_argument(
        "--daily",
        action="store_true",
        help="also stack the runs' daily tables with a run_id column into "
        "FILE_daily.parquet (default: SWEEP_DIR/runs_daily.parquet)",
    )
    return p


def main(argv: list[str]) -> int:
    """``kpisim collect SWEEP_DIR [--daily] [--out FILE]``.

    Parameters
    ----------
    argv : list of str
        The words after ``kpisim collect``.

    Returns
    -------
    int
        The exit code: 0 when the table is written, 2 on a user error or a failed write.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code or 0)
    root = Path(args.sweep_dir)
    out = Path(args.out) if args.out else root / TABLE_NAME
    if out.suffix != ".parquet":
        print(f"kpisim collect: --out {str(out)!r} must end in .parquet", file=sys.stderr)
        return 2
    try:
        runs, stacked = collect(root, daily=args.daily)
    except CollectError as exc:
        print(f"kpisim collect: {exc}", file=sys.stderr)
        return 2
    try:
        write_table(runs, out)
        msg = f"{len(runs)} runs x {runs.shape[1]} columns -> {out}"
        if stacked is not None:
            dpath = write_table(stacked, daily_path(out))
            msg += f"; {len(stacked)} daily rows -> {dpath}"
    except OSError as exc:
        print(f"kpisim collect: cannot write {str(out)!r}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(msg)
    skipped = runs.attrs.get("incomplete") or []
    if skipped:
        print(f"ignored {len(skipped)} incomplete run folder(s): {', '.join(skipped[:5])}")
    return 0
