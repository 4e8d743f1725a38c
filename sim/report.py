"""The leader's report of ``kpisim compare``: figures, CSV files and one HTML page.

The HTML is built with the standard library (``html.escape``) and is self-contained:
every figure is embedded as a base64 PNG and also written beside it as a PNG file.
Figures use the Okabe-Ito colour-blind-safe palette and tell arms apart by line style
or hatching too.  Every number on the page is computed from the runs in ``Outcome``.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .config import to_yaml

if TYPE_CHECKING:
    from .compare import Outcome

#: Okabe & Ito (2008) colour-blind-safe palette
BLUE, ORANGE, GREEN, PINK, SKY, VERMILION, YELLOW, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#777777",
)  # fmt: skip
ARM_COLOUR = {"current": BLUE, "proposal": ORANGE}

#: plain names of the uncertain parameters (fallback: the config key)
PARAM_LABELS = {
    "behavior.pay_weight": "how much staff value pay",
    "behavior.intrinsic_weight": "how much staff value the customer's outcome",
    "behavior.integrity_weight": "moral cost of gaming",
    "behavior.learning_step": "how fast behaviour adapts",
    "behavior.imitation_rate": "how readily staff copy better-paid peers",
    "employees.integrity_mean": "staff integrity",
    "employees.intrinsic_motivation_mean": "staff intrinsic motivation",
    "employees.attrition_annual_base": "baseline staff attrition",
    "employees.morale_quit_sensitivity": "how strongly low morale drives quits",
    "customers.churn_after_bad": "chance a customer leaves after a bad experience",
}


# --------------------------------------------------------------------------- formatting
def fmt_value(x: float, unit: str) -> str:
    """A level in its unit, e.g. ``70.3%``, ``402 s``, ``233,809,557``."""
    if x is None or not np.isfinite(x):
        return "–"
    if unit in ("share", "share/year", "share of runs"):
        return f"{100 * x:.1f}%"
    if unit == "s":
        return f"{x:,.0f} s"
    if unit.startswith("currency"):
        return f"{x:,.0f}"
    if unit in ("contacts", "calls", "sessions", "customers"):
        return f"{x:,.0f}"
    if unit in ("0-1", "value", "score", "score 1-5"):
        return f"{x:.3f}"
    return f"{x:,.1f}"


def fmt_diff(x: float, unit: str) -> str:
    """A difference in its unit, signed: ``+2.1 pts``, ``-35 s``, ``+1,234``."""
    if x is None or not np.isfinite(x):
        return "–"
    if unit in ("share", "share/year", "share of runs"):
        return f"{100 * x:+.1f} pts"
    if unit == "s":
        return f"{x:+,.1f} s"
    if unit.startswith("currency") or unit in ("contacts", "calls", "sessions", "customers"):
        return f"{x:+,.0f}"
    if unit in ("0-1", "value", "score", "score 1-5"):
        return f"{x:+.3f}"
    return f"{x:+,.2f}"


def fmt_ci(lo: float, hi: float, unit: str) -> str:
    """A 95 % interval of a difference: ``[-1.2 pts, +0.4 pts]``."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "–"
    return f"[{fmt_diff(lo, unit)}, {fmt_diff(hi, unit)}]"


def pct(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{100 * x:.0f}%"


# --------------------------------------------------------------------------- figures
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "font.size": 10, "axes.titlesize": 11, "axes.titleweight": "bold",
        "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
        "svg.hashsalt": "kpisim",
    })  # fmt: skip
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    _plt().close(fig)
    return buf.getvalue()


def _mean_ci(values: np.ndarray) -> tuple[float, float]:
    """Mean and half-width of its 95 % t-interval."""
    from scipy import stats

    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return float("nan"), float("nan")
    if len(v) < 2:
        return float(v.mean()), 0.0
    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return float(v.mean()), half


def _arm_bars(ax, reps: pd.DataFrame, keys: list[str], labels: list[str], scale: float,
              names: dict[str, str]) -> None:  # fmt: skip
    x = np.arange(len(keys))
    w = 0.38
    for j, (arm, hatch) in enumerate((("current", ""), ("proposal", "//"))):
        sub = reps[reps["arm"] == arm]
        stats_ = [_mean_ci(sub[k].to_numpy()) for k in keys]
        means = np.array([m for m, _ in stats_]) * scale
        errs = np.array([h for _, h in stats_]) * scale
        ax.bar(x + (j - 0.5) * w, means, w, yerr=errs, capsize=3, color=ARM_COLOUR[arm],
               hatch=hatch, edgecolor="white", label=names[arm],
               error_kw={"ecolor": "#222"})  # fmt: skip
    ax.set_xticks(x, labels)
    ax.tick_params(axis="x", labelsize=9)


def _arm_single(ax, reps: pd.DataFrame, key: str, scale: float, names: dict[str, str]) -> None:
    """Two bars (current, proposal) of one metric, arm names on the x axis."""
    for j, (arm, hatch) in enumerate((("current", ""), ("proposal", "//"))):
        m, h = _mean_ci(reps.loc[reps["arm"] == arm, key].to_numpy())
        ax.bar(j, m * scale, 0.6, yerr=h * scale, capsize=4, color=ARM_COLOUR[arm], hatch=hatch,
               edgecolor="white", error_kw={"ecolor": "#222"})  # fmt: skip
    ax.set_xticks([0, 1], [names["current"], names["proposal"]])
    ax.set_ylim(bottom=0)


def fig_dashboard_reality(o: Outcome, names: dict[str, str]) -> bytes:
    """Measured KPIs (left) beside their true counterparts (right), both arms."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    _arm_bars(axes[0], o.reps, ["fcr_measured", "csat_survey", "service_level", "web_containment"],
              ["FCR\n(as measured)", "CSAT\n(survey)", "Service level\n(20 s)", "Web\ncontainment"],
              100, names)  # fmt: skip
    axes[0].set_title("Dashboard: what is measured")
    axes[0].set_ylabel("% (mean over replications)")
    _arm_bars(axes[1], o.reps, ["fcr_true", "csat_true", "retention", "repeat_contact_rate"],
              ["FCR\n(true)", "CSAT\n(true, all contacts)", "Customers\nretained",
               "Repeat\ncontacts"], 100, names)  # fmt: skip
    axes[1].set_title("Reality: what customers experience")
    axes[0].set_ylim(0, 105)
    axes[0].legend(loc="upper right", frameon=False, fontsize=9)
    for ax in axes:
        ax.set_ylim(0, 118)
        ax.set_yticks(range(0, 101, 20))
    fig.suptitle("Dashboard vs reality over the whole run (error bars: 95% CI of the mean)",
                 fontsize=10)  # fmt: skip
    return _png(fig)


def fig_money(o: Outcome, names: dict[str, str]) -> bytes:
    """Paired differences of revenue, cost and profit; CLV per arm."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [2, 1]})
    t = o.table.set_index("metric")
    keys = ["revenue", "cost_total", "profit"]
    labels = ["Revenue", "Cost", "Profit"]
    d = np.array([t.loc[k, "difference"] for k in keys]) / 1e3
    lo = np.array([t.loc[k, "ci_low"] for k in keys]) / 1e3
    hi = np.array([t.loc[k, "ci_high"] for k in keys]) / 1e3
    y = np.arange(len(keys))[::-1]
    ax = axes[0]
    ax.errorbar(d, y, xerr=[d - lo, hi - d], fmt="o", color=VERMILION, ecolor="#222",
                capsize=4)  # fmt: skip
    ax.axvline(0, color=GREY, lw=1, ls=":")
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.5, len(keys) - 0.5)
    ax.set_xlabel("proposal minus current over the run (thousand currency units);\n"
                  "dot = mean paired difference, bar = 95% CI")  # fmt: skip
    ax.set_title("Money: proposal minus current")
    _arm_single(axes[1], o.reps, "clv_mean", 1.0, names)
    axes[1].set_ylabel("currency units per customer")
    axes[1].set_title("Customer lifetime value (95% CI)")
    return _png(fig)


def fig_people(o: Outcome, names: dict[str, str]) -> bytes:
    """Morale, turnover and pay per employee, both arms."""
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    specs = [
        ("employee_satisfaction", "Morale at the end", "morale (0-1)", 1.0),
        ("staff_turnover_annual", "Staff turnover", "% of staff per year", 100.0),
        ("pay_per_employee_annual", "Pay per employee", "currency units per year", 1.0),
    ]
    for ax, (k, title, unit, scale) in zip(axes, specs, strict=True):
        _arm_single(ax, o.reps, k, scale, names)
        ax.set_title(title)
        ax.set_ylabel(unit)
    fig.suptitle("Employees, both arms (error bars: 95% CI of the mean)", fontsize=10)
    fig.tight_layout()
    return _png(fig)


def fig_gaming(o: Outcome, names: dict[str, str]) -> bytes:
    """Gaming acts by type, both arms."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(11, 3.6))
    _arm_bars(ax, o.reps,
              ["gaming_rate", "false_resolution_rate", "survey_steering_rate",
               "dumped_call_rate", "rushed_contact_rate"],
              ["Any gaming act\n(% of answered calls)", "False 'resolved' code\n(% of calls)",
               "Survey steering\n(% of calls)", "Dumped call\n(% of answered calls)",
               "Rushed contact\n(% of calls)"], 100, names)  # fmt: skip
    ax.set_ylabel("% of calls")
    ax.set_title("Gaming by type over the whole run (error bars: 95% CI of the mean)")
    ax.legend(frameon=False, fontsize=9)
    return _png(fig)


def fig_rollout(o: Outcome, names: dict[str, str]) -> bytes:
    """Weekly KPIs around the rollout: mean over replications with 95 % bands."""
    plt = _plt()
    s = o.series
    R = o.plan.args.rollout_day
    panels = [
        ("Average handle time (dashboard)", "seconds", [("aht_s", "-", "")], 1.0),
        ("First-contact resolution", "%",
         [("fcr_measured", "-", "measured"), ("fcr_true", "--", "true")], 100.0),
        ("Customer satisfaction", "% top-2 box",
         [("csat_survey", "-", "survey"), ("csat_true", "--", "true")], 100.0),
        ("Calls with a gaming act", "% of answered calls", [("gaming_rate", "-", "")], 100.0),
        ("Profit per working day", "thousand currency units", [("profit_daily", "-", "")],
         1e-3),
        ("Employee morale", "mean morale (0-1)", [("morale", "-", "")], 1.0),
    ]  # fmt: skip
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
    for ax, (title, unit, lines, scale) in zip(axes.flat, panels, strict=True):
        for arm in ("current", "proposal"):
            sub = s[s["arm"] == arm]
            for col, ls, tag in lines:
                g = sub.groupby("day")[col]
                stats_ = g.apply(lambda v: _mean_ci(v.to_numpy()))
                days = np.array(stats_.index)
                m = np.array([a for a, _ in stats_]) * scale
                h = np.array([b for _, b in stats_]) * scale
                lab = names[arm] + (f" – {tag}" if tag else "")
                ax.plot(days, m, ls, color=ARM_COLOUR[arm], lw=1.6, label=lab)
                ax.fill_between(days, m - h, m + h, color=ARM_COLOUR[arm], alpha=0.18, lw=0)
        ax.axvline(R, color=GREY, ls=":", lw=1.2)
        ax.annotate("rollout", (R, 1.0), xycoords=("data", "axes fraction"), fontsize=8,
                    color="#444", ha="left", va="top", xytext=(3, 0),
                    textcoords="offset points")  # fmt: skip
        ax.set_title(title)
        ax.set_ylabel(unit)
    for ax in axes[1]:
        ax.set_xlabel("working day (weekly values)")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=BLUE, lw=2, label=names["current"]),
               Line2D([], [], color=ORANGE, lw=2, label=names["proposal"]),
               Line2D([], [], color="#333", lw=1.5, ls="-", label="measured (dashboard)"),
               Line2D([], [], color="#333", lw=1.5, ls="--", label="true")]  # fmt: skip
    fig.suptitle(
        f"Around the rollout on day {R}: mean of {o.plan.args.replications} replications, "
        "shaded band = 95% CI of the mean; the arms coincide until the rollout",
        fontsize=10)  # fmt: skip
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.legend(handles=handles, loc="upper center", ncols=4, frameon=False, fontsize=9,
               bbox_to_anchor=(0.5, 0.965))  # fmt: skip
    return _png(fig)


def fig_robust(o: Outcome) -> bytes:
    """Profit difference across sampled worlds, and what it hinges on."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [1, 1.3]})
    r = o.robust
    d = r["diff_profit"].to_numpy() / 1e3
    ax = axes[0]
    order = np.sort(d)
    colors = [GREEN if v > 0 else VERMILION for v in order]
    ax.bar(np.arange(len(order)), order, color=colors, width=0.85)
    ax.axhline(0, color=GREY, lw=1)
    ax.set_xlabel("sampled world (sorted)")
    ax.set_ylabel("profit difference (thousand currency units)")
    share = o.shares.get("profit", float("nan"))
    ax.set_title(f"Profit, proposal - current: proposal ahead in {pct(share)} of worlds")
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=GREEN, label="proposal more profitable"),
                       Patch(color=VERMILION, label="current more profitable")],
              frameon=False, fontsize=8, loc="best")  # fmt: skip
    ax = axes[1]
    col, what = hinge_measure(o.sens)
    sens = o.sens.head(10)
    vals = sens[col].fillna(0).to_numpy() if col else np.zeros(len(sens))
    y = np.arange(len(sens))[::-1]
    labels = [PARAM_LABELS.get(p, p) for p in sens["parameter"]]
    ax.barh(y, vals, color=[SKY if v >= 0 else PINK for v in vals], edgecolor="white")
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.axvline(0, color=GREY, lw=1)
    ax.set_xlim(-1, 1)
    ax.set_xlabel(f"{what} with the profit difference (-1 to 1)")
    ax.set_title("What the profit verdict hinges on")
    ax.legend(handles=[Patch(color=SKY, label="higher value favours the proposal"),
                       Patch(color=PINK, label="higher value favours the current scheme")],
              frameon=False, fontsize=8, loc="upper center", ncols=2,
              bbox_to_anchor=(0.5, -0.16))  # fmt: skip
    fig.tight_layout()
    return _png(fig)


def hinge_measure(sens: pd.DataFrame) -> tuple[str, str]:
    """Column that ranks the parameters: PRCC when it could be computed (more worlds than
    parameters), else the plain rank correlation."""
    if len(sens) and sens["prcc"].notna().any():
        return "prcc", "partial rank correlation"
    if len(sens) and sens["spearman"].notna().any():
        return "spearman", "rank correlation"
    return "", "correlation"


# --------------------------------------------------------------------------- verdict
def _row(o: Outcome, key: str) -> dict[str, Any]:
    return o.table.set_index("metric").loc[key].to_dict()


def _change(o: Outcome, key: str, label: str | None = None, short: bool = False) -> str:
    """``label A → B (change, 95% CI [lo, hi])`` in plain words (no interval if short)."""
    r = _row(o, key)
    u = r["unit"]
    lab = (label or r["label"]).lower() if short else (label or r["label"])
    ci = "" if short else f", 95% CI {fmt_ci(r['ci_low'], r['ci_high'], u)}"
    return (
        f"{lab} {fmt_value(r['current_mean'], u)} → {fmt_value(r['proposal_mean'], u)} "
        f"({fmt_diff(r['difference'], u)}{ci}"
        f"{'' if r['verdict'] in ('no clear change', 'no change') else ', ' + r['verdict']})"
    )


def _short(o: Outcome, key: str) -> str:
    """``<li>label: A → B (difference, verdict)</li>`` (the interval is in the tables)."""
    r = _row(o, key)
    u = r["unit"]
    cls = _cls(r["verdict"])
    return (
        f"<li>{html.escape(r['label'])}: {fmt_value(r['current_mean'], u)} → "
        f"{fmt_value(r['proposal_mean'], u)} <span class={cls}>({fmt_diff(r['difference'], u)}, "
        f"{html.escape(r['verdict'])})</span></li>"
    )


def verdict_paragraphs(o: Outcome, names: dict[str, str]) -> list[str]:
    """The verdict in plain words (HTML-escaped sentences), computed from the tables."""
    a = o.plan.args
    t = o.table.set_index("metric")
    out = []
    cur, pro = names["current_scheme"], names["proposal_scheme"]
    p = t.loc["profit"]
    base = p["current_mean"]
    rel = p["difference"] / abs(base) if base else float("nan")
    if p["verdict"] == "better":
        money = "would raise profit"
    elif p["verdict"] == "worse":
        money = "would lower profit"
    else:
        money = "would not change profit measurably"
    out.append(
        f"Rolling out <b>{html.escape(pro)}</b> on day {a.rollout_day} instead of keeping "
        f"<b>{html.escape(cur)}</b> {money}: over the {a.days} working days simulated, profit "
        f"changes by {fmt_diff(p['difference'], 'currency')} ({rel:+.2%} of current profit; "
        f"95% confidence interval {fmt_ci(p['ci_low'], p['ci_high'], 'currency')}), "
        f"from {a.replications} paired replications with the same customers, staff and luck "
        "in both arms."
    )
    clear = ("better", "worse")
    dash_keys = ("aht_s", "fcr_measured", "csat_survey", "transfer_rate", "web_containment")
    real_keys = ("fcr_true", "csat_true", "retention", "repeat_contact_rate", "complaint_rate")
    dash = [k for k in dash_keys if t.loc[k, "verdict"] in clear]
    real = [k for k in real_keys if t.loc[k, "verdict"] in clear]
    dash_txt = "".join(_short(o, k) for k in dash) or (
        "<li>no clear change on the dashboard's KPIs</li>"
    )
    real_txt = "".join(_short(o, k) for k in real) or (
        "<li>no clear change in true resolution, satisfaction or retention</li>"
    )
    out.append(
        f"<div class=cols><div>What the <b>dashboard</b> would show:<ul>{dash_txt}</ul></div>"
        f"<div>What would <b>really</b> happen to customers:<ul>{real_txt}</ul></div></div>"
    )
    misleading = []
    for m, tr, shown, real_ in (
        ("fcr_measured", "fcr_true", "first-contact resolution improving",
         "fewer problems are really solved first time"),
        ("csat_survey", "csat_true", "survey satisfaction improving",
         "customers are really less satisfied"),
        ("aht_s", "fcr_true", "shorter calls", "fewer problems are really solved first time"),
        ("aht_s", "repeat_contact_rate", "shorter calls", "more customers have to call back"),
        ("web_containment", "csat_true", "more contacts kept on the web",
         "customers are really less satisfied"),
    ):  # fmt: skip
        if t.loc[m, "verdict"] == "better" and t.loc[tr, "verdict"] == "worse":
            misleading.append(f"{shown} while {real_}")
    if misleading:
        out.append(
            "<b>Warning: the dashboard would mislead.</b> It would show "
            + "; and ".join(dict.fromkeys(misleading))
            + "."
        )
    people = [k for k in ("employee_satisfaction", "staff_turnover_annual")
              if t.loc[k, "verdict"] in ("better", "worse")]  # fmt: skip
    people_txt = "; ".join(html.escape(_change(o, k, short=True)) for k in people) or (
        "no clear change in morale or turnover"
    )
    pay = fmt_diff(t.loc["pay_per_employee_annual", "difference"], "currency")
    out.append(f"Employees: {people_txt}; pay per employee {pay} a year.")
    if a.robust:
        s = o.shares
        n = len(o.robust)
        col, what = hinge_measure(o.sens)
        top = o.sens.dropna(subset=[col]).head(2) if col else o.sens.head(0)
        hinge = ""
        if len(top):
            parts = []
            for _, r in top.iterrows():
                lab = PARAM_LABELS.get(r["parameter"], r["parameter"])
                side = "the proposal" if r[col] > 0 else "the current scheme"
                parts.append(f"{lab} ({what} {r[col]:+.2f}: a higher value favours {side})")
            sp = s["profit"]
            if sp in (0.0, 1.0):  # every world agrees: what varies is the size
                lead = " How large the profit difference is depends most on "
            else:
                lead = " Whether the proposal wins on profit depends most on "
            hinge = lead + " and on ".join(parts) + "."
        out.append(
            f"How sure are we? People's responses to pay are uncertain, so we also ran "
            f"{n} plausible worlds with different behavioural parameters (a smaller centre, "
            f"{a.robust_scale:.0%} of the customers and staff). The proposal made more profit in "
            f"{pct(s['profit'])} of them, retained more customers in {pct(s['retention'])}, "
            f"gave more truly satisfied customers in {pct(s['csat_true'])} (both at once in "
            f"{pct(s['customers'])}), and lowered staff turnover in {pct(s['turnover'])}."
            + html.escape(hinge)
        )
    out.append("<b>Bottom line:</b> " + bottom_line(o))
    return out


def bottom_line(o: Outcome) -> str:
    """One rule-based sentence from the profit, customer and robust results."""
    t = o.table.set_index("metric")
    v = {k: t.loc[k, "verdict"] for k in ("profit", "retention", "csat_true",
                                          "staff_turnover_annual")}  # fmt: skip
    share = o.shares.get("profit", float("nan")) if o.plan.args.robust else float("nan")
    harms = [lab for k, lab in (("retention", "lower customer retention"),
                                ("csat_true", "lower true customer satisfaction"),
                                ("staff_turnover_annual", "raise staff turnover"))
             if v[k] == "worse"]  # fmt: skip
    harms = [", ".join(harms[:-1]) + " and " + harms[-1]] if len(harms) > 1 else harms
    if v["profit"] == "better" and not harms and (not np.isfinite(share) or share >= 0.8):
        return ("the proposal looks like a real improvement, and it holds across most "
                "plausible worlds.")  # fmt: skip
    if v["profit"] == "worse" or (np.isfinite(share) and share <= 0.2):
        extra = f" It would also {harms[0]}." if harms else ""
        return "the model advises against rolling out the proposal as designed." + extra
    if harms:
        return f"the proposal would {harms[0]}; weigh that before rolling it out."
    if v["profit"] == "better":
        return (f"the proposal raises profit here, but only in {pct(share)} of plausible "
                "worlds: the gain depends on how staff respond; pilot it before a full "
                "rollout.")  # fmt: skip
    return ("no clear difference: the evidence does not favour either scheme; more "
            "replications or a pilot would be needed to tell them apart.")  # fmt: skip


# --------------------------------------------------------------------------- html
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:1180px;
margin:24px auto;padding:0 20px;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.1em} h2{margin-top:1.6em;border-bottom:2px solid #ddd;
padding-bottom:.2em} .sub{color:#555;margin-top:0}
.verdict{background:#f4f8fb;border-left:6px solid #0072B2;padding:12px 18px;font-size:1.05em}
.verdict p{margin:.5em 0} .verdict ul{margin:.2em 0 .2em 1.2em;padding:0}
.cols{display:flex;gap:24px;flex-wrap:wrap} .cols>div{flex:1;min-width:380px}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:right;vertical-align:top;
white-space:nowrap}
th{background:#f2f2f2;white-space:normal} td.l,th.l{text-align:left;white-space:normal}
.side table{font-size:.84em}
.better{color:#00734d;font-weight:600} .worse{color:#b34000;font-weight:600}
.muted{color:#666} .side{display:flex;gap:14px;flex-wrap:wrap} .side>div{flex:1;min-width:440px}
img{max-width:100%} code,pre{background:#f6f6f6;font-size:.88em}
pre{padding:10px;overflow-x:auto;max-height:420px} .flag{font-weight:700;color:#b34000}
.ok{color:#00734d} .note{font-size:.9em;color:#444}
.paired td,.paired th{padding:4px 7px} .sep{border:none;background:#fff;width:10px}
small{color:#555} td.better small,td.worse small{color:inherit;font-weight:400}
.key{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
"""


def _img(png: bytes, alt: str) -> str:
    b64 = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{b64}">'


def _cls(verdict: str) -> str:
    return verdict if verdict in ("better", "worse") else "muted"


def metric_rows(o: Outcome, keys: list[str]) -> str:
    """Table rows: label, both arms, difference, 95% CI, verdict."""
    t = o.table.set_index("metric")
    rows = []
    for k in keys:
        r = t.loc[k]
        u = r["unit"]
        rows.append(
            f"<tr><td class=l>{html.escape(r['label'])}</td>"
            f"<td>{fmt_value(r['current_mean'], u)}</td>"
            f"<td>{fmt_value(r['proposal_mean'], u)}</td>"
            f"<td>{fmt_diff(r['difference'], u)}</td>"
            f"<td>{fmt_ci(r['ci_low'], r['ci_high'], u)}</td>"
            f"<td class='{_cls(r['verdict'])} l'>{html.escape(r['verdict'])}</td></tr>"
        )
    return "".join(rows)


def metric_table(o: Outcome, keys: list[str], names: dict[str, str], first: str = "") -> str:
    head = (
        f"<tr><th class=l>{html.escape(first)}</th><th>{html.escape(names['current'])}</th>"
        f"<th>{html.escape(names['proposal'])}</th><th>difference</th><th>95% CI</th>"
        "<th class=l>verdict</th></tr>"
    )
    return f"<table>{head}{metric_rows(o, keys)}</table>"


#: rows of the dashboard-vs-reality table: (measured key, true key); the first three are
#: direct counterparts, the rest put a dashboard number beside an outcome it can hide.
PAIRED = (
    ("aht_s", "handle_s_per_resolved"),
    ("fcr_measured", "fcr_true"),
    ("csat_survey", "csat_true"),
    ("friendliness_rating", "complaint_rate"),
    ("transfer_rate", "customer_effort"),
    ("web_containment", "repeat_contact_rate"),
    ("service_level", "retention"),
)


def _cells(t: pd.DataFrame, k: str) -> str:
    r = t.loc[k]
    u = r["unit"]
    return (
        f"<td class=l>{html.escape(r['label'])}</td>"
        f"<td>{fmt_value(r['current_mean'], u)}</td><td>{fmt_value(r['proposal_mean'], u)}</td>"
        f"<td class='{_cls(r['verdict'])}'>{fmt_diff(r['difference'], u)}"
        f"<br><small>{fmt_ci(r['ci_low'], r['ci_high'], u)}</small>"
        f"<br><small>{html.escape(r['verdict'])}</small></td>"
    )


def paired_table(o: Outcome, names: dict[str, str]) -> str:
    """Dashboard (measured) and reality (true) side by side, one pair per row."""
    t = o.table.set_index("metric")
    cur, pro = html.escape(names["current_scheme"]), html.escape(names["proposal_scheme"])
    head = (
        "<tr><th class=l colspan=4 style='text-align:center'>Dashboard (measured)</th>"
        "<th class=sep></th>"
        "<th class=l colspan=4 style='text-align:center'>Reality (true)</th></tr>"
        f"<tr><th class=l>KPI</th><th>{cur}</th><th>{pro}</th><th>difference<br>(95% CI)</th>"
        "<th class=sep></th>"
        f"<th class=l>outcome</th><th>{cur}</th><th>{pro}</th><th>difference<br>(95% CI)</th></tr>"
    )
    rows = "".join(
        f"<tr>{_cells(t, m)}<td class=sep></td>{_cells(t, tr)}</tr>" for m, tr in PAIRED
    )
    return f"<table class=paired>{head}{rows}</table>"


def signs_table(o: Outcome, names: dict[str, str]) -> str:
    """The five toxic-KPI signs: how often each is flagged and a typical sentence, per arm."""
    from .outputs.signs import SIGNS

    n = o.plan.args.replications
    idx = [(arm, r) for arm, r in zip(o.reps["arm"], o.reps["replication"], strict=True)]
    rows = []
    for name, label in SIGNS:
        cells = []
        for arm in ("current", "proposal"):
            sub = o.reps[o.reps["arm"] == arm]
            flags = int(sub[f"sign_{name}_flag"].sum())
            vals = sub[f"sign_{name}"].to_numpy()
            flagged = sub[f"sign_{name}_flag"].to_numpy() > 0
            pool = flagged if 2 * flags >= len(sub) else ~flagged  # the majority's runs
            cand = np.where(pool & np.isfinite(vals))[0]
            if len(cand):  # the majority's run with the median value
                med = np.median(vals[cand])
                j = int(cand[np.argmin(np.abs(vals[cand] - med))])
            else:
                j = int(np.where(pool)[0][0]) if pool.any() else 0
            r = int(sub["replication"].iloc[j])
            res = o.main_results[idx.index((arm, r))]
            sentence = res["summary"]["toxic_signs"][name]["sentence"]
            mark = (f"<span class=flag>flagged in {flags} of {n} runs</span>" if flags
                    else f"<span class=ok>not flagged (0 of {n})</span>")  # fmt: skip
            cells.append(f"<td class=l>{mark}<br>{html.escape(sentence)}</td>")
        rows.append(f"<tr><td class=l><b>{html.escape(label)}</b></td>{''.join(cells)}</tr>")
    head = (f"<tr><th class=l>sign</th><th class=l>{html.escape(names['current'])}</th>"
            f"<th class=l>{html.escape(names['proposal'])}</th></tr>")  # fmt: skip
    return f"<table>{head}{''.join(rows)}</table>"


def _agents(n: int) -> str:
    return f"{n} agent" if n == 1 else f"{n} agents"


def _corr(x: float) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x:+.2f}"


def robust_section(o: Outcome, fig: str) -> str:
    a = o.plan.args
    if not a.robust:
        return ("<p class=muted>Skipped (robust=0). Run with robust=32 to see how the verdict "
                "holds when behavioural parameters vary.</p>")  # fmt: skip
    from .compare import CRITERIA

    rows = "".join(
        f"<tr><td class=l>{html.escape(lab)}</td><td>{pct(o.shares[name])}</td></tr>"
        for name, lab, *_ in CRITERIA
    )
    sens_rows = "".join(
        f"<tr><td class=l>{html.escape(PARAM_LABELS.get(r['parameter'], r['parameter']))}"
        f"<br><code>{html.escape(r['parameter'])}</code></td>"
        f"<td>{lo:g} – {hi:g}</td><td>{_corr(r['prcc'])}</td><td>{_corr(r['spearman'])}</td>"
        f"<td>{_corr(rc)}</td></tr>"
        for _, r in o.sens.iterrows()
        for lo, hi in [o.plan.uncertainty[r["parameter"]]]
        for rc in [float(o.sens_customers.set_index("parameter")["prcc"].get(r["parameter"],
                                                                             np.nan))]
    )  # fmt: skip
    c = o.plan.cfg_current
    return f"""
<p>How staff respond to pay cannot be observed before a rollout. We sampled {len(o.robust)}
plausible worlds by Latin hypercube over the ranges in
<code>{html.escape(o.plan.uncertainty_path)}</code> (each parameter uniform over its range);
in each world both arms ran once with the same seed.
To keep this quick the worlds use a smaller centre: {a.robust_scale:.0%} of the customers and
agents ({max(1, round(c.customers.n * a.robust_scale)):,} customers,
{_agents(max(1, round(c.employees.n * a.robust_scale)))}, same staffing ratio), over the same
{a.days} days with rollout on day {a.rollout_day}. Each world is a single run, so a share
also carries some run-to-run noise.</p>
<div class=side><div><table><tr><th class=l>the proposal beats the current scheme on</th>
<th>share of worlds</th></tr>{rows}</table></div></div>
{fig}
<p class=note>Partial rank correlation (PRCC) of each parameter with the proposal's profit
advantage, holding the others fixed: near ±1 the verdict hinges on it, near 0 it does not.
Positive: the higher the parameter, the better the proposal does. PRCC needs more worlds
than parameters plus two; with fewer, the plain rank correlation is shown.</p>
<table><tr><th class=l>parameter</th><th>range</th><th>PRCC with profit difference</th>
<th>rank correlation with profit difference</th><th>PRCC with retention difference</th></tr>
{sens_rows}</table>"""


def build_html(
    o: Outcome, figs: dict[str, bytes], names: dict[str, str], yamls: tuple[str, str]
) -> str:
    """The whole report page."""
    a = o.plan.args
    pcur = o.plan.cfg_current
    paras = verdict_paragraphs(o, names)
    verdict = "".join(p if p.startswith("<div") else f"<p>{p}</p>" for p in paras)
    all_keys = list(o.table["metric"])
    delta = ""
    if o.plan.identical:
        delta = ("<p class=note><b>Note:</b> the proposal is the same scheme as the current one, "
                 "so nothing is switched: both arms are the same runs and every difference is "
                 "zero.</p>")  # fmt: skip
    if o.plan.delta:
        items = ", ".join(f"<code>{html.escape(k)}={html.escape(str(v))}</code>"
                          for k, v in o.plan.delta.items())  # fmt: skip
        delta = (f"<p class=note><b>Note:</b> the proposal also changes settings that are not "
                 f"part of the pay scheme ({items}); these apply from day 0 in the proposal arm. "
                 "Only the pay scheme switches on the rollout day.</p>")  # fmt: skip
    load = (f"load average {o.load[0]:.2f} / {o.load[1]:.2f} / {o.load[2]:.2f} (1/5/15 min)"
            if o.load else "load average unknown")  # fmt: skip
    n_runs = 2 * a.replications + 2 * a.robust
    files = ("comparison.csv (one row per metric), replications.csv (every run), robust.csv "
             "(every sampled world), sensitivity.csv, timeseries.csv, the figures as PNG files, "
             "config_current.yaml, config_proposal.yaml")  # fmt: skip
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>kpisim compare: {html.escape(names['current_scheme'])} vs
{html.escape(names['proposal_scheme'])}</title>
<style>{CSS}</style></head><body>
<h1>Pay scheme comparison: {html.escape(names['current_scheme'])} →
{html.escape(names['proposal_scheme'])}</h1>
<p class=sub>kpisim simulation of a contact centre with {pcur.customers.n:,} customers and
{pcur.employees.n} agents over {a.days} working days; the proposal is switched on at day
{a.rollout_day}. {a.replications} paired replications per arm. Colours:
<span class=key style="background:{BLUE}"></span>current
(<code>{html.escape(a.current)}</code>),
<span class=key style="background:{ORANGE}"></span>proposal
(<code>{html.escape(a.proposal)}</code>).</p>
<h2>Verdict</h2>
<div class=verdict>{verdict}</div>
{delta}
<p class=note>“Difference” is proposal minus current, averaged over paired replications;
the 95% confidence interval (CI) says how sure we are of it. “better”/“worse” means the
interval excludes zero; “no clear change” means it does not. All figures cover the whole
run, including the {a.rollout_day} warm-up days before the rollout when both arms are
identical.</p>

<h2>Dashboard vs reality</h2>
<p>Left: the numbers a leader would see on the dashboard. Right: what really happens,
which the dashboard cannot see. When the left improves and the right worsens, the KPI has
turned toxic.</p>
{paired_table(o, names)}
<p class=note>The first three rows are direct counterparts (handle time vs the time it
really takes to solve a problem; FCR as coded vs as experienced; survey vs every
contact's true satisfaction); the others put a dashboard number beside an outcome it can
hide. Green: better, orange: worse, grey: no clear change.</p>
{_img(figs['dashboard_vs_reality'], 'dashboard vs reality')}

<h2>Money</h2>
<p>Revenue, cost and profit over the whole run (currency units); customer lifetime value
per customer from the retention the run produced.</p>
{metric_table(o, ['revenue', 'cost_total', 'profit', 'clv_mean', 'bonus_paid'], names, "money")}
{_img(figs['money'], 'money')}

<h2>People</h2>
{metric_table(o, ['employee_satisfaction', 'staff_turnover_annual', 'pay_per_employee_annual'],
              names, "employees")}
{_img(figs['people'], 'people')}

<h2>Gaming by type</h2>
<p>Acts that move a number without helping the customer: coding a call as resolved when it
is not, steering who answers the survey, dumping hard calls, rushing.</p>
{metric_table(o, ['gaming_rate', 'false_resolution_rate', 'survey_steering_rate',
                  'dumped_call_rate', 'rushed_contact_rate'], names, "gaming")}
{_img(figs['gaming'], 'gaming by type')}

<h2>The five signs of a toxic KPI</h2>
<p>Checked in every run. The sentence comes from a typical run: among the runs where the
sign was (or, if it was mostly absent, was not) flagged, the one with the median value.</p>
{signs_table(o, names)}

<h2>Around the rollout</h2>
<p>Weekly values; both arms are identical until the rollout day, then the proposal arm
switches. Habits and learning take several pay periods to settle.</p>
{_img(figs['rollout'], 'time series around the rollout')}

<h2>Robust verdict: does it hold if people respond differently?</h2>
{robust_section(o, _img(figs['robust'], 'robust verdict') if 'robust' in figs else '')}

<h2>All metrics</h2>
<details><summary>Every summary key of the run (click to open)</summary>
{metric_table(o, all_keys, names, "metric")}</details>

<h2>How this was computed</h2>
<ul>
<li>Common random numbers: replication <i>r</i> uses seed {a.seed}+<i>r</i> in both arms, so
both arms meet the same customers, issues and staff; differences are paired and their 95%
intervals are t-intervals on the {a.replications} paired differences.</li>
<li>Both arms run the current scheme until day {a.rollout_day}; the current arm never
switches.</li>
<li>{n_runs} runs in {o.seconds:.0f} s on {o.jobs} process{'es' if o.jobs > 1 else ''}
({html.escape(load)} at the end).</li>
<li>Files beside this page: {html.escape(files)}.</li>
</ul>
<p>Reproduce exactly:</p>
<pre>{html.escape(a.command())}</pre>
<details><summary>Resolved config of the current arm (replication 0)</summary>
<pre>{html.escape(yamls[0])}</pre></details>
<details><summary>Resolved config of the proposal arm (replication 0)</summary>
<pre>{html.escape(yamls[1])}</pre></details>
</body></html>
"""


# --------------------------------------------------------------------------- files
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` via a temporary file and a rename (usual permissions)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; readers expect 0644
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` via a temporary file and a rename."""
    atomic_write_bytes(path, text.encode("utf-8"))


def arm_names(o: Outcome) -> dict[str, str]:
    """Display names of the arms: the scheme names, told apart when equal."""
    cur = o.plan.cfg_current.scheme.name
    prop = o.plan.cfg_proposal.proposal.name if o.plan.cfg_proposal.proposal else cur
    prop = o.plan.proposal.label if o.plan.identical else prop
    if cur == prop:
        return {"current": f"current ({cur})", "proposal": f"proposal ({prop})",
                "current_scheme": cur, "proposal_scheme": prop}  # fmt: skip
    return {"current": f"{cur} (current)", "proposal": f"{prop} (proposal)",
            "current_scheme": cur, "proposal_scheme": prop}  # fmt: skip


def verdict_json(o: Outcome, names: dict[str, str]) -> str:
    """The headline numbers for machines: arms, robust shares, sensitivities, timing."""
    import json

    a = o.plan.args

    def clean(x: Any) -> Any:
        return None if isinstance(x, float) and not math.isfinite(x) else x

    doc = {
        "current": names["current_scheme"],
        "proposal": names["proposal_scheme"],
        "command": a.command(),
        "replications": a.replications,
        "days": a.days,
        "rollout_day": a.rollout_day,
        "robust_worlds": a.robust,
        "robust_scale": a.robust_scale,
        "robust_shares": {k: clean(v) for k, v in o.shares.items()},
        "sensitivity_profit": [
            {k: clean(v) for k, v in r.items()} for r in o.sens.to_dict("records")
        ],
        "bottom_line": bottom_line(o),
        "seconds": round(o.seconds, 1),
        "jobs": o.jobs,
    }
    return json.dumps(doc, indent=2) + "\n"


def write_all(o: Outcome, out: Path) -> Path:
    """Write CSVs, configs, figures and ``report.html`` (last) into ``out``."""
    names = arm_names(o)
    atomic_write_text(out / "comparison.csv", o.table.to_csv(index=False))
    atomic_write_text(out / "replications.csv", o.reps.to_csv(index=False))
    atomic_write_text(out / "timeseries.csv", o.series.to_csv(index=False))
    if o.plan.args.robust:
        atomic_write_text(out / "robust.csv", o.robust.to_csv(index=False))
        atomic_write_text(out / "sensitivity.csv", o.sens.to_csv(index=False))
    atomic_write_text(out / "verdict.json", verdict_json(o, names))
    yamls = (to_yaml(o.plan.cfg_current), to_yaml(o.plan.cfg_proposal))
    atomic_write_text(out / "config_current.yaml", yamls[0])
    atomic_write_text(out / "config_proposal.yaml", yamls[1])
    figs = {
        "dashboard_vs_reality": fig_dashboard_reality(o, names),
        "money": fig_money(o, names),
        "people": fig_people(o, names),
        "gaming": fig_gaming(o, names),
        "rollout": fig_rollout(o, names),
    }
    if o.plan.args.robust and len(o.robust):
        figs["robust"] = fig_robust(o)
    for name, png in figs.items():
        atomic_write_bytes(out / f"fig_{name}.png", png)
    page = out / "report.html"
    atomic_write_text(page, build_html(o, figs, names, yamls))
    return page
