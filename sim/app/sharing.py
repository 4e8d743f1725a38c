"""What the trainer takes away from the page: downloads and the timeline list.

:func:`Downloads` offers three downloads of the run on screen, built when clicked
(Solara's ``FileDownload`` with a function: the server draws, the browser saves):
the whole screen as a PNG slide, every slide in a ZIP (:func:`sim.app.export.
slides_zip`) and the printable debrief (:func:`sim.app.debrief.debrief_html`).  A copy
of each goes to the export folder.  :func:`TimelineList` shows the run's events
(:mod:`sim.app.timeline`) as a list.

Never a traceback: a download that fails says so on the page ("Could not …", the
server's log gets the traceback) instead of taking the page down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import solara

from .debrief import Lesson, debrief_html
from .export import safe_name, save_copy, screen_png, slides_zip, stem
from .settings import comparison_settings, lesson_label, pct, scheme_extras
from .slides import SlideContext
from .snapshot import Snapshot, kpi_tiles, side_deltas
from .timeline import events

if TYPE_CHECKING:
    from .state import RunState

log = logging.getLogger(__name__)


def run_line(state: RunState) -> str:
    """The run in one line: size, seed, scheme, bonus and the scheme's other features.

    Parameters
    ----------
    state : RunState
        The session's state.
    """
    c = state.cfg.value
    spec = f" + {c.teams.specialists_n} specialists" if c.teams.specialists_n else ""
    return (
        f"{c.customers.n:,} customers · {c.employees.n} agents{spec} · seed {c.seed} · "
        f"scheme '{c.scheme.name}' · on-target bonus {pct(c.scheme.bonus_share)} of salary"
        + scheme_extras(c)
    )


def slide_context(state: RunState) -> SlideContext | None:
    """The run on screen as the slides and the debrief show it (None before the first
    day): read under the session's lock, never a day half-simulated.

    Parameters
    ----------
    state : RunState
        The session's state (the run and, side by side, its lesson's comparison).
    """
    snap = state.snapshot(state.model.value)
    if snap is None:
        return None
    g = state.other.value
    other = state.snapshot(g, full=False) if g is not None else None
    if other is not None and other.day != snap.day:
        other = None  # caught up at the next step; never a line from another day
    side = comparison_settings(state.applied.value) if other is not None else None
    name = side.scenario if side is not None else None
    return SlideContext(
        snap=snap,
        title=lesson_label(state.applied.value),
        days=state.cfg.value.days,
        run_line=run_line(state),
        tiles=kpi_tiles(snap, state.cfg.value),
        comparison=name,
        other=other,
        deltas=side_deltas(snap, other, name) if name else {},
        events=events(snap),
    )


def _screen(ctx: SlideContext) -> bytes:
    return screen_png(ctx)


def _slides(ctx: SlideContext) -> bytes:
    return slides_zip(ctx)


def _debrief(state: RunState) -> Callable[[SlideContext], bytes]:
    def make(ctx: SlideContext) -> bytes:
        sc = state.cfg.value.scenario
        data = debrief_html(ctx, Lesson(sc.description, sc.lesson)).encode("utf-8")
        save_copy(f"{stem(ctx)}_debrief.html", data)
        return data

    return make


def _safe(state: RunState, what: str, build: Callable[[SlideContext], bytes]) -> Callable:
    """A download's data function that never raises: an error (or no day simulated
    yet) is a message on the page and an empty file."""

    def data() -> bytes:
        try:
            # playing pauses: the file shows the day on screen, and a page redrawn at
            # every step while the file is built lost the finished download
            if state.playing.value:
                state.stop_playing()
            ctx = slide_context(state)
            if ctx is None:
                state.say("Nothing to download yet: simulate at least one day.", "error")
                return b""
            # no message on success: a message above the charts remounts the part of the
            # page holding this button, and the finished download would be lost
            return build(ctx)
        except Exception as exc:  # the page must never show a traceback
            log.exception("download failed: %s", what)
            state.say(f"Could not build {what}: {type(exc).__name__}: {exc}", "error")
            return b""

    return data


#: The downloads: (class, button label, what, file suffix, MIME type).
DOWNLOADS = (
    ("screen", "Screen as PNG", "the screen as a slide", "_screen.png", "image/png"),
    ("slides", "All slides (ZIP)", "the slides", "_slides.zip", "application/zip"),
    ("debrief", "Debrief (HTML)", "the debrief", "_debrief.html", "text/html"),
)


@solara.component
def Downloads(state: RunState, snap: Snapshot | None) -> None:
    """The download buttons (disabled before the first day).

    Parameters
    ----------
    state : RunState
        The session's state.
    snap : Snapshot or None
        The run's state at the day shown (None before the first day).
    """
    # the data functions are built once per session: a new function at every redraw
    # would reset a download in progress (FileDownload starts again when its data change)
    funcs = solara.use_memo(
        lambda: {
            "screen": _safe(state, "the screen as a slide", _screen),
            "slides": _safe(state, "the slides", _slides),
            "debrief": _safe(state, "the debrief", _debrief(state)),
        },
        [],
    )
    day = 0 if snap is None else snap.day
    name = f"{safe_name(state.applied.value.scenario)}_day{day:04d}"
    with solara.Row(classes=["kpisim-downloads"], style={"flex-wrap": "wrap", "gap": "6px"}):
        for key, label, _what, suffix, mime in DOWNLOADS:
            if snap is None:
                solara.Button(label, disabled=True, classes=[f"kpisim-download-{key}"])
                continue
            solara.FileDownload(
                funcs[key],
                filename=f"{name}{suffix}",
                mime_type=mime,
                children=[
                    solara.Button(
                        label,
                        icon_name="mdi-download",
                        outlined=True,
                        classes=[f"kpisim-download-{key}"],
                    )
                ],
            )


@solara.component
def TimelineList(snap: Snapshot | None) -> None:
    """The run's timeline as a list, latest first (:func:`sim.app.timeline.events`).

    Parameters
    ----------
    snap : Snapshot or None
        The run's state (None before the first day).
    """
    evs = events(snap)
    lines = [f"Day {e.x} · {e.text}" for e in reversed(evs)]
    with solara.Column(classes=["kpisim-timeline"], gap="0px"):
        solara.HTML(tag="h3", unsafe_innerHTML="Timeline")
        if not lines:
            solara.Text("Nothing has happened yet.", classes=["kpisim-timeline-item"])
        for line in lines[:12]:
            solara.Text(line, classes=["kpisim-timeline-item"])
        if len(lines) > 12:
            solara.Text(
                f"… {len(lines) - 12} earlier events (all in the debrief)",
                classes=["kpisim-timeline-item"],
            )


#: The style of the downloads and the timeline list (added to the page's style sheet).
SHARING_CSS = """
.kpisim-downloads { margin: 6px 0; }
.kpisim-downloads .v-btn { font-size: 15px !important; text-transform: none; }
.kpisim-timeline h3 { font-size: 20px; margin: 6px 0 2px 0; }
.kpisim-timeline-item { font-size: 15px; }
"""
