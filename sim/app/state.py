"""The state of one browser session: the run on screen, the controls, its comparison.

:class:`RunState` holds Solara reactive variables: the settings of the run on screen
(``applied``) and of the controls (``draft``), the run's config and model, the other
side (the lesson's comparison, ``scenario.comparison``, at the same seed and size,
stepped alongside), presenter mode and its stop, and the message of the moment.  Its
methods are what the page's buttons do.

Robustness: *Play* steps the model in a background thread while the page may render,
choose a lesson or export in another.  A model is only ever stepped or read while
holding the session's ``lock`` (one simulated day at a time), so a render never sees a
day half-booked; choosing a lesson, applying, resetting stop playing before the run is
replaced, and the play loop steps only the model it started with.  Every action the
page offers goes through :func:`guarded`: an unexpected error becomes a message on the
page and the run on screen is left as it was.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import solara
from mesa.visualization.utils import force_update

from ..config import Config, ConfigError
from ..model import ContactCentreModel
from .export import export_charts, warm_export_pool
from .messages import Note, guarded
from .redraws import Redraws
from .settings import (
    DEFAULT_SCENARIO,
    Settings,
    build_config,
    comparison_settings,
    preset_settings,
)
from .snapshot import Snapshot, take_snapshot

log = logging.getLogger(__name__)


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
    #: the comparison shown side by side (on by default)
    compare_on: solara.Reactive[bool]
    #: the comparison's model (None when off or the lesson has none)
    other: solara.Reactive[ContactCentreModel | None]
    playing: solara.Reactive[bool]
    #: presenter mode: sidebar hidden, large tiles, the run stops at the lesson's stops
    presenter: solara.Reactive[bool]
    #: the stop day whose prompt is shown (None: no question pending)
    asked: solara.Reactive[int | None]
    #: the trainer picked the comparison as the side the charts draw
    swapped: solara.Reactive[bool]
    #: held while a model of this session is stepped or read (one per session)
    lock: threading.RLock
    #: the live part's last finished redraw (one per session)
    redraws: Redraws

    @property
    def token(self) -> str:
        """Identifies the run and its day: changes on every step, reset and restart."""
        m = self.model.value
        return f"{self.generation.value}-{id(m)}-{m.day}"

    @property
    def comparison_available(self) -> bool:
        """A comparison needs a lesson compared with another one (not the baseline,
        which is its own comparison) on a population-driven run."""
        return comparison_settings(self.applied.value) is not None

    def stop_due(self, day: int) -> bool:
        """Whether presenter mode stops the run at ``day`` (a stop of the lesson's
        ``scenario.live.stops``).

        Parameters
        ----------
        day : int
            Working days completed.
        """
        return self.presenter.value and day in self.cfg.value.scenario.live.stops

    def is_running(self) -> bool:
        """Whether the run can go on (not past its last day)."""
        return bool(self.model.value.running)

    def advance(
        self,
        days: int,
        model: ContactCentreModel | None = None,
        go_on: Callable[[], bool] | None = None,
    ) -> int:
        """Simulate up to ``days`` working days, the comparison alongside, one day at a
        time under the session's lock; in presenter mode the run stops at a stop day
        and its prompt is shown (``asked``).

        Parameters
        ----------
        days : int
            Working days to simulate (fewer when the run ends).
        model : ContactCentreModel, optional
            The run this step was asked for (the play loop passes the run it started
            with): nothing is simulated once the run on screen is another one.
        go_on : callable, optional
            Checked before each day (the play loop: still playing); stops when False.

        Returns
        -------
        int
            Days simulated.
        """
        done = 0
        for _ in range(days):
            with self.lock:
                m, g = self.model.value, self.other.value
                if (model is not None and m is not model) or not m.running:
                    break
                if go_on is not None and not go_on():
                    break
                m.step()
                while g is not None and g.running and g.day < m.day:
                    g.step()
            done += 1
            if self.stop_due(m.day):
                self.asked.set(m.day)
                break
        return done

    def snapshot(self, model: ContactCentreModel, full: bool = True) -> Snapshot | None:
        """:func:`~sim.app.snapshot.take_snapshot` under the session's lock: never of a
        day half-simulated by the play loop.

        Parameters
        ----------
        model : ContactCentreModel
            The run (or its comparison) to read.
        full : bool
            False for a run whose employee table and signs are not shown.
        """
        with self.lock:
            return take_snapshot(model, full=full)

    def fail(self, action: str, exc: BaseException) -> None:
        """Stop playing and say that ``action`` failed (the run on screen stays).

        Parameters
        ----------
        action : str
            What was being done (e.g. "load the lesson").
        exc : BaseException
            The error.
        """
        self.stop_playing()
        self.say(f"Could not {action}: {type(exc).__name__}: {exc}", "error")

    def stop_playing(self) -> None:
        """Stop the play loop now: no day is simulated by it once this returns (the day
        it may be simulating is finished first), so a message set next stays."""
        self.redraws.epoch += 1
        self.playing.set(False)
        with self.lock:  # the play loop's day in progress, if any, is over
            pass

    def make_other(self) -> None:
        """(Re)create the comparison if it is on, caught up to the run's day."""
        other = comparison_settings(self.applied.value) if self.compare_on.value else None
        if other is None:
            self.other.set(None)
            return
        g = ContactCentreModel(build_config(other))
        with self.lock:  # caught up to the run's day (the play loop waits meanwhile)
            while g.day < self.model.value.day:
                g.step()
        # set outside the lock (setting a reactive may render); a day the play loop
        # simulates in between is caught up by ``advance``
        self.other.set(g)

    @guarded("show the comparison")
    def show_comparison(self, on: bool) -> None:
        """Show the comparison side by side, or not.

        Parameters
        ----------
        on : bool
            Whether to show it.
        """
        self.compare_on.set(bool(on))
        if not on:
            self.swapped.set(False)
        self.make_other()
        force_update()

    @guarded("switch presenter mode")
    def show_presenter(self, on: bool) -> None:
        """Presenter mode on or off (a question pending is dropped).

        Parameters
        ----------
        on : bool
            Whether presenter mode is on.
        """
        self.presenter.set(bool(on))
        self.asked.set(None)
        force_update()

    @guarded("reveal what happens")
    def reveal(self) -> None:
        """Answer the pending question: play on to the next stop."""
        self.asked.set(None)
        self.playing.set(True)

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

    @guarded("step the run")
    def step(self, days: int) -> None:
        """Step: simulate ``days`` working days, then redraw.

        Parameters
        ----------
        days : int
            Working days to simulate.
        """
        self.advance(days)
        force_update()

    def start(self, new: Settings, note: str) -> None:
        """Build the config, start a new model from day 0; playing stops (also when the
        settings are refused); errors go to the page.

        Parameters
        ----------
        new : Settings
            The settings to apply.
        note : str
            The message shown when the new run starts.
        """
        # playing stops first, before the run is replaced (the play loop never steps the
        # new run) and before a refusal (its message stays until the trainer moves on)
        self.stop_playing()
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
        self.asked.set(None)
        self.make_other()
        self.generation.set(self.generation.value + 1)
        self.say(note)
        force_update()

    @guarded("load the lesson")
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

    @guarded("reset the run")
    def reset(self) -> None:
        """The same settings from day 0 (a new model; playing stops)."""
        self.stop_playing()
        self.asked.set(None)
        self.model.set(ContactCentreModel(self.cfg.value))
        self.make_other()
        # a new run for the charts even if the new model reuses the old one's address
        self.generation.set(self.generation.value + 1)
        force_update()

    @guarded("apply the settings")
    def apply(self) -> None:
        """Start a new run with the controls' settings."""
        self.start(self.draft.value, "Settings applied: a new run from day 0.")

    @guarded("discard the changes")
    def discard(self) -> None:
        """Put the controls back to the settings of the run on screen."""
        self.draft.set(self.applied.value)

    @guarded("export the charts")
    def export_now(self, label: str) -> None:
        """Export the charts of the run on screen in the background: drawing five PNG
        files takes about a second, the page stays usable and says when they are
        written.

        Parameters
        ----------
        label : str
            The file-name prefix typed on the page (made safe; empty: scenario and seed).
        """
        snap = self.snapshot(self.model.value)
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
    try:
        state.export(snap, label)
    except Exception as exc:  # a background failure is a message too
        log.exception("export failed")
        state.say(f"Export failed: {type(exc).__name__}: {exc}", "error")


def first_settings() -> Settings:
    """The settings of a session's first run: the default lesson's preset.  Called when
    a session opens, it also starts the export's worker processes (once per server, in
    the background) so that the first export does not wait for them."""
    warm_export_pool()
    return preset_settings(DEFAULT_SCENARIO)
