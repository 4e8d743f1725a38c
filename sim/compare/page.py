"""The report page ``report.html``: one self-contained HTML file built with the standard
library (``html.escape``), every figure embedded as a base64 PNG.

Every number on the page comes from the :class:`Outcome`.  :func:`build_html` is one
template of the whole page and is longer than a usual function on purpose: the page reads
top to bottom as in the browser.
"""

from __future__ import annotations

import base64
import html

import numpy as np
import pandas as pd

from ..config.scheme_checks import scheme_warnings
from ..measurement import DEFINITION_LABELS
from ..outputs.signs import SIGNS
from .definitions import ROWS as DEFINITION_ROWS
from .definitions import differing
from .formatting import fmt_ci, fmt_diff, fmt_value
from .names import ARM_COLOUR
from .outcome import Outcome
from .page_centre import centre_note
from .page_money import MONEY_ROWS, bridge_section, intervals_section
from .page_people import people_section
from .page_robust import robust_section
from .page_settle import settle_section
from .smart import smart_section
from .verdict import verdict_class, verdict_paragraphs
from .verdict_money import currency_of

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:1180px;
margin:24px auto;padding:0 20px;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.1em} h2{margin-top:1.6em;border-bottom:2px solid #ddd;
padding-bottom:.2em} .sub{color:#555;margin-top:0}
.verdict{background:#f4f8fb;border-left:6px solid #0072B2;padding:12px 18px;font-size:1.05em}
.verdict p{margin:.5em 0} .verdict ul{margin:.2em 0 .2em 1.2em;padding:0}
.cols{display:flex;gap:24px;flex-wrap:wrap} .cols>div{flex:1;min-width:380px}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:right;vertical-align:top;
white-space:nowrap}
th{background:#f2f2f2;white-space:normal} td.l,th.l{text-align:left;white-space:normal}
.side table{font-size:.84em}
.better{color:#00734d;font-weight:600} .worse{color:#b34000;font-weight:600}
.muted{color:#666} .side{display:flex;gap:14px;flex-wrap:wrap} .side>div{flex:1;min-width:440px}
img{max-width:100%} code,pre{background:#f6f6f6;font-size:.88em}
pre{padding:10px;overflow-x:auto;max-height:420px} .flag{font-weight:700;color:#b34000}
.ok{color:#00734d} .note{font-size:.9em;color:#444}
.paired td,.paired th{padding:4px 7px} .sep{border:none;background:#fff;width:10px}
small{color:#555} td.better small,td.worse small{color:inherit;font-weight:400}
.key{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
"""

#: rows of the dashboard-vs-reality table: (measured key, true key); the first three are
#: direct counterparts, the rest put a dashboard number beside an outcome it can hide.
PAIRED = (
    ("aht_s", "handle_s_per_resolved"),
    ("fcr_measured", "fcr_true"),
    ("csat_survey", "csat_true"),
    ("friendliness_rating", "complaint_rate"),
    ("transfer_rate", "customer_effort"),
    ("web_containment", "repeat_contact_rate"),
    ("service_level", "retention"),
)


def _img(png: bytes, alt: str) -> str:
    b64 = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{b64}">'


def metric_rows(o: Outcome, keys: list[str]) -> str:
    """Table rows: label, both arms, difference, 95% CI, verdict.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its comparison table).
    keys : list of str
        The metrics shown (rows of ``comparison.csv``), in order.
    """
    t = o.table.set_index("metric")
    rows = []
    for k in keys:
        r = t.loc[k]
        u = r["unit"]
        rows.append(
            f"<tr><td class=l>{html.escape(r['label'])}</td>"
            f"<td>{fmt_value(r['current_mean'], u)}</td>"
            f"<td>{fmt_value(r['proposal_mean'], u)}</td>"
            f"<td>{fmt_diff(r['difference'], u)}</td>"
            f"<td>{fmt_ci(r['ci_low'], r['ci_high'], u)}</td>"
            f"<td class='{verdict_class(r['verdict'])} l'>{html.escape(r['verdict'])}</td></tr>"
        )
    return "".join(rows)


def metric_table(o: Outcome, keys: list[str], names: dict[str, str], first: str = "") -> str:
    """A table of metrics (see :func:`metric_rows`) under a head naming the arms.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    keys : list of str
        The metrics shown, in order.
    names : dict of str to str
        The arms' display names.
    first : str
        The head of the label column.
    """
    head = (
        f"<tr><th class=l>{html.escape(first)}</th><th>{html.escape(names['current'])}</th>"
        f"<th>{html.escape(names['proposal'])}</th><th>difference</th><th>95% CI</th>"
        "<th class=l>verdict</th></tr>"
    )
    return f"<table>{head}{metric_rows(o, keys)}</table>"


def _cells(t: pd.DataFrame, k: str, verdict: str = "") -> str:
    """A metric's label, both arms and the difference; ``verdict`` replaces the
    table's (a difference between two definitions is no verdict)."""
    r = t.loc[k]
    u = r["unit"]
    verdict = verdict or r["verdict"]
    return (
        f"<td class=l>{html.escape(r['label'])}</td>"
        f"<td>{fmt_value(r['current_mean'], u)}</td><td>{fmt_value(r['proposal_mean'], u)}</td>"
        f"<td class='{verdict_class(verdict)}'>{fmt_diff(r['difference'], u)}"
        f"<br><small>{fmt_ci(r['ci_low'], r['ci_high'], u)}</small>"
        f"<br><small>{html.escape(verdict)}</small></td>"
    )


def paired_table(o: Outcome, names: dict[str, str]) -> str:
    """Dashboard (measured) and reality (true) side by side, one pair per row.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' display names (the bare scheme names head the columns).
    """
    t = o.table.set_index("metric")
    cur, pro = html.escape(names["current_scheme"]), html.escape(names["proposal_scheme"])
    head = (
        "<tr><th class=l colspan=4 style='text-align:center'>Dashboard (measured)</th>"
        "<th class=sep></th>"
        "<th class=l colspan=4 style='text-align:center'>Reality (true)</th></tr>"
        f"<tr><th class=l>KPI</th><th>{cur}</th><th>{pro}</th><th>difference<br>(95% CI)</th>"
        "<th class=sep></th>"
        f"<th class=l>outcome</th><th>{cur}</th><th>{pro}</th><th>difference<br>(95% CI)</th></tr>"
    )
    differ = differing(o.plan.cfg_current, o.plan.cfg_proposal)
    rows = ""
    for m, tr in PAIRED:
        kpi = next((k for k, (row, _) in DEFINITION_ROWS.items() if row == m), "")
        mixed = "definitions differ: not comparable" if kpi in differ else ""
        rows += f"<tr>{_cells(t, m, mixed)}<td class=sep></td>{_cells(t, tr)}</tr>"
        if kpi in differ:  # the arms measure it differently: both arms under both
            a, b = (html.escape(DEFINITION_LABELS[d].lower()) for d in differ[kpi])
            rows += (
                f"<tr><td class=l colspan=4><b>definitions differ:</b> current measures "
                f"{kpi.upper()} as “{a}”, proposal as “{b}”; the row above compares "
                "different measures. Both arms under the same definition:</td>"
                "<td class=sep></td><td colspan=4></td></tr>"
            )
            for k in DEFINITION_ROWS[kpi][1]:
                rows += f"<tr>{_cells(t, k)}<td class=sep></td><td colspan=4></td></tr>"
    return f"<table class=paired>{head}{rows}</table>"


def scheme_note(o: Outcome) -> str:
    """The schemes' warnings (:func:`sim.config.validate.scheme_warnings`: weights summing
    below 1 leave part of the bonus unreachable), as a note; "" without any.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    """
    found = dict.fromkeys(
        scheme_warnings(o.plan.cfg_current) + scheme_warnings(o.plan.cfg_proposal)
    )
    if not found:
        return ""
    items = "".join(f"<li>{html.escape(w)}</li>" for w in found)
    return f"<div class=note><b>Scheme check, warning:</b><ul>{items}</ul></div>"


def _typical_sentence(o: Outcome, arm: str, name: str) -> tuple[int, str]:
    """How many of the arm's runs flagged sign ``name``, and the sentence of a typical run:
    among the majority's runs (flagged or not), the one with the median value."""
    sub = o.reps[o.reps["arm"] == arm]
    flags = int(sub[f"sign_{name}_flag"].sum())
    vals = sub[f"sign_{name}"].to_numpy()
    flagged = sub[f"sign_{name}_flag"].to_numpy() > 0
    pool = flagged if 2 * flags >= len(sub) else ~flagged  # the majority's runs
    cand = np.where(pool & np.isfinite(vals))[0]
    if len(cand):  # the majority's run with the median value
        med = np.median(vals[cand])
        j = int(cand[np.argmin(np.abs(vals[cand] - med))])
    else:
        j = int(np.where(pool)[0][0]) if pool.any() else 0
    r = int(sub["replication"].iloc[j])
    idx = list(zip(o.reps["arm"], o.reps["replication"], strict=True))
    res = o.main_results[idx.index((arm, r))]
    return flags, res["summary"]["toxic_signs"][name]["sentence"]


def signs_table(o: Outcome, names: dict[str, str]) -> str:
    """The five toxic-KPI signs: how often each is flagged and a typical sentence, per arm.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its runs' sign flags and sentences).
    names : dict of str to str
        The arms' display names.
    """
    n = o.plan.args.replications
    rows = []
    for name, label in SIGNS:
        cells = []
        for arm in ("current", "proposal"):
            flags, sentence = _typical_sentence(o, arm, name)
            mark = (
                f"<span class=flag>flagged in {flags} of {n} runs</span>"
                if flags
                else f"<span class=ok>not flagged (0 of {n})</span>"
            )
            cells.append(f"<td class=l>{mark}<br>{html.escape(sentence)}</td>")
        rows.append(f"<tr><td class=l><b>{html.escape(label)}</b></td>{''.join(cells)}</tr>")
    head = (
        f"<tr><th class=l>sign</th><th class=l>{html.escape(names['current'])}</th>"
        f"<th class=l>{html.escape(names['proposal'])}</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _setting_note(o: Outcome) -> str:
    """A note when the proposal is the current scheme, or changes the world too."""
    note = ""
    if o.plan.identical:
        note = (
            "<p class=note><b>Note:</b> the proposal is the same scheme as the current one, "
            "so nothing is switched: both arms are the same runs and every difference is "
            "zero.</p>"
        )
    if o.plan.delta:
        items = ", ".join(
            f"<code>{html.escape(k)}={html.escape(str(v))}</code>" for k, v in o.plan.delta.items()
        )
        note = (
            f"<p class=note><b>Note:</b> the proposal also changes settings that are not "
            f"part of the pay scheme ({items}); these apply from day 0 in the proposal arm. "
            "Only the pay scheme switches on the rollout day.</p>"
        )
    return note


def build_html(
    o: Outcome, figs: dict[str, bytes], names: dict[str, str], yamls: tuple[str, str]
) -> str:
    """The whole report page.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    figs : dict of str to bytes
        The figures as PNG bytes (:func:`~.figures.all_figures`), embedded in base64.
    names : dict of str to str
        The arms' display names.
    yamls : tuple of str
        The resolved configs of the current and the proposal arm, as YAML (shown at the end).
    """
    a = o.plan.args
    pcur = o.plan.cfg_current
    paras = verdict_paragraphs(o, names)
    verdict = "".join(p if p.startswith("<div") else f"<p>{p}</p>" for p in paras)
    all_keys = list(o.table["metric"])
    load = (
        f"load average {o.load[0]:.2f} / {o.load[1]:.2f} / {o.load[2]:.2f} (1/5/15 min)"
        if o.load
        else "load average unknown"
    )
    n_runs = 2 * a.replications + 2 * a.robust
    files = (
        "comparison.csv (one row per metric), replications.csv (every run), robust.csv "
        "(every sampled world), sensitivity.csv, timeseries.csv, money_bridge.csv, "
        "intervals.csv, smart_check.csv, runrate.csv (the last weeks beside the whole run), "
        "the figures as PNG files, "
        "config_current.yaml, config_proposal.yaml"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>kpisim compare: {html.escape(names["current_scheme"])} vs
{html.escape(names["proposal_scheme"])}</title>
<style>{CSS}</style></head><body>
<h1>Pay scheme comparison: {html.escape(names["current_scheme"])} →
{html.escape(names["proposal_scheme"])}</h1>
<p class=sub>kpisim simulation of a contact centre with {pcur.customers.n:,} customers and
{pcur.employees.n} agents over {a.days} working days; the proposal is switched on at day
{a.rollout_day}. {a.replications} paired replications per arm. Colours:
<span class=key style="background:{ARM_COLOUR["current"]}"></span>current
(<code>{html.escape(a.current)}</code>),
<span class=key style="background:{ARM_COLOUR["proposal"]}"></span>proposal
(<code>{html.escape(a.proposal)}</code>).</p>
<h2>Verdict</h2>
<div class=verdict>{verdict}</div>
{centre_note(pcur)}
{_setting_note(o)}
{scheme_note(o)}
<p class=note>“Difference” is proposal minus current, averaged over paired replications;
the 95% confidence interval (CI) says how sure we are of it. “better”/“worse” means the
interval excludes zero; “no clear change” means it does not. All figures cover the whole
run, including the {a.rollout_day} warm-up days before the rollout when both arms are
identical.</p>

<h2>Dashboard vs reality</h2>
<p>Left: the numbers a leader would see on the dashboard. Right: what really happens,
which the dashboard cannot see. When the left improves and the right worsens, the KPI has
turned toxic.</p>
{paired_table(o, names)}
<p class=note>The first three rows are direct counterparts (handle time vs the time it
really takes to solve a problem; FCR as coded vs as experienced; survey vs every
contact's true satisfaction); the others put a dashboard number beside an outcome it can
hide. Green: better, orange: worse, grey: no clear change.</p>
{_img(figs["dashboard_vs_reality"], "dashboard vs reality")}

<h2>Money</h2>
<p>Revenue, cost, profit and value over the whole run, in
{html.escape(currency_of(o))}; value = profit + the change in customer equity
(docs/compare.md); customer lifetime value per customer from the retention the run
produced; the bonus as paid to staff and as its loaded cost, side by side.</p>
{metric_table(o, MONEY_ROWS, names, "money")}
{_img(figs["money"], "money")}

<h2>Money bridge: what moves value</h2>
{bridge_section(o, _img(figs["money_bridge"], "money bridge"))}

<h2>Staffing by interval</h2>
{
        intervals_section(
            o, _img(figs["intervals"], "staffing by interval") if "intervals" in figs else ""
        )
    }

<h2>People</h2>
{
        metric_table(
            o,
            ["employee_satisfaction", "staff_turnover_annual", "pay_per_employee_annual"],
            names,
            "employees",
        )
    }
{people_section(o, names, _img(figs["people"], "people"))}

<h2>Gaming by type</h2>
<p>Acts that move a number without helping the customer: coding a call as resolved when it
is not, steering who answers the survey, dumping hard calls, rushing, pushing callers to the
web.</p>
{
        metric_table(
            o,
            [
                "gaming_rate",
                "false_resolution_rate",
                "survey_steering_rate",
                "dumped_call_rate",
                "rushed_contact_rate",
                "web_push_rate",
            ],
            names,
            "gaming",
        )
    }
{_img(figs["gaming"], "gaming by type")}

<h2>The five signs of a toxic KPI</h2>
<p>Checked in every run. The sentence comes from a typical run: among the runs where the
sign was (or, if it was mostly absent, was not) flagged, the one with the median value.</p>
{signs_table(o, names)}

<h2>SMART: is each paid KPI a fair target?</h2>
<p>Each KPI the scheme pays on, against the five criteria (values averaged over the
replications): <b>Specific</b>, the share of the paid number the agent's own work moves;
<b>Measurable</b>, the 95% interval of one agent's period against the pay band;
<b>Achievable</b>, the share of agents on target by honest effort (first pay period);
<b>Relevant</b>, the noise-corrected correlation across agents with the customers' true
experience; <b>Time-bound</b>, the pay period against the delay before the KPI is final.
</p>
{smart_section(o, names)}

<h2>Around the rollout</h2>
<p>Weekly values; both arms are identical until the rollout day, then the proposal arm
switches. Habits and learning take several pay periods to settle.</p>
{_img(figs["rollout"], "time series around the rollout")}

<h2>Where the scheme settles: warm-up and run-rate</h2>
{settle_section(o, _img(figs["settle"], "settling series") if "settle" in figs else "")}

<h2>Robust verdict: does it hold if people respond differently?</h2>
{robust_section(o, _img(figs["robust"], "robust verdict") if "robust" in figs else "")}

<h2>All metrics</h2>
<details><summary>Every summary key of the run (click to open)</summary>
{metric_table(o, all_keys, names, "metric")}</details>

<h2>How this was computed</h2>
<ul>
<li>Common random numbers: replication <i>r</i> uses seed {a.seed}+<i>r</i> in both arms, so
both arms meet the same customers, issues and staff; differences are paired and their 95%
intervals are t-intervals on the {a.replications} paired differences.</li>
<li>Both arms run the current scheme until day {a.rollout_day}; the current arm never
switches.</li>
<li>{n_runs} runs in {o.seconds:.0f} s on {o.jobs} process{"es" if o.jobs > 1 else ""}
({html.escape(load)} at the end).</li>
<li>Files beside this page: {html.escape(files)}.</li>
</ul>
<p>Reproduce exactly:</p>
<pre>{html.escape(a.command())}</pre>
<details><summary>Resolved config of the current arm (replication 0)</summary>
<pre>{html.escape(yamls[0])}</pre></details>
<details><summary>Resolved config of the proposal arm (replication 0)</summary>
<pre>{html.escape(yamls[1])}</pre></details>
</body></html>
"""
