"""The money bridge: the change in profit from the current to the proposed scheme,
split into what moved it, and the parameters that decide its sign.

Profit is ``customers.margin_rate`` x revenue - the cost lines (:mod:`sim.outputs.money`),
so per replication

    Δprofit = Δ(margin_rate x revenue) - Δ(labour without overtime) - Δovertime
              - Δbonus - Δhiring - Δoverhead - Δtelephony - Δweb

exactly.  Each bar is the paired difference (proposal - current) of its item averaged
over replications with its 95 % t-interval (:func:`sim.stats.paired_ci`), signed as a
contribution to profit (a cost that rises is a negative bar); the bars' means add up to
the mean change in profit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats import drivers, paired_ci
from .tables import sensitivity

#: Bridge items: (name, plain label, summary keys added (+) or subtracted (-)); the
#: margin item multiplies revenue by the arm's margin rate.
ITEMS = (
    ("margin", "Margin from customers kept and won", ()),
    ("labour", "Labour (without overtime)", (("-", "cost_labour"), ("+", "cost_overtime"))),
    ("overtime", "Overtime", (("-", "cost_overtime"),)),
    ("bonus", "Bonus", (("-", "cost_bonus"),)),
    ("hiring", "Hiring", (("-", "cost_hiring"),)),
    ("overhead", "Overhead (seats)", (("-", "cost_overhead"),)),
    ("telephony", "Telephony", (("-", "cost_telephony"),)),
    ("web", "Web self-service", (("-", "cost_web"),)),
)
#: Columns of ``money_bridge.csv``.
COLUMNS = ("item", "label", "kind", "difference", "ci_low", "ci_high", "difference_sd", "n")


def contributions(reps: pd.DataFrame, margin_rate: float) -> pd.DataFrame:
    """Per run (rows of ``reps``): each item's contribution to profit, currency units.

    Parameters
    ----------
    reps : pandas.DataFrame
        Runs of one arm (rows of ``replications.csv``: revenue and the cost lines, currency
        units over the run).
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
    """The bridge table: one row per item (``kind`` "item") and the net change in profit
    (``kind`` "total"), paired differences with 95 % intervals.

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
    st = paired_ci(cur["profit"].to_numpy(), pro["profit"].to_numpy())
    rows.append({"item": "profit", "label": "Change in profit", "kind": "total", **st})
    return pd.DataFrame(rows)[list(COLUMNS)]


def largest_item(bridge: pd.DataFrame) -> pd.Series | None:
    """The item with the largest absolute mean effect (``None`` without data).

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
    """At most ``k`` uncertain parameters that decide the sign of the profit difference
    (``diff_profit`` of ``robust.csv``), by the one driver rule
    (:func:`sim.stats.drivers`: enough worlds for PRCC and a Holm-corrected significant
    PRCC); columns of :func:`.tables.sensitivity`, empty when none may be named (the
    reason is :func:`sign_reason`'s).

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
    sens = sensitivity(robust, params) if "diff_profit" in robust else sensitivity(robust, [])
    return drivers(sens, len(robust), len(params))
