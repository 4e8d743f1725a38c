"""How fast the app redraws: seconds per simulated day, per snapshot and per chart set.

``python -c "from sim.app.timing import time_per_day; print(time_per_day())"`` gives
the figures of ``docs/app.md``.
"""

from __future__ import annotations

import time

from ..model import ContactCentreModel
from .charts import CHARTS, render_png
from .settings import Settings, build_config, preset_settings
from .snapshot import take_snapshot


def time_per_day(settings: Settings | None = None, days: int = 42) -> dict[str, float]:
    """Measure the app's speed: seconds per simulated day, per snapshot (the numbers
    behind a redraw) and per drawn chart set, at the given (default) settings."""
    s = settings or Settings()
    model = ContactCentreModel(build_config(preset_settings(s.scenario, keep=s)))
    t0 = time.perf_counter()
    for _ in range(days):
        model.step()
    step_s = (time.perf_counter() - t0) / days
    t0 = time.perf_counter()
    snap = take_snapshot(model)
    snap_s = time.perf_counter() - t0
    assert snap is not None
    t0 = time.perf_counter()
    for _, fn in CHARTS.values():
        render_png(fn(snap))
    draw_s = time.perf_counter() - t0
    return {
        "step_s": step_s,
        "snapshot_s": snap_s,
        "draw_s": draw_s,
        "redraw_total_s": step_s + snap_s + draw_s,
    }
