"""Config section of the centre's management: who reads the dashboard and what they do.

The centre manager and team leaders see only the dashboard the scheme defines (its paid
KPIs at team level, its safety-net metrics, the broad random-sample CSAT when the scheme
has one, and the service level the workforce plan aims at) and act on it once per pay
period (``sim/model/management.py``).  Sources: docs/calibration.md ("Management");
the uncertain figures have ranges in configs/uncertainty/default.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fields import one_of, within


@dataclass
class ManagementConfig:
    """The manager's policy: detection, delay and the actions each tripwire leads to."""

    # Whether anyone reads the dashboard and decides (false: the pre-management model).
    enabled: bool = True
    # Detection: a tripwire counts as breached when its metric is worse than its limit by
    # more than this share of the limit (0 = any breach), for this many pay periods in a
    # row.  How far managers wait for evidence is a judgement call: uncertain, swept
    # margin 0-0.1 and periods 1-3.
    detect_margin: float = field(default=0.0, metadata=within(0.0, 10.0))
    detect_periods: int = field(default=1, metadata=within(1, 100))
    # Working days between detecting a breach and the decision taking effect (meetings,
    # sign-off, a website change).  Uncertain (illustration), swept 0-15.
    decision_delay_days: int = field(default=5, metadata=within(0, 1000))
    # Early re-plan: when the service level is below its target (channels.
    # service_level_target), the WFM plan is redone when the decision takes effect
    # instead of waiting for the next planning period.
    replan: bool = True
    # Channel policy: when a customer-side tripwire (CSAT below its limit, repeat or
    # complaint rate above) is breached while the phone number is hidden, move it to
    # "one_click" (one click away under Help).
    channel: bool = True
    # Coaching: agents the dashboard flags (a safety-net breach of their own, or the
    # bottom of the score ranking) get a one-to-one session; at most this share of the
    # team per pay period, the lowest scores first.  Industry rule of thumb: a monthly
    # 1:1 at minimum for every agent, fortnightly for developing ones (Turnella,
    # "Contact centre coaching"); flagging a tenth is an illustration, swept 0-0.3.
    coaching: bool = True
    coach_share: float = field(default=0.1, metadata=within(0.0, 1.0))
    # Off-phone hours per session on the day it takes place.  Rule of thumb: a 1:1 of
    # 20-45 min plus call listening (Turnella); a 45-minute call review (FirstLineCoach
    # plan "Taking sufficient time on the call"): 0.75 h.
    coaching_hours: float = field(default=0.75, metadata=within(0.0, 8.0))
    # Share of the gap to the standard a session closes: skill toward employees.
    # skill_mean, thoroughness toward handling as required (1.0).  No observed effect
    # size was found: uncertain, swept 0.1-0.5.
    coaching_gain: float = field(default=0.25, metadata=within(0.0, 1.0))
    # Target ratchet: "off"; "up" raises a paid KPI's threshold, stretch and target by
    # ratchet_step of (stretch - threshold) when at least ratchet_share of the agents beat
    # the target; "both" also relaxes them when at least that share miss it.  Off by
    # default: raising targets that were met teaches agents to restrict output (the
    # ratchet effect: Weitzman 1980, Bell J. Econ. 11(1); Cardella & Depew 2018, Games
    # Econ. Behav. 107), a lesson of its own rather than the centre's default practice.
    ratchet: str = field(default="off", metadata=one_of("off", "up", "both"))
    ratchet_share: float = field(default=0.8, metadata=within(0.5, 1.0))
    ratchet_step: float = field(default=0.1, metadata=within(0.0, 1.0))
    # KPI redesign: a safety net tripping this many pay periods in a row means the KPI it
    # guards pushes agents against the customer: redesign_share of the KPI's weight moves
    # to the broad CX KPI (random-sample CSAT) when the scheme has one, else is dropped.
    # Illustration: uncertain, swept 2-6 periods.
    redesign: bool = True
    redesign_periods: int = field(default=3, metadata=within(1, 1000))
    redesign_share: float = field(default=0.5, metadata=within(0.0, 1.0))
    # The company's own floor for the broad CX KPI (top-2-box share of the random
    # survey) when the scheme pays CSAT on the random survey without a safety limit on
    # it; also the standard against which the true ledger is judged (sign 4).  Uncertain
    # (illustration: ten points below the baseline's ~0.60, above a centre in trouble
    # such as hidden_phone's ~0.45), swept 0.45-0.55.
    cx_limit: float = field(default=0.50, metadata=within(0.0, 1.0))
