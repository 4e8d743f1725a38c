"""Reset, Play / Pause and Step: the run's controls, in a bar always in view.

The same mechanics as Mesa 3.5's ``ModelController`` (a step advances the model by
*days per step* working days, then Mesa's ``force_update`` redraws the views; playing
repeats that in a background task with a pause between redraws), with buttons that
name what they do (their text is their accessible name) and that stay in view when
the page scrolls or the sidebar is closed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import solara
from mesa.visualization.utils import force_update


@solara.component
def RunControls(
    is_running: Callable[[], bool],
    advance: Callable[[int], None],
    days_per_step: solara.Reactive[int],
    pause_ms: solara.Reactive[int],
    on_reset: Callable[[], None],
) -> None:
    """Reset (day 0, same settings), Play / Pause, Step (*days per step* days).

    Parameters
    ----------
    is_running : callable
        ``is_running()`` says whether the run can go on (False once its last day is done);
        Play and Step are disabled when it cannot.
    advance : callable
        ``advance(days)`` simulates that many working days.
    days_per_step : solara.Reactive[int]
        Working days per Step and per redraw while playing.
    pause_ms : solara.Reactive[int]
        Pause between two redraws while playing, milliseconds.
    on_reset : callable
        ``on_reset()`` restarts the run at day 0 with the applied settings (playing stops).
    """
    playing = solara.use_reactive(False)
    running = is_running()

    def step() -> None:
        advance(days_per_step.value)
        force_update()

    def play() -> None:
        # a background task; it stops when Pause flips ``playing`` or the run ends
        while playing.value and is_running():
            time.sleep(pause_ms.value / 1000)
            if not playing.value:
                break
            step()
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def reset() -> None:
        playing.set(False)
        on_reset()

    with solara.Row(classes=["kpisim-runbar"], gap="8px", style={"align-items": "center"}):
        solara.Button("Reset", on_click=reset, classes=["kpisim-reset"])
        solara.Button(
            "❚❚ Pause" if playing.value else "▶ Play",
            on_click=lambda: playing.set(not playing.value),
            disabled=not running,
            classes=["kpisim-play"],
        )
        solara.Button(
            "Step",
            on_click=step,
            disabled=playing.value or not running,
            classes=["kpisim-step"],
        )
