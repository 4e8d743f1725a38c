"""The page's section on people and its sentences: headcount, hires and leavers per arm
with the hiring identity (hires x cost per hire = hiring cost), bonus paid beside its
loaded cost, who gains and who loses pay, and turnover by performance tier (the numbers
come from :mod:`.people` and the comparison table)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from .formatting import fmt_ci, fmt_diff, fmt_value, pct
from .outcome import Outcome
from .people import QUANTILES, TIERS, agent_pay_changes, pay_change_summary


def pay_changes(o: Outcome) -> pd.DataFrame:
    """The paired agents' pay changes of a comparison (:func:`.people.agent_pay_changes`).

    Parameters
    ----------
    o : Outcome
        The finished comparison (its main runs' ``agents`` extracts and rollout day).
    """
    return agent_pay_changes(o.reps, o.main_results, o.plan.args.rollout_day)


#: rows of the page's headcount table: comparison-table metrics
FLOW_KEYS = ("headcount_start", "hires", "leavers", "dismissals", "headcount_end")
TIER_KEYS = tuple(f"leavers_share_tier_{t}" for t in TIERS)


def _rows(t: pd.DataFrame, keys: tuple[str, ...]) -> str:
    """Table rows: label, both arms' means, difference and its 95 % interval."""
    rows = []
    for k in keys:
        if k not in t.index:
            continue
        r = t.loc[k]
        u = r["unit"]
        rows.append(
            f"<tr><td class=l>{html.escape(str(r['label']))}</td>"
            f"<td>{fmt_value(r['current_mean'], u)}</td><td>{fmt_value(r['proposal_mean'], u)}</td>"
            f"<td>{fmt_diff(r['difference'], u)}</td>"
            f"<td>{fmt_ci(r['ci_low'], r['ci_high'], u)}</td></tr>"
        )
    return "".join(rows)


def hiring_identity(t: pd.DataFrame) -> str:
    """The sentence that reconciles the hiring cost, per arm: hires x cost per hire =
    hiring cost ("" when the rows are missing).

    Parameters
    ----------
    t : pandas.DataFrame
        The comparison table indexed by metric.
    """
    if not {"hires", "cost_per_hire", "cost_hiring"} <= set(t.index):
        return ""
    parts = []
    for arm in ("current", "proposal"):
        col = f"{arm}_mean"
        h, c, total = t.loc["hires", col], t.loc["cost_per_hire", col], t.loc["cost_hiring", col]
        parts.append(
            f"{arm}: {fmt_value(h, 'other')} hires × {fmt_value(c, 'currency')} = "
            f"{fmt_value(h * c, 'currency')} (hiring cost booked {fmt_value(total, 'currency')})"
        )
    return "Hiring cost reconciled (means over replications): " + "; ".join(parts) + "."


def pay_sentence(s: dict[str, float]) -> str:
    """Plain words for :func:`pay_change_summary` ("" without paired agents).

    Parameters
    ----------
    s : dict
        The summary of :func:`pay_change_summary`.
    """
    if not s.get("agents") or not np.isfinite(s.get("share_losing", float("nan"))):
        return ""
    hw = s["share_losing_hw"]
    ci = f" (95% CI ±{100 * hw:.0f} pts)" if np.isfinite(hw) else ""
    low = (
        f"the 10% who lose most lose {fmt_value(-s['q10'], 'currency')} a year or more"
        if s["q10"] < 0
        else "fewer than 10% lose anything"
    )
    high = (
        f"the 10% who gain most gain {fmt_value(s['q90'], 'currency')} a year or more"
        if s["q90"] > 0
        else "fewer than 10% gain anything"
    )
    return (
        f"Of the agents seated before the rollout and paid after it in both arms, "
        f"{pct(s['share_losing'])}{ci} earn less under the proposal and "
        f"{pct(s['share_gaining'])} earn more; the median change is "
        f"{fmt_diff(s['q50'], 'currency')} a year; {low}; {high}."
    )


def people_section(o: Outcome, names: dict[str, str], fig: str) -> str:
    """The page's section on people: headcount, hires and leavers per arm with the hiring
    identity, bonus paid beside its loaded cost, the per-agent pay change and turnover by
    performance tier.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' display names.
    fig : str
        The people figure as an HTML ``<img>`` ("" for none).
    """
    t = o.table.set_index("metric")
    s = pay_change_summary(pay_changes(o))
    loading = o.plan.cfg_current.costs.loading
    head = (
        f"<tr><th class=l></th><th>{html.escape(names['current'])}</th>"
        f"<th>{html.escape(names['proposal'])}</th><th>difference</th><th>95% CI</th></tr>"
    )
    q = "".join(
        f"<td>{fmt_diff(s.get(f'q{int(100 * x)}', float('nan')), 'currency')}</td>"
        for x in QUANTILES
    )
    qh = "".join(f"<th>{int(100 * x)}%</th>" for x in QUANTILES)
    return (
        f"<h3>Headcount, hires and leavers</h3><table>{head}{_rows(t, FLOW_KEYS)}"
        f"{_rows(t, ('cost_per_hire', 'cost_hiring'))}</table>"
        f"<p class=note>{html.escape(hiring_identity(t))} Hires replace leavers and fill any "
        "growth the workforce plan asks for, so they can exceed the leavers; "
        "headcount at the end = at the start + hires − leavers.</p>"
        f"<h3>Bonus paid and its cost</h3><table>{head}"
        f"{_rows(t, ('bonus_paid', 'cost_bonus'))}</table>"
        f"<p class=note>The bonus agents receive, and what it costs the employer: paid × "
        f"{loading:g} (costs.loading: payroll taxes, benefits, pension), plus any base pay "
        "moved into the bonus pot. The money bridge uses the cost.</p>"
        f"<h3>Who gains and who loses pay</h3><p>{html.escape(pay_sentence(s))}</p>"
        f"<table><tr><th class=l>Change in annual pay per agent, quantile</th>{qh}</tr>"
        f"<tr><td class=l>proposal − current</td>{q}</tr></table>"
        f"<p class=note>{s['agents']:.0f} agent-replications paired: agents paid in a pay "
        "period before the rollout and at least once after it in both arms (later hires "
        "are different people in each arm). Pay after the rollout per day paid, × 250 "
        "working days.</p>"
        f"<h3>Turnover by performance tier</h3><table>{head}{_rows(t, TIER_KEYS)}</table>"
        "<p class=note>Tiers: thirds of the agents of the first pay period by their true "
        "first-contact resolution in that period; the share of each tier not paid in the "
        "run's last pay period (quit or dismissed).</p>"
        f"{fig}"
    )
