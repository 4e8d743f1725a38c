"""What a contact's true experience does to its customer.

Every contact, on any channel, ends here: its experience (0-10) and effort (CES 1-7)
are booked in the true ledger; they move the customer's loyalty (and with it the churn
hazard, ``Customers.hazard``), may turn into a complaint, may be sampled by the company's
random relationship survey, and a bad experience may make the customer decide to leave.
"""

from __future__ import annotations

import numpy as np

from ..config import CustomersConfig
from .call_rules import ANSWER_NOISE, BAD, RANDOM_SURVEY_RATE, TOP2, response_p
from .customers import Customers

#: Complaint probability per unit of complaint propensity: a bad experience doubles
#: it; an ordinary contact rarely turns into one.
COMPLAINT_IF_BAD = 2.0
COMPLAINT_IF_NOT_BAD = 0.05
#: A customer who gave up without reaching anyone complains twice as often again.
COMPLAINT_GIVE_UP_FACTOR = 2.0
#: Loyalty change per experience point above a neutral 6.5 (0-10 scale) and per effort
#: point above an easy 2 (CES 1-7): a top experience (+3.5) adds about 0.05 to loyalty.
LOYALTY_PER_XP = 0.015
NEUTRAL_XP = 6.5
LOYALTY_PER_EFFORT = 0.01
EASY_EFFORT = 2.0
#: Cap of the churn spike after bad experiences, in multiples of ``churn_after_bad``
#: (PwC 2018: 17% leave after one bad experience, 59% after several).
BAD_SPIKE_CAP = 3.5
#: Daily probability that a customer who decided to leave goes, from the day after the
#: decision (so they leave on average 1 + 1/0.2 = 6 working days after it).
LEAVE_DAILY_P = 0.2


def book_experience(
    rng: np.random.Generator,
    customers: Customers,
    cfg: CustomersConfig,
    cust: np.ndarray,
    xp: np.ndarray,
    eff: np.ndarray,
    d: int,
    row: dict,
    attempt: np.ndarray,
    give_up: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Book contacts' true experience and let it move loyalty, complaints, churn.

    Returns masks: complaints, answers to the random survey, and their top-2-box."""
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
    sampled = rng.random(k) < RANDOM_SURVEY_RATE
    rnd = sampled & (rng.random(k) < response_p(c.survey_propensity[cust], xp))
    rnd_top2 = rnd & (xp + rng.normal(0.0, ANSWER_NOISE, k) >= TOP2)
    row["rnd_sampled"] = row.get("rnd_sampled", 0) + int(sampled.sum())
    row["rnd_surveys"] = row.get("rnd_surveys", 0) + int(rnd.sum())
    row["rnd_top2"] = row.get("rnd_top2", 0) + int(rnd_top2.sum())
    loy = (
        c.loyalty[cust]
        + LOYALTY_PER_XP * (xp - NEUTRAL_XP)
        - LOYALTY_PER_EFFORT * (eff - EASY_EFFORT)
    )
    c.loyalty[cust] = np.clip(loy, 0.0, 1.0).astype(np.float32)
    c.schedule_churn(cust, d)
    # churn spike after a bad experience (PwC 2018), rising with repeated bad ones
    bc = c.bad_count[cust]
    cap = min(1.0, BAD_SPIKE_CAP * cfg.churn_after_bad)
    p = np.where(bad, np.minimum(cap, cfg.churn_after_bad * (1.0 + bc)), 0.0)
    p = p + cfg.churn_effort_sensitivity * (eff - 1.0) / 6.0
    leave = rng.random(k) < p
    c.bad_count[cust] = bc + bad
    if leave.any():
        lc = cust[leave]
        when = d + 1 + rng.geometric(LEAVE_DAILY_P, lc.shape[0])
        c.leave_day[lc] = np.minimum(c.leave_day[lc], when).astype(np.int32)
    return complained, rnd, rnd_top2
