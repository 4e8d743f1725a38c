"""The Solara page of the app: one model per browser session.

Reset, Play / Pause and Step (:mod:`sim.app.runner`, Mesa 3.5's controller mechanics)
sit in a bar at the top of the page and drive a :class:`~sim.model.ContactCentreModel`; Mesa's
``update_counter`` tells the views to redraw after each step.  Every browser session gets
its own model (created inside the page component, never at module level).  A refused
setting shows a message on the page and leaves the current run alone.

Run it with ``kpisim app`` (see ``docs/app.md``) or ``solara run sim.app.page``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import solara
from mesa.visualization.utils import force_update, update_counter

from ..config import Config, ConfigError, available_scenarios
from ..model import ContactCentreModel
from .controls import PopulationControls, SchemeControls
from .export import export_charts, export_dir
from .livecharts import LiveData, live_data
from .runner import RunControls
from .settings import (
    DEFAULT_SCENARIO,
    Settings,
    build_config,
    fixed_population,
    lesson_label,
    pending_changes,
    preset_settings,
    scheme_extras,
)
from .snapshot import Snapshot, take_snapshot
from .views import CSS, LEGEND, Chart, Signs, Tiles

logging.getLogger("MESA").setLevel(logging.WARNING)

#: Charts below the first row, one per row: each fills the projector's width.
LOWER_CHARTS = ("customers", "employees", "levers", "money")


@dataclass(frozen=True)
class Note:
    """A message on the page; it shows until the run moves on (``token`` changes)."""

    kind: str  # "info" or "error"
    text: str
    token: str


@dataclass
class RunState:
    """The reactive state of one browser session's run.

    ``applied`` holds the settings of the run on screen; ``draft`` what the controls
    show, which differs from ``applied`` only by changes not applied yet.
    """

    applied: solara.Reactive[Settings]
    draft: solara.Reactive[Settings]
    cfg: solara.Reactive[Config]
    model: solara.Reactive[ContactCentreModel]
    generation: solara.Reactive[int]
    note: solara.Reactive[Note | None]

    @property
    def token(self) -> str:
        """Identifies the run and its day: changes on every step, reset and restart."""
        m = self.model.value
        return f"{self.generation.value}-{id(m)}-{m.day}"

    def say(self, text: str, kind: str = "info") -> None:
        """Show a message until the run moves on."""
        self.note.set(Note(kind, text, self.token))

    def start(self, new: Settings, note: str) -> None:
        """Build the config, start a new model from day 0; errors go to the page."""
        try:
            new_cfg = build_config(new)
        except ConfigError as exc:
            self.say(f"Not applied: {exc}", "error")
            return
        except Exception as exc:  # never let a bad value take the page down
            self.say(f"Not applied: {type(exc).__name__}: {exc}", "error")
            return
        self.applied.set(new)
        self.draft.set(new)
        self.cfg.set(new_cfg)
        self.model.set(ContactCentreModel(new_cfg))
        self.generation.set(self.generation.value + 1)
        self.say(note)
        force_update()

    def choose_lesson(self, name: str) -> None:
        """Load the lesson preset ``name`` into the controls and start it from day 0
        (choosing the lesson on screen again reloads it, dropping any change)."""
        try:
            new = preset_settings(name, keep=self.applied.value)
        except ConfigError as exc:
            self.say(str(exc), "error")
            return
        self.start(new, f"Lesson '{name}' loaded: a new run from day 0.")

    def reset(self) -> None:
        """The same settings from day 0 (a new model)."""
        self.model.set(ContactCentreModel(self.cfg.value))
        force_update()

    def apply(self) -> None:
        """Start a new run with the controls' settings."""
        self.start(self.draft.value, "Settings applied: a new run from day 0.")

    def discard(self) -> None:
        """Put the controls back to the settings of the run on screen."""
        self.draft.set(self.applied.value)

    def export(self, snap: Snapshot | None, label: str) -> None:
        """Export the charts of ``snap``; the outcome goes to the page."""
        if snap is None:
            self.say("Nothing to export yet: simulate at least one day.", "error")
            return
        cfg = self.cfg.value
        try:
            files = export_charts(snap, label or f"{cfg.scenario.name}_seed{cfg.seed}")
        except Exception as exc:
            self.say(f"Export failed: {type(exc).__name__}: {exc}", "error")
            return
        self.say(
            f"Exported {len(files)} PNG files to the export folder: "
            + ", ".join(f.name for f in files)
        )


def first_settings() -> Settings:
    """The settings of a session's first run: the default lesson's preset."""
    return preset_settings(DEFAULT_SCENARIO)


@solara.component
def Page() -> None:
    """The app: one model per browser session."""
    # per-session model, created once for this page instance (never at module level)
    first = solara.use_memo(lambda: (s := first_settings(), build_config(s)), [])
    model0 = solara.use_memo(lambda: ContactCentreModel(first[1]), [])
    state = RunState(
        applied=solara.use_reactive(first[0]),
        draft=solara.use_reactive(first[0]),
        cfg=solara.use_reactive(first[1]),
        model=solara.use_reactive(model0),
        generation=solara.use_reactive(0),
        note=solara.use_reactive(None),
    )
    days_per_step = solara.use_reactive(5)
    pause_ms = solara.use_reactive(50)
    solara.Style(CSS)
    solara.Title("kpisim — toxic KPIs, live")
    with solara.AppBar():
        solara.AppBarTitle("kpisim · what a pay scheme really does")
    with solara.Sidebar(), solara.Column(classes=["kpisim-sidebar"]):
        Sidebar(
            state,
            days_per_step,
            pause_ms,
            lambda label: state.export(take_snapshot(state.model.value), label),
        )
    Live(state, days_per_step, pause_ms)


@solara.component
def Live(
    state: RunState, days_per_step: solara.Reactive[int], pause_ms: solara.Reactive[int]
) -> None:
    """What changes at every step: the run bar, the numbers and the charts.  Only this
    component redraws after a step (the sidebar does not)."""
    update_counter.get()  # redraw after every step (the run controls bump it)
    token = state.token
    m = state.model.value
    snap = solara.use_memo(lambda: take_snapshot(m), dependencies=[token])
    run = f"{state.generation.value}-{id(m)}"
    data = solara.use_memo(lambda: live_data(snap, state.cfg.value, run), dependencies=[token])
    # the run's controls stay at the top of the page, in view while scrolling and
    # when the sidebar is closed
    with solara.Row(classes=["kpisim-topbar"], style={"align-items": "center"}):
        RunControls(state.model, days_per_step, pause_ms, state.reset)
        solara.Text(
            f"Day {m.day} of {state.cfg.value.days} · {lesson_label(state.applied.value)}",
            classes=["kpisim-topbar-run"],
        )
    MainView(state, snap, data)


@solara.component
def Sidebar(
    state: RunState,
    days_per_step: solara.Reactive[int],
    pause_ms: solara.Reactive[int],
    on_export: Callable[[str], None],
) -> None:
    """Run speed, lesson, pay scheme, population and seed, export."""
    export_label = solara.use_reactive("")
    applied = state.applied.value
    with solara.Card("Run speed"):
        solara.Text(f"Days per step / redraw: {days_per_step.value}", classes=["kpisim-ctl"])
        solara.SliderInt("", value=days_per_step, min=1, max=21)
        solara.Text(f"Pause between redraws: {pause_ms.value} ms", classes=["kpisim-ctl"])
        solara.SliderInt("", value=pause_ms, min=0, max=1000, step=50)
    with solara.Card("Lesson"):
        solara.Select(
            "Lesson preset",
            value=applied.scenario,
            values=available_scenarios(),
            on_value=state.choose_lesson,
        )
        solara.Text(lesson_label(applied), classes=["kpisim-lesson-state"])
        solara.Button(
            "Reload lesson",
            on_click=lambda: state.choose_lesson(state.applied.value.scenario),
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
    """Apply & restart, with the controls' changes not applied yet (or none)."""
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
def MainView(state: RunState, snap: Snapshot | None, data: LiveData) -> None:
    """Messages, the lesson, the tiles, the signs and the charts."""
    note = state.note.value
    if note is not None and note.token == state.token:
        if note.kind == "error":
            solara.Error(note.text, classes=["kpisim-error"])
        else:
            solara.Info(note.text, classes=["kpisim-message"])
    LessonHeader(state.applied.value, state.cfg.value)
    solara.HTML(tag="div", unsafe_innerHTML=LEGEND, classes=["kpisim-legend"])
    c = state.cfg.value
    Tiles(snap, c)
    # side by side on a wide screen, the signs below the chart on a narrow one
    with solara.ColumnsResponsive(12, large=[7, 5]):
        Chart(data, "dashboard_vs_reality")
        Signs(snap)
    for key in LOWER_CHARTS:
        Chart(data, key)


@solara.component
def LessonHeader(applied: Settings, c: Config) -> None:
    """The lesson of the run on screen (with its changes from the preset) and its text."""
    label = lesson_label(applied)
    modified = label != applied.scenario
    note = (
        "<br><i>The lesson text describes the preset; this run is modified.</i>" if modified else ""
    )
    with solara.Column(classes=["kpisim-lesson"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<p><b>Lesson: {escape(label)}</b> — {escape(c.scenario.description)}</p>"
                f"<p><b>What to watch:</b> {escape(c.scenario.lesson)}{note}</p>"
            ),
        )
        solara.Text(
            f"{c.customers.n:,} customers · {c.employees.n} agents · seed {c.seed} · "
            f"scheme '{c.scheme.name}' · bonus {c.scheme.bonus_share:.0%} of salary"
            + scheme_extras(c),
            classes=["kpisim-runinfo"],
        )
