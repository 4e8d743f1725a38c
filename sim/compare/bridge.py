"""The money bridge: the change in value from the current to the proposed scheme,
split into what moved it, and the parameters that decide its sign.

Profit is ``customers.margin_rate`` x revenue - the cost lines (:mod:`sim.outputs.money`)
and value is profit + the change in customer equity over the run, so per replication

    Δprofit = Δ(margin_rate x revenue) - Δ(labour without overtime) - Δovertime
              - Δbonus - Δhiring - Δoverhead - Δtelephony - Δweb - Δone-off cost
    Δvalue  = Δprofit + Δ(customer_equity_end - customer_equity_start)

exactly.  Each bar is the paired difference (proposal - current) of its item averaged
over replications with its 95 % t-interval (:func:`sim.stats.paired_ci`), signed as a
contribution to value (a cost that rises is a negative bar); the items' means add up to
the mean change in value (the ``total`` row) and, without the customer-equity bar, to
the mean change in profit (the ``subtotal`` row, shown after it for reference).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats import drivers, paired_ci
from ..units import DAYS_PER_YEAR
from .tables import sensitivity

#: Bridge items: (name, plain label, summary keys added (+) or subtracted (-)); the
#: margin item multiplies revenue by the arm's margin rate.  Customer equity stands
#: beside the margin from customers kept and won: both are what customers are worth.
ITEMS = (
    ("margin", "Margin from customers kept and won", ()),
    (
        "equity",
        "Customer equity (change in the active base's worth)",
        (("+", "customer_equity_end"), ("-", "customer_equity_start")),
    ),
    ("labour", "Labour (without overtime)", (("-", "cost_labour"), ("+", "cost_overtime"))),
    ("overtime", "Overtime", (("-", "cost_overtime"),)),
    ("bonus", "Bonus", (("-", "cost_bonus"),)),
    ("hiring", "Hiring", (("-", "cost_hiring"),)),
    ("overhead", "Overhead (seats)", (("-", "cost_overhead"),)),
    ("telephony", "Telephony", (("-", "cost_telephony"),)),
    ("web", "Web self-service", (("-", "cost_web"),)),
    ("one_off", "One-off cost of the change", (("-", "cost_one_off"),)),
)
#: The items that make up profit (every item but the change in customer equity).
PROFIT_ITEMS = tuple(name for name, *_ in ITEMS if name != "equity")
#: Columns of ``money_bridge.csv``.
COLUMNS = ("item", "label", "kind", "difference", "ci_low", "ci_high", "difference_sd", "n")


def contributions(reps: pd.DataFrame, margin_rate: float) -> pd.DataFrame:
    """Per run (rows of ``reps``): each item's contribution to value, currency units.

    Parameters
    ----------
    reps : pandas.DataFrame
        Runs of one arm (rows of ``replications.csv``: revenue, the cost lines and customer
        equity, currency units over the run).
    margin_rate : float
        That arm's gross margin on revenue, a share in [0, 1].
    """
    out = pd.DataFrame(index=reps.index)
    for name, _, terms in ITEMS:
        if name == "margin":
            out[name] = margin_rate * reps["revenue"]
            continue
        v = np.zeros(len(reps))
        for sign, key in terms:
            v = v + (1.0 if sign == "+" else -1.0) * reps[key].to_numpy(dtype=float)
        out[name] = v
    return out


def money_bridge(reps: pd.DataFrame, margin_rates: tuple[float, float]) -> pd.DataFrame:
    """The bridge table: the items (``kind`` "item": the margin, the change in customer
    equity beside it, the cost lines), the change in value (``kind`` "total", their sum)
    and, for reference, the change in profit (``kind`` "subtotal": every item but
    customer equity), paired differences with 95 % intervals.

    Parameters
    ----------
    reps : pandas.DataFrame
        Every main run (``replications.csv``), both arms.
    margin_rates : tuple of float
        The current and the proposal arm's ``customers.margin_rate``, shares in [0, 1].

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; differences in currency units over the run.
    """
    cur = reps[reps["arm"] == "current"].sort_values("replication").reset_index(drop=True)
    pro = reps[reps["arm"] == "proposal"].sort_values("replication").reset_index(drop=True)
    cc, cp = contributions(cur, margin_rates[0]), contributions(pro, margin_rates[1])
    rows = []
    for name, label, _ in ITEMS:
        st = paired_ci(cc[name].to_numpy(), cp[name].to_numpy())
        rows.append({"item": name, "label": label, "kind": "item", **st})
    st = paired_ci(cur["value"].to_numpy(), pro["value"].to_numpy())
    rows.append({"item": "value", "label": "Change in value", "kind": "total", **st})
    st = paired_ci(cur["profit"].to_numpy(), pro["profit"].to_numpy())
    label = "Change in profit (value without customer equity)"
    rows.append({"item": "profit", "label": label, "kind": "subtotal", **st})
    return pd.DataFrame(rows)[list(COLUMNS)]


def payback_years(reps: pd.DataFrame, days_after: int) -> float:
    """Years for the proposal's gain in value to pay back its one-off cost: the mean
    ``cost_one_off`` of the proposal arm over its annualised paired gain in value before
    that cost, ``(Δvalue + cost_one_off) x DAYS_PER_YEAR / days_after``.  Both arms are
    the same run until the rollout day, so the whole run's Δvalue is the gain from the
    rollout on.  NaN without a one-off cost or rollout days; inf when the gain is not
    positive (it never pays back).

    Parameters
    ----------
    reps : pandas.DataFrame
        Every main run (``replications.csv``), both arms.
    days_after : int
        Working days simulated from the rollout day on.
    """
    cur = reps[reps["arm"] == "current"].sort_values("replication")
    pro = reps[reps["arm"] == "proposal"].sort_values("replication")
    cost = float(pro["cost_one_off"].mean()) if "cost_one_off" in pro else float("nan")
    if not (cost > 0) or days_after <= 0:
        return float("nan")
    d = pro["value"].to_numpy(dtype=float) - cur["value"].to_numpy(dtype=float)
    gain = (float(np.mean(d)) + cost) * DAYS_PER_YEAR / days_after
    return cost / gain if gain > 0 else float("inf")


def largest_item(bridge: pd.DataFrame) -> pd.Series | None:
    """The item (profit items and customer equity) with the largest absolute mean effect
    (``None`` without data).

    Parameters
    ----------
    bridge : pandas.DataFrame
        The table of :func:`money_bridge`.
    """
    items = bridge[(bridge["kind"] == "item") & bridge["difference"].notna()]
    if items.empty:
        return None
    return items.loc[items["difference"].abs().idxmax()]


def sign_deciders(robust: pd.DataFrame, params: list[str], k: int = 2) -> pd.DataFrame:
    """At most ``k`` uncertain parameters that decide the sign of the value difference
    (``diff_value`` of ``robust.csv``; ``diff_profit`` in a table without it), by the one
    driver rule (:func:`sim.stats.drivers`: enough worlds for PRCC and a Holm-corrected
    significant PRCC); columns of :func:`.tables.sensitivity`, empty when none may be
    named (the reason is :func:`sign_reason`'s).

    Parameters
    ----------
    robust : pandas.DataFrame
        ``robust.csv``: one row per world, its sampled parameters and differences.
    params : list of str
        The uncertain parameters (dotted config keys, columns of ``robust``).
    k : int
        How many to return at most.
    """
    return _named(robust, params)[0].head(k).reset_index(drop=True)


def sign_reason(robust: pd.DataFrame, params: list[str]) -> str:
    """Why :func:`sign_deciders` names no parameter (``""`` when it names some).

    Parameters
    ----------
    robust : pandas.DataFrame
        ``robust.csv``.
    params : list of str
        The uncertain parameters.
    """
    return _named(robust, params)[1]


def _named(robust: pd.DataFrame, params: list[str]) -> tuple[pd.DataFrame, str]:
    has_target = "diff_value" in robust or "diff_profit" in robust
    sens = sensitivity(robust, params) if has_target else sensitivity(robust, [])
    return drivers(sens, len(robust), len(params))
