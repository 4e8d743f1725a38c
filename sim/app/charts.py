"""The app's charts as matplotlib figures, and their rendering to PNG.

Five figures of a :class:`~sim.app.snapshot.Snapshot`, listed in :data:`CHARTS`:
dashboard vs reality, customers, employees, each employee's levers, money.  Large fonts
for a projector; colours from :mod:`sim.palette` (Okabe–Ito, colour-blind safe),
measured lines solid, true ones dashed.  Rates are the snapshot's rolling-window rates
(:data:`~sim.app.snapshot.WINDOW` working days, ratio of sums).

Speed (export only, five figures at :data:`EXPORT_DPI`): no layout engine; the axes
sit at fixed margins in inches (:func:`_grid`) sized for the fonts below, so drawing
does not measure every text twice.  :mod:`sim.app.render` draws and writes the PNG
files and checks that no title, label or legend is cut or overlaps.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ..model.behavior import LEVERS
from ..palette import MEASURED, OKABE_ITO, TRUE
from .snapshot import WINDOW, Snapshot

#: Font sizes of the charts in points (readable on a projector).
FONT = {"title": 20, "label": 16, "tick": 14, "legend": 14}
#: Resolution of the exported PNG files (dots per inch).
EXPORT_DPI = 150


def _grid(
    fig: Figure,
    nrows: int,
    ncols: int,
    *,
    left: float = 1.2,
    right: float = 0.3,
    top: float = 1.05,
    bottom: float = 0.75,
    wgap: float = 1.35,
    hgap: float = 1.05,
) -> np.ndarray:
    """``nrows`` x ``ncols`` axes at fixed margins and gaps given in inches (room for
    the y tick labels and label on the left of each axes, its title above, the x tick
    labels and label below, the suptitle at the top), instead of a layout engine: the
    margins are computed once from the figure size, not from the drawn text.

    Parameters
    ----------
    fig : Figure
        The figure to fill; its size (inches) fixes the axes' size.
    nrows, ncols : int
        Rows and columns of axes.
    left, right, top, bottom : float
        Margins between the figure's edges and the outer axes, inches.
    wgap, hgap : float
        Gaps between neighbouring axes, side by side and one above the other, inches.

    Returns
    -------
    numpy.ndarray
        The axes, shape ``(nrows, ncols)``.
    """
    w, h = fig.get_size_inches()
    axis_w = (w - left - right - (ncols - 1) * wgap) / ncols
    axis_h = (h - top - bottom - (nrows - 1) * hgap) / nrows
    gs = fig.add_gridspec(
        nrows,
        ncols,
        left=left / w,
        right=1 - right / w,
        bottom=bottom / h,
        top=1 - top / h,
        wspace=wgap / axis_w,
        hspace=hgap / axis_h,
    )
    return gs.subplots(squeeze=False)


def _suptitle(fig: Figure, text: str) -> None:
    """The figure's title, top left, 0.1 inch from the top edge."""
    fig.suptitle(
        text,
        fontsize=FONT["title"] + 4,
        x=0.1 / fig.get_figwidth(),
        y=1 - 0.1 / fig.get_figheight(),
        ha="left",
        va="top",
    )


#: Most tick intervals per axis: about 6 labelled ticks, readable on a slide and fewer
#: texts to lay out and draw.
TICK_BINS = 6


def _title(ax, text: str, fontsize: float) -> None:
    """A bold axes title, left; placed at a fixed height (``y=1``, 6 pt above the axes)
    so matplotlib does not measure the axes' texts to place it on every draw."""
    ax.set_title(text, fontsize=fontsize, loc="left", fontweight="bold", y=1.0, pad=6)


def _style(ax, title: str, ylabel: str, xlabel: str = "Working day") -> None:
    ax.xaxis.set_major_locator(MaxNLocator(TICK_BINS, integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(TICK_BINS))
    _title(ax, title, FONT["title"])
    ax.set_ylabel(ylabel, fontsize=FONT["label"])
    ax.set_xlabel(xlabel, fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])
    ax.grid(True, color="#dddddd", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _pct(ax) -> None:
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))


def _legend(ax, loc: str = "best") -> None:
    ax.legend(fontsize=FONT["legend"], frameon=False, loc=loc)


def _pair(ax, d: pd.DataFrame, measured: str, true: str, labels: tuple[str, str]) -> None:
    """A measured series (solid, the palette's measured colour) and its true counterpart
    (dashed, the true colour) against the working day.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    d : pandas.DataFrame
        The snapshot's daily table (column ``day`` and the two series).
    measured, true : str
        Columns of ``d``: the dashboard's number and the real one, in the same unit.
    labels : tuple of str
        Legend labels of the measured and the true line.
    """
    ax.plot(d["day"], d[measured], color=MEASURED, lw=3.0, label=labels[0])
    ax.plot(d["day"], d[true], color=TRUE, lw=3.0, ls="--", label=labels[1])


#: The dashboard-vs-reality panels, row by row: measured column, true column, legend
#: labels, title, y label, and whether the y axis is a percentage.
DASHBOARD_PAIRS: tuple[tuple[str, str, tuple[str, str], str, str, bool], ...] = (
    ("fcr_measured_roll", "fcr_true_roll", ("Dashboard: measured FCR", "Reality: truly resolved"),
     "First-contact resolution", "share of calls", True),
    ("csat_survey_roll", "csat_true_roll",
     ("Dashboard: survey top-2-box", "Reality: truly satisfied"),
     "Customer satisfaction", "share of customers", True),
    ("web_containment_roll", "csat_true_roll",
     ("Dashboard: web containment", "Reality: truly satisfied"),
     "Web self-service", "share", True),
    ("aht_s_roll", "handle_s_per_resolved_roll",
     ("Dashboard: average handle time", "Reality: time per resolved issue"),
     "Handle time", "seconds", False),
)  # fmt: skip


def fig_dashboard_vs_reality(snap: Snapshot) -> Figure:
    """Each measured KPI beside its true counterpart (rolling window).

    Parameters
    ----------
    snap : Snapshot
        The run's state at the day shown (its daily table with the rolling rates).
    """
    d = snap.daily
    fig = Figure(figsize=(11, 8), dpi=EXPORT_DPI)
    axs = _grid(fig, 2, 2)
    sub = f" ({WINDOW}-day rolling)"
    for ax, (measured, true, labels, title, ylabel, percent) in zip(
        axs.flat, DASHBOARD_PAIRS, strict=True
    ):
        _pair(ax, d, measured, true, labels)
        _style(ax, title, ylabel)
        if percent:
            _pct(ax)
    for ax in axs.flat:
        _legend(ax)
    _suptitle(fig, "Dashboard vs reality" + sub + f" — day {snap.day}")
    return fig


def fig_customers(snap: Snapshot) -> Figure:
    """Customers: retention, true satisfaction, effort, complaints.

    Parameters
    ----------
    snap : Snapshot
        The run's state at the day shown.
    """
    d = snap.daily
    s = snap.summary
    fig = Figure(figsize=(13, 7.5), dpi=EXPORT_DPI)
    axs = _grid(fig, 2, 2)
    start = d["active"].iloc[0] + d["churned"].iloc[0] - d["acquired"].iloc[0]
    ax = axs[0, 0]
    ax.plot(d["day"], d["active"] / start, color=OKABE_ITO["blue"], lw=3, label="all customers")
    ax.axhline(
        s["retention"],
        color=OKABE_ITO["vermillion"],
        lw=2.5,
        ls="--",
        label=f"day-0 customers still here: {s['retention']:.1%}",
    )
    _style(ax, "Customers (share of day 0)", "share of day-0 base")
    # a fixed range from 80% (widened if the data leave it): a year's churn shows, and
    # day-to-day noise of a tenth of a point does not look dramatic
    low = min(0.8, float((d["active"] / start).min()), float(s["retention"])) - 0.01
    ax.set_ylim(low, max(1.05, float((d["active"] / start).max()) + 0.01))
    _pct(ax)
    _legend(ax, "lower left")
    ax = axs[0, 1]
    ax.plot(d["day"], d["csat_true_roll"], color=TRUE, lw=3, ls="--", label="truly satisfied")
    _style(ax, "True customer satisfaction", "share of contacts")
    _pct(ax)
    _legend(ax)
    ax = axs[1, 0]
    ax.plot(
        d["day"],
        d["customer_effort_roll"],
        color=OKABE_ITO["orange"],
        lw=3,
        label="effort score (1 = easy, 7 = very hard)",
    )
    _style(ax, "Customer effort", "effort score (1–7)")
    _legend(ax)
    ax = axs[1, 1]
    ax.plot(
        d["day"],
        1000 * d["complaint_rate_roll"],
        color=OKABE_ITO["purple"],
        lw=3,
        label="formal complaints",
    )
    _style(ax, "Complaints", "per 1,000 contacts")
    _legend(ax)
    _suptitle(fig, f"Customers ({WINDOW}-day rolling) — day {snap.day}")
    return fig


def fig_employees(snap: Snapshot) -> Figure:
    """Employees: morale, turnover, pay and gaming over time.

    Parameters
    ----------
    snap : Snapshot
        The run's state at the day shown (daily and employee tables).
    """
    d = snap.daily
    emp = snap.employees
    fig = Figure(figsize=(13, 7.5), dpi=EXPORT_DPI)
    axs = _grid(fig, 2, 2)
    ax = axs[0, 0]
    ax.plot(d["day"], d["morale_mean"], color=OKABE_ITO["green"], lw=3, label="mean morale")
    ax.set_ylim(0, 1)
    _style(ax, "Staff morale", "morale (0–1)")
    _legend(ax, "lower left")
    ax = axs[0, 1]
    ax.step(
        d["day"],
        d["quits"].cumsum(),
        color=OKABE_ITO["vermillion"],
        lw=3,
        where="post",
        label="quits so far",
    )
    ax.step(
        d["day"],
        d["hires"].cumsum(),
        color=OKABE_ITO["sky_blue"],
        lw=3,
        ls="--",
        where="post",
        label="hires so far",
    )
    _style(ax, "Staff turnover", "employees")
    _legend(ax, "upper left")
    ax = axs[1, 0]
    if not emp.empty and "bonus" in emp:
        per = emp.groupby("day_end").agg(bonus=("bonus", "mean"), salary=("salary", "mean"))
        ax.plot(
            per.index,
            per["bonus"],
            color=OKABE_ITO["blue"],
            lw=3,
            marker="o",
            ms=8,
            label="mean bonus per pay period",
        )
        ax.set_xlim(0, max(snap.day, 1))
        _legend(ax)
    else:
        ax.text(
            0.5,
            0.5,
            "first pay period not over yet",
            ha="center",
            va="center",
            fontsize=FONT["label"],
            transform=ax.transAxes,
        )
    _style(ax, "Bonus pay", "currency units per employee")
    ax = axs[1, 1]
    ax.plot(
        d["day"],
        d["gaming_rate_roll"],
        color=OKABE_ITO["vermillion"],
        lw=3,
        label="calls with a gaming act",
    )
    ax.plot(
        d["day"],
        d["rushed_contact_rate_roll"],
        color=OKABE_ITO["orange"],
        lw=2.5,
        ls="--",
        label="rushed calls",
    )
    _style(ax, "Gaming the numbers", "share of answered calls")
    _pct(ax)
    _legend(ax, "upper left")
    _suptitle(fig, f"Employees — day {snap.day}")
    return fig


LEVER_LABELS = {
    "thoroughness": "thorough-\nness",
    "courtesy": "courtesy",
    "dump": "dump hard\ncalls",
    "false_coding": "false\n'resolved'",
    "survey_steering": "survey\nsteering",
    "web_push": "push to\nweb",
    "pace": "pace\n(honest)",
}


#: Height of the per-employee figure in inches: 0.42 inch per employee between these
#: bounds, so a large centre (80 seated employees) still fits a slide at 150 dpi.
LEVERS_HEIGHT = (5.5, 8.5)
#: Smallest row height (inches) that takes a printed value in each cell (11 pt text).
CELL_TEXT_ROW = 0.22


def fig_levers(snap: Snapshot) -> Figure:
    """Per seated employee (one row each, in seat order): the policy levers in use now
    and last period's gaming.  The figure is at most :data:`LEVERS_HEIGHT` tall; when
    the rows get thinner than :data:`CELL_TEXT_ROW` the colours alone carry the values
    and only every k-th seat is labelled.

    Parameters
    ----------
    snap : Snapshot
        The run's state at the day shown (its staff table).
    """
    st = snap.staff
    n = max(len(st), 1)
    lo, hi = LEVERS_HEIGHT
    top, bottom, left, right = 1.25, 1.15, 1.15, 0.3
    w, h = 14.0, min(hi, max(lo, top + bottom + 0.42 * n))
    fig = Figure(figsize=(w, h), dpi=EXPORT_DPI)
    bar_w, cbar_w, cbar_gap, cbar_ticks, bar_gap = 3.2, 0.25, 0.15, 0.55, 0.35
    heat_w = w - left - right - bar_w - cbar_w - cbar_gap - cbar_ticks - bar_gap
    rows_h = h - top - bottom

    def box(x: float, width: float) -> list[float]:  # inches -> figure fractions
        return [x / w, bottom / h, width / w, rows_h / h]

    ax = fig.add_axes(box(left, heat_w))
    cax = fig.add_axes(box(left + heat_w + cbar_gap, cbar_w))
    ax2 = fig.add_axes(box(w - right - bar_w, bar_w), sharey=ax)
    cols = [f"lever_{k}" for k in LEVERS]
    vals = st[cols].to_numpy(dtype=float) if len(st) else np.zeros((1, len(cols)))
    im = ax.imshow(vals, aspect="auto", cmap="cividis", vmin=0.0, vmax=1.2, interpolation="nearest")
    row_h = rows_h / n
    if row_h >= CELL_TEXT_ROW:
        for (i, j), v in np.ndenumerate(vals):
            ax.text(
                j,
                i,
                f"{v:.2f}",
                ha="center",
                va="center",
                fontsize=11,
                color="black" if v > 0.6 else "white",
            )
    ax.set_xticks(range(len(LEVERS)), [LEVER_LABELS[k] for k in LEVERS], fontsize=FONT["tick"])
    ax.set_xlabel(
        "0 = never, 1 = always (thoroughness: 1 = as needed; pace: 1 = natural speed)",
        fontsize=FONT["tick"],
    )
    labels = [f"seat {int(s) + 1}" for s in st["seat"]] if len(st) else [""]
    every = max(1, int(np.ceil(0.2 / row_h)))  # 12 pt labels at least 0.2 inch apart
    ax.set_yticks(range(0, len(labels), every), labels[::every], fontsize=12)
    _title(ax, "Policy levers now", FONT["label"] + 1)
    cb = fig.colorbar(im, cax=cax)
    cb.ax.tick_params(labelsize=FONT["tick"] - 2)
    g = st["gaming_act_rate"].fillna(0.0).to_numpy() if len(st) else np.zeros(1)
    ax2.barh(range(len(g)), g, color=OKABE_ITO["vermillion"])
    _title(ax2, "Gaming acts,\nlast pay period", FONT["label"] + 1)
    ax2.set_xlabel("share of contacts", fontsize=FONT["label"])
    ax2.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax2.xaxis.set_major_locator(MaxNLocator(4))
    ax2.tick_params(labelsize=FONT["tick"])
    ax2.tick_params(axis="y", labelleft=False)
    ax2.set_xlim(0, max(0.1, float(np.nanmax(g)) * 1.15 if len(g) else 0.1))
    ax2.grid(True, axis="x", color="#dddddd")
    _suptitle(fig, f"Each employee's behaviour — day {snap.day} ({len(st)} seated employees)")
    return fig


def fig_money(snap: Snapshot) -> Figure:
    """Money: revenue, costs and profit.

    Parameters
    ----------
    snap : Snapshot
        The run's state at the day shown (currency units per day, rolling means).
    """
    d = snap.daily
    fig = Figure(figsize=(13, 5), dpi=EXPORT_DPI)
    ax1, ax2, ax3 = _grid(fig, 1, 3)[0]
    r = d["revenue"].rolling(WINDOW, min_periods=1).mean() / 1000
    ax1.plot(d["day"], r, color=OKABE_ITO["blue"], lw=3, label="revenue")
    _style(ax1, "Revenue per day", "thousand currency units")
    _legend(ax1, "lower left")
    parts = [
        ("cost_labour", "salaries", OKABE_ITO["sky_blue"]),
        ("cost_bonus", "bonuses", OKABE_ITO["orange"]),
        ("cost_hiring", "hiring", OKABE_ITO["vermillion"]),
        ("cost_web", "web", OKABE_ITO["green"]),
    ]
    ys = [d[c].rolling(WINDOW, min_periods=1).mean() / 1000 for c, _, _ in parts]
    ax2.stackplot(
        d["day"], *ys, labels=[lab for _, lab, _ in parts], colors=[col for _, _, col in parts]
    )
    _style(ax2, "Costs per day", "thousand currency units")
    ax2.legend(fontsize=FONT["legend"], loc="lower left", ncols=2, framealpha=0.9)
    ax3.plot(
        d["day"], d["profit"].cumsum() / 1e6, color=OKABE_ITO["black"], lw=3, label="profit so far"
    )
    _style(ax3, "Cumulative profit", "million currency units")
    _legend(ax3, "upper left")
    _suptitle(fig, f"Money ({WINDOW}-day rolling) — day {snap.day}")
    return fig


#: The charts of the page, in order: file-name stem -> (title, figure function).
CHARTS: dict[str, tuple[str, Callable[[Snapshot], Figure]]] = {
    "dashboard_vs_reality": ("Dashboard vs reality", fig_dashboard_vs_reality),
    "customers": ("Customers", fig_customers),
    "employees": ("Employees", fig_employees),
    "levers": ("Per-employee levers and gaming", fig_levers),
    "money": ("Money", fig_money),
}
