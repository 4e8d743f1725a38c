"""The money sentences of the verdict: which bridge item drives the change in value
(profit + the change in customer equity), which uncertain parameters decide its sign,
and how long a one-off cost takes to pay back (plain text; the caller escapes it)."""

from __future__ import annotations

from ..stats import min_worlds_for_drivers
from .bridge import largest_item, payback_years, sign_deciders, sign_reason
from .formatting import fmt_diff, fmt_value, pct
from .names import param_label
from .outcome import Outcome
from .tables import few_worlds_warning

#: How an item's contribution reads: (when it raises profit, when it lowers profit).
PHRASES = {
    "margin": ("more margin from customers kept and won", "margin lost from customers"),
    "labour": ("lower labour cost", "higher labour cost"),
    "overtime": ("less overtime", "more overtime"),
    "bonus": ("lower bonus cost", "higher bonus cost"),
    "hiring": ("less hiring", "more hiring"),
    "overhead": ("lower overhead (fewer seats)", "higher overhead (more seats)"),
    "telephony": ("lower telephony cost", "higher telephony cost"),
    "web": ("lower web cost", "higher web cost"),
    "one_off": ("a lower one-off cost", "the one-off cost of the change"),
    "equity": (
        "customer equity gained (customers kept and more loyal)",
        "customer equity written off (customers lost or less loyal)",
    ),
}


def currency_of(o: Outcome) -> str:
    """The currency label of the comparison's money figures (``economics.currency``).

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    """
    return o.plan.cfg_current.economics.currency


def payback(o: Outcome) -> float:
    """Years for the proposal's annualised gain in value to pay back its one-off cost
    (:func:`.bridge.payback_years`; NaN without a one-off cost, inf when it never does).

    Parameters
    ----------
    o : Outcome
        The finished comparison (its replications; days and rollout day).
    """
    a = o.plan.args
    if o.reps.empty or a.rollout_day is None:
        return float("nan")
    return payback_years(o.reps, a.days - a.rollout_day)


def driver_sentence(o: Outcome) -> str:
    """``Value falls by X, mostly through customer equity written off (−Y).``: the net
    change in value and the bridge item with the largest absolute mean effect.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its money bridge).
    """
    if o.bridge.empty:
        return ""
    net = float(o.bridge.set_index("item").loc["value", "difference"])
    top = largest_item(o.bridge)
    if top is None or net != net:
        return ""
    verb = "rises" if net > 0 else "falls" if net < 0 else "does not change"
    lead = f"Value {verb} by {fmt_value(abs(net), 'currency')} {currency_of(o)}"
    if net == 0:
        lead = "Value does not change"
    d = float(top["difference"])
    phrase = PHRASES.get(str(top["item"]), (str(top["label"]),) * 2)[0 if d >= 0 else 1]
    item = f"{phrase} ({fmt_diff(d, 'currency')} {currency_of(o)})"
    if (d > 0) == (net > 0) and net != 0:
        return f"{lead}, mostly through {item}."
    return f"{lead}; the largest single item is {item}."


def sign_sentence(o: Outcome) -> str:
    """Whether the robust worlds agree on the sign of the change in value and, when they
    do not, the (at most two) parameters the driver rule names (:func:`sim.stats.drivers`),
    or why it names none.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its robust worlds).
    """
    n = len(o.robust) if o.plan.args.robust else 0
    if n == 0:
        return (
            "Whether the net is a gain or a loss can depend on how staff respond: run "
            f"with robust=N (at least {min_worlds_for_drivers(len(o.plan.uncertainty))} for "
            f"these {len(o.plan.uncertainty)} parameters) to see which parameters decide it."
        )
    share = o.shares.get("value", float("nan"))
    warn = few_worlds_warning(share, n)
    warn = f" ({warn[0].upper()}{warn[1:]}.)" if warn else ""
    if share in (0.0, 1.0):
        side = "gains" if share == 1.0 else "loses"
        return f"In all {n} plausible worlds the proposal {side} value.{warn}"
    top = sign_deciders(o.robust, list(o.plan.uncertainty))
    if top.empty:
        why = sign_reason(o.robust, list(o.plan.uncertainty))
        return (
            f"The plausible worlds disagree (the proposal gains value in {pct(share)} of "
            f"{n}); no parameter is named as deciding it: {why}.{warn}"
        )
    parts = [
        f"{param_label(r['parameter'])} (partial rank correlation {r['prcc']:+.2f}, "
        f"Holm-corrected p = {r['prcc_p_holm']:.3f}: a higher value favours "
        f"{'the proposal' if r['prcc'] > 0 else 'the current scheme'})"
        for _, r in top.iterrows()
    ]
    return (
        f"The plausible worlds disagree on the sign (the proposal gains value in "
        f"{pct(share)} of {n}); what decides it is " + " and ".join(parts) + "." + warn
    )


def payback_sentence(o: Outcome) -> str:
    """``The one-off cost of X pays back in Y years ...``, or "" without a one-off cost.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its replications and arguments).
    """
    years = payback(o)
    if years != years:  # NaN: no one-off cost
        return ""
    cost = float(o.reps.loc[o.reps["arm"] == "proposal", "cost_one_off"].mean())
    lead = f"The one-off cost of the change ({fmt_value(cost, 'currency')} {currency_of(o)})"
    if years == float("inf"):
        return f"{lead} never pays back: the proposal gains no value to pay it back with."
    return (
        f"{lead} pays back in {years:.1f} years of the proposal's gain in value "
        "(annualised from the days after the rollout)."
    )
