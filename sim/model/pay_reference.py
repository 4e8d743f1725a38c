"""The pay reference point: what an employee has come to expect, and how pay is felt.

Morale's pay term is reference-dependent (Kahneman & Tversky 1979): pay above the
employee's reference point is felt as a gain, pay below it as a loss, and a loss weighs
``behavior.loss_aversion`` times as much as a gain of the same size (Tversky & Kahneman
1992, cumulative prospect theory: lambda ~ 2.25).  The reference point adapts: after each
pay period it moves ``behavior.pay_reference_adaptation`` of the way toward the pay just
received (an exponentially weighted average of past pay, an adaptation level; the speed
is uncertain, see docs/calibration.md).

Pay is counted as a share of the period's salary *above* the salary the employee had
before the run: the bonus (plus any transition top-up) minus, under budget-neutral
funding (``bonus_funding: from_base``), the base pay withheld to fund it.  So a new bonus
on top of an unchanged salary is a gain, and a habitual bonus that disappears is a loss
until the reference has adapted to its absence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..config import SchemeConfig

#: The bonus an employee expects from a scheme it has not yet been paid under, as a share
#: of the on-target bonus (``bonus_share``): the on-target bonus itself, which is what a
#: pay plan's on-target earnings promise.  It also sizes the base cut of
#: ``bonus_funding: from_base``.
EXPECTED_BONUS_SHARE = 1.0


def base_cut_share(scheme: SchemeConfig) -> float:
    """Share of salary withheld from base pay to fund the bonus (``from_base``), else 0.

    Parameters
    ----------
    scheme : SchemeConfig
        The scheme (its ``bonus_share`` and ``bonus_funding``).
    """
    if scheme.bonus_funding == "from_base":
        return EXPECTED_BONUS_SHARE * scheme.bonus_share
    return 0.0


def expected_gain(scheme: SchemeConfig) -> float:
    """Pay above the old salary that a scheme is expected to bring, share of salary
    (the expected bonus minus the base cut): what a new hire, or a clear announcement,
    sets the reference point to.

    Parameters
    ----------
    scheme : SchemeConfig
        The scheme (its ``bonus_share`` and ``bonus_funding``).
    """
    return EXPECTED_BONUS_SHARE * scheme.bonus_share - base_cut_share(scheme)


def felt(gain: np.ndarray, reference: np.ndarray, loss_aversion: float) -> np.ndarray:
    """Felt value of this period's pay (share of salary): gains count once, losses
    ``loss_aversion`` times (a piecewise-linear prospect-theory value function).

    Parameters
    ----------
    gain : numpy.ndarray
        Pay above the old salary this period, share of salary.
    reference : numpy.ndarray
        Each employee's pay reference point, share of salary.
    loss_aversion : float
        Weight of a loss relative to a gain of the same size (``behavior.loss_aversion``).
    """
    surprise = gain - reference
    return np.where(surprise >= 0.0, surprise, loss_aversion * surprise)


def adapt(reference: np.ndarray, gain: np.ndarray, rate: float) -> np.ndarray:
    """The reference point after a period: ``rate`` of the way toward the pay received.

    Parameters
    ----------
    reference : numpy.ndarray
        Each employee's pay reference point before the period, share of salary.
    gain : numpy.ndarray
        Pay above the old salary this period, share of salary.
    rate : float
        Share of the gap closed per period (``behavior.pay_reference_adaptation``).
    """
    return reference + rate * (gain - reference)
