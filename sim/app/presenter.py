"""Presenter mode: what a trainer shows a room, readable from the back of it.

The sidebar is hidden; a bar holds Reset / Play / Step, the lesson (held while
playing) and the switch back.  Below: the lesson against its comparison in plain words,
the question for the room when the run has stopped at one of the lesson's stops
(``scenario.live.stops`` / ``prompts``; *Show what happens* plays on), three or four
large tiles the lesson names (``scenario.live.tiles``, :data:`sim.app.plain.TILES`),
each with this scheme's and the comparison's dashboard and real numbers and their
difference, then the first row of the main chart and the lit signs.  Every text is at
least 20 px; terms that must stay carry a plain explanation on hover (``title=``).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import solara

from ..config import Config, available_scenarios
from .livecharts import LiveData
from .plain import GLOSSARY, TILES, Tile, fmt
from .settings import lesson_label, preset_config
from .snapshot import SIGN_TITLES, Snapshot
from .state import RunState
from .views import Chart

#: Height of the main chart's panels in presenter mode (px; the page's are
#: ``livecharts.PANEL_HEIGHT``): the chart's first row stays on the first screen at
#: 1024x768 with the tiles and a question for the room above it.
PRESENTER_PANEL_HEIGHT = 120


def plain_title(scenario: str) -> str:
    """A lesson's plain name (``scenario.live.title``, else its name).

    Parameters
    ----------
    scenario : str
        A scenario's name.
    """
    try:
        return preset_config(scenario).scenario.live.title or scenario
    except Exception:  # a name that is not a preset: show it as it is
        return scenario


def _cell(tile: Tile, v: float | None, cls: str) -> str:
    return f'<td class="kp-v {cls}">{escape(fmt(tile, v))}</td>'


def tile_html(tile: Tile, snap: Snapshot | None, other: Snapshot | None, has_other: bool) -> str:
    """One presenter tile as HTML: the label (its explanation on hover), a row per number
    (dashboard, real) with this scheme's value and the comparison's, the real number's
    difference and the tile's note.

    Parameters
    ----------
    tile : Tile
        The tile.
    snap : Snapshot or None
        This scheme's state.
    other : Snapshot or None
        The comparison's state (None: not shown yet or off).
    has_other : bool
        Whether a comparison column is shown.
    """
    head = "<tr><th></th><th>This</th>" + ("<th>Other</th>" if has_other else "") + "</tr>"

    def row(kind: str, gloss: str, caption: str, pick: Callable[..., float | None]) -> str:
        """One number's row: its caption (the glossary on hover), this scheme, the other."""
        cells = _cell(tile, pick(snap), "")
        if has_other:
            cells += _cell(tile, pick(other), "kp-o")
        tip = escape(GLOSSARY[gloss], quote=True)
        return (
            f'<tr class="kp-{kind}"><td class="kp-cap" title="{tip}">{escape(caption)}'
            f"</td>{cells}</tr>"
        )

    rows = (
        [row("dash", "dashboard", tile.dash_caption, tile.shown)] if tile.dash is not None else []
    )
    rows.append(row("real", "really", tile.true_caption, tile.value))
    diff = ""
    a, b = tile.value(snap), tile.value(other)
    if has_other and a is not None and b is not None:
        diff = (
            f'<div class="kpisim-ptile-diff kp-diff-{tile.key}">'
            f"{escape(tile.true_caption)}: {escape(fmt(tile, a - b, diff=True))} vs other</div>"
        )
    note = tile.note(snap) if (tile.note is not None and snap is not None) else ""
    note_html = f'<div class="kpisim-ptile-note">{escape(note)}</div>' if note else ""
    return (
        f'<div class="kpisim-ptile kpisim-ptile-{tile.key}" title="{escape(tile.tip, quote=True)}">'
        f'<div class="kpisim-ptile-label">{escape(tile.label)}</div>'
        f"<table>{head}{''.join(rows)}</table>{diff}{note_html}</div>"
    )


def tiles_html(cfg: Config, snap: Snapshot | None, other: Snapshot | None, has_other: bool) -> str:
    """The lesson's tiles (``scenario.live.tiles``) as one row of HTML; a lesson that
    names none gets the first-contact, customer, morale and value tiles.

    Parameters
    ----------
    cfg : Config
        The run's config.
    snap : Snapshot or None
        This scheme's state.
    other : Snapshot or None
        The comparison's state.
    has_other : bool
        Whether a comparison column is shown.
    """
    keys = list(cfg.scenario.live.tiles) or [
        "fixed_first_time",
        "happy_customers",
        "morale",
        "value",
    ]
    body = "".join(tile_html(TILES[k], snap, other, has_other) for k in keys if k in TILES)
    return f'<div class="kpisim-ptiles">{body}</div>'


def lit_signs_html(snap: Snapshot | None) -> str:
    """The lit signs as filled bands (or one line saying none is lit).

    Parameters
    ----------
    snap : Snapshot or None
        This scheme's state.
    """
    signs = snap.summary["toxic_signs"] if snap is not None else {}
    lit = [(k, v) for k, v in signs.items() if v.get("flag")]
    if not lit:
        return '<div class="kpisim-psigns">○ No warning sign of a toxic KPI is lit.</div>'
    return "".join(
        f'<div class="kpisim-sign kpisim-sign-lit kpisim-psigns kpisim-sign-{k}">'
        f'<span class="kpisim-sign-title">⚠ LIT · {escape(SIGN_TITLES[k])}</span><br>'
        f"{escape(v.get('sentence') or '')}</div>"
        for k, v in lit
    )


@solara.component
def PresenterBar(state: RunState) -> None:
    """The lesson (held while playing), the comparison switch and the way back.

    Parameters
    ----------
    state : RunState
        The session's state.
    """
    playing = state.playing.value
    with solara.Row(classes=["kpisim-pbar"], gap="10px", style={"align-items": "center"}):
        solara.Select(
            "Lesson (held while playing)" if playing else "Lesson",
            style={"max-width": "260px"},
            value=state.applied.value.scenario,
            values=available_scenarios(),
            on_value=state.choose_lesson,
            disabled=playing,
            classes=["kpisim-plesson"],
        )
        solara.Switch(
            label="Side by side",
            value=state.compare_on.value,
            on_value=state.show_comparison,
            disabled=not state.comparison_available,
        )
        solara.Switch(
            label="Presenter mode",
            value=True,
            on_value=state.show_presenter,
            classes=["kpisim-pswitch"],
        )


@solara.component
def PresenterView(
    state: RunState,
    snap: Snapshot | None,
    other: Snapshot | None,
    data: LiveData,
) -> None:
    """The presenter's screen under the run bar.

    Parameters
    ----------
    state : RunState
        The session's state.
    snap : Snapshot or None
        The lesson's state (None before the first day).
    other : Snapshot or None
        The comparison's state.
    data : LiveData
        The live charts' data (the comparison as the grey lines).
    """
    cfg = state.cfg.value
    applied = state.applied.value
    label = lesson_label(applied)
    this = escape(plain_title(applied.scenario))
    if label != applied.scenario:
        this += " <i>(modified)</i>"
    has_other = state.other.value is not None
    vs = ""
    if has_other:
        vs = (
            f' <span class="kp-other">vs {escape(plain_title(cfg.scenario.comparison))}</span>'
            f' <span class="kp-other" title="{escape(GLOSSARY["seed"], quote=True)}">'
            "(same customers, same dice)</span>"
        )
    with solara.Column(classes=["kpisim-presenter"], gap="6px"):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<span class="kp-this">{this}</span>{vs}',
            classes=["kpisim-ptitle"],
        )
        asked = state.asked.value
        if asked is not None:
            stops = list(cfg.scenario.live.stops)
            prompt = cfg.scenario.live.prompts[stops.index(asked)] if asked in stops else ""
            with solara.Row(classes=["kpisim-prompt"], style={"align-items": "center"}):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=(
                        f"<b>Day {asked}: what will happen next?</b> {escape(prompt)}"
                    ),
                )
                solara.Button(
                    "Show what happens",
                    on_click=state.reveal,
                    color="primary",
                    classes=["kpisim-reveal"],
                )
        solara.HTML(tag="div", unsafe_innerHTML=tiles_html(cfg, snap, other, has_other))
        Chart(data, "dashboard_vs_reality", rows=1, height=PRESENTER_PANEL_HEIGHT)
        solara.HTML(tag="div", unsafe_innerHTML=lit_signs_html(snap))
