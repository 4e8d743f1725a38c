"""The verdict's rule: how it weighs its four dimensions (value, customers, staff,
service), which way each moved in the comparison table (only where a measure's 95 %
interval excludes zero), and the bottom-line sentence it gives (:func:`decide`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .formatting import pct

#: verdicts that count as a clear change
CLEAR = ("better", "worse")
#: How the verdict weighs its four dimensions (shown on the page under the list).
RULE = (
    "How the verdict weighs the four dimensions: value (profit plus the change in customer "
    "equity) answers the money question and comes first; a clear loss for customers (true "
    "first-contact resolution, true satisfaction, retention) or for staff (morale, turnover) "
    "is named as a risk even when value rises, and a clear gain as a benefit even when value "
    "does not move; a proposal that loses value and customers is advised against whatever "
    "else it brings; service level counts last, as a means to the customers' outcomes. A "
    "dimension has moved only when the 95% interval of at least one of its measures excludes "
    "zero. Pay is shown but does not count for staff: it is a cost inside value, and what it "
    "does to staff shows in their morale and turnover."
)

#: The verdict's dimensions, in the order they weigh: (name, plain name, measures).
DIMENSIONS = (
    ("value", "Value", ("value",)),
    ("customers", "Customers", ("fcr_true", "csat_true", "retention")),
    (
        "staff",
        "Staff",
        ("employee_satisfaction", "staff_turnover_annual", "pay_per_employee_annual"),
    ),
    ("service", "Service", ("service_level",)),
)
#: how a clearly moved measure reads in the bottom line (the sign says up or down)
SHORT = {
    "fcr_true": "true first-contact resolution",
    "csat_true": "true customer satisfaction",
    "retention": "customer retention",
    "employee_satisfaction": "staff morale",
    "staff_turnover_annual": "staff turnover",
    "service_level": "service level",
}
#: a robust share of worlds below this is a caveat on a clear value gain
ROBUST_ENOUGH = 0.8


def dimension_keys(t: pd.DataFrame, dim: str) -> tuple[str, ...]:
    """The measures of a dimension present in the table."""
    keys = dict((d, k) for d, _, k in DIMENSIONS)[dim]
    return tuple(k for k in keys if k in t.index)


def dimension_moves(t: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """Per dimension, its measures that clearly improved (``better``) and clearly worsened
    (``worse``): the ``verdict`` column, so only where the 95 % interval excludes zero;
    measures without a better direction (pay) never count.

    Parameters
    ----------
    t : pandas.DataFrame
        The comparison table indexed by metric.
    """
    return {
        dim: {
            side: [k for k in dimension_keys(t, dim) if t.loc[k, "verdict"] == side]
            for side in CLEAR
        }
        for dim, _, _ in DIMENSIONS
    }


def direction(m: dict[str, list[str]]) -> str:
    """``better``, ``worse``, ``mixed`` or ``unclear`` for one dimension's moves."""
    if m["better"] and m["worse"]:
        return "mixed"
    return "better" if m["better"] else "worse" if m["worse"] else "unclear"


def _phrase(t: pd.DataFrame, k: str) -> str:
    """``staff turnover down``: a clearly moved measure and the way it moved."""
    return f"{SHORT.get(k, k)} {'up' if t.loc[k, 'difference'] > 0 else 'down'}"


def _join(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def decide(t: pd.DataFrame, share: float = float("nan")) -> str:
    """The bottom line by :data:`RULE` (plain text, lower-case start).

    Value's direction decides the money question; every clear gain and every clear loss
    of customers, staff and service is named (gains as benefits, losses as risks); "no
    clear difference" is said only when no dimension moved.  ``share``, the share of
    robust worlds in which the proposal wins on value (NaN: not run), adds a caveat to a
    clear value gain when below :data:`ROBUST_ENOUGH`.

    Parameters
    ----------
    t : pandas.DataFrame
        The comparison table indexed by metric.
    share : float
        Robust share (0-1) of worlds with a value gain; NaN when no worlds were run.
    """
    moves = dimension_moves(t)
    word = "value"
    v = direction(moves["value"])
    others = [d for d, _, _ in DIMENSIONS if d != "value"]
    gains = _join([_phrase(t, k) for d in others for k in moves[d]["better"]])
    risks = _join([_phrase(t, k) for d in others for k in moves[d]["worse"]])
    caveat = ""
    if v == "better" and np.isfinite(share) and share < ROBUST_ENOUGH:
        caveat = (
            f" The gain holds in only {pct(share)} of plausible worlds: it depends on how "
            "staff respond, so pilot it before a full rollout."
        )
    if v == "better" and not risks:
        extra = f", with {gains} as well" if gains else ""
        return f"the proposal adds {word}{extra}, and nothing measured clearly worsens." + caveat
    if v == "better":
        also = f" It also brings {gains}." if gains else ""
        return (
            f"the proposal adds {word}, but with {risks}: a risk to weigh before rolling it "
            f"out.{also}" + caveat
        )
    if v == "worse" and moves["customers"]["worse"]:  # money and customers both lost
        also = f" It does bring {gains}, which do not outweigh that." if gains else ""
        return f"the model advises against the proposal: it costs {word} and brings {risks}.{also}"
    if v == "worse" and gains:
        also = f"; it also brings {risks}" if risks else ""
        return (
            f"the proposal costs {word} but brings {gains}{also}: roll it out only if those "
            "gains are worth the cost."
        )
    if v == "worse":
        also = f", and it brings {risks}" if risks else ""
        return f"the model advises against the proposal: it costs {word}{also}."
    if gains and risks:
        return (
            f"{word} does not change measurably; the proposal brings {gains}, but also "
            f"{risks}: a trade-off to weigh before deciding."
        )
    if gains:
        return (
            f"{word} does not change measurably, and the proposal brings {gains}: it is "
            "better for the people it touches at no measurable cost."
        )
    if risks:
        return (
            f"{word} does not change measurably, and the proposal brings {risks}: the model "
            "advises against it."
        )
    return (
        "no clear difference in value, customers, staff or service: the evidence does not "
        "favour either scheme; more replications or a pilot would be needed to tell them apart."
    )
