"""The configuration schema: Hydra structured configs, one dataclass per section.

Every knob of the model is a field of a dataclass below, registered in Hydra's
``ConfigStore`` so that a wrong type or an unknown key is rejected when the config
is composed.  Ranges and allowed values are declared next to each field (``metadata``)
and checked by ``validate.py``, so a bad value gives one line naming the key, the
value and what is allowed.  (One idea, so longer than most modules: the schema.)

Each default figure's source is cited in the comment beside it and in
``docs/calibration.md``.  Money is in currency units; ``_annual`` figures are per year,
``_monthly`` per month, ``_s`` in seconds, ``_days`` in working days.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass
from functools import partial

from hydra.core.config_store import ConfigStore

from ..measurement import CSAT_DEFINITIONS, FCR_DEFINITIONS, KPIS, safety_metrics
from .calendar import CalendarConfig
from .departments import DepartmentsConfig
from .economics import CostsConfig, EconomicsConfig, TeamsConfig, WorkforceConfig
from .fields import ConfigError, one_of, within
from .management import ManagementConfig

__all__ = ["ConfigError", "one_of", "within"]


# --------------------------------------------------------------------------- customers
@dataclass
class CustomersConfig:
    """The customer base, held as a columnar population (one row per customer)."""

    n: int = field(default=500_000, metadata=within(1, 50_000_000))
    # A customer contacts support a few times a year (2-5, docs/calibration.md).  Issues per
    # customer per year of 250 working days; heterogeneous (gamma, this shape).
    issues_per_year: float = field(default=2.4, metadata=within(0.0, 50.0))
    issue_rate_shape: float = field(default=2.0, metadata=within(0.1, 1000.0))
    # Monthly revenue per customer: lognormal with this mean and log-sd.
    revenue_monthly_mean: float = field(default=40.0, metadata=within(0.0, 1e6))
    revenue_log_sd: float = field(default=0.6, metadata=within(0.0, 3.0))
    # Gross margin share of revenue, used in CLV = m r / (1 + d - r)
    # (Gupta & Lehmann; Gupta, Lehmann & Stuart 2004, JMR).
    margin_rate: float = field(default=0.30, metadata=within(0.0, 1.0))
    discount_rate_annual: float = field(default=0.10, metadata=within(0.0, 1.0))
    # Loyalty in [0, 1]: Beta with this mean and concentration.
    loyalty_mean: float = field(default=0.70, metadata=within(0.01, 0.99))
    loyalty_concentration: float = field(default=8.0, metadata=within(0.5, 1000.0))
    # Patience in the phone queue: exponential with this mean, null = infinite
    # (Garnett, Mandelbaum & Reiman 2002: 120-300 s).
    patience_mean_s: float | None = field(default=180.0, metadata=within(1.0, 86_400.0))
    # Patience shrinks by this share on a repeat contact after a bad experience
    # (Zohar, Mandelbaum & Shimkin 2002: patience adapts to experienced waits).
    patience_repeat_factor: float = field(default=0.75, metadata=within(0.05, 1.0))
    # Share of customers whose preferred first channel is the web.
    web_preference: float = field(default=0.35, metadata=within(0.0, 1.0))
    # Digital skill in [0, 1]: Beta with this mean (concentration 4).
    digital_skill_mean: float = field(default=0.5, metadata=within(0.01, 0.99))
    # Probability that a bad experience turns into a formal complaint (x propensity).
    complaint_propensity_mean: float = field(default=0.10, metadata=within(0.0, 1.0))
    # Probability of answering an offered survey (mean; Beta, concentration 4).
    survey_propensity_mean: float = field(default=0.25, metadata=within(0.0, 1.0))
    # Probability that an unresolved issue brings the customer back (repeat contact).
    repeat_prob: float = field(default=0.85, metadata=within(0.0, 1.0))
    # Mean delay before a repeat contact, working days (geometric, >= 1 for phone).
    repeat_delay_days_mean: float = field(default=1.5, metadata=within(1.0, 30.0))
    # One churn pathway: a contact's experience and effort move loyalty; churn follows
    # loyalty only.  Annual churn rate of a base with the starting loyalty distribution
    # (customers lost a year / base; the hazard is normalised to it).  Industry
    # benchmark: energy/utilities ~11% a year (BillingPlatform, "Churn rates by
    # industry"); traditional banks ~8%, US telecom 1.62% a month ~ 18.5% a year
    # (Gitnux compilation); uncertain, swept 0.08-0.19.
    churn_annual_base: float = field(default=0.11, metadata=within(0.0, 5.0))
    # Hazard multiplier exp(k (loyalty_mean - loyalty)): churn rises as loyalty falls
    # (Bolton 1998, Marketing Science 17(1): cumulative satisfaction lowers the observed
    # hazard of cellular customers ending the relationship); k uncertain, swept 2-8.
    churn_loyalty_sensitivity: float = field(default=4.0, metadata=within(0.0, 50.0))
    # Extra one-year churn probability that one bad experience (experience 4/10, easy
    # effort) causes, through the loyalty it costs (it sets loyalty lost per experience
    # point).  Behaviour, not intention: stated intentions (PwC 2018: 17% would leave
    # after one bad experience; SQM: 34% "at risk" after an unresolved call vs 3% after a
    # resolved one) only bound it from above; no observed per-contact figure was found,
    # so it is uncertain, swept 0.01-0.17.
    churn_after_bad: float = field(default=0.03, metadata=within(0.0, 1.0))
    # Extra one-year churn probability that a contact at the highest effort (CES 7) with
    # a neutral experience causes, through loyalty (sets loyalty lost per effort point).
    # Direction: effort drives disloyalty (Dixon, Freeman & Toman, HBR 2010, a survey);
    # size uncertain, swept 0.005-0.05.
    churn_effort_sensitivity: float = field(default=0.02, metadata=within(0.0, 1.0))
    # New customers a year as a share of the base when true NPS is at the starting
    # base's NPS; null = churn_annual_base (the baseline keeps its size).  Word of mouth
    # adds acquisition_nps_sensitivity x (NPS - starting NPS)/100 (modelling assumption).
    acquisition_annual_rate: float | None = field(default=None, metadata=within(0.0, 5.0))
    acquisition_nps_sensitivity: float = field(default=0.10, metadata=within(0.0, 5.0))
    # Loyalty falls more after a bad contact than it rises after an equally good one:
    # weight of a loss / weight of an equal gain (Mittal, Ross & Baldasare 1998, J Marketing
    # 62(1): negative attribute performance weighs more than positive; their ratio is not
    # carried over, so uncertain, swept 1.5-3).
    loyalty_loss_aversion: float = field(default=2.0, metadata=within(1.0, 10.0))
    # A contact's effect on loyalty fades toward the customer's own baseline loyalty with
    # this half-life, working days (modelling assumption, uncertain, swept 20-250).
    loyalty_half_life_days: float = field(default=60.0, metadata=within(1.0, 100_000.0))
    # The starting base has been served this way for years: its loyalty sits below each
    # customer's own baseline by the stationary effect of that service, the mean loyalty
    # an issue costs (in units of one bad experience's loss) x the customer's issues a
    # day x the fade's time constant.  Calibrated on the baseline's steady service (true
    # NPS stationary over a year; docs/calibration.md): re-measure it when the service
    # model changes.
    past_issue_cost: float = field(default=0.36, metadata=within(0.0, 10.0))
    # Headroom for acquisitions: arrays are sized n x (1 + this) and grow if needed.
    growth_headroom: float = field(default=0.25, metadata=within(0.0, 10.0))


# --------------------------------------------------------------------------- employees
@dataclass
class EmployeesConfig:
    """Service agents (Mesa agents) and the labour market around them."""

    # Starting front-line headcount (the first roster may use a few less); from the
    # first plan on, the staffing plan sets it (``workforce``).  Sized to the default
    # demand so that the baseline starts near its planned staffing.
    n: int = field(default=185, metadata=within(1, 100_000))
    # Resolution probability of an experienced agent at full thoroughness on an issue
    # of average complexity; calibrated so true FCR ~ 0.70 (SQM Group: 67-72%).
    skill_mean: float = field(default=0.74, metadata=within(0.01, 0.999))
    skill_sd: float = field(default=0.06, metadata=within(0.0, 0.5))
    # A new hire starts at this share of their potential skill and closes the gap with
    # time constant learning_days (working days).
    novice_skill_share: float = field(default=0.75, metadata=within(0.0, 1.0))
    learning_days: float = field(default=40.0, metadata=within(0.1, 10_000.0))
    # Tenure of the initial staff, working days (uniform 0..this).
    initial_tenure_max_days: float = field(default=750.0, metadata=within(0.0, 100_000.0))
    # Handling speed multiplier: lognormal with this log-sd (median 1).
    speed_sd: float = field(default=0.15, metadata=within(0.0, 2.0))
    # Friendliness, intrinsic motivation and integrity in [0, 1]: Beta means (conc. 6).
    friendliness_mean: float = field(default=0.6, metadata=within(0.01, 0.99))
    intrinsic_motivation_mean: float = field(default=0.6, metadata=within(0.01, 0.99))
    integrity_mean: float = field(default=0.6, metadata=within(0.01, 0.99))
    trait_concentration: float = field(default=6.0, metadata=within(0.5, 1000.0))
    # Annual attrition at neutral morale (ContactBabel 2014: ~27%, sweep 15-60%).
    # At healthy morale: between the global benchmark 19% and the UK's 25% (Dimension
    # Data 2003; ContactBabel 2014, US: ~27%); sweep 15-60%.
    attrition_annual_base: float = field(default=0.21, metadata=within(0.0, 5.0))
    # Quit hazard multiplier exp(k (0.6 - morale)).
    morale_quit_sensitivity: float = field(default=3.0, metadata=within(0.0, 50.0))
    # Working days before a vacancy is filled by a novice.
    hiring_lag_days: int = field(default=15, metadata=within(0, 1000))
    # Pay (ContactBabel 2014): novice 27.5k, experienced 34.8k a year.
    salary_novice_annual: float = field(default=27_500.0, metadata=within(0.0, 1e7))
    salary_experienced_annual: float = field(default=34_800.0, metadata=within(0.0, 1e7))
    # Replacement cost in months of pay (Holman, Batt & Holtgrewe 2007: 3-4 months).
    replacement_cost_months: float = field(default=3.5, metadata=within(0.0, 60.0))
    # Morale: starting mean and how strongly each driver moves it each pay period.
    morale_initial: float = field(default=0.65, metadata=within(0.0, 1.0))
    morale_pay_weight: float = field(default=0.25, metadata=within(0.0, 5.0))
    morale_fairness_weight: float = field(default=0.15, metadata=within(0.0, 5.0))
    morale_workload_weight: float = field(default=0.30, metadata=within(0.0, 5.0))
    morale_abuse_weight: float = field(default=0.30, metadata=within(0.0, 5.0))
    morale_target_weight: float = field(default=0.15, metadata=within(0.0, 5.0))
    # Occupancy above which workload erodes morale (Deery et al. 2002; Holman 2002).
    occupancy_comfort: float = field(default=0.85, metadata=within(0.0, 1.0))


# --------------------------------------------------------------------------- demand
@dataclass
class DemandConfig:
    """How contacts arrive within a working day."""

    # When set: a stationary Poisson stream of phone calls (calls per hour) replaces
    # per-customer issue generation, web and repeats (queue validation).
    calls_per_hour: float | None = field(default=None, metadata=within(0.0, 1e6))
    # Intraday arrival profile (Brown et al. 2005): "two_peaks" (mid-morning and
    # early-afternoon peaks), "flat", or "file" (shares per interval read from
    # profile_file; format in docs/workforce.md).
    intraday_profile: str = field(default="two_peaks", metadata=one_of("two_peaks", "flat", "file"))
    # Peak-to-mean ratio of the two_peaks profile.
    peak_ratio: float = field(default=1.25, metadata=within(1.0, 3.0))
    # Planning interval, minutes: WFM plans interval by interval (industry rule of
    # thumb, Koole & Li 2021, docs/calibration.md); must divide channels.open_s.
    interval_minutes: int = field(default=30, metadata=one_of(15, 30, 60))
    # CSV of the intraday profile (columns interval_start, and share or volume), used
    # when intraday_profile is "file"; a relative path is made absolute against the
    # working directory when the config is loaded.
    profile_file: str | None = None
    # Day-of-week volume multipliers, Monday first, one per weekday of
    # calendar.days_per_week (5: Monday..Friday; 7: Monday..Sunday); positive, normalised
    # to mean 1 over the open weekdays; null = every day alike.
    weekday_factors: list[float] | None = None
    # Coefficient of variation of a day's random busyness factor (gamma, mean 1): daily
    # volume varies beyond Poisson and beyond any forecast (Avramidis, Deslauriers &
    # L'Ecuyer 2004; Brown et al. 2005); daily forecast errors of a few percent are
    # usual (docs/calibration.md); uncertain, 0.02-0.10 (configs/uncertainty).
    daily_volume_cv: float = field(default=0.05, metadata=within(0.0, 1.0))
    # Coefficient of variation of a per-interval busyness factor (gamma, mean 1) on the
    # day's intraday shape: a day's calls per interval vary around the profile more than
    # Poisson (Brown et al. 2005, sec. 3); 0 = none (the default); kpisim calibrate
    # estimates it from a centre's records (docs/calibrate.md).
    interval_volume_cv: float = field(default=0.0, metadata=within(0.0, 2.0))


# --------------------------------------------------------------------------- handling
@dataclass
class HandlingConfig:
    """Phone handling time of a contact handled as required."""

    # Distribution of the issue's required handling (Brown et al. 2005: lognormal).
    dist: str = field(default="lognormal", metadata=one_of("lognormal", "exponential"))
    # Mean handling time of a contact handled as required (ContactBabel 2014:
    # 6 min 21 s talk time; sweep 180-900 s).
    mean_s: float = field(default=370.0, metadata=within(1.0, 36_000.0))
    # Coefficient of variation of the lognormal required handling time.
    cv: float = field(default=0.8, metadata=within(0.01, 5.0))
    # Extra seconds a fully courteous agent spends per contact.
    courtesy_max_s: float = field(default=45.0, metadata=within(0.0, 3600.0))
    # How strongly rushing lowers the chance of a real resolution:
    # p_resolve ~ skill x min(1, thoroughness)^this.
    rush_penalty_exponent: float = field(default=1.5, metadata=within(0.0, 10.0))
    # How complexity lowers resolution: p ~ complexity^-this.
    complexity_penalty: float = field(default=0.25, metadata=within(0.0, 5.0))
    # Share of issues that genuinely need another team (industry transfer rate
    # ~0.10, Hathaway, Kagan & Dada 2023; docs/calibration.md).
    transfer_needed_rate: float = field(default=0.08, metadata=within(0.0, 1.0))
    # Seconds an agent spends before transferring or dumping a call.
    transfer_handle_s: float = field(default=60.0, metadata=within(0.0, 3600.0))
    # Complexity (multiple of the mean) above which a contact counts as "hard".
    hard_complexity: float = field(default=1.5, metadata=within(0.0, 100.0))
    # Share of dumped calls that are hang-ups (disconnects) rather than transfers.
    hangup_share: float = field(default=0.3, metadata=within(0.0, 1.0))
    # Handle time in its parts: mean_s is the whole handle time (talk + hold + after-call
    # work); these are the hold and after-call-work (ACW, wrap-up) shares of a call handled
    # to the end, talk the rest.  The agent is busy and answers no call during ACW.
    # Uncertain (vendors' glossaries define the parts but publish no firm split; ranges in
    # configs/uncertainty/default.yaml and docs/calibration.md); a centre's own export
    # sets them (kpisim calibrate, talk_s/hold_s/acw_s columns).
    hold_share: float = field(default=0.08, metadata=within(0.0, 0.45))
    acw_share: float = field(default=0.15, metadata=within(0.0, 0.45))
    # Day-to-day variation of the mean handle time beyond the sampling of the day's calls:
    # the CV of a gamma factor (mean 1) on every call's work of the day
    # (arrivals.handle_busyness).  0 by default (no published figure for a generic
    # centre); kpisim calibrate estimates it from a centre's log (docs/calibrate.md).
    daily_cv: float = field(default=0.0, metadata=within(0.0, 1.0))
    # Handle time by time of day: a factor per planning interval of the opening hours on
    # the work of a call arriving in it (mean 1 over the calls; arrivals.handle_profile).
    # Empty by default (the same handle time all day); kpisim calibrate estimates it
    # from a centre's log (the WFM forecast of AHT per interval).  The plan staffs with
    # the dashboard's AHT for the whole day.
    interval_factors: list[float] = field(default_factory=list)


# --------------------------------------------------------------------------- channels
@dataclass
class ChannelsConfig:
    """Phone and web self-service, and the company's channel policy."""

    # Company policy on the phone number: "visible" (published on every page),
    # "one_click" (behind a Help link, as USAA did) or "hidden" (buried; customers must
    # search or know it).  The model reads the level in force each day
    # (``model.phone_visibility``), so a manager may change it mid-run.
    phone_visibility: str = field(
        default="visible", metadata=one_of("visible", "one_click", "hidden")
    )
    # Opening hours (s) during which calls arrive; calls in queue at closing are still
    # served.  12 h (e.g. 8:00-20:00), an assumed weekday opening of a service line,
    # longer than one shift so that staffing can follow the intraday profile.
    open_s: float = field(default=43_200.0, metadata=within(60.0, 86_400.0))
    # Service-level threshold (industry convention: 80% within 20 s).
    service_level_threshold_s: float = field(default=20.0, metadata=within(0.0, 3600.0))
    service_level_target: float = field(default=0.80, metadata=within(0.0, 1.0))
    # Web self-service success: base x digital skill x complexity^-0.5; calibrated so
    # ~30% of web sessions are contained (Gartner 2019: 9% resolve fully; Gartner 2020:
    # 20-40% containment; the range 5-40% in docs/calibration.md).
    web_success_base: float = field(default=0.50, metadata=within(0.0, 1.0))
    # Finding a number that is not visible (sim/model/web.py): a customer who looks for
    # it finds it with probability 1 - miss x (1 - digital skill), at a search effort (CES
    # points).  Uncertain (no published find rate; configs/uncertainty/default.yaml):
    # one click is found by almost everyone who looks, at a small effort; a hidden
    # number needs skill (a Money Mail audit of UK firms' websites: six pages of clicks
    # to reach one telecom's number, nearly two minutes for a bank's; docs/calibration.md).
    one_click_miss: float = field(default=0.1, metadata=within(0.0, 1.0))
    one_click_search_effort: float = field(default=0.5, metadata=within(0.0, 6.0))
    hidden_miss: float = field(default=0.8, metadata=within(0.0, 1.0))
    hidden_search_effort: float = field(default=2.0, metadata=within(0.0, 6.0))
    # Memory: mean working days a customer remembers where the number is after seeing
    # or using it (exponential forgetting).  Uncertain.
    number_memory_days: float = field(default=250.0, metadata=within(1.0, 100_000.0))
    # Word of mouth: times a year a customer hears where the number is from others, per
    # unit share of the active base who know it.  Uncertain.
    number_word_of_mouth: float = field(default=2.0, metadata=within(0.0, 365.0))
    # Cost per web session (Gartner 2019: ~0.10).
    web_cost: float = field(default=0.10, metadata=within(0.0, 1e4))


# --------------------------------------------------------------------------- behaviour
@dataclass
class BehaviorConfig:
    """How employees choose their policy levers (``sim/model/behavior.py``)."""

    adaptive: bool = True
    gaming: bool = True
    # Size of the nudge an employee considers on each lever per pay period: it sets the
    # speed of the response to an incentive.  Calibrated so that half of the response
    # comes within one to two monthly periods (1.1 at 0.1), as in Lazear 2000 (AER
    # 90(5), Safelite piece rates: an immediate within-worker jump, then a further rise
    # with time under the scheme; docs/calibration.md "Bounded rationality"); swept
    # 0.05-0.16 (0.8-2.8 periods).
    learning_step: float = field(default=0.1, metadata=within(0.0, 1.0))
    # Probability per period of imitating a better-paid peer (the same under every
    # dashboard; what differs is whom one can see).  Direction: Mas & Moretti 2009 (AER
    # 99(1): effort responds to coworkers who can see the worker); the rate is
    # uncertain, swept 0.1-0.6.
    imitation_rate: float = field(default=0.3, metadata=within(0.0, 1.0))
    # Weight of pay (bonus share of salary) in an employee's utility.
    pay_weight: float = field(default=1.0, metadata=within(0.0, 100.0))
    # Weight of intrinsic motivation on the customer's true outcome.
    intrinsic_weight: float = field(default=0.3, metadata=within(0.0, 100.0))
    # Moral cost of a gaming act, per unit of gaming intensity x integrity.
    integrity_weight: float = field(default=0.2, metadata=within(0.0, 100.0))
    # Effort cost of thoroughness and courtesy (utility units).
    effort_weight: float = field(default=0.2, metadata=within(0.0, 100.0))
    # Effort cost of pace (honest speed, ``behavior.pace_effort``): share of salary per
    # pay period for a pace of 2 (twice one's natural speed) at full occupancy; the cost
    # is occupancy x (pace - 1)^2 times this.  Calibrated so that a piece rate raises
    # resolved contacts per busy hour by about 20 % over flat pay with gaming off
    # (Shearer 2004, RES 71(2); docs/calibration.md "Honest effort"); uncertain, swept
    # 1-2.5.
    pace_cost: float = field(default=1.25, metadata=within(0.0, 100.0))
    # Extra forgetting: share of the gap between a lever and its intrinsic level that
    # closes per period whatever the scheme rewards.  Default 0: every lever is explored
    # under any scheme, so a habit fades because it stops paying, at the learning speed
    # (no source was found for a separate constant decay; kept for sensitivity runs).
    habit_decay: float = field(default=0.0, metadata=within(0.0, 1.0))
    # Erosion of standards: share of the gap between one's own standard of thoroughness
    # and courtesy and one's actual practice that closes per period (Oliva & Sterman
    # 2001: sustained pressure lowers the standard itself, so quality does not fully
    # recover when the pressure lifts).
    norm_erosion: float = field(default=0.1, metadata=within(0.0, 1.0))
    # Scale of the noise in judging which nudge would have paid more (utility units,
    # i.e. share of salary): bounded rationality (logit choice, as in McKelvey &
    # Palfrey's quantal response).  Uncertain, swept 0.001-0.006; the upper end is
    # bounded by flat pay showing almost no gaming (docs/calibration.md).
    choice_noise: float = field(default=0.004, metadata=within(0.0, 1.0))
    # Loss aversion of the pay term of morale: a pay loss against the reference point
    # weighs this many times a gain of the same size (Tversky & Kahneman 1992, J. Risk
    # Uncertainty 5: median lambda 2.25, lab choices; uncertain, swept 1.5-3).
    loss_aversion: float = field(default=2.25, metadata=within(1.0, 10.0))
    # Share of the gap between the pay reference point and the pay received that closes
    # each pay period (adaptation level).  Direction: reference points adapt to gains
    # and, more slowly, to losses (Arkes, Hirshleifer, Jiang & Lim 2008, OBHDP 105);
    # speed uncertain, swept 0.1-0.5 per period.
    pay_reference_adaptation: float = field(default=0.25, metadata=within(0.0, 1.0))
    # How an employee learns its policy (sim/model/learning.py): "hindsight" replays its
    # calls with outcomes it could not see (the frictionless benchmark the model was
    # calibrated on); "reinforcement" tries a change and keeps it when its realised pay
    # and what it saw of its callers rose; "imitation" copies better-paid colleagues;
    # "mixed" does both.  Structural uncertainty: the robust verdict samples it.
    learning: str = field(
        default="hindsight", metadata=one_of("hindsight", "reinforcement", "imitation", "mixed")
    )
    # Habits decay slower than they form: a learnt move back toward one's own standard
    # goes this share of the way a move away from it goes (1 = symmetric).  Used by the
    # rules that learn from observable signals (hindsight has no habit).  Direction:
    # Gneezy & Rustichini 2000 (J Legal Stud 29(1): behaviour stayed when the fine went);
    # the size is uncertain, swept 0.25-1 (configs/uncertainty/default.yaml).
    unlearning_ratio: float = field(default=0.5, metadata=within(0.01, 1.0))
    # Types and felt fairness (sim/model/fairness.py).  Share of employees who never
    # game whatever the stakes: 39% of subjects were fully honest in Fischbacher &
    # Föllmi-Heusi 2013 (JEEA 11(3)) die-roll task; swept 0.2-0.5 (Abeler, Nosenzo &
    # Raymond 2019, Econometrica 87(4): people forgo most of the gains from lying).
    never_game_share: float = field(default=0.39, metadata=within(0.0, 1.0))
    # Effective integrity x (1 + this x felt fairness in [-1, 1]): direction Greenberg
    # 1990 (J Appl Psychol 75(5)), Akerlof 1982; strength uncertain, swept 0.3-1.5.
    fairness_sensitivity: float = field(default=1.0, metadata=within(0.0, 10.0))
    # Individual offset of felt fairness (equity sensitivity, Huseman, Hatfield & Miles
    # 1987): normal with this sd; uncertain, swept 0.2-0.7.
    equity_sensitivity_sd: float = field(default=0.5, metadata=within(0.0, 2.0))


# --------------------------------------------------------------------------- scheme
@dataclass
class KPIConfig:
    """One KPI of the compensation scheme: how it is measured and scored."""

    weight: float = field(default=0.0, metadata=within(0.0, 1.0))
    target: float = field(default=0.0, metadata=within(None, None))
    direction: str = field(default="higher", metadata=one_of("higher", "lower"))
    curve: str = field(default="linear", metadata=one_of("linear", "cliff"))
    # Linear curve: score 0 at threshold, 1 at target (the on-target bonus, bonus_share of
    # salary: "on-target earnings" of industry pay plans), cap at stretch (pay for
    # over-achievement; cap 1 = none), straight lines between.  Cliff: 1 when the target
    # is met.  threshold, target and stretch must come in that order along direction.
    threshold: float = field(default=0.0, metadata=within(None, None))
    stretch: float = field(default=0.0, metadata=within(None, None))
    cap: float = field(default=1.0, metadata=within(0.0, 10.0))
    # Measurement definition; only fcr and csat have alternatives.
    definition: str = field(
        default="default",
        metadata=one_of("default", *FCR_DEFINITIONS, *CSAT_DEFINITIONS),
    )
    # Safety net: this KPI's credit is cancelled when the paired metric is worse than
    # its limit ("" = no safety net).
    safety_metric: str = field(
        default="",
        metadata=one_of("", *safety_metrics()),
    )
    safety_limit: float = field(default=0.0, metadata=within(None, None))


def kpis_config() -> type:
    """The ``KPIsConfig`` section: one ``KPIConfig`` field per KPI a scheme can pay on
    (``sim.measurement.KPIS``, in its order), defaulting to the KPI's direction and the
    default scheme's curve (``KPI.scheme_default``), unpaid (weight 0)."""
    fields = [
        (
            kpi.name,
            KPIConfig,
            field(
                default_factory=partial(KPIConfig, direction=kpi.direction, **kpi.scheme_default)
            ),
        )
        for kpi in KPIS.values()
        if kpi.paid
    ]
    return make_dataclass(
        "KPIsConfig",
        fields,
        namespace={"__doc__": "The KPIs a scheme can pay on (per employee, per pay period)."},
        module=__name__,
    )


KPIsConfig = kpis_config()


#: Why ``bonus_share`` stops at 0.5 (50 % of salary on target): a design bound, not a
#: market figure.  Half of pay at risk is the most variable pay mix of ordinary sales
#: plans (50/50 base/variable); contact-centre agent bonuses sit far below (the shipped
#: schemes pay 7.5 %), and a larger value is almost always a percentage typed as a share.
BONUS_CAP_WHY = "the on-target bonus is capped at 0.5 = 50 % of salary"


@dataclass
class SchemeConfig:
    """A KPI-based compensation scheme and the measurement system behind it."""

    name: str = "flat"
    # Base pay is the employee's salary; the on-target bonus (every paid KPI at its target,
    # score 1) is this share of it; over-achievement pays up to cap x this share.
    bonus_share: float = field(default=0.0, metadata=within(0.0, 0.5, why=BONUS_CAP_WHY))
    # Pay period, working days (monthly: 21).
    period_days: int = field(default=21, metadata=within(1, 1000))
    kpis: KPIsConfig = field(default_factory=KPIsConfig)
    # Share of the bonus paid on team averages rather than own KPIs.
    team_share: float = field(default=0.0, metadata=within(0.0, 1.0))
    # Forced ranking: the bottom share of the team loses its bonus and is warned; a
    # second warning in a row means dismissal ("rank and yank").  The stake is what an
    # employee would give (share of the period's salary) to stay out of the bottom.
    forced_ranking: bool = False
    forced_ranking_bottom: float = field(default=0.10, metadata=within(0.0, 1.0))
    forced_ranking_dismiss: bool = True
    forced_ranking_stake: float = field(default=0.15, metadata=within(0.0, 10.0))
    # Quality audits: share of contacts reviewed; each detected gaming act costs
    # audit_penalty x the period's full bonus (capped at the bonus).
    audit_rate: float = field(default=0.02, metadata=within(0.0, 1.0))
    audit_detection: float = field(default=0.8, metadata=within(0.0, 1.0))
    audit_penalty: float = field(default=0.05, metadata=within(0.0, 10.0))
    # Share of contacts the company's random relationship survey samples (the answers are
    # CSAT under definition random_sample; fewer samples, fewer answers per agent).
    # Modelling assumption (docs/calibration.md).
    survey_sample_rate: float = field(default=0.10, metadata=within(0.0, 1.0))
    # Gate: no bonus when the audit quality score is below this (0 = no gate).
    quality_gate: float = field(default=0.0, metadata=within(0.0, 1.0))
    # How the bonus is funded: on top of the salary, or budget-neutral ("from_base": the
    # base is cut by the bonus an employee is expected to earn, the on-target bonus).
    bonus_funding: str = field(default="on_top", metadata=one_of("on_top", "from_base"))
    # What employees see: their own numbers ("individual"), a ranking on the top-line
    # metric ("big_screen"), or common team metrics ("shared").
    dashboard: str = field(
        default="individual", metadata=one_of("individual", "big_screen", "shared")
    )
    # How often employees see their own measured numbers and pay: a monthly "statement"
    # at each period end, or a "daily" dashboard.  Daily feedback averages the period's
    # signal over its days, so the rules that learn from observable signals judge a
    # change with less noise (sim/model/learning.py).
    feedback: str = field(default="statement", metadata=one_of("statement", "daily"))


@dataclass
class TransitionConfig:
    """Support for the front line when ``proposal`` replaces ``scheme`` on ``rollout_day``
    (``sim/model/transition.py``); every kind is off by default."""

    # Pay protection: for this many pay periods from the change, each employee's bonus
    # is topped up toward its mean bonus share of its last protection_basis_periods
    # periods, tapered in equal steps (N/(N+1) ... 1/(N+1)).  0 = none.
    pay_protection_periods: int = field(default=0, metadata=within(0, 60))
    protection_basis_periods: int = field(default=3, metadata=within(1, 12))
    # Retraining on the day of the change: share of the way each employee's policy and
    # own standards move back to the original standard (uncertain effect, 0-1) ...
    retraining_share: float = field(default=0.0, metadata=within(0.0, 1.0))
    # ... at this many paid hours per employee, booked as overtime that day.
    retraining_hours: float = field(default=0.0, metadata=within(0.0, 200.0))
    # Communication: share of the way each employee's pay reference point moves at once
    # to the new scheme's expected pay (uncertain, 0-1).
    communication_share: float = field(default=0.0, metadata=within(0.0, 1.0))
    # Gift: a one-off unconditional payment to each front-line employee on the day of
    # the change, share of a month's salary (booked in cost_bonus and bonus_paid); it
    # raises felt fairness, which fades (Gneezy & List 2006; sim/model/fairness.py).
    gift_share: float = field(default=0.0, metadata=within(0.0, 12.0))
    # One-off cost of the change (training, IT, communication), currency units, booked
    # on rollout_day as a cost of the run (``cost_one_off``); a run without a rollout
    # books none (so in `kpisim compare` only the proposal arm pays it).  The payback
    # of a comparison divides it by the proposal's annualised gain in value.
    one_off_cost: float = field(default=0.0, metadata=within(0.0, 1e10))


@dataclass
class LiveMeta:
    """How the trainers' app presents the lesson (presentation only, never mechanism):
    its headline tiles (``sim.app.plain.TILES`` key: "up" | "down" against the
    comparison by day 120, or "show"), the days the run stops with the prompt for the
    room, the population it is shown at (0 = the app's default) and the rollout day it
    presents a scheme change on (null = the preset's); ``title`` names the scheme in
    plain words."""

    title: str = ""
    tiles: dict[str, str] = field(default_factory=dict)
    stops: list[int] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    customers: int = field(default=0, metadata=within(0, 50_000_000))
    rollout_day: int | None = field(default=None, metadata=within(0, 100_000))


@dataclass
class ScenarioMeta:
    """Name and teaching text of a scenario, and the lesson's expected directions."""

    name: str = "baseline"
    description: str = ""
    lesson: str = ""
    # The scenario the lesson is judged against (a name under configs/scenario/).
    comparison: str = "baseline"
    # The lesson's expected direction of summary keys against the comparison, on paired
    # seeds: {summary key: "up" | "down"} (checked by tests/test_scenario_lessons.py and
    # shown in docs/scenarios.md).
    expect: dict[str, str] = field(default_factory=dict)
    # The toxic-KPI signs the lesson lights (keys of sim.outputs.signs.SIGNS), checked
    # live by tests/test_app_lessons.py within 120 working days at the app's size.
    signs: list[str] = field(default_factory=list)
    # How the trainers' app presents it (tiles, stops, prompts): docs/app.md.
    live: LiveMeta = field(default_factory=LiveMeta)


@dataclass
class CentreMeta:
    """Which contact centre the world describes (``centre=NAME``, ``configs/centre/``):
    empty for the generic centre of the defaults.  Set by a centre file, written by hand
    or by ``kpisim calibrate`` (docs/calibrate.md)."""

    name: str = ""
    # The data the centre was calibrated from (a file name or a description).
    source: str = ""
    # When it was calibrated (an ISO date).
    calibrated_on: str = ""
    # CSV of posterior parameter draws (one row per draw, columns = dotted config keys),
    # relative to the repository root; the robust verdict of `kpisim compare` samples its
    # rows instead of the generic ranges.  "" = none.
    posterior: str = ""
    notes: str = ""


@dataclass
class ExportConfig:
    """Extra files a run writes beside its summary and tables."""

    # One row per phone call offered (call-detail records), as calls.parquet and
    # RunResult.calls (docs/calibrate.md, "Call-detail records").  Memory: ~100 bytes a call.
    calls: bool = False


@dataclass
class Config:
    """The whole configuration of one run."""

    seed: int = field(default=0, metadata=within(0, 2**63 - 1))
    days: int = field(default=250, metadata=within(1, 100_000))
    rollout_day: int | None = field(default=None, metadata=within(0, 100_000))
    scenario: ScenarioMeta = field(default_factory=ScenarioMeta)
    centre: CentreMeta = field(default_factory=CentreMeta)
    customers: CustomersConfig = field(default_factory=CustomersConfig)
    employees: EmployeesConfig = field(default_factory=EmployeesConfig)
    demand: DemandConfig = field(default_factory=DemandConfig)
    handling: HandlingConfig = field(default_factory=HandlingConfig)
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)
    behavior: BehaviorConfig = field(default_factory=BehaviorConfig)
    scheme: SchemeConfig = field(default_factory=SchemeConfig)
    workforce: WorkforceConfig = field(default_factory=WorkforceConfig)
    teams: TeamsConfig = field(default_factory=TeamsConfig)
    costs: CostsConfig = field(default_factory=CostsConfig)
    # The currency label of every money figure.
    economics: EconomicsConfig = field(default_factory=EconomicsConfig)
    # Other departments whose failures cause contacts (failure demand).
    departments: DepartmentsConfig = field(default_factory=DepartmentsConfig)
    # The specialist (second-line) team's scheme: flat pay unless set.
    specialist_scheme: SchemeConfig = field(default_factory=SchemeConfig)
    # The scheme that replaces ``scheme`` on ``rollout_day`` (null: none).
    proposal: SchemeConfig | None = None
    # Transition support applied on rollout_day (none by default).
    transition: TransitionConfig = field(default_factory=TransitionConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    # Who reads the dashboard and decides (sim/config/management.py).
    management: ManagementConfig = field(default_factory=ManagementConfig)
    # The week, opening hours per weekday, holidays, seasonality, rotas (calendar.py).
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    # Where `kpisim run` writes its outputs: "" = Hydra's run directory.
    output_dir: str = ""
    # Show a progress bar while the run steps.
    progress: bool = False


def register_configs() -> None:
    """Register the structured config schema with Hydra's ConfigStore."""
    cs = ConfigStore.instance()
    cs.store(name="kpisim_schema", node=Config)
    cs.store(group="scheme", name="scheme_schema", node=SchemeConfig)


register_configs()

#: Every section dataclass (the owners of the fields a dotted key can name).
SECTIONS = (
    Config,
    CustomersConfig,
    EmployeesConfig,
    DemandConfig,
    HandlingConfig,
    ChannelsConfig,
    BehaviorConfig,
    KPIConfig,
    KPIsConfig,
    SchemeConfig,
    ScenarioMeta,
    LiveMeta,
    WorkforceConfig,
    TeamsConfig,
    CostsConfig,
    EconomicsConfig,
    CentreMeta,
    ExportConfig,
    TransitionConfig,
    ManagementConfig,
    DepartmentsConfig,
    CalendarConfig,
)
