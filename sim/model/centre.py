"""The contact-centre model: customers, employees and a KPI-based pay scheme.

One :meth:`ContactCentreModel.step` is one open day of the centre's calendar (a working
day; ``calendar.py``: its date, weekday, opening hours and rota); its schedule is written once,
in ``docs/architecture.md`` ("One simulated day"), and ``tests/test_schedule_doc.py``
checks it against ``step``.  The model holds the state of the run; the sub-models
(``workforce``, ``web``, ``phone``, ``management``, ``pay_period``...) decide, and the
model applies what they return.  Who owns (may assign) each attribute is listed in
``docs/architecture.md`` ("Who owns what").
"""

from __future__ import annotations

import mesa
import numpy as np

from ..config import Config, SchemeConfig
from ..measurement import REPEAT_WINDOW_DAYS, record_dashboard_surveys
from ..units import DAYS_PER_YEAR, MONTHS_PER_YEAR
from . import onboarding, transition, workforce
from .arrivals import busyness, interval_busyness, interval_shares, intraday_cdf
from .calendar import Calendar, week_plans, weekday_aware, weekday_shares
from .call_records import CallRecords
from .contacts import ContactBook, Contacts, first_contacts, validation_calls
from .customers import Customers
from .departments import Departments
from .employee import Employee, column, salary_annual
from .hindsight import LegMemory
from .ledgers import DayLedger, DayRecord, SeatLedger
from .management import InForce, Manager
from .pay_period import EXPECTED_BONUS_SHARE, PeriodDecision, PeriodInputs, close_period
from .phone import PhoneDay, serve_phone
from .phone_kernel import mark_repeats
from .planning import FRONT, SPECIALIST, Plan, make_plan, planning_days
from .web import channel_day, channel_rng, seed_memory, visibility_from_config

#: Working days between refreshes of the true NPS that word of mouth follows (a month).
NPS_REFRESH_DAYS = 21


class ContactCentreModel(mesa.Model):
    """A customer contact centre under a KPI-based compensation scheme.

    Parameters
    ----------
    cfg:
        A validated :class:`sim.config.Config` (use :func:`sim.load_config`).
    """

    def __init__(self, cfg: Config) -> None:
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        #: the front line's scheme in force (the rollout and the managers replace it)
        self.scheme: SchemeConfig = cfg.scheme
        self.day = 0
        self.customers = Customers(cfg.customers, self.rng)
        #: the channel mechanism's own random stream; the phone-visibility level in
        #: force (read every day: a manager may assign it mid-run); customers' memory
        #: of where the number is
        self.channel_rng = channel_rng(cfg.seed)
        self.phone_visibility: str = visibility_from_config(cfg.channels)
        seed_memory(self.channel_rng, self.customers, cfg.channels)
        #: other departments: root causes of issues, flags, fixes (failure demand)
        self.departments = Departments(cfg.departments)
        start = (cfg.employees.n, cfg.teams.specialists_n)
        shares = interval_shares(cfg)
        #: the open days' dates, weekdays and months (``calendar.py``)
        self.calendar = Calendar(cfg, cfg.days)
        #: each team's plan per open weekday and its rota (days-off patterns per contract
        #: length), when the plan is weekday-aware (``calendar.weekday_aware``); else
        #: None and no days off
        self.week_plans: list[dict | None] = [None, None]
        self.rotas: list[dict] = [{}, {}]
        #: the intraday shares and profile (inverse CDF) of each weekday, cut to its hours
        self.day_shares = {w: weekday_shares(cfg, shares, w) for w in range(7)}
        self.profiles = {w: intraday_cdf(cfg, s) for w, s in self.day_shares.items()}
        #: the intraday profile in force today
        self.profile = intraday_cdf(cfg)
        if cfg.demand.interval_volume_cv > 0.0:
            self._plans_for_today()  # day 0's own intraday shape
        #: each team's staffing plan of today; the first rosters its starting headcount
        #: the first plans set the starting staff (``onboarding``: a pilot's plans, or the
        #: configured headcount rostered)
        if weekday_aware(cfg):
            for t, (week, rota) in enumerate(onboarding.first_weeks(self, start, shares)):
                self.week_plans[t], self.rotas[t] = week, rota
            self.plans: list[Plan] = [next(iter(w.values())) for w in self.week_plans if w]
            self._plans_for_today()
        else:
            self.plans = onboarding.first_plans(self, start, shares)
        #: the employee in each seat (None: vacant); owned by ``workforce.py``/``onboarding.py``
        self.seats: list[Employee | None] = onboarding.first_staff(self, sum(start))
        #: open requisitions: (ready day, team, contract length s); owned by ``workforce.py``
        self.requisitions: list[tuple[int, int, float]] = []
        #: per team: calls offered per interval each day (the history plans forecast
        #: from), and the dashboard's handle seconds and legs since the last plan
        self.offered_log: tuple[list, list] = ([], [])
        self.plan_aht = np.zeros((2, 2))
        #: per day: (day, each team's mean agents on the phones per interval)
        self.interval_rows: list[tuple] = []
        self._duties: list[workforce.Duty] = []  # today's, until the phone day is booked
        self.book = ContactBook()
        periods = cfg.days // min(cfg.scheme.period_days, (cfg.proposal or cfg.scheme).period_days)
        self.seat_ledger = SeatLedger(len(self.seats), periods + 2)
        #: repeats within the window by day of the first call
        self.day_repeats = np.zeros(cfg.days + 1)
        self.legs = LegMemory()
        self.period = 0
        self.period_start = 0
        self.ledger = DayLedger()
        self.employee_rows: list[dict] = []
        self.start_revenue = self.customers.revenue_monthly_active()
        #: customer equity (``Customers.equity``, currency units) before day 0 and on the
        #: rollout day before its contacts (None: no rollout yet); no random draw
        self.equity_start = self.customer_equity()
        self.equity_rollout: float | None = None
        self.pay_history: list[float] = []
        #: paid seconds of retraining to book as overtime today (transition support)
        self.training_s = 0.0
        self._nps_cache: float | None = None
        #: managers reading the dashboard, and the log of their decisions in force
        self.manager = Manager(cfg.management)
        self.decisions: list[dict] = []
        #: the scheme changes of the run: {"day": day in force from, "scheme": its name}
        self.scheme_changes: list[dict] = []
        #: the call-detail records (``export.calls``; None when off)
        self.call_records: CallRecords | None = CallRecords() if cfg.export.calls else None
        self.running = True

    @property
    def staff(self) -> list[Employee]:
        """Employees in their seats (vacancies excluded), in seat order."""
        return [s for s in self.seats if s is not None]

    # ================================================================== the day
    def step(self) -> None:
        """Simulate one working day (the schedule of ``docs/architecture.md``)."""
        d, row = self.day, self.ledger.new_day(self.day)
        self._roll_out(d)
        self._put_in_force(self.manager.start_day(d, self.scheme, self.phone_visibility), d)
        onboarding.hire(self, d, row)
        duties = workforce.attend(self, row)
        self.manager.coach(duties[FRONT], d, row, self.cfg.employees.skill_mean)
        self._book_duties(duties, row)
        if self.cfg.demand.calls_per_hour is not None:
            calls = validation_calls(self.rng, self.cfg, self.customers)
        else:
            calls = channel_day(self, self._contacts_today(d, row), d, row)
        self._book_phone(serve_phone(self, calls, d, row, duties))
        self.departments.end_of_day(self.rng, d, row)
        self._customers_day(d, row)
        record_dashboard_surveys(row, self.scheme.kpis.csat.definition)
        workforce.quit_today(self, d, row)
        self._close_day(d, row)

    def _roll_out(self, d: int) -> None:
        """On ``rollout_day`` the proposal replaces the scheme (``rollout``)."""
        cfg = self.cfg
        if cfg.rollout_day is not None and d == cfg.rollout_day and cfg.proposal is not None:
            self.rollout(cfg.proposal)

    def _put_in_force(self, decided: InForce, d: int) -> None:
        """Apply the managers' decisions whose day has come (``Manager.start_day``)."""
        for _ in range(decided.replans):
            self.replan(d)
        self.scheme = decided.scheme
        self.phone_visibility = decided.phone_visibility
        self.decisions.extend(decided.records)

    def _book_duties(self, duties: list[workforce.Duty], row: DayRecord) -> None:
        """Book today's planned overtime (and retraining); keep the duties for the agents
        on the phones, booked with the phone day (``_book_phone``)."""
        row["overtime_s"] = sum(duty.overtime_s for duty in duties) + self.training_s
        self.training_s = 0.0
        self._duties = duties

    def _contacts_today(self, d: int, row: DayRecord) -> Contacts:
        """New issues that still arrive (``Departments.arrive``) and the contacts due
        today (``ContactBook.due``), of active customers; repeats credited."""
        volume = self.calendar.volume(d) * busyness(self.cfg, d)
        new = first_contacts(self.rng, self.cfg, self.customers.draw_issues(d, volume))
        new = self.departments.arrive(self.rng, new, row)
        todays = Contacts.concat([new, *self._calls_made_today(d)])
        todays = todays.take(self.customers.active[todays.cust])
        self._mark_repeats(todays.cust, d)
        return todays

    def _calls_made_today(self, d: int) -> list[Contacts]:
        """The contacts due today (``ContactBook.due``) that customers make today: on a
        weekday of factor ``f`` each is made with probability ``f / max f`` (customers
        call on the busy weekdays, as the weekday's new issues do), the others wait for
        the next open day.  No draw when every open weekday is alike."""
        due = self.book.due(d)
        p = self.calendar.propensity(d)
        if p >= 1.0 or not due:
            return due
        todays = Contacts.concat(due)
        made = self.rng.random(len(todays)) < p
        later = todays.take(~made)
        if len(later):
            self.book.schedule_after(d, later, np.ones(len(later), dtype=np.int64))
        return [todays.take(made)]

    def _mark_repeats(self, cust: np.ndarray, d: int) -> None:
        """Credit a repeat to the previous answered call of each customer contacting
        again within the window (the measure behind FCR ``no_repeat_7d``)."""
        c = self.customers
        # one compiled pass (``phone_kernel.mark_repeats``): the sorted unique customers
        # of old credited the same calls, each once
        mark_repeats(
            cust,
            d,
            REPEAT_WINDOW_DAYS,
            (c.last_contact_day, c.last_contact_seat, c.last_contact_period),
            self.seat_ledger.repeats,
            self.day_repeats,
        )

    def _book_phone(self, day: PhoneDay) -> None:
        """Keep what the phone day hands back: the offered calls per interval, the
        dashboard's handle time for the next plan, the call-detail records."""
        for team in (FRONT, SPECIALIST):
            self.offered_log[team].append(day.offered[team])
        self.plan_aht += day.handle
        phones = day.on_phones  # after the intraday re-forecast's changes to the duties
        if phones is None:  # no re-forecast today: the duties as attended
            phones = [workforce.on_phones(self, t) for t in self._duties]
        self.interval_rows.append((self.day, phones))
        if self.call_records is not None and day.records is not None:
            self.call_records.add(day.records)

    def _customers_day(self, d: int, row: DayRecord) -> None:
        """Churn, acquisition by word of mouth (true NPS), and the day's money."""
        c = self.customers
        gone = c.churn_today(d)
        c.fade(d)  # loyalty drifts back toward each customer's own baseline, weekly
        row["churned"] = int(gone.shape[0])
        row["churned_starters"] = int(c.starter[gone].sum())
        k = self.rng.poisson(c.acquisition_rate(self.nps) * c.active_count() / DAYS_PER_YEAR)
        c.add(k, d)
        row["acquired"] = k
        row["active"] = c.active_count()
        rev = c.revenue_monthly_active()
        row["revenue"] = rev * MONTHS_PER_YEAR / DAYS_PER_YEAR
        hours, base = workforce.daily_pay_hours(self)
        over_h = (row.get("overtime_s", 0.0) + row.get("overrun_s", 0.0)) / 3600.0
        rate = base / max(hours, 1e-9)  # loaded cost of a paid hour today
        ot_cost = over_h * rate * self.cfg.workforce.overtime_premium
        vto_h = row.get("vto_s", 0.0) / 3600.0  # voluntary time off is unpaid
        row["paid_hours"] = hours + over_h - vto_h
        row["cost_overtime"] = ot_cost
        row["cost_labour"] = base + ot_cost - vto_h * rate - self._budget_neutral_cut()
        seat_cost = self.cfg.costs.overhead_per_seat_annual / DAYS_PER_YEAR
        row["cost_overhead"] = len(self.staff) * seat_cost
        row["cost_web"] = row.get("web_sessions", 0) * self.cfg.channels.web_cost

    def _budget_neutral_cut(self) -> float:
        """Today's base pay withheld to fund the bonus (``bonus_funding: from_base``):
        the bonus each employee is expected to earn, loaded."""
        if "from_base" not in (self.scheme.bonus_funding, self.cfg.specialist_scheme.bonus_funding):
            return 0.0
        staff = self.staff
        salary = salary_annual(self.cfg, column(staff, "tenure_days"), column(staff, "contract_s"))
        cut = 0.0
        for s, pay in zip(staff, salary.tolist(), strict=True):  # added in seat order
            sch = self.scheme if s.team == FRONT else self.cfg.specialist_scheme
            if sch.bonus_funding == "from_base":
                cut += EXPECTED_BONUS_SHARE * sch.bonus_share * pay
        return cut * self.cfg.costs.loading / DAYS_PER_YEAR

    def _close_day(self, d: int, row: DayRecord) -> None:
        """The day's headcount and morale; then, when due, the end of the pay period
        (the run's last, possibly short, period is paid too) and the re-plan; the day's
        record is checked against its declaration."""
        staff = self.staff
        row["staff"] = len(staff)
        row["headcount_front"] = workforce.headcount(self, FRONT, staff)
        row["headcount_specialist"] = workforce.headcount(self, SPECIALIST, staff)
        row["morale_mean"] = float(np.mean(column(staff, "morale"))) if staff else 0.0
        self.day += 1
        last_day = self.day >= self.cfg.days
        if self.day - self.period_start >= self.scheme.period_days or (
            last_day and self.day > self.period_start
        ):
            self.end_period(d)
        if (
            self.cfg.workforce.planning
            and self.day % planning_days(self.cfg, self.scheme.period_days) == 0
        ):
            self.replan(d)
        self._plans_for_today()
        if last_day:
            self.running = False
        self.ledger.check(row)

    def _plans_for_today(self) -> None:
        """The plans and intraday profile of today's weekday (``week_plans``, the profile
        cut to the weekday's opening hours); nothing changes when the plan is not
        weekday-aware and the hours are the grid's."""
        if self.cfg.calendar.open_hours is not None:
            self.profile = self.profiles[int(self.calendar.weekday(self.day))]
        if self.cfg.demand.interval_volume_cv > 0.0:  # today's own shape (arrivals.py)
            w = int(self.calendar.weekday(self.day))
            self.profile = intraday_cdf(
                self.cfg, interval_busyness(self.cfg, self.day, self.day_shares[w])
            )
        for t in (FRONT, SPECIALIST):
            week = self.week_plans[t]
            if week is not None:
                self.plans[t] = week[int(self.calendar.weekday(self.day))]

    @property
    def nps(self) -> float:
        """True NPS of the customer base, refreshed every ``NPS_REFRESH_DAYS`` (word of
        mouth reacts to the base's mood, not to each day's noise; a fixed month, so that
        a scheme's pay period does not change how fast word of mouth reacts)."""
        if self.day % NPS_REFRESH_DAYS == 0 or self._nps_cache is None:
            self._nps_cache = self.customers.nps()
        return self._nps_cache

    def customer_equity(self) -> float:
        """The active base's customer equity now (``Customers.equity``), currency units."""
        cc = self.cfg.customers
        return self.customers.equity(cc.margin_rate, cc.discount_rate_annual)

    # ================================================================== pay periods
    def rollout(self, proposal: SchemeConfig) -> None:
        """Replace the scheme from today on; employees keep their habits and learn the
        new scheme from hindsight, with the configured transition support
        (``transition.py``) for the front line.

        Parameters
        ----------
        proposal:
            The scheme that replaces the front line's scheme from today.
        """
        self.equity_rollout = self.customer_equity()
        self.scheme = proposal
        self.scheme_changes.append({"day": self.day, "scheme": proposal.name})
        front = [s for s in self.staff if s.team == FRONT]
        self.training_s += transition.at_rollout(self.cfg, front, proposal, self.period)
        gift, row = transition.gift(self.cfg, front), self.ledger.current  # booked as bonus
        row["bonus_paid"] = row.get("bonus_paid", 0.0) + gift
        row["cost_bonus"] = row.get("cost_bonus", 0.0) + gift * self.cfg.costs.loading

    def end_period(self, d: int) -> None:
        """Close the pay period ending on day ``d`` for each team (each under its own
        scheme) and apply what it decided; then the managers review the dashboard; the
        day's record gets the customer equity then (``customer_equity``).

        Parameters
        ----------
        d:
            The period's last day (working day index).
        """
        for team, scheme in ((FRONT, self.scheme), (SPECIALIST, self.cfg.specialist_scheme)):
            staff = [s for s in self.staff if s.team == team]
            inputs = PeriodInputs(
                cfg=self.cfg,
                scheme=scheme,
                staff=staff,
                seat_counts=self.seat_ledger.data,
                repeats=self.seat_ledger.repeats[self.period],
                legs=self.legs,
                period=self.period,
                period_start=self.period_start,
                top_up=transition.top_up_share(self.cfg, staff, self.period)
                if team == FRONT
                else None,
            )
            decision = close_period(inputs, d, self.rng)
            if decision is not None:
                self._apply_period(decision, d, retune=team == FRONT)
        self.manager.review(self, d)
        self.seat_ledger.reset()
        self.legs.clear()
        self.period += 1
        self.period_start = self.day
        # the base's worth at each period's end: the run-rate's change in equity
        self.ledger.current["customer_equity"] = self.customer_equity()

    def replan(self, d: int) -> None:
        """Each team re-plans from its offered-calls history and the dashboard's AHT
        since the last plan; hiring follows (``onboarding.rebalance``).

        Parameters
        ----------
        d:
            Today (working day index): the plan's first day.
        """
        for team in (FRONT, SPECIALIST):
            history = self.offered_log[team]
            if not history or self.plans[team].headcount == 0:
                continue
            handle_s, legs = self.plan_aht[team]
            aht = handle_s / legs if legs > 0 else self.cfg.handling.mean_s
            if self.week_plans[team] is not None:
                self.week_plans[team], self.rotas[team] = week_plans(self, team, d, aht)
                self._plans_for_today()
            else:
                self.plans[team] = make_plan(self.cfg, team, d, np.array(history), aht)
            onboarding.rebalance(self, team, d)
        self.plan_aht[:] = 0.0

    def _apply_period(self, dec: PeriodDecision, d: int, retune: bool = True) -> None:
        """Apply a pay period's decision: bonus costs, the employee rows, each
        employee's new morale, pay, reference point and policy, dismissals."""
        row = self.ledger.current
        row["bonus_paid"] = row.get("bonus_paid", 0.0) + dec.total_bonus
        row["cost_bonus"] = row.get("cost_bonus", 0.0) + dec.total_bonus * self.cfg.costs.loading
        self.employee_rows.extend(dec.rows)
        for i, s in enumerate(dec.staff):
            s.intrinsic = dec.intrinsic[i].copy()
            s.morale = float(dec.morale[i])
            s.last_pay = float(dec.last_pay[i])
            s.pay_reference = float(dec.pay_reference[i])
            transition.remember_bonus(s, s.last_pay)
            s.warned = bool(dec.warned[i])
            s.settled_policy = dec.policy[i].copy()
            s.policy = dec.policy[i].copy()
            if dec.memory is not None:  # the learning rule's state (learning.py)
                s.learning_memory = dec.memory[i].copy()
            if dec.fairness is not None:
                s.fairness = float(dec.fairness[i])
        if dec.dismissed is not None:
            workforce.dismiss(self, dec.dismissed, d, row)
        self.pay_history.append(dec.total_bonus)
        if retune:
            self.legs.retune(dec.contacts_mean)

    def run(self) -> None:
        """Run until ``cfg.days`` working days have been simulated."""
        while self.running:
            self.step()
