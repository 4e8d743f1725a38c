"""Ledgers: the day's totals and each seat's running period totals.

Both hold *counts and sums* (contacts, resolved, seconds, survey answers...), never
averages, so any rate can be recomputed exactly over any span of days or employees.
:class:`DayRecord` declares what a day holds (the daily table's count columns), in the
order the day's schedule books it (``docs/architecture.md``).
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np


class DayRecord(TypedDict, total=False):
    """One simulated day's totals, declared once (counts, or seconds for ``*_s``, or
    currency units for ``cost_*``/``revenue``/``bonus_paid``).

    Every key is optional: a day holds only what was booked on it (no hire, no
    ``hires``; the validation mode books no web columns).  The daily table's columns
    come in the order the run first booked them (the rows keep their keys' booking
    order), which is the order below for the fields every day books - except in the
    validation mode, where the phone books the issue counts; fields some days lack
    (hires, bonus, dismissals...) come where a day first books them.
    ``DayLedger.check`` refuses a field not declared here (at the end of every day).
    """

    day: int
    # onboarding.hire
    cost_hiring: float  # replacement cost of today's hires
    hires: int
    # workforce.attendance (onboarding.classroom_today), Manager.coach
    classroom_hours: float  # paid hours of new hires in classroom training, off the phones
    nesting_agents: int  # agents on the phones still on their nesting curve
    absent: int
    coaching_sessions: int
    coaching_s: float  # paid seconds of coaching off the phones
    overtime_s: float  # planned overtime (shift extensions) and retraining, agent-s
    # the day's contacts (Departments.arrive)
    issues_arrived: int  # new issues after the departments' fixes
    issues_failure_demand: int  # of them caused by another department
    # web.channel_day
    phone_visibility: str  # the level in force today
    number_heard: int  # customers who heard where the number is by word of mouth
    web_sessions: int
    web_resolved: int
    issues_new: int  # first contacts of issues that reached the centre (web or phone)
    issues_first_resolved: int  # of them resolved on that first contact
    web_escalated: int  # failed web sessions that called
    give_ups: int  # failed web sessions that could not find the number
    # experience.book_experience (every contact, any channel: the true ledger)
    contacts: int
    repeat_contacts: int
    xp_top2: int  # contacts with a top-2-box true experience
    effort_sum: float  # CES points
    bad_experiences: int
    loyalty_down: int  # contacts that lowered loyalty by more than LOYALTY_NOTICE
    loyalty_up: int  # contacts that raised it by more than that
    complaints: int
    rnd_sampled: int  # contacts the random relationship survey sampled
    rnd_surveys: int  # its answers
    rnd_top2: int
    # phone.follow_up: SQM's post-contact FCR question (measurement.book_reported_fcr)
    fcr_reported_answers: int  # surveyed first calls whose customer answered
    fcr_reported_yes: int  # of them, "resolved at the first contact"
    # web.channel_day (the number)
    number_searches: int
    number_found: int
    number_known_share: float  # share of the active base who know where the number is
    # phone.serve_phone, phone_outcomes.root_causes, Departments.flag
    calls_offered: int
    failure_demand_done: int  # department-caused calls whose agent did its part
    fulfilment_failures: int  # of them, fulfilment failed afterwards
    root_cause_flags: int
    root_cause_flags_delivered: int  # reached the departments (shared dashboard)
    root_cause_flags_lost: int
    # intraday.adjust (the day's re-forecast, before the queue runs)
    vto_s: float  # paid agent-s sent home unpaid (voluntary time off)
    intraday_overtime_s: float  # of overtime_s, added by the re-forecast
    # phone_booking.book_day
    avail_s: float  # agents' time on the phones, overrun included
    overrun_s: float  # unplanned overtime: calls running past the end of a shift
    front_legs: int
    front_handle_s: float
    front_busy_s: float
    front_avail_s: float
    spec_offered: int
    spec_answered: int
    spec_abandoned: int
    spec_in_sl: int
    spec_wait_answered_s: float
    spec_legs: int
    spec_handle_s: float
    spec_busy_s: float
    spec_avail_s: float
    cost_telephony: float
    work_needed_s: float  # the work the calls truly need at speed 1 (unseen by planners)
    spec_work_needed_s: float
    abandoned: int
    abandoned_after_transfer: int
    calls_answered: int
    answered_in_sl: int
    waited: int
    wait_answered_s: float
    wait_all_s: float
    busy_s: float
    legs: int  # call legs answered (a transfer makes two)
    handle_s: float
    answered_owned: int  # calls an agent ended (owned)
    resolved_true: int
    coded_resolved: int
    resolved_done: int  # the agent did its part (what an honest code says)
    surveys: int  # survey answers under the scheme's CSAT definition
    survey_top2: int
    surveys_offered: int
    surveys_honest: int  # the same survey had nobody steered it
    survey_top2_honest: int
    transfers: int
    hangups: int
    pushes: int  # pushed to the web
    gaming_contacts: int
    false_resolutions: int
    steered: int
    dumped: int
    rushed: int
    audited: int
    detected: int
    # phone_booking.book_day: the timer at the agents' natural handling
    # (thoroughness 1, pace 1) and the honest and gaming parts of the difference
    handle_s_natural: float
    handle_s_honest: float  # pace and diligence (negative: time saved)
    handle_s_gaming: float  # rushing, dumps and web pushes (negative: time saved)
    pace_sum: float  # the answering agent's pace, summed over call legs
    # phone_booking.book_day: handle_s in its parts (they sum to it)
    hold_s: float
    acw_s: float  # after-call work: the agent is busy, the caller gone
    talk_s: float
    # phone.follow_up
    friendliness_sum: float  # ratings 1-5 of the surveyed owned calls
    friendliness_n: int
    # Departments.end_of_day
    root_cause_fixes: int  # fixes that took effect today
    root_cause_fixes_started: int
    # the customers' day (ContactCentreModel._customers_day)
    churned: int
    churned_starters: int
    acquired: int
    active: int
    revenue: float
    paid_hours: float
    cost_overtime: float
    cost_labour: float
    cost_overhead: float
    cost_web: float
    # workforce.quit_today, workforce.dismiss
    quits: int  # quits and dismissals
    quits_expected: float  # sum of the day's quit hazards
    # the end of the day (ContactCentreModel._close_day)
    staff: int
    headcount_front: int
    headcount_specialist: int
    morale_mean: float
    # the end of a pay period (ContactCentreModel._apply_period, end_period)
    bonus_paid: float
    cost_bonus: float
    dismissals: int
    customer_equity: float  # the active base's equity after the period's last day


#: The day's fields in their declared order.
DAY_FIELDS: tuple[str, ...] = tuple(DayRecord.__annotations__)


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
    """Running totals of the current pay period, one row per seat, and the repeat
    contacts credited to each seat's calls by pay period.

    Parameters
    ----------
    n_seats:
        Seats so far (the ledger grows with :meth:`grow`).
    n_periods:
        Pay periods the run can hold (rows of ``repeats``).
    """

    def __init__(self, n_seats: int, n_periods: int) -> None:
        self.n = n_seats
        self.data = {f: np.zeros(n_seats) for f in SEAT_FIELDS}
        #: repeat-within-the-window counts by (pay period of the first call, seat): a
        #: repeat is credited to the period of the call it repeats (not reset)
        self.repeats = np.zeros((n_periods, n_seats))

    def add(
        self,
        seat_of: np.ndarray,
        server: np.ndarray,
        field: str,
        weights: np.ndarray | None = None,
    ) -> None:
        """Add per-call values to the seats of the serving agents.

        Parameters
        ----------
        seat_of:
            Seat of each agent on duty today (``phone.OnDuty.seats``).
        server:
            Position, among today's agents, of the agent each call is booked to.
        field:
            One of :data:`SEAT_FIELDS`.
        weights:
            Value per call (count 1 each when None), in the field's unit.
        """
        if server.shape[0] == 0:
            return
        w = None if weights is None else np.asarray(weights, dtype=float)
        self.data[field] += np.bincount(seat_of[server], weights=w, minlength=self.n)

    def add_direct(self, seat_of: np.ndarray, field: str, values: np.ndarray) -> None:
        """Add one value per agent on duty.

        Parameters
        ----------
        seat_of:
            Seat of each agent on duty today.
        field:
            One of ``SEAT_FIELDS``.
        values:
            One value per agent on duty, in the field's unit.
        """
        np.add.at(self.data[field], seat_of, values)

    def quit(self, seat: int) -> None:
        """A leaver's partial period is not carried over to their successor.

        Parameters
        ----------
        seat:
            The leaver's seat.
        """
        for arr in self.data.values():
            arr[seat] = 0.0

    def grow(self, n_seats: int) -> None:
        """Add empty seats (a new hire beyond the seats so far).

        Parameters
        ----------
        n_seats:
            Seats after growing.
        """
        extra = n_seats - self.n
        if extra > 0:
            self.data = {f: np.concatenate([a, np.zeros(extra)]) for f, a in self.data.items()}
            self.repeats = np.pad(self.repeats, ((0, 0), (0, extra)))
            self.n = n_seats

    def reset(self) -> None:
        """Start a new pay period (the repeats stay: they belong to their period)."""
        for arr in self.data.values():
            arr[:] = 0.0


class DayLedger:
    """The run's day records, one :class:`DayRecord` per simulated day."""

    def __init__(self) -> None:
        self.rows: list[DayRecord] = []

    def new_day(self, day: int) -> DayRecord:
        """Open day ``day``'s record.

        Parameters
        ----------
        day:
            The day to open (working day index).
        """
        row = DayRecord(day=day)
        self.rows.append(row)
        return row

    @staticmethod
    def check(row: DayRecord) -> None:
        """Refuse a day record holding a field :class:`DayRecord` does not declare.

        Parameters
        ----------
        row:
            A day's record, once the day is over.
        """
        undeclared = row.keys() - DayRecord.__annotations__.keys()
        if undeclared:
            raise KeyError(f"day fields not declared in ledgers.DayRecord: {sorted(undeclared)}")

    @property
    def current(self) -> DayRecord:
        """Today's record."""
        return self.rows[-1]
