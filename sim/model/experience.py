"""What a contact's true experience does to its customer.

Every contact, on any channel, ends here: its experience (0-10) and effort (CES 1-7)
are booked in the true ledger; they move the customer's loyalty (and with it the churn
hazard, ``Customers.hazard``: the only way experience reaches churn), may turn into a
complaint and may be sampled by the company's random relationship survey.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..config import CustomersConfig
from ..units import DAYS_PER_YEAR
from . import customers_kernel as ck
from . import phone_kernel as pk
from .call_rules import ANSWER_NOISE, BAD, TOP2, response_p
from .customers import Customers
from .customers_calibration import extra_churn_step

if TYPE_CHECKING:
    from .ledgers import DayRecord

#: Complaint probability per unit of complaint propensity: a bad experience doubles
#: it; an ordinary contact rarely turns into one.
COMPLAINT_IF_BAD = 2.0
COMPLAINT_IF_NOT_BAD = 0.05
#: A customer who gave up without reaching anyone complains twice as often again.
COMPLAINT_GIVE_UP_FACTOR = 2.0
#: The experience -> loyalty step is measured from a neutral experience (0-10 scale) and
#: an easy contact (CES 1-7); a bad experience is one at ``BAD`` or below, the hardest
#: contact has effort ``MAX_EFFORT``.  The neutral point is what a customer expects of an
#: ordinary, competent contact: a contact that merely gets by (an unresolved first call
#: with average courtesy scores about 7.0) costs a little loyalty (modelling assumption;
#: CEB: service contacts are about four times as likely to make customers disloyal as
#: loyal, Dixon, Freeman & Toman 2010, HBR).
NEUTRAL_XP = 8.25
EASY_EFFORT = 2.0
MAX_EFFORT = 7.0
#: A contact "moves loyalty noticeably" when it changes it by more than this (loyalty
#: units; x ``churn_loyalty_sensitivity`` 4 = a hazard 8 % higher or lower): the
#: threshold of the daily ``loyalty_down`` / ``loyalty_up`` counts.
LOYALTY_NOTICE = 0.02

#: The rules' constants as ``customers_kernel.book_contacts`` takes them (``K_*``).
_CONSTS = np.array([BAD, TOP2, COMPLAINT_IF_BAD, COMPLAINT_IF_NOT_BAD, COMPLAINT_GIVE_UP_FACTOR])
#: The day-record keys of the kernel's counts, in its order (``N_*``).
_COUNTS = (
    "repeat_contacts",
    "xp_top2",
    "bad_experiences",
    "complaints",
    "rnd_sampled",
    "rnd_surveys",
    "rnd_top2",
    "loyalty_down",
    "loyalty_up",
)
_ROW_KEYS = ("contacts", "repeat_contacts", "xp_top2", "effort_sum", *_COUNTS[2:])


def loyalty_steps(cfg: CustomersConfig, hazard_year: float) -> tuple[float, float]:
    """Loyalty lost per experience point below ``NEUTRAL_XP`` and per effort point above
    ``EASY_EFFORT`` of a contact (gains weigh 1 / ``loyalty_loss_aversion`` of this).

    Calibrated on behaviour, not on a separate churn spike: a bad experience (``BAD``,
    easy effort) costs the loyalty that would add ``churn_after_bad`` to the customer's
    one-year churn if it lasted the year; a contact at ``MAX_EFFORT`` with a neutral
    experience costs the loyalty that would add ``churn_effort_sensitivity``.  The loss
    then fades (``Customers.fade``).  ``hazard_year``: annual churn hazard of a customer
    of mean loyalty.

    Parameters
    ----------
    cfg:
        The customers' configuration.
    hazard_year:
        Annual churn hazard of a customer of mean loyalty, 1/year.
    """
    per_xp = extra_churn_step(cfg, hazard_year, cfg.churn_after_bad) / (NEUTRAL_XP - BAD)
    per_eff = extra_churn_step(cfg, hazard_year, cfg.churn_effort_sensitivity) / (
        MAX_EFFORT - EASY_EFFORT
    )
    return per_xp, per_eff


#: The last configuration's ``loyalty_steps`` (the same all run long; a few scalar
#: logs per contact batch otherwise): (configuration, annual hazard, steps)
_LAST_STEPS: list = [None, None, None]


def _steps(cfg: CustomersConfig, hazard_year: float) -> tuple[float, float]:
    """:func:`loyalty_steps`, remembered for the configuration object last asked about
    (held, so its identity is not reused)."""
    last = _LAST_STEPS
    if last[0] is not cfg or last[1] != hazard_year:
        last[:] = [cfg, hazard_year, loyalty_steps(cfg, hazard_year)]
    return last[2]


def loyalty_change(
    cfg: CustomersConfig, hazard_year: float, xp: np.ndarray, eff: np.ndarray
) -> np.ndarray:
    """Loyalty change of each contact before clipping to [0, 1]: the signal
    a (xp - ``NEUTRAL_XP``) - b (effort - ``EASY_EFFORT``) (a, b from
    :func:`loyalty_steps`), divided by ``loyalty_loss_aversion`` when positive (a gain
    weighs less than an equal loss; Mittal, Ross & Baldasare 1998).

    Parameters
    ----------
    cfg:
        The customers' configuration.
    hazard_year:
        Annual churn hazard of a customer of mean loyalty, 1/year.
    xp:
        True experience of each contact, 0-10.
    eff:
        True effort of each contact, CES 1-7.
    """
    per_xp, per_eff = loyalty_steps(cfg, hazard_year)
    signal = per_xp * (xp - NEUTRAL_XP) - per_eff * (eff - EASY_EFFORT)
    return np.where(signal > 0, signal / cfg.loyalty_loss_aversion, signal)


def book_experience(
    rng: np.random.Generator,
    customers: Customers,
    cfg: CustomersConfig,
    cust: np.ndarray,
    xp: np.ndarray,
    eff: np.ndarray,
    *,
    day: int,
    row: DayRecord,
    attempt: np.ndarray,
    survey_rate: float,
    give_up: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Book contacts' true experience and let it move loyalty, complaints, churn (the
    one place every contact, on any channel, is booked).

    Parameters
    ----------
    rng:
        The model's random generator.
    customers:
        The customer population (loyalty and churn day are updated).
    cfg:
        The customers' configuration.
    cust:
        Customer row of each contact.
    xp:
        True experience of each contact, 0-10.
    eff:
        True effort of each contact, CES 1-7.
    day:
        Today (working day index).
    row:
        Today's record (the true ledger's day totals).
    attempt:
        Contacts of the issue so far, this one included.
    survey_rate:
        Share of contacts the random relationship survey samples
        (``scheme.survey_sample_rate``).
    give_up:
        Mask of contacts that gave up without reaching anyone (they complain more).

    Returns
    -------
    Masks: complaints, answers to the random survey, and their top-2-box.
    """
    c = customers
    k = cust.shape[0]
    if k == 0:
        z = np.zeros(0, bool)
        return z, z, z
    xp = np.asarray(xp, np.float64)
    # the model's draws, in the order the rules use them
    draws = (rng.random(k), rng.random(k), rng.random(k), rng.normal(0.0, ANSWER_NOISE, k))
    hazard_year = c.base_daily_hazard * DAYS_PER_YEAR
    if eff.dtype == np.float64:  # both rules in one compiled pass (phone_kernel)
        resp, step = np.empty(k), np.empty(k)
        steps = (*_steps(cfg, hazard_year), cfg.loyalty_loss_aversion, NEUTRAL_XP, EASY_EFFORT)
        pk.contact_terms(c.survey_propensity, cust, xp, eff, steps, resp, step)
    else:
        resp = response_p(c.survey_propensity[cust], xp)
        step = loyalty_change(cfg, hazard_year, xp, eff)
    hz_k, hz_m = c.hz32[:2]
    # numpy compared the float32 loyalty change with the notice in float32
    steps = (survey_rate, np.float32(LOYALTY_NOTICE), hz_k, hz_m)
    ex = c.scratch(k)[0]
    masks = (np.empty(k, bool), np.empty(k, bool), np.empty(k, bool))
    counts = np.zeros(len(_COUNTS), np.int64)
    ck.book_contacts(
        cust,
        xp,
        attempt,
        np.zeros(0, bool) if give_up is None else give_up,
        draws,
        (np.asarray(resp, np.float64), np.asarray(step, np.float64)),
        (c.complaint_propensity, c.loyalty, ex),
        steps,
        _CONSTS,
        (*masks, counts),
    )
    n = dict(zip(_COUNTS, counts.tolist(), strict=True))
    n["contacts"] = k
    for key in _ROW_KEYS:  # the record's keys in their order of old
        if key == "effort_sum":
            row[key] = row.get(key, 0.0) + float(eff.sum())
        else:
            row[key] = row.get(key, 0) + n[key]
    # one churn pathway: experience and effort moved loyalty, the hazard follows loyalty
    # (``Customers.schedule_churn``, from the hazard exponents the kernel left in ``ex``)
    c.churn_days_from(ex, day, cust)
    return masks
