"""The SMART section of the report: each arm's paid KPIs against the five criteria.

Every run of the comparison carries :func:`sim.outputs.smart.smart_check` of its scheme
(computed in the worker, :mod:`sim.compare.runner`); :func:`smart_table` averages each
criterion's value over an arm's replications and judges the average by the same rule
(:func:`sim.outputs.smart.judge`); :func:`smart_section` shows it as a table per arm with
its sentences.  The table is written as ``smart_check.csv``.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from ..outputs.smart import COLUMNS, CRITERIA, judge
from .outcome import Outcome


def smart_table(results: list[dict[str, Any]], index: list[tuple[str, int]]) -> pd.DataFrame:
    """One row per arm, paid KPI and criterion: the value averaged over the arm's
    replications (columns ``arm``, ``replications`` and those of ``smart_check``).

    Parameters
    ----------
    results : list of dict
        The main runs' results (each with its ``smart`` table), in the order of ``index``.
    index : list of (str, int)
        Each result's arm and replication.
    """
    frames = [
        res["smart"].assign(arm=arm)
        for (arm, _), res in zip(index, results, strict=True)
        if res.get("smart") is not None and len(res["smart"])
    ]
    if not frames:
        return pd.DataFrame(columns=["arm", "replications", *COLUMNS])
    df = pd.concat(frames, ignore_index=True)
    out = []
    keys = ["arm", "kpi", "criterion"]
    for (arm, kpi, letter), g in df.groupby(keys, sort=False):
        value = float(g["value"].replace([math.inf, -math.inf], math.nan).mean())
        row = judge(
            str(kpi), str(letter), value, float(g["limit"].iloc[0]), float(g["limit_high"].iloc[0])
        )
        out.append({"arm": arm, "replications": len(g), **row})
    return pd.DataFrame(out, columns=["arm", "replications", *COLUMNS])


def _value(kpi: str, letter: str, v: float) -> str:
    if not math.isfinite(v):
        return "n/a"
    if letter == "T":
        return f"{v:g} days"
    if letter in ("S", "A"):
        return f"{v:.0%}"
    if letter == "M" and kpi == "aht":
        return f"{v:.0f} s"
    return f"{v:.2f}"


def smart_section(o: Outcome, names: dict[str, str]) -> str:
    """A table per arm (KPI x criterion, pass or fail with the value) and the failing
    criteria's sentences.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its SMART table).
    names : dict of str to str
        The arms' display names.
    """
    t = o.smart
    if t is None or not len(t):
        return "<p>Neither arm pays on any KPI, so there is nothing to judge.</p>"
    parts = []
    for arm in ("current", "proposal"):
        a = t[t["arm"] == arm]
        if not len(a):
            parts.append(f"<p><b>{html.escape(names[arm])}</b>: pays on no KPI.</p>")
            continue
        head = "".join(f"<th>{html.escape(CRITERIA[c])}</th>" for c in CRITERIA)
        rows = []
        for kpi, g in a.groupby("kpi", sort=False):
            cells = []
            for letter in CRITERIA:
                r = g[g["criterion"] == letter]
                if not len(r):
                    cells.append("<td>–</td>")
                    continue
                r = r.iloc[0]
                cls, word = ("ok", "pass") if r["passed"] else ("flag", "fail")
                cells.append(
                    f"<td><span class={cls}>{word}</span><br>{_value(kpi, letter, r['value'])}</td>"
                )
            rows.append(f"<tr><td class=l><b>{html.escape(str(kpi))}</b></td>{''.join(cells)}</tr>")
        fails = [f"<li>{html.escape(s)}</li>" for s in a.loc[~a["passed"], "sentence"]]
        note = (
            f"<ul>{''.join(fails)}</ul>"
            if fails
            else "<p>Every paid KPI passes all five criteria.</p>"
        )
        parts.append(
            f"<p><b>{html.escape(names[arm])}</b></p><table><tr><th class=l>KPI"
            f"</th>{head}</tr>{''.join(rows)}</table>{note}"
        )
    return "".join(parts)
