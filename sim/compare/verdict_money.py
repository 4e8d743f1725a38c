"""The money sentences of the verdict: which bridge item drives the change in profit,
and which uncertain parameters decide its sign (plain text; the caller escapes it)."""

from __future__ import annotations

from .bridge import largest_item, sign_deciders
from .formatting import fmt_diff, fmt_value, pct
from .names import param_label
from .outcome import Outcome

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
}


def driver_sentence(o: Outcome) -> str:
    """``Profit falls by X, mostly through margin lost from customers (−Y).``: the net
    change and the bridge item with the largest absolute mean effect.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its money bridge).
    """
    if o.bridge.empty:
        return ""
    net = float(o.bridge.set_index("item").loc["profit", "difference"])
    top = largest_item(o.bridge)
    if top is None or net != net:
        return ""
    verb = "rises" if net > 0 else "falls" if net < 0 else "does not change"
    lead = f"Profit {verb} by {fmt_value(abs(net), 'currency')}"
    if net == 0:
        lead = "Profit does not change"
    d = float(top["difference"])
    phrase = PHRASES.get(str(top["item"]), (str(top["label"]),) * 2)[0 if d >= 0 else 1]
    item = f"{phrase} ({fmt_diff(d, 'currency')})"
    if (d > 0) == (net > 0) and net != 0:
        return f"{lead}, mostly through {item}."
    return f"{lead}; the largest single item is {item}."


def sign_sentence(o: Outcome) -> str:
    """Whether the robust worlds agree on the sign of the profit change and, when they
    do not, the two parameters whose values rank-correlate most with it.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its robust worlds).
    """
    n = len(o.robust) if o.plan.args.robust else 0
    if n == 0:
        return (
            "Whether the net is a gain or a loss can depend on how staff respond: run "
            "with robust=N (for example robust=32) to see which parameters decide it."
        )
    share = o.shares.get("profit", float("nan"))
    if share in (0.0, 1.0):
        side = "gains" if share == 1.0 else "loses"
        return f"In all {n} plausible worlds the proposal {side} profit."
    top = sign_deciders(o.robust, list(o.plan.uncertainty))
    if top.empty:
        return (
            f"The plausible worlds disagree (the proposal gains profit in {pct(share)} of "
            f"{n}), and no parameter's value tracks the difference."
        )
    parts = [
        f"{param_label(r['parameter'])} (rank correlation {r['spearman']:+.2f}: a higher "
        f"value favours {'the proposal' if r['spearman'] > 0 else 'the current scheme'})"
        for _, r in top.iterrows()
    ]
    return (
        f"The plausible worlds disagree on the sign (the proposal gains profit in "
        f"{pct(share)} of {n}); what decides it is " + " and ".join(parts) + "."
    )
