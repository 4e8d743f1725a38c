"""The page's views: the lesson header, headline tiles, the five toxic-KPI signs, the
charts, their style.

Measured numbers (what the dashboard shows) in :data:`sim.palette.MEASURED`, true ones
(what really happened) in :data:`sim.palette.TRUE`.
"""

from __future__ import annotations

import functools
import json
import re
from html import escape
from string import Template
from typing import Any

import solara

from ..config import Config
from ..palette import MEASURED, TRUE
from .charts import CHARTS
from .livecharts import LiveData, panel_data, panel_spec_json
from .panels import PANELS, Panel
from .settings import Settings, lesson_label, pct, scheme_extras
from .snapshot import SIGN_TITLES, Snapshot, kpi_tiles, smart_lines
from .vega_widget import LiveChart, encode

#: True numbers as text: the palette's vermillion darkened to 6.4:1 on white (the
#: palette's own is 3.9:1, under the 4.5:1 of WCAG AA); lines keep the palette's.
TRUE_TEXT = "#A63D00"
#: The comparison's text (its lines are the lighter grey of ``livecharts.GHOST``): 5.7:1.
COMPARISON_TEXT = "#666666"

#: Presenter mode: readable from the back of a room (every text >= 20 px).
PRESENTER_CSS = """
.kpisim-presenter { font-size: 20px; }
.kpisim-ptitle { font-size: 22px; font-weight: 700; line-height: 1.25; }
.kpisim-ptitle .kp-this { color: #0072B2; }
.kpisim-ptitle .kp-other { color: #444444; }
.kpisim-ptiles { display: flex; gap: 10px; flex-wrap: nowrap; width: 100%; }
.kpisim-ptile { flex: 1 1 0; min-width: 0; border: 2px solid #888888; border-radius: 10px;
                padding: 6px 8px; background: #ffffff; }
.kpisim-ptile-label { font-size: 20px; font-weight: 700; color: #111111; line-height: 1.2;
                      margin-bottom: 2px; }
.kpisim-ptile table { width: 100%; border-collapse: collapse; font-size: 20px; }
.kpisim-ptile th { font-size: 20px; font-weight: 700; color: #333333; text-align: right; }
.kpisim-ptile td { font-size: 22px; font-weight: 700; text-align: right; padding: 0 2px; }
.kpisim-ptile td.kp-cap { font-size: 20px; text-align: left; color: #333333; font-weight: 600; }
.kpisim-ptile tr.kp-dash td.kp-v { color: #0072B2; }
.kpisim-ptile tr.kp-real td.kp-v { color: #A63D00; }
.kpisim-ptile td.kp-o { color: #444444 !important; }
.kpisim-ptile-diff { font-size: 20px; font-weight: 700; color: #111111; }
.kpisim-ptile-note { font-size: 20px; color: #333333; line-height: 1.2; }
.kpisim-prompt { border: 4px solid #E69F00; background: #FFF4DB; border-radius: 10px;
                 padding: 4px 10px; font-size: 20px; font-weight: 600; color: #111111;
                 line-height: 1.25; flex-wrap: nowrap !important; }
.kpisim-prompt .v-btn { font-size: 20px !important; }
.kpisim-pbar .v-select__selection, .kpisim-pbar label { font-size: 20px !important; }
.kpisim-pbar .v-text-field__details, .kpisim-pbar .v-messages { display: none !important; }
.kpisim-pbar .v-input { margin-top: 0 !important; padding-top: 0 !important; }
.kpisim-presenter .kpisim-chart-title { display: none; }
.kpisim-ptile table { line-height: 1.15; }
.kpisim-psigns, .kpisim-psigns .kpisim-sign-title { font-size: 20px !important; }
@media (max-width: 1100px) {
  .kpisim-ptile td { font-size: 20px; }
  .kpisim-ptile-label { font-size: 20px; }
}
"""

#: The page's style sheet: fonts sized for a projector.
CSS = (
    Template("""
.v-application { font-size: 17px; }
.v-navigation-drawer { min-width: 330px !important; max-width: 330px !important; }
.kpisim-sidebar { width: 300px; }
.kpisim-sidebar .v-card__title { font-size: 18px; padding: 8px 12px 4px 12px; }
.kpisim-sidebar .v-card { padding-bottom: 6px; }
.kpisim-sidebar .v-label, .kpisim-sidebar label { font-size: 16px !important; }
.kpisim-sidebar .v-select__selection { font-size: 16px !important; }
.kpisim-topbar { position: sticky; top: -12px; z-index: 5; background: white;
                 padding: 6px 0; border-bottom: 2px solid #dddddd; }
.kpisim-runbar .v-btn { background-color: $measured !important; color: white !important;
                        font-weight: 700; font-size: 16px !important; }
.kpisim-runbar .v-btn.v-btn--disabled { background-color: #c8d3dc !important;
                                        color: #444444 !important; }
.kpisim-topbar-run { font-size: 17px; font-weight: 600; }
.kpisim-lesson p { font-size: 18px !important; line-height: 1.3; margin-bottom: 4px; }
.kpisim-lesson b { color: $measured; }
.kpisim-runinfo { font-size: 15px; color: #333333; }
.kpisim-legend { font-size: 16px; }
.kpisim-ctl { font-size: 15px; font-weight: 600; margin-top: 4px; }
.kpisim-changed { color: #B35900; }
.kpisim-changed::before { content: '● '; }
.kpisim-weight-total { font-size: 15px; font-weight: 600; }
.kpisim-over { color: $true; font-weight: 700; }
.kpisim-pending-some { border: 3px solid #E69F00 !important; }
.kpisim-lesson-state { font-weight: 600; }
.kpisim-tile { border: 2px solid #bbbbbb; border-radius: 8px; padding: 4px 8px;
               min-width: 108px; background: white; }
.kpisim-tile-label { font-size: 13px; color: #222222; font-weight: 700; }
.kpisim-tile-measured { font-size: 24px; font-weight: 700; color: $measured; }
.kpisim-tile-true { font-size: 17px; font-weight: 700; color: $truetext; }
.kpisim-tile-other { font-size: 12px; font-weight: 600; color: #444444; }
.kpisim-sign { border-radius: 8px; padding: 6px 10px; margin: 3px 0; font-size: 16px;
               border: 2px solid #999999; background: #f7f7f7; color: #333333; }
.kpisim-sign-lit { border: 3px solid $truetext !important; background: $truetext !important;
                   color: #ffffff !important; }
.kpisim-sign-lit .kpisim-sign-title { color: #ffffff !important; }
.kpisim-sign-title { font-weight: 700; font-size: 17px; }
.kpisim-signs h3, .kpisim-chart-title { font-size: 20px; margin: 6px 0 2px 0; }
.v-btn { font-size: 16px !important; }
.kpisim-smart-kpi { font-size: 16px; font-weight: 700; }
.kpisim-smart-fail { font-size: 16px; color: $truetext; }
[title] { text-decoration-color: #666666; }
""").substitute(measured=MEASURED, true=TRUE, truetext=TRUE_TEXT)
    + PRESENTER_CSS
)

#: The colour key above the tiles (HTML, not Markdown: Solara's Markdown loads KaTeX
#: from a CDN, which an offline classroom does not have).
LEGEND = (
    f'<b style="color:{MEASURED}">Blue, large: what the dashboard shows</b> · '
    f'<b style="color:{TRUE_TEXT}">Vermillion, dashed: what really happened</b>'
)


def comparison_legend(name: str) -> str:
    """Added to the colour key while the comparison is shown: what its grey lines are.

    Parameters
    ----------
    name : str
        The comparison's plain name.
    """
    return (
        f' · <b style="color:{COMPARISON_TEXT}" title="same customers, same seed">Grey, thin:'
        f" {escape(name)}, really</b>"
    )


@solara.component
def Tiles(snap: Snapshot | None, cfg: Config, deltas: dict[str, str] | None = None) -> None:
    """The headline numbers: dashboard value (blue) over the truth (dark vermillion),
    and the difference against the comparison when it is shown (grey).

    Parameters
    ----------
    snap : Snapshot or None
        The run's state (None before the first day).
    cfg : Config
        The run's config.
    deltas : dict of str to str, optional
        Per tile, the difference against the comparison.
    """
    deltas = deltas or {}
    with solara.Row(gap="10px", style={"flex-wrap": "wrap"}):
        for key, label, measured, true in kpi_tiles(snap, cfg):
            with solara.Column(classes=["kpisim-tile", f"kpisim-tile-{key}"], gap="0px"):
                solara.Text(label, classes=["kpisim-tile-label"])
                solara.Text(measured, classes=["kpisim-tile-measured", f"kpisim-value-{key}"])
                solara.Text(true, classes=["kpisim-tile-true", f"kpisim-true-{key}"])
                if key in deltas:
                    solara.Text(deltas[key], classes=["kpisim-tile-other", f"kpisim-other-{key}"])


@solara.component
def Signs(snap: Snapshot | None) -> None:
    """The five toxic-KPI signs; a lit sign is a filled dark-vermillion band with "⚠ LIT".

    Parameters
    ----------
    snap : Snapshot or None
        The run's state (its summary's signs).
    """
    signs = snap.summary["toxic_signs"] if snap is not None else {}
    with solara.Column(classes=["kpisim-signs"], gap="4px"):
        SignList(signs)


@solara.component
def SignList(signs: dict[str, Any]) -> None:
    """The signs, in the order of :data:`sim.outputs.signs.SIGNS`.

    Parameters
    ----------
    signs : dict
        ``summary["toxic_signs"]``: per sign its ``flag`` and ``sentence`` (empty before
        the first day).
    """
    solara.HTML(tag="h3", unsafe_innerHTML="The five signs of a toxic KPI")
    for key, title in SIGN_TITLES.items():
        sign = signs.get(key, {})
        lit = bool(sign.get("flag"))
        sentence = sign.get("sentence") or "Not enough days simulated yet."
        classes = ["kpisim-sign", f"kpisim-sign-{key}"] + (["kpisim-sign-lit"] if lit else [])
        with solara.Column(classes=classes, gap="2px"):
            mark = "⚠ LIT" if lit else "○ not lit"  # a band, a word and an icon
            solara.Text(f"{title} — {mark}", classes=["kpisim-sign-title"])
            solara.Text(sentence)


@solara.component
def Smart(snap: Snapshot | None) -> None:
    """SMART: each paid KPI against the five criteria (``sim.outputs.smart``), a line
    per KPI and the sentence of each failed criterion.

    Parameters
    ----------
    snap : Snapshot or None
        The run's state (its SMART table).
    """
    with solara.Column(classes=["kpisim-smart"], gap="2px"):
        solara.HTML(tag="h3", unsafe_innerHTML="SMART check of the paid KPIs")
        for line, fails in smart_lines(snap):
            solara.Text(line, classes=["kpisim-smart-kpi"])
            for sentence in fails:
                solara.Text(sentence, classes=["kpisim-smart-fail"])


@functools.cache
def sized_spec_json(panel: Panel, height: int) -> str:
    """The panel's spec (:func:`~sim.app.livecharts.panel_spec_json`) at another plot
    height (0: as it is), built once per process like the spec itself.

    Parameters
    ----------
    panel : Panel
        The panel.
    height : int
        Plot height, px (0: the spec's own).
    """
    if not height:
        return panel_spec_json(panel)
    spec = json.loads(panel_spec_json(panel))
    spec["height"] = int(height)
    return json.dumps(spec, separators=(",", ":"))


@solara.component
def Chart(data: LiveData, key: str, rows: int = 0, height: int = 0) -> None:
    """One chart of :data:`~sim.app.charts.CHARTS`, drawn live in the browser: a grid
    of panels (two per row) that grow by a few rows at each step.

    Parameters
    ----------
    data : LiveData
        The run's live data.
    key : str
        The chart's key in :data:`~sim.app.charts.CHARTS`.
    rows : int
        Rows of panels to draw (0: all; presenter mode draws the first row).
    height : int
        Height of each panel's plot, px (0: the spec's own).
    """
    title, _ = CHARTS[key]
    with solara.Column(classes=["kpisim-chart", f"kpisim-chart-{key}"], gap="0px"):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(title), classes=["kpisim-chart-title"])
        if key == "levers":
            LiveChart.element(
                spec_json=panel_spec_json(None),
                datasets_json=encode({"rows": data.staff}),
                replaced=["rows"],
                run_id=data.run,
                day=data.day,
                renderer="canvas",
            )
            return
        panels = PANELS[key][: 2 * rows] if rows else PANELS[key]
        main = key == "dashboard_vs_reality"
        for i in range(0, len(panels), 2):
            with solara.Columns([1] * len(panels[i : i + 2]), gutters_dense=True):
                for panel in panels[i : i + 2]:
                    with solara.Column(classes=["kpisim-panel", f"kpisim-panel-{panel.key}"]):
                        LiveChart.element(
                            spec_json=sized_spec_json(panel, height),
                            datasets_json=encode(panel_data(panel, data)),
                            run_id=data.run,
                            day=data.day,
                            # the main chart in SVG (crisp, inspectable); the others in
                            # canvas, which redraws faster
                            renderer="svg" if main else "canvas",
                            lazy=not main,  # the main chart redraws even when scrolled off
                        )


def no_citations(text: str) -> str:
    """``text`` without its bracketed citations ("(Kerr 1975; Holmström & Milgrom 1991)"):
    the room reads the point, the sources stay in docs/scenarios.md.

    Parameters
    ----------
    text : str
        A lesson's text.
    """
    return re.sub(r"\s*\([^()]*\b(1[89]|20)\d\d[a-z]?\b[^()]*\)", "", text)


def lesson_signs(c: Config) -> str:
    """The sentence naming the signs the lesson lights (``scenario.signs``), "" if none
    (in the lesson's paragraph: the header must leave the main chart above the fold).

    Parameters
    ----------
    c : Config
        The run's config.
    """
    if not c.scenario.signs:
        return ""
    names = ", ".join(escape(SIGN_TITLES[k].split(":")[0]) for k in c.scenario.signs)
    return f" <b>This lesson lights:</b> {names}."


@solara.component
def LessonHeader(applied: Settings, c: Config) -> None:
    """The lesson of the run on screen (with its changes from the preset) and its text.

    Parameters
    ----------
    applied : Settings
        The settings of the run on screen.
    c : Config
        Its config (the scenario's description and lesson).
    """
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
                f"<p><b>What to watch:</b> {escape(no_citations(c.scenario.lesson))}"
                f"{lesson_signs(c)}{note}</p>"
            ),
        )
        solara.Text(
            f"{c.customers.n:,} customers · {c.employees.n} agents"
            + (f" + {c.teams.specialists_n} specialists" if c.teams.specialists_n else "")
            + f" · seed {c.seed} · "
            + (f"scheme '{c.scheme.name}'" if not modified else f"scheme '{label}'")
            + f" · on-target bonus {pct(c.scheme.bonus_share)} of salary"
            + scheme_extras(c),
            classes=["kpisim-runinfo"],
        )
