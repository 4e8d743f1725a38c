"""The printable debrief of a session: one self-contained HTML page.

What a trainer hands out or prints after a lesson: the lesson (its title, description
and what to watch), the run (size, seed, scheme, comparison), the headline numbers
(dashboard beside reality, and against the comparison), the five signs (lit ones
framed), the SMART check, the timeline of events and the key charts (the whole screen,
customers, employees and money slides of :mod:`sim.app.slides`) as inline PNG images
(``data:`` URLs).  Nothing is loaded from elsewhere: no script, no font, no style sheet,
so it opens offline and prints as it shows (A4 or Letter, charts one per page).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from html import escape

from .render import draw_rgb, png_bytes
from .slides import SlideContext, slide_figure
from .snapshot import SIGN_TITLES, smart_lines

#: Resolution of the debrief's charts, dots per inch (13.3 x 7.5 inches: 1333 x 750
#: pixels, sharp when printed across a page, about 0.15 MB each).
DEBRIEF_DPI = 100
#: The slides the debrief shows, in order (keys of :data:`sim.app.slides.SLIDES`).
DEBRIEF_CHARTS = ("screen", "customers", "employees", "money")

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; color: #111; max-width: 60em;
       margin: 1.5em auto; padding: 0 1em; font-size: 15px; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #ccc; margin-top: 1.4em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #bbb; padding: 3px 8px; text-align: left; }
.measured { color: #0072B2; font-weight: bold; }
.true { color: #B34700; font-weight: bold; }
.sign { border: 2px solid #999; background: #f2f2f2; border-radius: 6px;
        padding: 4px 8px; margin: 4px 0; }
.sign.lit { border: 4px solid #D55E00; background: #FBE3D2; }
.timeline li { margin: 2px 0; }
img { width: 100%; border: 1px solid #ddd; }
.chart { break-inside: avoid; page-break-inside: avoid; margin: 1em 0; }
@media print { body { max-width: none; font-size: 12px; } .chart { break-before: page; } }
"""


@dataclass(frozen=True)
class Lesson:
    """The lesson's texts (``scenario.description`` and ``scenario.lesson``)."""

    description: str
    watch: str


def _img(ctx: SlideContext, key: str) -> str:
    """The slide ``key`` as an inline PNG image."""
    png = png_bytes(draw_rgb(slide_figure(ctx, key), DEBRIEF_DPI), DEBRIEF_DPI, 6)
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{escape(key)}" src="data:image/png;base64,{data}">'


def _tiles(ctx: SlideContext) -> str:
    rows = []
    for key, label, measured, true in ctx.tiles:
        delta = escape(ctx.deltas.get(key, ""))
        rows.append(
            f"<tr><td>{escape(label)}</td><td class='measured'>{escape(measured)}</td>"
            f"<td class='true'>{escape(true)}</td><td>{delta}</td></tr>"
        )
    other = f"against '{escape(ctx.comparison)}'" if ctx.comparison and ctx.deltas else ""
    return (
        "<table><tr><th>number</th><th>the dashboard shows</th><th>what really happened"
        f"</th><th>{other}</th></tr>" + "".join(rows) + "</table>"
    )


def _signs(ctx: SlideContext) -> str:
    signs = ctx.snap.summary.get("toxic_signs", {})
    out = []
    for key, title in SIGN_TITLES.items():
        sign = signs.get(key, {})
        lit = bool(sign.get("flag"))
        sentence = escape(sign.get("sentence") or "Not enough days simulated yet.")
        mark = "⚠ LIT" if lit else "not lit"
        out.append(
            f"<div class='sign{' lit' if lit else ''}'><b>{escape(title)} — {mark}</b>"
            f"<br>{sentence}</div>"
        )
    return "".join(out)


def _smart(ctx: SlideContext) -> str:
    out = []
    for line, fails in smart_lines(ctx.snap):
        items = "".join(f"<li>{escape(s)}</li>" for s in fails)
        out.append(f"<p><b>{escape(line)}</b></p>" + (f"<ul>{items}</ul>" if items else ""))
    return "".join(out)


def _timeline(ctx: SlideContext) -> str:
    if not ctx.events:
        return "<p>Nothing has happened yet.</p>"
    items = "".join(f"<li><b>Day {e.x}</b> · {escape(e.text)}</li>" for e in ctx.events)
    return f"<ul class='timeline'>{items}</ul>"


def debrief_html(ctx: SlideContext, lesson: Lesson) -> str:
    """The debrief of the run on screen as one self-contained HTML page.

    Parameters
    ----------
    ctx : SlideContext
        The run on screen, its comparison, tiles and timeline.
    lesson : Lesson
        The lesson's texts.
    """
    charts = "".join(f"<div class='chart'>{_img(ctx, k)}</div>" for k in DEBRIEF_CHARTS)
    title = escape(ctx.heading)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Debrief: {title}</title><style>{STYLE}</style></head><body>"
        f"<h1>Debrief: {title}</h1>"
        f"<p>{escape(lesson.description)}</p>"
        f"<p><b>What to watch:</b> {escape(lesson.watch)}</p>"
        f"<p>{escape(ctx.run_line)}<br>{escape(ctx.comparison_line)}</p>"
        f"<h2>The numbers</h2>{_tiles(ctx)}"
        f"<h2>The five signs of a toxic KPI</h2>{_signs(ctx)}"
        f"<h2>SMART check of the paid KPIs</h2>{_smart(ctx)}"
        f"<h2>Timeline</h2>{_timeline(ctx)}"
        f"<h2>Charts</h2>{charts}"
        "<p><small>Made with kpisim (an agent-based simulation; the numbers are a model's, "
        "not a real centre's).</small></p></body></html>"
    )
