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
class WorkforceConfig:
    """How the centre plans, rosters and pays its staff (``docs/workforce.md``)."""

    # Plan staff as a WFM team does: forecast calls per interval, agents required for
    # the service-level target (Erlang A or C) with the dashboard's measured AHT, plus
    # shrinkage, rostered into shifts; headcount follows the plan through hiring.
    # false: a fixed headcount (employees.n, teams.specialists_n) on duty all day.
    planning: bool = True
    planner: str = field(default="erlang_a", metadata=one_of("erlang_a", "erlang_c"))
    # Working days between plans (0: each pay period of the front line's scheme).
    planning_days: int = field(default=0, metadata=within(0, 10_000))
    # Days of history the forecast averages (the plan forecasts a typical day).
    forecast_days: int = field(default=21, metadata=within(1, 10_000))
    # Paid shift lengths the roster may use, hours (breaks included): full-time days and
    # part-time shifts; an employee is hired for one length and paid pro rata.
    shift_hours: list[float] = field(default_factory=lambda: [8.0, 4.0])
    # Paid hours of a full-time day: the salaries are full-time salaries.
    full_time_hours: float = field(default=8.0, metadata=within(0.5, 24.0))
    # Planned shrinkage: share of paid time not on the phones (breaks, training,
    # meetings, absence) the plan adds on top of the Erlang requirement.  Industry rule
    # of thumb 30-35% (WFM practice); a survey of 100+ centres found 24% of agents'
    # time off-phone (Knowlagent 2011, excluding absence and holidays).
    shrinkage: float = field(default=0.30, metadata=within(0.0, 0.95))
    # Share of a present agent's shift spent off the phones (breaks, training, meetings,
    # coaching), realised as one break block: Knowlagent 2011 survey, 24%.
    off_phone_share: float = field(default=0.22, metadata=within(0.0, 0.95))
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


@dataclass
class TeamsConfig:
    """The specialist (second-line) team that takes transferred and dumped calls."""

    # Starting headcount of the specialist team; 0 = one team (transfers re-queue for
    # the front line).  The front line starts with employees.n.
    specialists_n: int = field(default=22, metadata=within(0, 100_000))
    # Specialists are experienced: their skill is this multiple of a front-line
    # agent's (capped at the skill bound).  Uncertain (no public figure).
    specialist_skill_factor: float = field(default=1.1, metadata=within(0.1, 3.0))


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
