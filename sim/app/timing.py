"""How fast the app redraws, server side: seconds per day, snapshot, chart rows, export.

``python -c "from sim.app.timing import time_per_day; print(time_per_day())"`` gives
the figures of ``docs/app.md``; ``python -m sim.app.timing`` prints those of the PNG
export (:func:`time_export`).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from ..model import ContactCentreModel
from .export import export_charts
from .livecharts import live_data, panel_data
from .panels import PANELS
from .settings import Settings, build_config, comparison_settings, preset_settings
from .snapshot import take_snapshot
from .vega_widget import encode


def time_per_day(
    settings: Settings | None = None, days: int = 42, side_by_side: bool = True
) -> dict[str, float]:
    """Measure the server's share of a redraw, in seconds, at the given (default)
    settings after ``days`` working days: one simulated day, the snapshot (numbers
    behind the tiles and signs; median of the last six redraws of five days, as the app
    takes it), the live charts' rows, one redraw of five days, and
    the PNG export of the five charts (matplotlib, 150 dpi).

    Parameters
    ----------
    settings : Settings, optional
        The page's settings (default: the page's defaults).
    days : int
        Working days simulated before the figures are taken.
    side_by_side : bool
        Step and read the lesson's comparison too, as the page does by default (its
        day and snapshot are counted in the figures).
    """
    s = settings or Settings()
    lesson = preset_settings(s.scenario, keep=s)
    cfg = build_config(lesson)
    model = ContactCentreModel(cfg)
    other_s = comparison_settings(lesson) if side_by_side else None
    other = None if other_s is None else ContactCentreModel(build_config(other_s))
    step_total, snaps = 0.0, []
    while model.day < days:  # as the app redraws: every 5 days, the snapshot
        t0 = time.perf_counter()
        for _ in range(min(5, days - model.day)):
            model.step()
            if other is not None:
                other.step()
        t1 = time.perf_counter()
        snap = take_snapshot(model)
        if other is not None:
            take_snapshot(other)
        snaps.append(time.perf_counter() - t1)
        step_total += t1 - t0
    step_s = step_total / days
    snap_s = statistics.median(snaps[-6:])  # the last six redraws: noise of a shared machine
    assert snap is not None
    t0 = time.perf_counter()
    data = live_data(snap, cfg, "timing")
    for panels in PANELS.values():
        for panel in panels:
            encode(panel_data(panel, data))
    rows_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        export_charts(snap, "timing", Path(tmp))
        export_s = time.perf_counter() - t0
    return {
        "step_s": step_s,
        "snapshot_s": snap_s,
        "chart_rows_s": rows_s,
        "redraw_5_days_s": 5 * step_s + snap_s + rows_s,
        "export_s": export_s,
    }


def time_export(
    lessons: tuple[str, ...] = ("aht_pay", "forced_ranking"),
    days: tuple[int, ...] = (120, 250),
    repeats: int = 5,
    parallel: bool = True,
) -> list[dict[str, object]]:
    """Time *Export charts as PNG* (:func:`~sim.app.export.export_charts`, five charts
    at 150 dpi into a temporary folder) at the default population, for each lesson at
    each of ``days``: ``repeats`` exports after one warm-up (fonts, caches), wall-clock
    seconds.  One row per lesson and day: median, min and max seconds, the median CPU
    seconds of the process (both threads; less sensitive to other jobs), the seated
    employees (rows of the per-employee chart) and the 1-minute load average before
    and after.  The ghost baseline is not exported, so it does not change the figures.

    Parameters
    ----------
    lessons : tuple of str
        The lessons timed.
    days : tuple of int
        Working days simulated before each export is timed.
    repeats : int
        Timed exports per lesson and day.
    parallel : bool
        Draw in the export's worker processes, as the app does (the CPU seconds are then
        the calling process's only); else in this process.
    """
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for lesson in lessons:
            model = ContactCentreModel(build_config(preset_settings(lesson, keep=Settings())))
            for day in days:
                while model.day < day:
                    model.step()
                snap = take_snapshot(model)
                assert snap is not None
                export_charts(snap, "warm_up", Path(tmp), parallel=parallel)
                load_before = os.getloadavg()[0]
                seconds, cpu = [], []
                for _ in range(repeats):
                    t0, c0 = time.perf_counter(), time.process_time()
                    export_charts(snap, "timing", Path(tmp), parallel=parallel)
                    seconds.append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - c0)
                rows.append(
                    {
                        "lesson": lesson,
                        "day": day,
                        "median_s": round(statistics.median(seconds), 3),
                        "min_s": round(min(seconds), 3),
                        "max_s": round(max(seconds), 3),
                        "cpu_s": round(statistics.median(cpu), 3),
                        "seated": len(snap.staff),
                        "load_1min": (round(load_before, 2), round(os.getloadavg()[0], 2)),
                    }
                )
    return rows


if __name__ == "__main__":
    for parallel in (True, False):
        for row in time_export(parallel=parallel):
            print({"parallel": parallel, **row})
