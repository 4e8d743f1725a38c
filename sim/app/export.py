"""Export of the charts as PNG files for slides.

The export folder is fixed on the command line (``kpisim app --export-dir DIR``, passed
to the server in the environment variable :data:`EXPORT_DIR_ENV`), never typed into the
page; the file-name prefix typed on the page is reduced by :func:`safe_name`, so nothing
typed there can write elsewhere.

Speed: the app draws the five charts in a pool of :data:`EXPORT_WORKERS` worker
processes, started and warmed up (matplotlib imported, fonts loaded) when a session
opens, so an export costs the drawing of the slowest worker's charts (matplotlib holds
the GIL: threads would draw one chart at a time); without the pool (tests, timing, or a
pool that broke) each chart is drawn in the calling thread while the previous one is
compressed and written in a second thread (``zlib`` releases the GIL).  See the Speed
section of ``docs/app.md`` and :func:`sim.app.timing.time_export`.

Slide-ready export (:func:`slides_zip`, :func:`screen_png`): the slides of
:mod:`sim.app.slides` (the whole screen, the tiles with the signs and the timeline, each
chart; the lesson's title, the comparison's line, fixed axes) as PNG files whose
``Title`` text chunk names the lesson and the slide, zipped for the browser to download
(the page's download buttons); a copy of every download is written to the export folder.
"""

from __future__ import annotations

import atexit
import io
import multiprocessing as mp
import os
import re
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..outputs.files import atomic_write_bytes
from ..pool import START_METHOD
from .charts import CHARTS, EXPORT_DPI
from .render import _chunk, draw_rgb, png_bytes, render_png
from .slides import SLIDE_DPI, SLIDES, SlideContext, slide_figure
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
    ``_``), no leading dots, at most ``max_len`` characters; ``"export"`` if empty.

    Parameters
    ----------
    text : str
        The prefix typed on the page.
    max_len : int
        Longest name kept, characters.
    """
    s = re.sub(r"[^A-Za-z0-9_-]+", "_", str(text)).strip("_-.")[:max_len]
    return s or "export"


def _write_png(path: Path, rgb: np.ndarray, level: int) -> Path:
    """Write ``rgb`` as a PNG at ``path`` through a temporary file in the same folder
    (a reader never sees half a file; nothing is left behind on a failure)."""
    atomic_write_bytes(path, png_bytes(rgb, EXPORT_DPI, level))
    return path


def _paths(snap: Snapshot, label: str, directory: Path | None) -> dict[str, Path]:
    """The file of every chart: ``<label>_day<NNNN>_<chart>.png`` inside the folder."""
    root = (directory or export_dir()).resolve()
    root.mkdir(parents=True, exist_ok=True)
    stem = f"{safe_name(label)}_day{snap.day:04d}"
    paths = {key: (root / f"{stem}_{key}.png").resolve() for key in CHARTS}
    for path in paths.values():
        if path.parent != root:  # cannot happen after safe_name; belt and braces
            raise ValueError(f"refusing to write outside {root}")
    return paths


def _draw_and_write(key: str, snap: Snapshot, path: Path, level: int) -> Path:
    """One chart of ``snap`` drawn and written (a task of the worker processes)."""
    return _write_png(path, draw_rgb(CHARTS[key][1](snap), EXPORT_DPI), level)


#: Worker processes that draw an export's charts (two: the machine the app is sized for
#: has two cores; the five charts split into two halves of about equal drawing time).
EXPORT_WORKERS = 2
#: Charts in order of drawing time, slowest first, so the two workers finish together.
_ORDER = ("dashboard_vs_reality", "levers", "customers", "employees", "money")
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _warm() -> int:
    """Load matplotlib, its fonts and the charts module in a worker (unpickling this
    function imports this module, hence the charts)."""
    fig = Figure(figsize=(1, 1), dpi=EXPORT_DPI)
    fig.add_subplot().set_title("warm-up")
    return len(render_png(fig))


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: end this worker when the app's server process has gone (a
    server stopped by a signal does not run its exit handlers, and a worker waiting for
    work would otherwise stay behind)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def warm_export_pool() -> None:
    """Start the worker processes and warm them up in the background (returns at once);
    the app calls it when a session opens, so the first export does not pay for it."""
    global _pool
    with _pool_lock:
        if _pool is None:
            # a long-lived pool (not sim.pool's per-call one), started as sim.pool starts
            # its workers: the server runs threads, and forking them may deadlock
            _pool = ProcessPoolExecutor(
                EXPORT_WORKERS,
                mp_context=mp.get_context(START_METHOD),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
            atexit.register(_pool.shutdown, cancel_futures=True)
            for _ in range(EXPORT_WORKERS):
                _pool.submit(_warm)


def _drop_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def export_charts(
    snap: Snapshot,
    label: str,
    directory: Path | None = None,
    level: int = 1,
    parallel: bool | None = None,
) -> list[Path]:
    """Write every chart of ``snap`` as a PNG file (:data:`~sim.app.charts.EXPORT_DPI`).

    Parameters
    ----------
    snap : Snapshot
        The state of the run the charts show.
    label : str
        Start of each file name, as typed on the page (reduced by :func:`safe_name`).
    directory : Path, optional
        Where to write; default :func:`export_dir`.
    level : int
        zlib compression level of the PNG files, 0-9.
    parallel : bool, optional
        Draw in the worker processes (default: when :func:`warm_export_pool` has
        started them); a broken pool falls back to drawing here.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`~sim.app.charts.CHARTS`.
    """
    paths = _paths(snap, label, directory)
    if parallel is None:
        parallel = _pool is not None
    if parallel:
        warm_export_pool()
        assert _pool is not None
        try:
            done = {k: _pool.submit(_draw_and_write, k, snap, paths[k], level) for k in _ORDER}
            return [done[key].result() for key in CHARTS]
        except BrokenProcessPool:
            _drop_pool()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="png") as writer:
        written = [
            writer.submit(_write_png, paths[key], draw_rgb(fn(snap), EXPORT_DPI), level)
            for key, (_, fn) in CHARTS.items()
        ]
        return [w.result() for w in written]


# ---------------------------------------------------------------------- slide export
def with_title(png: bytes, title: str) -> bytes:
    """The PNG file ``png`` with a ``Title`` text chunk (``iTXt``, UTF-8; after its
    header chunk), so a file browser or slide program shows what the picture is.

    Parameters
    ----------
    png : bytes
        A PNG file (as :func:`~sim.app.render.png_bytes` writes: IHDR first).
    title : str
        The title.
    """
    ihdr_end = 8 + 4 + 4 + 13 + 4  # signature, then IHDR: length, type, data, CRC
    # keyword, no compression, no language tag, no translated keyword, UTF-8 text
    text = b"Title\x00\x00\x00\x00\x00" + title.encode("utf-8")
    return png[:ihdr_end] + _chunk(b"iTXt", text) + png[ihdr_end:]


def slide_png(ctx: SlideContext, key: str, level: int = 6) -> bytes:
    """The slide ``key`` (:data:`~sim.app.slides.SLIDES`) as a titled PNG file.

    Parameters
    ----------
    ctx : SlideContext
        The run on screen, its comparison and its timeline.
    key : str
        Which slide.
    level : int
        zlib compression level, 0-9.
    """
    fig = slide_figure(ctx, key)
    png = png_bytes(draw_rgb(fig, SLIDE_DPI), SLIDE_DPI, level)
    return with_title(png, f"{ctx.heading} · {SLIDES[key]}")


def stem(ctx: SlideContext) -> str:
    """The start of the downloaded files' names: lesson and day, made safe.

    Parameters
    ----------
    ctx : SlideContext
        The run on screen.
    """
    return f"{safe_name(ctx.title)}_day{ctx.snap.day:04d}"


def save_copy(name: str, data: bytes, directory: Path | None = None) -> Path:
    """Write a download's copy into the export folder (``kpisim app --export-dir``).

    Parameters
    ----------
    name : str
        File name (made safe: letters, digits, ``-``, ``_`` and one extension).
    data : bytes
        The file's content.
    directory : Path, optional
        Where to write; default :func:`export_dir`.
    """
    root = (directory or export_dir()).resolve()
    root.mkdir(parents=True, exist_ok=True)
    base, _, ext = name.rpartition(".")
    path = (root / f"{safe_name(base, 80)}.{safe_name(ext, 8)}").resolve()
    if path.parent != root:  # cannot happen after safe_name; belt and braces
        raise ValueError(f"refusing to write outside {root}")
    atomic_write_bytes(path, data)
    return path


def slides_zip(ctx: SlideContext, directory: Path | None = None) -> bytes:
    """Every slide of :data:`~sim.app.slides.SLIDES` as PNG files in one ZIP (the
    export's download), drawn in the worker processes when they run; a copy goes to
    the export folder.

    Parameters
    ----------
    ctx : SlideContext
        The run on screen, its comparison and its timeline.
    directory : Path, optional
        Where the copy goes; default :func:`export_dir`.
    """
    pngs: dict[str, bytes] = {}
    if _pool is not None:
        try:
            done = {k: _pool.submit(slide_png, ctx, k) for k in SLIDES}
            pngs = {k: f.result() for k, f in done.items()}
        except BrokenProcessPool:
            _drop_pool()
    if not pngs:
        pngs = {k: slide_png(ctx, k) for k in SLIDES}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:  # PNG is compressed already
        for i, (key, png) in enumerate(pngs.items(), start=1):
            z.writestr(f"{i:02d}_{key}.png", png)
    data = buf.getvalue()
    save_copy(f"{stem(ctx)}_slides.zip", data, directory)
    return data


def screen_png(ctx: SlideContext, directory: Path | None = None) -> bytes:
    """The whole screen as one titled PNG slide (a download); a copy goes to the export
    folder.

    Parameters
    ----------
    ctx : SlideContext
        The run on screen, its comparison and its timeline.
    directory : Path, optional
        Where the copy goes; default :func:`export_dir`.
    """
    data = slide_png(ctx, "screen")
    save_copy(f"{stem(ctx)}_screen.png", data, directory)
    return data
