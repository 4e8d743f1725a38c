"""The state of one browser session: the run on screen, the controls, the ghost run.

:class:`RunState` holds Solara reactive variables: the settings of the run on screen
(``applied``) and of the controls (``draft``), the run's config and model, an optional
ghost baseline (the same seed under the baseline scheme, stepped alongside), and the
message of the moment.  Its methods are what the page's buttons do.
"""

from __future__ import annotations

from dataclasses import dataclass

import solara
from mesa.visualization.utils import force_update

from ..config import Config, ConfigError
from ..model import ContactCentreModel
from .export import export_charts, warm_export_pool
from .settings import (
    DEFAULT_SCENARIO,
    Settings,
    build_config,
    fixed_population,
    ghost_settings,
    preset_settings,
)
from .snapshot import Snapshot, take_snapshot


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
    ghost_on: solara.Reactive[bool]
    ghost: solara.Reactive[ContactCentreModel | None]

    @property
    def token(self) -> str:
        """Identifies the run and its day: changes on every step, reset and restart."""
        m = self.model.value
        return f"{self.generation.value}-{id(m)}-{m.day}"

    @property
    def ghost_available(self) -> bool:
        """A ghost baseline needs a population-driven run (not a fixed call stream)."""
        return not fixed_population(self.cfg.value)

    def is_running(self) -> bool:
        """Whether the run can go on (not past its last day)."""
        return bool(self.model.value.running)

    def advance(self, days: int) -> None:
        """Simulate up to ``days`` working days, the ghost baseline alongside.

        Parameters
        ----------
        days : int
            Working days to simulate (fewer when the run ends).
        """
        m, g = self.model.value, self.ghost.value
        for _ in range(days):
            if not m.running:
                break
            m.step()
            if g is not None and g.day < m.day:
                g.step()

    def make_ghost(self) -> None:
        """(Re)create the ghost baseline if it is on, caught up to the run's day."""
        if not (self.ghost_on.value and self.ghost_available):
            self.ghost.set(None)
            return
        g = ContactCentreModel(build_config(ghost_settings(self.applied.value)))
        while g.day < self.model.value.day:
            g.step()
        self.ghost.set(g)

    def show_ghost(self, on: bool) -> None:
        """Switch the ghost baseline on or off.

        Parameters
        ----------
        on : bool
            Whether to show it.
        """
        self.ghost_on.set(bool(on))
        self.make_ghost()
        force_update()

    def say(self, text: str, kind: str = "info") -> None:
        """Show a message until the run moves on.

        Parameters
        ----------
        text : str
            The message.
        kind : str
            ``info`` or ``error``.
        """
        self.note.set(Note(kind, text, self.token))

    def start(self, new: Settings, note: str) -> None:
        """Build the config, start a new model from day 0; errors go to the page.

        Parameters
        ----------
        new : Settings
            The settings to apply.
        note : str
            The message shown when the new run starts.
        """
        try:
            new_cfg = build_config(new)
        except ConfigError as exc:
            self.say(f"Not applied: {exc}", "error")
            return
        except Exception as exc:  # never let a bad value take the page down
            self.say(f"Not applied: {type(exc).__name__}: {exc}", "error")
            return
        model = ContactCentreModel(new_cfg)  # built first: the page changes all at once
        self.applied.set(new)
        self.draft.set(new)
        self.cfg.set(new_cfg)
        self.model.set(model)
        self.make_ghost()
        self.generation.set(self.generation.value + 1)
        self.say(note)
        force_update()

    def choose_lesson(self, name: str) -> None:
        """Load the lesson preset ``name`` into the controls and start it from day 0
        (choosing the lesson on screen again reloads it, dropping any change).

        Parameters
        ----------
        name : str
            The lesson (a scenario name).
        """
        try:
            new = preset_settings(name, keep=self.applied.value)
        except ConfigError as exc:
            self.say(str(exc), "error")
            return
        self.start(new, f"Lesson '{name}' loaded: a new run from day 0.")

    def reset(self) -> None:
        """The same settings from day 0 (a new model)."""
        self.model.set(ContactCentreModel(self.cfg.value))
        self.make_ghost()
        # a new run for the charts even if the new model reuses the old one's address
        self.generation.set(self.generation.value + 1)
        force_update()

    def apply(self) -> None:
        """Start a new run with the controls' settings."""
        self.start(self.draft.value, "Settings applied: a new run from day 0.")

    def discard(self) -> None:
        """Put the controls back to the settings of the run on screen."""
        self.draft.set(self.applied.value)

    def export_now(self, label: str) -> None:
        """Export the charts of the run on screen in the background: drawing five PNG
        files takes about a second, the page stays usable and says when they are
        written.

        Parameters
        ----------
        label : str
            The file-name prefix typed on the page (made safe; empty: scenario and seed).
        """
        snap = take_snapshot(self.model.value)
        if snap is None:
            self.say("Nothing to export yet: simulate at least one day.", "error")
            return
        self.say("Exporting the charts as PNG files…")
        _export_in_background(self, snap, label)

    def export(self, snap: Snapshot | None, label: str) -> None:
        """Export the charts of ``snap``; the outcome goes to the page.

        Parameters
        ----------
        snap : Snapshot or None
            The state to draw.
        label : str
            The file-name prefix typed on the page (empty: scenario and seed).
        """
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


@solara.lab.task
def _export_in_background(state: RunState, snap: Snapshot, label: str) -> None:
    state.export(snap, label)


def first_settings() -> Settings:
    """The settings of a session's first run: the default lesson's preset.  Called when
    a session opens, it also starts the export's worker processes (once per server, in
    the background) so that the first export does not wait for them."""
    warm_export_pool()
    return preset_settings(DEFAULT_SCENARIO)
