"""The trainers' live browser app (``kpisim app``): watch a KPI turn toxic.

A Solara page built on Mesa 3.5's visualization API: Mesa's :func:`ModelController`
(play / pause / step / reset) drives a :class:`~sim.model.ContactCentreModel`, and Mesa's
``update_counter`` tells the views to redraw after each step.  Every browser session
gets its own model (created inside the page component, never at module level).

Settings go through :func:`sim.config.load_config` with Hydra overrides, so the same
validation as ``kpisim run`` applies; a refused value shows a message on the page.
Numbers come from :mod:`sim.outputs` (``daily_frame``, ``employees_frame``,
``summary_dict`` and its five toxic-KPI signs); nothing here re-implements them.

Charts are matplotlib figures with large fonts and the Okabe–Ito colour-blind-safe
palette.  "Export charts" writes them as PNG files into the export folder, which is
set on the command line (``kpisim app --export-dir DIR``, passed in the environment
variable :data:`EXPORT_DIR_ENV`), never from the page.

Run it with ``kpisim app`` (see ``docs/app.md``) or ``solara run sim.app``.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import logging
import math
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import force_update, update_counter

from .behavior import LEVERS
from .config import Config, ConfigError, available_scenarios, load_config
from .measurement import rates as _rates
from .model import ContactCentreModel
from .outputs import COUNT_COLUMNS, daily_frame, employees_frame, summary_dict

logging.getLogger("MESA").setLevel(logging.WARNING)

# --------------------------------------------------------------------------- constants
#: Environment variable holding the export folder (set by ``kpisim app --export-dir``).
EXPORT_DIR_ENV = "KPISIM_EXPORT_DIR"
#: Export folder when the environment variable is not set (relative to the cwd).
DEFAULT_EXPORT_DIR = Path("results") / "app_exports"
#: Default population: small enough that a simulated day renders fast.
DEFAULT_CUSTOMERS = 100_000
#: Customers per service agent (the model's default staffing ratio: 500,000 / 100).
CUSTOMERS_PER_AGENT = 5_000
#: Length of an app run in working days (two years); the preset's own length if longer.
APP_DAYS = 500
#: Lesson shown when the page opens.
DEFAULT_SCENARIO = "aht_pay"
#: Rolling window (working days) of the charts' rates (ratio of sums).
WINDOW = 10
#: Largest seed accepted from the page.
MAX_SEED = 2**32 - 1

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: Measured numbers (what the dashboard shows) vs true numbers (what happened).
MEASURED = OKABE_ITO["blue"]
TRUE = OKABE_ITO["vermillion"]
#: Font sizes of the charts (readable on a projector).
FONT = {"title": 20, "label": 16, "tick": 14, "legend": 14}

#: The five toxic-KPI signs of ``sim/diagnostics.py``, with their titles on the page.
SIGN_TITLES = {
    "contradiction": "1 · Dashboard contradicts reality",
    "chasing_numbers": "2 · Staff chase the numbers",
    "indicator_became_target": "3 · The indicator became a target",
    "not_informing_decisions": "4 · The KPI no longer informs decisions",
    "imbalance": "5 · Imbalanced scorecard",
}

#: Paid KPIs with a weight slider on the page: (key in scheme.kpis, label).
WEIGHT_KPIS = (
    ("aht", "Handle time (AHT)"),
    ("fcr", "First-contact resolution (FCR)"),
    ("csat", "Customer satisfaction (CSAT)"),
    ("web_deflection", "Web deflection"),
)
FCR_DEFINITIONS = {
    "self_coded": "Agent codes the call 'resolved'",
    "no_repeat_7d": "No repeat call within 7 days",
}
CSAT_DEFINITIONS = {
    "agent_offered": "Survey offered by the agent",
    "random_sample": "Random sample of customers",
}


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class Settings:
    """What the trainer chose on the page (all plain values)."""

    scenario: str = DEFAULT_SCENARIO
    weights: tuple[tuple[str, float], ...] = ()
    bonus_share: float = 0.0
    fcr_definition: str = "self_coded"
    csat_definition: str = "random_sample"
    phone_visible: bool = True
    audit_rate: float = 0.02
    customers: int = DEFAULT_CUSTOMERS
    seed_text: str = "1"

    def weight(self, kpi: str) -> float:
        """The weight of one KPI (0 when unset)."""
        return dict(self.weights).get(kpi, 0.0)

    def with_weight(self, kpi: str, value: float) -> Settings:
        """A copy with one KPI weight changed."""
        w = dict(self.weights)
        w[kpi] = float(value)
        return dataclasses.replace(self, weights=tuple(w.items()))

    @property
    def agents(self) -> int:
        """Service agents for this population, at the model's default staffing ratio."""
        return max(1, round(self.customers / CUSTOMERS_PER_AGENT))


def fixed_population(cfg: Config) -> bool:
    """True for presets whose demand does not come from the customer base (the queue
    validation's stationary call stream): their population and length are kept."""
    return cfg.demand.calls_per_hour is not None


@functools.lru_cache(maxsize=64)
def preset_config(scenario: str) -> Config:
    """The preset's own config (cached; read it, never change it).  Raises
    :class:`ConfigError` for an unknown scenario."""
    return load_config(scenario)


def preset_settings(scenario: str, keep: Settings | None = None) -> Settings:
    """The page's controls as the preset ``scenario`` sets them.

    Population size and seed are carried over from ``keep`` (the trainer's choice).
    Raises :class:`ConfigError` for an unknown scenario.
    """
    cfg = preset_config(scenario)
    keep = keep or Settings()
    k = cfg.scheme.kpis
    return Settings(
        scenario=scenario,
        weights=tuple((name, float(getattr(k, name).weight)) for name, _ in WEIGHT_KPIS),
        bonus_share=float(cfg.scheme.bonus_share),
        fcr_definition=k.fcr.definition,
        csat_definition=k.csat.definition,
        phone_visible=bool(cfg.channels.phone_number_visible),
        audit_rate=float(cfg.scheme.audit_rate),
        customers=keep.customers,
        seed_text=keep.seed_text,
    )


def parse_seed(text: str | int) -> int:
    """The seed typed on the page as an int in ``[0, MAX_SEED]``; else :class:`ConfigError`."""
    s = str(text).strip()
    if not re.fullmatch(r"\d{1,10}", s):
        raise ConfigError(
            f"seed {s[:20]!r} is not allowed: type a whole number from 0 to {MAX_SEED}"
        )
    seed = int(s)
    if seed > MAX_SEED:
        raise ConfigError(f"seed {seed} is too large: type a whole number from 0 to {MAX_SEED}")
    return seed


def settings_overrides(s: Settings) -> list[str]:
    """Hydra overrides that turn the preset into the trainer's settings."""
    seed = parse_seed(s.seed_text)
    base = preset_config(s.scenario)
    out = [f"seed={seed}"]
    if not fixed_population(base):
        out += [
            f"customers.n={int(s.customers)}",
            f"employees.n={s.agents}",
            f"days={max(APP_DAYS, base.days)}",
        ]
    for name, _ in WEIGHT_KPIS:
        out.append(f"scheme.kpis.{name}.weight={s.weight(name):g}")
    out += [
        f"scheme.bonus_share={s.bonus_share:g}",
        f"scheme.kpis.fcr.definition={s.fcr_definition}",
        f"scheme.kpis.csat.definition={s.csat_definition}",
        f"channels.phone_number_visible={str(bool(s.phone_visible)).lower()}",
        f"scheme.audit_rate={s.audit_rate:g}",
    ]
    return out


def build_config(s: Settings) -> Config:
    """The validated config for the page's settings (raises :class:`ConfigError`)."""
    return load_config(s.scenario, settings_overrides(s))


# --------------------------------------------------------------------------- snapshot
@dataclass
class Snapshot:
    """Everything the views show about a model at one moment."""

    day: int
    daily: pd.DataFrame  # daily_frame plus rolling-window rates (suffix _roll)
    employees: pd.DataFrame  # employees_frame
    summary: dict[str, Any]  # summary_dict of the run so far
    staff: pd.DataFrame  # one row per seated employee: levers, morale, pay, gaming


def rolling_rates(daily: pd.DataFrame, model: ContactCentreModel, window: int) -> pd.DataFrame:
    """Rates over a trailing window of days, from the window's count totals (ratio of
    sums), with the same rate definitions as :func:`sim.outputs.daily_frame`."""
    roll = daily[list(COUNT_COLUMNS)].rolling(window, min_periods=1).sum()
    kpis = model.scheme.kpis
    rates = _rates(lambda k: roll[k], kpis.fcr.definition, kpis.csat.definition)
    return pd.DataFrame(rates, index=daily.index)


def staff_table(model: ContactCentreModel, emp: pd.DataFrame) -> pd.DataFrame:
    """Seated employees: their policy levers now, morale, pay and last period's gaming."""
    last = pd.DataFrame()
    if not emp.empty and "gaming_act_rate" in emp:
        last = emp[emp["period"] == emp["period"].max()].set_index("employee_id")
    rows = []
    for e in model.staff:
        row: dict[str, Any] = {
            "employee_id": e.unique_id,
            "seat": e.slot,
            "morale": e.morale,
            "salary_annual": e.salary_annual,
            "last_pay": e.last_pay,
            "tenure_days": e.tenure_days,
        }
        row.update({f"lever_{k}": v for k, v in e.levers().items()})
        gaming = float("nan")
        if e.unique_id in last.index:
            gaming = float(last.loc[e.unique_id, "gaming_act_rate"])
        row["gaming_act_rate"] = gaming
        rows.append(row)
    return pd.DataFrame(rows)


def take_snapshot(model: ContactCentreModel) -> Snapshot | None:
    """The model's state for the views; ``None`` before the first simulated day."""
    if model.day == 0 or not model.ledger.rows:
        return None
    daily = daily_frame(model)
    emp = employees_frame(model)
    summary = summary_dict(model, daily, emp)
    roll = rolling_rates(daily, model, WINDOW).add_suffix("_roll")
    daily = pd.concat([daily, roll], axis=1)
    return Snapshot(model.day, daily, emp, summary, staff_table(model, emp))


# --------------------------------------------------------------------------- charts
def _style(ax, title: str, ylabel: str, xlabel: str = "Working day") -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=FONT["title"], loc="left", fontweight="bold")
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
    ax.plot(d["day"], d[measured], color=MEASURED, lw=3.0, label=labels[0])
    ax.plot(d["day"], d[true], color=TRUE, lw=3.0, ls="--", label=labels[1])


def fig_dashboard_vs_reality(snap: Snapshot) -> Figure:
    """Each measured KPI beside its true counterpart (rolling window)."""
    d = snap.daily
    fig = Figure(figsize=(11, 8), layout="constrained")
    axs = fig.subplots(2, 2)
    sub = f" ({WINDOW}-day rolling)"
    _pair(
        axs[0, 0],
        d,
        "fcr_measured_roll",
        "fcr_true_roll",
        ("Dashboard: measured FCR", "Reality: truly resolved"),
    )
    _style(axs[0, 0], "First-contact resolution", "share of calls")
    _pct(axs[0, 0])
    _pair(
        axs[0, 1],
        d,
        "csat_survey_roll",
        "csat_true_roll",
        ("Dashboard: survey top-2-box", "Reality: truly satisfied"),
    )
    _style(axs[0, 1], "Customer satisfaction", "share of customers")
    _pct(axs[0, 1])
    _pair(
        axs[1, 0],
        d,
        "web_containment_roll",
        "csat_true_roll",
        ("Dashboard: web containment", "Reality: truly satisfied"),
    )
    _style(axs[1, 0], "Web self-service", "share")
    _pct(axs[1, 0])
    _pair(
        axs[1, 1],
        d,
        "aht_s_roll",
        "handle_s_per_resolved_roll",
        ("Dashboard: average handle time", "Reality: time per resolved issue"),
    )
    _style(axs[1, 1], "Handle time", "seconds")
    for ax in axs.flat:
        _legend(ax)
    fig.suptitle(
        "Dashboard vs reality" + sub + f" — day {snap.day}",
        fontsize=FONT["title"] + 4,
        x=0.01,
        ha="left",
    )
    return fig


def fig_customers(snap: Snapshot) -> Figure:
    """Customers: retention, true satisfaction, effort, complaints."""
    d = snap.daily
    s = snap.summary
    fig = Figure(figsize=(13, 7.5), layout="constrained")
    axs = fig.subplots(2, 2)
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
    fig.suptitle(
        f"Customers ({WINDOW}-day rolling) — day {snap.day}",
        fontsize=FONT["title"] + 4,
        x=0.01,
        ha="left",
    )
    return fig


def fig_employees(snap: Snapshot) -> Figure:
    """Employees: morale, turnover, pay and gaming over time."""
    d = snap.daily
    emp = snap.employees
    fig = Figure(figsize=(13, 7.5), layout="constrained")
    axs = fig.subplots(2, 2)
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
    fig.suptitle(f"Employees — day {snap.day}", fontsize=FONT["title"] + 4, x=0.01, ha="left")
    return fig


LEVER_LABELS = {
    "thoroughness": "thorough-\nness",
    "courtesy": "courtesy",
    "dump": "dump hard\ncalls",
    "false_coding": "false\n'resolved'",
    "survey_steering": "survey\nsteering",
    "web_push": "push to\nweb",
}


def fig_levers(snap: Snapshot) -> Figure:
    """Per employee: the policy levers in use now and last period's gaming."""
    st = snap.staff
    n = max(len(st), 1)
    fig = Figure(figsize=(14, max(5.5, 0.42 * n + 2.8)), layout="constrained")
    ax, ax2 = fig.subplots(1, 2, width_ratios=[3, 1.2], sharey=True)
    cols = [f"lever_{k}" for k in LEVERS]
    vals = st[cols].to_numpy(dtype=float) if len(st) else np.zeros((1, len(cols)))
    im = ax.imshow(vals, aspect="auto", cmap="cividis", vmin=0.0, vmax=1.2)
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
    labels = [f"seat {int(s) + 1}" for s in st["seat"]] if len(st) else [""]
    ax.set_yticks(range(len(labels)), labels, fontsize=12)
    ax.set_title(
        "Policy levers now (0 = never, 1 = always; thoroughness 1 = as needed)",
        fontsize=FONT["label"] + 1,
        loc="left",
        fontweight="bold",
    )
    cb = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01)
    cb.ax.tick_params(labelsize=FONT["tick"] - 2)
    g = st["gaming_act_rate"].fillna(0.0).to_numpy() if len(st) else np.zeros(1)
    ax2.barh(range(len(g)), g, color=OKABE_ITO["vermillion"])
    ax2.set_title(
        "Gaming acts, last pay period", fontsize=FONT["label"] + 1, loc="left", fontweight="bold"
    )
    ax2.set_xlabel("share of contacts", fontsize=FONT["label"])
    ax2.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax2.tick_params(labelsize=FONT["tick"])
    ax2.set_xlim(0, max(0.1, float(np.nanmax(g)) * 1.15 if len(g) else 0.1))
    ax2.grid(True, axis="x", color="#dddddd")
    fig.suptitle(
        f"Each employee's behaviour — day {snap.day}", fontsize=FONT["title"] + 4, x=0.01, ha="left"
    )
    return fig


def fig_money(snap: Snapshot) -> Figure:
    """Money: revenue, costs and profit."""
    d = snap.daily
    fig = Figure(figsize=(13, 5), layout="constrained")
    ax1, ax2, ax3 = fig.subplots(1, 3)
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
    fig.suptitle(
        f"Money ({WINDOW}-day rolling) — day {snap.day}",
        fontsize=FONT["title"] + 4,
        x=0.01,
        ha="left",
    )
    return fig


#: The charts of the page, in order: file-name stem -> (title, figure function).
CHARTS: dict[str, tuple[str, Callable[[Snapshot], Figure]]] = {
    "dashboard_vs_reality": ("Dashboard vs reality", fig_dashboard_vs_reality),
    "customers": ("Customers", fig_customers),
    "employees": ("Employees", fig_employees),
    "levers": ("Per-employee levers and gaming", fig_levers),
    "money": ("Money", fig_money),
}

#: matplotlib's text layout is not thread-safe; sessions draw one figure at a time.
_DRAW_LOCK = threading.Lock()


def render_png(fig: Figure, dpi: int = 80, level: int = 1) -> bytes:
    """A figure as PNG bytes (``level``: zlib compression, 1 = fast, 9 = small)."""
    buf = io.BytesIO()
    with _DRAW_LOCK:
        # fast zlib level for the live page; exports use the default (smaller files)
        fig.savefig(
            buf, format="png", dpi=dpi, facecolor="white", pil_kwargs={"compress_level": level}
        )
    return buf.getvalue()


# --------------------------------------------------------------------------- export
def export_dir() -> Path:
    """The export folder: from :data:`EXPORT_DIR_ENV` (set on the command line) or
    :data:`DEFAULT_EXPORT_DIR`.  Never taken from the page."""
    return Path(os.environ.get(EXPORT_DIR_ENV) or DEFAULT_EXPORT_DIR).resolve()


def safe_name(text: str, max_len: int = 40) -> str:
    """A file-name fragment: letters, digits, ``-`` and ``_`` only (others become
    ``_``), no leading dots, at most ``max_len`` characters; ``"export"`` if empty."""
    s = re.sub(r"[^A-Za-z0-9_-]+", "_", str(text)).strip("_-.")[:max_len]
    return s or "export"


def export_charts(snap: Snapshot, label: str, directory: Path | None = None) -> list[Path]:
    """Write every chart of ``snap`` as a PNG into ``directory`` (default
    :func:`export_dir`); ``label`` (sanitised) starts each file name.  Returns the files."""
    root = (directory or export_dir()).resolve()
    root.mkdir(parents=True, exist_ok=True)
    stem = f"{safe_name(label)}_day{snap.day:04d}"
    out = []
    for key, (_, fn) in CHARTS.items():
        path = (root / f"{stem}_{key}.png").resolve()
        if path.parent != root:  # cannot happen after safe_name; belt and braces
            raise ValueError(f"refusing to write outside {root}")
        fig = fn(snap)
        data = render_png(fig, dpi=150, level=6)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        out.append(path)
    return out


# --------------------------------------------------------------------------- numbers
def _fmt_pct(v: float | None) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.1%}"


def kpi_tiles(snap: Snapshot | None, cfg: Config) -> list[tuple[str, str, str, str]]:
    """The headline numbers as (key, label, dashboard value, true value) for the page;
    rates are of the run so far (``summary_dict``)."""
    if snap is None:
        return [("day", "Working day", "0", "press Step or ▶")]
    s = snap.summary
    money = s["profit"] / 1e6
    return [
        ("day", "Working day", f"{snap.day}", f"of {cfg.days}"),
        ("fcr", "First-contact resolution", _fmt_pct(s["fcr_measured"]), _fmt_pct(s["fcr_true"])),
        ("csat", "Customer satisfaction", _fmt_pct(s["csat_survey"]), _fmt_pct(s["csat_true"])),
        (
            "web",
            "Web containment / effort",
            _fmt_pct(s["web_containment"]),
            f"effort {s['customer_effort']:.2f} / 7",
        ),
        (
            "aht",
            "Avg handle time",
            f"{s['aht_s']:.0f} s",
            f"{s['handle_s_per_resolved']:.0f} s per resolved",
        ),
        (
            "retention",
            "Day-0 customers kept",
            _fmt_pct(s["retention"]),
            f"{s['complaint_rate'] * 1000:.1f} complaints / 1,000",
        ),
        (
            "staff",
            "Staff morale",
            f"{s['employee_satisfaction']:.2f}",
            f"{int(snap.daily['quits'].sum())} quit so far",
        ),
        ("money", "Profit so far", f"{money:,.2f} M", f"bonuses {s['bonus_paid'] / 1e3:,.1f} k"),
    ]


# --------------------------------------------------------------------------- page
CSS = """
.v-application { font-size: 18px; }
.kpisim-lesson, .kpisim-lesson p { font-size: 22px !important; line-height: 1.35; }
.kpisim-legend { font-size: 18px; }
.kpisim-lesson b { color: #0072B2; }
.kpisim-tile { border: 2px solid #bbbbbb; border-radius: 8px; padding: 8px 12px;
               min-width: 165px; background: white; }
.kpisim-tile-label { font-size: 16px; color: #333333; font-weight: 600; }
.kpisim-tile-measured { font-size: 30px; font-weight: 700; color: #0072B2; }
.kpisim-tile-true { font-size: 18px; font-weight: 600; color: #D55E00; }
.kpisim-sign { border-radius: 8px; padding: 8px 12px; margin: 4px 0; font-size: 18px;
               border: 3px solid #999999; background: #f2f2f2; color: #333333; }
.kpisim-sign-lit { border-color: #D55E00; background: #FBE3D2; color: #000000; }
.kpisim-sign-title { font-weight: 700; font-size: 20px; }
.kpisim-chart img { width: 100%; height: auto; }
.kpisim-sidebar .v-label, .kpisim-sidebar label { font-size: 17px !important; }
.kpisim-sidebar .v-select__selection { font-size: 18px !important; }
.kpisim-signs h3 { font-size: 24px; }
.v-btn { font-size: 17px !important; }
"""


@solara.component
def Tiles(snap: Snapshot | None, cfg: Config) -> None:
    """The headline numbers: dashboard value (blue) over the truth (vermillion)."""
    with solara.Row(gap="10px", style={"flex-wrap": "wrap"}):
        for key, label, measured, true in kpi_tiles(snap, cfg):
            with solara.Column(classes=["kpisim-tile", f"kpisim-tile-{key}"], gap="0px"):
                solara.Text(label, classes=["kpisim-tile-label"])
                solara.Text(measured, classes=["kpisim-tile-measured", f"kpisim-value-{key}"])
                solara.Text(true, classes=["kpisim-tile-true", f"kpisim-true-{key}"])


@solara.component
def Signs(snap: Snapshot | None) -> None:
    """The five toxic-KPI signs; a lit sign is framed in vermillion with a warning mark."""
    signs = snap.summary["toxic_signs"] if snap is not None else {}
    with solara.Column(classes=["kpisim-signs"], gap="4px"):
        _SignList(signs)


@solara.component
def _SignList(signs: dict[str, Any]) -> None:
    solara.Markdown("### The five signs of a toxic KPI")
    for key, title in SIGN_TITLES.items():
        sign = signs.get(key, {})
        lit = bool(sign.get("flag"))
        sentence = sign.get("sentence") or "Not enough days simulated yet."
        classes = ["kpisim-sign", f"kpisim-sign-{key}"] + (["kpisim-sign-lit"] if lit else [])
        with solara.Column(classes=classes, gap="2px"):
            mark = "⚠ LIT" if lit else "○ not lit"
            solara.Text(f"{title} — {mark}", classes=["kpisim-sign-title"])
            solara.Text(sentence)


@solara.component
def Chart(snap: Snapshot | None, key: str, token: str) -> None:
    """One chart as a PNG image, redrawn when ``token`` (model and day) changes."""
    title, fn = CHARTS[key]

    def draw() -> bytes | None:
        return None if snap is None else render_png(fn(snap))

    png = solara.use_memo(draw, dependencies=[token, key])
    with solara.Column(classes=["kpisim-chart", f"kpisim-chart-{key}"]):
        if png is None:
            solara.Text(f"{title}: press Step or ▶ to simulate the first day.")
        else:
            solara.Image(png, format="png")


@solara.component
def Page() -> None:
    """The app: one model per browser session."""
    settings = solara.use_reactive(Settings())
    # per-session model, created once for this page instance (never at module level)
    first = solara.use_memo(lambda: _first_model(settings.value), [])
    cfg = solara.use_reactive(first.cfg)
    model = solara.use_reactive(first)
    model_params = solara.use_reactive({"cfg": first.cfg})
    generation = solara.use_reactive(0)
    message = solara.use_reactive("")
    error = solara.use_reactive("")
    days_per_step = solara.use_reactive(5)
    play_interval = solara.use_reactive(50)
    export_label = solara.use_reactive("")
    use_threads = solara.use_reactive(False)
    update_counter.get()  # redraw after every step (Mesa's ModelController bumps it)

    m = model.value
    token = f"{generation.value}-{id(m)}-{m.day}"
    snap = solara.use_memo(lambda: take_snapshot(m), dependencies=[token])

    def start(new: Settings, note: str) -> None:
        """Build the config, start a new model from day 0; errors go to the page."""
        try:
            new_cfg = build_config(new)
        except ConfigError as exc:
            error.set(f"Not applied: {exc}")
            return
        except Exception as exc:  # never let a bad value take the page down
            error.set(f"Not applied: {type(exc).__name__}: {exc}")
            return
        settings.set(new)
        cfg.set(new_cfg)
        model_params.set({"cfg": new_cfg})
        model.set(ContactCentreModel(new_cfg))
        generation.set(generation.value + 1)
        error.set("")
        message.set(note)
        force_update()

    def choose_lesson(name: str) -> None:
        try:
            new = preset_settings(name, keep=settings.value)
        except ConfigError as exc:
            error.set(str(exc))
            return
        start(new, f"Lesson '{name}' loaded: a new run from day 0.")

    def do_export() -> None:
        if snap is None:
            error.set("Nothing to export yet: simulate at least one day.")
            return
        label = export_label.value or f"{cfg.value.scenario.name}_seed{cfg.value.seed}"
        try:
            files = export_charts(snap, label)
        except Exception as exc:
            error.set(f"Export failed: {type(exc).__name__}: {exc}")
            return
        error.set("")
        message.set(
            f"Exported {len(files)} PNG files to the export folder: "
            + ", ".join(f.name for f in files)
        )

    solara.Style(CSS)
    solara.Title("kpisim — toxic KPIs, live")
    with solara.AppBar():
        solara.AppBarTitle("kpisim · what a KPI-based pay scheme really does")

    with solara.Sidebar(), solara.Column(classes=["kpisim-sidebar"]):
        with solara.Card("Run"):
            ModelController(
                model,
                model_parameters=model_params,
                play_interval=play_interval,
                render_interval=days_per_step,
                use_threads=use_threads,
            )
            solara.SliderInt(
                f"Days per step / redraw: {days_per_step.value}",
                value=days_per_step,
                min=1,
                max=21,
            )
            solara.SliderInt(
                f"Pause between redraws: {play_interval.value} ms",
                value=play_interval,
                min=0,
                max=1000,
                step=50,
            )
        with solara.Card("Lesson"):
            solara.Select(
                "Lesson preset",
                value=settings.value.scenario,
                values=available_scenarios(),
                on_value=choose_lesson,
            )
        with solara.Card("Pay scheme (applies on 'Apply & restart')"):
            _SchemeControls(settings)
        with solara.Card("Population and seed"):
            _PopulationControls(settings, fixed_population(cfg.value))
            solara.Button(
                "Apply & restart",
                color="primary",
                block=True,
                on_click=lambda: start(settings.value, "Settings applied: a new run from day 0."),
            )
        with solara.Card("Export charts"):
            solara.InputText(
                "File name prefix (optional)", value=export_label, continuous_update=False
            )
            solara.Text(f"Folder (set with kpisim app --export-dir): {export_dir()}")
            solara.Button("Export charts as PNG", on_click=do_export, block=True)

    if error.value:
        solara.Error(error.value, classes=["kpisim-error"])
    if message.value:
        solara.Info(message.value, classes=["kpisim-message"])
    c = cfg.value
    with solara.Column(classes=["kpisim-lesson"]):
        solara.Markdown(
            f"**Lesson: {c.scenario.name}** — {c.scenario.description}\n\n"
            f"**What to watch:** {c.scenario.lesson}"
        )
        solara.Text(
            f"{c.customers.n:,} customers · {c.employees.n} agents · seed {c.seed} · "
            f"scheme '{c.scheme.name}' · bonus {c.scheme.bonus_share:.0%} of salary",
            classes=["kpisim-runinfo"],
        )
    solara.Markdown(
        '<span style="color:#0072B2">**Blue, large: what the dashboard shows**</span> · '
        '<span style="color:#D55E00">**Vermillion, dashed: what really happened**</span>',
        style={"font-size": "18px"},
    )
    Tiles(snap, c)
    with solara.Columns([3, 2]):
        Chart(snap, "dashboard_vs_reality", token)
        Signs(snap)
    # one chart per row: each fills the projector's width
    for key in ("customers", "employees", "levers", "money"):
        Chart(snap, key, token)


@solara.component
def _SchemeControls(settings: solara.Reactive[Settings]) -> None:
    s = settings.value

    def setter(name: str) -> Callable[[Any], None]:
        def on_value(v: Any) -> None:
            settings.set(dataclasses.replace(settings.value, **{name: v}))

        return on_value

    for kpi, label in WEIGHT_KPIS:
        solara.SliderFloat(
            f"Weight: {label} = {s.weight(kpi):.2f}",
            value=s.weight(kpi),
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=lambda v, k=kpi: settings.set(settings.value.with_weight(k, v)),
        )
    solara.SliderFloat(
        f"Bonus at full score: {s.bonus_share:.0%} of salary",
        value=s.bonus_share,
        min=0.0,
        max=0.5,
        step=0.01,
        on_value=setter("bonus_share"),
    )
    solara.Select(
        "FCR measured as",
        value=s.fcr_definition,
        values=list(FCR_DEFINITIONS),
        on_value=setter("fcr_definition"),
    )
    solara.Text(FCR_DEFINITIONS.get(s.fcr_definition, ""))
    solara.Select(
        "CSAT measured by",
        value=s.csat_definition,
        values=list(CSAT_DEFINITIONS),
        on_value=setter("csat_definition"),
    )
    solara.Text(CSAT_DEFINITIONS.get(s.csat_definition, ""))
    solara.Switch(
        label="Phone number visible on the website",
        value=s.phone_visible,
        on_value=setter("phone_visible"),
    )
    solara.SliderFloat(
        f"Quality audits: {s.audit_rate:.0%} of contacts",
        value=s.audit_rate,
        min=0.0,
        max=0.2,
        step=0.01,
        on_value=setter("audit_rate"),
    )


@solara.component
def _PopulationControls(settings: solara.Reactive[Settings], fixed: bool) -> None:
    s = settings.value
    if fixed:
        solara.Text("This preset sets its own call stream and staff; size is fixed.")
    else:
        solara.SliderInt(
            "Customers",
            value=s.customers,
            min=10_000,
            max=300_000,
            step=10_000,
            on_value=lambda v: settings.set(dataclasses.replace(settings.value, customers=v)),
        )
        solara.Text(f"{s.agents} agents (one per {CUSTOMERS_PER_AGENT:,} customers)")
    seed_error = ""
    try:
        parse_seed(s.seed_text)
    except ConfigError as exc:
        seed_error = str(exc)
    solara.InputText(
        "Seed (whole number)",
        value=s.seed_text,
        on_value=lambda v: settings.set(dataclasses.replace(settings.value, seed_text=str(v))),
        continuous_update=False,
        error=seed_error or False,
        classes=["kpisim-seed"],
    )


def _first_model(s: Settings) -> ContactCentreModel:
    """The session's first model (the default lesson)."""
    return ContactCentreModel(build_config(preset_settings(s.scenario, keep=s)))


def time_per_day(settings: Settings | None = None, days: int = 42) -> dict[str, float]:
    """Measure the app's speed: seconds per simulated day, per snapshot (the numbers
    behind a redraw) and per drawn chart set, at the given (default) settings."""
    s = settings or Settings()
    model = ContactCentreModel(build_config(preset_settings(s.scenario, keep=s)))
    t0 = time.perf_counter()
    for _ in range(days):
        model.step()
    step_s = (time.perf_counter() - t0) / days
    t0 = time.perf_counter()
    snap = take_snapshot(model)
    snap_s = time.perf_counter() - t0
    assert snap is not None
    t0 = time.perf_counter()
    for _, fn in CHARTS.values():
        render_png(fn(snap))
    draw_s = time.perf_counter() - t0
    return {
        "step_s": step_s,
        "snapshot_s": snap_s,
        "draw_s": draw_s,
        "redraw_total_s": step_s + snap_s + draw_s,
    }
