"""The verdict of a comparison in plain words, by fixed rules on the comparison table and
the robust shares; and ``verdict.json``, its headline numbers for machines.

Paragraphs are HTML (names and labels escaped); :func:`bottom_line` is plain text.  A
metric counts as changed only when its 95 % interval excludes zero (``better``/``worse``
in ``comparison.csv``).
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

import pandas as pd

from ..measurement import DEFINITION_LABELS
from ..stats import drivers
from .definitions import ROWS as DEFINITION_ROWS
from .definitions import differing
from .formatting import fmt_ci, fmt_diff, fmt_value, pct
from .names import param_label
from .outcome import Outcome
from .page_people import pay_changes, pay_sentence
from .people import pay_change_summary
from .settle import settle_paragraph
from .tables import few_worlds_warning, share_interval
from .verdict_money import currency_of, driver_sentence, payback, payback_sentence, sign_sentence
from .verdict_rule import CLEAR, DIMENSIONS, decide, dimension_keys, dimension_moves, direction
from .verdict_rule import ROBUST_ENOUGH as ROBUST_ENOUGH
from .verdict_rule import RULE as RULE  # the rule's names stay importable from here
from .verdict_rule import SHORT as SHORT

#: KPIs on the dashboard and outcomes in reality listed when they clearly change
DASHBOARD_KEYS = ("aht_s", "fcr_measured", "csat_survey", "transfer_rate", "web_containment")
REALITY_KEYS = ("fcr_true", "csat_true", "retention", "repeat_contact_rate", "complaint_rate")
#: a dashboard KPI improving while a true outcome worsens: (measured, true, shown, real)
MISLEADING = (
    (
        "fcr_measured",
        "fcr_true",
        "first-contact resolution improving",
        "fewer problems are really solved first time",
    ),
    (
        "csat_survey",
        "csat_true",
        "survey satisfaction improving",
        "customers are really less satisfied",
    ),
    ("aht_s", "fcr_true", "shorter calls", "fewer problems are really solved first time"),
    ("aht_s", "repeat_contact_rate", "shorter calls", "more customers have to call back"),
    (
        "web_containment",
        "csat_true",
        "more contacts kept on the web",
        "customers are really less satisfied",
    ),
)


def verdict_class(verdict: str) -> str:
    """CSS class of a verdict on the page: ``better``, ``worse`` or ``muted``.

    Parameters
    ----------
    verdict : str
        A metric's verdict (:func:`~.tables.judge`).
    """
    return verdict if verdict in CLEAR else "muted"


def _row(o: Outcome, key: str) -> dict[str, Any]:
    return o.table.set_index("metric").loc[key].to_dict()


def _change(o: Outcome, key: str, label: str | None = None, short: bool = False) -> str:
    """``label A → B (change, 95% CI [lo, hi])`` in plain words (no interval if short)."""
    r = _row(o, key)
    u = r["unit"]
    lab = (label or r["label"]).lower() if short else (label or r["label"])
    ci = "" if short else f", 95% CI {fmt_ci(r['ci_low'], r['ci_high'], u)}"
    return (
        f"{lab} {fmt_value(r['current_mean'], u)} → {fmt_value(r['proposal_mean'], u)} "
        f"({fmt_diff(r['difference'], u)}{ci}"
        f"{'' if r['verdict'] in ('no clear change', 'no change') else ', ' + r['verdict']})"
    )


def _short(o: Outcome, key: str) -> str:
    """``<li>label: A → B (difference, verdict)</li>`` (the interval is in the tables)."""
    r = _row(o, key)
    u = r["unit"]
    cls = verdict_class(r["verdict"])
    return (
        f"<li>{html.escape(r['label'])}: {fmt_value(r['current_mean'], u)} → "
        f"{fmt_value(r['proposal_mean'], u)} <span class={cls}>({fmt_diff(r['difference'], u)}, "
        f"{html.escape(r['verdict'])})</span></li>"
    )


def _money(o: Outcome, t: pd.DataFrame, names: dict[str, str]) -> str:
    """The headline: what the rollout does to value (profit + the change in customer
    equity), with its interval, and profit beside it."""
    a = o.plan.args
    cur, pro = names["current_scheme"], names["proposal_scheme"]
    cu = html.escape(currency_of(o))
    v, p = t.loc["value"], t.loc["profit"]
    bridge = o.bridge.set_index("item") if not o.bridge.empty else o.bridge
    equity = ""  # the change in customer equity, the bridge's equity bar
    if "equity" in bridge.index:
        eq = bridge.loc["equity"]
        equity = (
            f" and customer equity by {fmt_diff(eq['difference'], 'currency')} {cu} "
            f"({fmt_ci(eq['ci_low'], eq['ci_high'], 'currency')})"
        )
    if v["verdict"] == "better":
        money = "would raise value"
    elif v["verdict"] == "worse":
        money = "would lower value"
    else:
        money = "would not change value measurably"
    return (
        f"Rolling out <b>{html.escape(pro)}</b> on day {a.rollout_day} instead of keeping "
        f"<b>{html.escape(cur)}</b> {money}: value (profit over the {a.days} working days "
        f"simulated plus the change in customer equity, the discounted margin of the "
        f"customers still active) changes by {fmt_diff(v['difference'], 'currency')} {cu} "
        f"(95% confidence interval {fmt_ci(v['ci_low'], v['ci_high'], 'currency')}); "
        f"profit alone changes by {fmt_diff(p['difference'], 'currency')} {cu} "
        f"({fmt_ci(p['ci_low'], p['ci_high'], 'currency')}){equity}, "
        f"from {a.replications} paired replications with the same customers, staff and luck "
        f"in both arms. {html.escape(driver_sentence(o))} {html.escape(sign_sentence(o))} "
        f"{html.escape(payback_sentence(o))}"
    )


def not_comparable(o: Outcome) -> dict[str, tuple[str, str]]:
    """The dashboard metrics the two arms measure by different definitions, with the two
    definitions: their measured change is a change of definition, not of performance.

    Parameters
    ----------
    o : Outcome
        The finished comparison (both arms' configs).
    """
    differ = differing(o.plan.cfg_current, o.plan.cfg_proposal)
    return {DEFINITION_ROWS[kpi][0]: pair for kpi, pair in differ.items()}


def _dashboard_and_reality(o: Outcome, t: pd.DataFrame) -> str:
    """Two lists side by side: clear changes on the dashboard, and in reality (a KPI the
    arms measure differently is listed as not comparable, never as better or worse)."""
    apart = not_comparable(o)
    dash = [k for k in DASHBOARD_KEYS if k not in apart and t.loc[k, "verdict"] in CLEAR]
    real = [k for k in REALITY_KEYS if t.loc[k, "verdict"] in CLEAR]
    dash_txt = "".join(_short(o, k) for k in dash) or (
        "<li>no clear change on the dashboard's KPIs</li>"
    )
    dash_txt += "".join(
        f"<li>{html.escape(_row(o, k)['label'])}: measured differently "
        f"({html.escape(DEFINITION_LABELS[a].lower())} → "
        f"{html.escape(DEFINITION_LABELS[b].lower())}), not comparable</li>"
        for k, (a, b) in apart.items()
    )
    real_txt = "".join(_short(o, k) for k in real) or (
        "<li>no clear change in true resolution, satisfaction or retention</li>"
    )
    return (
        f"<div class=cols><div>What the <b>dashboard</b> would show:<ul>{dash_txt}</ul></div>"
        f"<div>What would <b>really</b> happen to customers:<ul>{real_txt}</ul></div></div>"
    )


def _misleading(t: pd.DataFrame, apart: dict[str, tuple[str, str]]) -> str:
    """The warning when a dashboard KPI improves while its true outcome worsens ("" if not);
    a KPI the arms measure differently (``apart``) does not count."""
    found = [
        f"{shown} while {real}"
        for m, tr, shown, real in MISLEADING
        if m not in apart and t.loc[m, "verdict"] == "better" and t.loc[tr, "verdict"] == "worse"
    ]
    if not found:
        return ""
    return (
        "<b>Warning: the dashboard would mislead.</b> It would show "
        + "; and ".join(dict.fromkeys(found))
        + "."
    )


def _people(o: Outcome, t: pd.DataFrame) -> str:
    """Pay per employee, headcount flows and who loses pay (morale and turnover are in the
    dimensions' list)."""
    r = t.loc["pay_per_employee_annual"]
    pay = (
        f"pay per employee {fmt_diff(r['difference'], 'currency')} a year (95% CI "
        f"{fmt_ci(r['ci_low'], r['ci_high'], 'currency')})"
    )
    flows = ""
    if {"hires", "leavers"} <= set(t.index):
        h, lv = t.loc["hires"], t.loc["leavers"]
        flows = (
            f"; hires {fmt_value(h['current_mean'], 'other')} → "
            f"{fmt_value(h['proposal_mean'], 'other')} and leavers "
            f"{fmt_value(lv['current_mean'], 'other')} → {fmt_value(lv['proposal_mean'], 'other')}"
            " per run"
        )
    agents = pay_sentence(pay_change_summary(pay_changes(o))) if o.main_results else ""
    return html.escape(f"Employees: {pay}{flows}. {agents}".strip())


def value_drivers(o: Outcome) -> tuple[pd.DataFrame, str]:
    """The parameters that may be named as drivers of the value difference, by the one
    rule (:func:`sim.stats.drivers`), and why none is named (``""`` when some are).

    Parameters
    ----------
    o : Outcome
        The finished comparison (its sensitivity table and robust worlds).
    """
    return drivers(o.sens, len(o.robust), len(o.plan.uncertainty))


def _hinge(o: Outcome) -> str:
    """Which (at most two) parameters the value verdict depends on most, when the rule
    allows naming any; else why none is named."""
    top, why = value_drivers(o)
    if not len(top):
        return f" No parameter is named as a driver: {why}." if why else ""
    parts = []
    for _, r in top.head(2).iterrows():
        side = "the proposal" if r["prcc"] > 0 else "the current scheme"
        parts.append(
            f"{param_label(r['parameter'])} (partial rank correlation {r['prcc']:+.2f}, "
            f"Holm-corrected p = {r['prcc_p_holm']:.3f}: a higher value favours {side})"
        )
    if o.shares["value"] in (0.0, 1.0):  # every world agrees: what varies is the size
        lead = " How large the value difference is depends most on "
    else:
        lead = " Whether the proposal wins on value depends most on "
    return lead + " and on ".join(parts) + "."


def _robust(o: Outcome) -> str:
    """How the verdict holds across the sampled worlds (with a warning when few)."""
    a = o.plan.args
    s = o.shares
    n = len(o.robust)
    warn = few_worlds_warning(s["value"], n)
    warn = f" ({warn})" if warn else ""
    return (
        f"How sure are we? People's responses to pay are uncertain, so we also ran "
        f"{n} plausible worlds with different behavioural parameters (a smaller "
        f"centre, {a.robust_scale:.0%} of the customers and staff). The proposal created more "
        f"value in {pct(s['value'])} of them{warn} (more profit in {pct(s['profit'])}), "
        f"retained more customers in "
        f"{pct(s['retention'])}, gave more truly satisfied customers in {pct(s['csat_true'])} "
        f"(both at once in {pct(s['customers'])}), and lowered staff turnover in "
        f"{pct(s['turnover'])}." + html.escape(_hinge(o))
    )


def _dimensions(o: Outcome, t: pd.DataFrame) -> str:
    """The four dimensions, each with its measures (difference and 95 % interval), which
    way it moved, and :data:`RULE`."""
    moves = dimension_moves(t)
    items = []
    for dim, name, _ in DIMENSIONS:
        keys = dimension_keys(t, dim)
        if not keys:
            continue
        d = direction(moves[dim])
        cls = verdict_class(d) if d in CLEAR else "muted"
        word = {"unclear": "no clear change", "mixed": "mixed"}.get(d, d)
        parts = "; ".join(html.escape(_change(o, k)) for k in keys)
        items.append(f"<li><b>{name}</b> <span class={cls}>({word})</span>: {parts}</li>")
    return (
        f"<div><b>Four dimensions</b><ul>{''.join(items)}</ul>"
        f"<p class=note>{html.escape(RULE)}</p></div>"
    )


def verdict_paragraphs(o: Outcome, names: dict[str, str]) -> list[str]:
    """The verdict in plain words (HTML-escaped sentences), computed from the tables: the
    money, whether the arms had settled (:func:`~.settle.settle_paragraph`), the four
    dimensions (:data:`RULE`), dashboard against reality, employees, the robust worlds,
    and the bottom line (:func:`decide`).

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' display names.
    """
    t = o.table.set_index("metric")
    out = [_money(o, t, names)]
    if o.settle is not None:  # was the current arm settled; had the proposal settled?
        out.append(settle_paragraph(o.settle))
    out += [_dimensions(o, t), _dashboard_and_reality(o, t)]
    warning = _misleading(t, not_comparable(o))
    if warning:
        out.append(warning)
    out.append(_people(o, t))
    if o.plan.args.robust:
        out.append(_robust(o))
    out.append("<b>Bottom line:</b> " + html.escape(bottom_line(o)))
    return out


def bottom_line(o: Outcome) -> str:
    """One rule-based sentence weighing value, customers, staff and service
    (:func:`decide`, by :data:`RULE`), with the robust caveat.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    """
    t = o.table.set_index("metric")
    share = float("nan")
    if o.plan.args.robust:
        share = o.shares.get("value", float("nan"))
    return decide(t, share)


def _clean(x: Any) -> Any:
    """JSON has no NaN: non-finite floats become ``null``."""
    return None if isinstance(x, float) and not math.isfinite(x) else x


def verdict_json(o: Outcome, names: dict[str, str]) -> str:
    """The headline numbers for machines: arms, robust shares, sensitivities, each
    dimension's direction (``better``, ``worse``, ``mixed``, ``unclear``), the bottom line,
    timing.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' names (the bare scheme names are written).
    """
    a = o.plan.args
    doc = {
        "current": names["current_scheme"],
        "proposal": names["proposal_scheme"],
        "command": a.command(),
        "replications": a.replications,
        "days": a.days,
        "rollout_day": a.rollout_day,
        "settle": None
        if o.settle is None
        else {
            "rollout_chosen_by": o.settle.chosen,
            "current_settled_at_rollout": o.settle.current_at_rollout,
            "proposal_settled_at_end": o.settle.proposal_settled_end,
            "window_days": o.settle.window,
        },
        "robust_worlds": a.robust,
        "robust_scale": a.robust_scale,
        "robust_shares": {k: _clean(v) for k, v in o.shares.items()},
        "robust_share_intervals": {
            k: [_clean(x) for x in share_interval(v, len(o.robust))] for k, v in o.shares.items()
        },
        "drivers_value": list(value_drivers(o)[0]["parameter"]),
        "drivers_note": value_drivers(o)[1],
        "currency": currency_of(o),
        # years; "never" when the proposal gains no value, null without a one-off cost
        "payback_years": "never" if payback(o) == float("inf") else _clean(payback(o)),
        "sensitivity_value": [
            {k: _clean(v) for k, v in r.items()} for r in o.sens.to_dict("records")
        ],
        "dimensions": {
            dim: direction(m) for dim, m in dimension_moves(o.table.set_index("metric")).items()
        },
        "bottom_line": bottom_line(o),
        "seconds": round(o.seconds, 1),
        "jobs": o.jobs,
    }
    return json.dumps(doc, indent=2) + "\n"
