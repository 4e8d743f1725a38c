"""Employee types and felt fairness: who games, and why.

Two differences between employees decide who games, beside pay at stake and audit risk:

- **Type.** A share ``behavior.never_game_share`` of employees never game whatever the
  stakes: their gaming levers are pinned at 0 and they do not rush (``behavior.bounds``,
  as with gaming switched off).  In die-roll and
  other cheating experiments with private information, a stable share of people report
  honestly even when lying pays and cannot be detected: 39 % in Fischbacher &
  Föllmi-Heusi (2013, JEEA 11(3)); Abeler, Nosenzo & Raymond's meta-analysis (2019,
  Econometrica 87(4)) finds that people forgo most of the potential gains from lying.
  The type is drawn when an employee is hired and never changes.
- **Felt fairness** ``F`` in [-1, 1] (0: treated as one expects).  After each pay period
  it moves ``FAIRNESS_ADJUSTMENT`` of the way toward a target made of, each in
  [-1, 1]: pay against the pay reference point (felt with loss aversion,
  ``pay_reference.py``), pay below the team's median (only disadvantageous inequality
  counts), how arbitrary the pay looks (a forced ranking: pay that depends on others'
  numbers, not on one's own work), and the employee's own equity sensitivity (a fixed
  offset, N(0, ``behavior.equity_sensitivity_sd``): some people feel short-changed by the
  same treatment, Huseman, Hatfield & Miles 1987, Acad. Manage. Rev. 12(2)).  Felt
  fairness scales the moral cost of gaming (effective integrity x
  ``1 + behavior.fairness_sensitivity x F``): people who feel badly treated find
  cheating easier to justify (Greenberg 1990, J Appl Psychol 75(5): theft rose during a
  pay cut and less so where the cut was explained), and people who feel well
  treated repay it (Akerlof 1982 gift exchange; Fehr, Kirchsteiger & Riedl 1993).  It
  also enters morale (``pay_period._morale``'s fairness term): unfairness lowers job
  satisfaction, so low morale and gaming share a cause rather than pay causing both.
- **Gift.** ``transition.gift_share`` of a month's salary paid unconditionally at
  rollout raises felt fairness at once by the gift over ``PAY_SCALE`` (saturating at 1);
  the boost fades as fairness moves back to its target (half each period).  Gift effects
  fade fast in the field (Gneezy & List 2006, Econometrica 74(5): within hours; Kube,
  Maréchal & Puppe 2012, AER 102(4): money gifts weaker than in-kind ones).

Directions are cited; strengths are uncertain (configs/uncertainty/default.yaml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..config import BehaviorConfig, SchemeConfig
    from .employee import Employee

#: Felt fairness moves this share of the way to its target each pay period (as morale).
FAIRNESS_ADJUSTMENT = 0.5
#: Pay 10 % of salary above (below) what one expects, or than the team's median, saturates
#: its term (as morale's pay surprise).
PAY_SCALE = 0.1
#: Weights of the target's terms: pay against expectation, against peers, arbitrariness.
WEIGHTS = (0.4, 0.3, 0.3)
#: Bounds of the fairness multiplier of integrity.
INTEGRITY_FACTOR_BOUNDS = (0.1, 2.0)
#: Key of the random stream of types and equity sensitivity (``SeedSequence`` spawn key,
#: with the employee's id): drawn apart from the model's main stream, so adding types
#: does not reshuffle every other draw of a run (``web.CHANNEL_STREAM`` is 11).
TYPE_STREAM = 12
#: Type labels of the employee table's ``type`` column.
NEVER_GAMES, MAY_GAME = "never_games", "may_game"


def assign(emp: Employee, seed: int, behavior: BehaviorConfig) -> None:
    """Draw a new employee's type and equity sensitivity (felt fairness starts neutral
    plus that offset), from a stream of the run's seed and the employee's id.

    Parameters
    ----------
    emp : Employee
        The new employee (changed in place; its ``unique_id`` keys the draw).
    seed : int
        The run's seed.
    behavior : BehaviorConfig
        ``never_game_share`` and ``equity_sensitivity_sd``.
    """
    rng = np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(TYPE_STREAM, int(emp.unique_id)))
    )
    emp.never_game = bool(rng.random() < behavior.never_game_share)
    emp.equity_bias = float(rng.normal(0.0, behavior.equity_sensitivity_sd))
    emp.fairness = float(np.clip(emp.equity_bias, -1.0, 1.0))


def never_games(staff: list[Employee]) -> np.ndarray:
    """Which employees are of the never-gaming type (bool, in ``staff`` order).

    Parameters
    ----------
    staff : list of Employee
        The employees.
    """
    return np.array([s.never_game for s in staff], dtype=bool)


def type_label(emp: Employee) -> str:
    """The employee's type as written in the employee table.

    Parameters
    ----------
    emp : Employee
        The employee.
    """
    return NEVER_GAMES if emp.never_game else MAY_GAME


def target(
    staff: list[Employee],
    *,
    felt_pay: np.ndarray,
    gain: np.ndarray,
    scheme: SchemeConfig,
    bottom: np.ndarray,
) -> np.ndarray:
    """The felt fairness each employee moves toward this period, in [-1, 1].

    Parameters
    ----------
    staff : list of Employee
        The team's seated employees (``equity_bias`` is read).
    felt_pay : numpy.ndarray
        Pay as felt against the reference point, share of salary (``pay_reference.felt``).
    gain : numpy.ndarray
        Pay above the old salary this period, share of salary.
    scheme : SchemeConfig
        The scheme (a forced ranking is felt as arbitrary).
    bottom : numpy.ndarray
        In the forced-ranking bottom this period (bool).
    """
    w_expected, w_peers, w_arbitrary = WEIGHTS
    expected = np.clip(felt_pay / PAY_SCALE, -1.0, 1.0)
    # only pay below the peers' counts (disadvantageous inequality; advantageous
    # inequality is felt far less: Loewenstein, Thompson & Bazerman 1989; Fehr & Schmidt 1999)
    peers = np.clip((gain - np.median(gain)) / PAY_SCALE, -1.0, 0.0)
    # a forced ranking pays by others' numbers: arbitrary for the bottom, a risk for all
    arbitrary = np.zeros(len(staff))
    if scheme.forced_ranking:
        arbitrary = np.where(bottom, 1.0, scheme.forced_ranking_bottom)
    bias = np.array([s.equity_bias for s in staff])
    return np.clip(
        bias + w_expected * expected + w_peers * peers - w_arbitrary * arbitrary, -1.0, 1.0
    )


def update(staff: list[Employee], aim: np.ndarray) -> np.ndarray:
    """Felt fairness after the period: ``FAIRNESS_ADJUSTMENT`` of the way to ``aim``.

    Parameters
    ----------
    staff : list of Employee
        The employees (their ``fairness`` before the period).
    aim : numpy.ndarray
        The target (:func:`target`), in [-1, 1].
    """
    now = np.array([s.fairness for s in staff])
    return now + FAIRNESS_ADJUSTMENT * (aim - now)


def integrity_factor(fairness: np.ndarray, sensitivity: float) -> np.ndarray:
    """Multiplier of integrity (the moral cost of gaming) by felt fairness:
    ``1 + sensitivity x F``, bounded by ``INTEGRITY_FACTOR_BOUNDS``.

    Parameters
    ----------
    fairness : numpy.ndarray
        Felt fairness, in [-1, 1].
    sensitivity : float
        ``behavior.fairness_sensitivity``.
    """
    return np.clip(1.0 + sensitivity * fairness, *INTEGRITY_FACTOR_BOUNDS)


def give(staff: list[Employee], gift_share: float, months_per_period: float) -> float:
    """Pay each employee ``gift_share`` of a month's salary, unconditionally, and raise
    its felt fairness by the gift over ``PAY_SCALE`` (as a share of the period's
    salary; saturating at 1).  Returns the money paid, currency units.

    Parameters
    ----------
    staff : list of Employee
        The employees given the gift (changed in place).
    gift_share : float
        ``transition.gift_share``: share of a month's salary.
    months_per_period : float
        Months in a pay period (the gift as a share of the period's salary is
        ``gift_share / months_per_period``).
    """
    if gift_share <= 0:
        return 0.0
    boost = gift_share / max(months_per_period, 1e-9) / PAY_SCALE
    for s in staff:
        s.fairness = float(min(1.0, s.fairness + boost))
    return float(sum(gift_share * s.salary_annual / 12.0 for s in staff))
