"""Service employees as Mesa agents.

Each employee occupies a *seat* (a position ``seat`` in ``0..employees.n-1``); when
they quit the seat stays empty for ``employees.hiring_lag_days`` and is then filled by
a novice, who trains in the classroom and then nests on the phones (``onboarding.py``).
Per-contact work happens in the vectorised phone queue
(``phone.py``, ``queue_kernel.py``),
which reads the staff's traits and policy levers as arrays; the agents themselves hold
the state that changes slowly: tenure and skill, morale, pay, and the behaviour policy
with its learning memory.
"""

from __future__ import annotations

import math
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..units import DAYS_PER_YEAR
from .behavior import LEVERS

if TYPE_CHECKING:
    from ..config import Config

#: Morale of a healthy centre: the reference at which the quit hazard is the base
#: attrition, and around which burnout and moral disengagement scale (pay_period.py).
HEALTHY_MORALE = 0.6


class Employee(mesa.Agent):
    """A service agent.

    Attributes (units): ``tenure_days`` (working days), ``potential_skill`` (resolution
    probability once fully trained), ``speed`` (needed seconds are divided by it),
    ``friendliness``, ``motivation`` (intrinsic care for the customer's outcome),
    ``integrity`` (personal cost of gaming) and ``morale``, all in [0, 1];
    ``salary_annual`` (currency units a year); ``policy`` (levers, see
    ``behavior.py``) and ``settled_policy`` (the policy it has settled on);
    ``pay_reference`` (the pay it has come to expect above its old salary, share of
    salary, ``pay_reference.py``), ``bonus_history`` (recent bonus shares) and the
    transition's pay protection (``protected_share`` from period ``protected_from``);
    ``never_game`` (its type), ``equity_bias`` and ``fairness`` (felt fairness in
    [-1, 1], ``fairness.py``); onboarding (``onboarding.py``): ``classroom_left``
    (classroom days to go), ``in_classroom`` (today), ``phone_days`` (working days on the
    phones, the clock of ``proficiency`` and ``skill``).
    """

    def __init__(
        self,
        model: mesa.Model,
        seat: int,
        *,
        tenure_days: float,
        potential_skill: float,
        speed: float,
        friendliness: float,
        motivation: float,
        integrity: float,
        morale: float,
        intrinsic: np.ndarray,
        team: int = 0,
        contract_s: float = 28_800.0,
        pay_reference: float = 0.0,
        classroom_days: int = 0,
    ) -> None:
        """None

        Parameters
        ----------
        model:
            The model the agent belongs to.
        seat:
            The seat it occupies, 0..
        tenure_days:
            Tenure at creation, working days.
        potential_skill:
            Resolution probability once fully trained.
        speed:
            Needed seconds are divided by it (1: average).
        friendliness:
            0-1.
        motivation:
            Intrinsic care for the customer's outcome, 0-1.
        integrity:
            Personal cost of gaming, 0-1.
        morale:
            0-1.
        intrinsic:
            Its own standards, a policy vector (``behavior.LEVERS``); policy and settled
            policy start there.
        team:
            0: front line, 1: specialists.
        contract_s:
            Paid shift length, s.
        pay_reference:
            Pay it expects above its old salary, share of salary.
        classroom_days:
            Working days of paid classroom training before its first day on the phones.
        """
        super().__init__(model)
        self.seat = seat
        self.team = team  # 0: front line, 1: specialists
        self.contract_s = contract_s  # paid shift length, s
        self.tenure_days = tenure_days
        # onboarding (onboarding.py): classroom days still to go, and working days on the
        # phones (the clock of the nesting curve and of learning to resolve)
        self.classroom_left = classroom_days
        self.in_classroom = classroom_days > 0
        self.phone_days = 0.0 if classroom_days else tenure_days
        self.potential_skill = potential_skill
        self.speed = speed
        self.friendliness = friendliness
        self.motivation = motivation
        self.integrity = integrity
        self.morale = morale
        self.intrinsic = intrinsic.copy()
        self.policy = intrinsic.copy()
        self.settled_policy = intrinsic.copy()
        self.last_pay = 0.0
        self.warned = False
        self.pay_reference = pay_reference
        self.bonus_history: list[float] = []
        self.protected_share = 0.0
        self.protected_from: int | None = None
        # type and felt fairness (fairness.py; drawn on hiring by fairness.assign)
        self.never_game = False
        self.equity_bias = 0.0
        self.fairness = 0.0
        # the properties below are read for every agent every day: each keeps its last
        # value with the state it was computed from (NaN: none yet)
        self._learned = (math.nan, 0.0)  # (phone_days, 1 - skill gap)
        self._nested = (math.nan, 0.0)  # (phone_days, proficiency on the phones)
        self._paid = (math.nan, math.nan, 0.0)  # (tenure_days, contract_s, salary)

    @property
    def skill(self) -> float:
        """Resolution probability on an average issue at full thoroughness: novices
        start at ``novice_skill_share`` of their potential and learn exponentially with
        their days on the phones."""
        days, learned = self._learned
        if days != self.phone_days:
            days = self.phone_days
            e = self.model.cfg.employees
            gap = (1.0 - e.novice_skill_share) * math.exp(-days / e.learning_days)
            learned = 1.0 - gap
            self._learned = (days, learned)
        return self.potential_skill * learned

    @property
    def salary_annual(self) -> float:
        """Salary rises from the novice to the experienced rate over the first year."""
        tenure, contract, salary = self._paid
        if tenure != self.tenure_days or contract != self.contract_s:
            tenure, contract = self.tenure_days, self.contract_s
            e = self.model.cfg.employees
            f = min(1.0, tenure / DAYS_PER_YEAR)
            full = e.salary_novice_annual + f * (
                e.salary_experienced_annual - e.salary_novice_annual
            )
            salary = full * self.hours_share
            self._paid = (tenure, contract, salary)
        return salary

    @property
    def hours_share(self) -> float:
        """Paid hours as a share of a full-time day (part-timers are paid pro rata)."""
        return self.contract_s / (self.model.cfg.workforce.full_time_hours * 3600.0)

    @property
    def proficiency(self) -> float:
        """Tenured handle time / its own handle time, 0-1 (0 in the classroom): its
        handle time is ``1 + (workforce.nesting_aht_multiple - 1) x 0.5 ** (phone_days /
        workforce.nesting_half_life_days)`` times its tenured one (an exponential learning
        curve; ``phone_days`` counts today)."""
        if self.in_classroom:
            return 0.0
        days, prof = self._nested
        if days != self.phone_days:
            days = self.phone_days
            wf = self.model.cfg.workforce
            excess = (wf.nesting_aht_multiple - 1.0) * 0.5 ** (days / wf.nesting_half_life_days)
            prof = 1.0 / (1.0 + excess)
            self._nested = (days, prof)
        return prof

    @property
    def handling_speed(self) -> float:
        """The speed its calls are handled at today: its trait ``speed`` x
        ``proficiency`` (a nesting agent's calls take longer)."""
        return self.speed * self.proficiency

    def work_day(self) -> None:
        """One more working day of tenure: in the classroom while classroom days are
        left, else one more day on the phones."""
        self.tenure_days += 1.0
        self.in_classroom = self.classroom_left > 0
        if self.in_classroom:
            self.classroom_left -= 1
        else:
            self.phone_days += 1.0

    def levers(self) -> dict[str, float]:
        """The current policy as a dict of lever name to value."""
        return dict(zip(LEVERS, self.policy.tolist(), strict=True))


# ---------------------------------------------------------------- many employees at once
# The daily loops (attendance, who is on duty, the day's pay) read these values of every
# seated employee every day: the properties above, evaluated for arrays of employees.
# Bit-identical to them: the same IEEE operations in the same order (numpy's elementwise
# arithmetic is correctly rounded), and the transcendental steps are Python's own
# (``math.exp`` and float ``**`` through ``map``: numpy's and numba's ``exp``/``pow``
# may differ from the C library's in the last bit).


def learned(cfg: Config, phone_days: np.ndarray) -> np.ndarray:
    """``Employee.skill / potential_skill`` at each ``phone_days`` (working days on the
    phones): the share of the potential skill learned.

    Parameters
    ----------
    cfg:
        The run's configuration (``employees.novice_skill_share``, ``learning_days``).
    phone_days:
        Working days on the phones of each employee.
    """
    e = cfg.employees
    decay = np.fromiter(map(math.exp, (-phone_days / e.learning_days).tolist()), float)
    return 1.0 - (1.0 - e.novice_skill_share) * decay


def proficiency(cfg: Config, phone_days: np.ndarray, in_classroom: np.ndarray) -> np.ndarray:
    """``Employee.proficiency`` at each ``phone_days`` (0 for those in the classroom).

    Parameters
    ----------
    cfg:
        The run's configuration (``workforce.nesting_aht_multiple``,
        ``nesting_half_life_days``).
    phone_days:
        Working days on the phones of each employee.
    in_classroom:
        Whether each employee is in the classroom today (bool).
    """
    wf = cfg.workforce
    halves = (phone_days / wf.nesting_half_life_days).tolist()
    excess = (wf.nesting_aht_multiple - 1.0) * np.fromiter(map(pow, repeat(0.5), halves), float)
    prof = 1.0 / (1.0 + excess)
    prof[in_classroom] = 0.0
    return prof


def salary_annual(cfg: Config, tenure_days: np.ndarray, contract_s: np.ndarray) -> np.ndarray:
    """``Employee.salary_annual`` of each employee, currency units a year.

    Parameters
    ----------
    cfg:
        The run's configuration (salaries, ``workforce.full_time_hours``).
    tenure_days:
        Each employee's tenure, working days.
    contract_s:
        Each employee's paid shift length, s.
    """
    e = cfg.employees
    f = np.minimum(1.0, tenure_days / DAYS_PER_YEAR)
    full = e.salary_novice_annual + f * (e.salary_experienced_annual - e.salary_novice_annual)
    return full * (contract_s / (cfg.workforce.full_time_hours * 3600.0))


def column(staff: list[Employee], name: str, dtype: type = float) -> np.ndarray:
    """Attribute ``name`` of each employee of ``staff`` as an array (in their order).

    Parameters
    ----------
    staff:
        The employees.
    name:
        An attribute (not a property: read the arrays above for those).
    dtype:
        The array's type.
    """
    return np.fromiter(map(attrgetter(name), staff), dtype, len(staff))
