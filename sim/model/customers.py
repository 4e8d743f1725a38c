"""The customer base as a columnar population: numpy arrays, one row per customer.

Every attribute is a column; a day touches only the rows of customers who have an event
(an issue, a contact, a churn).  A customer's churn hazard is constant between changes
of their loyalty, so the day they would churn is drawn once (exponential waiting time)
and redrawn (memoryless) whenever a contact, or the weekly fade, changes it.

Churn follows loyalty only (one pathway: experience -> loyalty -> hazard), normalised
so a base with the starting loyalty distribution churns at ``churn_annual_base`` a
year.  Loyalty fades toward each customer's own baseline (``loyalty_base``), which the
starting base sits below by the stationary effect of its past service.  Acquisition is
its own process (marketing plus word of mouth from true NPS); newcomers' loyalty is
distributed as that of the customers a stationary base loses, so a centre whose service
leaves loyalty where it started keeps its size and its loyalty distribution."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..config import CustomersConfig
from ..units import DAYS_PER_YEAR, MONTHS_PER_YEAR
from . import churn_kernel as chk
from . import customers_kernel as ck
from .customers_calibration import (  # beta and nps_reference: re-exported here
    DETRACTOR_LOYALTY,
    PROMOTER_LOYALTY,
    beta,
    extra_churn_step,
    fade_time_days,
    mean_hazard_factor,
    newcomer_loyalty_table,
    nps_reference,
)
from .sampling import build_alias_into

NEVER = np.iinfo(np.int32).max
#: Loyalty fades toward the customer's own baseline in steps this many working days apart
#: (a week: the churn days of the whole base are redrawn at each step).
FADE_EVERY_DAYS = 5


class Customers:
    """Columnar customer population with capacity for acquisitions.

    Columns: ``active`` (bool), ``revenue_monthly`` (currency a month), ``loyalty``,
    ``loyalty_base`` (the customer's own baseline, which loyalty fades toward; may
    exceed 1), ``digital_skill``, ``complaint_propensity``, ``survey_propensity`` (all [0, 1]),
    ``issue_rate`` (issues per working day), ``patience_factor`` (multiplies the
    exponential patience), ``prefers_web`` (bool), ``churn_day`` (day the loyalty-driven
    hazard ends the relationship, redrawn whenever loyalty changes), ``joined_day``,
    ``starter`` (in the starting population), ``last_contact_day`` and
    ``last_contact_seat`` / period (for the "no repeat within 7 days" FCR measure),
    ``number_forget_day`` (the day from which the customer no longer remembers where
    the phone number is; -1: never knew it), ``number_missed_day`` (the last day they
    searched for it and did not find it; -1: never) - ``web.py`` keeps both.
    """

    def __init__(self, cfg: CustomersConfig, rng: np.random.Generator) -> None:
        self.cfg = cfg
        self.rng = rng
        # churn days come from their own stream, seeded from the model's: redrawing the
        # whole base's at each fade step then leaves the model's stream, and the common
        # random numbers of paired runs, in step
        self.churn_rng = np.random.default_rng(int(rng.integers(2**63)))
        cap = int(cfg.n * (1 + cfg.growth_headroom)) + 16
        self.n_used = 0
        self._alloc(cap)
        # daily hazard of a customer at mean loyalty, normalised (``mean_hazard_factor``)
        self.base_daily_hazard = cfg.churn_annual_base / DAYS_PER_YEAR / mean_hazard_factor(cfg)
        #: the hazard's loyalty sensitivity, mean loyalty and daily base rate in float32,
        #: the precision ``hazard`` computes in (for ``customers_kernel``)
        self.hz32 = (
            np.float32(cfg.churn_loyalty_sensitivity),
            np.float32(cfg.loyalty_mean),
            np.float32(self.base_daily_hazard),
        )
        self._f32 = np.empty(0, np.float32)  # scratch: hazard exponents, then their exp
        self._f64 = np.empty(0)  # scratch: the churn stream's exponential draws
        self.nps_ref = nps_reference(cfg)
        self.fade_days = fade_time_days(cfg)
        # loyalty one bad experience costs (``experience.loyalty_steps``)
        h_year = self.base_daily_hazard * DAYS_PER_YEAR
        bad_loss = extra_churn_step(cfg, h_year, cfg.churn_after_bad)
        # the starting loyalty's gap below the own baseline, per issue a working day
        self.debt_per_rate = cfg.past_issue_cost * bad_loss * self.fade_days
        self._newcomer = newcomer_loyalty_table(cfg)
        rate = cfg.acquisition_annual_rate
        self.acq_base = cfg.churn_annual_base if rate is None else rate
        self.n_active = 0
        self._alias: tuple[np.ndarray, np.ndarray] | None = None  # over rows [0, _alias_n)
        self._alias_buf: tuple[np.ndarray, ...] | None = None  # its arrays, and a stack
        self._alias_n = 0
        self._alias_w = 0.0
        # cumulative issue rates of the rows past the alias table (``_tail_cumsum``)
        self._tail, self._tail_start, self._tail_n = np.empty(0), -1, 0
        # a list of every active row that churns by day ``_soon_until`` (and perhaps some
        # that no longer do), for ``churn_today``: made at each fade, added to at redraws
        self._soon, self._soon_n, self._soon_until = np.empty(0, np.int64), 0, -1
        self._rev_total = 0.0  # monthly revenue of active customers (currency a month)
        self._rate_total = 0.0  # issues per working day of active customers
        self.add(cfg.n, day=0, starter=True)
        self.n_start = cfg.n

    # ------------------------------------------------------------------ storage
    _COLUMNS: ClassVar[dict[str, type]] = {
        "active": np.bool_,
        "revenue_monthly": np.float32,
        "loyalty": np.float32,
        "loyalty_base": np.float32,
        "digital_skill": np.float32,
        "complaint_propensity": np.float32,
        "survey_propensity": np.float32,
        "issue_rate": np.float32,
        "patience_factor": np.float32,
        "prefers_web": np.bool_,
        "churn_day": np.int32,
        "joined_day": np.int32,
        "starter": np.bool_,
        "last_contact_day": np.int32,
        "last_contact_seat": np.int32,
        "last_contact_period": np.int32,
        "number_forget_day": np.int32,
        "number_missed_day": np.int32,
    }

    def _alloc(self, cap: int) -> None:
        old = {k: getattr(self, k) for k in self._COLUMNS if hasattr(self, k)}
        for name, dtype in self._COLUMNS.items():
            arr = np.zeros(cap, dtype=dtype)
            if name in old:
                arr[: self.n_used] = old[name][: self.n_used]
            setattr(self, name, arr)
        self.capacity = cap

    def add(self, k: int, day: int, starter: bool = False) -> np.ndarray:
        """Add ``k`` new customers on ``day``; returns their row indices.

        Parameters
        ----------
        k:
            Customers to add.
        day:
            Day they join (working day index).
        starter:
            Part of the starting base (not acquired during the run).
        """
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        if self.n_used + k > self.capacity:
            self._alloc(max(2 * self.capacity, self.n_used + k))
        c, rng = self.cfg, self.rng
        lo, hi = self.n_used, self.n_used + k
        idx = slice(lo, hi)  # the new rows: a block, written without fancy indexing
        self.n_used += k
        self.active[idx] = True
        # lognormal revenue with the configured mean
        mu = np.log(max(c.revenue_monthly_mean, 1e-12)) - 0.5 * c.revenue_log_sd**2
        self.revenue_monthly[idx] = rng.lognormal(mu, c.revenue_log_sd, k)
        if starter:
            self.loyalty[idx] = beta(rng, c.loyalty_mean, c.loyalty_concentration, k)
        else:
            left, cdf = self._newcomer
            cell = np.minimum(np.searchsorted(cdf, rng.random(k)), left.shape[0] - 1)
            self.loyalty[idx] = left[cell] + rng.random(k) / left.shape[0]
        self.digital_skill[idx] = beta(rng, c.digital_skill_mean, 4.0, k)
        self.complaint_propensity[idx] = beta(rng, max(c.complaint_propensity_mean, 1e-6), 4.0, k)
        self.survey_propensity[idx] = beta(rng, max(c.survey_propensity_mean, 1e-6), 4.0, k)
        shape = c.issue_rate_shape
        self.issue_rate[idx] = rng.gamma(shape, c.issues_per_year / DAYS_PER_YEAR / shape, k)
        # own baseline: above today's loyalty by what the usual service costs, in balance
        self.loyalty_base[idx] = self.loyalty[idx] + self.debt_per_rate * self.issue_rate[idx]
        self.patience_factor[idx] = 1.0
        self.prefers_web[idx] = rng.random(k) < c.web_preference
        self.joined_day[idx] = day
        self.starter[idx] = starter
        self.last_contact_day[idx] = -(10**6)
        self.last_contact_seat[idx] = -1
        self.last_contact_period[idx] = -1
        self.number_forget_day[idx] = -1  # newcomers learn the number by using it
        self.number_missed_day[idx] = -1
        rows = np.arange(lo, hi)
        self.schedule_churn(rows, day)
        self.n_active += k
        self._rev_total += float(self.revenue_monthly[idx].sum(dtype=np.float64))
        self._rate_total += float(self.issue_rate[idx].sum(dtype=np.float64))
        return rows

    # ------------------------------------------------------------------ churn
    def hazard(self, idx: np.ndarray) -> np.ndarray:
        """Daily churn hazard: the normalised base rate, rising exponentially as loyalty
        falls (Bolton 1998: satisfaction lowers the hazard of ending the relationship).

        Parameters
        ----------
        idx:
            Customer rows.
        """
        k = self.cfg.churn_loyalty_sensitivity
        return self.base_daily_hazard * np.exp(k * (self.cfg.loyalty_mean - self.loyalty[idx]))

    def schedule_churn(self, idx: np.ndarray, day: int) -> None:
        """(Re)draw the day each customer in ``idx`` would churn, from tomorrow on.

        Parameters
        ----------
        idx:
            Customer rows.
        day:
            Today (working day index).
        """
        if idx.shape[0]:
            ex = self.scratch(idx.shape[0])[0]
            ck.hazard_exponent(self.loyalty, idx, *self.hz32[:2], ex)
            self.churn_days_from(ex, day, idx)

    def churn_days_from(self, ex: np.ndarray, day: int, idx: np.ndarray | None = None) -> None:
        """Draw the churn days of the rows ``idx`` (None: every active row, in row order)
        from their hazard exponents ``ex`` (``customers_kernel.hazard_exponent``, in the
        first float32 scratch buffer): numpy's ``exp`` as :meth:`hazard`, then one draw of
        the churn stream each (``standard_exponential`` = ``exponential(1.0)``).

        Parameters
        ----------
        ex:
            The rows' hazard exponents (overwritten).
        day:
            Today (working day index).
        idx:
            Customer rows (None: the active rows).
        """
        np.exp(ex, out=ex)
        draws = self._f64[: ex.shape[0]]
        self.churn_rng.standard_exponential(out=draws)
        base = self.hz32[2]
        if idx is None:  # the whole active base: the list of who may churn soon afresh
            until = day + FADE_EVERY_DAYS  # the next fade redraws every churn day again
            self._soon_room(0, ex.shape[0])
            self._soon_n = chk.set_churn_days_active(
                self.churn_day, self.active, self.n_used, ex, base, draws, day, (self._soon, until)
            )
            self._soon_until = until
        else:
            self._soon_room(self._soon_n, idx.shape[0])
            soon = (self._soon, self._soon_n, self._soon_until)
            self._soon_n = chk.set_churn_days(self.churn_day, idx, ex, base, draws, day, soon)

    def _soon_room(self, kept: int, more: int) -> None:
        """Room for ``more`` rows after the first ``kept`` of the list (grown 2x)."""
        if self._soon.shape[0] < kept + more:
            grown = np.empty(max(2 * self._soon.shape[0], kept + more), np.int64)
            grown[:kept] = self._soon[:kept]
            self._soon = grown

    def scratch(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Views of ``n`` rows of the float32 and float64 scratch buffers (grown to the
        capacity when too small: a run allocates them a few times at most)."""
        if self._f32.shape[0] < n:
            size = max(n, self.capacity)
            self._f32 = np.empty(size, np.float32)
            self._f64 = np.empty(size)
        return self._f32[:n], self._f64[:n]

    def churn_today(self, day: int) -> np.ndarray:
        """Deactivate the customers scheduled to churn on ``day``; return their rows.

        Parameters
        ----------
        day:
            Today (working day index).
        """
        if day <= self._soon_until:  # everyone due today is listed: read the list only
            idx = np.empty(self._soon_n, np.int64)
            soon = (self._soon[: self._soon_n], self._soon_until)
            got, self._soon_n = chk.churn_due_listed(
                self.churn_day, self.active, self.number_forget_day, soon, day, idx
            )
        else:
            n = self.n_used
            idx = np.empty(n, np.int64)
            got = chk.churn_due(self.churn_day, self.active, self.number_forget_day, n, day, idx)
        idx = idx[:got].copy()
        self.n_active -= idx.shape[0]
        self._rev_total -= float(self.revenue_monthly[idx].sum(dtype=np.float64))
        self._rate_total -= float(self.issue_rate[idx].sum(dtype=np.float64))
        return idx

    def fade(self, day: int) -> None:
        """Every ``FADE_EVERY_DAYS`` working days, move every active customer's loyalty
        toward their own baseline (``loyalty_base``): the distance shrinks by
        2^(-FADE_EVERY_DAYS / ``loyalty_half_life_days``); then redraw their churn days
        (the hazard changed).  Call after the day's churn.

        Parameters
        ----------
        day:
            Today (working day index).
        """
        if day % FADE_EVERY_DAYS != 0:
            return
        n = self.n_used
        keep = np.float32(np.exp(-FADE_EVERY_DAYS / self.fade_days))
        ex = self.scratch(n)[0]
        # one pass: fade, clip to [0, 1], and the hazard exponent of each active row
        na = ck.fade_active(
            self.active, self.loyalty, self.loyalty_base, n, keep, *self.hz32[:2], ex
        )
        self.churn_days_from(ex[:na], day)

    # ------------------------------------------------------------------ issues
    def draw_issues(self, day: int, volume: float = 1.0) -> np.ndarray:
        """Rows of the customers with a new issue today (a customer may have two).

        The count is Poisson with the active base's total rate times ``volume`` (the
        day-of-week factor).  Customers are drawn
        proportionally to their rate from an alias table over all rows (O(1) a draw),
        rejecting those who have churned.  The table is rebuilt when the rows added
        since the last build pass 5%; newer rows are drawn from a small cumulative sum.

        Parameters
        ----------
        day:
            Today (working day index).
        volume:
            The day-of-week volume factor (1: an average day).
        """
        n = self.n_used
        total = self.total_rate()
        if n == 0 or total <= 0:
            return np.empty(0, dtype=np.int64)
        k = int(self.rng.poisson(total * volume))
        if k == 0:
            return np.empty(0, dtype=np.int64)
        if self._alias is None or n - self._alias_n > 0.05 * self._alias_n:
            self._rebuild_alias(n)
        prob, alias = self._alias
        an = self._alias_n
        tail = self._tail_cumsum(an, n)
        tail_w = float(tail[-1]) if tail.shape[0] else 0.0
        w_all = self._alias_w + tail_w
        out: list[np.ndarray] = []
        need = k
        no_tail = np.empty(0)
        while need > 0:
            m = int(need * w_all / total * 1.1) + 16
            # the draws of ``sampling.alias_draw``; the kernel reads the table
            pick = self.rng.integers(0, prob.shape[0], m)
            u_pick = self.rng.random(m)
            u_tail = self.rng.random(m) if tail_w > 0 else no_tail
            rows = np.empty(need, np.int64)
            draws, w = (pick, u_pick, u_tail), (self._alias_w, w_all)
            got = ck.issue_rows(draws, (prob, alias), tail, w, an, self.active, need, rows)
            out.append(rows[:got])
            need -= got
        return np.concatenate(out)

    def _rebuild_alias(self, n: int) -> None:
        """The alias table over the issue rates of rows ``[0, n)``, built into the last
        table's arrays when they are long enough (the weights in the float64 scratch)."""
        w = self.scratch(n)[1]
        np.copyto(w, self.issue_rate[:n])  # float64 (``astype``)
        self._alias_w = float(w.sum())
        if self._alias_buf is None or self._alias_buf[0].shape[0] < n:
            cap = max(n, self.capacity)
            self._alias_buf = np.empty(cap), np.empty(cap, np.int64), np.empty(cap, np.int64)
        prob, alias, stack = self._alias_buf
        build_alias_into(w, prob, alias, stack[:n])
        self._alias = prob[:n], alias[:n]
        self._alias_n = n

    def _tail_cumsum(self, an: int, n: int) -> np.ndarray:
        """``np.cumsum(issue_rate[an:n], dtype=float64)`` (rows past the alias table),
        extended from the last call's: rates never change and a cumulative sum is
        sequential, so the continued sum is the same floats."""
        if self._tail_start != an:  # the alias table was rebuilt: start again
            self._tail_start, self._tail_n = an, 0
        done, need = self._tail_n, n - an
        if done < need:
            if self._tail.shape[0] < need:  # grown geometrically: a few times a run
                self._tail = np.concatenate([self._tail[:done], np.empty(max(need, 1024))])
            new = self.issue_rate[an + done : n].astype(np.float64)
            if done:
                new[0] += self._tail[done - 1]
            np.cumsum(new, out=self._tail[done:need])
            self._tail_n = need
        return self._tail[:need]

    def total_rate(self) -> float:
        """Sum of active customers' issue rates (issues per working day), kept
        up to date as customers join and leave."""
        return max(self._rate_total, 0.0)

    # ------------------------------------------------------------------ aggregates
    def active_count(self) -> int:
        """Active customers (kept up to date as customers join and leave)."""
        return self.n_active

    def acquisition_rate(self, nps: float) -> float:
        """New customers a year as a share of the active base: marketing at the base
        acquisition rate (``acquisition_annual_rate``; by default the base churn rate, the
        rate at which a base with the starting loyalty distribution loses customers, so
        the baseline keeps its size in expectation) plus word of mouth,
        ``acquisition_nps_sensitivity`` per unit of (true NPS - the starting base's
        NPS)/100; never negative.  Drawn each day as its own Poisson process, not set to
        the day's churn.

        Parameters
        ----------
        nps:
            The base's true NPS, -100..100.
        """
        gap = (nps - self.nps_ref) / 100.0
        return max(0.0, self.acq_base + self.cfg.acquisition_nps_sensitivity * gap)

    def equity(self, margin_rate: float, discount_rate: float) -> float:
        """Customer equity: the discounted gross margin of the active base, currency units.

        Per active customer i, ``margin_i r_i / (1 + d - r_i)``: the annual margin
        (``revenue_monthly`` x ``MONTHS_PER_YEAR`` x ``margin_rate``) of a customer who
        stays each year with their own retention probability
        ``r_i = exp(-h_i x DAYS_PER_YEAR)`` (``h_i`` the daily churn hazard of
        :meth:`hazard`, which follows the customer's loyalty now),
        discounted at ``d`` a year; the sum over the active base.  A base whose loyalty
        fell is worth less before anyone leaves.  Infinite (``inf``) only when a customer
        never churns and nothing is discounted (``churn_annual_base`` = 0 and ``d`` = 0).
        Reads only: no random draw.

        Parameters
        ----------
        margin_rate:
            Gross margin on revenue, a share in [0, 1] (``customers.margin_rate``).
        discount_rate:
            Annual discount rate, >= 0 (``customers.discount_rate_annual``).
        """
        n = self.n_used
        k, m, base = self.hz32
        ex, r = self.scratch(n)
        na = ck.active_exponents(self.active, self.loyalty, n, k, m, ex)
        if na == 0:
            return 0.0
        ex, r = ex[:na], r[:na]
        np.exp(ex, out=ex)  # the hazard, as ``hazard``
        ck.retention_exponents(ex, base, DAYS_PER_YEAR, r)
        np.exp(r, out=r)  # r = exp(-h x DAYS_PER_YEAR)
        ck.equity_terms(
            self.active, self.revenue_monthly, n, (MONTHS_PER_YEAR, margin_rate), discount_rate, r
        )
        return float(r.sum())

    def revenue_monthly_active(self) -> float:
        """Monthly revenue of the active customers (currency units a month)."""
        return self._rev_total

    def nps(self) -> float:
        """True NPS (-100..100) from loyalty: promoters >= ``PROMOTER_LOYALTY``,
        detractors < ``DETRACTOR_LOYALTY``."""
        edges = np.float32(PROMOTER_LOYALTY), np.float32(DETRACTOR_LOYALTY)
        n_act, pro, det = ck.loyalty_bands(self.active, self.loyalty, self.n_used, *edges)
        if n_act == 0:
            return 0.0
        # the shares numpy's mean of a mask gives: an exact count over the rows
        return float(100.0 * (pro / n_act - det / n_act))
