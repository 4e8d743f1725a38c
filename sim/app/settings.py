"""What the trainer can set on the page, and the lesson presets behind it.

A :class:`Settings` holds the page's controls as plain values; :func:`build_config`
turns them into a validated :class:`~sim.config.Config` through
:func:`sim.config.load_config` with Hydra overrides, so the page gets the same validation
as ``kpisim run`` (a refused value raises :class:`~sim.config.ConfigError`).  A lesson
preset is a scenario of ``configs/scenario/``; :func:`preset_settings` reads its scheme
into the controls.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from dataclasses import dataclass

from .. import measurement
from ..config import Config, ConfigError, load_config
from ..measurement import DEFINITION_LABELS


def pct(x: float) -> str:
    """A share as a percentage with at most one decimal ("7.5%", "15%"): on-target
    bonuses come in half points.

    Parameters
    ----------
    x : float
        A share (0.075 = 7.5%).
    """
    return f"{x:.1%}".replace(".0%", "%")


#: The phone-visibility levels as the page names them.
PHONE_LEVELS = {"visible": "visible", "one_click": "one click away", "hidden": "hidden"}
#: Default population: small enough that a simulated day renders fast.
DEFAULT_CUSTOMERS = 100_000
#: Length of an app run in working days (two years); the preset's own length if longer.
APP_DAYS = 500
#: Lesson shown when the page opens.
DEFAULT_SCENARIO = "aht_pay"
#: Largest seed accepted from the page.
MAX_SEED = 2**32 - 1
#: Environment variable through which ``kpisim app centre=NAME`` hands the centre
#: (``configs/centre/NAME.yaml``) to the server: every preset then runs on that centre.
CENTRE_ENV = "KPISIM_APP_CENTRE"


def centre_overrides() -> list[str]:
    """``["centre=NAME"]`` when the app was started on a centre, else ``[]``."""
    name = os.environ.get(CENTRE_ENV, "").strip()
    return [f"centre={name}"] if name else []


#: Every KPI a scheme can pay on, with a weight slider on the page:
#: (key in ``scheme.kpis``, label).
WEIGHT_KPIS = (
    ("aht", "Handle time (AHT)"),
    ("fcr", "First-contact resolution (FCR)"),
    ("csat", "Customer satisfaction (CSAT)"),
    ("web_deflection", "Web deflection"),
    ("quality", "Audit quality score"),
    ("transfer", "Transfer rate"),
    ("resolved_per_hour", "Resolved contacts per hour (piece rate)"),
)
#: Short KPI names in change descriptions ("AHT weight 0.30").
KPI_SHORT = {
    "aht": "AHT",
    "fcr": "FCR",
    "csat": "CSAT",
    "web_deflection": "web deflection",
    "quality": "quality",
    "transfer": "transfers",
    "resolved_per_hour": "resolved per hour",
}
#: Largest total of the KPI weights that config validation accepts.
MAX_WEIGHT_TOTAL = 1.0
#: The measurement definitions the page offers (``sim.measurement``), with their labels.
FCR_DEFINITIONS = {d: DEFINITION_LABELS[d] for d in measurement.FCR_DEFINITIONS}
CSAT_DEFINITIONS = {d: DEFINITION_LABELS[d] for d in measurement.CSAT_DEFINITIONS}


@dataclass(frozen=True)
class Settings:
    """What the trainer chose on the page (all plain values)."""

    scenario: str = DEFAULT_SCENARIO
    weights: tuple[tuple[str, float], ...] = ()
    bonus_share: float = 0.0
    fcr_definition: str = "self_coded"
    csat_definition: str = "random_sample"
    # the phone number's visibility on the website: visible | one_click | hidden
    phone_visibility: str = "visible"
    audit_rate: float = 0.02
    customers: int = DEFAULT_CUSTOMERS
    seed_text: str = "1"

    def weight(self, kpi: str) -> float:
        """The weight of one KPI (0 when unset).

        Parameters
        ----------
        kpi : str
            A KPI's name (``aht``, ``fcr``, ...).
        """
        return dict(self.weights).get(kpi, 0.0)

    def with_weight(self, kpi: str, value: float) -> Settings:
        """A copy with one KPI weight changed.

        Parameters
        ----------
        kpi : str
            A KPI's name (``aht``, ``fcr``, ...).
        value : float
            Its new weight, a share of the bonus (0-1).
        """
        w = dict(self.weights)
        w[kpi] = float(value)
        return dataclasses.replace(self, weights=tuple(w.items()))

    @property
    def weight_total(self) -> float:
        """Sum of the KPI weights (config validation refuses more than 1)."""
        return sum(self.weight(name) for name, _ in WEIGHT_KPIS)

    @property
    def agents(self) -> int:
        """Front-line agents for this population, at the staffing of the model's default
        centre (or of the centre the app runs on): ``employees.n`` scaled with
        ``customers.n``, so a smaller centre is staffed like the full-size one."""
        return max(1, round(self.customers / customers_per_agent()))

    @property
    def specialists(self) -> int:
        """Specialist (second-line) agents for this population, scaled like
        :attr:`agents` (0 stays 0: one team)."""
        base = _centre_base(tuple(centre_overrides()))
        if base.teams.specialists_n == 0:
            return 0
        return max(1, round(base.teams.specialists_n * self.customers / base.customers.n))


@functools.lru_cache(maxsize=8)
def _centre_base(overrides: tuple[str, ...]) -> Config:
    """The baseline preset on the default centre (or the app's centre): the staffing
    the app scales with the population (cached; read it, never change it)."""
    return load_config("baseline", list(overrides))


def customers_per_agent() -> float:
    """Customers per front-line agent of the default centre (or the app's centre):
    ``customers.n / employees.n`` (500,000 / 185 = 2,703 by default)."""
    cfg = _centre_base(tuple(centre_overrides()))
    return cfg.customers.n / max(1, cfg.employees.n)


def fixed_population(cfg: Config) -> bool:
    """True for presets whose demand does not come from the customer base (the queue
    validation's stationary call stream): their population and length are kept.

    Parameters
    ----------
    cfg : Config
        A preset's config.
    """
    return cfg.demand.calls_per_hour is not None


@functools.lru_cache(maxsize=64)
def preset_config(scenario: str) -> Config:
    """The preset's own config (cached; read it, never change it).  Raises
    :class:`ConfigError` for an unknown scenario.

    Parameters
    ----------
    scenario : str
        A scenario's name (a file of ``configs/scenario/``).
    """
    return load_config(scenario, centre_overrides())


def lesson_population(scenario: str) -> int:
    """The population the app shows lesson ``scenario`` at: its ``scenario.live.customers``
    (0: the app's default, :data:`DEFAULT_CUSTOMERS`).

    Parameters
    ----------
    scenario : str
        A scenario's name (a file of ``configs/scenario/``).
    """
    return int(preset_config(scenario).scenario.live.customers) or DEFAULT_CUSTOMERS


def preset_settings(scenario: str, keep: Settings | None = None) -> Settings:
    """The page's controls as the preset ``scenario`` sets them.

    Population size and seed are carried over from ``keep`` (the trainer's choice),
    except for a lesson presented at a population of its own (``scenario.live.customers``
    in its YAML); leaving such a lesson returns to the default population.  Raises
    :class:`ConfigError` for an unknown scenario.

    Parameters
    ----------
    scenario : str
        A scenario's name (a file of ``configs/scenario/``).
    keep : Settings, optional
        The settings on the page now, whose population and seed are kept.
    """
    cfg = preset_config(scenario)
    keep = keep or Settings()
    customers = keep.customers
    if cfg.scenario.live.customers:
        customers = int(cfg.scenario.live.customers)
    elif keep.scenario != scenario and customers == lesson_population(keep.scenario):
        customers = DEFAULT_CUSTOMERS
    k = cfg.scheme.kpis
    return Settings(
        scenario=scenario,
        weights=tuple((name, float(getattr(k, name).weight)) for name, _ in WEIGHT_KPIS),
        bonus_share=float(cfg.scheme.bonus_share),
        fcr_definition=k.fcr.definition,
        csat_definition=k.csat.definition,
        phone_visibility=cfg.channels.phone_visibility,
        audit_rate=float(cfg.scheme.audit_rate),
        customers=customers,
        seed_text=keep.seed_text,
    )


def presentation_overrides(scenario: str) -> list[str]:
    """The overrides with which the app presents a lesson (its presentation, never its
    mechanism): ``rollout_day`` from ``scenario.live.rollout_day`` when set (a scheme
    change shown within the minutes a lesson has live).

    Parameters
    ----------
    scenario : str
        A scenario's name.
    """
    day = preset_config(scenario).scenario.live.rollout_day
    return [] if day is None else [f"rollout_day={int(day)}"]


def parse_seed(text: str | int) -> int:
    """The seed typed on the page as an int in ``[0, MAX_SEED]``; else :class:`ConfigError`.

    Parameters
    ----------
    text : str or int
        The seed as typed (spaces around it are ignored).
    """
    s = str(text).strip()
    if not re.fullmatch(r"\d{1,10}", s):
        raise ConfigError(
            f"seed {s[:20]!r} is not allowed: type a whole number from 0 to {MAX_SEED}"
        )
    seed = int(s)
    if seed > MAX_SEED:
        raise ConfigError(f"seed {seed} is too large: type a whole number from 0 to {MAX_SEED}")
    return seed


def settings_overrides(s: Settings) -> list[str]:
    """Hydra overrides that turn the preset into the trainer's settings.

    Parameters
    ----------
    s : Settings
        The page's controls.
    """
    seed = parse_seed(s.seed_text)
    base = preset_config(s.scenario)
    out = [f"seed={seed}"]
    if not fixed_population(base):
        out += [
            f"customers.n={int(s.customers)}",
            f"employees.n={s.agents}",
            f"teams.specialists_n={s.specialists}",
            f"days={max(APP_DAYS, base.days)}",
        ]
    out += presentation_overrides(s.scenario)
    for name, _ in WEIGHT_KPIS:
        out.append(f"scheme.kpis.{name}.weight={s.weight(name):g}")
    out += [
        f"scheme.bonus_share={s.bonus_share:g}",
        f"scheme.kpis.fcr.definition={s.fcr_definition}",
        f"scheme.kpis.csat.definition={s.csat_definition}",
        f"channels.phone_visibility={s.phone_visibility}",
        f"scheme.audit_rate={s.audit_rate:g}",
    ]
    return out


def build_config(s: Settings) -> Config:
    """The validated config for the page's settings (raises :class:`ConfigError`).

    Parameters
    ----------
    s : Settings
        The page's controls.
    """
    return load_config(s.scenario, [*centre_overrides(), *settings_overrides(s)])


def _same(a: float, b: float) -> bool:
    return abs(float(a) - float(b)) < 1e-9


def scheme_changes(old: Settings, new: Settings) -> list[str]:
    """What ``new`` changes in the pay scheme and measurement of ``old``, in words
    (e.g. ``["phone visible", "bonus 20%"]``); population and seed are not included.

    Parameters
    ----------
    old : Settings
        The settings compared against (e.g. the preset's).
    new : Settings
        The settings whose changes are listed.
    """
    out = [
        f"{KPI_SHORT[name]} weight {new.weight(name):.2f}"
        for name, _ in WEIGHT_KPIS
        if not _same(old.weight(name), new.weight(name))
    ]
    if not _same(old.bonus_share, new.bonus_share):
        out.append(f"bonus {pct(new.bonus_share)}")
    if old.fcr_definition != new.fcr_definition:
        out.append(f"FCR: {FCR_DEFINITIONS.get(new.fcr_definition, new.fcr_definition)}")
    if old.csat_definition != new.csat_definition:
        out.append(f"CSAT: {CSAT_DEFINITIONS.get(new.csat_definition, new.csat_definition)}")
    if old.phone_visibility != new.phone_visibility:
        out.append("phone " + PHONE_LEVELS[new.phone_visibility])
    if not _same(old.audit_rate, new.audit_rate):
        out.append(f"audits {new.audit_rate:.0%}")
    return out


def pending_changes(applied: Settings, draft: Settings) -> list[str]:
    """The controls' changes not applied yet to the run on screen, in words.

    Parameters
    ----------
    applied : Settings
        The settings of the run on screen.
    draft : Settings
        The controls as the trainer has set them.
    """
    out = scheme_changes(applied, draft)
    if draft.scenario != applied.scenario:
        out.insert(0, f"lesson {draft.scenario}")
    if draft.customers != applied.customers:
        out.append(f"{draft.customers:,} customers")
    if draft.seed_text.strip() != applied.seed_text.strip():
        out.append(f"seed {draft.seed_text.strip()[:20]}")
    return out


def lesson_label(applied: Settings) -> str:
    """The run's lesson name, with what was changed from the preset:
    ``"hidden_phone"`` or ``"hidden_phone — modified: phone visible"``.

    Parameters
    ----------
    applied : Settings
        The settings of the run on screen.
    """
    changes = scheme_changes(preset_settings(applied.scenario, keep=applied), applied)
    if not changes:
        return applied.scenario
    return f"{applied.scenario} — modified: {', '.join(changes)}"


def scheme_extras(cfg: Config) -> str:
    """The run's scheme features that have no control on the page, in words (starting
    with `` · ``), so the page still says everything that shapes the run; ``""`` if none.

    Parameters
    ----------
    cfg : Config
        The run's config.
    """
    sch = cfg.scheme
    out = []
    if sch.forced_ranking:
        out.append(f"forced ranking (bottom {sch.forced_ranking_bottom:.0%})")
    if sch.team_share:
        out.append(f"{sch.team_share:.0%} of the bonus on team averages")
    if sch.quality_gate:
        out.append(f"no bonus below quality {sch.quality_gate:.0%}")
    if sch.dashboard != "individual":
        out.append(f"dashboard: {sch.dashboard.replace('_', ' ')}")
    if cfg.rollout_day is not None and cfg.proposal is not None:
        new = cfg.proposal
        paid = ", ".join(
            f"{KPI_SHORT[k]} {getattr(new.kpis, k).weight:.2f}"
            for k, _ in WEIGHT_KPIS
            if getattr(new.kpis, k).weight
        )
        out.append(
            f"from day {cfg.rollout_day} the scheme becomes '{new.name}' "
            f"({paid or 'no KPI paid'}, bonus {pct(new.bonus_share)})"
        )
    return "".join(f" · {x}" for x in out)


def comparison_settings(applied: Settings) -> Settings | None:
    """The other side of a run: its lesson's comparison (``scenario.comparison``) as
    its preset, at the run's seed and population (the same size on both sides, whatever
    the comparison's own ``live.customers``); None when the lesson is its own
    comparison (the baseline) or runs on a fixed call stream.

    Parameters
    ----------
    applied : Settings
        The settings of the run on screen.
    """
    cfg = preset_config(applied.scenario)
    other = cfg.scenario.comparison
    if other == applied.scenario or fixed_population(cfg):
        return None
    return dataclasses.replace(
        preset_settings(other, keep=applied),
        customers=applied.customers,
        seed_text=applied.seed_text,
    )
