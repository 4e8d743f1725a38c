"""Export of the charts as PNG files for slides.

The export folder is fixed on the command line (``kpisim app --export-dir DIR``, passed
to the server in the environment variable :data:`EXPORT_DIR_ENV`), never typed into the
page; the file-name prefix typed on the page is reduced by :func:`safe_name`, so nothing
typed there can write elsewhere.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .charts import CHARTS, EXPORT_DPI, render_png
from .snapshot import Snapshot

#: Environment variable holding the export folder (set by ``kpisim app --export-dir``).
EXPORT_DIR_ENV = "KPISIM_EXPORT_DIR"
#: Export folder when the environment variable is not set (relative to the cwd).
DEFAULT_EXPORT_DIR = Path("results") / "app_exports"


def export_dir() -> Path:
    """The export folder: from :data:`EXPORT_DIR_ENV` (set on the command line) or
    :data:`DEFAULT_EXPORT_DIR`.  Never taken from the page."""
    return Path(os.environ.get(EXPORT_DIR_ENV) or DEFAULT_EXPORT_DIR).resolve()


def safe_name(text: str, max_len: int = 40) -> str:
    """A file-name fragment: letters, digits, ``-`` and ``_`` only (others become
    ``_``), no leading dots, at most ``max_len`` characters; ``"export"`` if empty."""
    s = re.sub(r"[^A-Za-z0-9_-]+", "_", str(text)).strip("_-.")[:max_len]
    return s or "export"


def export_charts(snap: Snapshot, label: str, directory: Path | None = None) -> list[Path]:
    """Write every chart of ``snap`` as a PNG into ``directory`` (default
    :func:`export_dir`); ``label`` (sanitised) starts each file name.  Returns the files."""
    root = (directory or export_dir()).resolve()
    root.mkdir(parents=True, exist_ok=True)
    stem = f"{safe_name(label)}_day{snap.day:04d}"
    out = []
    for key, (_, fn) in CHARTS.items():
        path = (root / f"{stem}_{key}.png").resolve()
        if path.parent != root:  # cannot happen after safe_name; belt and braces
            raise ValueError(f"refusing to write outside {root}")
        fig = fn(snap)
        data = render_png(fig, dpi=EXPORT_DPI, level=1)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        out.append(path)
    return out
