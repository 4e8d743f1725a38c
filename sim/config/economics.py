"""Config sections of the centre's economics: workforce planning, teams, costs and the
currency label.

Each default figure's source is cited beside it and in ``docs/calibration.md``; the
figures no public source pins down are marked *uncertain* and have a range in
``configs/uncertainty/default.yaml`` that the robust verdict of ``kpisim compare``
samples.  Money is in currency units; hours are paid hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fields import one_of, within


@dataclass
class IntradayConfig:
    """The intraday re-forecast (``sim/model/intraday.py``): at each check the day's calls
    so far against the plan's forecast; above plan overtime, below it voluntary time off."""

    # Re-forecast during the day, as a WFM team's intraday management does.
    enabled: bool = True
    # Minutes between checks, from the opening (the first check one step in).  Default:
    # each 30-minute interval, the reporting interval real-time tools refresh on.
    # Uncertain (a centre's own routine; 30-120 in configs/uncertainty/default.yaml).
    check_minutes: float = field(default=30.0, metadata=within(5.0, 1440.0))
    # The day runs above plan when its calls so far exceed the forecast so far by this
    # share, below it when they fall short by ``below``.  Uncertain (a centre's own
    # trigger; 5-20% in configs/uncertainty/default.yaml).
    above: float = field(default=0.10, metadata=within(0.0, 5.0))
    below: float = field(default=0.10, metadata=within(0.0, 1.0))
    # Offer voluntary time off (unpaid) to agents not needed for the rest of the day.
    vto: bool = True


@dataclass
class WorkforceConfig:
    """How the centre plans, rosters and pays its staff (``docs/workforce.md``)."""

    # Plan staff as a WFM team does: forecast calls per interval, agents required for
    # the service-level target (Erlang A or C) with the dashboard's measured AHT, plus
    # shrinkage, rostered into shifts; headcount follows the plan through hiring.
    # false: a fixed headcount (employees.n, teams.specialists_n) on duty all day.
    planning: bool = True
    planner: str = field(default="erlang_a", metadata=one_of("erlang_a", "erlang_c"))
    # Who sets the front line's agents on the phones: ``plan`` (the planner above, for
    # channels.service_level_target) or ``observed`` (each weekday and interval as the
    # centre's data did: observed_on_phones, written by ``kpisim calibrate``;
    # sim/model/staffing_observed.py).  Specialists always follow their plan.
    staffing: str = field(default="plan", metadata=one_of("plan", "observed"))
    # Agents on the phones per interval of the opening hours, per weekday (mon..sun; a
    # weekday without a row takes the mean of the rows), for staffing=observed.
    observed_on_phones: dict[str, list[float]] = field(default_factory=dict)
    # The same per calendar date (ISO date -> one row): a dated day staffs as the data's
    # own date did (a back-test of the month replays its staffing date by date); any
    # other day falls back to its weekday's row above.
    observed_on_phones_by_date: dict[str, list[float]] = field(default_factory=dict)
    # How a dated row staffs its date: ``level`` (default) puts the date's agent-hours on
    # the phones in its weekday's shape (the row's total spread as the weekday row
    # spreads it); ``intervals`` replays the date's row interval by interval.  A date's
    # interval deviations from its weekday's shape are partly the agents' response to
    # that interval's own calls (on the Anonymous Bank, correlation 0.36 with the
    # interval's calls), which a run that draws its own calls cannot replay
    # (docs/calibration.md, "Back-test on real data").
    observed_dates: str = field(default="level", metadata=one_of("level", "intervals"))
    # Working days between plans (0: each pay period of the front line's scheme).
    planning_days: int = field(default=0, metadata=within(0, 10_000))
    # Days of history the forecast averages (the plan forecasts a typical day).
    forecast_days: int = field(default=21, metadata=within(1, 10_000))
    # Paid shift lengths the roster may use, hours (breaks included): full-time days and
    # part-time shifts; an employee is hired for one length and paid pro rata.
    shift_hours: list[float] = field(default_factory=lambda: [8.0, 4.0])
    # Paid hours of a full-time day: the salaries are full-time salaries.
    full_time_hours: float = field(default=8.0, metadata=within(0.5, 24.0))
    # Planned shrinkage: share of paid time not on the phones that the plan adds on top
    # of the Erlang requirement.  None (default): computed from its parts below
    # (``planning.shrinkage_parts``): 1 - (1 - absence - leave) x (1 - breaks - coaching -
    # training - meetings), about 0.29 with the defaults, inside the industry rule of
    # thumb of 30-35% (WFM practice).  A number overrides the sum (a centre's own figure).
    shrinkage: float | None = field(default=None, metadata=within(0.0, 0.95))
    # Share of a present agent's shift spent off the phones in one block: coaching,
    # training, meetings (the parts below) and breaks.  Kept for reference: the parts
    # now make it (breaks 12.5% of an 8 h day + 6% = 18.5%; Knowlagent 2011 survey: 24%
    # off-phone incl. breaks).  Unused by the model since the parts are booked.
    off_phone_share: float = field(default=0.22, metadata=within(0.0, 0.95))
    # Shrinkage parts booked inside the shift, each a share of the paid shift, booked as
    # one off-phone block a day that the roster places against demand: coaching,
    # training, team meetings.  Typical WFM breakdowns put each at 2-5% of paid time
    # (Call Centre Helper, "How to calculate shrinkage"; ICMI); 2% each.  Uncertain.
    coaching_share: float = field(default=0.02, metadata=within(0.0, 0.5))
    training_share: float = field(default=0.02, metadata=within(0.0, 0.5))
    meetings_share: float = field(default=0.02, metadata=within(0.0, 0.5))
    # Annual leave: share of working days each employee is on booked leave (days off
    # paid); 0.06 = 15 days of a 250-day year (US private industry: 11-15 paid vacation
    # days after 1-5 years, BLS National Compensation Survey 2023).  Booked: this share
    # of each team's seated staff is off on each day (rounded at random).
    annual_leave_share: float = field(default=0.06, metadata=within(0.0, 0.5))
    # Breaks and lunch of a shift (WFM rules): shifts of at least lunch_min_shift_hours
    # get two rest breaks and a lunch (rest, lunch, rest), shorter ones one rest break
    # (none below 3 h).  Typical contact-centre practice: 2 x 15 min breaks + 30-60 min
    # lunch in an 8 h shift (Call Centre Helper, "Breaks and lunches"); legal floors:
    # California IWC Wage Order 4 (10 min rest per 4 h, 30 min meal after 5 h), UK
    # Working Time Regulations 1998 (20 min after 6 h).
    rest_break_minutes: float = field(default=15.0, metadata=within(0.0, 120.0))
    lunch_minutes: float = field(default=30.0, metadata=within(0.0, 180.0))
    lunch_min_shift_hours: float = field(default=6.0, metadata=within(0.0, 24.0))
    # Placement rules: no break in the first or last break_edge_hours of a shift; each
    # break within break_flex_hours of its nominal place (evenly spread through the
    # shift); at least break_min_gap_hours between the end of one and the next.
    # (Common WFM defaults: first break >= 1 h after start, >= 1 h between breaks.)
    break_edge_hours: float = field(default=1.0, metadata=within(0.0, 12.0))
    break_flex_hours: float = field(default=1.0, metadata=within(0.0, 12.0))
    break_min_gap_hours: float = field(default=1.0, metadata=within(0.0, 12.0))
    # Daily probability that an agent is absent, at healthy morale.  Published absence
    # 4-8% of scheduled time (docs/calibration.md; Contact Center Pipeline 2017: ~7%).
    absence_base: float = field(default=0.05, metadata=within(0.0, 1.0))
    # Absence rises as morale falls (Deery, Iverson & Walsh 2002, J. Management Studies
    # 39(4): emotional exhaustion -> absence): multiplier exp(k (healthy - morale)).
    # Uncertain: the size of the effect is not published in this form.
    absence_morale_sensitivity: float = field(default=3.0, metadata=within(0.0, 50.0))
    # Overtime when short: up to this share of the present agents extend their shift
    # by overtime_hours, paid at overtime_premium x the hourly rate (time and a half:
    # US Fair Labor Standards Act).
    overtime_max_share: float = field(default=0.10, metadata=within(0.0, 1.0))
    overtime_hours: float = field(default=2.0, metadata=within(0.0, 12.0))
    overtime_premium: float = field(default=1.5, metadata=within(1.0, 5.0))
    # New hires (sim/model/onboarding.py; docs/workforce.md, "New hires").  Paid classroom
    # training off the phones, working days: QATC new-hire training surveys (2020: 30% of
    # centres train 11-20 days, 26% more than 30; 2024: 29% 21-30 days, 36% more than 30,
    # 14% 10 days or less); 20 days = 4 weeks.
    classroom_days: int = field(default=20, metadata=within(0, 250))
    # Nesting on the phones: a new agent's handle time starts at this multiple of its
    # tenured handle time and the excess halves every nesting_half_life_days working days
    # on the phones (resolution follows employees.novice_skill_share/learning_days from
    # the same first day on the phones).  Uncertain (1.2-2.0 and 6-20 days in
    # configs/uncertainty): with 4 classroom weeks, 90% of the gap closes about 12 weeks
    # after hiring (Dimension Data 2015 benchmarking: 12.9 weeks to full competency).
    nesting_aht_multiple: float = field(default=1.5, metadata=within(1.0, 5.0))
    nesting_half_life_days: float = field(default=12.0, metadata=within(0.1, 1000.0))
    # Most part-time (shorter than full_time_hours) shifts, share of a plan's shifts (and
    # so of the people hired for them): overhead and hiring are charged per person.  Most
    # common split 75% full-time / 25% part-time (The Taylor Reach Group, "Staff
    # composition"); uncertain, 0.1-0.5 in configs/uncertainty.
    part_time_max_share: float = field(default=0.25, metadata=within(0.0, 1.0))
    # The starting staff: "plan" (the first plan's headcount, from a short pilot of the
    # centre's own demand, so a centre does not start understaffed whatever its size) or
    # "config" (employees.n and teams.specialists_n rostered along the profile).
    # teams.specialists_n = 0 keeps one team either way.
    initial_headcount: str = field(default="plan", metadata=one_of("plan", "config"))
    # Occupancy cap of the plan: at least the interval's load / cap agents on the phones
    # (load = calls x AHT / interval length, Erlangs), whatever the service-level target
    # allows.  Sources put the ceiling at 85-90%: Call Centre Helper (Pearce, "Maximum
    # occupancy: the most common resource planning mistake": 85%); WFM Labs, "Occupancy":
    # 85-90%; Multichannel Merchant: most centres aim for 85-90%.  0.90, the upper end (a
    # ceiling, not a target); range 0.85-0.90 in configs/uncertainty/default.yaml.
    # 1.0 = no cap.
    occupancy_cap: float = field(default=0.90, metadata=within(0.5, 1.0))
    # The intraday re-forecast: overtime when the day runs above plan, VTO below it.
    intraday: IntradayConfig = field(default_factory=IntradayConfig)


@dataclass
class TeamsConfig:
    """The specialist (second-line) team that takes transferred and dumped calls."""

    # Starting headcount of the specialist team; 0 = one team (transfers re-queue for
    # the front line).  The front line starts with employees.n.
    specialists_n: int = field(default=22, metadata=within(0, 100_000))
    # Specialists are experienced: their skill is this multiple of a front-line
    # agent's (capped at the skill bound).  Uncertain (no public figure).
    specialist_skill_factor: float = field(default=1.1, metadata=within(0.1, 3.0))
    # A transferred caller's patience in the specialists' queue, as a multiple of the
    # first wait's (fresh exponential draw, same caller factor).  Uncertain: no public
    # figure separates patience after a transfer; 1.0 = the same distribution, range
    # 0.5-2.0 in configs/uncertainty/default.yaml.
    transfer_patience_factor: float = field(default=1.0, metadata=within(0.05, 10.0))


@dataclass
class EconomicsConfig:
    """How money is labelled (``docs/calibration.md``): every money figure of a run, a
    comparison and the app is in one currency, named here."""

    # The currency label printed beside every money figure (a label only: nothing is
    # converted).  USD: the default salaries (ContactBabel 2014, US) and contact costs
    # (Gartner 2019) are US dollar figures.
    currency: str = field(default="USD", metadata={"label": (1, 12)})


@dataclass
class CostsConfig:
    """Service cost as a finance lead books it (``docs/calibration.md``)."""

    # Employer on-costs (payroll taxes, benefits, pension) as a multiple of salary and
    # bonus.  Uncertain: BLS Employer Costs for Employee Compensation puts wages at
    # ~70% of compensation (x1.43); European on-costs vary by country.
    loading: float = field(default=1.3, metadata=within(1.0, 3.0))
    # Overhead per agent seat a year: facilities, IT, supervision.  Uncertain.
    overhead_per_seat_annual: float = field(default=10_000.0, metadata=within(0.0, 1e7))
    # Telephony per minute of a call in the system (queue and talk).  Uncertain
    # (carrier and toll-free rates of about a cent a minute).
    telephony_per_minute: float = field(default=0.01, metadata=within(0.0, 100.0))
