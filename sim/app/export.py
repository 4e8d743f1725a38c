"""Export of the charts as PNG files for slides.

The export folder is fixed on the command line (``kpisim app --export-dir DIR``, passed
to the server in the environment variable :data:`EXPORT_DIR_ENV`), never typed into the
page; the file-name prefix typed on the page is reduced by :func:`safe_name`, so nothing
typed there can write elsewhere.

Speed: each chart is drawn in the calling thread while the previous one is compressed
and written in a second thread (``zlib`` releases the GIL, so on two cores the writing
costs almost no time); see the Speed section of ``docs/app.md`` and
:func:`sim.app.timing.time_export`.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .charts import CHARTS, EXPORT_DPI
from .render import draw_rgb, png_bytes
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


def _write_png(path: Path, rgb: np.ndarray, level: int) -> Path:
    """Write ``rgb`` as a PNG at ``path`` through a temporary file in the same folder
    (a reader never sees half a file)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(png_bytes(rgb, EXPORT_DPI, level))
    tmp.replace(path)
    return path


def export_charts(
    snap: Snapshot, label: str, directory: Path | None = None, level: int = 1
) -> list[Path]:
    """Write every chart of ``snap`` as a PNG (:data:`~sim.app.charts.EXPORT_DPI`,
    zlib level ``level``) into ``directory`` (default :func:`export_dir`); ``label``
    (sanitised) starts each file name.  Returns the files, in the order of
    :data:`~sim.app.charts.CHARTS`."""
    root = (directory or export_dir()).resolve()
    root.mkdir(parents=True, exist_ok=True)
    stem = f"{safe_name(label)}_day{snap.day:04d}"
    paths = {key: (root / f"{stem}_{key}.png").resolve() for key in CHARTS}
    for path in paths.values():
        if path.parent != root:  # cannot happen after safe_name; belt and braces
            raise ValueError(f"refusing to write outside {root}")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="png") as writer:
        written = [
            writer.submit(_write_png, paths[key], draw_rgb(fn(snap), EXPORT_DPI), level)
            for key, (_, fn) in CHARTS.items()
        ]
        return [w.result() for w in written]
