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
from .call_rules import ANSWER_NOISE, BAD, TOP2, response_p
from .customers import Customers, extra_churn_step

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
    d = day
    c = customers
    k = cust.shape[0]
    if k == 0:
        z = np.zeros(0, bool)
        return z, z, z
    bad = xp < BAD
    row["contacts"] = row.get("contacts", 0) + k
    row["repeat_contacts"] = row.get("repeat_contacts", 0) + int((attempt > 1).sum())
    row["xp_top2"] = row.get("xp_top2", 0) + int((xp >= TOP2).sum())
    row["effort_sum"] = row.get("effort_sum", 0.0) + float(eff.sum())
    row["bad_experiences"] = row.get("bad_experiences", 0) + int(bad.sum())
    comp_p = c.complaint_propensity[cust] * np.where(bad, COMPLAINT_IF_BAD, COMPLAINT_IF_NOT_BAD)
    if give_up is not None:
        comp_p = np.where(give_up, np.minimum(1.0, comp_p * COMPLAINT_GIVE_UP_FACTOR), comp_p)
    complained = rng.random(k) < comp_p
    row["complaints"] = row.get("complaints", 0) + int(complained.sum())
    # the company's random relationship survey samples every kind of contact
    sampled = rng.random(k) < survey_rate
    rnd = sampled & (rng.random(k) < response_p(c.survey_propensity[cust], xp))
    rnd_top2 = rnd & (xp + rng.normal(0.0, ANSWER_NOISE, k) >= TOP2)
    row["rnd_sampled"] = row.get("rnd_sampled", 0) + int(sampled.sum())
    row["rnd_surveys"] = row.get("rnd_surveys", 0) + int(rnd.sum())
    row["rnd_top2"] = row.get("rnd_top2", 0) + int(rnd_top2.sum())
    # one churn pathway: experience and effort move loyalty, the hazard follows loyalty
    before = c.loyalty[cust]
    step = loyalty_change(cfg, c.base_daily_hazard * DAYS_PER_YEAR, xp, eff)
    after = np.clip(before + step, 0.0, 1.0).astype(np.float32)
    c.loyalty[cust] = after
    moved = after - before
    row["loyalty_down"] = row.get("loyalty_down", 0) + int((moved < -LOYALTY_NOTICE).sum())
    row["loyalty_up"] = row.get("loyalty_up", 0) + int((moved > LOYALTY_NOTICE).sum())
    c.schedule_churn(cust, d)
    return complained, rnd, rnd_top2
