"""The contact-centre model: customers, employees and a KPI-based pay scheme.

One :meth:`ContactCentreModel.step` is one working day.  Inside the day, contacts are
generated from the columnar customer population, routed to web self-service or the
phone, and the phone calls go through the continuous-time queue of ``sim/queue.py``.
Every contact is written to two ledgers: what *really* happened (resolution, wait,
effort, experience) and what the *measurement system recorded* (timer, disposition
code, survey answer).  At each pay period the scheme scores the measured numbers, pays
bonuses, and employees adapt their behaviour (``sim/behavior.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np

from . import behavior as bh
from .agents import Employee
from .config import Config, SchemeConfig
from .handling import (
    AGENT_OFFER_RATE,
    ANSWER_NOISE,
    BAD,
    BEG_LIFT,
    GUESS_NOISE,
    RANDOM_SURVEY_RATE,
    TOP2,
    effort,
    experience_answered,
    experience_lost,
    p_resolve,
    response_p,
)
from .hindsight import LegMemory
from .ledger import DayLedger, SeatLedger
from .population import Customers, beta
from .queue import ABANDONED, HANDLED, HUNG_UP, TRANSFERRED, WEB_PUSHED, simulate_day
from .units import DAYS_PER_YEAR

#: Days after a contact within which a new contact counts as a repeat (FCR no_repeat_7d).
REPEAT_WINDOW_DAYS = 7


@dataclass
class Contacts:
    """A batch of contacts (one row each): who, the issue, and its history so far."""

    cust: np.ndarray  # customer row
    cx: np.ndarray  # issue complexity (needed handling / mean handling)
    attempt: np.ndarray  # contacts for this issue so far, this one included
    carry: np.ndarray  # effort already spent on the issue (CES points)
    route: np.ndarray  # 0 customer's choice, 1 web, 2 phone
    needs_transfer: np.ndarray  # the issue genuinely needs another team

    @staticmethod
    def empty() -> Contacts:
        return Contacts(
            np.empty(0, np.int64),
            np.empty(0),
            np.empty(0, np.int16),
            np.empty(0),
            np.empty(0, np.int8),
            np.empty(0, bool),
        )

    def __len__(self) -> int:
        return self.cust.shape[0]

    def take(self, mask: np.ndarray) -> Contacts:
        return Contacts(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))

    @staticmethod
    def concat(parts: list[Contacts]) -> Contacts:
        parts = [p for p in parts if len(p)]
        if not parts:
            return Contacts.empty()
        return Contacts(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Contacts.__dataclass_fields__)
        )


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
        n = cfg.employees.n
        self.seats: list[Employee | None] = [None] * n
        self.vacant_until = np.full(n, -1, dtype=np.int64)
        for slot in range(n):
            self.seats[slot] = self._new_employee(slot, initial=True)
        self.pending: dict[int, list[Contacts]] = {}
        self.seat_ledger = SeatLedger(n)
        self.legs = LegMemory()
        self.period = 0
        self.period_start = 0
        self.ledger = DayLedger()
        self.employee_rows: list[dict] = []
        periods = cfg.days // min(cfg.scheme.period_days, (cfg.proposal or cfg.scheme).period_days)
        #: repeat-within-7-days counts by (pay period, seat) and by day of the first call
        self.repeats_ps = np.zeros((periods + 2, n))
        self.day_repeats = np.zeros(cfg.days + 1)
        self.start_revenue = self.customers.revenue_monthly_active()
        self.pay_history: list[float] = []
        self._profile = _intraday_cdf(cfg)
        self._staff_cache: tuple | None = None
        self.running = True

    # ================================================================== employees
    def _new_employee(self, slot: int, initial: bool = False) -> Employee:
        e, rng = self.cfg.employees, self.rng
        conc = e.trait_concentration
        friendliness = float(beta(rng, e.friendliness_mean, conc, 1)[0])
        intrinsic = bh.intrinsic_policy(np.array([friendliness]))[0]
        skill = float(np.clip(rng.normal(e.skill_mean, e.skill_sd), 0.05, 0.99))
        return Employee(
            self,
            slot,
            tenure_days=float(rng.uniform(0, e.initial_tenure_max_days)) if initial else 0.0,
            potential_skill=skill,
            speed=float(rng.lognormal(0.0, e.speed_sd)) if e.speed_sd > 0 else 1.0,
            friendliness=friendliness,
            motivation=float(beta(rng, e.intrinsic_motivation_mean, conc, 1)[0]),
            integrity=float(beta(rng, e.integrity_mean, conc, 1)[0]),
            morale=float(np.clip(e.morale_initial + rng.normal(0, 0.05), 0, 1)),
            intrinsic=intrinsic,
        )

    def _friendliness(self, staff: list[Employee]) -> np.ndarray:
        return np.array([s.friendliness for s in staff])

    @property
    def staff(self) -> list[Employee]:
        """Employees in their seats (vacancies excluded), in seat order."""
        return [s for s in self.seats if s is not None]

    def _staff_arrays(self) -> tuple:
        """Per-seated-employee arrays used by the queue (cached until staff change)."""
        if self._staff_cache is None:
            staff = self.staff
            slots = np.array([s.slot for s in staff], dtype=np.int64)
            pol = np.array([s.policy for s in staff]).reshape(len(staff), len(bh.LEVERS))
            speed = np.array([s.speed for s in staff])
            self._staff_cache = (staff, slots, pol, speed)
        staff, slots, pol, speed = self._staff_cache
        skill = np.array([s.skill for s in staff])
        return staff, slots, pol, speed, skill

    def _invalidate_staff(self) -> None:
        self._staff_cache = None

    # ================================================================== the day
    def step(self) -> None:
        """Simulate one working day."""
        d = self.day
        cfg = self.cfg
        if cfg.rollout_day is not None and d == cfg.rollout_day and cfg.proposal is not None:
            self._rollout(cfg.proposal)
        row = self.ledger.new_day(d)
        self._hire(d)
        for emp in self.staff:
            emp.work_day()
        if cfg.demand.calls_per_hour is not None:
            calls = self._stationary_calls()
        else:
            todays = Contacts.concat([self._new_issues(d), *self.pending.pop(d, [])])
            todays = todays.take(self.customers.active[todays.cust])
            self._mark_repeats(todays.cust, d)
            calls = self._web(todays, d, row)
        self._phone(calls, d, row)
        self._customers_day(d, row)
        if self.scheme.kpis.csat.definition == "random_sample":
            row["surveys"] = row.get("rnd_surveys", 0)
            row["survey_top2"] = row.get("rnd_top2", 0)
            row["surveys_offered"] = row.get("rnd_sampled", 0)
        self._quits(d, row)
        row["staff"] = len(self.staff)
        row["morale_mean"] = float(np.mean([s.morale for s in self.staff])) if self.staff else 0.0
        self.day += 1
        last_day = self.day >= cfg.days
        if self.day - self.period_start >= self.scheme.period_days or (
            last_day and self.day > self.period_start
        ):  # the run's last, possibly short, period is paid too
            self._end_period(d)
        if last_day:
            self.running = False

    # ------------------------------------------------------------------ contacts
    def _draw_cx(self, k: int) -> np.ndarray:
        h = self.cfg.handling
        if h.dist == "exponential":
            return self.rng.exponential(1.0, k)
        s2 = math.log(1.0 + h.cv**2)
        return self.rng.lognormal(-0.5 * s2, math.sqrt(s2), k)

    def _new_issues(self, d: int) -> Contacts:
        cust = self.customers.draw_issues(d)
        k = cust.shape[0]
        return Contacts(
            cust,
            self._draw_cx(k),
            np.ones(k, np.int16),
            np.zeros(k),
            np.zeros(k, np.int8),
            self.rng.random(k) < self.cfg.handling.transfer_needed_rate,
        )

    def _stationary_calls(self) -> Contacts:
        """Validation mode: a stationary Poisson stream of first-attempt phone calls."""
        dem, ch = self.cfg.demand, self.cfg.channels
        k = self.rng.poisson(dem.calls_per_hour * ch.open_s / 3600.0)
        c = self.customers
        act = np.flatnonzero(c.active[: c.n_used])
        cust = act[self.rng.integers(0, act.shape[0], k)] if act.shape[0] else act[:0]
        k = cust.shape[0]
        return Contacts(
            cust,
            self._draw_cx(k),
            np.ones(k, np.int16),
            np.zeros(k),
            np.full(k, 2, np.int8),
            self.rng.random(k) < self.cfg.handling.transfer_needed_rate,
        )

    def _schedule(self, day: int, contacts: Contacts) -> None:
        if len(contacts):
            self.pending.setdefault(day, []).append(contacts)

    def _repeat_delay(self, k: int) -> np.ndarray:
        mean = self.cfg.customers.repeat_delay_days_mean
        return self.rng.geometric(1.0 / mean, k)

    def _mark_repeats(self, cust: np.ndarray, d: int) -> None:
        """Credit 'repeat within 7 days' to the previous answered call of each customer."""
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

    # ------------------------------------------------------------------ web
    def _web(self, todays: Contacts, d: int, row: dict) -> Contacts:
        """Route today's contacts; run web self-service; return the day's phone calls."""
        cfg, rng, c = self.cfg, self.rng, self.customers
        ch = cfg.channels
        k = len(todays)
        choice = todays.route == 0
        to_web = todays.route == 1
        prefers = c.prefers_web[todays.cust]
        if ch.phone_number_visible:
            to_web |= choice & prefers
        else:
            to_web |= choice & (prefers | (rng.random(k) < ch.hidden_web_first_share))
        phone = todays.take(~to_web)
        web = todays.take(to_web)
        m = len(web)
        row["web_sessions"] = m
        if m == 0:
            return phone
        p = ch.web_success_base * c.digital_skill[web.cust] * web.cx**-0.5
        ok = rng.random(m) < np.clip(p, 0.0, 0.95)
        xp = np.empty(m)
        web_effort = np.empty(m)
        noise = rng.normal(0.0, 1.0, m)
        xp[ok] = 7.8 - 0.4 * web.carry[ok] + noise[ok]
        web_effort[ok] = 1.5 + web.carry[ok]
        fail = ~ok
        if ch.phone_number_visible:
            escalate = fail
            give_up = np.zeros(m, bool)
        else:
            finds = rng.random(m) < ch.hidden_find_prob
            escalate = fail & finds
            give_up = fail & ~finds
        xp[escalate] = 4.5 - 0.4 * web.carry[escalate] + noise[escalate]
        web_effort[escalate] = 3.0 + web.carry[escalate]
        xp[give_up] = 2.5 + 0.5 * noise[give_up]
        web_effort[give_up] = 6.0 + web.carry[give_up]
        web_effort = np.clip(web_effort, 1.0, 7.0)
        row["web_resolved"] = int(ok.sum())
        row["web_escalated"] = int(escalate.sum())
        row["give_ups"] = int(give_up.sum())
        self._experience(web.cust, xp, web_effort, d, row, web.attempt, give_up=give_up)
        # Failed web users call: today when the number is visible; after searching for
        # it (next day, angrier) when it is hidden.
        esc = web.take(escalate)
        esc.attempt = esc.attempt + 1
        esc.route = np.full(len(esc), 2, np.int8)
        if ch.phone_number_visible:
            esc.carry = esc.carry + 1.0
            phone = Contacts.concat([phone, esc])
        else:
            esc.carry = esc.carry + 2.0
            self._schedule(d + 1, esc)
        return phone

    # ------------------------------------------------------------------ phone
    def _phone(self, calls: Contacts, d: int, row: dict) -> None:
        cfg, rng, c = self.cfg, self.rng, self.customers
        h, ch, sch = cfg.handling, cfg.channels, self.scheme
        staff, slots, pol, speed, skill = self._staff_arrays()
        k = len(calls)
        m = len(staff)
        row["calls_offered"] = k
        row["avail_s"] = m * ch.open_s
        if k == 0 or m == 0:
            if k:  # nobody on duty: every call is lost
                row["abandoned"] = k
                self._experience(
                    calls.cust, np.full(k, 3.0), np.full(k, 4.0), d, row, calls.attempt
                )
            return
        # Sorted arrival times in O(k): uniform order statistics from exponential
        # spacings, mapped through the intraday profile; calls take them in random order.
        gaps = rng.exponential(1.0, k + 1)
        arrival = self._profile(np.cumsum(gaps[:k]) / gaps.sum())
        calls = calls.take(rng.permutation(k))
        pm = cfg.customers.patience_mean_s
        if cfg.demand.calls_per_hour is None:
            pf = c.patience_factor[calls.cust].astype(np.float64)
        else:  # validation mode: plain exponential patience, as in Erlang A
            pf = np.ones(k)
        if pm is None:
            pat = np.full(k, np.inf)
            pat2 = pat
        else:
            pat = rng.exponential(pm, k) * pf
            pat2 = rng.exponential(pm, k) * pf
        work = h.mean_s * calls.cx
        hard = calls.cx > h.hard_complexity
        theta = pol[:, bh.THOROUGHNESS]
        u_dump, u_hang, u_push = rng.random(k), rng.random(k), rng.random(k)
        res = simulate_day(
            arrival,
            pat,
            work,
            theta / speed,
            pol[:, bh.COURTESY] * h.courtesy_max_s,
            patience2_s=pat2,
            needs_transfer=calls.needs_transfer,
            hard=hard,
            u_dump=u_dump,
            u_hang=u_hang,
            u_push=u_push,
            dump_prob=pol[:, bh.DUMP],
            push_prob=pol[:, bh.WEB_PUSH],
            hangup_share=h.hangup_share,
            transfer_s=h.transfer_handle_s,
        )
        k1 = res.kind1
        answered = k1 != ABANDONED
        wait1 = res.start1 - arrival
        transferred = k1 == TRANSFERRED
        final_kind = np.where(transferred, res.kind2, k1)
        final_srv = np.where(transferred, res.server2, res.server1)
        wait = wait1 + np.where(transferred, res.start2 - res.end1, 0.0)
        lost2 = transferred & (res.kind2 == ABANDONED)
        handled = final_kind == HANDLED
        hung = k1 == HUNG_UP
        pushed = k1 == WEB_PUSHED
        dumped = (hung | transferred) & ~calls.needs_transfer
        # ---- true ledger: resolution
        fs = np.where(final_srv >= 0, final_srv, 0)
        th_f = theta[fs]
        u_res = rng.random(k)
        resolved = handled & (u_res < p_resolve(skill[fs], th_f, calls.cx, h))
        rushed = handled & (th_f < bh.RUSHED_BELOW)
        # ---- measured ledger: disposition code
        u_code = rng.random(k)
        # the agent who ended a handled call codes it (hang-ups are "disconnected",
        # web pushes "deflected", transfers "transferred")
        coded_by = handled & (final_srv >= 0)
        false_code = coded_by & ~resolved & (u_code < pol[fs, bh.FALSE_CODING])
        coded = resolved | false_code
        # ---- experience and effort (true)
        courtesy = np.where(handled, pol[fs, bh.COURTESY], 0.0)
        extra = np.minimum(calls.attempt - 1, 3)
        xp_noise = rng.normal(0.0, 1.0, k)
        xp = (
            np.where(
                answered & ~lost2,
                experience_answered(
                    resolved, extra, wait, transferred, hung, pushed, courtesy, calls.carry
                ),
                experience_lost(wait, calls.carry),
            )
            + xp_noise
        )
        eff = effort(extra, wait, transferred, hung, pushed, calls.carry)
        # ---- measured ledger: the agent-offered post-call survey (if the scheme uses it)
        owner = answered & ~lost2 & ~hung & (final_srv >= 0)
        agent_offered = sch.kpis.csat.definition == "agent_offered"
        if agent_offered:
            answers = rng.random(k) < response_p(c.survey_propensity[calls.cust], xp)
            steer = owner & (rng.random(k) < pol[fs, bh.SURVEY_STEERING])
            looks_happy = xp + rng.normal(0.0, GUESS_NOISE, k) >= TOP2
            offered = owner & (rng.random(k) < AGENT_OFFER_RATE)
            offered &= ~(steer & ~looks_happy)  # steering: unhappy customers not asked
            survey = offered & answers
            # steering also means asking for a top score
            top2 = survey & (xp + rng.normal(0.0, ANSWER_NOISE, k) + BEG_LIFT * steer >= TOP2)
            steer_act = steer
        else:
            offered = survey = top2 = steer_act = np.zeros(k, bool)
        # ---- gaming acts and audits
        act_final = false_code | steer_act | rushed
        act_first = dumped | pushed
        gaming = act_final | act_first
        audited = answered & (rng.random(k) < sch.audit_rate)
        detect = rng.random(k) < sch.audit_detection
        # an auditor hears a false code or a steered survey; rushing only when it failed
        det_final = audited & detect & (false_code | steer_act | (rushed & ~resolved))
        det_first = audited & detect & act_first
        # abuse: frustrated customers take it out on the agent who answers
        frustrated = answered & ((calls.attempt >= 3) | (wait1 > 180.0) | (calls.carry >= 2.0))
        abused = frustrated & (rng.random(k) < 0.3)
        # ---- per-seat measured and true accounting (seat index = staff position)
        s1 = res.server1
        s2 = res.server2
        led = self.seat_ledger
        idx_slot = slots
        led.add(idx_slot, s1[answered], "legs")
        led.add(idx_slot, s2[res.kind2 == HANDLED], "legs")
        led.add(idx_slot, s1[answered], "handle_s", res.end1[answered] - res.start1[answered])
        h2 = res.kind2 == HANDLED
        led.add(idx_slot, s2[h2], "handle_s", res.end2[h2] - res.start2[h2])
        fo = final_srv[owner]
        led.add(idx_slot, fo, "answered")
        led.add(idx_slot, fo, "resolved", resolved[owner])
        led.add(idx_slot, fo, "coded", coded[owner])
        led.add(idx_slot, fo, "xp_top2", (xp >= TOP2)[owner])
        led.add(idx_slot, final_srv[survey], "surveys")
        led.add(idx_slot, final_srv[survey], "survey_top2", top2[survey])
        led.add(idx_slot, s1[transferred], "transfers")
        led.add(idx_slot, s1[pushed], "pushes")
        led.add(idx_slot, s1[hung], "hangups")
        led.add(idx_slot, final_srv[act_final & (final_srv >= 0)], "acts")
        led.add(idx_slot, s1[act_first], "acts")
        # an audited call is reviewed leg by leg: each agent who answered it is audited
        led.add(idx_slot, s1[audited & answered], "audited")
        led.add(idx_slot, s2[audited & (res.kind2 == HANDLED)], "audited")
        led.add(idx_slot, final_srv[det_final & (final_srv >= 0)], "detected")
        led.add(idx_slot, s1[det_first], "detected")
        led.add(idx_slot, s1[abused], "abuse")
        led.add_direct(idx_slot, "busy_s", res.busy_s)
        # agents on duty work until their last call ends: available time is the opening
        # hours plus each agent's overtime (busy time after closing), so occupancy <= 1
        over1 = np.maximum(res.end1 - np.maximum(res.start1, ch.open_s), 0.0)
        over2 = np.maximum(res.end2 - np.maximum(res.start2, ch.open_s), 0.0)
        overtime = np.bincount(s1[answered], over1[answered], minlength=m) + np.bincount(
            s2[h2], over2[h2], minlength=m
        )
        led.add_direct(idx_slot, "duty_s", ch.open_s + overtime)
        # ---- day totals
        sl_t = ch.service_level_threshold_s
        row["avail_s"] = m * ch.open_s + float(overtime.sum())
        row.update(
            abandoned=int((~answered).sum()),
            abandoned_after_transfer=int(lost2.sum()),
            calls_answered=int(answered.sum()),
            answered_in_sl=int((answered & (wait1 <= sl_t)).sum()),
            waited=int((wait1 > 0).sum()),
            wait_answered_s=float(wait1[answered].sum()),
            wait_all_s=float(wait1.sum()),
            busy_s=float(res.busy_s.sum()),
            legs=int(answered.sum() + h2.sum()),
            handle_s=float(
                (res.end1 - res.start1)[answered].sum() + (res.end2 - res.start2)[h2].sum()
            ),
            answered_owned=int(owner.sum()),
            resolved_true=int(resolved[owner].sum()),
            coded_resolved=int(coded[owner].sum()),
            resolved_seconds=float(
                (res.end1 - res.start1)[answered].sum() + (res.end2 - res.start2)[h2].sum()
            ),
            surveys=int(survey.sum()),
            survey_top2=int(top2.sum()),
            surveys_offered=int(offered.sum()),
            transfers=int(transferred.sum()),
            hangups=int(hung.sum()),
            pushes=int(pushed.sum()),
            gaming_contacts=int(gaming.sum()),
            false_resolutions=int(false_code.sum()),
            steered=int(steer_act.sum()),
            dumped=int(dumped.sum()),
            rushed=int(rushed.sum()),
            audited=int(audited.sum()),
            detected=int((det_final | det_first).sum()),
        )
        # ---- memory of the period's calls, for the employees' hindsight
        h1 = answered
        h2 = res.kind2 == HANDLED
        if d == 0:  # size the memory from the first day's volume
            self.legs.retune(float(h1.sum() + h2.sum()) / m * self.scheme.period_days)
        if self.legs.keep_p < 1.0:  # remember a random share of the legs (same for all)
            h1 = h1 & (rng.random(k) < self.legs.keep_p)
            h2 = h2 & (rng.random(k) < self.legs.keep_p)
        s1h, s2h = res.server1[h1], res.server2[h2]
        prop = c.survey_propensity[calls.cust].astype(np.float64)
        for mask, srv, second, w in ((h1, s1h, False, wait1), (h2, s2h, True, wait)):
            self.legs.add(
                seat=slots[srv],
                second=np.full(srv.shape[0], second),
                needs_transfer=calls.needs_transfer[mask],
                hard=hard[mask],
                cx=calls.cx[mask],
                u_dump=u_dump[mask],
                u_hang=u_hang[mask],
                u_push=u_push[mask],
                u_res=u_res[mask],
                u_code=u_code[mask],
                wait_s=w[mask],
                extra=extra[mask],
                carry=calls.carry[mask],
                xp_noise=xp_noise[mask],
                propensity=prop[mask],
                skill=skill[srv],
                speed=speed[srv],
            )
        # ---- follow-ups: pushed callers go to the web, unresolved callers come back
        complained, rnd_survey, rnd_top2 = self._experience(
            calls.cust, xp, eff, d, row, calls.attempt
        )
        led.add(idx_slot, final_srv[owner & complained], "complaints")
        rs = owner & rnd_survey
        led.add(idx_slot, final_srv[rs], "rnd_surveys")
        led.add(idx_slot, final_srv[rs], "rnd_top2", rnd_top2[rs])
        # friendliness rating (1-5) given by the surveyed customers of owned calls
        rated = (survey if agent_offered else rs) & owner
        fr = self._friendliness(staff)
        friendly = 1.0 + 4.0 * np.clip(
            0.5 * fr[fs]
            + 0.5 * pol[fs, bh.COURTESY]
            + 0.1 * rng.normal(0.0, 1.0, k)
            + 0.1 * steer_act,
            0.0,
            1.0,
        )
        row["friendliness_sum"] = float(friendly[rated].sum())
        row["friendliness_n"] = int(rated.sum())
        c.last_contact_day[calls.cust[owner]] = d
        c.last_contact_seat[calls.cust[owner]] = slots[final_srv[owner]]
        c.last_contact_period[calls.cust[owner]] = self.period
        bad = xp < BAD
        pf_new = np.where(bad, pf * cfg.customers.patience_repeat_factor, 1.0)
        c.patience_factor[calls.cust] = pf_new.astype(np.float32)
        unresolved = ~resolved
        back = unresolved & (rng.random(k) < cfg.customers.repeat_prob)
        if cfg.demand.calls_per_hour is None and back.any():
            nxt = calls.take(back)
            nxt.attempt = nxt.attempt + 1
            nxt.carry = np.minimum(nxt.carry + 0.5, 4.0)
            nxt.route = np.where(pushed[back], 1, 2).astype(np.int8)
            delay = np.where(pushed[back], 1, self._repeat_delay(len(nxt)))
            order = np.argsort(delay, kind="stable")
            nxt, delay = nxt.take(order), delay[order]
            bounds = np.flatnonzero(np.diff(delay)) + 1
            for a, b in zip(np.r_[0, bounds], np.r_[bounds, len(delay)], strict=True):
                self._schedule(d + int(delay[a]), nxt.take(slice(a, b)))

    # ------------------------------------------------------------------ customers
    def _experience(
        self,
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
        cfg, rng, c = self.cfg.customers, self.rng, self.customers
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
        comp_p = c.complaint_propensity[cust] * np.where(bad, 2.0, 0.05)
        if give_up is not None:
            comp_p = np.where(give_up, np.minimum(1.0, comp_p * 2.0), comp_p)
        complained = rng.random(k) < comp_p
        row["complaints"] = row.get("complaints", 0) + int(complained.sum())
        # the company's random relationship survey samples every kind of contact
        sampled = rng.random(k) < RANDOM_SURVEY_RATE
        rnd = sampled & (rng.random(k) < response_p(c.survey_propensity[cust], xp))
        rnd_top2 = rnd & (xp + rng.normal(0.0, ANSWER_NOISE, k) >= TOP2)
        row["rnd_sampled"] = row.get("rnd_sampled", 0) + int(sampled.sum())
        row["rnd_surveys"] = row.get("rnd_surveys", 0) + int(rnd.sum())
        row["rnd_top2"] = row.get("rnd_top2", 0) + int(rnd_top2.sum())
        loy = c.loyalty[cust] + 0.015 * (xp - 6.5) - 0.01 * (eff - 2.0)
        c.loyalty[cust] = np.clip(loy, 0.0, 1.0).astype(np.float32)
        c.schedule_churn(cust, d)
        # churn spike after a bad experience (PwC 2018), rising with repeated bad ones
        bc = c.bad_count[cust]
        cap = min(1.0, 3.5 * cfg.churn_after_bad)
        p = np.where(bad, np.minimum(cap, cfg.churn_after_bad * (1.0 + bc)), 0.0)
        p = p + cfg.churn_effort_sensitivity * (eff - 1.0) / 6.0
        leave = rng.random(k) < p
        c.bad_count[cust] = bc + bad
        if leave.any():
            lc = cust[leave]
            when = d + 1 + rng.geometric(0.2, lc.shape[0])
            c.leave_day[lc] = np.minimum(c.leave_day[lc], when).astype(np.int32)
        return complained, rnd, rnd_top2

    def _customers_day(self, d: int, row: dict) -> None:
        c, cfg = self.customers, self.cfg.customers
        gone = c.churn_today(d)
        row["churned"] = int(gone.shape[0])
        row["churned_starters"] = int(c.starter[gone].sum())
        rate = cfg.acquisition_annual_rate + cfg.acquisition_nps_sensitivity * self._nps / 100.0
        k = self.rng.poisson(max(0.0, rate) * c.active_count() / DAYS_PER_YEAR)
        c.add(k, d)
        row["acquired"] = k
        row["active"] = c.active_count()
        rev = c.revenue_monthly_active()
        row["revenue"] = rev * 12.0 / DAYS_PER_YEAR
        row["cost_labour"] = sum(s.salary_annual for s in self.staff) / DAYS_PER_YEAR
        row["cost_web"] = row.get("web_sessions", 0) * self.cfg.channels.web_cost

    @property
    def _nps(self) -> float:
        if self.day % self.scheme.period_days == 0 or not hasattr(self, "_nps_cache"):
            self._nps_cache = self.customers.nps()
        return self._nps_cache

    # ------------------------------------------------------------------ staff
    def _quits(self, d: int, row: dict) -> None:
        leavers = [emp for emp in self.staff if self.rng.random() < emp.quit_hazard()]
        self._leave(leavers, d)
        row["quits"] = row.get("quits", 0) + len(leavers)

    def dismiss(self, employees: list[Employee], d: int) -> None:
        """Dismiss employees (forced ranking); they count in staff turnover."""
        self._leave(employees, d)
        row = self.ledger.current
        row["quits"] = row.get("quits", 0) + len(employees)
        row["dismissals"] = row.get("dismissals", 0) + len(employees)

    def _leave(self, leavers: list[Employee], d: int) -> None:
        lag = self.cfg.employees.hiring_lag_days
        for emp in leavers:
            self.seats[emp.slot] = None
            self.vacant_until[emp.slot] = d + lag
            self.seat_ledger.quit(emp.slot)
            emp.remove()
        if leavers:
            self._invalidate_staff()

    def _hire(self, d: int) -> None:
        e = self.cfg.employees
        hires = 0
        for slot, emp in enumerate(self.seats):
            if emp is None and self.vacant_until[slot] <= d:
                self.seats[slot] = self._new_employee(slot)
                hires += 1
        if hires:
            self._invalidate_staff()
            monthly = e.salary_experienced_annual / 12.0
            self.ledger.current["cost_hiring"] = hires * e.replacement_cost_months * monthly
            self.ledger.current["hires"] = hires

    # ------------------------------------------------------------------ pay periods
    def _rollout(self, proposal: SchemeConfig) -> None:
        """Replace the scheme from today on."""
        self.scheme = proposal
        # employees keep their habits; they learn the new scheme from hindsight

    def _end_period(self, d: int) -> None:
        from .employees import close_period

        close_period(self, d)
        self.period += 1
        self.period_start = self.day

    def run(self) -> None:
        """Run until ``cfg.days`` working days have been simulated."""
        while self.running:
            self.step()


def _intraday_cdf(cfg: Config):
    """Inverse CDF of the intraday arrival profile: maps uniforms to seconds."""
    T = cfg.channels.open_s
    grid = np.linspace(0.0, T, 481)
    mid = 0.5 * (grid[1:] + grid[:-1])
    if cfg.demand.intraday_profile == "flat" or cfg.demand.calls_per_hour is not None:
        rate = np.ones_like(mid)
    else:
        g = np.exp(-((mid - 0.3 * T) ** 2) / (2 * (0.1 * T) ** 2)) + np.exp(
            -((mid - 0.7 * T) ** 2) / (2 * (0.1 * T) ** 2)
        )
        R = cfg.demand.peak_ratio
        denom = g.max() - R * g.mean()
        a = (R - 1.0) / denom if denom > 1e-12 else 0.0
        rate = 1.0 + max(a, 0.0) * g
    cdf = np.concatenate([[0.0], np.cumsum(rate)])
    cdf /= cdf[-1]

    def inv(u: np.ndarray) -> np.ndarray:
        return np.interp(u, cdf, grid)

    return inv
