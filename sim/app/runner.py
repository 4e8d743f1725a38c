"""Reset, Play / Pause and Step: the run's controls, in a bar always in view.

The same mechanics as Mesa 3.5's ``ModelController`` (a step advances the model by
*days per step* working days, then Mesa's ``force_update`` redraws the views; playing
repeats that in a background task with a pause between redraws), with buttons that
name what they do (their text is their accessible name) and that stay in view when
the page scrolls or the sidebar is closed.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import solara
from mesa.visualization.utils import force_update

if TYPE_CHECKING:
    from .state import RunState


@solara.component
def RunControls(
    state: RunState, days_per_step: solara.Reactive[int], pause_ms: solara.Reactive[int]
) -> None:
    """Reset (day 0, same settings), Play / Pause, Step (*days per step* days).

    Play and Step are disabled once the run's last day is done.  Playing stops when the
    run is replaced (a lesson chosen, settings applied, Reset): the play loop steps only
    the model it started with (:meth:`~sim.app.state.RunState.advance`), and an error
    while playing becomes a message on the page (:meth:`~sim.app.state.RunState.fail`).

    Parameters
    ----------
    state : RunState
        The session's state: its run, ``playing`` flag and lock.
    days_per_step : solara.Reactive[int]
        Working days per Step and per redraw while playing.
    pause_ms : solara.Reactive[int]
        Pause between two redraws while playing, milliseconds.
    """
    playing = state.playing
    running = state.is_running()
    asked = state.asked.value is not None  # a question for the room is pending
    #: the play loop of the moment: an older loop (Pause then Play in quick succession)
    #: ends instead of stepping alongside it
    loop = solara.use_ref(0)

    def play() -> None:
        # a background task; it stops when Pause flips ``playing``, the run ends or the
        # run on screen is replaced
        if not playing.value:
            return
        loop.current += 1
        me, model, epoch = loop.current, state.model.value, state.redraws.epoch

        def current() -> bool:
            return (
                state.redraws.epoch == epoch
                and playing.value
                and loop.current == me
                and state.model.value is model
            )

        try:
            while current() and model.running:
                time.sleep(pause_ms.value / 1000)
                if not current() or not state.advance(days_per_step.value, model, current):
                    break
                token = state.token
                force_update()
                if state.asked.value is not None:  # a stop of presenter mode: ask the room
                    break
                # the next step only once this one is drawn (by this thread, or by a
                # render already running in another one): never a change per render pass
                state.redraws.wait(token, current)
        except Exception as exc:  # never a traceback on the page
            state.fail("play the run", exc)
        if loop.current == me:
            playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    with solara.Row(classes=["kpisim-runbar"], gap="8px", style={"align-items": "center"}):
        solara.Button("Reset", on_click=state.reset, classes=["kpisim-reset"])
        solara.Button(
            "❚❚ Pause" if playing.value else "▶ Play",
            on_click=lambda: state.reveal() if asked else playing.set(not playing.value),
            disabled=not running,
            classes=["kpisim-play"],
        )
        solara.Button(
            "Step",
            on_click=lambda: state.step(days_per_step.value),
            disabled=playing.value or not running,
            classes=["kpisim-step"],
        )
