"""Slide-ready figures of the run on screen: the whole screen and each panel.

Every figure carries the lesson's title and day, the comparison's line (thin grey: the
truth of the run the lesson is compared with, same seed and size) and the live view's
fixed axes: each panel's y-range is its :data:`sim.app.panels.PANELS` range, widened
only if the data leave it (as the page's charts do), so that revenue at 190.9–191.5
thousand a day is drawn on 0–250 thousand and does not look like a collapse.  The
timeline's events (:mod:`sim.app.timeline`) are vertical rules, labelled in each chart's
first panel.  A figure is 13.33 x 7.5 inches (16:9, a slide) at :data:`SLIDE_DPI`.

:func:`screen_figure` draws the screen: title, tiles, the main chart and the five signs;
:func:`tiles_figure` the tiles, the signs and the timeline; :func:`chart_figure` one
chart of :data:`sim.app.charts.CHARTS`.  :mod:`sim.app.export` turns them into PNG
files, a ZIP and the browser's downloads.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ..palette import MEASURED, TRUE
from .charts import CHARTS, fig_levers
from .livecharts import GHOST, MARKERS, MIN_DAYS_SHOWN, ghost_series, live_table, period_table
from .panels import PANELS, Panel
from .snapshot import SIGN_TITLES, Snapshot
from .timeline import Event

#: Size of a slide, inches (16:9).
SLIDE_SIZE = (13.333, 7.5)
#: Resolution of the slide PNG files (dots per inch): 2000 x 1125 pixels.
SLIDE_DPI = 150
#: Font sizes, points.
FONT = {"title": 22, "sub": 13, "panel": 15, "tick": 12, "legend": 11, "marker": 10}


@dataclass
class SlideContext:
    """What every slide says about the run on screen.

    ``title`` is the lesson's label (``hidden_phone`` or ``… — modified: …``),
    ``comparison`` the name of the run shown beside it in grey (None: none) and
    ``other`` that run's snapshot at the same day; ``tiles`` the page's tiles
    (:func:`sim.app.snapshot.kpi_tiles`) and ``deltas`` their differences against the
    comparison; ``events`` the timeline.
    """

    snap: Snapshot
    title: str
    days: int
    run_line: str
    tiles: list[tuple[str, str, str, str]]
    comparison: str | None = None
    other: Snapshot | None = None
    deltas: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """The slide's title line: lesson and day."""
        return f"{self.title} — day {self.snap.day} of {self.days}"

    @property
    def comparison_line(self) -> str:
        """The comparison's line, for the slide's subtitle."""
        if self.comparison is None or self.other is None:
            return "No comparison run on screen."
        return (
            f"Thin grey: '{self.comparison}', the same seed and size (its reality line); "
            "vertical rules: the timeline's events."
        )


def _new() -> Figure:
    return Figure(figsize=SLIDE_SIZE, dpi=SLIDE_DPI)


def _header(fig: Figure, ctx: SlideContext, what: str) -> None:
    """Title (lesson, what the slide shows, day) and the comparison's line, top left."""
    w, h = fig.get_size_inches()
    fig.text(0.15 / w, 1 - 0.12 / h, f"{ctx.heading} · {what}", fontsize=FONT["title"],
             fontweight="bold", ha="left", va="top")  # fmt: skip
    fig.text(0.15 / w, 1 - 0.58 / h, ctx.comparison_line, fontsize=FONT["sub"],
             ha="left", va="top", color="#333333")  # fmt: skip


def y_range(panel: Panel, values: list[np.ndarray]) -> tuple[float, float]:
    """The panel's fixed range, widened only to hold the data (the live charts'
    ``unionWith``).

    Parameters
    ----------
    panel : Panel
        The panel (its ``domain``).
    values : list of numpy.ndarray
        The plotted values (NaN ignored).
    """
    lo, hi = panel.domain
    finite = [v[np.isfinite(v)] for v in values if len(v)]
    finite = [v for v in finite if v.size]
    if finite:
        lo = min(lo, float(min(v.min() for v in finite)))
        hi = max(hi, float(max(v.max() for v in finite)))
    return lo, hi


def _events(ax: Axes, events: list[Event], labels: bool) -> None:
    """The timeline's events as vertical rules (labelled when ``labels``)."""
    top = ax.get_ylim()[1]
    seen: dict[int, str] = {}
    for e in events:
        colour, dash = MARKERS.get(e.kind, ("#999999", [1, 0]))
        ls = "-" if dash == [1, 0] else (0, tuple(dash))
        ax.axvline(e.x, color=colour, lw=1.3, ls=ls, zorder=1)
        seen[e.x] = seen[e.x] + " · " + e.label if e.x in seen else e.label
    if labels:
        for x, text in seen.items():
            ax.text(x, top, text, rotation=90, ha="right", va="top", fontsize=FONT["marker"],
                    color="#333333", clip_on=True)  # fmt: skip


def draw_panel(
    ax: Axes, panel: Panel, ctx: SlideContext, tables: dict[str, pd.DataFrame], labels: bool
) -> None:
    """One panel of the live view on ``ax``: its series, the comparison's truth in grey,
    fixed axes from zero or the panel's stated range, the timeline's rules.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    panel : Panel
        The panel (series, range, kind).
    ctx : SlideContext
        The run and its comparison.
    tables : dict of str to pandas.DataFrame
        ``live`` and ``periods`` of the run, ``other`` (the comparison's live table).
    labels : bool
        Whether to label the timeline's rules.
    """
    table = tables["periods"] if panel.kind == "points" else tables["live"]
    cols = [s for s in panel.series if s.column in table]
    values: list[np.ndarray] = []
    x = table["x"].to_numpy(dtype=float) if len(table) else np.zeros(0)
    if panel.kind == "area" and cols:
        ys = [table[s.column].fillna(0).to_numpy(dtype=float) for s in cols]
        ax.stackplot(x, *ys, labels=[s.label for s in cols], colors=[s.colour for s in cols],
                     alpha=0.85)  # fmt: skip
        values.append(np.sum(ys, axis=0))
    else:
        other = tables["other"]
        if panel.kind == "line" and len(other):
            for s in ghost_series(panel).series:
                if s.column in other:
                    v = other[s.column].to_numpy(dtype=float)
                    ax.plot(other["x"], v, color=GHOST, lw=2, zorder=2,
                            label=f"{ctx.comparison}: {s.label.lower()}")  # fmt: skip
                    values.append(v)
        for s in cols:
            v = table[s.column].to_numpy(dtype=float)
            style = {"ls": "--"} if s.dashed else {}
            if panel.kind == "points":
                style = {"marker": "o", "ms": 7}
            ax.plot(x, v, color=s.colour, lw=3, label=s.label, zorder=3, **style)
            values.append(v)
    ax.set_ylim(*y_range(panel, values))
    ax.set_xlim(0, max(ctx.snap.day, MIN_DAYS_SHOWN))
    _events(ax, ctx.events, labels)
    ax.set_title(panel.title, fontsize=FONT["panel"], fontweight="bold", loc="left")
    ax.set_ylabel(panel.y_title, fontsize=FONT["tick"])
    ax.set_xlabel("Working day", fontsize=FONT["tick"])
    ax.tick_params(labelsize=FONT["tick"])
    ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    if panel.percent:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.grid(True, color="#dddddd", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if values:
        ax.legend(fontsize=FONT["legend"], frameon=True, framealpha=0.85, loc="best")


def _tables(ctx: SlideContext) -> dict[str, pd.DataFrame]:
    other = live_table(ctx.other) if ctx.other is not None else pd.DataFrame({"x": []})
    return {"live": live_table(ctx.snap), "periods": period_table(ctx.snap), "other": other}


def _panels(fig: Figure, box: tuple[float, float, float, float], n: int) -> list[Axes]:
    """``n`` axes in two columns inside ``box`` (left, bottom, width, height, inches),
    with room for titles, tick labels and axis labels."""
    w, h = fig.get_size_inches()
    left, bottom, width, height = box
    rows = (n + 1) // 2
    cw, rh = width / 2, height / rows
    out = []
    for i in range(n):
        r, c = divmod(i, 2)
        x0 = left + c * cw + 0.85
        y0 = bottom + (rows - 1 - r) * rh + 0.6
        out.append(fig.add_axes(((x0) / w, y0 / h, (cw - 1.1) / w, (rh - 1.0) / h)))
    return out


def _chart(
    fig: Figure, ctx: SlideContext, key: str, box: tuple[float, float, float, float]
) -> None:
    """The panels of chart ``key`` in ``box`` (inches: left, bottom, width, height), two
    to a row; only the first panel's lines are labelled."""
    panels = PANELS[key]
    tables = _tables(ctx)
    for i, (ax, panel) in enumerate(zip(_panels(fig, box, len(panels)), panels, strict=True)):
        draw_panel(ax, panel, ctx, tables, labels=i == 0)


def chart_figure(ctx: SlideContext, key: str) -> Figure:
    """One chart of :data:`sim.app.charts.CHARTS` as a slide.

    Parameters
    ----------
    ctx : SlideContext
        The run, its comparison and its timeline.
    key : str
        The chart's key.
    """
    title = CHARTS[key][0]
    if key == "levers":  # a heat map: its colour range is fixed (0 never - 1.2)
        fig = fig_levers(ctx.snap)
        fig.suptitle("")
        w, h = fig.get_size_inches()
        fig.text(0.1 / w, 1 - 0.1 / h, f"{ctx.heading} · {title}", fontsize=FONT["title"] - 2,
                 fontweight="bold", ha="left", va="top")  # fmt: skip
        return fig
    fig = _new()
    _header(fig, ctx, title)
    w, h = fig.get_size_inches()
    _chart(fig, ctx, key, (0, 0, w, h - 0.9))
    return fig


def _box(fig: Figure, x: float, y: float, width: float, height: float, **style: Any) -> None:
    """A rounded frame on the figure.

    Parameters
    ----------
    fig : Figure
        The slide.
    x, y : float
        Its bottom-left corner, inches from the figure's bottom left.
    width, height : float
        Its size, inches.
    **style
        Patch properties (face and edge colour, line width).
    """
    w, h = fig.get_size_inches()
    fig.add_artist(FancyBboxPatch((x / w, y / h), width / w, height / h,
                                  boxstyle="round,pad=0.002,rounding_size=0.006",
                                  transform=fig.transFigure, **style))  # fmt: skip


def _tiles(fig: Figure, ctx: SlideContext, top: float, width: float) -> float:
    """The tiles in one row below ``top`` (inches from the bottom); returns the bottom."""
    w, h = fig.get_size_inches()
    n = len(ctx.tiles)
    tw, th, gap = (width - 0.3 - 0.08 * (n - 1)) / n, 1.2, 0.08
    y = top - th
    for i, (key, label, measured, true) in enumerate(ctx.tiles):
        x = 0.15 + i * (tw + gap)
        _box(fig, x, y, tw, th, facecolor="white", edgecolor="#999999", lw=1.5)
        cx = (x + 0.08) / w
        fig.text(cx, (y + th - 0.08) / h, textwrap.fill(label, 20), fontsize=9,
                 fontweight="bold", va="top", color="#333333")  # fmt: skip
        fig.text(cx, (y + 0.47) / h, measured, fontsize=17, fontweight="bold", color=MEASURED,
                 va="bottom")  # fmt: skip
        fig.text(cx, (y + 0.27) / h, true[:26], fontsize=8, fontweight="bold", color=TRUE,
                 va="bottom")  # fmt: skip
        if key in ctx.deltas:
            fig.text(cx, (y + 0.07) / h, ctx.deltas[key][:30], fontsize=7.5, color="#444444",
                     va="bottom")  # fmt: skip
    return y


def _signs(fig: Figure, ctx: SlideContext, box: tuple[float, float, float, float]) -> None:
    """The five signs in ``box`` (left, bottom, width, height, inches): a lit sign framed
    in vermillion on a tinted ground with "LIT", an unlit one grey "not lit"."""
    w, h = fig.get_size_inches()
    left, bottom, width, height = box
    signs = ctx.snap.summary.get("toxic_signs", {})
    fig.text(left / w, (bottom + height) / h, "The five signs of a toxic KPI", fontsize=14,
             fontweight="bold", va="top")  # fmt: skip
    each = (height - 0.4) / len(SIGN_TITLES)
    chars = int(width * 13)
    for i, (key, title) in enumerate(SIGN_TITLES.items()):
        sign = signs.get(key, {})
        lit = bool(sign.get("flag"))
        y = bottom + height - 0.4 - (i + 1) * each
        _box(fig, left, y + 0.04, width, each - 0.08, facecolor="#FBE3D2" if lit else "#f2f2f2",
             edgecolor=TRUE if lit else "#999999", lw=3 if lit else 1.2)  # fmt: skip
        mark = "LIT" if lit else "not lit"
        head = textwrap.shorten(f"{mark} · {title}", int(width * 10.5), placeholder="…")
        fig.text((left + 0.08) / w, (y + each - 0.12) / h, head,
                 fontsize=10, fontweight="bold", va="top",
                 color="#000000" if lit else "#444444")  # fmt: skip
        sentence = textwrap.shorten(sign.get("sentence") or "Not enough days yet.", 2 * chars)
        fig.text((left + 0.08) / w, (y + each - 0.36) / h, textwrap.fill(sentence, chars),
                 fontsize=8.5, va="top", color="#222222")  # fmt: skip


def screen_figure(ctx: SlideContext) -> Figure:
    """The whole screen as a slide: title and comparison's line, the tiles, the main
    chart (dashboard vs reality) and the five signs.

    Parameters
    ----------
    ctx : SlideContext
        The run, its comparison and its timeline.
    """
    fig = _new()
    w, h = fig.get_size_inches()
    _header(fig, ctx, "the screen")
    fig.text(0.15 / w, 1 - 0.88 / h, textwrap.shorten(ctx.run_line, 190), fontsize=10,
             ha="left", va="top", color="#333333")  # fmt: skip
    bottom = _tiles(fig, ctx, h - 1.15, w)
    chart_w = 8.6
    _chart(fig, ctx, "dashboard_vs_reality", (0, 0, chart_w, bottom - 0.1))
    _signs(fig, ctx, (chart_w + 0.1, 0.1, w - chart_w - 0.25, bottom - 0.2))
    return fig


def tiles_figure(ctx: SlideContext) -> Figure:
    """The tiles, the five signs and the timeline as a slide.

    Parameters
    ----------
    ctx : SlideContext
        The run, its comparison and its timeline.
    """
    fig = _new()
    w, h = fig.get_size_inches()
    _header(fig, ctx, "numbers, signs and timeline")
    bottom = _tiles(fig, ctx, h - 1.0, w)
    _signs(fig, ctx, (0.15, 0.1, 7.2, bottom - 0.2))
    left = 7.6
    fig.text(left / w, (bottom - 0.1) / h, "Timeline", fontsize=14, fontweight="bold",
             va="top")  # fmt: skip
    lines = [f"Day {e.x} · {e.text}" for e in ctx.events] or ["Nothing has happened yet."]
    room = int((bottom - 0.6) / 0.21)
    if len(lines) > room:
        lines = [*lines[: room - 1], f"… and {len(lines) - room + 1} more"]
    fig.text(left / w, (bottom - 0.45) / h,
             "\n".join(textwrap.shorten(s, 70) for s in lines), fontsize=10, va="top",
             linespacing=1.45)  # fmt: skip
    return fig


#: Every slide of the export: file stem -> (what it shows, how it is drawn).
SLIDES: dict[str, str] = {
    "screen": "the whole screen: tiles, main chart, signs",
    "numbers_signs_timeline": "the tiles, the five signs and the timeline",
    **{key: title for key, (title, _) in CHARTS.items()},
}


def slide_figure(ctx: SlideContext, key: str) -> Figure:
    """The slide ``key`` of :data:`SLIDES`.

    Parameters
    ----------
    ctx : SlideContext
        The run, its comparison and its timeline.
    key : str
        A key of :data:`SLIDES`.
    """
    if key == "screen":
        return screen_figure(ctx)
    if key == "numbers_signs_timeline":
        return tiles_figure(ctx)
    return chart_figure(ctx, key)
