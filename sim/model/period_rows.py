"""The rows of ``result.employees`` a pay period adds (``pay_period.close_period``): one
per employee seated, their attributes, then the period's metrics, pay and levers.

Each per-employee array is converted to Python floats (or bools) once per column
(``tolist``), not once per value: the rows are the same values in the same column order.
"""

from __future__ import annotations

import numpy as np

from ..measurement import paid_kpis
from .behavior import LEVERS
from .employee import Employee
from .scheme import PayOutcome


def _floats(a: np.ndarray) -> list[float]:
    """The values as Python floats (as ``float(a[i])`` of each)."""
    return np.asarray(a, dtype=np.float64).tolist()


def columns(
    metrics: dict[str, np.ndarray],
    payout: PayOutcome,
    *,
    salary: np.ndarray,
    top_up: np.ndarray,
    pay_reference: np.ndarray,
    felt_pay: np.ndarray,
    morale: np.ndarray,
    utility_played: np.ndarray,
    played: np.ndarray,
    dismissing: np.ndarray,
) -> dict[str, list]:
    """The period's per-employee columns (after the employee's own attributes,
    :func:`rows`), in column order.

    Parameters
    ----------
    metrics : dict of str to numpy.ndarray
        The period's per-employee metrics (``pay_period.measured_kpis``).
    payout : PayOutcome
        The period's scoring and bonuses, currency units.
    salary, top_up : numpy.ndarray
        The period's salary and transition top-up per employee, currency units.
    pay_reference, felt_pay : numpy.ndarray
        The pay reference point before the period and pay as felt against it, share of
        salary.
    morale, utility_played : numpy.ndarray
        Morale after the period (0-1) and the utility of the policy played.
    played : numpy.ndarray
        The policy each employee played, (n, levers).
    dismissing : numpy.ndarray
        Whether an employee in the forced-ranking bottom is dismissed (warned last period
        and the scheme dismisses; bool).
    """
    f, m = _floats, metrics
    bottom = np.asarray(payout.bottom).astype(bool)
    cols = {
        "morale": f(morale),
        "salary": f(salary),
        "bonus": f(payout.bonus),
        "penalty": f(payout.penalty),
        "pay": f(salary + payout.bonus + top_up),
        "score": f(payout.score),
        "forced_bottom": bottom.tolist(),
        "dismissed": (bottom & dismissing).tolist(),
        "utility": f(utility_played),
        "contacts": f(m["contacts"]),
        "aht_s": f(m["aht"]),
        "fcr_measured": f(m["fcr"]),
        "fcr_true": f(m["fcr_true"]),
        "csat_survey": f(m["csat"]),
        "csat_true": f(m["csat_true"]),
        "csat_random": f(m["csat_random"]),
        "repeat_rate": f(m["repeat_rate"]),
        "complaint_rate": f(m["complaint_rate"]),
        "transfer_rate": f(m["transfer"]),
        "web_push_rate": f(m["web_deflection"]),
        "quality": f(m["quality"]),
        "resolved_per_hour": f(m["resolved_per_hour"]),
        "occupancy": f(m["occupancy"]),
        "abuse_rate": f(m["abuse_rate"]),
        "gaming_act_rate": f(m["gaming_act_rate"]),
        "detected": f(m["detected"]),
    }
    # observations behind each paid KPI
    cols.update({f"n_{name}": f(m[f"n_{name}"]) for name in paid_kpis()})
    cols.update({f"lever_{name}": f(played[:, j]) for j, name in enumerate(LEVERS)})
    cols.update(top_up=f(top_up), pay_reference=f(pay_reference), pay_felt=f(felt_pay))
    return cols


def rows(staff: list[Employee], period: tuple[int, int, str], cols: dict[str, list]) -> list:
    """One row (a dict) per employee of ``staff``: the employee's attributes, then its
    values of ``cols`` (:func:`columns`).

    Parameters
    ----------
    staff : list of Employee
        The employees seated, in the order of ``cols``.
    period : tuple
        The period's number, last day and scheme name.
    cols : dict of str to list
        The period's per-employee columns.
    """
    number, day, scheme = period
    keys = tuple(cols)
    out = []
    for employee, values in zip(staff, zip(*cols.values(), strict=True), strict=True):
        row = {
            "employee_id": employee.unique_id,
            "seat": int(employee.seat),
            "period": number,
            "day_end": day,
            "scheme": scheme,
            "tenure_days": employee.tenure_days,
            "skill": employee.skill,
            "speed": employee.speed,
            "proficiency": employee.proficiency,
            "friendliness": employee.friendliness,
            "motivation": employee.motivation,
            "integrity": employee.integrity,
        }
        row.update(zip(keys, values, strict=True))
        out.append(row)
    return out
