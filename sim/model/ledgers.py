"""Ledgers: the day's totals and each seat's running period totals.

Both hold *counts and sums* (contacts, resolved, seconds, survey answers...), never
averages, so any rate can be recomputed exactly over any span of days or employees.
"""

from __future__ import annotations

import numpy as np

#: Per-seat period accumulators (counts, or seconds for ``*_s``).
SEAT_FIELDS = (
    "legs",  # call legs answered (a transfer makes two legs)
    "handle_s",  # seconds on the timer, all legs
    "answered",  # calls owned (the agent who ended the call)
    "resolved",  # owned calls truly resolved
    "coded",  # owned calls coded "resolved"
    "xp_top2",  # owned calls with a truly top-2-box experience
    "surveys",  # survey answers counted by the scheme's CSAT definition
    "survey_top2",
    "rnd_surveys",  # answers to the company's random relationship survey
    "rnd_top2",
    "transfers",
    "pushes",
    "hangups",
    "acts",  # gaming acts
    "audited",
    "detected",  # gaming acts caught by audits
    "abuse",  # abusive calls received
    "complaints",  # owned calls that turned into a complaint
    "busy_s",
    "duty_s",
)


class SeatLedger:
    """Running totals of the current pay period, one row per seat."""

    def __init__(self, n_seats: int) -> None:
        self.n = n_seats
        self.data = {f: np.zeros(n_seats) for f in SEAT_FIELDS}

    def add(
        self,
        slot_of: np.ndarray,
        server: np.ndarray,
        field: str,
        weights: np.ndarray | None = None,
    ) -> None:
        """Add per-call values to the seats of the serving agents.

        ``server`` holds positions in today's staff list; ``slot_of`` maps them to seats.
        """
        if server.shape[0] == 0:
            return
        w = None if weights is None else np.asarray(weights, dtype=float)
        self.data[field] += np.bincount(slot_of[server], weights=w, minlength=self.n)

    def add_direct(self, slot_of: np.ndarray, field: str, values: np.ndarray) -> None:
        """Add one value per agent on duty."""
        np.add.at(self.data[field], slot_of, values)

    def quit(self, slot: int) -> None:
        """A leaver's partial period is not carried over to their successor."""
        for arr in self.data.values():
            arr[slot] = 0.0

    def grow(self, n_seats: int) -> None:
        """Add empty seats (a new hire beyond the seats so far)."""
        extra = n_seats - self.n
        if extra > 0:
            self.data = {f: np.concatenate([a, np.zeros(extra)]) for f, a in self.data.items()}
            self.n = n_seats

    def reset(self) -> None:
        for arr in self.data.values():
            arr[:] = 0.0


class DayLedger:
    """One dict of totals per simulated day."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def new_day(self, day: int) -> dict:
        row: dict = {"day": day}
        self.rows.append(row)
        return row

    @property
    def current(self) -> dict:
        return self.rows[-1]
