"""What the centre's managers see at the end of a pay period: the scheme's dashboard.

The dashboard holds only what the scheme defines (the measured ledger, with the survey
sampling noise the measurement has):

- each paid KPI at team level (the front line's period counts through
  ``sim.measurement.employee_kpis``, the same definitions as pay);
- each safety-net metric a paid KPI names: the random relationship survey
  (``csat_random``) and the complaint rate at centre level (the company's survey samples
  every contact, web included; complaints reach the company, not a seat), the repeat
  rate, repeat-based FCR and audit quality at team level;
- the broad CX KPI (random-sample CSAT) when the scheme pays CSAT on the random survey;
- the service level, the WFM plan's own target (always on a centre's wallboard).

Each item also carries the TRUE value of the same quantity from the true ledger, for
diagnosis only: managers never read it (``management.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import SchemeConfig
from ..measurement import KPIS, employee_kpis, ratio
from .planning import FRONT
from .scheme import kpi_names

if TYPE_CHECKING:
    from .centre import ContactCentreModel

#: Safety-net metrics on the customer's side (a breach means customers suffer).
CUSTOMER_SIDE = tuple(k.name for k in KPIS.values() if k.customer_side)
#: Metrics where a higher value is worse (the rest: lower is worse).
WORSE_HIGH = {k.name for k in KPIS.values() if k.direction == "lower"}
#: The broad customer-experience KPI: the random relationship survey.
CX = "csat_random"


@dataclass
class Item:
    """One line of the dashboard: what it shows, and the truth behind it."""

    metric: str
    measured: float
    true: float
    limit: float | None  # the tripwire's limit (None: shown, not guarded)
    higher_is_worse: bool
    customer_side: bool

    def breached(self, margin: float, value: float | None = None) -> bool:
        """Worse than the limit by more than ``margin`` x |limit| (``value``: judge this
        number instead of the measured one, e.g. the truth).

        Parameters
        ----------
        margin:
            Tolerance, share of |limit|.
        value:
            Judge this number instead of the measured one (None: the measured).
        """
        v = self.measured if value is None else value
        if self.limit is None or not np.isfinite(v):
            return False
        slack = margin * abs(self.limit)
        return v > self.limit + slack if self.higher_is_worse else v < self.limit - slack


def period_totals(model: ContactCentreModel, d: int) -> dict[str, float]:
    """Centre-level totals of the pay period ending on day ``d`` (the day ledger).

    Parameters
    ----------
    model:
        The centre (read).
    d:
        The period's last day (working day index).
    """
    rows = model.ledger.rows[model.period_start : d + 1]
    keys = (
        "rnd_top2",
        "rnd_surveys",
        "xp_top2",
        "contacts",
        "complaints",
        "calls_offered",
        "answered_in_sl",
        "repeat_contacts",
        "resolved_true",
        "answered_owned",
        "handle_s",
        "bad_experiences",
    )
    return {k: float(sum(r.get(k, 0) for r in rows)) for k in keys}


def team_kpis(model: ContactCentreModel, scheme: SchemeConfig) -> dict[str, float]:
    """The front line's period KPIs as measured (team totals, the pay definitions).

    Parameters
    ----------
    model:
        The centre (read).
    scheme:
        The scheme whose KPI definitions apply.
    """
    seats = np.array([s.seat for s in model.staff if s.team == FRONT], dtype=np.int64)
    counts = {k: np.array([v[seats].sum()]) for k, v in model.seat_ledger.data.items()}
    counts["repeats"] = np.array([model.seat_ledger.repeats[model.period][seats].sum()])
    k = employee_kpis(counts, scheme.kpis.fcr.definition, scheme.kpis.csat.definition)
    return {name: float(v[0]) for name, v in k.items()}


def cx_limit(scheme: SchemeConfig, default: float) -> float:
    """The limit of the broad CX KPI: the scheme's safety limit on the random survey
    (the strictest when several KPIs name it), else the company's own floor.

    Parameters
    ----------
    scheme:
        The scheme in force.
    default:
        The company's own floor (``management.cx_limit``), share 0-1.
    """
    limits = [
        getattr(scheme.kpis, n).safety_limit
        for n in kpi_names(scheme)
        if getattr(scheme.kpis, n).weight > 0 and getattr(scheme.kpis, n).safety_metric == CX
    ]
    return max(limits) if limits else default


def shows_cx(scheme: SchemeConfig) -> bool:
    """Whether the scheme's dashboard carries the broad CX KPI.

    Parameters
    ----------
    scheme:
        The scheme in force.
    """
    csat = scheme.kpis.csat
    paid_cx = csat.weight > 0 and csat.definition == "random_sample"
    netted = any(
        getattr(scheme.kpis, n).weight > 0 and getattr(scheme.kpis, n).safety_metric == CX
        for n in kpi_names(scheme)
    )
    return paid_cx or netted


def build(model: ContactCentreModel, d: int, scheme: SchemeConfig) -> dict[str, Item]:
    """The dashboard of the pay period ending on day ``d`` under ``scheme``.

    Parameters
    ----------
    model:
        The centre (read).
    d:
        The period's last day (working day index).
    scheme:
        The scheme in force.
    """
    t = period_totals(model, d)
    team = team_kpis(model, scheme)
    cx_true = ratio(t["xp_top2"], t["contacts"])
    fcr_true = ratio(t["resolved_true"], t["answered_owned"])
    centre = {
        "csat_random": (ratio(t["rnd_top2"], t["rnd_surveys"]), cx_true),
        "complaint_rate": (
            ratio(t["complaints"], t["contacts"]),
            ratio(t["complaints"], t["contacts"]),
        ),
    }
    truth = {
        "fcr": fcr_true,
        "csat": cx_true,
        "fcr_no_repeat": fcr_true,
        "repeat_rate": 1.0 - fcr_true,
        "aht": ratio(t["handle_s"], t["resolved_true"]),
        "quality": float("nan"),
        "transfer": float("nan"),
        "web_deflection": float("nan"),
    }
    sl = ratio(t["answered_in_sl"], t["calls_offered"])
    board = {
        "service_level": Item(
            "service_level", sl, sl, model.cfg.channels.service_level_target, False, False
        )
    }
    for name in kpi_names(scheme):
        kpi = getattr(scheme.kpis, name)
        if kpi.weight <= 0:
            continue
        measured = team[name]
        if name == "csat" and kpi.definition == "random_sample":
            measured = centre["csat_random"][0]  # the company's survey, every contact
        true_value = truth.get(name, float("nan"))
        board.setdefault(name, Item(name, measured, true_value, None, name in WORSE_HIGH, False))
        net = kpi.safety_metric
        if net:
            m, tr = centre.get(net, (team[net], truth.get(net, float("nan"))))
            old = board.get(net)
            limit = (
                kpi.safety_limit
                if old is None or old.limit is None
                else (
                    min(old.limit, kpi.safety_limit)
                    if net in WORSE_HIGH
                    else max(old.limit, kpi.safety_limit)
                )
            )
            board[net] = Item(net, m, tr, limit, net in WORSE_HIGH, net in CUSTOMER_SIDE)
    if shows_cx(scheme) and (CX not in board or board[CX].limit is None):
        m, tr = centre[CX]
        board[CX] = Item(CX, m, tr, cx_limit(scheme, model.cfg.management.cx_limit), False, True)
    return board


def true_cx(model: ContactCentreModel, d: int, scheme: SchemeConfig) -> Item:
    """The broad CX quantity as the truth sees it, whether or not the dashboard shows
    it (for diagnosis and sign 4): true top-2-box experience of every contact, judged
    against the same limit the dashboard would use.

    Parameters
    ----------
    model:
        The centre (read).
    d:
        The period's last day (working day index).
    scheme:
        The scheme in force.
    """
    t = period_totals(model, d)
    cx = ratio(t["rnd_top2"], t["rnd_surveys"])
    return Item(
        CX,
        cx,
        ratio(t["xp_top2"], t["contacts"]),
        cx_limit(scheme, model.cfg.management.cx_limit),
        False,
        True,
    )
