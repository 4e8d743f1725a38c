"""The contact-centre model: customers, employees and a KPI-based pay scheme.

One :meth:`ContactCentreModel.step` is one working day, in this order: a proposal scheme
replaces the current one on ``rollout_day``; requisitions whose hiring lag is over are
filled and each team's present staff take the plan's shifts (``workforce.py``); new issues
and due repeats become the day's contacts (``contacts.py``); they are routed and web
self-service runs (``web.py``); the phone calls go through the queue — the front line
answers, specialists take transfers — and are booked in both ledgers (``phone.py``);
customers churn and are acquired, and the day's costs are booked; employees may quit; at
the end of a pay period each team's scheme pays, morale moves and employees adapt
(``pay_period.py``), and the model applies what was decided; at the end of a planning
period each team re-plans its staffing from the dashboard (``planning.py``).
"""

from __future__ import annotations

import mesa
import numpy as np

from ..config import Config, SchemeConfig
from ..measurement import REPEAT_WINDOW_DAYS, record_dashboard_surveys
from ..units import DAYS_PER_YEAR, MONTHS_PER_YEAR
from . import behavior as bh
from . import transition, workforce
from .arrivals import interval_shares, intraday_cdf, weekday_factor
from .contacts import PHONE, ContactBook, Contacts, first_contacts, stationary_cust
from .customers import Customers
from .departments import Departments
from .employee import Employee
from .experience import book_experience
from .hindsight import LegMemory
from .ledgers import DayLedger, SeatLedger
from .management import Manager
from .pay_period import EXPECTED_BONUS_SHARE, PeriodDecision, PeriodInputs, close_period
from .phone import Staff, serve_phone
from .planning import FRONT, SPECIALIST, initial_plan, make_plan, planning_days
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
        n = sum(start)
        self.seats: list[Employee | None] = [None] * n
        shares = interval_shares(cfg)
        #: each team's staffing plan; the first rosters its starting headcount
        self.plans = [initial_plan(cfg, t, start[t], shares) for t in (FRONT, SPECIALIST)]
        slot = 0
        for team, plan in enumerate(self.plans):
            for length in plan.ends_s - plan.starts_s:
                self.seats[slot] = workforce.new_employee(
                    self, slot, initial=True, team=team, contract_s=float(length)
                )
                slot += 1
        #: open requisitions: (ready day, team, contract length s)
        self.requisitions: list[tuple[int, int, float]] = []
        #: per team: calls offered per interval each day, and the dashboard's handle
        #: seconds and legs since the last plan (what the next plan believes)
        self.offered_log: tuple[list, list] = ([], [])
        self.plan_aht = np.zeros((2, 2))
        self.interval_rows: list[tuple] = []
        self.book = ContactBook()
        self.seat_ledger = SeatLedger(n)
        self.legs = LegMemory()
        self.period = 0
        self.period_start = 0
        self.ledger = DayLedger()
        self.employee_rows: list[dict] = []
        periods = cfg.days // min(cfg.scheme.period_days, (cfg.proposal or cfg.scheme).period_days)
        #: repeat-within-the-window counts by (pay period, seat) and by day of the first call
        self.repeats_ps = np.zeros((periods + 2, n))
        self.day_repeats = np.zeros(cfg.days + 1)
        self.start_revenue = self.customers.revenue_monthly_active()
        self.pay_history: list[float] = []
        #: paid seconds of retraining to book as overtime today (transition support)
        self.training_s = 0.0
        self.profile = intraday_cdf(cfg)
        self._nps_cache: float | None = None
        #: the phone number's visibility in force today (the manager may change it)
        #: managers reading the dashboard, and their decisions (management.py)
        self.manager = Manager(cfg.management)
        self.decisions: list[dict] = []
        self.running = True

    # ================================================================== employees
    @property
    def staff(self) -> list[Employee]:
        """Employees in their seats (vacancies excluded), in seat order."""
        return [s for s in self.seats if s is not None]

    def free_seat(self) -> int:
        """An empty seat for a new hire: a vacated one, else a new seat (the seat
        ledgers grow with it)."""
        for slot, emp in enumerate(self.seats):
            if emp is None:
                return slot
        self.seats.append(None)
        n = len(self.seats)
        self.seat_ledger.grow(n)
        self.repeats_ps = np.pad(self.repeats_ps, ((0, 0), (0, n - self.repeats_ps.shape[1])))
        return n - 1

    def staff_arrays(self, duties: list[workforce.Duty]) -> Staff:
        """Today's agents on duty as arrays, front line first, then specialists."""
        staff = [s for duty in duties for s in duty.staff]
        k = len(staff)
        slots = np.array([s.slot for s in staff], dtype=np.int64)
        pol = np.array([s.policy for s in staff]).reshape(k, len(bh.LEVERS))

        def cat(name: str) -> np.ndarray:
            return np.concatenate([getattr(duty, name) for duty in duties])

        return Staff(
            slots,
            pol,
            np.array([s.speed for s in staff]),
            np.array([s.skill for s in staff]),
            np.array([s.friendliness for s in staff]),
            len(duties[FRONT].staff),
            cat("start"),
            cat("end"),
            cat("brk_start"),
            cat("brk_len"),
        )

    # ================================================================== the day
    def step(self) -> None:
        """Simulate one working day."""
        d = self.day
        cfg = self.cfg
        if cfg.rollout_day is not None and d == cfg.rollout_day and cfg.proposal is not None:
            self.rollout(cfg.proposal)
        row = self.ledger.new_day(d)
        self.manager.start_day(self, d)
        workforce.hire(self, d)
        for emp in self.staff:
            emp.work_day()
        duties = [workforce.attendance(self, t, row) for t in (FRONT, SPECIALIST)]
        self.manager.coach(self, duties[FRONT], d, row)
        row["overtime_s"] = sum(duty.overtime_s for duty in duties) + self.training_s
        self.training_s = 0.0
        self.interval_rows.append((d, [workforce.on_phones(self, duty) for duty in duties]))
        if cfg.demand.calls_per_hour is not None:
            c = self.customers
            cust = stationary_cust(self.rng, cfg, np.flatnonzero(c.active[: c.n_used]))
            calls = first_contacts(self.rng, cfg, cust, route=PHONE)
        else:
            volume = weekday_factor(cfg, d)
            new = first_contacts(self.rng, cfg, self.customers.draw_issues(d, volume))
            new = self.departments.arrive(self.rng, new, row)
            todays = Contacts.concat([new, *self.book.due(d)])
            todays = todays.take(self.customers.active[todays.cust])
            self._mark_repeats(todays.cust, d)
            calls = self._web(todays, d, row)
        serve_phone(self, calls, d, row, duties)
        self.departments.end_of_day(self.rng, d, row)
        self._customers_day(d, row)
        record_dashboard_surveys(row, self.scheme.kpis.csat.definition)
        workforce.quit_today(self, d, row)
        row["staff"] = len(self.staff)
        row["headcount_front"] = workforce.headcount(self, FRONT)
        row["headcount_specialist"] = workforce.headcount(self, SPECIALIST)
        row["morale_mean"] = float(np.mean([s.morale for s in self.staff])) if self.staff else 0.0
        self.day += 1
        last_day = self.day >= cfg.days
        if self.day - self.period_start >= self.scheme.period_days or (
            last_day and self.day > self.period_start
        ):  # the run's last, possibly short, period is paid too
            self.end_period(d)
        if cfg.workforce.planning and self.day % planning_days(cfg, self.scheme.period_days) == 0:
            self.replan(d)
        if last_day:
            self.running = False

    def _mark_repeats(self, cust: np.ndarray, d: int) -> None:
        """Credit a repeat to the previous answered call of each customer contacting
        again within the window (the measure behind FCR ``no_repeat_7d``)."""
        c = self.customers
        last = c.last_contact_day[cust]
        seat = c.last_contact_seat[cust]
        hit = (d - last <= REPEAT_WINDOW_DAYS) & (seat >= 0)
        if not hit.any():
            return
        hc = np.unique(cust[hit])  # one repeat per earlier call
        np.add.at(self.repeats_ps, (c.last_contact_period[hc], c.last_contact_seat[hc]), 1)
        np.add.at(self.day_repeats, c.last_contact_day[hc], 1)
        c.last_contact_seat[hc] = -1  # counted once

    def _web(self, todays: Contacts, d: int, row: dict) -> Contacts:
        """Route today's contacts; run web self-service; return the day's phone calls
        (``web.channel_day``, under ``self.phone_visibility``)."""
        return channel_day(self, todays, d, row)

    def book_experience(
        self,
        cust: np.ndarray,
        xp: np.ndarray,
        effort: np.ndarray,
        d: int,
        row: dict,
        attempt: np.ndarray,
        give_up: np.ndarray | None = None,
    ) -> tuple[np.ndarray, ...]:
        """Book contacts' true experience (the one place every contact is booked):
        see :func:`experience.book_experience`."""
        return book_experience(
            self.rng,
            self.customers,
            self.cfg.customers,
            cust,
            xp,
            effort,
            d,
            row,
            attempt,
            give_up,
            survey_rate=self.scheme.survey_sample_rate,
        )

    def _customers_day(self, d: int, row: dict) -> None:
        """Churn, acquisition by word of mouth (true NPS), and the day's money."""
        c = self.customers
        gone = c.churn_today(d)
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
        row["paid_hours"] = hours + over_h
        row["cost_overtime"] = ot_cost
        row["cost_labour"] = base + ot_cost - self._budget_neutral_cut()
        seat_cost = self.cfg.costs.overhead_per_seat_annual / DAYS_PER_YEAR
        row["cost_overhead"] = len(self.staff) * seat_cost
        row["cost_web"] = row.get("web_sessions", 0) * self.cfg.channels.web_cost

    def _budget_neutral_cut(self) -> float:
        """Today's base pay withheld to fund the bonus (``bonus_funding: from_base``):
        the bonus each employee is expected to earn, loaded."""
        if "from_base" not in (self.scheme.bonus_funding, self.cfg.specialist_scheme.bonus_funding):
            return 0.0
        cut = 0.0
        for s in self.staff:
            sch = self.scheme if s.team == FRONT else self.cfg.specialist_scheme
            if sch.bonus_funding == "from_base":
                cut += EXPECTED_BONUS_SHARE * sch.bonus_share * s.salary_annual
        return cut * self.cfg.costs.loading / DAYS_PER_YEAR

    @property
    def nps(self) -> float:
        """True NPS of the customer base, refreshed every ``NPS_REFRESH_DAYS`` (word of
        mouth reacts to the base's mood, not to each day's noise; a fixed month, so that
        a scheme's pay period does not change how fast word of mouth reacts)."""
        if self.day % NPS_REFRESH_DAYS == 0 or self._nps_cache is None:
            self._nps_cache = self.customers.nps()
        return self._nps_cache

    # ================================================================== pay periods
    def rollout(self, proposal: SchemeConfig) -> None:
        """Replace the scheme from today on; employees keep their habits and learn the
        new scheme from hindsight, with the configured transition support
        (``transition.py``) for the front line."""
        self.scheme = proposal
        front = [s for s in self.staff if s.team == FRONT]
        self.training_s += transition.at_rollout(self.cfg, front, proposal, self.period)

    def end_period(self, d: int) -> None:
        """Close the pay period ending on day ``d`` for each team (each under its own
        scheme) and apply what it decided."""
        for team, scheme in ((FRONT, self.scheme), (SPECIALIST, self.cfg.specialist_scheme)):
            staff = [s for s in self.staff if s.team == team]
            inputs = PeriodInputs(
                self.cfg,
                scheme,
                staff,
                self.seat_ledger.data,
                self.repeats_ps[self.period],
                self.legs,
                self.period,
                self.period_start,
                transition.top_up_share(self.cfg, staff, self.period) if team == FRONT else None,
            )
            decision = close_period(inputs, d, self.rng)
            if decision is not None:
                self._apply(decision, d, retune=team == FRONT)
        self.manager.review(self, d)
        self.seat_ledger.reset()
        self.legs.clear()
        self.period += 1
        self.period_start = self.day

    def replan(self, d: int) -> None:
        """Each team re-plans from its offered-calls history and the dashboard's AHT
        since the last plan; hiring follows (``workforce.rebalance``)."""
        for team in (FRONT, SPECIALIST):
            history = self.offered_log[team]
            if not history or self.plans[team].headcount == 0:
                continue
            handle_s, legs = self.plan_aht[team]
            aht = handle_s / legs if legs > 0 else self.cfg.handling.mean_s
            plan = make_plan(self.cfg, team, d, np.array(history), aht)
            self.plans[team] = plan
            workforce.rebalance(self, team, d)
        self.plan_aht[:] = 0.0

    def _apply(self, dec: PeriodDecision, d: int, retune: bool = True) -> None:
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
            s.reference = dec.policy[i].copy()
            s.policy = dec.policy[i].copy()
        if dec.dismissed is not None:
            workforce.dismiss(self, dec.dismissed, d)
        self.pay_history.append(dec.total_bonus)
        if retune:
            self.legs.retune(dec.contacts_mean)

    def run(self) -> None:
        """Run until ``cfg.days`` working days have been simulated."""
        while self.running:
            self.step()
