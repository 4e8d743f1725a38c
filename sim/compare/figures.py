"""The report's figures, as PNG bytes (matplotlib, headless).

Colours come from :mod:`sim.palette` (Okabe-Ito, colour-blind safe); the arms are also
told apart by hatching or line style.  Error bars and bands are 95 % t-intervals of the
mean over replications.  matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..measurement import paid_kpis
from ..palette import OKABE_ITO
from .figures_money import fig_bridge, fig_intervals
from .figures_robust import fig_robust
from .figures_rollout import fig_rollout
from .figures_settle import fig_settle
from .names import ARM_COLOUR
from .outcome import Outcome
from .page_people import pay_changes
from .plotting import GREY, mean_bar
from .plotting import pyplot as _plt
from .plotting import to_png as _png
from .verdict_money import currency_of

VERMILION = OKABE_ITO["vermillion"]
PAID_KPIS = paid_kpis()


def _arm_bars(
    ax: Any,
    reps: pd.DataFrame,
    keys: list[str],
    labels: list[str],
    scale: float,
    names: dict[str, str],
) -> None:
    """Grouped bars: for each metric the two arms' means over replications side by side
    (current plain, proposal hatched), with 95 % t-interval error bars.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    reps : pandas.DataFrame
        One row per run (``replications.csv``): ``arm`` and the metrics' columns.
    keys : list of str
        The metrics (summary keys), in the order of the groups.
    labels : list of str
        Their tick labels.
    scale : float
        Factor applied to means and intervals (100: shares shown in percent).
    names : dict of str to str
        Legend label of each arm (``current``, ``proposal``).
    """
    x = np.arange(len(keys))
    w = 0.38
    for j, (arm, hatch) in enumerate((("current", ""), ("proposal", "//"))):
        sub = reps[reps["arm"] == arm]
        stats_ = [mean_bar(sub[k].to_numpy()) for k in keys]
        means = np.array([m for m, _ in stats_]) * scale
        errs = np.array([h for _, h in stats_]) * scale
        ax.bar(
            x + (j - 0.5) * w,
            means,
            w,
            yerr=errs,
            capsize=3,
            color=ARM_COLOUR[arm],
            hatch=hatch,
            edgecolor="white",
            label=names[arm],
            error_kw={"ecolor": "#222"},
        )
    ax.set_xticks(x, labels)
    ax.tick_params(axis="x", labelsize=9)


def _arm_single(ax: Any, reps: pd.DataFrame, key: str, scale: float, names: dict[str, str]) -> None:
    """Two bars (current, proposal) of one metric, arm names on the x axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    reps : pandas.DataFrame
        One row per run (``replications.csv``): ``arm`` and the metric's column.
    key : str
        The metric (summary key).
    scale : float
        Factor applied to the mean and its interval (100: a share shown in percent).
    names : dict of str to str
        The arms' names on the x axis (``current``, ``proposal``).
    """
    for j, (arm, hatch) in enumerate((("current", ""), ("proposal", "//"))):
        m, h = mean_bar(reps.loc[reps["arm"] == arm, key].to_numpy())
        ax.bar(
            j,
            m * scale,
            0.6,
            yerr=h * scale,
            capsize=4,
            color=ARM_COLOUR[arm],
            hatch=hatch,
            edgecolor="white",
            error_kw={"ecolor": "#222"},
        )
    ax.set_xticks([0, 1], [names["current"], names["proposal"]])
    ax.set_ylim(bottom=0)


#: The dashboard figure's share panels: (summary key, tick label), always shown.
DASHBOARD_SHARES = (
    ("fcr_measured", "FCR\n(as measured)"),
    ("csat_survey", "CSAT\n(survey)"),
    ("service_level", "Service level\n(20 s)"),
    ("web_containment", "Web\ncontainment"),
)
#: Paid KPIs (``scheme.kpis``) shown besides those when either arm pays on them: the
#: summary key measuring the KPI and its tick label (``aht`` has its own panel, seconds).
PAID_SHARES = {
    "transfer": ("transfer_rate", "Transfer\nrate"),
    "web_deflection": ("web_push_rate", "Sent to\nthe web"),
    "quality": ("quality_score", "Audit\nquality"),
}
REALITY_SHARES = (
    ("fcr_true", "FCR\n(true)"),
    ("csat_true", "CSAT\n(true, all contacts)"),
    ("retention", "Customers\nretained"),
    ("repeat_contact_rate", "Repeat\ncontacts"),
)


def paid_by_either(o: Outcome) -> set[str]:
    """The KPIs either arm pays on (weight > 0 in its scheme or its proposal).

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    """
    out = set()
    for cfg in (o.plan.cfg_current, o.plan.cfg_proposal):
        for scheme in (cfg.scheme, cfg.proposal):
            if scheme is not None:
                out |= {k for k in PAID_KPIS if getattr(scheme.kpis, k).weight > 0}
    return out


def fig_dashboard_reality(o: Outcome, names: dict[str, str]) -> bytes:
    """Measured KPIs (left) beside their true counterparts (right), both arms: every
    KPI either arm pays on is on the dashboard side (handle time, in seconds, in its own
    panel beside the handling time per truly resolved contact).

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' display names (:func:`~.names.arm_names`).
    """
    plt = _plt()
    paid = paid_by_either(o)
    left = list(DASHBOARD_SHARES) + [PAID_SHARES[k] for k in PAID_SHARES if k in paid]
    seconds = "aht" in paid
    ncols = 3 if seconds else 2
    ratios = [len(left), len(REALITY_SHARES)] + ([2] if seconds else [])
    fig, axes = plt.subplots(
        1, ncols, figsize=(2.5 + 1.25 * sum(ratios), 4.2), gridspec_kw={"width_ratios": ratios}
    )
    _arm_bars(axes[0], o.reps, [k for k, _ in left], [lab for _, lab in left], 100, names)
    axes[0].set_title("Dashboard: what is measured")
    axes[0].set_ylabel("% (mean over replications)")
    _arm_bars(
        axes[1],
        o.reps,
        [k for k, _ in REALITY_SHARES],
        [lab for _, lab in REALITY_SHARES],
        100,
        names,
    )
    axes[1].set_title("Reality: what customers experience")
    axes[0].legend(loc="upper right", frameon=False, fontsize=9)
    for ax in axes[:2]:
        ax.set_ylim(0, 118)
        ax.set_yticks(range(0, 101, 20))
    if seconds:
        _arm_bars(
            axes[2],
            o.reps,
            ["aht_s", "handle_s_per_resolved"],
            ["AHT\n(dashboard)", "Handling per\ntruly resolved"],
            1,
            names,
        )
        axes[2].set_title("Handle time (paid KPI)")
        axes[2].set_ylabel("seconds")
    fig.suptitle(
        "Dashboard vs reality over the whole run (error bars: 95% CI of the mean)", fontsize=10
    )
    return _png(fig)


def fig_money(o: Outcome, names: dict[str, str]) -> bytes:
    """Paired differences of revenue, cost and profit; CLV per arm.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' display names.
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [2, 1]})
    t = o.table.set_index("metric")
    keys = ["revenue", "cost_total", "profit", "value"]
    labels = ["Revenue", "Cost", "Profit", "Value (profit +\nchange in equity)"]
    cur = currency_of(o)
    d = np.array([t.loc[k, "difference"] for k in keys]) / 1e3
    lo = np.array([t.loc[k, "ci_low"] for k in keys]) / 1e3
    hi = np.array([t.loc[k, "ci_high"] for k in keys]) / 1e3
    y = np.arange(len(keys))[::-1]
    ax = axes[0]
    ax.errorbar(d, y, xerr=[d - lo, hi - d], fmt="o", color=VERMILION, ecolor="#222", capsize=4)
    ax.axvline(0, color=GREY, lw=1, ls=":")
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.5, len(keys) - 0.5)
    ax.set_xlabel(
        f"proposal minus current over the run (thousand {cur});\n"
        "dot = mean paired difference, bar = 95% CI"
    )
    ax.set_title("Money: proposal minus current")
    _arm_single(axes[1], o.reps, "clv_mean", 1.0, names)
    axes[1].set_ylabel(f"{cur} per customer")
    axes[1].set_title("Customer lifetime value (95% CI)")
    return _png(fig)


def fig_people(o: Outcome, names: dict[str, str]) -> bytes:
    """Morale, turnover and pay per employee, both arms; and the distribution of the
    change in each paired agent's annual pay (:mod:`.people`).

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' display names.
    """
    plt = _plt()
    fig, grid = plt.subplots(2, 2, figsize=(11, 6.4))
    axes = grid.ravel()
    specs = [
        ("employee_satisfaction", "Morale at the end", "morale (0-1)", 1.0),
        ("staff_turnover_annual", "Staff turnover", "% of staff per year", 100.0),
        ("pay_per_employee_annual", "Pay per employee", f"{currency_of(o)} per year", 1.0),
    ]
    for ax, (k, title, unit, scale) in zip(axes, specs, strict=False):
        _arm_single(ax, o.reps, k, scale, names)
        ax.set_title(title)
        ax.set_ylabel(unit)
    change = pay_changes(o)["change"].to_numpy(dtype=float)
    ax = axes[3]
    if len(change):
        ax.hist(change, bins=min(30, max(5, len(change) // 4)), color=ARM_COLOUR["proposal"])
        ax.axvline(0.0, color="black", lw=0.8)
    ax.set_title("Change in pay per agent")
    ax.set_xlabel(f"proposal − current, {currency_of(o)} per year")
    ax.set_ylabel("agents × replications")
    fig.suptitle(
        "Employees, both arms (error bars: 95% CI of the mean); change in pay per paired agent",
        fontsize=10,
    )
    fig.tight_layout()
    return _png(fig)


def fig_gaming(o: Outcome, names: dict[str, str]) -> bytes:
    """Gaming acts by type, both arms.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' display names.
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(11, 3.6))
    _arm_bars(
        ax,
        o.reps,
        [
            "gaming_rate",
            "false_resolution_rate",
            "survey_steering_rate",
            "dumped_call_rate",
            "rushed_contact_rate",
            "web_push_rate",
        ],
        [
            "Any gaming act\n(% of answered calls)",
            "False 'resolved' code\n(% of calls)",
            "Survey steering\n(% of calls)",
            "Dumped call\n(% of answered calls)",
            "Rushed contact\n(% of calls)",
            "Pushed to the web\n(% of answered calls)",
        ],
        100,
        names,
    )
    ax.set_ylabel("% of calls")
    ax.set_title("Gaming by type over the whole run (error bars: 95% CI of the mean)")
    ax.legend(frameon=False, fontsize=9)
    return _png(fig)


def all_figures(o: Outcome, names: dict[str, str]) -> dict[str, bytes]:
    """Every figure of the report as PNG bytes: ``{name: png}`` (``fig_<name>.png``);
    ``robust`` only when robust worlds ran.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    names : dict of str to str
        The arms' display names.
    """
    figs = {
        "dashboard_vs_reality": fig_dashboard_reality(o, names),
        "money": fig_money(o, names),
        "money_bridge": fig_bridge(o),
        "people": fig_people(o, names),
        "gaming": fig_gaming(o, names),
        "rollout": fig_rollout(o, names),
    }
    if len(o.intervals):
        figs["intervals"] = fig_intervals(o, names)
    if o.plan.args.robust and len(o.robust):
        figs["robust"] = fig_robust(o)
    if o.settle is not None:
        figs["settle"] = fig_settle(o, names)
    return figs
