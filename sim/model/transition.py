"""Transition support when the scheme changes on ``rollout_day`` (config ``transition:``).

Removing a metric people have learnt to play costs them pay they have come to expect;
loss aversion makes that loss hurt (``pay_reference.py``), and low morale raises quits.
A leader can soften the change in three ways, each configurable and off by default:

- **pay protection** (``pay_protection_periods`` N): for N pay periods after the change
  each front-line employee's bonus is topped up toward the mean bonus share it earned in
  its last ``protection_basis_periods`` periods before the change, tapered in equal steps
  (N/(N+1), ..., 1/(N+1) of it), so the loss comes in small steps while the reference
  point adapts ("red-circling" with a phase-down);
- **retraining** (``retraining_share``, ``retraining_hours``): on the day of the change
  each front-line employee's policy and own standards move ``retraining_share`` of the
  way back to the original standard (handle each contact as required, courtesy as one's
  friendliness, no gaming), at ``retraining_hours`` of paid time each, booked as
  overtime that day;
- **communication** (``communication_share``): on the day of the change each front-line
  employee's pay reference point moves ``communication_share`` of the way to the new
  scheme's expected pay (people told clearly what to expect stop expecting the old
  bonus).

A fourth, also off by default, is a **gift** (``gift_share``): a one-off unconditional
payment of that share of a month's salary to each front-line employee on the day of the
change, booked as bonus pay (``bonus_paid``, loaded in ``cost_bonus``); it raises felt
fairness, which fades back to its target (``fairness.give``).

Nothing here knows which scheme is removed: the support acts on pay, policies and
reference points only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..units import DAYS_PER_YEAR
from . import behavior as bh
from . import fairness
from .pay_reference import expected_gain

if TYPE_CHECKING:
    from ..config import Config, SchemeConfig
    from .employee import Employee

#: Bonus shares remembered per employee (enough for any protection basis allowed).
HISTORY_PERIODS = 12


def remember_bonus(emp: Employee, bonus_share: float) -> None:
    """Keep the bonus share (bonus / salary) of the period just closed.

    Parameters
    ----------
    emp:
        The employee.
    bonus_share:
        The period's bonus as a share of its salary.
    """
    emp.bonus_history.append(bonus_share)
    del emp.bonus_history[:-HISTORY_PERIODS]


def at_rollout(cfg: Config, staff: list[Employee], proposal: SchemeConfig, period: int) -> float:
    """Apply the transition support to the front-line ``staff`` on the day the
    ``proposal`` takes over (the first period under it is ``period``); returns the paid
    seconds of retraining to book as overtime today.

    Parameters
    ----------
    cfg:
        The run's configuration (``transition.*``).
    staff:
        The front line's seated employees (changed in place).
    proposal:
        The scheme taking over.
    period:
        The first pay period under it.
    """
    t = cfg.transition
    basis = t.protection_basis_periods
    for s in staff:
        past = s.bonus_history[-basis:]
        s.protected_share = float(np.mean(past)) if past else 0.0
        s.protected_from = period
    if t.retraining_share > 0 and staff:
        friendliness = np.array([s.friendliness for s in staff])
        standard = bh.intrinsic_policy(friendliness)
        k = t.retraining_share
        for i, s in enumerate(staff):
            s.intrinsic = s.intrinsic + k * (standard[i] - s.intrinsic)
            s.settled_policy = s.settled_policy + k * (standard[i] - s.settled_policy)
            s.policy = s.settled_policy.copy()
    if t.communication_share > 0:
        target = expected_gain(proposal)
        for s in staff:
            s.pay_reference += t.communication_share * (target - s.pay_reference)
    return t.retraining_hours * 3600.0 * len(staff)


def top_up_share(cfg: Config, staff: list[Employee], period: int) -> np.ndarray:
    """Each employee's protected bonus share for pay period ``period`` (0 outside the
    protection): tapered from N/(N+1) to 1/(N+1) of its protected share.

    Parameters
    ----------
    cfg:
        The run's configuration (``transition.*``).
    staff:
        The team's seated employees.
    period:
        The pay period being closed.
    """
    n = cfg.transition.pay_protection_periods
    out = np.zeros(len(staff))
    if n <= 0:
        return out
    for i, s in enumerate(staff):
        if s.protected_from is None:
            continue
        k = period - s.protected_from  # 0 in the first period under the new scheme
        if 0 <= k < n:
            out[i] = s.protected_share * (n - k) / (n + 1)
    return out


def gift(cfg: Config, staff: list[Employee]) -> float:
    """Give the front-line ``staff`` the rollout gift (``transition.gift_share`` of a
    month's salary each, unconditional) and raise their felt fairness; returns the money
    paid, currency units (0 without a gift).

    Parameters
    ----------
    cfg:
        The run's configuration (``transition.gift_share``, the pay period's length).
    staff:
        The front line's seated employees (changed in place).
    """
    months_per_period = cfg.scheme.period_days / (DAYS_PER_YEAR / 12.0)
    return fairness.give(staff, cfg.transition.gift_share, months_per_period)
