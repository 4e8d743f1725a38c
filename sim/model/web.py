"""The web channel and the way to the phone: routing a day's contacts, web
self-service, escalations, and what customers know about where the number is.

The company's phone visibility (``model.phone_visibility``, read every day, so a
manager may change it mid-run) is one of ``LEVELS``: ``visible`` (published on every
page), ``one_click`` (behind a Help link) or ``hidden`` (buried).  A customer who does
not remember where a non-visible number is must search for it: they find it with
probability 1 - miss x (1 - digital skill) (``channels.one_click_miss`` /
``hidden_miss``), at a search effort in CES points (``*_search_effort``).

- A phone-first customer who knows where the number is calls; one who does not searches,
  calls if they find it and otherwise falls back on web self-service.
- Web self-service succeeds with a probability rising with digital skill and falling
  with the issue's complexity.  A failed web user who knows or finds the number calls
  the same day; one who cannot find it gives up, unresolved.
- Memory: a customer learns where the number is whenever they see it (on any contact
  while it is visible), find it, or call; they forget it after an exponential time of
  mean ``channels.number_memory_days``.  Word of mouth: each day each active customer
  hears it from others at rate ``channels.number_word_of_mouth`` a year times the share
  of the base who know it.  Memory lives in ``Customers.number_forget_day``, so it
  survives a change of level.

Every contact's experience and effort come from the one rule in ``call_rules``
(outcome, effort spent, earlier attempts); give-ups included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import ChannelsConfig, ConfigError
from ..units import DAYS_PER_YEAR
from . import customers_kernel as ck
from . import experience
from . import web_kernel as wk
from .contacts import CHOICE, PHONE, WEB, Contacts
from .customers import Customers

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .ledgers import DayRecord

#: The phone-visibility levels, most visible first.
LEVELS = ("visible", "one_click", "hidden")
#: Highest probability that self-service resolves an issue.
WEB_SUCCESS_CAP = 0.95
#: Own effort points (CES) of a web session, before search, carry and earlier attempts:
#: a session that resolves the issue, one that fails.
EFFORT_WEB_RESOLVED = 0.5
EFFORT_WEB_FAILED = 2.0
#: Effort carried into the phone call by switching channel after a failed session.
CARRY_SWITCH = 1.0
#: Spawn key of the channel mechanism's own random stream (searching, memory, word of
#: mouth): the other sub-models' draws do not depend on the visibility level.
CHANNEL_STREAM = 11


def visibility_from_config(ch: ChannelsConfig) -> str:
    """The level in force on day 0: ``channels.phone_visibility`` (checked).

    Parameters
    ----------
    ch:
        The channels configuration (``channels.*``).
    """
    return check_level(ch.phone_visibility)


def check_level(level: str) -> str:
    """``level`` if it is one of ``LEVELS``, else a :class:`ConfigError`.

    Parameters
    ----------
    level:
        A phone-visibility level to check.
    """
    if level not in LEVELS:
        allowed = ", ".join(repr(x) for x in LEVELS)
        raise ConfigError(f"phone_visibility={level!r} is not allowed: choose one of {allowed}")
    return level


def channel_rng(seed: int) -> np.random.Generator:
    """The channel mechanism's random stream, derived from the run's seed.

    Parameters
    ----------
    seed:
        The run's seed.
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(CHANNEL_STREAM,)))


# ------------------------------------------------------------------ knowing the number
def learn(
    rng: np.random.Generator, c: Customers, cust: np.ndarray, d: int, ch: ChannelsConfig
) -> None:
    """Customers ``cust`` see or use the number on day ``d``: each remembers it for an
    exponential time of mean ``number_memory_days`` from today, or longer if an earlier
    memory lasts longer (seeing it again never makes one forget sooner).

    Parameters
    ----------
    rng:
        The channel mechanism's random stream (``channel_rng``).
    c:
        The customer population (``number_forget_day`` is updated).
    cust:
        Rows of the customers who see or use the number.
    d:
        Today (working day index).
    ch:
        The channels configuration (``channels.*``).
    """
    if cust.shape[0] == 0:
        return
    keep = rng.exponential(ch.number_memory_days, cust.shape[0])
    ck.remember_number(c.number_forget_day, cust, keep, d, np.empty(cust.shape[0], np.int32))


def seed_memory(rng: np.random.Generator, c: Customers, ch: ChannelsConfig) -> None:
    """The starting base has lived with a visible number: a customer whose issues came
    at rate r a day, each showing the number, remembers it with the two-state
    stationary probability r tau / (1 + r tau), tau = ``number_memory_days``.

    Parameters
    ----------
    rng:
        The channel mechanism's random stream (``channel_rng``).
    c:
        The customer population.
    ch:
        The channels configuration (``channels.*``).
    """
    idx = np.flatnonzero(c.starter[: c.n_used])
    rt = c.issue_rate[idx].astype(np.float64) * ch.number_memory_days
    knows = rng.random(idx.shape[0]) < rt / (1.0 + rt)
    learn(rng, c, idx[knows], 0, ch)


def knows(c: Customers, cust: np.ndarray, d: int) -> np.ndarray:
    """Whether each customer remembers where the number is on day ``d``.

    Parameters
    ----------
    c:
        The customer population.
    cust:
        Customer rows.
    d:
        Today (working day index).
    """
    return c.number_forget_day[cust] > d


def known_share(c: Customers, d: int) -> float:
    """Share of the active base who remember where the number is on day ``d`` (a
    customer who leaves forgets: ``Customers.churn_today``).

    Parameters
    ----------
    c:
        The customer population.
    d:
        Today (working day index).
    """
    total = c.active_count()
    return ck.count_after(c.number_forget_day, c.n_used, d) / total if total else 0.0


def word_of_mouth(rng: np.random.Generator, c: Customers, d: int, ch: ChannelsConfig) -> int:
    """Customers who hear where the number is from others today (Poisson, rate
    ``number_word_of_mouth`` a year x the share who know it, per active customer);
    returns how many heard it.

    Parameters
    ----------
    rng:
        The channel mechanism's random stream (``channel_rng``).
    c:
        The customer population.
    d:
        Today (working day index).
    ch:
        The channels configuration (``channels.*``).
    """
    rate = ch.number_word_of_mouth / DAYS_PER_YEAR * known_share(c, d)
    k = int(rng.poisson(rate * c.active_count()))
    if k == 0:
        return 0
    # k active customers at random: uniform rows, the churned rejected
    n = c.n_used
    rows = rng.integers(0, n, int(k * n / max(c.active_count(), 1) * 1.2) + 16)
    rows = rows[c.active[rows]][:k]
    learn(rng, c, rows, d, ch)
    return int(rows.shape[0])


def find_prob(level: str, skill: np.ndarray, ch: ChannelsConfig) -> np.ndarray:
    """Probability that a customer searching for the number finds it.

    Parameters
    ----------
    level:
        The phone-visibility level in force (``LEVELS``).
    skill:
        Each searcher's digital skill, 0-1.
    ch:
        The channels configuration (``channels.*``).
    """
    miss = {"visible": 0.0, "one_click": ch.one_click_miss, "hidden": ch.hidden_miss}[level]
    return 1.0 - miss * (1.0 - skill)


def search_effort(level: str, ch: ChannelsConfig) -> float:
    """Effort points (CES) one search for the number costs.

    Parameters
    ----------
    level:
        The phone-visibility level in force (``LEVELS``).
    ch:
        The channels configuration (``channels.*``).
    """
    return {
        "visible": 0.0,
        "one_click": ch.one_click_search_effort,
        "hidden": ch.hidden_search_effort,
    }[level]


def search(
    rng: np.random.Generator,
    c: Customers,
    cust: np.ndarray,
    looks: np.ndarray,
    *,
    level: str,
    ch: ChannelsConfig,
    d: int,
) -> np.ndarray:
    """Mask of the searchers (``looks``) who find the number; those who do not are
    marked (``Customers.number_missed_day``).

    Parameters
    ----------
    rng:
        The channel mechanism's random stream (``channel_rng``).
    c:
        The customer population (``number_missed_day`` is updated).
    cust:
        Customer row of each contact.
    looks:
        Mask of the contacts whose customer searches.
    level:
        The phone-visibility level in force (``LEVELS``).
    ch:
        The channels configuration (``channels.*``).
    d:
        Today (working day index).
    """
    p = find_prob(level, c.digital_skill[cust], ch)
    found = looks & (rng.random(looks.shape[0]) < p)
    c.number_missed_day[cust[looks & ~found]] = d
    return found


# ------------------------------------------------------------------ routing and the web
def route(
    rng: np.random.Generator,
    todays: Contacts,
    c: Customers,
    *,
    level: str,
    ch: ChannelsConfig,
    d: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Today's routing: masks (to the web, searched for the number, found it).  The
    searchers' effort is added to their contacts' carry.

    Parameters
    ----------
    rng:
        The channel mechanism's random stream (``channel_rng``).
    todays:
        Today's contacts (their ``carry`` gains the search effort).
    c:
        The customer population.
    level:
        The phone-visibility level in force (``LEVELS``).
    ch:
        The channels configuration (``channels.*``).
    d:
        Today (working day index).
    """
    choice = todays.route == CHOICE
    prefers = c.prefers_web[todays.cust]
    to_web = (todays.route == WEB) | (choice & prefers)
    none = np.zeros(len(todays), bool)
    if level == "visible":
        return to_web, none, none
    looks = choice & ~prefers & ~knows(c, todays.cust, d)
    found = search(rng, c, todays.cust, looks, level=level, ch=ch, d=d)
    todays.carry = todays.carry + search_effort(level, ch) * looks
    return to_web | (looks & ~found), looks, found


@dataclass
class WebOutcome:
    """Masks and figures of a day's web sessions (one row each)."""

    resolved: np.ndarray
    escalate: np.ndarray
    give_up: np.ndarray
    looked: np.ndarray  # searched for the number after failing
    found: np.ndarray
    xp: np.ndarray  # experience, 0-10
    effort: np.ndarray  # CES 1-7
    search: np.ndarray  # search effort points spent after failing


def web_outcomes(
    rng: np.random.Generator,
    crng: np.random.Generator,
    web: Contacts,
    c: Customers,
    *,
    level: str,
    ch: ChannelsConfig,
    d: int,
) -> WebOutcome:
    """Each web session's outcome: self-service, then - on failure - the way to the
    phone (known, found, or given up); experience and effort by the shared rule.

    Parameters
    ----------
    rng:
        The model's random generator (self-service, experience noise).
    crng:
        The channel stream (searching after a failure).
    web:
        Today's web sessions.
    c:
        The customer population.
    level:
        The phone-visibility level in force (``LEVELS``).
    ch:
        The channels configuration (``channels.*``).
    d:
        Today (working day index).
    """
    m = len(web)
    # the draws (the search's on the channel stream), then one pass (``web_kernel``)
    draws = rng.random(m), rng.normal(0.0, 1.0, m), crng.random(m)
    miss = {"visible": 0.0, "one_click": ch.one_click_miss, "hidden": ch.hidden_miss}[level]
    effort = EFFORT_WEB_RESOLVED, EFFORT_WEB_FAILED, level == "visible", search_effort(level, ch)
    rules = (np.float32(ch.web_success_base), np.float32(miss), WEB_SUCCESS_CAP, *effort, d)
    out = WebOutcome(*(np.empty(m, bool) for _ in range(5)), *(np.empty(m) for _ in range(3)))
    wk.web_sessions(
        (web.cust, web.cx**-0.5, web.attempt, web.carry),
        draws,
        (c.digital_skill, c.number_forget_day, c.number_missed_day),
        rules,
        tuple(vars(out).values()),  # the fields in order
    )
    return out


def escalations(web: Contacts, out: WebOutcome) -> Contacts:
    """The phone calls of failed web sessions (one more attempt; the switch and any
    search carried as effort).

    Parameters
    ----------
    web:
        Today's web sessions.
    out:
        Their outcomes (``WebOutcome``).
    """
    esc = web.take(out.escalate)
    esc.attempt = esc.attempt + 1
    esc.reached = esc.reached + 1  # the web session reached the centre
    esc.route = np.full(len(esc), PHONE, np.int8)
    esc.carry = esc.carry + CARRY_SWITCH + out.search[out.escalate]
    return esc


def channel_day(model: ContactCentreModel, todays: Contacts, d: int, row: DayRecord) -> Contacts:
    """Route today's contacts under today's visibility, run web self-service, keep
    customers' memory of the number; return the day's phone calls.

    Parameters
    ----------
    model:
        The centre (read: the visibility in force, the channel stream, the customers).
    todays:
        Today's contacts (new issues and those due today).
    d:
        Today (working day index).
    row:
        Today's record.
    """
    ch, c, crng = model.cfg.channels, model.customers, model.channel_rng
    level = check_level(model.phone_visibility)
    row["phone_visibility"] = level
    row["number_heard"] = word_of_mouth(crng, c, d, ch)
    to_web, looks, found = route(crng, todays, c, level=level, ch=ch, d=d)
    if level == "visible":
        learn(crng, c, todays.cust, d, ch)  # the number is on every page they see
    phone = todays.take(~to_web)
    web = todays.take(to_web)
    row["web_sessions"] = len(web)
    searches, finds = int(looks.sum()), int(found.sum())
    if len(web):
        out = web_outcomes(model.rng, crng, web, c, level=level, ch=ch, d=d)
        row["web_resolved"] = int(out.resolved.sum())
        first = web.reached == 0  # issue-level FCR (the phone side: phone_booking.book_day)
        row["issues_new"] = row.get("issues_new", 0) + int(first.sum())
        row["issues_first_resolved"] = row.get("issues_first_resolved", 0) + int(
            (first & out.resolved).sum()
        )
        row["web_escalated"] = int(out.escalate.sum())
        row["give_ups"] = int(out.give_up.sum())
        experience.book_experience(
            model.rng,
            c,
            model.cfg.customers,
            web.cust,
            out.xp,
            out.effort,
            day=d,
            row=row,
            attempt=web.attempt,
            survey_rate=model.scheme.survey_sample_rate,
            give_up=out.give_up,
        )
        searches += int(out.looked.sum())
        finds += int(out.found.sum())
        phone = Contacts.concat([phone, escalations(web, out)])
    learn(crng, c, phone.cust, d, ch)  # callers use the number
    row["number_searches"] = searches
    row["number_found"] = finds
    row["number_known_share"] = known_share(c, d)
    return phone
