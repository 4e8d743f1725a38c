"""The page's views: headline tiles, the five toxic-KPI signs, the charts, their style.

Measured numbers (what the dashboard shows) in :data:`sim.palette.MEASURED`, true ones
(what really happened) in :data:`sim.palette.TRUE`.
"""

from __future__ import annotations

from string import Template
from typing import Any

import solara

from ..config import Config
from ..palette import MEASURED, TRUE
from .charts import CHARTS, render_png
from .snapshot import SIGN_TITLES, Snapshot, kpi_tiles

#: The page's style sheet: fonts sized for a projector.
CSS = Template("""
.v-application { font-size: 18px; }
.kpisim-lesson, .kpisim-lesson p { font-size: 22px !important; line-height: 1.35; }
.kpisim-legend { font-size: 18px; }
.kpisim-ctl { font-size: 16px; font-weight: 600; margin-top: 6px; }
.kpisim-changed { color: #B35900; }
.kpisim-changed::before { content: '● '; }
.kpisim-over { color: $true; font-weight: 700; }
.kpisim-pending-some { border: 3px solid #E69F00 !important; }
.kpisim-lesson-state { font-weight: 600; }
.kpisim-lesson b { color: $measured; }
.kpisim-tile { border: 2px solid #bbbbbb; border-radius: 8px; padding: 8px 12px;
               min-width: 165px; background: white; }
.kpisim-tile-label { font-size: 16px; color: #333333; font-weight: 600; }
.kpisim-tile-measured { font-size: 30px; font-weight: 700; color: $measured; }
.kpisim-tile-true { font-size: 18px; font-weight: 600; color: $true; }
.kpisim-sign { border-radius: 8px; padding: 8px 12px; margin: 4px 0; font-size: 18px;
               border: 3px solid #999999; background: #f2f2f2; color: #333333; }
.kpisim-sign-lit { border-color: $true; background: #FBE3D2; color: #000000; }
.kpisim-sign-title { font-weight: 700; font-size: 20px; }
.kpisim-chart img { width: 100%; height: auto; }
.kpisim-sidebar .v-label, .kpisim-sidebar label { font-size: 17px !important; }
.kpisim-sidebar .v-select__selection { font-size: 18px !important; }
.kpisim-signs h3 { font-size: 24px; }
.v-btn { font-size: 17px !important; }
""").substitute(measured=MEASURED, true=TRUE)

#: The colour key above the tiles (HTML, not Markdown: Solara's Markdown loads KaTeX
#: from a CDN, which an offline classroom does not have).
LEGEND = (
    f'<b style="color:{MEASURED}">Blue, large: what the dashboard shows</b> · '
    f'<b style="color:{TRUE}">Vermillion, dashed: what really happened</b>'
)


@solara.component
def Tiles(snap: Snapshot | None, cfg: Config) -> None:
    """The headline numbers: dashboard value (blue) over the truth (vermillion)."""
    with solara.Row(gap="10px", style={"flex-wrap": "wrap"}):
        for key, label, measured, true in kpi_tiles(snap, cfg):
            with solara.Column(classes=["kpisim-tile", f"kpisim-tile-{key}"], gap="0px"):
                solara.Text(label, classes=["kpisim-tile-label"])
                solara.Text(measured, classes=["kpisim-tile-measured", f"kpisim-value-{key}"])
                solara.Text(true, classes=["kpisim-tile-true", f"kpisim-true-{key}"])


@solara.component
def Signs(snap: Snapshot | None) -> None:
    """The five toxic-KPI signs; a lit sign is framed in vermillion with a warning mark."""
    signs = snap.summary["toxic_signs"] if snap is not None else {}
    with solara.Column(classes=["kpisim-signs"], gap="4px"):
        SignList(signs)


@solara.component
def SignList(signs: dict[str, Any]) -> None:
    """The signs, in the order of :data:`sim.outputs.signs.SIGNS`."""
    solara.HTML(tag="h3", unsafe_innerHTML="The five signs of a toxic KPI")
    for key, title in SIGN_TITLES.items():
        sign = signs.get(key, {})
        lit = bool(sign.get("flag"))
        sentence = sign.get("sentence") or "Not enough days simulated yet."
        classes = ["kpisim-sign", f"kpisim-sign-{key}"] + (["kpisim-sign-lit"] if lit else [])
        with solara.Column(classes=classes, gap="2px"):
            mark = "⚠ LIT" if lit else "○ not lit"
            solara.Text(f"{title} — {mark}", classes=["kpisim-sign-title"])
            solara.Text(sentence)


@solara.component
def Chart(snap: Snapshot | None, key: str, token: str) -> None:
    """One chart as a PNG image, redrawn when ``token`` (model and day) changes."""
    title, fn = CHARTS[key]

    def draw() -> bytes | None:
        return None if snap is None else render_png(fn(snap))

    png = solara.use_memo(draw, dependencies=[token, key])
    with solara.Column(classes=["kpisim-chart", f"kpisim-chart-{key}"]):
        if png is None:
            solara.Text(f"{title}: press Step or ▶ to simulate the first day.")
        else:
            solara.Image(png, format="png")
