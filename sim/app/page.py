"""The Solara page of the app: one model per browser session.

A page built on Mesa 3.5's visualization API: Mesa's :func:`ModelController` (play /
pause / step / reset) drives a :class:`~sim.model.ContactCentreModel`, and Mesa's
``update_counter`` tells the views to redraw after each step.  Every browser session gets
its own model (created inside the page component, never at module level).  A refused
setting shows a message on the page and leaves the current run alone.

Run it with ``kpisim app`` (see ``docs/app.md``) or ``solara run sim.app.page``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import force_update, update_counter

from ..config import Config, ConfigError, available_scenarios
from ..model import ContactCentreModel
from .controls import PopulationControls, SchemeControls
from .export import export_charts, export_dir
from .settings import Settings, build_config, fixed_population, preset_settings
from .snapshot import Snapshot, take_snapshot
from .views import CSS, LEGEND, Chart, Signs, Tiles

logging.getLogger("MESA").setLevel(logging.WARNING)

#: Charts below the first row, one per row: each fills the projector's width.
LOWER_CHARTS = ("customers", "employees", "levers", "money")


@dataclass
class RunState:
    """The reactive state of one browser session's run."""

    settings: solara.Reactive[Settings]
    cfg: solara.Reactive[Config]
    model: solara.Reactive[ContactCentreModel]
    model_params: solara.Reactive[dict]
    generation: solara.Reactive[int]
    message: solara.Reactive[str]
    error: solara.Reactive[str]

    def start(self, new: Settings, note: str) -> None:
        """Build the config, start a new model from day 0; errors go to the page."""
        try:
            new_cfg = build_config(new)
        except ConfigError as exc:
            self.error.set(f"Not applied: {exc}")
            return
        except Exception as exc:  # never let a bad value take the page down
            self.error.set(f"Not applied: {type(exc).__name__}: {exc}")
            return
        self.settings.set(new)
        self.cfg.set(new_cfg)
        self.model_params.set({"cfg": new_cfg})
        self.model.set(ContactCentreModel(new_cfg))
        self.generation.set(self.generation.value + 1)
        self.error.set("")
        self.message.set(note)
        force_update()

    def choose_lesson(self, name: str) -> None:
        """Load the lesson preset ``name`` into the controls and start it from day 0."""
        try:
            new = preset_settings(name, keep=self.settings.value)
        except ConfigError as exc:
            self.error.set(str(exc))
            return
        self.start(new, f"Lesson '{name}' loaded: a new run from day 0.")

    def export(self, snap: Snapshot | None, label: str) -> None:
        """Export the charts of ``snap``; the outcome goes to the page."""
        if snap is None:
            self.error.set("Nothing to export yet: simulate at least one day.")
            return
        cfg = self.cfg.value
        try:
            files = export_charts(snap, label or f"{cfg.scenario.name}_seed{cfg.seed}")
        except Exception as exc:
            self.error.set(f"Export failed: {type(exc).__name__}: {exc}")
            return
        self.error.set("")
        self.message.set(
            f"Exported {len(files)} PNG files to the export folder: "
            + ", ".join(f.name for f in files)
        )


def first_model(s: Settings) -> ContactCentreModel:
    """The session's first model (the default lesson)."""
    return ContactCentreModel(build_config(preset_settings(s.scenario, keep=s)))


@solara.component
def Page() -> None:
    """The app: one model per browser session."""
    settings = solara.use_reactive(Settings())
    # per-session model, created once for this page instance (never at module level)
    first = solara.use_memo(lambda: first_model(settings.value), [])
    state = RunState(
        settings=settings,
        cfg=solara.use_reactive(first.cfg),
        model=solara.use_reactive(first),
        model_params=solara.use_reactive({"cfg": first.cfg}),
        generation=solara.use_reactive(0),
        message=solara.use_reactive(""),
        error=solara.use_reactive(""),
    )
    update_counter.get()  # redraw after every step (Mesa's ModelController bumps it)

    m = state.model.value
    token = f"{state.generation.value}-{id(m)}-{m.day}"
    snap = solara.use_memo(lambda: take_snapshot(m), dependencies=[token])

    solara.Style(CSS)
    solara.Title("kpisim — toxic KPIs, live")
    with solara.AppBar():
        solara.AppBarTitle("kpisim · what a KPI-based pay scheme really does")
    with solara.Sidebar(), solara.Column(classes=["kpisim-sidebar"]):
        Sidebar(state, lambda label: state.export(snap, label))
    MainView(state, snap, token)


@solara.component
def Sidebar(state: RunState, on_export: Callable[[str], None]) -> None:
    """Run controls, lesson, pay scheme, population and seed, export."""
    days_per_step = solara.use_reactive(5)
    play_interval = solara.use_reactive(50)
    export_label = solara.use_reactive("")
    use_threads = solara.use_reactive(False)
    with solara.Card("Run"):
        ModelController(
            state.model,
            model_parameters=state.model_params,
            play_interval=play_interval,
            render_interval=days_per_step,
            use_threads=use_threads,
        )
        solara.SliderInt(
            f"Days per step / redraw: {days_per_step.value}",
            value=days_per_step,
            min=1,
            max=21,
        )
        solara.SliderInt(
            f"Pause between redraws: {play_interval.value} ms",
            value=play_interval,
            min=0,
            max=1000,
            step=50,
        )
    with solara.Card("Lesson"):
        solara.Select(
            "Lesson preset",
            value=state.settings.value.scenario,
            values=available_scenarios(),
            on_value=state.choose_lesson,
        )
    with solara.Card("Pay scheme (applies on 'Apply & restart')"):
        SchemeControls(state.settings)
    with solara.Card("Population and seed"):
        PopulationControls(state.settings, fixed_population(state.cfg.value))
        solara.Button(
            "Apply & restart",
            color="primary",
            block=True,
            on_click=lambda: state.start(
                state.settings.value, "Settings applied: a new run from day 0."
            ),
        )
    with solara.Card("Export charts"):
        solara.InputText("File name prefix (optional)", value=export_label, continuous_update=False)
        solara.Text(f"Folder (set with kpisim app --export-dir): {export_dir()}")
        solara.Button(
            "Export charts as PNG", on_click=lambda: on_export(export_label.value), block=True
        )


@solara.component
def MainView(state: RunState, snap: Snapshot | None, token: str) -> None:
    """Messages, the lesson, the tiles, the signs and the charts."""
    if state.error.value:
        solara.Error(state.error.value, classes=["kpisim-error"])
    if state.message.value:
        solara.Info(state.message.value, classes=["kpisim-message"])
    c = state.cfg.value
    with solara.Column(classes=["kpisim-lesson"]):
        solara.Markdown(
            f"**Lesson: {c.scenario.name}** — {c.scenario.description}\n\n"
            f"**What to watch:** {c.scenario.lesson}"
        )
        solara.Text(
            f"{c.customers.n:,} customers · {c.employees.n} agents · seed {c.seed} · "
            f"scheme '{c.scheme.name}' · bonus {c.scheme.bonus_share:.0%} of salary",
            classes=["kpisim-runinfo"],
        )
    solara.Markdown(LEGEND, style={"font-size": "18px"})
    Tiles(snap, c)
    with solara.Columns([3, 2]):
        Chart(snap, "dashboard_vs_reality", token)
        Signs(snap)
    for key in LOWER_CHARTS:
        Chart(snap, key, token)
