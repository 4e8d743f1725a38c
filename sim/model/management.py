"""The centre's management: managers and team leaders who read the dashboard and decide.

At the end of each pay period (``ContactCentreModel.end_period``) the :class:`Manager`
reads the scheme's dashboard (``dashboard.py``: measured numbers only) and, by the policy
in ``management.*`` (``sim/config/management.py``):

- counts how many periods in a row each tripwire (a limited metric) is breached by more
  than ``detect_margin`` of its limit; from ``detect_periods`` on it is *detected*;
- service level below target -> an early re-plan of the staffing (``replan``);
- a customer-side tripwire (random-survey CSAT, repeat or complaint rate) while the phone
  number is hidden -> the number goes "one click away" (the phone visibility);
- a safety net tripping ``redesign_periods`` in a row -> the KPI it guards is redesigned:
  part of its weight moves to the broad CX KPI (or is dropped);
- agents the dashboard flags (own safety-net breach, bottom scores) -> coaching: hours off
  the phones, skill and thoroughness move toward the standard;
- optionally the target ratchet (``ratchet``).

Decisions take effect ``decision_delay_days`` working days after the period closes (the
morning of day ``d + 1 + delay``) and are logged in ``model.decisions`` with the measured
value that triggered them and, for diagnosis only, the true value of the same quantity
(``Manager.start_day`` returns them with the scheme and visibility they make; the model
applies them).
Every period also records whether the dashboard and the truth agreed on the customer
side (``reviews``: read by sign 4, ``sim/outputs/signs.py``), even with the manager off.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import ManagementConfig, SchemeConfig
from . import behavior as bh
from . import dashboard as db
from .planning import FRONT
from .scheme import kpi_names

if TYPE_CHECKING:
    from .centre import ContactCentreModel
    from .ledgers import DayRecord
    from .workforce import Duty

#: The phone-visibility levels (helper config ``channels.phone_visibility``).
ONE_CLICK, HIDDEN = "one_click", "hidden"
#: A true value within this share of a limit sits at the limit: neither a clear call for
#: action nor a clear all-clear (sign 4 counts only clear disagreements).
AT_LIMIT = 0.05
#: Per-agent safety metrics the employee table carries (``period_rows.columns``).
AGENT_NETS = {
    "repeat_rate": "repeat_rate",
    "fcr_no_repeat": "repeat_rate",
    "csat_random": "csat_random",
    "quality": "quality",
}


@dataclass
class InForce:
    """What the managers' decisions due this morning make of the centre
    (``Manager.start_day``; applied by ``ContactCentreModel``)."""

    scheme: SchemeConfig  # the front line's scheme in force from today
    phone_visibility: str  # the phone-visibility level in force from today
    replans: int  # early re-plans to run this morning
    records: list[dict]  # the decisions put in force, for ``model.decisions``


class Manager:
    """The centre manager and team leaders of one run (state between periods)."""

    def __init__(self, cfg: ManagementConfig) -> None:
        self.cfg = cfg
        self.streak: dict[str, int] = {}
        #: decisions waiting for their day: (effective day, record, what to do)
        self.pending: list[tuple[int, dict, str]] = []
        #: employee id -> first day of a coaching session (taken when next at work)
        self.coach_due: dict[int, int] = {}
        #: one entry per pay period: the dashboard's and the truth's customer verdicts
        self.reviews: list[dict] = []

    # ------------------------------------------------------------ end of a period
    def review(self, model: ContactCentreModel, d: int) -> None:
        """Read the dashboard of the period ending on day ``d`` and schedule decisions
        (call before the seat ledger is reset).

        Parameters
        ----------
        model:
            The centre (read: configuration, random generator, state). The period's ledgers
            are read before they are reset.
        d:
            The period's last day (working day index).
        """
        c = self.cfg
        board = db.build(model, d, model.scheme)
        truth_cx = db.true_cx(model, d, model.scheme)
        cust = [i for i in board.values() if i.customer_side and i.limit is not None]
        dash_alarm = any(i.breached(c.detect_margin) for i in cust)
        judged = [truth_cx, *cust]
        far, near = c.detect_margin + AT_LIMIT, c.detect_margin - AT_LIMIT
        # the truth clearly beyond a limit, or clearly within every limit
        truth_alarm = any(i.breached(far, i.true) for i in judged)
        truth_clear = not any(i.breached(near, i.true) for i in judged)
        self.reviews.append(
            {
                "day": d,
                "dashboard_alarm": dash_alarm,
                "truth_alarm": truth_alarm,
                "truth_clear": truth_clear,
                "cx_shown": db.CX in board,
                "cx_measured": truth_cx.measured,
                "cx_true": truth_cx.true,
                "visibility": model.phone_visibility,
            }
        )
        if not c.enabled:
            return
        for name, item in board.items():
            if item.limit is not None:
                hit = item.breached(c.detect_margin)
                self.streak[name] = self.streak.get(name, 0) + 1 if hit else 0
        detected = {
            n: board[n] for n, k in self.streak.items() if n in board and k >= c.detect_periods
        }
        when = d + 1 + c.decision_delay_days
        sl = detected.get("service_level")
        if sl is not None and c.replan and model.cfg.workforce.planning:
            self._schedule(when, d, "replan", "service level below target", sl)
        bad = sorted(
            (i for i in detected.values() if i.customer_side), key=lambda i: i.metric != db.CX
        )  # the broad CX KPI first
        if bad and c.channel and model.phone_visibility == HIDDEN:
            self._schedule(
                when,
                d,
                "phone_one_click",
                "customer-side safety net tripped while the number is hidden",
                bad[0],
            )
        if c.redesign:
            self._redesigns(model, board, when, d)
        if c.coaching:
            self._flag_for_coaching(model, when, d)
        if c.ratchet != "off":
            self._ratchet(model, when, d)

    def _schedule(
        self, when: int, d: int, action: str, reason: str, item: db.Item | None, **extra
    ) -> None:
        """None

        Parameters
        ----------
        when:
            Day the decision takes effect.
        d:
            Day it was detected.
        action:
            What to do (``replan``, ``phone_one_click``, ``redesign``, ``raise_target``,
            ``relax_target``).
        reason:
            Why, in words (the decisions table).
        item:
            The dashboard line that triggered it (None: none).
        **extra:
            More fields of the record (``kpi``).
        """
        if any(a == action and r.get("kpi") == extra.get("kpi") for _, r, a in self.pending):
            return  # already decided, not yet in force
        rec = {
            "day": when,
            "detected_day": d,
            "action": action,
            "reason": reason,
            "metric": item.metric if item else "",
            "limit": item.limit if item else None,
            "measured": item.measured if item else float("nan"),
            "true": item.true if item else float("nan"),
            **extra,
        }
        self.pending.append((when, rec, action))

    def _redesigns(self, model: ContactCentreModel, board: dict, when: int, d: int) -> None:
        """A safety net tripping ``redesign_periods`` in a row: redesign its KPI."""
        need = max(self.cfg.redesign_periods, self.cfg.detect_periods)
        for name in kpi_names(model.scheme):
            kpi = getattr(model.scheme.kpis, name)
            net = kpi.safety_metric
            if kpi.weight > 0 and net and self.streak.get(net, 0) >= need:
                self._schedule(
                    when,
                    d,
                    "redesign",
                    f"the safety net on {name} kept tripping",
                    board[net],
                    kpi=name,
                )
                self.streak[net] = 0  # judge the redesigned scheme afresh

    def _flag_for_coaching(self, model: ContactCentreModel, when: int, d: int) -> None:
        """Agents with an own safety-net breach or a bottom score, lowest scores first,
        at most ``coach_share`` of the front line."""
        front = _front_ids(model)
        rows = [
            r
            for r in model.employee_rows
            if r["period"] == model.period and r["day_end"] == d and r["employee_id"] in front
        ]
        sch = model.scheme
        paid = [getattr(sch.kpis, n) for n in kpi_names(sch) if getattr(sch.kpis, n).weight > 0]
        if not rows or not paid:
            return
        scores = np.array([r["score"] for r in rows])
        cut = np.quantile(scores, self.cfg.coach_share) if sch.bonus_share > 0 else -np.inf
        flagged = []
        for r, s in zip(rows, scores, strict=True):
            breach = any(_agent_breach(r, k) for k in paid if k.safety_metric in AGENT_NETS)
            if breach or s < cut:
                flagged.append((s, r["employee_id"]))
        k = math.ceil(self.cfg.coach_share * len(rows))
        chosen = [eid for _, eid in sorted(flagged)[:k]]
        if chosen:
            for eid in chosen:
                self.coach_due.setdefault(eid, when)
            rec = {
                "day": when,
                "detected_day": d,
                "action": "coach",
                "reason": "flagged on the dashboard (own safety-net breach or bottom score)",
                "metric": "score",
                "limit": float(cut),
                "measured": float(len(chosen)),
                "true": float("nan"),
            }
            self.pending.append((when, rec, "coach"))

    def _ratchet(self, model: ContactCentreModel, when: int, d: int) -> None:
        front = _front_ids(model)
        rows = [
            r
            for r in model.employee_rows
            if r["period"] == model.period and r["employee_id"] in front
        ]
        cols = {
            "aht": "aht_s",
            "fcr": "fcr_measured",
            "transfer": "transfer_rate",
            "web_deflection": "web_push_rate",
            "quality": "quality",
            "csat": "csat_random"
            if model.scheme.kpis.csat.definition == "random_sample"
            else "csat_survey",
        }
        for name in kpi_names(model.scheme):
            kpi = getattr(model.scheme.kpis, name)
            v = np.array([r[cols[name]] for r in rows], dtype=float)
            v = v[np.isfinite(v)]
            if kpi.weight <= 0 or v.size == 0:
                continue
            beat = np.mean(v <= kpi.target if kpi.direction == "lower" else v >= kpi.target)
            step = 0.0
            if beat >= self.cfg.ratchet_share:
                step = 1.0
            elif self.cfg.ratchet == "both" and 1.0 - beat >= self.cfg.ratchet_share:
                step = -1.0
            if step:
                item = db.Item(
                    name, float(beat), float("nan"), self.cfg.ratchet_share, False, False
                )
                self._schedule(
                    when,
                    d,
                    "raise_target" if step > 0 else "relax_target",
                    f"{beat:.0%} of agents beat the {name} target",
                    item,
                    kpi=name,
                )

    # ------------------------------------------------------------ the day
    def start_day(self, d: int, scheme: SchemeConfig, visibility: str) -> InForce:
        """The decisions whose day has come, and what they make of the scheme and the
        phone visibility in force (``scheme``, ``visibility``); the model applies them.

        Parameters
        ----------
        d:
            Today (working day index).
        scheme:
            The front line's scheme in force this morning.
        visibility:
            The phone-visibility level in force this morning (``web.LEVELS``).
        """
        due = [p for p in self.pending if p[0] <= d]
        self.pending = [p for p in self.pending if p[0] > d]
        replans, records = 0, []
        for _, rec, action in due:
            if action == "replan":
                replans += 1
            elif action == "phone_one_click":
                if visibility != HIDDEN:
                    continue
                visibility = ONE_CLICK
            elif action == "redesign":
                scheme = redesigned(scheme, rec["kpi"], self.cfg.redesign_share)
            elif action in ("raise_target", "relax_target"):
                step = self.cfg.ratchet_step * (1.0 if action == "raise_target" else -1.0)
                scheme = ratcheted(scheme, rec["kpi"], step)
            records.append(rec)
        return InForce(scheme, visibility, replans, records)

    def coach(self, duty: Duty, d: int, row: DayRecord, standard_skill: float) -> None:
        """Today's coaching sessions of agents at work: hours off the phones (a longer
        break), then skill and thoroughness closer to the standard.

        Parameters
        ----------
        duty:
            The front line's duty today (its breaks are lengthened in place).
        d:
            Today (working day index).
        row:
            Today's record (``coaching_sessions``, ``coaching_s``).
        standard_skill:
            The skill coaching aims at (``employees.skill_mean``), probability.
        """
        if not self.coach_due:
            return
        c = self.cfg
        for i, emp in enumerate(duty.staff):
            first = self.coach_due.get(emp.unique_id)
            if first is None or first > d:
                continue
            del self.coach_due[emp.unique_id]
            span = duty.end[i] - duty.start[i]
            duty.brk_len[i] = min(duty.brk_len[i] + c.coaching_hours * 3600.0, span)
            duty.brk_start[i] = float(
                np.clip(duty.brk_start[i], duty.start[i], duty.end[i] - duty.brk_len[i])
            )
            coach_employee(emp, standard_skill, c.coaching_gain)
            row["coaching_sessions"] = row.get("coaching_sessions", 0) + 1
            row["coaching_s"] = row.get("coaching_s", 0.0) + c.coaching_hours * 3600.0


def _front_ids(model: ContactCentreModel) -> set[int]:
    return {s.unique_id for s in model.staff if s.team == FRONT}


def _agent_breach(row: dict, kpi) -> bool:
    """Whether an agent's own safety-net metric breaches the KPI's limit."""
    v = row[AGENT_NETS[kpi.safety_metric]]
    if kpi.safety_metric == "fcr_no_repeat":
        v = 1.0 - v
    if v is None or not np.isfinite(v):
        return False
    worse_high = kpi.safety_metric in db.WORSE_HIGH
    return v > kpi.safety_limit if worse_high else v < kpi.safety_limit


def coach_employee(emp, standard_skill: float, gain: float) -> None:
    """One coaching session: close ``gain`` of the gap between the employee's skill and
    the standard (when below it), and of the gap between their thoroughness and
    handling as required (1.0), in the policy they play and the one they settled on.

    Parameters
    ----------
    emp:
        The employee coached (changed in place).
    standard_skill:
        The skill coaching aims at, probability.
    gain:
        Share of each gap closed by one session, 0-1.
    """
    skill = emp.skill
    if skill < standard_skill and skill > 0:
        emp.potential_skill *= (skill + gain * (standard_skill - skill)) / skill
    for pol in (emp.policy, emp.settled_policy):
        pol[bh.THOROUGHNESS] += gain * (1.0 - pol[bh.THOROUGHNESS])


def redesigned(scheme: SchemeConfig, name: str, share: float) -> SchemeConfig:
    """The scheme with ``share`` of KPI ``name``'s weight moved to the broad CX KPI
    (random-sample CSAT) when the scheme has one, else dropped.

    Parameters
    ----------
    scheme:
        The scheme in force.
    name:
        The KPI redesigned.
    share:
        Share of its weight moved, 0-1.
    """
    kpis = scheme.kpis
    kpi = getattr(kpis, name)
    moved = kpi.weight * share
    changes = {name: dataclasses.replace(kpi, weight=kpi.weight - moved)}
    if db.shows_cx(scheme) and name != "csat":
        csat = kpis.csat
        if csat.definition == "random_sample" and csat.weight > 0:
            changes["csat"] = dataclasses.replace(csat, weight=min(1.0, csat.weight + moved))
    return dataclasses.replace(scheme, kpis=dataclasses.replace(kpis, **changes))


def ratcheted(scheme: SchemeConfig, name: str, step: float) -> SchemeConfig:
    """The scheme with KPI ``name``'s threshold, stretch and target moved by ``step`` x
    (stretch - threshold): harder when ``step`` > 0.

    Parameters
    ----------
    scheme:
        The scheme in force.
    name:
        The KPI whose target moves.
    step:
        Steps of (stretch - threshold) to move: > 0 harder, < 0 easier.
    """
    kpi = getattr(scheme.kpis, name)
    delta = step * (kpi.stretch - kpi.threshold)
    new = dataclasses.replace(
        kpi, threshold=kpi.threshold + delta, stretch=kpi.stretch + delta, target=kpi.target + delta
    )
    return dataclasses.replace(scheme, kpis=dataclasses.replace(scheme.kpis, **{name: new}))
