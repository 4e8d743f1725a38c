"""Contacts: a batch of customers' issues on their way through the channels.

A contact is one attempt by a customer to get one issue solved.  New issues arrive as a
Poisson process per customer (``Customers.draw_issues``); an unresolved issue comes back
as a repeat contact, with its effort so far carried along.  In validation mode a
stationary Poisson stream of first-attempt phone calls replaces the customers' issues.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import Config, HandlingConfig
from .departments import draw_causes

if TYPE_CHECKING:
    from .customers import Customers

#: Routes of a contact: the customer's own choice of channel, the web, the phone.
CHOICE, WEB, PHONE = 0, 1, 2


@dataclass
class Contacts:
    """A batch of contacts (one row each): who, the issue, and its history so far."""

    cust: np.ndarray  # customer row
    cx: np.ndarray  # issue complexity (needed handling / mean handling)
    attempt: np.ndarray  # contacts for this issue so far, this one included
    carry: np.ndarray  # effort already spent on the issue (CES points)
    route: np.ndarray  # CHOICE, WEB or PHONE
    needs_transfer: np.ndarray  # the issue genuinely needs another team
    reached: np.ndarray  # earlier contacts of the issue that reached the centre (answered
    #                      calls, web sessions): 0 = this may be its first contact
    cause: np.ndarray  # root cause: departments.NONE (the centre's own) or a department

    @staticmethod
    def empty() -> Contacts:
        return Contacts(
            np.empty(0, np.int64),
            np.empty(0),
            np.empty(0, np.int16),
            np.empty(0),
            np.empty(0, np.int8),
            np.empty(0, bool),
            np.empty(0, np.int16),
            np.empty(0, np.int8),
        )

    def __len__(self) -> int:
        return self.cust.shape[0]

    def take(self, mask: np.ndarray | slice) -> Contacts:
        """The contacts selected by ``mask``.

        Parameters
        ----------
        mask:
            Boolean mask, index array or slice of rows.
        """
        if isinstance(mask, np.ndarray) and mask.dtype == np.bool_:
            mask = np.flatnonzero(mask)  # the rows once, not a scan of the mask per column
        return Contacts(
            self.cust[mask],
            self.cx[mask],
            self.attempt[mask],
            self.carry[mask],
            self.route[mask],
            self.needs_transfer[mask],
            self.reached[mask],
            self.cause[mask],
        )

    @staticmethod
    def concat(parts: list[Contacts]) -> Contacts:
        """The batches joined in order (an empty batch when none has a row).

        Parameters
        ----------
        parts:
            Batches of contacts.
        """
        parts = [p for p in parts if len(p)]
        if not parts:
            return Contacts.empty()
        return Contacts(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Contacts.__dataclass_fields__)
        )


def draw_complexity(rng: np.random.Generator, h: HandlingConfig, k: int) -> np.ndarray:
    """Issue complexity (mean 1): lognormal with CV ``handling.cv``, or exponential.

    Parameters
    ----------
    rng:
        The random generator to draw from.
    h:
        The handling configuration.
    k:
        Number of issues.
    """
    if h.dist == "exponential":
        return rng.exponential(1.0, k)
    s2 = math.log(1.0 + h.cv**2)
    return rng.lognormal(-0.5 * s2, math.sqrt(s2), k)


def first_contacts(
    rng: np.random.Generator, cfg: Config, cust: np.ndarray, route: int = CHOICE
) -> Contacts:
    """First contacts of new issues of the customers in ``cust``, each with its root
    cause (``departments.draw_causes``).

    Parameters
    ----------
    rng:
        The random generator to draw from.
    cfg:
        The run's configuration.
    cust:
        Customer row of each new issue.
    route:
        ``CHOICE``, ``WEB`` or ``PHONE``.
    """
    k = cust.shape[0]
    return Contacts(
        cust,
        draw_complexity(rng, cfg.handling, k),
        np.ones(k, np.int16),
        np.zeros(k),
        np.full(k, route, np.int8),
        rng.random(k) < cfg.handling.transfer_needed_rate,
        np.zeros(k, np.int16),
        draw_causes(rng, cfg.departments, k),
    )


def stationary_cust(rng: np.random.Generator, cfg: Config, active: np.ndarray) -> np.ndarray:
    """Validation mode: who calls in a stationary Poisson stream of
    ``demand.calls_per_hour`` over the opening hours (uniform over active customers).

    Parameters
    ----------
    rng:
        The random generator to draw from.
    cfg:
        The run's configuration (``demand.calls_per_hour``, opening hours).
    active:
        Rows of the active customers.
    """
    dem, ch = cfg.demand, cfg.channels
    k = rng.poisson(dem.calls_per_hour * ch.open_s / 3600.0)
    return active[rng.integers(0, active.shape[0], k)] if active.shape[0] else active[:0]


def validation_calls(rng: np.random.Generator, cfg: Config, customers: Customers) -> Contacts:
    """Validation mode's calls of the day: first-attempt phone calls of a stationary
    Poisson stream (``stationary_cust``) over the active customers.

    Parameters
    ----------
    rng:
        The random generator to draw from.
    cfg:
        The run's configuration.
    customers:
        The customer population.
    """
    active = np.flatnonzero(customers.active[: customers.n_used])
    return first_contacts(rng, cfg, stationary_cust(rng, cfg, active), route=PHONE)


def repeat_delay(rng: np.random.Generator, mean_days: float, k: int) -> np.ndarray:
    """Working days until an unresolved issue comes back (geometric, mean ``mean_days``).

    Parameters
    ----------
    rng:
        The random generator to draw from.
    mean_days:
        Mean delay, working days.
    k:
        Number of contacts.
    """
    return rng.geometric(1.0 / mean_days, k)


class ContactBook:
    """Contacts scheduled for later days (repeats, callers who searched for the number)."""

    def __init__(self) -> None:
        self.pending: dict[int, list[Contacts]] = {}

    def schedule(self, day: int, contacts: Contacts) -> None:
        """Schedule ``contacts`` for day ``day``.

        Parameters
        ----------
        day:
            The day they come (working day index).
        contacts:
            The contacts.
        """
        if len(contacts):
            self.pending.setdefault(day, []).append(contacts)

    def schedule_after(self, day: int, contacts: Contacts, delay: np.ndarray) -> None:
        """Schedule each contact ``delay`` days after ``day`` (grouped by delay).

        Parameters
        ----------
        day:
            Today (working day index).
        contacts:
            The contacts.
        delay:
            Working days until each comes.
        """
        order = np.argsort(delay, kind="stable")
        contacts, delay = contacts.take(order), delay[order]
        cuts = (np.flatnonzero(delay[1:] != delay[:-1]) + 1).tolist()
        for a, b in zip([0, *cuts], [*cuts, len(delay)], strict=True):
            self.schedule(day + int(delay[a]), contacts.take(slice(a, b)))

    def due(self, day: int) -> list[Contacts]:
        """The contacts scheduled for ``day`` (removed from the book).

        Parameters
        ----------
        day:
            Today (working day index).
        """
        return self.pending.pop(day, [])
