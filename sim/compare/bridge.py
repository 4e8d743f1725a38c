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
from scipy import stats

from ..stats import paired_ci

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
    """The ``k`` uncertain parameters whose sampled values rank-correlate most (|Spearman|)
    with the world's profit difference (``diff_profit`` of ``robust.csv``); columns
    ``parameter`` and ``spearman``.  Empty with fewer than 3 worlds or no variation.

    Parameters
    ----------
    robust : pandas.DataFrame
        ``robust.csv``: one row per world, its sampled parameters and differences.
    params : list of str
        The uncertain parameters (dotted config keys, columns of ``robust``).
    k : int
        How many to return at most.
    """
    rows = []
    if len(robust) >= 3 and "diff_profit" in robust:
        y = robust["diff_profit"].to_numpy(dtype=float)
        for p in params:
            x = robust[p].to_numpy(dtype=float)
            ok = np.isfinite(x) & np.isfinite(y)
            if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
                continue
            rows.append({"parameter": p, "spearman": float(stats.spearmanr(x[ok], y[ok])[0])})
    df = pd.DataFrame(rows, columns=["parameter", "spearman"])
    if df.empty:
        return df
    order = df["spearman"].abs().sort_values(ascending=False).index
    return df.loc[order].head(k).reset_index(drop=True)
