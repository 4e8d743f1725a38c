"""The page's robust-verdict section: the shares of plausible worlds the proposal wins
with their Wilson intervals, the figure, the driver rule (which parameters the verdict
hinges on, or why none is named), the learning-rule note and the sensitivity table."""

from __future__ import annotations

import html

import numpy as np

from ..stats import DRIVER_ALPHA, MIN_RESIDUAL_DF, min_worlds_for_drivers
from .formatting import fmt_ci, fmt_corr, pct
from .names import param_label
from .outcome import Outcome
from .page_centre import worlds_source
from .plan import robust_agents, robust_size_warning
from .tables import CRITERIA, few_worlds_warning, share_interval
from .uncertainty import verdict_by_choice
from .verdict import value_drivers


def _agents(n: int) -> str:
    return f"{n} agent" if n == 1 else f"{n} agents"


def _sensitivity_rows(o: Outcome) -> str:
    """One row per uncertain parameter: range, PRCC with the profit difference, the
    Holm-corrected p-value (PRCC's, else the rank correlation's), rank correlation with
    the profit difference, PRCC with the retention difference."""
    prcc_customers = o.sens_customers.set_index("parameter")["prcc"]
    rows = []
    for _, r in o.sens.iterrows():
        lo, hi = o.plan.uncertainty[r["parameter"]]
        rc = float(prcc_customers.get(r["parameter"], np.nan))
        ph = r.get("prcc_p_holm", np.nan)  # PRCC's, else the rank correlation's
        ph = ph if np.isfinite(ph) else r.get("p_holm", np.nan)
        ph_txt = "–" if not np.isfinite(ph) else f"{ph:.3f}"
        rows.append(
            f"<tr><td class=l>{html.escape(param_label(r['parameter']))}"
            f"<br><code>{html.escape(r['parameter'])}</code></td>"
            f"<td>{lo:g} – {hi:g}</td><td>{fmt_corr(r['prcc'])}</td><td>{ph_txt}</td>"
            f"<td>{fmt_corr(r['spearman'])}</td><td>{fmt_corr(rc)}</td></tr>"
        )
    return "".join(rows)


def _drivers_note(o: Outcome) -> str:
    """The driver rule on the page: what it requires, and what it names or why not."""
    named, why = value_drivers(o)
    k = len(o.plan.uncertainty)
    rule = (
        f"A parameter is named as a driver only with at least {min_worlds_for_drivers(k)} "
        f"worlds for these {k} parameters (PRCC needs the parameters plus "
        f"{MIN_RESIDUAL_DF + 1} worlds) and when its PRCC is significant at "
        f"{DRIVER_ALPHA:.0%} after a Holm correction for the {k} parameters tested."
    )
    if len(named):
        found = "Named: " + ", ".join(param_label(p) for p in named["parameter"]) + "."
    else:
        found = f"None is named: {why}."
    return f"<p class=note><b>Drivers.</b> {html.escape(rule)} {html.escape(found)}</p>"


def _by_rule(o: Outcome) -> str:
    """Whether the robust verdict's sign depends on how employees learn (structural
    uncertainty: ``behavior.learning`` sampled per world), as a note; empty without it."""
    text = verdict_by_choice(o.robust, "behavior.learning")
    return f"<p class=note><b>Learning rule.</b> {html.escape(text)}</p>" if text else ""


def robust_section(o: Outcome, fig: str) -> str:
    """The robust verdict: shares of worlds won with their intervals, the figure, the
    driver rule and the sensitivity table.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    fig : str
        The robust figure as an HTML ``<img>`` (empty when there is none).
    """
    a = o.plan.args
    if not a.robust:
        return (
            "<p class=muted>Skipped (robust=0). Run with "
            f"robust={min_worlds_for_drivers(len(o.plan.uncertainty))} or more to see how "
            "the verdict holds when behavioural parameters vary, and what it hinges on.</p>"
        )
    n = len(o.robust)
    rows = "".join(
        f"<tr><td class=l>{html.escape(lab)}</td><td>{pct(o.shares[name])}</td>"
        f"<td>{fmt_ci(*share_interval(o.shares[name], n), 'share')}</td></tr>"
        for name, lab, *_ in CRITERIA
    )
    warns = [w for w in (few_worlds_warning(o.shares["profit"], n),) if w]
    warns += [w for w in (robust_size_warning(o.plan.cfg_current, a.robust_scale),) if w]
    warn = "".join(
        f"<p class=note><b>Warning:</b> {html.escape(w[0].upper() + w[1:])}.</p>" for w in warns
    )
    c = o.plan.cfg_current
    return f"""
<p>How staff respond to pay cannot be observed before a rollout. We sampled {n}
plausible worlds {worlds_source(o.plan)};
in each world both arms ran once with the same seed.
To keep this quick the worlds use a smaller centre: {a.robust_scale:.0%} of the customers and
agents ({max(1, round(c.customers.n * a.robust_scale)):,} customers,
{_agents(robust_agents(c, a.robust_scale))}, same staffing ratio), over the same
{a.days} days with rollout on day {a.rollout_day}. Each world is a single run, so a share
also carries some run-to-run noise.</p>
{warn}
<div class=side><div><table><tr><th class=l>the proposal beats the current scheme on</th>
<th>share of worlds</th><th>95% interval (Wilson)</th></tr>{rows}</table></div></div>
{fig}
<p class=note>Partial rank correlation (PRCC) of each parameter with the proposal's profit
advantage, holding the others fixed: near ±1 the verdict hinges on it, near 0 it does not.
Positive: the higher the parameter, the better the proposal does. PRCC needs more worlds
than parameters plus two; with fewer, only the plain rank correlation is shown, and with
many parameters some correlations look large by chance alone: the p-value is Holm-corrected
for the number of parameters tested.</p>
{_drivers_note(o)}
{_by_rule(o)}
<table><tr><th class=l>parameter</th><th>range</th><th>PRCC with profit difference</th>
<th>Holm-corrected p (of PRCC, else of the rank correlation)</th>
<th>rank correlation with profit difference</th>
<th>PRCC with retention difference</th></tr>
{_sensitivity_rows(o)}</table>"""
