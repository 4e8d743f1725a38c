"""Departments: root causes of issues elsewhere in the firm (failure demand), the agents'
flags, the fixes, and fulfilment that fails after the call.

A share of the customers' issues is caused by another department — billing, product or
delivery (``departments.*_share``).  Each new issue's cause is drawn when it arrives
(``draw_causes``), and department-caused issues arrive at the department's *rate
multiplier* times their original rate (``Departments.thin``): fixes lower it.

The loop that fixes causes (docs/ODD.md, "Departments"):

1. An agent who handles a department-caused call flags its root cause with probability
   ``flag_prob x thoroughness x intrinsic motivation`` (``p_flag``): noticing the
   cause takes time on the call, reporting it takes caring about the customer.
2. Flags reach the department only when the front line's dashboard is shared with the
   departments (``scheme.dashboard: shared``).  On an individual dashboard or a big
   screen of one top-line number nobody outside the centre sees what drives the
   contacts: the flags go nowhere (counted as ``root_cause_flags_lost``).
3. Every ``review_days`` a department looks at the flags it received since its last
   review and acts on the feedback with probability
   ``act_on_feedback x (1 - exp(-flags / flags_per_fix))``: it starts a fix, which
   after ``fix_lag_days`` removes ``fix_size`` of its remaining failure demand.

Fulfilment (``fulfilment_fails``): when the agent has resolved its part of a
department-caused issue, the department still has to deliver (send the corrected bill,
ship the part); with probability ``fulfilment_failure`` it does not, and the customer
calls again.  The agent's code says "resolved" — honestly — so self-coded FCR exceeds the
customer's FCR under any pay scheme.

With every share 0 no cause is drawn and this module draws no random number, so the
model runs exactly as without departments.
"""

from __future__ import annotations

import numpy as np

from ..config import DepartmentsConfig

#: Root causes: 0 is the centre's own (ordinary) issue, then one per department.
NONE = 0
DEPARTMENTS: tuple[str, ...] = ("billing", "product", "delivery")
#: The dashboard type that is shared with the departments (flags reach them).
SHARED = "shared"


def shares(cfg: DepartmentsConfig) -> np.ndarray:
    """Share of new issues caused by each department, in ``DEPARTMENTS`` order.

    Parameters
    ----------
    cfg:
        The departments' configuration.
    """
    return np.array([cfg.billing_share, cfg.product_share, cfg.delivery_share])


def draw_causes(rng: np.random.Generator, cfg: DepartmentsConfig, k: int) -> np.ndarray:
    """Root cause of each of ``k`` new issues (int8: ``NONE`` or 1 + department index);
    no draw when no department causes issues.

    Parameters
    ----------
    rng:
        The random generator to draw from.
    cfg:
        The departments' configuration.
    k:
        Number of new issues.
    """
    sh = shares(cfg)
    if k == 0 or sh.sum() <= 0:
        return np.zeros(k, np.int8)
    return causes_of(rng.random(k), np.cumsum(sh))


def causes_of(u: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Cause of each uniform draw ``u``: department j when ``edges[j-1] <= u <
    edges[j]``, ``NONE`` above the last edge.

    Parameters
    ----------
    u:
        Uniform draws, one per issue.
    edges:
        Cumulative shares of the departments.
    """
    j = np.searchsorted(edges, u, side="right")
    return np.where(j < edges.shape[0], j + 1, NONE).astype(np.int8)


def p_flag(cfg: DepartmentsConfig, thoroughness: np.ndarray, motivation: np.ndarray) -> np.ndarray:
    """Probability that the agent flags the root cause of a department-caused call it
    handled: ``flag_prob`` x thoroughness (capped at 1) x intrinsic motivation.

    Parameters
    ----------
    cfg:
        The departments' configuration.
    thoroughness:
        The handling agent's thoroughness lever.
    motivation:
        The handling agent's intrinsic motivation, 0-1.
    """
    return cfg.flag_prob * np.clip(thoroughness, 0.0, 1.0) * np.clip(motivation, 0.0, 1.0)


class Departments:
    """The departments' state: rate multipliers, flags received, fixes under way and done.

    ``multiplier[j]`` is the share of department j's original failure demand still
    arriving (1 at the start; each fix multiplies it by ``1 - fix_size``).
    """

    def __init__(self, cfg: DepartmentsConfig) -> None:
        self.cfg = cfg
        self.active = bool(shares(cfg).sum() > 0)
        n = len(DEPARTMENTS)
        self.multiplier = np.ones(n)
        self.received = np.zeros(n)  # flags received since the department's last review
        self.pending: list[tuple[int, int]] = []  # (day the fix takes effect, department)
        #: fixes that took effect: (day, department name, multiplier after the fix)
        self.fixes: list[tuple[int, str, float]] = []

    def arrive(self, rng: np.random.Generator, new, row: dict):
        """The new issues (``Contacts``) that still arrive after the fixes so far
        (``thin``); books the day's ``issues_arrived`` and ``issues_failure_demand``.

        Parameters
        ----------
        rng:
            The random generator to draw from.
        new:
            The day's new issues (``contacts.Contacts``).
        row:
            Today's record (``ledgers.DayRecord``), booked in place.
        """
        keep = self.thin(rng, new.cause)
        if not keep.all():
            new = new.take(keep)
        row["issues_arrived"] = len(new)
        row["issues_failure_demand"] = int((new.cause != NONE).sum())
        return new

    def thin(self, rng: np.random.Generator, cause: np.ndarray) -> np.ndarray:
        """Which new issues still arrive (bool mask): a department-caused issue arrives
        with its department's multiplier (thinning a Poisson process scales its rate).
        No draw until a fix has lowered some multiplier.

        Parameters
        ----------
        rng:
            The random generator to draw from.
        cause:
            Root cause of each new issue.
        """
        if not self.active or (self.multiplier >= 1.0).all():
            return np.ones(cause.shape[0], bool)
        m = np.r_[1.0, self.multiplier][cause]
        return rng.random(cause.shape[0]) < m

    def flag(
        self,
        rng: np.random.Generator,
        cause: np.ndarray,
        handled: np.ndarray,
        thoroughness: np.ndarray,
        motivation: np.ndarray,
        dashboard: str,
        row: dict,
    ) -> None:
        """Agents flag the root causes of the department-caused calls they handled;
        the flags reach the departments only on a dashboard shared with them.

        Parameters
        ----------
        rng:
            The random generator to draw from.
        cause:
            Root cause of each call's issue.
        handled:
            Mask of the calls handled to the end by an agent.
        thoroughness:
            The final agent's thoroughness lever, per call.
        motivation:
            The final agent's intrinsic motivation, per call, 0-1.
        dashboard:
            The scheme's dashboard type (``scheme.dashboard``).
        row:
            Today's record (``ledgers.DayRecord``), booked in place.
        """
        dep = handled & (cause != NONE)
        if not self.active or not dep.any():
            return
        flagged = dep & (rng.random(cause.shape[0]) < p_flag(self.cfg, thoroughness, motivation))
        counts = np.bincount(cause[flagged], minlength=len(DEPARTMENTS) + 1)[1:]
        total = int(counts.sum())
        row["root_cause_flags"] = row.get("root_cause_flags", 0) + total
        if dashboard == SHARED:
            self.received += counts
            row["root_cause_flags_delivered"] = row.get("root_cause_flags_delivered", 0) + total
        else:
            row["root_cause_flags_lost"] = row.get("root_cause_flags_lost", 0) + total

    def end_of_day(self, rng: np.random.Generator, day: int, row: dict) -> None:
        """Fixes whose lag is over take effect; on a review day each department with
        flags decides whether to act on them.

        Parameters
        ----------
        rng:
            The random generator to draw from.
        day:
            Today (working day index).
        row:
            Today's record (``ledgers.DayRecord``), booked in place.
        """
        c = self.cfg
        due = [p for p in self.pending if p[0] <= day]
        self.pending = [p for p in self.pending if p[0] > day]
        for _, j in due:
            self.multiplier[j] *= 1.0 - c.fix_size
            self.fixes.append((day, DEPARTMENTS[j], float(self.multiplier[j])))
        row["root_cause_fixes"] = len(due)
        if (day + 1) % c.review_days or not (self.received > 0).any():
            return
        p_act = c.act_on_feedback * (1.0 - np.exp(-self.received / c.flags_per_fix))
        act = (self.received > 0) & (rng.random(len(DEPARTMENTS)) < p_act)
        for j in np.flatnonzero(act):
            self.pending.append((day + 1 + c.fix_lag_days, int(j)))
        row["root_cause_fixes_started"] = int(act.sum())
        self.received[:] = 0.0


def fulfilment_fails(
    rng: np.random.Generator, cfg: DepartmentsConfig, cause: np.ndarray
) -> np.ndarray:
    """Whether the department's fulfilment of each call's issue would fail (bool; False
    for the centre's own issues).  Drawn for every call so the employees' hindsight
    replays the same fate; no draw when no call has a department cause.

    Parameters
    ----------
    rng:
        The random generator to draw from.
    cfg:
        The departments' configuration.
    cause:
        Root cause of each call's issue.
    """
    dep = cause != NONE
    if not dep.any() or cfg.fulfilment_failure <= 0:
        return np.zeros(cause.shape[0], bool)
    return dep & (rng.random(cause.shape[0]) < cfg.fulfilment_failure)
