"""How fast the app redraws, server side: seconds per day, snapshot, chart rows, export.

``python -c "from sim.app.timing import time_per_day; print(time_per_day())"`` gives
the figures of ``docs/app.md``.
"""

from __future__ import annotations

import statistics
import time

from ..model import ContactCentreModel
from .charts import CHARTS, render_png
from .livecharts import live_data, panel_data
from .panels import PANELS
from .settings import Settings, build_config, preset_settings
from .snapshot import take_snapshot
from .vega_widget import encode


def time_per_day(settings: Settings | None = None, days: int = 42) -> dict[str, float]:
    """Measure the server's share of a redraw, in seconds, at the given (default)
    settings after ``days`` working days: one simulated day, the snapshot (numbers
    behind the tiles and signs; median of the last six redraws of five days, as the app
    takes it), the live charts' rows, one redraw of five days, and
    the PNG export of the five charts (matplotlib, 150 dpi)."""
    s = settings or Settings()
    cfg = build_config(preset_settings(s.scenario, keep=s))
    model = ContactCentreModel(cfg)
    step_total, snaps = 0.0, []
    while model.day < days:  # as the app redraws: every 5 days, the snapshot
        t0 = time.perf_counter()
        for _ in range(min(5, days - model.day)):
            model.step()
        t1 = time.perf_counter()
        snap = take_snapshot(model)
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
    t0 = time.perf_counter()
    for _, fn in CHARTS.values():
        render_png(fn(snap), dpi=150, level=6)
    export_s = time.perf_counter() - t0
    return {
        "step_s": step_s,
        "snapshot_s": snap_s,
        "chart_rows_s": rows_s,
        "redraw_5_days_s": 5 * step_s + snap_s + rows_s,
        "export_s": export_s,
    }
