"""The model's state turned into the numbers the page shows.

:func:`take_snapshot` reads a running :class:`~sim.model.ContactCentreModel` through
:mod:`sim.outputs` (``daily_frame``, ``employees_frame``, ``summary_dict`` and its five
toxic-KPI signs) and adds trailing-window rates computed with
:func:`sim.measurement.rates` (ratio of sums); nothing here re-implements a KPI.
:func:`kpi_tiles` formats the headline numbers of the tiles.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..config import Config
from ..measurement import rates
from ..model import ContactCentreModel
from ..outputs import COUNT_COLUMNS, daily_frame, employees_frame, summary_dict
from ..outputs.signs import SIGNS
from ..outputs.smart import check_employees
from .timeline import model_log

#: Rolling window (working days) of the charts' rates (ratio of sums).
WINDOW = 10

#: The five toxic-KPI signs (:data:`sim.outputs.signs.SIGNS`), numbered for the page.
SIGN_TITLES = {key: f"{i} · {label}" for i, (key, label) in enumerate(SIGNS, start=1)}


@dataclass
class Snapshot:
    """Everything the views show about a model at one moment."""

    day: int
    daily: pd.DataFrame  # daily_frame plus rolling-window rates (suffix _roll)
    employees: pd.DataFrame  # employees_frame
    summary: dict[str, Any]  # summary_dict of the run so far
    staff: pd.DataFrame  # one row per seated employee: levers, morale, pay, gaming
    smart: pd.DataFrame = field(default_factory=pd.DataFrame)  # sim.outputs.smart
    #: the model's decisions and scheme changes (sim.app.timeline.model_log)
    log: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    cfg: Config | None = None  # the run's config (the presenter's tiles read its scheme)


def rolling_rates(daily: pd.DataFrame, model: ContactCentreModel, window: int) -> pd.DataFrame:
    """Rates over a trailing window of days, from the window's count totals (ratio of
    sums), with the same rate definitions as :func:`sim.outputs.daily_frame`.

    Parameters
    ----------
    daily : pandas.DataFrame
        The run's daily table.
    model : ContactCentreModel
        The running model (the FCR and CSAT definitions of its scheme).
    window : int
        Trailing window, working days.
    """
    roll = daily[list(COUNT_COLUMNS)].rolling(window, min_periods=1).sum()
    kpis = model.scheme.kpis
    window_rates = rates(lambda k: roll[k], kpis.fcr.definition, kpis.csat.definition)
    return pd.DataFrame(window_rates, index=daily.index)


def staff_table(model: ContactCentreModel, emp: pd.DataFrame) -> pd.DataFrame:
    """Seated employees: their policy levers now, morale, pay and last period's gaming.

    Parameters
    ----------
    model : ContactCentreModel
        The running model (its seated staff).
    emp : pandas.DataFrame
        The employee table so far (last period's gaming).
    """
    last = pd.DataFrame()
    if not emp.empty and "gaming_act_rate" in emp:
        last = emp[emp["period"] == emp["period"].max()].set_index("employee_id")
    rows = []
    for e in model.staff:
        row: dict[str, Any] = {
            "employee_id": e.unique_id,
            "seat": e.seat,
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


def run_rates(model: ContactCentreModel, daily: pd.DataFrame) -> dict[str, Any]:
    """The run-so-far numbers of a run shown only in part, without the employee table and the signs:
    rates over the totals (ratio of sums, as ``summary_dict``), profit, value (profit +
    the change in customer equity, as ``summary_dict``) and the last day's morale.

    Parameters
    ----------
    model : ContactCentreModel
        The run's model.
    daily : pandas.DataFrame
        Its daily table.
    """
    tot = daily[list(COUNT_COLUMNS)].sum()
    kpis = model.scheme.kpis
    out = rates(lambda k: float(tot[k]), kpis.fcr.definition, kpis.csat.definition)
    out["profit"] = float(daily["profit"].sum())
    out["value"] = out["profit"] + (model.customer_equity() - model.equity_start)
    out["employee_satisfaction"] = float(daily["morale_mean"].iloc[-1])
    return out


#: Per model: (employee rows seen, their employee table, its SMART check).  Both change
#: only when a pay period closes (``model.employee_rows`` grows), so a redraw between
#: pay days reuses them instead of rebuilding them (read-only: nothing changes them).
_PERIODS: weakref.WeakKeyDictionary[ContactCentreModel, tuple[int, pd.DataFrame, pd.DataFrame]]
_PERIODS = weakref.WeakKeyDictionary()


def pay_periods(model: ContactCentreModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model's employee table (``employees_frame``) and the SMART check of its paid
    KPIs (``check_employees``), rebuilt only after a pay period closed.

    Parameters
    ----------
    model : ContactCentreModel
        The running model.
    """
    n = len(model.employee_rows)
    hit = _PERIODS.get(model)
    if hit is None or hit[0] != n:
        emp = employees_frame(model)
        hit = (n, emp, check_employees(emp, model.cfg))
        _PERIODS[model] = hit
    return hit[1], hit[2]


def take_snapshot(model: ContactCentreModel, full: bool = True) -> Snapshot | None:
    """The model's state for the views; ``None`` before the first simulated day.

    Parameters
    ----------
    model : ContactCentreModel
        The running model (read, not changed).
    full : bool
        False for a run shown only in part: the daily table and :func:`run_rates` only.
    """
    if model.day == 0 or not model.ledger.rows:
        return None
    daily = daily_frame(model)
    roll = rolling_rates(daily, model, WINDOW).add_suffix("_roll")
    if not full:
        summary = run_rates(model, daily)
        daily = pd.concat([daily, roll], axis=1)
        return Snapshot(model.day, daily, pd.DataFrame(), summary, pd.DataFrame(), cfg=model.cfg)
    emp, smart = pay_periods(model)
    summary = summary_dict(model, daily, emp)
    daily = pd.concat([daily, roll], axis=1)
    staff = staff_table(model, emp)
    return Snapshot(model.day, daily, emp, summary, staff, smart, model_log(model), model.cfg)


def _missing(v: Any) -> bool:
    """A number the page cannot show: None (a summary value not defined yet) or NaN."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def _fmt(v: Any, spec: str, before: str = "", after: str = "") -> str:
    """``v`` formatted with ``spec`` between ``before`` and ``after``; "–" when
    :func:`_missing` (a tile never fails on a value that is not there yet)."""
    return "–" if _missing(v) else f"{before}{v:{spec}}{after}"


def _fmt_pct(v: float | None) -> str:
    return _fmt(v, ".1%")


def kpi_tiles(snap: Snapshot | None, cfg: Config) -> list[tuple[str, str, str, str]]:
    """The headline numbers as (key, label, dashboard value, true value) for the page;
    rates are of the run so far (``summary_dict``).

    Parameters
    ----------
    snap : Snapshot or None
        The run's state (None before the first day).
    cfg : Config
        The run's config (its number of days).
    """
    if snap is None:
        return [("day", "Working day", "0", "press Step or ▶")]
    # None-safe: a value missing from the summary shows as "–", never a TypeError
    s = {k: (float("nan") if v is None else v) for k, v in snap.summary.items()}
    cur = cfg.economics.currency
    return [
        ("day", "Working day", f"{snap.day}", f"of {cfg.days}"),
        ("fcr", "First-contact resolution", _fmt_pct(s["fcr_measured"]), _fmt_pct(s["fcr_true"])),
        ("csat", "Customer satisfaction", _fmt_pct(s["csat_survey"]), _fmt_pct(s["csat_true"])),
        (
            "web",
            "Web containment / effort",
            _fmt_pct(s["web_containment"]),
            _fmt(s["customer_effort"], ".2f", "effort ", " / 7"),
        ),
        (
            "aht",
            "Avg handle time",
            _fmt(s["aht_s"], ".0f", after=" s"),
            _fmt(s["handle_s_per_resolved"], ".0f", after=" s per resolved"),
        ),
        (
            "retention",
            "Day-0 customers kept",
            _fmt_pct(s["retention"]),
            _fmt(s["complaint_rate"] * 1000, ".1f", after=" complaints / 1,000"),
        ),
        (
            "staff",
            "Staff morale",
            _fmt(s["employee_satisfaction"], ".2f"),
            _fmt(snap.daily["quits"].sum(), ".0f", after=" quit so far"),
        ),
        (
            "money",
            f"Value so far ({cur})",
            _fmt(s["value"] / 1e6, ",.2f", after=" M"),
            _fmt(s["profit"] / 1e6, ",.2f", "profit ", " M"),
        ),
    ]


def side_deltas(snap: Snapshot | None, other: Snapshot | None, name: str) -> dict[str, str]:
    """Per tile, the run against its comparison (same seed and size), run so far, on the
    tile's real number (its second line), e.g. ``{"fcr": "-3.1 pts vs baseline"}``
    (presenter mode shows both sides' dashboard and real numbers); money as value (profit
    + the change in customer equity: customers lost count as an asset written off, not
    only as the margin of the days so far).  Empty without both runs at the same day.

    Parameters
    ----------
    snap : Snapshot or None
        The run's state.
    other : Snapshot or None
        The comparison's state.
    name : str
        The comparison's name on the page.
    """
    if snap is None or other is None or other.day != snap.day:
        return {}
    s, g = snap.summary, other.summary

    def d(key: str, scale: float = 1.0) -> float:  # NaN when either value is missing
        a, b = s.get(key), g.get(key)
        return float("nan") if _missing(a) or _missing(b) else scale * (float(a) - float(b))

    return {
        "fcr": _fmt(d("fcr_true", 100), "+.1f", after=f" pts vs {name}"),
        "csat": _fmt(d("csat_true", 100), "+.1f", after=f" pts vs {name}"),
        "web": _fmt(d("customer_effort"), "+.2f", "effort ", f" vs {name}"),
        "aht": _fmt(d("handle_s_per_resolved"), "+.0f", after=f" s vs {name}"),
        "retention": _fmt(d("complaint_rate", 1000), "+.1f", "complaints ", f" vs {name}"),
        "staff": _fmt(d("employee_satisfaction"), "+.2f", after=f" vs {name}"),
        "money": _fmt(d("value", 1e-6), "+,.2f", "value ", f" M vs {name}"),
    }


def smart_lines(snap: Snapshot | None) -> list[tuple[str, list[str]]]:
    """The SMART panel's lines: per paid KPI "FCR  S ✓ M ✓ A ✗ R ✓ T ✓" and the
    sentences of its failed criteria (one line saying why there is nothing yet).

    Parameters
    ----------
    snap : Snapshot or None
        The run's state (its SMART table).
    """
    t = snap.smart if snap is not None else pd.DataFrame()
    if not len(t):
        return [("No KPI is paid on yet (or no pay period has closed).", [])]
    out = []
    for kpi, g in t.groupby("kpi", sort=False):
        marks = " ".join(f"{r.criterion} {'✓' if r.passed else '✗'}" for r in g.itertuples())
        out.append((f"{str(kpi).upper()}  {marks}", list(g.loc[~g["passed"], "sentence"])))
    return out
