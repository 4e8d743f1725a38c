"""The design page ``DIR/design.html``: self-contained (figures embedded as base64 PNG,
the comparison's style sheet :data:`sim.compare.page.CSS`), modest.

Sections: what was searched (evaluations, time, seeds, worlds, limits); the Pareto front
(:func:`.figures.fig_front`); the held-out verification of the top schemes against the
current scheme (and the shipped ones when asked), with the winner's curse stated; what
the good schemes have in common (Optuna's parameter importance, with its caveats); the
dashboard-optimised winner beside the value-optimised one when both studies are in the
folder; the search's convergence.  Rebuilt after every design run from what the folder
holds.
"""

from __future__ import annotations

import base64
import html
import json
import math
from pathlib import Path

import optuna
import pandas as pd

from ..compare.page import CSS
from ..outputs.files import atomic_write_text
from . import figures
from .search import completed

#: The studies a folder may hold: (objective, study name, files' name part).
STUDIES = (("value", "design", ""), ("dashboard", "design_dashboard", "_dashboard"))
#: The columns of the winners' side-by-side table: (column of verify.csv, label).
SIDE = (
    ("dashboard", "dashboard score (0 = thresholds, 1 = targets)"),
    ("survey", "surveyed CSAT (what the dashboard shows)"),
    ("value", "value (profit + change in customer equity)"),
    ("true_outcome", "true CSAT"),
    ("staff", "morale"),
    ("signs_lit_share", "share of runs lighting a toxic sign"),
)


def _img(png: bytes, alt: str) -> str:
    b64 = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{b64}">'


def _fmt(v: object) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | float):
        if isinstance(v, float) and not math.isfinite(v):
            return "n/a"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return html.escape("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))


def _table(df: pd.DataFrame, cols: list[str]) -> str:
    cols = [c for c in cols if c in df.columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{_fmt(r[c])}</td>" for c in cols) + "</tr>" for _, r in df.iterrows()
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _load(out: Path) -> list[tuple[str, str, optuna.Study]]:
    storage = optuna.storages.RDBStorage(f"sqlite:///{out / 'design.db'}")
    found = []
    for objective, name, tag in STUDIES:
        try:
            found.append((objective, tag, optuna.load_study(study_name=name, storage=storage)))
        except KeyError:
            continue
    return found


def _read(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path) if path.is_file() else None


def _verify_section(table: pd.DataFrame, names: list[str]) -> str:
    cols = ["scheme", "runs", *names, "feasible", "smart_failed", "signs_lit_share"]
    cols += ["value_vs_current", "value_vs_current_low", "value_vs_current_high"]
    cols += [f"curse_{k}" for k in names] + [f"curse_{names[0]}_vs_current"]
    top = table.loc[table["scheme"].str.startswith("scheme")]
    lines = []
    if len(top) and f"curse_{names[0]}" in top:
        c = top.iloc[0]
        first = names[0]
        lines.append(
            f"The winner's curse: the first scheme's {first} was {_fmt(c[f'search_{first}'])} "
            f"on the search set and is {_fmt(c[names[0]])} on the held-out set "
            f"(difference {_fmt(c[f'curse_{names[0]}'])})."
        )
        ahead = f"curse_{names[0]}_vs_current"
        if ahead in c and pd.notna(c[ahead]):
            lines.append(
                f"Against the current scheme in the same worlds, the search overstated its "
                f"lead by {_fmt(c[ahead])}."
            )
    if "value_vs_current_low" in table and len(top):
        c = top.iloc[0]
        lo = c.get("value_vs_current_low")
        if pd.isna(lo):
            lines.append(
                "With one held-out run there is no interval: nothing is claimed about the "
                "difference to the current scheme (ask for more held_out= seeds or worlds=)."
            )
        elif lo > 0 and bool(c.get("feasible", True)):
            lines.append(
                "The first scheme beats the current one on value on the held-out runs "
                "(the paired 95% interval is above zero) and meets every constraint."
            )
        else:
            lines.append(
                "The first scheme does not beat the current one on value with an interval "
                "above zero, or breaks a constraint, on the held-out runs: it is not shown "
                "to be better."
            )
    return f"<p>{' '.join(lines)}</p>{_table(table, cols)}"


#: Constraints read from the true ledger (gaming, true outcomes): a dashboard design that
#: keeps them is steered by what a dashboard does not show.
TRUTH_CONSTRAINTS = ("toxic", "smart")


def truth_steered(out: Path) -> list[str]:
    """The constraints read from the true ledger that the folder's dashboard design kept
    (its stored limits), e.g. ``["toxic", "smart"]``; [] when it dropped them."""
    for objective, _, st in _load(out):
        if objective == "dashboard":
            limits = json.loads(st.user_attrs.get("settings") or "{}").get("limits", "")
            return [c for c in TRUTH_CONSTRAINTS if f"{c}=True" in limits]
    return []


def _side_by_side(out: Path) -> str:
    value, dash = _read(out / "verify.csv"), _read(out / "verify_dashboard.csv")
    if value is None or dash is None:
        return (
            "<p class=note>Run the same design with <code>objective=dashboard</code> into "
            "this folder to see the dashboard-optimised winner beside this one.</p>"
        )
    v = value.loc[value["scheme"] == "scheme_1"]
    d = dash.loc[dash["scheme"] == "scheme_dashboard_1"]
    if v.empty or d.empty:
        return "<p class=note>One of the two studies has no verified scheme.</p>"
    v, d = v.iloc[0], d.iloc[0]
    rows = "".join(
        f"<tr><td class=l>{html.escape(label)}</td><td>{_fmt(v[c])}</td><td>{_fmt(d[c])}</td></tr>"
        for c, label in SIDE
        if c in v and c in d
    )
    looks = d["dashboard"] >= v["dashboard"]
    worse = d["value"] < v["value"] or d["true_outcome"] < v["true_outcome"]
    if looks and worse:
        said = (
            "The dashboard-optimised scheme looks at least as good on the dashboard and is "
            "worse on value or the customers' true outcome: tuning the dashboard chose it."
        )
    else:
        said = (
            "Here the dashboard-optimised scheme did not both look better on the dashboard "
            "and do worse on value or true outcomes"
            + (" (it does not look better on the dashboard)" if not looks else "")
            + (" (it is not worse on value nor true CSAT)" if not worse else "")
            + ": on these held-out runs the Goodhart effect did not show."
        )
        steered = truth_steered(out)
        if steered:
            said += (
                f" The dashboard design kept the {' and '.join(steered)} constraint"
                f"{'s' if len(steered) > 1 else ''}, read from the true ledger (gaming, true "
                "outcomes): it was steered by what a dashboard does not show. Run it with "
                "<code>toxic=false smart=false</code> to let it see only the dashboard."
            )
    return (
        f"<p>{said} Each figure is the 20th percentile of {int(v['runs'])} held-out runs; "
        "the difference between the two winners is not tested here (compare them with "
        "<code>kpisim compare</code> before reading it as a finding).</p>"
        "<table><tr><th class=l>held out</th>"
        f"<th>value-optimised (scheme_1)</th><th>dashboard-optimised (scheme_dashboard_1)"
        f"</th></tr>{rows}</table>"
    )


def write_page(out: Path, study: optuna.Study, source: str, elapsed: float) -> None:
    """Write ``DIR/design.html`` from the folder's studies and files.

    Parameters
    ----------
    out : pathlib.Path
        The design's folder.
    study : optuna.Study
        The study just run (its settings head the page).
    source : str
        Where the worlds come from.
    elapsed : float
        Seconds the command took.
    """
    parts = []
    for objective, tag, st in _load(out):
        names = list(st.user_attrs.get("objectives") or [])
        fr = _read(out / f"front{tag}.csv")
        current = None
        if fr is not None and (fr["rank"].astype(str) == "current").any():
            current = fr.loc[fr["rank"].astype(str) == "current"].iloc[0]
        parts.append(f"<h2>objective={objective}: the Pareto front</h2>")
        on_front = len(fr) - (current is not None) if fr is not None else 0
        parts.append(
            f"<p>{completed(st)} candidates evaluated; {on_front} "
            f"on the front (front{tag}.csv). Each point is one candidate's 20th percentile "
            "over its search runs.</p>"
        )
        parts.append(_img(figures.fig_front(st, names, current), "Pareto front"))
        ver = _read(out / f"verify{tag}.csv")
        parts.append(f"<h2>objective={objective}: held-out verification (verify{tag}.csv)</h2>")
        if ver is None:
            parts.append("<p>No held-out seeds (held_out=0): nothing was verified.</p>")
        else:
            parts.append(_verify_section(ver, names))
            parts.append(_img(figures.fig_verify(ver), "held-out value"))
        imp = figures.importance(st)
        parts.append(f"<h2>objective={objective}: what the good schemes have in common</h2>")
        if imp:
            parts.append(
                "<p class=note>Optuna's parameter importance (PED-ANOVA) for "
                f"{html.escape(names[0])}: how differently each parameter is spread among "
                "the best quarter of the evaluated candidates than among all of them, "
                "normalised to sum to 1. Caveats: it describes the candidates the sampler "
                "chose (concentrated where it searched), judged on the search set's noise; "
                "it says that a parameter sets the winners apart, not in which direction "
                "(read front.csv for that); a conditional parameter (a safety net's limit "
                "exists only when that net was drawn) is judged on the few candidates that "
                "have it; with few candidates it is unstable.</p>"
            )
            parts.append(_img(figures.fig_importance(imp, names[0]), "parameter importance"))
        else:
            parts.append("<p>Too few candidates to estimate parameter importance.</p>")
        parts.append(f"<h2>objective={objective}: convergence</h2>")
        parts.append(_img(figures.fig_convergence(st, names[0]), "convergence"))
    settings = html.escape(str(study.user_attrs.get("settings", ""))[:600])
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kpisim design</title>
<style>{CSS}</style></head><body>
<h1>Pay scheme design</h1>
<p class=sub>{completed(study)} candidate schemes evaluated; this run took {elapsed:.0f} s.
Worlds: {html.escape(source)}. The front is found on the search seeds and worlds; only
the held-out results below judge the schemes.</p>
<h2>The dashboard-optimised winner beside the value-optimised one</h2>
{_side_by_side(out)}
{"".join(parts)}
<h2>Settings</h2><pre>{settings}</pre>
</body></html>
"""
    atomic_write_text(out / "design.html", page)
