"""The report's section on where the scheme settles (HTML): whether each arm had settled
(at the rollout, at the end), the series that decide it, and the run-rate table — each
arm's last weeks beside the whole run (:mod:`sim.compare.settle`).
"""

from __future__ import annotations

import html

import numpy as np

from .formatting import fmt_ci, fmt_diff, fmt_value
from .outcome import Outcome
from .settle import SETTLE_LABELS, TOLERANCE, settle_paragraph


def _drift(x: float) -> str:
    """A drift (share of level) as a signed percent, ``–`` when missing."""
    return "–" if not np.isfinite(x) else f"{x:+.1%}"


def _held(flag: bool | None) -> str:
    return {True: "settled", False: "<b>moving</b>", None: "–"}[flag]


def drift_table(o: Outcome) -> str:
    """Each settle series' drift over the window before the rollout (current arm) and over
    the last window of each arm, with the tolerance.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its settle report).
    """
    s = o.settle
    assert s is not None
    cols = (
        (f"current, days {s.rollout_day - s.window}–{s.rollout_day - 1}", s.drift_at_rollout),
        ("current, last window", s.drift_current_end),
        ("proposal, last window", s.drift_proposal_end),
    )
    head = "".join(f"<th>{html.escape(c)}</th>" for c, _ in cols)
    rows = [
        f"<tr><td class=l>{html.escape(label)}</td><td>±{TOLERANCE[k]:.0%}</td>"
        + "".join(f"<td>{_drift(d[k])}</td>" for _, d in cols)
        + "</tr>"
        for k, (label, _) in SETTLE_LABELS.items()
    ]
    verdicts = (s.current_at_rollout, s.current_settled_end, s.proposal_settled_end)
    rows.append(
        "<tr style='font-weight:700'><td class=l>the arm</td><td></td>"
        + "".join(f"<td>{_held(v)}</td>" for v in verdicts)
        + "</tr>"
    )
    return (
        "<table><tr><th class=l>drift over the window (share of level)</th>"
        f"<th>tolerance</th>{head}</tr>{''.join(rows)}</table>"
    )


def runrate_rows(o: Outcome) -> str:
    """One table row per run-rate metric: the whole run, then the last weeks.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its run-rate table).
    """
    rows = []
    for _, r in o.runrate.iterrows():
        if not np.isfinite(r["whole_current"]):
            continue  # e.g. the equity hook when the runs do not record it
        u = str(r["unit"])
        cells = "".join(
            f"<td>{fmt_value(r[f'{v}_current'], u)}</td><td>{fmt_value(r[f'{v}_proposal'], u)}</td>"
            f"<td>{fmt_diff(r[f'{v}_difference'], u)}<br><span class=muted>"
            f"{fmt_ci(r[f'{v}_ci_low'], r[f'{v}_ci_high'], u)}</span></td>"
            for v in ("whole", "runrate")
        )
        rows.append(f"<tr><td class=l>{html.escape(str(r['label']))}</td>{cells}</tr>")
    return "".join(rows)


def settle_section(o: Outcome, fig: str) -> str:
    """The whole section: the sentence, the drift table, the figure and the run-rate table.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    fig : str
        The settling figure as an HTML ``<img>``.
    """
    s = o.settle
    if s is None or o.runrate.empty:
        return "<p class=muted>No settling check was made.</p>"
    weeks = s.runrate_days / 5
    sub = "<th>current</th><th>proposal</th><th>difference (95% CI)</th>"
    return f"""
<p>{settle_paragraph(s)}</p>
<p>The criterion fits a straight line to each daily series (mean of the replications)
over {s.window} working days (two pay periods) and asks that the fitted change over the
window stay within the tolerance of the series' level. The rollout day is the first
pay-period boundary where the current arm meets it, no later than day {s.latest_day}
(which leaves the proposal two windows to settle and the run-rate window).</p>
{drift_table(o)}
{fig}
<p>The run-rate: each arm's last {s.runrate_days} working days ({weeks:g} weeks) beside
the whole run; per replication, then paired differences (proposal minus current) with 95%
intervals. Profit is an annual rate (mean daily profit x 250).</p>
<table><tr><th class=l rowspan=2>metric</th><th colspan=3>whole run</th>
<th colspan=3>last {weeks:g} weeks (run-rate)</th></tr><tr>{sub}{sub}</tr>
{runrate_rows(o)}</table>"""
