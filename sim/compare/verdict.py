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

import numpy as np
import pandas as pd

from .formatting import fmt_ci, fmt_diff, fmt_value, pct
from .names import param_label
from .outcome import Outcome
from .tables import hinge_measure
from .verdict_money import currency_of, driver_sentence, payback, payback_sentence, sign_sentence

#: verdicts that count as a clear change
CLEAR = ("better", "worse")
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
    eq = o.bridge.set_index("item").loc["equity"]  # the change in customer equity
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
        f"({fmt_ci(p['ci_low'], p['ci_high'], 'currency')}) and customer equity by "
        f"{fmt_diff(eq['difference'], 'currency')} {cu} "
        f"({fmt_ci(eq['ci_low'], eq['ci_high'], 'currency')}), "
        f"from {a.replications} paired replications with the same customers, staff and luck "
        f"in both arms. {html.escape(driver_sentence(o))} {html.escape(sign_sentence(o))} "
        f"{html.escape(payback_sentence(o))}"
    )


def _dashboard_and_reality(o: Outcome, t: pd.DataFrame) -> str:
    """Two lists side by side: clear changes on the dashboard, and in reality."""
    dash = [k for k in DASHBOARD_KEYS if t.loc[k, "verdict"] in CLEAR]
    real = [k for k in REALITY_KEYS if t.loc[k, "verdict"] in CLEAR]
    dash_txt = "".join(_short(o, k) for k in dash) or (
        "<li>no clear change on the dashboard's KPIs</li>"
    )
    real_txt = "".join(_short(o, k) for k in real) or (
        "<li>no clear change in true resolution, satisfaction or retention</li>"
    )
    return (
        f"<div class=cols><div>What the <b>dashboard</b> would show:<ul>{dash_txt}</ul></div>"
        f"<div>What would <b>really</b> happen to customers:<ul>{real_txt}</ul></div></div>"
    )


def _misleading(t: pd.DataFrame) -> str:
    """The warning when a dashboard KPI improves while its true outcome worsens ("" if not)."""
    found = [
        f"{shown} while {real}"
        for m, tr, shown, real in MISLEADING
        if t.loc[m, "verdict"] == "better" and t.loc[tr, "verdict"] == "worse"
    ]
    if not found:
        return ""
    return (
        "<b>Warning: the dashboard would mislead.</b> It would show "
        + "; and ".join(dict.fromkeys(found))
        + "."
    )


def _people(o: Outcome, t: pd.DataFrame) -> str:
    """Clear changes in morale and turnover, and the change in pay per employee."""
    people = [
        k
        for k in ("employee_satisfaction", "staff_turnover_annual")
        if t.loc[k, "verdict"] in CLEAR
    ]
    people_txt = "; ".join(html.escape(_change(o, k, short=True)) for k in people) or (
        "no clear change in morale or turnover"
    )
    pay = fmt_diff(t.loc["pay_per_employee_annual", "difference"], "currency")
    return f"Employees: {people_txt}; pay per employee {pay} a year."


def _hinge(o: Outcome) -> str:
    """Which (at most two) parameters the profit verdict depends on most ("" if none)."""
    col, what = hinge_measure(o.sens)
    top = o.sens.dropna(subset=[col]).head(2) if col else o.sens.head(0)
    if not len(top):
        return ""
    parts = []
    for _, r in top.iterrows():
        side = "the proposal" if r[col] > 0 else "the current scheme"
        parts.append(
            f"{param_label(r['parameter'])} ({what} {r[col]:+.2f}: a higher value favours {side})"
        )
    if o.shares["profit"] in (0.0, 1.0):  # every world agrees: what varies is the size
        lead = " How large the profit difference is depends most on "
    else:
        lead = " Whether the proposal wins on profit depends most on "
    return lead + " and on ".join(parts) + "."


def _robust(o: Outcome) -> str:
    """How the verdict holds across the sampled worlds."""
    a = o.plan.args
    s = o.shares
    return (
        f"How sure are we? People's responses to pay are uncertain, so we also ran "
        f"{len(o.robust)} plausible worlds with different behavioural parameters (a smaller "
        f"centre, {a.robust_scale:.0%} of the customers and staff). The proposal made more "
        f"profit in {pct(s['profit'])} of them, retained more customers in "
        f"{pct(s['retention'])}, gave more truly satisfied customers in {pct(s['csat_true'])} "
        f"(both at once in {pct(s['customers'])}), and lowered staff turnover in "
        f"{pct(s['turnover'])}." + html.escape(_hinge(o))
    )


def verdict_paragraphs(o: Outcome, names: dict[str, str]) -> list[str]:
    """The verdict in plain words (HTML-escaped sentences), computed from the tables.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' display names.
    """
    t = o.table.set_index("metric")
    out = [_money(o, t, names), _dashboard_and_reality(o, t)]
    warning = _misleading(t)
    if warning:
        out.append(warning)
    out.append(_people(o, t))
    if o.plan.args.robust:
        out.append(_robust(o))
    out.append("<b>Bottom line:</b> " + bottom_line(o))
    return out


def bottom_line(o: Outcome) -> str:
    """One rule-based sentence from the profit, customer and robust results.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    """
    t = o.table.set_index("metric")
    v = {
        k: t.loc[k, "verdict"]
        for k in ("profit", "retention", "csat_true", "staff_turnover_annual")
    }
    share = o.shares.get("profit", float("nan")) if o.plan.args.robust else float("nan")
    harms = [
        lab
        for k, lab in (
            ("retention", "lower customer retention"),
            ("csat_true", "lower true customer satisfaction"),
            ("staff_turnover_annual", "raise staff turnover"),
        )
        if v[k] == "worse"
    ]
    harms = [", ".join(harms[:-1]) + " and " + harms[-1]] if len(harms) > 1 else harms
    if v["profit"] == "better" and not harms and (not np.isfinite(share) or share >= 0.8):
        return (
            "the proposal looks like a real improvement, and it holds across most plausible worlds."
        )
    if v["profit"] == "worse" or (np.isfinite(share) and share <= 0.2):
        extra = f" It would also {harms[0]}." if harms else ""
        return "the model advises against rolling out the proposal as designed." + extra
    if harms:
        return f"the proposal would {harms[0]}; weigh that before rolling it out."
    if v["profit"] == "better":
        return (
            f"the proposal raises profit here, but only in {pct(share)} of plausible "
            "worlds: the gain depends on how staff respond; pilot it before a full "
            "rollout."
        )
    return (
        "no clear difference: the evidence does not favour either scheme; more "
        "replications or a pilot would be needed to tell them apart."
    )


def _clean(x: Any) -> Any:
    """JSON has no NaN: non-finite floats become ``null``."""
    return None if isinstance(x, float) and not math.isfinite(x) else x


def verdict_json(o: Outcome, names: dict[str, str]) -> str:
    """The headline numbers for machines: arms, robust shares, sensitivities, timing.

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
        "robust_worlds": a.robust,
        "robust_scale": a.robust_scale,
        "robust_shares": {k: _clean(v) for k, v in o.shares.items()},
        "currency": currency_of(o),
        # years; "never" when the proposal gains no value, null without a one-off cost
        "payback_years": "never" if payback(o) == float("inf") else _clean(payback(o)),
        "sensitivity_profit": [
            {k: _clean(v) for k, v in r.items()} for r in o.sens.to_dict("records")
        ],
        "bottom_line": bottom_line(o),
        "seconds": round(o.seconds, 1),
        "jobs": o.jobs,
    }
    return json.dumps(doc, indent=2) + "\n"
