"""The page's live charts: Vega-Lite specs and the rows that feed them.

Every chart of :data:`sim.app.charts.CHARTS` is shown on the page as a grid of panels
(:data:`sim.app.panels.PANELS`),
each a :class:`~sim.app.vega_widget.LiveChart` drawn in the browser: the spec is sent
once per run, then each step only adds rows.  A panel plots one or more series of
:func:`live_table` (one row per simulated working day, x = working days completed,
the same numbering as the "Working day" tile) against fixed y-ranges per KPI (so the
day-to-day noise does not look dramatic; a range grows only if the data leaves it).
Every line panel marks the run's timeline (:mod:`sim.app.timeline`: pay days dotted
grey, scheme changes solid black, managers' decisions, coaching, hiring waves) with
vertical rules and short labels.  matplotlib (:mod:`sim.app.charts`) only
draws the PNG exports.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..config import Config
from ..model.behavior import LEVERS
from ..palette import OKABE_ITO
from . import timeline
from .panels import PANELS, Panel
from .snapshot import WINDOW, Snapshot
from .vega_widget import encode

#: Height of one panel in CSS pixels (two rows of panels fit a 768-pixel screen).
PANEL_HEIGHT = 190
#: Axis, legend and panel-title font sizes (px): readable from the back of a room
#: (presenter mode's 20 px at 1366x768).
FONT_PX = 20
TITLE_PX = 22
#: The x axis spans at least this many working days (one pay period), from 0.
MIN_DAYS_SHOWN = 21


def live_table(snap: Snapshot) -> pd.DataFrame:
    """One row per simulated day with every column a panel plots; ``x`` is the number
    of working days completed (day 1 is the first simulated day).

    Parameters
    ----------
    snap : Snapshot
        The run's state (its daily table with the rolling rates).
    """
    d = snap.daily
    start = d["active"].iloc[0] + d["churned"].iloc[0] - d["acquired"].iloc[0]

    def k(col: str) -> pd.Series:
        return d[col].rolling(WINDOW, min_periods=1).mean() / 1000

    out = pd.DataFrame({"x": d["day"] + 1})
    for panels in PANELS.values():
        for p in panels:
            for s in p.series:
                if s.column in d:
                    out[s.column] = d[s.column]
    out["active_share"] = d["active"] / start
    out["complaints_per_1000"] = 1000 * d["complaint_rate_roll"]
    out["quits_cum"] = d["quits"].cumsum()
    out["hires_cum"] = d["hires"].cumsum()
    out["revenue_k"] = k("revenue")
    for c in ("cost_labour", "cost_bonus", "cost_hiring", "cost_web"):
        out[f"{c}_k"] = k(c)
    out["profit_cum_m"] = d["profit"].cumsum() / 1e6
    return out


def period_table(snap: Snapshot) -> pd.DataFrame:
    """Mean bonus per employee in each finished pay period; ``x`` is the period's last
    working day (same numbering as :func:`live_table`).

    Parameters
    ----------
    snap : Snapshot
        The run's state (its employee table).
    """
    emp = snap.employees
    if emp.empty or "bonus" not in emp:
        return pd.DataFrame({"x": [], "bonus": []})
    per = emp.groupby("day_end", as_index=False).agg(bonus=("bonus", "mean"))
    return pd.DataFrame({"x": per["day_end"] + 1, "bonus": per["bonus"]})


def _num(v: Any) -> float | None:
    """A JSON-safe number (NaN and infinities become ``None``: JSON has no NaN)."""
    f = float(v)
    return round(f, 5) if math.isfinite(f) else None


def panel_rows(panel: Panel, table: pd.DataFrame) -> list[dict[str, Any]]:
    """The panel's rows in long form: ``{"x": day, "s": series label, "y": value}``.

    Parameters
    ----------
    panel : Panel
        The panel (its series name the columns).
    table : pandas.DataFrame
        :func:`live_table` or :func:`period_table`.
    """
    rows: list[dict[str, Any]] = []
    if table.empty:
        return rows
    xs = table["x"].to_numpy()
    cols = [(s.label, table[s.column].to_numpy()) for s in panel.series if s.column in table]
    for i, x in enumerate(xs):
        for label, values in cols:
            rows.append({"x": int(x), "s": label, "y": _num(values[i])})
    return rows


def event_rows(snap: Snapshot) -> list[dict[str, Any]]:
    """The timeline's markers up to the snapshot's day (:func:`sim.app.timeline.events`):
    one row per event, ``{"x": position, "kind": ..., "label": ...}``; the label is kept
    on the first event of a position only, the others' labels joined to it, so that
    labels at one position do not overprint each other.

    Parameters
    ----------
    snap : Snapshot
        The run's state.
    """
    rows: list[dict[str, Any]] = []
    first: dict[int, dict[str, Any]] = {}
    for e in timeline.events(snap):
        row = {"x": e.x, "kind": e.kind, "label": ""}
        if e.x in first:
            first[e.x]["label"] += " · " + e.label
        else:
            row["label"] = e.label
            first[e.x] = row
        rows.append(row)
    return rows


def _scales(panel: Panel) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The x, y and colour encodings of a panel (fixed ranges, working days from 0)."""
    x = {
        "field": "x",
        "type": "quantitative",
        "title": "Working day",
        "scale": {"domain": {"unionWith": [0, MIN_DAYS_SHOWN]}, "nice": False},
        "axis": {"tickMinStep": 1, "format": "d"},
    }
    y = {
        "field": "y",
        "type": "quantitative",
        "title": panel.y_title,
        "scale": {"domain": {"unionWith": list(panel.domain)}, "zero": False},
        "axis": {"format": ".0%"} if panel.percent else {},
    }
    colour = {
        "field": "s",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": [s.label for s in panel.series],
            "range": [s.colour for s in panel.series],
        },
        "legend": {
            "orient": "top",
            "labelFontSize": FONT_PX,
            "labelLimit": 320,
            "symbolStrokeWidth": 3,
        },
    }
    return x, y, colour


def _data_layer(panel: Panel) -> dict[str, Any]:
    """The panel's series: lines (true ones dashed), stacked areas or points."""
    x, y, colour = _scales(panel)
    if panel.kind == "area":
        layer = {
            "mark": {"type": "area", "opacity": 0.85},
            "encoding": {"x": x, "y": {**y, "stack": "zero"}, "color": colour},
        }
    elif panel.kind == "points":
        layer = {
            "mark": {"type": "line", "point": {"size": 70}, "strokeWidth": 2.5},
            "encoding": {"x": x, "y": y, "color": colour},
        }
    else:
        dash = {
            "field": "s",
            "type": "nominal",
            "legend": None,
            "scale": {
                "domain": [s.label for s in panel.series],
                "range": [[6, 4] if s.dashed else [1, 0] for s in panel.series],
            },
        }
        layer = {
            "mark": {"type": "line", "strokeWidth": 3, "clip": True},
            "encoding": {"x": x, "y": y, "color": colour, "strokeDash": dash},
        }
    return {"data": {"name": "rows"}, **layer}


#: Markers of the timeline's kinds (:data:`sim.app.timeline.KINDS`): colour, dash.
MARKERS = {
    "pay day": ("#999999", [2, 3]),
    "scheme change": ("#000000", [1, 0]),
    "decision": (OKABE_ITO["vermillion"], [1, 0]),
    "coaching": (OKABE_ITO["purple"], [2, 3]),
    "hiring": (OKABE_ITO["sky_blue"], [6, 3]),
    "dismissal": (OKABE_ITO["orange"], [6, 3]),
}
#: Font size of the markers' labels, CSS pixels.
MARKER_FONT = FONT_PX


def _label_layer() -> dict[str, Any]:
    """The markers' short labels, written up along the rule from the panel's top."""
    return {
        "data": {"name": "events"},
        "transform": [{"filter": "datum.label != ''"}],
        "mark": {
            "type": "text",
            "angle": 270,
            "align": "right",
            "baseline": "bottom",
            "dy": -2,
            "fontSize": MARKER_FONT,
            "color": "#333333",
        },
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"value": 2},
            "text": {"field": "label", "type": "nominal"},
        },
    }


def _marker_layer() -> dict[str, Any]:
    """Vertical rules at the timeline's events (data set ``events``)."""
    kinds = list(MARKERS)
    return {
        "data": {"name": "events"},
        "mark": {"type": "rule", "strokeWidth": 1.5},
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "color": {
                "field": "kind",
                "type": "nominal",
                "scale": {"domain": kinds, "range": [MARKERS[k][0] for k in kinds]},
                "legend": None,
            },
            "strokeDash": {
                "field": "kind",
                "type": "nominal",
                "scale": {"domain": kinds, "range": [MARKERS[k][1] for k in kinds]},
                "legend": None,
            },
        },
    }


#: Colour of the comparison's lines (the lesson's ``scenario.comparison``, same seed and size).
GHOST = "#8c8c8c"


def _ghost_layer(panel: Panel) -> dict[str, Any]:
    """The comparison (data set ``ghost``): thin grey lines under the run's."""
    x, y, _ = _scales(panel)
    return {
        "data": {"name": "ghost"},
        "mark": {"type": "line", "color": GHOST, "strokeWidth": 2, "opacity": 0.9, "clip": True},
        "encoding": {"x": x, "y": y, "detail": {"field": "s", "type": "nominal"}},
    }


def panel_spec(panel: Panel) -> dict[str, Any]:
    """The Vega-Lite spec of one panel (data sets ``rows``, ``events``, ``ghost``).

    Parameters
    ----------
    panel : Panel
        The panel: title, series, y-range, kind.
    """
    return {
        "width": "container",
        "height": PANEL_HEIGHT,
        "title": {"text": panel.title, "anchor": "start", "fontSize": TITLE_PX},
        "config": {
            "axis": {"labelFontSize": FONT_PX, "titleFontSize": FONT_PX},
            "view": {"stroke": None},
        },
        "resolve": {"scale": {"color": "independent", "strokeDash": "independent"}},
        "layer": [_marker_layer(), _label_layer(), _ghost_layer(panel), _data_layer(panel)],
    }


@functools.cache
def panel_spec_json(panel: Panel | None) -> str:
    """The spec of ``panel`` (``None``: the levers' heat map) as JSON, built once per
    process: the same string at every redraw, which the page's renderer compares by
    identity instead of walking a nested dict.

    Parameters
    ----------
    panel : Panel or None
        The panel, or None for the per-employee levers chart.
    """
    return encode(levers_spec() if panel is None else panel_spec(panel))


LEVER_NAMES = {
    "thoroughness": "thoroughness",
    "courtesy": "courtesy",
    "dump": "dump hard calls",
    "false_coding": "false 'resolved'",
    "survey_steering": "survey steering",
    "web_push": "push to web",
    "pace": "pace (honest speed)",
}


def staff_rows(snap: Snapshot) -> list[dict[str, Any]]:
    """Per seated employee: each policy lever now and last period's gaming share.

    Parameters
    ----------
    snap : Snapshot
        The run's state (its staff table).
    """
    rows: list[dict[str, Any]] = []
    for rec in snap.staff.to_dict("records"):
        seat = f"seat {int(rec['seat']) + 1:02d}"
        for k in LEVERS:
            rows.append({"seat": seat, "lever": LEVER_NAMES[k], "v": _num(rec[f"lever_{k}"])})
        rows.append({"seat": seat, "lever": "gaming acts", "v": _num(rec["gaming_act_rate"])})
    return rows


def levers_spec() -> dict[str, Any]:
    """A heat map: one row per seat, one column per lever (0 = never, 1 = always)."""
    return {
        "width": "container",
        "height": {"step": 16},
        "title": {
            "text": "Each employee's levers now (0 never – 1 always) and last period's gaming",
            "anchor": "start",
            "fontSize": 17,
        },
        "data": {"name": "rows"},
        "mark": {"type": "rect"},
        "encoding": {
            "y": {"field": "seat", "type": "ordinal", "title": None},
            "x": {
                "field": "lever",
                "type": "nominal",
                "title": None,
                "sort": [*LEVER_NAMES.values(), "gaming acts"],
                "axis": {"labelAngle": 0, "orient": "top", "labelFontSize": 12},
            },
            "color": {
                "field": "v",
                "type": "quantitative",
                "title": "level",
                "scale": {"scheme": "cividis", "domain": [0, 1.2]},
            },
            "tooltip": [{"field": "seat"}, {"field": "lever"}, {"field": "v", "format": ".2f"}],
        },
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 12}},
    }


@dataclass(frozen=True)
class LiveData:
    """Everything the live charts of one run show at one moment."""

    run: str  # identifies the run: a new run replaces the charts' data
    day: int  # working days simulated
    table: pd.DataFrame  # live_table (empty before the first day)
    periods: pd.DataFrame  # period_table
    staff: list[dict[str, Any]]  # staff_rows
    events: list[dict[str, Any]]  # event_rows
    ghost: pd.DataFrame  # live_table of the comparison (empty when off)


def live_data(
    snap: Snapshot | None, cfg: Config, run: str, ghost: Snapshot | None = None
) -> LiveData:
    """The live charts' data for ``snap`` (``None`` before the first day: empty) and,
    if given, its comparison ``ghost`` (the other side: same seed and size).

    Parameters
    ----------
    snap : Snapshot or None
        The run's state.
    cfg : Config
        The run's config (kept for the callers; the markers come from the snapshot's
        timeline, :func:`event_rows`).
    run : str
        Identifies the run: a new run replaces the charts' data instead of adding rows.
    ghost : Snapshot, optional
        The comparison's state at the same day.
    """
    empty = pd.DataFrame({"x": []})
    if snap is None:
        return LiveData(run, 0, empty, empty, [], [], empty)
    return LiveData(
        run,
        snap.day,
        live_table(snap),
        period_table(snap),
        staff_rows(snap),
        event_rows(snap),
        empty if ghost is None else live_table(ghost),
    )


def ghost_series(panel: Panel) -> Panel:
    """The panel as its ghost baseline shows it: the truth only (the dashed series, or
    the first one), since what would have happened without KPI pay is the question.

    Parameters
    ----------
    panel : Panel
        A line panel.
    """
    true = tuple(s for s in panel.series if s.dashed) or panel.series[:1]
    return dataclasses.replace(panel, series=true)


def panel_data(panel: Panel, data: LiveData) -> dict[str, list[dict[str, Any]]]:
    """The data sets of one panel's chart: rows, markers and the ghost baseline.

    Parameters
    ----------
    panel : Panel
        The panel.
    data : LiveData
        The run's live data (:func:`live_data`).
    """
    table = data.periods if panel.kind == "points" else data.table
    ghost = [] if panel.kind != "line" else panel_rows(ghost_series(panel), data.ghost)
    return {"rows": panel_rows(panel, table), "events": data.events, "ghost": ghost}
