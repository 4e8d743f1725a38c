"""Configuration: Hydra structured configs, composition and validation.

Every knob of the model is a field of a dataclass below, registered in Hydra's
``ConfigStore`` so that a wrong type or an unknown key is rejected when the config
is composed.  Ranges and allowed values are declared next to each field (``metadata``)
and checked by :func:`validate`, so a bad value gives one line naming the key, the
value and what is allowed.

Default figures come from ``CALIBRATION.md`` of the project's specification; the
source is cited in the comment beside each value (see also ``docs/calibration.md``).
Money is in currency units; ``_annual`` figures are per year, ``_monthly`` per month,
``_s`` in seconds, ``_days`` in working days.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from omegaconf import MISSING, DictConfig, OmegaConf

#: Folder of the YAML configs shipped with the project (``configs/``).
CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
if not CONFIG_DIR.is_dir():  # installed as a wheel: configs are package data
    CONFIG_DIR = Path(__file__).resolve().parent / "configs"
#: Hydra's ``version_base`` for composing the configs (here and in ``kpisim run``).
HYDRA_VERSION_BASE = "1.3"


class ConfigError(ValueError):
    """A user-facing configuration error: one line, no traceback needed."""


def rng_(lo: float | None, hi: float | None, *, doc: str = "") -> dict[str, Any]:
    """Field metadata: the closed range ``[lo, hi]`` a numeric knob must lie in."""
    return {"range": (lo, hi), "doc": doc}


def choice_(*allowed: str) -> dict[str, Any]:
    """Field metadata: the values a string knob may take."""
    return {"choices": allowed}


# --------------------------------------------------------------------------- customers
@dataclass
class CustomersConfig:
    """The customer base, held as a columnar population (one row per customer)."""

    n: int = field(default=500_000, metadata=rng_(1, 50_000_000))
    # A customer contacts support a few times a year (MODEL.md: 2-5).  Issues per
    # customer per year of 250 working days; heterogeneous (gamma, this shape).
    issues_per_year: float = field(default=2.4, metadata=rng_(0.0, 50.0))
    issue_rate_shape: float = field(default=2.0, metadata=rng_(0.1, 1000.0))
    # Monthly revenue per customer: lognormal with this mean and log-sd.
    revenue_monthly_mean: float = field(default=40.0, metadata=rng_(0.0, 1e6))
    revenue_log_sd: float = field(default=0.6, metadata=rng_(0.0, 3.0))
    # Gross margin share of revenue, used in CLV = m r / (1 + d - r)
    # (Gupta & Lehmann; Gupta, Lehmann & Stuart 2004, JMR).
    margin_rate: float = field(default=0.30, metadata=rng_(0.0, 1.0))
    discount_rate_annual: float = field(default=0.10, metadata=rng_(0.0, 1.0))
    # Loyalty in [0, 1]: Beta with this mean and concentration.
    loyalty_mean: float = field(default=0.70, metadata=rng_(0.01, 0.99))
    loyalty_concentration: float = field(default=8.0, metadata=rng_(0.5, 1000.0))
    # Patience in the phone queue: exponential with this mean, null = infinite
    # (Garnett, Mandelbaum & Reiman 2002: 120-300 s).
    patience_mean_s: float | None = field(default=180.0, metadata=rng_(1.0, 86_400.0))
    # Patience shrinks by this share on a repeat contact after a bad experience
    # (Zohar, Mandelbaum & Shimkin 2002: patience adapts to experienced waits).
    patience_repeat_factor: float = field(default=0.75, metadata=rng_(0.05, 1.0))
    # Share of customers whose preferred first channel is the web.
    web_preference: float = field(default=0.35, metadata=rng_(0.0, 1.0))
    # Digital skill in [0, 1]: Beta with this mean (concentration 4).
    digital_skill_mean: float = field(default=0.5, metadata=rng_(0.01, 0.99))
    # Probability that a bad experience turns into a formal complaint (x propensity).
    complaint_propensity_mean: float = field(default=0.10, metadata=rng_(0.0, 1.0))
    # Probability of answering an offered survey (mean; Beta, concentration 4).
    survey_propensity_mean: float = field(default=0.25, metadata=rng_(0.0, 1.0))
    # Probability that an unresolved issue brings the customer back (repeat contact).
    repeat_prob: float = field(default=0.85, metadata=rng_(0.0, 1.0))
    # Mean delay before a repeat contact, working days (geometric, >= 1 for phone).
    repeat_delay_days_mean: float = field(default=1.5, metadata=rng_(1.0, 30.0))
    # Baseline annual churn of a customer at average loyalty (hazard, per year).
    churn_annual_base: float = field(default=0.08, metadata=rng_(0.0, 5.0))
    # Hazard multiplier exp(k (loyalty_mean - loyalty)): churn rises as loyalty falls.
    churn_loyalty_sensitivity: float = field(default=4.0, metadata=rng_(0.0, 50.0))
    # Probability of leaving after one bad experience (PwC 2018: 0.17, sweep 0.1-0.5).
    churn_after_bad: float = field(default=0.17, metadata=rng_(0.0, 1.0))
    # Extra churn probability for a high-effort experience (CEB/Dixon et al. 2010:
    # high effort -> far more disloyal), scaled by effort in [0, 1].
    churn_effort_sensitivity: float = field(default=0.05, metadata=rng_(0.0, 1.0))
    # New customers a year as a share of the base at true NPS 0; word of mouth adds
    # acquisition_nps_sensitivity x NPS (NPS in [-1, 1]).
    acquisition_annual_rate: float = field(default=0.10, metadata=rng_(0.0, 5.0))
    acquisition_nps_sensitivity: float = field(default=0.10, metadata=rng_(0.0, 5.0))
    # Headroom for acquisitions: arrays are sized n x (1 + this) and grow if needed.
    growth_headroom: float = field(default=0.25, metadata=rng_(0.0, 10.0))


# --------------------------------------------------------------------------- employees
@dataclass
class EmployeesConfig:
    """Service agents (Mesa agents) and the labour market around them."""

    n: int = field(default=100, metadata=rng_(1, 100_000))
    # Resolution probability of an experienced agent at full thoroughness on an issue
    # of average complexity; calibrated so true FCR ~ 0.70 (SQM Group: 67-72%).
    skill_mean: float = field(default=0.74, metadata=rng_(0.01, 0.999))
    skill_sd: float = field(default=0.06, metadata=rng_(0.0, 0.5))
    # A new hire starts at this share of their potential skill and closes the gap with
    # time constant learning_days (working days).
    novice_skill_share: float = field(default=0.75, metadata=rng_(0.0, 1.0))
    learning_days: float = field(default=40.0, metadata=rng_(0.1, 10_000.0))
    # Tenure of the initial staff, working days (uniform 0..this).
    initial_tenure_max_days: float = field(default=750.0, metadata=rng_(0.0, 100_000.0))
    # Handling speed multiplier: lognormal with this log-sd (median 1).
    speed_sd: float = field(default=0.15, metadata=rng_(0.0, 2.0))
    # Friendliness, intrinsic motivation and integrity in [0, 1]: Beta means (conc. 6).
    friendliness_mean: float = field(default=0.6, metadata=rng_(0.01, 0.99))
    intrinsic_motivation_mean: float = field(default=0.6, metadata=rng_(0.01, 0.99))
    integrity_mean: float = field(default=0.6, metadata=rng_(0.01, 0.99))
    trait_concentration: float = field(default=6.0, metadata=rng_(0.5, 1000.0))
    # Annual attrition at neutral morale (ContactBabel 2014: ~27%, sweep 15-60%).
    attrition_annual_base: float = field(default=0.27, metadata=rng_(0.0, 5.0))
    # Quit hazard multiplier exp(k (0.6 - morale)).
    morale_quit_sensitivity: float = field(default=3.0, metadata=rng_(0.0, 50.0))
    # Working days before a vacancy is filled by a novice.
    hiring_lag_days: int = field(default=15, metadata=rng_(0, 1000))
    # Pay (ContactBabel 2014): novice 27.5k, experienced 34.8k a year.
    salary_novice_annual: float = field(default=27_500.0, metadata=rng_(0.0, 1e7))
    salary_experienced_annual: float = field(default=34_800.0, metadata=rng_(0.0, 1e7))
    # Replacement cost in months of pay (Holman, Batt & Holtgrewe 2007: 3-4 months).
    replacement_cost_months: float = field(default=3.5, metadata=rng_(0.0, 60.0))
    # Morale: starting mean and how strongly each driver moves it each pay period.
    morale_initial: float = field(default=0.65, metadata=rng_(0.0, 1.0))
    morale_pay_weight: float = field(default=0.25, metadata=rng_(0.0, 5.0))
    morale_fairness_weight: float = field(default=0.15, metadata=rng_(0.0, 5.0))
    morale_workload_weight: float = field(default=0.30, metadata=rng_(0.0, 5.0))
    morale_abuse_weight: float = field(default=0.30, metadata=rng_(0.0, 5.0))
    morale_target_weight: float = field(default=0.15, metadata=rng_(0.0, 5.0))
    # Occupancy above which workload erodes morale (Deery et al. 2002; Holman 2002).
    occupancy_comfort: float = field(default=0.85, metadata=rng_(0.0, 1.0))


# --------------------------------------------------------------------------- demand
@dataclass
class DemandConfig:
    """How contacts arrive within a working day."""

    # When set: a stationary Poisson stream of phone calls (calls per hour) replaces
    # per-customer issue generation, web and repeats (queue validation).
    calls_per_hour: float | None = field(default=None, metadata=rng_(0.0, 1e6))
    # Intraday arrival profile (Brown et al. 2005): "two_peaks" (mid-morning and
    # early-afternoon peaks) or "flat".
    intraday_profile: str = field(default="two_peaks", metadata=choice_("two_peaks", "flat"))
    # Peak-to-mean ratio of the two_peaks profile.
    peak_ratio: float = field(default=1.25, metadata=rng_(1.0, 3.0))


# --------------------------------------------------------------------------- handling
@dataclass
class HandlingConfig:
    """Phone handling time of a contact handled as required."""

    # Distribution of the issue's required handling (Brown et al. 2005: lognormal).
    dist: str = field(default="lognormal", metadata=choice_("lognormal", "exponential"))
    # Mean handling time of a contact handled as required (ContactBabel 2014:
    # 6 min 21 s talk time; sweep 180-900 s).
    mean_s: float = field(default=370.0, metadata=rng_(1.0, 36_000.0))
    # Coefficient of variation of the lognormal required handling time.
    cv: float = field(default=0.8, metadata=rng_(0.01, 5.0))
    # Extra seconds a fully courteous agent spends per contact.
    courtesy_max_s: float = field(default=45.0, metadata=rng_(0.0, 3600.0))
    # How strongly rushing lowers the chance of a real resolution:
    # p_resolve ~ skill x min(1, thoroughness)^this.
    rush_penalty_exponent: float = field(default=1.5, metadata=rng_(0.0, 10.0))
    # How complexity lowers resolution: p ~ complexity^-this.
    complexity_penalty: float = field(default=0.25, metadata=rng_(0.0, 5.0))
    # Share of issues that genuinely need another team (CALIBRATION.md: transfer
    # rate ~0.10, Hathaway, Kagan & Dada 2023).
    transfer_needed_rate: float = field(default=0.08, metadata=rng_(0.0, 1.0))
    # Seconds an agent spends before transferring or dumping a call.
    transfer_handle_s: float = field(default=60.0, metadata=rng_(0.0, 3600.0))
    # Complexity (multiple of the mean) above which a contact counts as "hard".
    hard_complexity: float = field(default=1.5, metadata=rng_(0.0, 100.0))
    # Share of dumped calls that are hang-ups (disconnects) rather than transfers.
    hangup_share: float = field(default=0.3, metadata=rng_(0.0, 1.0))


# --------------------------------------------------------------------------- channels
@dataclass
class ChannelsConfig:
    """Phone and web self-service, and the company's channel policy."""

    phone_number_visible: bool = True
    # Working day length (s) during which calls arrive; calls in queue at closing
    # are still served.
    open_s: float = field(default=28_800.0, metadata=rng_(60.0, 86_400.0))
    # Service-level threshold (industry convention: 80% within 20 s).
    service_level_threshold_s: float = field(default=20.0, metadata=rng_(0.0, 3600.0))
    service_level_target: float = field(default=0.80, metadata=rng_(0.0, 1.0))
    # Web self-service success: base x digital skill x complexity^-0.5; calibrated so
    # ~10-20% of web sessions resolve (Gartner 2019: ~9% resolve fully; sweep 5-40%).
    web_success_base: float = field(default=0.30, metadata=rng_(0.0, 1.0))
    # With the number hidden, share of phone-first customers pushed to the web first.
    hidden_web_first_share: float = field(default=0.8, metadata=rng_(0.0, 1.0))
    # With the number hidden, probability that a failed web user finds the number.
    hidden_find_prob: float = field(default=0.7, metadata=rng_(0.0, 1.0))
    # Cost per web session (Gartner 2019: ~0.10).
    web_cost: float = field(default=0.10, metadata=rng_(0.0, 1e4))


# --------------------------------------------------------------------------- behaviour
@dataclass
class BehaviorConfig:
    """How employees choose their policy levers (see ``sim/behavior.py``)."""

    adaptive: bool = True
    gaming: bool = True
    # Size of the nudge an employee considers on each lever per pay period.
    learning_step: float = field(default=0.1, metadata=rng_(0.0, 1.0))
    # Probability per period of imitating a better-paid peer (x visibility).
    imitation_rate: float = field(default=0.3, metadata=rng_(0.0, 1.0))
    # Weight of pay (bonus share of salary) in an employee's utility.
    pay_weight: float = field(default=1.0, metadata=rng_(0.0, 100.0))
    # Weight of intrinsic motivation on the customer's true outcome.
    intrinsic_weight: float = field(default=0.3, metadata=rng_(0.0, 100.0))
    # Moral cost of a gaming act, per unit of gaming intensity x integrity.
    integrity_weight: float = field(default=0.2, metadata=rng_(0.0, 100.0))
    # Effort cost of thoroughness and courtesy (utility units).
    effort_weight: float = field(default=0.2, metadata=rng_(0.0, 100.0))
    # Share of the gap between a lever and its intrinsic level that closes per period
    # (habits fade slowly; every period, whether or not something rewards the lever).
    habit_decay: float = field(default=0.02, metadata=rng_(0.0, 1.0))
    # Erosion of standards: share of the gap between one's own standard of thoroughness
    # and courtesy and one's actual practice that closes per period (Oliva & Sterman
    # 2001: sustained pressure lowers the standard itself, so quality does not fully
    # recover when the pressure lifts).
    norm_erosion: float = field(default=0.1, metadata=rng_(0.0, 1.0))
    # Scale of the noise in judging which nudge would have paid more (utility units,
    # i.e. share of salary): bounded rationality.
    choice_noise: float = field(default=0.002, metadata=rng_(0.0, 1.0))


# --------------------------------------------------------------------------- scheme
@dataclass
class KPIConfig:
    """One KPI of the compensation scheme: how it is measured and scored."""

    weight: float = field(default=0.0, metadata=rng_(0.0, 1.0))
    target: float = field(default=0.0, metadata=rng_(None, None))
    direction: str = field(default="higher", metadata=choice_("higher", "lower"))
    curve: str = field(default="linear", metadata=choice_("linear", "cliff"))
    # Linear curve: score 0 at threshold, 1 at stretch (capped at cap).
    threshold: float = field(default=0.0, metadata=rng_(None, None))
    stretch: float = field(default=0.0, metadata=rng_(None, None))
    cap: float = field(default=1.0, metadata=rng_(0.0, 10.0))
    # Measurement definition; only fcr and csat have alternatives.
    definition: str = field(
        default="default",
        metadata=choice_("default", "self_coded", "no_repeat_7d", "agent_offered", "random_sample"),
    )
    # Safety net: this KPI's credit is cancelled when the paired metric is worse than
    # its limit ("" = no safety net).
    safety_metric: str = field(
        default="",
        metadata=choice_(
            "", "repeat_rate", "fcr_no_repeat", "csat_random", "complaint_rate", "quality"
        ),
    )
    safety_limit: float = field(default=0.0, metadata=rng_(None, None))


@dataclass
class KPIsConfig:
    """The KPIs a scheme can pay on (per employee, per pay period)."""

    aht: KPIConfig = field(
        default_factory=lambda: KPIConfig(
            target=360.0, direction="lower", threshold=420.0, stretch=300.0
        )
    )
    fcr: KPIConfig = field(
        default_factory=lambda: KPIConfig(
            target=0.75, threshold=0.65, stretch=0.85, definition="self_coded"
        )
    )
    csat: KPIConfig = field(
        default_factory=lambda: KPIConfig(
            target=0.80, threshold=0.70, stretch=0.90, definition="random_sample"
        )
    )
    transfer: KPIConfig = field(
        default_factory=lambda: KPIConfig(
            target=0.08, direction="lower", threshold=0.15, stretch=0.05
        )
    )
    web_deflection: KPIConfig = field(
        default_factory=lambda: KPIConfig(target=0.10, threshold=0.0, stretch=0.20)
    )
    quality: KPIConfig = field(
        default_factory=lambda: KPIConfig(target=0.90, threshold=0.80, stretch=1.0)
    )


@dataclass
class SchemeConfig:
    """A KPI-based compensation scheme and the measurement system behind it."""

    name: str = "flat"
    # Base pay is the employee's salary; the bonus at a full score is this share of it.
    bonus_share: float = field(default=0.0, metadata=rng_(0.0, 5.0))
    # Pay period, working days (monthly: 21).
    period_days: int = field(default=21, metadata=rng_(1, 1000))
    kpis: KPIsConfig = field(default_factory=KPIsConfig)
    # Share of the bonus paid on team averages rather than own KPIs.
    team_share: float = field(default=0.0, metadata=rng_(0.0, 1.0))
    # Forced ranking: the bottom share of the team loses its bonus and is warned; a
    # second warning in a row means dismissal ("rank and yank").  The stake is what an
    # employee would give (share of the period's salary) to stay out of the bottom.
    forced_ranking: bool = False
    forced_ranking_bottom: float = field(default=0.10, metadata=rng_(0.0, 1.0))
    forced_ranking_dismiss: bool = True
    forced_ranking_stake: float = field(default=0.15, metadata=rng_(0.0, 10.0))
    # Quality audits: share of contacts reviewed; each detected gaming act costs
    # audit_penalty x the period's full bonus (capped at the bonus).
    audit_rate: float = field(default=0.02, metadata=rng_(0.0, 1.0))
    audit_detection: float = field(default=0.8, metadata=rng_(0.0, 1.0))
    audit_penalty: float = field(default=0.05, metadata=rng_(0.0, 10.0))
    # Gate: no bonus when the audit quality score is below this (0 = no gate).
    quality_gate: float = field(default=0.0, metadata=rng_(0.0, 1.0))
    # What employees see: their own numbers ("individual"), a ranking on the top-line
    # metric ("big_screen"), or common team metrics ("shared").
    dashboard: str = field(
        default="individual", metadata=choice_("individual", "big_screen", "shared")
    )


@dataclass
class ScenarioMeta:
    """Name and teaching text of a scenario."""

    name: str = "baseline"
    description: str = ""
    lesson: str = ""


@dataclass
class Config:
    """The whole configuration of one run."""

    seed: int = field(default=0, metadata=rng_(0, 2**63 - 1))
    days: int = field(default=250, metadata=rng_(1, 100_000))
    rollout_day: int | None = field(default=None, metadata=rng_(0, 100_000))
    scenario: ScenarioMeta = field(default_factory=ScenarioMeta)
    customers: CustomersConfig = field(default_factory=CustomersConfig)
    employees: EmployeesConfig = field(default_factory=EmployeesConfig)
    demand: DemandConfig = field(default_factory=DemandConfig)
    handling: HandlingConfig = field(default_factory=HandlingConfig)
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)
    behavior: BehaviorConfig = field(default_factory=BehaviorConfig)
    scheme: SchemeConfig = field(default_factory=SchemeConfig)
    # The scheme that replaces ``scheme`` on ``rollout_day`` (null: none).
    proposal: SchemeConfig | None = None
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


# --------------------------------------------------------------------------- validation
def _walk(obj: Any, prefix: str = ""):
    """Yield (dotted key, dataclass field, value) for every leaf of a config object."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            yield from _walk(value, key + ".")
        else:
            yield key, f, value


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}" if isinstance(x, float) else str(x)


def validate(cfg: Config) -> Config:
    """Check every knob's range and allowed values, and cross-field rules.

    Raises :class:`ConfigError` with a one-line message naming the key, the bad value
    and what is allowed.
    """
    for key, f, value in _walk(cfg):
        meta = f.metadata
        if "range" in meta and value is not None:
            lo, hi = meta["range"]
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigError(f"{key}={value!r} is not allowed: must be a finite number")
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise ConfigError(
                    f"{key}={value!r} is out of range: allowed [{_fmt(lo)}, {_fmt(hi)}]"
                )
        if "choices" in meta and value not in meta["choices"]:
            allowed = ", ".join(repr(c) for c in meta["choices"])
            raise ConfigError(f"{key}={value!r} is not allowed: choose one of {allowed}")
    for scheme_key in ("scheme", "proposal"):
        scheme = getattr(cfg, scheme_key)
        if scheme is None:
            continue
        _validate_scheme(scheme, scheme_key)
    if cfg.rollout_day is not None and cfg.proposal is None:
        raise ConfigError(
            f"rollout_day={cfg.rollout_day} needs a proposal scheme: set proposal "
            "(e.g. +scheme@proposal=aht_pay) or rollout_day=null"
        )
    if cfg.employees.salary_experienced_annual < cfg.employees.salary_novice_annual:
        raise ConfigError(
            "employees.salary_experienced_annual must be >= employees.salary_novice_annual"
        )
    return cfg


_DEFINITIONS = {
    "fcr": ("self_coded", "no_repeat_7d"),
    "csat": ("agent_offered", "random_sample"),
}


def _validate_scheme(scheme: SchemeConfig, prefix: str) -> None:
    total = 0.0
    for f in dataclasses.fields(scheme.kpis):
        kpi: KPIConfig = getattr(scheme.kpis, f.name)
        key = f"{prefix}.kpis.{f.name}"
        total += kpi.weight
        allowed = _DEFINITIONS.get(f.name, ("default",))
        if kpi.definition not in allowed:
            raise ConfigError(
                f"{key}.definition={kpi.definition!r} is not allowed: choose one of "
                + ", ".join(repr(a) for a in allowed)
            )
        if kpi.weight > 0 and kpi.curve == "linear" and kpi.threshold == kpi.stretch:
            raise ConfigError(
                f"{key}: threshold and stretch are both {kpi.threshold:g}; a linear curve "
                "needs two different values"
            )
        if kpi.weight > 0 and kpi.curve == "linear":
            wrong = (kpi.direction == "higher") != (kpi.stretch > kpi.threshold)
            if wrong:
                raise ConfigError(
                    f"{key}: direction={kpi.direction!r} needs stretch "
                    f"{'above' if kpi.direction == 'higher' else 'below'} threshold "
                    f"(got threshold={kpi.threshold:g}, stretch={kpi.stretch:g})"
                )
    if total > 1.0 + 1e-9:
        raise ConfigError(f"{prefix}.kpis: weights sum to {total:g}; allowed at most 1")


# --------------------------------------------------------------------------- loading
def compose(overrides: list[str]) -> DictConfig:
    """Compose ``configs/config.yaml`` with Hydra ``overrides`` (``"seed=7"``, ...).

    The one place that composes the shipped configs outside a Hydra app; it clears a
    Hydra instance already initialised in this process.  The result is not validated
    (:func:`to_config` does that); Hydra's own exceptions propagate.
    """
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with hydra.initialize_config_dir(config_dir=str(CONFIG_DIR), version_base=HYDRA_VERSION_BASE):
        return hydra.compose(config_name="config", overrides=list(overrides))


def to_config(cfg: DictConfig | Config) -> Config:
    """Turn a composed DictConfig into a validated :class:`Config` object."""
    if isinstance(cfg, Config):
        return validate(cfg)
    try:
        obj = OmegaConf.to_object(cfg)
    except Exception as exc:  # omegaconf raises several types; all are user errors here
        raise ConfigError(clean_hydra_message(exc)) from None
    if not isinstance(obj, Config):
        obj = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Config), cfg))
    extra = _extra_keys(cfg, obj)
    if extra:
        # keys added with `+key=value` are kept by Hydra but dropped by to_object
        raise ConfigError(
            f"unknown config key {extra[0]!r}: check the spelling "
            "(`kpisim run --cfg job` prints every key)"
        )
    return validate(obj)


def _extra_keys(node: Any, obj: Any, prefix: str = "") -> list[str]:
    """Dotted keys of a composed config that the dataclass schema does not have."""
    if not isinstance(node, DictConfig) or not dataclasses.is_dataclass(obj):
        return []
    names = {f.name for f in dataclasses.fields(obj)}
    out: list[str] = []
    for k in node:
        key = f"{prefix}{k}"
        if k not in names:
            out.append(key)
        else:
            out.extend(_extra_keys(node[k], getattr(obj, str(k)), key + "."))
    return out


def load_config(scenario: str = "baseline", overrides: list[str] | None = None) -> Config:
    """Compose a scenario plus Hydra overrides exactly as ``kpisim run`` does.

    ``scenario`` is a name under ``configs/scenario/``; ``overrides`` are Hydra
    override strings (``"seed=7"``, ``"scheme.kpis.aht.weight=0.5"``).  Returns a
    validated :class:`Config`; raises :class:`ConfigError` on bad input.
    """
    overrides = list(overrides or [])
    for ov in overrides:
        key = str(ov).split("=", 1)[0].lstrip("+~")
        has_value = "=" in str(ov) or str(ov).startswith("~")  # ~key deletes a key
        if not isinstance(ov, str) or not has_value or not key.strip():
            raise ConfigError(f"malformed override {ov!r}: overrides take the form key=value")
        _check_bool(key, str(ov).split("=", 1)[1] if "=" in str(ov) else "")
    known = available_scenarios()
    if scenario not in known:
        raise ConfigError(
            f"scenario={scenario!r} is not a known scenario: choose one of {', '.join(known)}"
        )
    try:
        composed = compose([f"scenario={scenario}", *overrides])
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(clean_hydra_message(exc)) from None
    return to_config(composed)


_BOOL_WORDS = {"true", "false", "yes", "no", "on", "off"}


def _check_bool(key: str, value: str) -> None:
    """Reject ``flag=2``: OmegaConf would turn any integer into a bool."""
    node: Any = Config
    for part in key.split("."):
        fields = (
            {f.name: f for f in dataclasses.fields(node)} if dataclasses.is_dataclass(node) else {}
        )
        if part not in fields:
            return  # unknown keys are reported by Hydra
        node = _field_type(fields[part])
    if node is bool and value.strip().lower() not in _BOOL_WORDS:
        raise ConfigError(f"{key}={value!r} is not allowed: must be a bool (true or false)")


def _field_type(f: dataclasses.Field) -> Any:
    """The class a dataclass field holds (Optional[X] -> X; string annotations resolved)."""
    import typing

    hints = typing.get_type_hints(_owner_of(f))
    t = hints.get(f.name, Any)
    args = [a for a in typing.get_args(t) if a is not type(None)]
    return args[0] if args and typing.get_origin(t) is not None else t


def _owner_of(f: dataclasses.Field) -> type:
    for cls in (
        Config, CustomersConfig, EmployeesConfig, DemandConfig, HandlingConfig,
        ChannelsConfig, BehaviorConfig, KPIConfig, KPIsConfig, SchemeConfig, ScenarioMeta,
    ):  # fmt: skip
        if any(x is f for x in dataclasses.fields(cls)):
            return cls
    return Config


def available_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``configs/scenario/``."""
    return sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml"))


def available_schemes() -> list[str]:
    """Names of the schemes shipped in ``configs/scheme/``."""
    return sorted(p.stem for p in (CONFIG_DIR / "scheme").glob("*.yaml"))


def clean_hydra_message(exc: BaseException) -> str:
    """Reduce a Hydra/OmegaConf exception (and its cause) to one meaningful line."""
    texts = [str(exc)]
    if exc.__cause__ is not None:
        texts.append(str(exc.__cause__))
    full = "\n".join(texts)
    lines = [ln.strip() for ln in full.splitlines() if ln.strip()]
    full_key = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("full_key:")), "")
    if " not in '" in full or "not in struct" in full:
        return (
            f"unknown config key {full_key or lines[0]!r}: check the spelling "
            "(`kpisim run --cfg job` prints every key)"
        )
    if "could not be converted" in full or "Value '" in full:
        detail = next(ln for ln in lines if ln.startswith("Value '"))
        return f"{full_key}: {detail}" if full_key else detail
    if "Could not find '" in full:
        group = full.split("Could not find '", 1)[1].split("'", 1)[0]
        options = [
            ln for ln in lines[1:] if ln and not ln.startswith(("Available", "Config", "provider"))
        ]
        options = [o for o in options if not o.endswith("_schema")]
        return f"unknown config option {group!r}: choose one of {', '.join(options)}"
    if "is not a subclass of" in full and full_key:
        return (
            f"{full_key} is a group of keys, not a value: set its keys instead "
            f"(e.g. {full_key}.<key>=value; `kpisim run --cfg job` prints every key)"
        )
    if "is not Optional" in full and full_key:
        return f"{full_key}=null is not allowed: {full_key} needs a value"
    if "Error parsing override" in full:
        return f"{lines[0]}: overrides take the form key=value"
    head = lines[0] if lines else type(exc).__name__
    if full_key and full_key not in head:
        head = f"{full_key}: {head}"
    return head


def to_yaml(cfg: Config) -> str:
    """The resolved config as YAML (for reports and reproduction)."""
    return OmegaConf.to_yaml(OmegaConf.structured(cfg))


def to_dict(cfg: Config) -> dict[str, Any]:
    """The resolved config as a plain nested dict."""
    return OmegaConf.to_container(OmegaConf.structured(cfg), resolve=True)  # type: ignore[return-value]


def config_hash(cfg: Config) -> str:
    """A stable short hash of the resolved config (output_dir and progress excluded)."""
    import hashlib
    import json

    d = to_dict(cfg)
    d.pop("output_dir", None)
    d.pop("progress", None)
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


__all__ = [
    "HYDRA_VERSION_BASE",
    "MISSING",
    "Config",
    "ConfigError",
    "available_scenarios",
    "available_schemes",
    "clean_hydra_message",
    "compose",
    "config_hash",
    "load_config",
    "to_config",
    "to_dict",
    "to_yaml",
    "validate",
]
