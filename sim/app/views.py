"""The page's views: headline tiles, the five toxic-KPI signs, the charts, their style.

Measured numbers (what the dashboard shows) in :data:`sim.palette.MEASURED`, true ones
(what really happened) in :data:`sim.palette.TRUE`.
"""

from __future__ import annotations

from html import escape
from string import Template
from typing import Any

import solara

from ..config import Config
from ..palette import MEASURED, TRUE
from .charts import CHARTS
from .livecharts import PANELS, LiveData, levers_spec, panel_data, panel_spec
from .snapshot import SIGN_TITLES, Snapshot, kpi_tiles
from .vega_widget import LiveChart

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
def Chart(data: LiveData, key: str) -> None:
    """One chart of :data:`~sim.app.charts.CHARTS`, drawn live in the browser: a grid
    of panels (two per row) that grow by a few rows at each step."""
    title, _ = CHARTS[key]
    with solara.Column(classes=["kpisim-chart", f"kpisim-chart-{key}"], gap="0px"):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(title), classes=["kpisim-chart-title"])
        if key == "levers":
            LiveChart.element(
                spec=levers_spec(),
                datasets={"rows": data.staff},
                replaced=["rows"],
                run_id=data.run,
                day=data.day,
            )
            return
        panels = PANELS[key]
        for i in range(0, len(panels), 2):
            with solara.Columns([1] * len(panels[i : i + 2]), gutters_dense=True):
                for panel in panels[i : i + 2]:
                    with solara.Column(classes=["kpisim-panel", f"kpisim-panel-{panel.key}"]):
                        LiveChart.element(
                            spec=panel_spec(panel),
                            datasets=panel_data(panel, data),
                            run_id=data.run,
                            day=data.day,
                        )
