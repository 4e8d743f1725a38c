"""Writing output files atomically: to a temporary name in the same folder, then renamed,
so a folder never holds a half-written file (a killed run leaves the old file or none)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def _umask_mode() -> int:
    """Permissions of a new file under the current umask (mkstemp makes 0600 files)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Create ``path`` by calling ``write(tmp)`` on a temporary file beside it, then
    renaming it over ``path``; the temporary file is removed on any failure.

    Parameters
    ----------
    path : pathlib.Path
        The file to create or replace; its folder must exist.
    write : callable
        ``write(tmp)`` writes the whole content to the file named ``tmp``.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` atomically.

    Parameters
    ----------
    path : pathlib.Path
        The file to create or replace.
    text : str
        Its whole content.
    """
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes (e.g. a PNG) to ``path`` atomically.

    Parameters
    ----------
    path : pathlib.Path
        The file to create or replace.
    data : bytes
        Its whole content.
    """
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def atomic_write_parquet(path: Path, df: pd.DataFrame) -> None:
    """Write a DataFrame to parquet at ``path`` atomically (without its index).

    Parameters
    ----------
    path : pathlib.Path
        The file to create or replace.
    df : pandas.DataFrame
        The table.
    """
    atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))
