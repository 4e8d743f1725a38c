"""The Solara page of the app: one model per browser session.

Reset, Play / Pause and Step (:mod:`sim.app.runner`, Mesa 3.5's controller mechanics)
sit in a bar at the top of the page and drive a :class:`~sim.model.ContactCentreModel`; Mesa's
``update_counter`` tells the views to redraw after each step.  Every browser session gets
its own model (created inside the page component, never at module level).  A refused
setting shows a message on the page and leaves the current run alone.

Never a traceback: the page's actions turn an unexpected error into a message
(:func:`sim.app.state.guarded`), and an error while drawing the live part is caught by
an error boundary (:func:`Boundary`), which says so and offers to go on or to reset the
run; the sidebar and the page as a whole (:func:`Page`) have error boundaries too.

Run it with ``kpisim app`` (see ``docs/app.md``) or ``solara run sim.app.page``.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from html import escape

import solara
from mesa.visualization.utils import update_counter

from ..config import available_scenarios
from ..model import ContactCentreModel
from .a11y import AccessibleNames
from .controls import PopulationControls, SchemeControls
from .export import export_dir
from .livecharts import LiveData, live_data
from .presenter import PresenterBar, PresenterView
from .runner import RunControls
from .settings import (
    Settings,
    build_config,
    comparison_settings,
    fixed_population,
    lesson_label,
    pending_changes,
    preset_config,
)
from .sharing import SHARING_CSS, Downloads, TimelineList
from .snapshot import Snapshot, side_deltas
from .state import Redraws, RunState, first_settings
from .views import CSS, LEGEND, Chart, LessonHeader, Signs, Smart, Tiles, comparison_legend

logging.getLogger("MESA").setLevel(logging.WARNING)
log = logging.getLogger(__name__)

#: Presenter mode hides the app bar and the sidebar (the layout keeps them mounted, so
#: leaving presenter mode brings them back as they were).
PRESENTER_HIDE = """
.v-navigation-drawer, .v-app-bar, header.v-sheet { display: none !important; }
main.v-main, main.v-content { padding: 0 !important; }
.solara-autorouter-content > .v-sheet { row-gap: 0 !important; }
"""

#: Charts below the first row, one per row: each fills the projector's width.
LOWER_CHARTS = ("customers", "employees", "levers", "money")


@solara.component
def Boundary(
    what: str,
    draw: Callable[[], object],
    failed: Callable[[BaseException, Callable[[], None]], object],
    on_error: Callable[[], None] | None = None,
) -> None:
    """An error boundary: ``draw()``, or, after an error while drawing it, a plain message
    drawn by ``failed`` (never a traceback; the server's log gets it).

    Parameters
    ----------
    what : str
        What it guards, for the log (``"the page"`` logs "the page failed").
    draw : callable
        Draws the guarded part (called while this component draws).
    failed : callable
        ``failed(exc, clear)`` draws the message instead; ``clear()`` draws the part again.
    on_error : callable, optional
        Called once after an error (e.g. to stop playing).
    """
    exc, clear = solara.use_exception()

    def logged() -> None:
        if exc is not None:
            log.error("%s failed", what, exc_info=exc)
            if on_error is not None:
                on_error()

    solara.use_effect(logged, [exc])
    if exc is None:
        draw()
        return
    failed(exc, clear)


@solara.component
def Page() -> None:
    """The app (:func:`App`) behind a top-level error boundary: an error while drawing
    the page (outside the sidebar and the live part, which have boundaries of their own,
    see :func:`App`) shows a plain message, never a traceback, and *Start again* opens a
    fresh session's run (the server's log gets the traceback)."""
    Boundary("the page", App, _page_failed)


def _page_failed(exc: BaseException, clear: Callable[[], None]) -> None:
    """The page's message after an error, and *Start again*."""
    solara.Error(
        f"The page hit an error and stopped: {type(exc).__name__}: {exc}",
        classes=["kpisim-error", "kpisim-page-failed"],
    )
    solara.Button("Start again", on_click=clear, classes=["kpisim-start-again"])


@solara.component
def App() -> None:
    """The app: one model per browser session."""
    # per-session model, created once for this page instance (never at module level)
    first = solara.use_memo(lambda: (s := first_settings(), build_config(s)), [])
    model0 = solara.use_memo(lambda: ContactCentreModel(first[1]), [])
    other0 = solara.use_memo(lambda: comparison_model(first[0]), [])
    state = RunState(
        applied=solara.use_reactive(first[0]),
        draft=solara.use_reactive(first[0]),
        cfg=solara.use_reactive(first[1]),
        model=solara.use_reactive(model0),
        generation=solara.use_reactive(0),
        note=solara.use_reactive(None),
        compare_on=solara.use_reactive(True),
        other=solara.use_reactive(other0),
        playing=solara.use_reactive(False),
        presenter=solara.use_reactive(False),
        asked=solara.use_reactive(None),
        swapped=solara.use_reactive(False),
        lock=solara.use_memo(threading.RLock, []),
        redraws=solara.use_memo(Redraws, []),
    )
    days_per_step = solara.use_reactive(5)
    pause_ms = solara.use_reactive(50)
    solara.Style(CSS + SHARING_CSS)
    AccessibleNames.element()
    solara.Title("kpisim — toxic KPIs, live")
    if state.presenter.value:  # presenter mode: no app bar, no sidebar
        solara.Style(PRESENTER_HIDE)
    with solara.AppBar():
        solara.AppBarTitle("kpisim · what a pay scheme really does")
    # Solara draws the sidebar's content in its layout, above Page, so the page's boundary
    # does not reach it: the sidebar and the live part have boundaries of their own.
    with solara.Sidebar(), solara.Column(classes=["kpisim-sidebar"]):
        Boundary(
            "the sidebar",
            lambda: Sidebar(state, days_per_step, pause_ms, state.export_now),
            _controls_failed,
        )
    Boundary(
        "the live view",
        lambda: Live(state, days_per_step, pause_ms),
        functools.partial(_live_failed, state),
        on_error=state.stop_playing,
    )


def _controls_failed(exc: BaseException, clear: Callable[[], None]) -> None:
    """The sidebar's message after an error, and *Show the controls again* (the run goes
    on)."""
    solara.Error(
        f"The controls hit an error: {type(exc).__name__}: {exc}", classes=["kpisim-error"]
    )
    solara.Button("Show the controls again", on_click=clear, classes=["kpisim-retry"])


def _live_failed(state: RunState, exc: BaseException, clear: Callable[[], None]) -> None:
    """The live part's message after an error: go on with the run, or reset it."""

    def reset() -> None:
        state.reset()
        clear()

    with solara.Column(classes=["kpisim-failed"]):
        solara.Error(
            f"The page could not draw the run at day {state.model.value.day}: "
            f"{type(exc).__name__}: {exc}",
            classes=["kpisim-error"],
        )
        with solara.Row():
            solara.Button("Go on with this run", on_click=clear, classes=["kpisim-retry"])
            solara.Button("Reset the run", on_click=reset, classes=["kpisim-reset"])


@solara.component
def Live(
    state: RunState, days_per_step: solara.Reactive[int], pause_ms: solara.Reactive[int]
) -> None:
    """What changes at every step: the run bar, the numbers and the charts.  Only this
    component redraws after a step (the sidebar does not).

    Parameters
    ----------
    state : RunState
        The session's state.
    days_per_step : solara.Reactive[int]
        Working days per step and per redraw.
    pause_ms : solara.Reactive[int]
        Pause between redraws while playing, milliseconds.
    """
    update_counter.get()  # redraw after every step (the run controls bump it)
    token = state.token
    solara.use_effect(lambda: state.redraws.drawn(token))  # after every redraw (the play loop)
    m, g = state.model.value, state.other.value
    if g is not None and state.swapped.value:  # the trainer picked the other side
        m, g = g, m
    snap = solara.use_memo(lambda: state.snapshot(m), dependencies=[token, id(m)])
    other = solara.use_memo(
        lambda: None if g is None else state.snapshot(g), dependencies=[token, id(g)]
    )
    run = f"{state.generation.value}-{id(m)}-{id(g)}"
    data = solara.use_memo(
        lambda: live_data(snap, m.cfg, run, other), dependencies=[token, id(m), id(g)]
    )
    # the run's controls stay at the top of the page, in view while scrolling and
    # when the sidebar is closed
    with solara.Row(classes=["kpisim-topbar"], style={"align-items": "center"}):
        RunControls(state, days_per_step, pause_ms)
        if state.presenter.value:  # the lesson and the switches beside the run's controls
            solara.Text(f"Day {m.day} of {state.cfg.value.days}", classes=["kpisim-topbar-run"])
            PresenterBar(state)
        else:
            solara.Text(
                f"Day {m.day} of {state.cfg.value.days} · {lesson_label(state.applied.value)}",
                classes=["kpisim-topbar-run"],
            )
    if state.presenter.value:
        PresenterView(state, snap, other, data)
        return
    MainView(state, snap, data, side_deltas(snap, other, side_name(state, state.swapped.value)))


def comparison_model(applied: Settings) -> ContactCentreModel | None:
    """The comparison's model for a session's first run (None without one).

    Parameters
    ----------
    applied : Settings
        The settings of the run on screen.
    """
    other = comparison_settings(applied)
    return None if other is None else ContactCentreModel(build_config(other))


def side_name(state: RunState, lesson_shown: bool) -> str:
    """The name of the side the tiles compare against.

    Parameters
    ----------
    state : RunState
        The session's state.
    lesson_shown : bool
        True when the lesson is in the grey lines (the trainer picked the comparison).
    """
    if lesson_shown:
        return state.applied.value.scenario
    return preset_config(state.applied.value.scenario).scenario.comparison


@solara.component
def Sidebar(
    state: RunState,
    days_per_step: solara.Reactive[int],
    pause_ms: solara.Reactive[int],
    on_export: Callable[[str], None],
) -> None:
    """Run speed, lesson, pay scheme, population and seed, export.

    Parameters
    ----------
    state : RunState
        The session's state.
    days_per_step : solara.Reactive[int]
        Working days per step and per redraw (a slider here).
    pause_ms : solara.Reactive[int]
        Pause between redraws while playing, milliseconds (a slider here).
    on_export : callable
        ``on_export(label)`` exports the charts with the typed file-name prefix.
    """
    export_label = solara.use_reactive("")
    applied = state.applied.value
    with solara.Card("Run speed"):
        solara.Text(f"Days per step / redraw: {days_per_step.value}", classes=["kpisim-ctl"])
        solara.SliderInt("", value=days_per_step, min=1, max=21)
        solara.Text(f"Pause between redraws: {pause_ms.value} ms", classes=["kpisim-ctl"])
        solara.SliderInt("", value=pause_ms, min=0, max=1000, step=50)
        solara.Switch(
            label="Presenter mode (hides this sidebar)",
            value=state.presenter.value,
            on_value=state.show_presenter,
        )
        comparison = preset_config(applied.scenario).scenario.comparison
        solara.Switch(
            label=f"Side by side with {comparison} (same customers, same dice)",
            value=state.compare_on.value,
            on_value=state.show_comparison,
            disabled=not state.comparison_available,
        )
        solara.Switch(
            label=f"Charts show {comparison}, the lesson in grey",
            value=state.swapped.value,
            on_value=lambda on: state.swapped.set(bool(on)),
            disabled=state.other.value is None,
        )
    with solara.Card("Lesson"):
        solara.Select(
            "Lesson preset (held while playing)" if state.playing.value else "Lesson preset",
            value=applied.scenario,
            values=available_scenarios(),
            on_value=state.choose_lesson,
            disabled=state.playing.value,
        )
        solara.Text(lesson_label(applied), classes=["kpisim-lesson-state"])
        solara.Button(
            "Reload lesson",
            on_click=lambda: state.choose_lesson(state.applied.value.scenario),
            disabled=state.playing.value,
            block=True,
            outlined=True,
            classes=["kpisim-reload"],
        )
    PendingChanges(state)
    with solara.Card("Pay scheme"):
        SchemeControls(state.draft, applied)
    with solara.Card("Population and seed"):
        PopulationControls(state.draft, applied, fixed_population(state.cfg.value))
    with solara.Card("Export charts"):
        solara.InputText("File name prefix (optional)", value=export_label, continuous_update=False)
        solara.Text(f"Folder (set with kpisim app --export-dir): {export_dir()}")
        solara.Button(
            "Export charts as PNG", on_click=lambda: on_export(export_label.value), block=True
        )


@solara.component
def PendingChanges(state: RunState) -> None:
    """Apply & restart, with the controls' changes not applied yet (or none).

    Parameters
    ----------
    state : RunState
        The session's state (applied and draft settings).
    """
    pending = pending_changes(state.applied.value, state.draft.value)
    classes = ["kpisim-pending"] + (["kpisim-pending-some"] if pending else [])
    with solara.Card("Apply settings", classes=classes):
        if pending:
            solara.Text("Not applied yet: " + ", ".join(pending), classes=["kpisim-pending-text"])
        else:
            solara.Text("The controls show the run on screen.", classes=["kpisim-pending-text"])
        solara.Button("Apply & restart", color="primary", on_click=state.apply, block=True)
        solara.Button(
            "Discard changes",
            on_click=state.discard,
            disabled=not pending,
            outlined=True,
            block=True,
        )


@solara.component
def MainView(
    state: RunState, snap: Snapshot | None, data: LiveData, deltas: dict[str, str]
) -> None:
    """Messages, the lesson, the tiles, the signs and the charts.

    Parameters
    ----------
    state : RunState
        The session's state.
    snap : Snapshot or None
        The run's state at the day shown (None before the first day).
    data : LiveData
        The live charts' data.
    deltas : dict of str to str
        Per tile, the difference against the other side (empty when it is off).
    """
    note = state.note.value
    # the message in a container of its own: one coming or going leaves the rest of the
    # page in place (not remounted, so a download being built is not lost)
    with solara.Column(gap="0px", classes=["kpisim-notes"]):
        if note is not None and note.token == state.token:
            if note.kind == "error":
                solara.Error(note.text, classes=["kpisim-error"])
            else:
                solara.Info(note.text, classes=["kpisim-message"])
    LessonHeader(state.applied.value, state.cfg.value)
    other = state.other.value
    legend = LEGEND
    if other is not None:
        shown = state.swapped.value
        legend += comparison_legend(
            state.applied.value.scenario if shown else other.cfg.scenario.name
        )
        if shown:
            legend = f"<b>The charts show {escape(other.cfg.scenario.name)}.</b> " + legend
    solara.HTML(tag="div", unsafe_innerHTML=legend, classes=["kpisim-legend"])
    c = state.cfg.value
    Tiles(snap, c, deltas)
    # side by side on a wide screen, the signs below the chart on a narrow one
    with solara.ColumnsResponsive(12, large=[7, 5]):
        Chart(data, "dashboard_vs_reality")
        with solara.Column(gap="4px"):
            Signs(snap)
            Smart(snap)
            Downloads(state, snap)
            TimelineList(snap)
    for key in LOWER_CHARTS:
        Chart(data, key)
