"""The report's money rows, money-bridge and staffing-by-interval sections (HTML)."""

from __future__ import annotations

import html

from ..outputs.intervals import WINDOW_DAYS
from .formatting import fmt_ci, fmt_diff
from .outcome import Outcome
from .verdict_money import currency_of, payback_sentence

#: The rows of the page's money table: value beside profit, the bonus as paid and as its
#: loaded cost side by side.
MONEY_ROWS = [
    "revenue",
    "cost_total",
    "profit",
    "customer_equity_start",
    "customer_equity_end",
    "value",
    "clv_mean",
    "bonus_paid",
    "cost_bonus",
    "cost_one_off",
]


def bridge_section(o: Outcome, fig: str) -> str:
    """The bridge table (one row per item, the change in profit and in value) under the
    waterfall, and the payback of a one-off cost.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its money bridge).
    fig : str
        The waterfall figure as an HTML ``<img>``.
    """
    rows = []
    for _, r in o.bridge.iterrows():
        cls = " style='font-weight:700'" if r["kind"] in ("total", "subtotal") else ""
        rows.append(
            f"<tr{cls}><td class=l>{html.escape(str(r['label']))}</td>"
            f"<td>{fmt_diff(r['difference'], 'currency')}</td>"
            f"<td>{fmt_ci(r['ci_low'], r['ci_high'], 'currency')}</td></tr>"
        )
    rate = o.plan.cfg_current.customers.margin_rate
    cu = html.escape(currency_of(o))
    payback = html.escape(payback_sentence(o))
    return f"""
<p>The change in value (proposal minus current, {cu}) split into what moved it. Profit is
the gross margin on revenue ({rate:.0%} of revenue, <code>customers.margin_rate</code>)
minus every cost line over the days simulated. Value adds the change in customer equity
(the discounted margin of the customers still active, at the end minus at the start),
shown beside the margin from customers kept and won: a finance lead writes off the
customers lost, and the loyalty lost, as an asset, not as the few weeks of margin left in
the run. The items add up exactly to the change in value, and without customer equity to
the change in profit (last, for reference). A cost that rises lowers value (a negative
item). Each item is the mean paired difference over the replications with its 95%
confidence interval. {payback}</p>
{fig}
<table><tr><th class=l>item (effect on value)</th><th>difference ({cu})</th><th>95% CI</th></tr>
{"".join(rows)}</table>"""


def intervals_section(o: Outcome, fig: str) -> str:
    """Agents by interval of the day in replication 0 of each arm.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    fig : str
        The staffing-by-interval figure as an HTML ``<img>`` (empty when none was recorded).
    """
    if not fig:
        return "<p class=muted>No staffing by interval was recorded.</p>"
    return f"""
<p>Replication 0 of each arm (seed {o.plan.args.seed}), agents per interval of the day:
what the last staffing plan scheduled (shrinkage included) and what it believed was needed
on the phones from the dashboard's handle time; the agents really on the phones and the
agents truly needed for the service-level target, both over the last {WINDOW_DAYS} working
days. "Truly needed" applies the planner's own queue formula to the calls offered with the
work the calls really needed (handling time at standard speed times each issue's
complexity; for the front line a call that needs a specialist counts only its transfer),
so a gap between the purple and the vermillion lines is workload the dashboard hides.</p>
{fig}"""
