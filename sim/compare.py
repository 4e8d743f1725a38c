"""``kpisim compare``: the current pay scheme against a proposal, for leaders.

Both arms simulate the same centre with the same seeds (common random numbers): replication
``r`` uses seed ``seed + r`` in both.  Both start under the current scheme; in the proposal
arm the proposed scheme replaces it on ``rollout_day`` (the current arm never switches), so
the transition is visible.  Differences are paired (proposal - current, per replication)
with 95 % t-intervals.

The robust verdict samples the uncertain behavioural parameters declared in
``configs/uncertainty/*.yaml`` by Latin hypercube; in each sampled world both arms run once
(again with common random numbers) on a smaller centre (``robust_scale``), and the report
gives the share of worlds in which the proposal wins on profit, customers and employees,
and which parameters that verdict hinges on (rank correlations).

Outputs in ``out=DIR``: ``report.html`` (self-contained), ``comparison.csv`` (one row per
metric), ``replications.csv`` (every run's summary), ``robust.csv`` (every world),
``timeseries.csv``, ``sensitivity.csv``, ``verdict.json``, the figures as PNG files and
the resolved configs.  Every file is
written atomically; ``DIR`` is created only when the inputs are valid.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import os
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .config import (
    CONFIG_DIR,
    Config,
    ConfigError,
    SchemeConfig,
    available_scenarios,
    available_schemes,
    load_config,
    to_dict,
    validate,
)
from .outputs.signs import SIGNS

# --------------------------------------------------------------------------- arguments
HELP = """usage: kpisim compare [current=X] [proposal=Y] [key=value ...]

Compare the current KPI/pay scheme with a proposal before rollout: what the dashboard will
show, what will really happen to customers, employees and money, and how sure we are.

  current=X        the scheme in force: a scenario name, a scheme name or a YAML file
                   (default: baseline)
  proposal=Y       the scheme to roll out: a scenario name, a scheme name or a YAML file
                   (default: aht_pay)
  replications=N   paired replications per arm, same seeds in both arms (default: 20)
  days=N           working days simulated, a working year is 250 (default: 250)
  rollout_day=N    day the proposal is switched on; before it both arms run the current
                   scheme (default: the pay period nearest a quarter of the horizon)
  robust=N         sampled worlds for the robust verdict, 0 to skip (default: 32)
  robust_scale=F   share of customers and agents in the robust worlds (default: 0.2)
  uncertainty=U    ranges of the uncertain parameters: a name under
                   configs/uncertainty/ or a YAML file (default: default)
  seed=N           base seed; replication r uses seed N+r in both arms (default: 0)
  jobs=N           parallel processes, 0 = every core (default: 0); results do not
                   depend on it
  out=DIR          output folder (default: results/compare/<current>_vs_<proposal>)
  progress=BOOL    show a progress bar (default: true)
  KEY=VALUE        any config override (customers.n=100000, behavior.pay_weight=2, ...),
                   applied to both arms; scheme.* changes the current scheme,
                   proposal.* the proposed one

A scheme file holds the keys of a scheme, as in configs/scheme/*.yaml, e.g.
  name: my_aht_bonus
  bonus_share: 0.10
  kpis:
    aht: {{weight: 0.5, direction: lower, threshold: 420, stretch: 300}}
    fcr: {{weight: 0.5, definition: no_repeat_7d, threshold: 0.65, stretch: 0.85}}
Keys left out take their defaults (no weight on that KPI).

Writes DIR/report.html, DIR/comparison.csv and the figures. Examples:
  kpisim compare
  kpisim compare current=baseline proposal=balanced_scorecard replications=10
  kpisim compare proposal=my_scheme.yaml days=120 rollout_day=42 robust=0

scenarios: {scenarios}
schemes:   {schemes}
"""

#: the argument names of ``kpisim compare`` itself (everything else is a config override)
ARGS = (
    "current", "proposal", "replications", "days", "rollout_day", "robust", "robust_scale",
    "uncertainty", "seed", "jobs", "out", "progress",
)  # fmt: skip

#: Config fields that the compare arguments own (not accepted as overrides).
_OWNED = {"scheme", "proposal", "rollout_day", "days", "seed", "scenario", "output_dir"}


@dataclass
class CompareArgs:
    """Parsed arguments of ``kpisim compare`` (see :data:`HELP`)."""

    current: str = "baseline"
    proposal: str = "aht_pay"
    replications: int = 20
    days: int = 250
    rollout_day: int | None = None
    robust: int = 32
    robust_scale: float = 0.2
    uncertainty: str = "default"
    seed: int = 0
    jobs: int = 0
    out: str = ""
    progress: bool = True
    overrides: list[str] = field(default_factory=list)
    proposal_overrides: list[str] = field(default_factory=list)

    def command(self) -> str:
        """The exact command that reproduces this comparison (``jobs`` left out)."""
        parts = [
            f"current={self.current}",
            f"proposal={self.proposal}",
            f"replications={self.replications}",
            f"days={self.days}",
            f"rollout_day={self.rollout_day}",
            f"robust={self.robust}",
            f"robust_scale={self.robust_scale:g}",
            f"uncertainty={self.uncertainty}",
            f"seed={self.seed}",
            *self.overrides,
            *self.proposal_overrides,
            f"out={self.out}",
        ]
        return "kpisim compare " + " ".join(shlex.quote(p) for p in parts)


def _int(key: str, value: str, lo: int, hi: int | None = None) -> int:
    try:
        x = int(value)
    except ValueError:
        raise ConfigError(f"{key}={value!r} is not an integer") from None
    if x < lo or (hi is not None and x > hi):
        allowed = f"at least {lo}" if hi is None else f"between {lo} and {hi}"
        raise ConfigError(f"{key}={x} is out of range: must be {allowed}")
    return x


def parse_args(argv: list[str]) -> CompareArgs:
    """Parse ``key=value`` arguments; raises :class:`ConfigError` on bad input."""
    a = CompareArgs()
    config_fields = {f.name for f in dataclasses.fields(Config)}
    for raw in argv:
        if "=" not in raw or raw.startswith("-"):
            raise ConfigError(
                f"unexpected argument {raw!r}: arguments take the form key=value "
                "(see kpisim compare --help)"
            )
        key, value = raw.split("=", 1)
        if key in ARGS:
            if key in ("current", "proposal", "uncertainty", "out"):
                if not value:
                    raise ConfigError(f"{key}= needs a value")
                setattr(a, key, value)
            elif key == "replications":
                a.replications = _int(key, value, 2, 100_000)
            elif key == "days":
                a.days = _int(key, value, 2, 100_000)
            elif key == "rollout_day":
                a.rollout_day = _int(key, value, 0, 100_000)
            elif key == "robust":
                a.robust = _int(key, value, 0, 100_000)
            elif key == "seed":
                a.seed = _int(key, value, 0, 2**62)
            elif key == "jobs":
                a.jobs = _int(key, value, 0, 4096)
            elif key == "robust_scale":
                try:
                    a.robust_scale = float(value)
                except ValueError:
                    raise ConfigError(f"robust_scale={value!r} is not a number") from None
                if not 0.0 < a.robust_scale <= 1.0:
                    raise ConfigError(f"robust_scale={value} is out of range: allowed (0, 1]")
            elif key == "progress":
                if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ConfigError(f"progress={value!r} is not allowed: use true or false")
                a.progress = value.lower() in ("true", "1", "yes")
            continue
        top = key.lstrip("+~").split(".", 1)[0]
        if top == "proposal" and "." in key:
            a.proposal_overrides.append(raw)
        elif (top in config_fields and top not in _OWNED) or (top == "scheme" and "." in key):
            a.overrides.append(raw)
        elif top in _OWNED:
            raise ConfigError(
                f"{key}= cannot be overridden here: use current=/proposal= for schemes"
                if top in ("scheme", "scenario")
                else f"{key}= is set by kpisim compare itself"
            )
        else:
            raise ConfigError(
                f"unknown argument {key!r}: kpisim compare takes {', '.join(ARGS)} or a "
                "config override such as customers.n=100000 (see kpisim compare --help)"
            )
    if a.rollout_day is not None and a.rollout_day >= a.days:
        raise ConfigError(
            f"rollout_day={a.rollout_day} must be before the end of the run (days={a.days})"
        )
    return a


# --------------------------------------------------------------------------- specs
SCHEME_KEYS = tuple(f.name for f in dataclasses.fields(SchemeConfig))


def _read_yaml(path: Path, what: str) -> dict[str, Any]:
    """A YAML file as a mapping, or a one-line :class:`ConfigError`."""
    import yaml

    if not path.is_file():
        raise ConfigError(f"{what}={path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ConfigError(f"{what}={path}: not valid YAML{where}: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what}={path}: cannot be read ({exc})") from None
    if data is None:
        raise ConfigError(f"{what}={path}: the file is empty")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{what}={path}: must be a mapping of keys to values (e.g. 'bonus_share: 0.1'), "
            f"not a {type(data).__name__}"
        )
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise ConfigError(f"{what}={path}: key {bad[0]!r} is not a name")
    return data


def _omegaconf_error(exc: Exception, prefix: str) -> str:
    """One line for an OmegaConf merge error, naming the full key."""
    key = getattr(exc, "full_key", "") or ""
    msg = str(exc).splitlines()[0].strip()
    if type(exc).__name__ in ("ConfigKeyError", "ConfigAttributeError") or "not in" in msg:
        return f"{prefix}unknown key {key!r}: check the spelling"
    if "Value '" in msg or "could not be converted" in msg:
        return f"{prefix}{key}: {msg}" if key else f"{prefix}{msg}"
    return f"{prefix}{key + ': ' if key else ''}{msg}"


def scheme_from_mapping(data: dict[str, Any], what: str, default_name: str) -> SchemeConfig:
    """A validated :class:`SchemeConfig` from a (partial) mapping of scheme keys.

    Keys not given take the defaults of the schema (no weight on that KPI).  Raises
    :class:`ConfigError` naming the offending key.
    """
    from omegaconf import OmegaConf

    data = dict(data)
    defaults = data.pop("defaults", None)
    if defaults is not None and defaults not in (["scheme_schema"], "scheme_schema"):
        raise ConfigError(f"{what}: a scheme file's defaults list may only name scheme_schema")
    unknown = [k for k in data if k not in SCHEME_KEYS]
    if unknown:
        raise ConfigError(
            f"{what}: unknown scheme key {unknown[0]!r}: allowed keys are {', '.join(SCHEME_KEYS)}"
        )
    data.setdefault("name", default_name)
    try:
        node = OmegaConf.merge(OmegaConf.structured(SchemeConfig), data)
        scheme = OmegaConf.to_object(node)
    except Exception as exc:  # omegaconf raises several types; all are user errors here
        raise ConfigError(_omegaconf_error(exc, f"{what}: ")) from None
    assert isinstance(scheme, SchemeConfig)
    try:
        validate(Config(scheme=scheme))
    except ConfigError as exc:
        msg = str(exc)
        msg = msg.removeprefix("scheme.").replace(" scheme.", " ")
        raise ConfigError(f"{what}: {msg}") from None
    return scheme


@dataclass
class Arm:
    """One side of the comparison, resolved: its world config and its scheme."""

    spec: str
    kind: str  # "scenario" | "scheme" | "scheme file" | "config file"
    cfg: Config
    label: str


def _is_file_spec(spec: str) -> bool:
    return spec.endswith((".yaml", ".yml")) or os.sep in spec or "/" in spec


def _config_file(path: Path, what: str, overrides: list[str]) -> Config:
    """A scenario-like YAML file (top-level config keys) merged onto the baseline."""
    from omegaconf import OmegaConf

    data = _read_yaml(path, what)
    group = []
    defaults = data.pop("defaults", None) or []
    if not isinstance(defaults, list):
        raise ConfigError(f"{what}: 'defaults' must be a list")
    for item in defaults:
        if isinstance(item, dict) and len(item) == 1:
            ((k, v),) = item.items()
            k = str(k).replace("override ", "").strip().lstrip("/")
            if k == "scheme" and isinstance(v, str):
                group.append(f"scheme={v}")
                continue
        if item in ("_self_", "kpisim_schema"):
            continue
        raise ConfigError(f"{what}: unsupported defaults entry {item!r}")
    base = load_config("baseline", [*group])
    node = OmegaConf.structured(base)
    try:
        node = OmegaConf.merge(node, data)
        if overrides:
            node = OmegaConf.merge(node, OmegaConf.from_dotlist(overrides))
        cfg = OmegaConf.to_object(node)
    except Exception as exc:
        raise ConfigError(_omegaconf_error(exc, f"{what}: ")) from None
    assert isinstance(cfg, Config)
    try:
        return validate(cfg)
    except ConfigError as exc:
        raise ConfigError(f"{what}: {exc}") from None


def resolve_spec(what: str, spec: str, overrides: list[str]) -> Arm:
    """Resolve ``current=``/``proposal=``: a scenario, a scheme or a YAML file."""
    if _is_file_spec(spec) or (Path(spec).is_file() and spec not in available_scenarios()):
        path = Path(spec)
        data = _read_yaml(path, what)
        config_fields = {f.name for f in dataclasses.fields(Config)}
        if any(k in config_fields for k in data):
            cfg = _config_file(path, what, overrides)
            return Arm(spec, "config file", cfg, cfg.scheme.name)
        scheme = scheme_from_mapping(data, f"{what}={spec}", path.stem)
        cfg = load_config("baseline", overrides)
        cfg.scheme = scheme
        return Arm(spec, "scheme file", validate(cfg), scheme.name)
    if spec in available_scenarios():
        cfg = load_config(spec, overrides)
        return Arm(spec, "scenario", cfg, cfg.scheme.name)
    if spec in available_schemes():
        cfg = load_config("baseline", [*overrides, f"scheme={spec}"])
        return Arm(spec, "scheme", cfg, cfg.scheme.name)
    raise ConfigError(
        f"{what}={spec!r} is not a scenario, a scheme or a YAML file: scenarios are "
        f"{', '.join(available_scenarios())}; schemes are {', '.join(available_schemes())}"
    )


#: Config parts that may differ between the arms' worlds without being "the world".
_NOT_WORLD = ("scheme", "proposal", "rollout_day", "scenario", "seed", "days", "output_dir",
              "progress")  # fmt: skip


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def world_delta(base: Config, other: Config) -> dict[str, Any]:
    """Config keys (dotted) outside the scheme where ``other`` differs from ``base``."""
    a, b = _flatten(to_dict(base)), _flatten(to_dict(other))
    return {
        k: v
        for k, v in b.items()
        if k.split(".", 1)[0] not in _NOT_WORLD and a.get(k) != v
    }


def _set_dotted(obj: Any, key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for p in parents:
        obj = getattr(obj, p)
    setattr(obj, last, value)


def _get_dotted(obj: Any, key: str) -> Any:
    for p in key.split("."):
        obj = getattr(obj, p)
    return obj


def _apply_proposal_overrides(scheme: SchemeConfig, overrides: list[str]) -> SchemeConfig:
    from omegaconf import OmegaConf

    if not overrides:
        return scheme
    dot = [o.lstrip("+").removeprefix("proposal.") for o in overrides]
    try:
        node = OmegaConf.merge(OmegaConf.structured(scheme), OmegaConf.from_dotlist(dot))
        out = OmegaConf.to_object(node)
    except Exception as exc:
        raise ConfigError(_omegaconf_error(exc, "proposal override: ")) from None
    assert isinstance(out, SchemeConfig)
    return out


@dataclass
class Plan:
    """Everything a comparison runs: the two arms' configs and the robust worlds."""

    args: CompareArgs
    current: Arm
    proposal: Arm
    cfg_current: Config  # seed = args.seed (replication 0)
    cfg_proposal: Config
    delta: dict[str, Any]  # world settings the proposal changes from day 0
    identical: bool  # the proposal is the current scheme (the arms are the same config)
    uncertainty: dict[str, tuple[float, float]]
    uncertainty_path: str
    worlds: pd.DataFrame  # one row per robust world: the sampled parameters


def default_rollout_day(days: int, period_days: int) -> int:
    """The pay-period boundary nearest a quarter of the horizon (working days)."""
    p = max(1, period_days)
    r = round(days / 4 / p) * p
    if r <= 0 or r >= days:
        r = max(1, days // 4)
    return int(r)


def load_uncertainty(spec: str) -> tuple[dict[str, tuple[float, float]], str]:
    """Ranges of the uncertain parameters from a name under ``configs/uncertainty/`` or a
    YAML file: ``{dotted key: (low, high)}``, each checked against the knob's range."""
    named = CONFIG_DIR / "uncertainty" / f"{spec}.yaml"
    if not _is_file_spec(spec) and named.is_file():
        path, shown = named, f"configs/uncertainty/{spec}.yaml"
    elif _is_file_spec(spec):
        path, shown = Path(spec), spec
    else:
        names = sorted(p.stem for p in (CONFIG_DIR / "uncertainty").glob("*.yaml"))
        raise ConfigError(
            f"uncertainty={spec!r} is not a known set of ranges ({', '.join(names)}) "
            "nor a YAML file"
        )
    data = _read_yaml(path, "uncertainty")
    params = data.get("parameters")
    extra = [k for k in data if k != "parameters"]
    if extra:
        raise ConfigError(f"uncertainty={shown}: unknown key {extra[0]!r}: expected 'parameters'")
    if not isinstance(params, dict) or not params:
        raise ConfigError(f"uncertainty={shown}: 'parameters' must map config keys to [low, high]")
    out: dict[str, tuple[float, float]] = {}
    for key, rng in params.items():
        f = _field_of(str(key))
        if f is None:
            raise ConfigError(f"uncertainty={shown}: unknown config key {key!r}")
        if f.type not in ("float", "float | None", "int") and f.type not in (float, int):
            raise ConfigError(f"uncertainty={shown}: {key} is not a numeric knob")
        if (
            not isinstance(rng, list)
            or len(rng) != 2
            or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in rng)
        ):
            raise ConfigError(f"uncertainty={shown}: {key} needs a range [low, high]")
        lo, hi = float(rng[0]), float(rng[1])
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
            raise ConfigError(f"uncertainty={shown}: {key}: low {lo:g} is above high {hi:g}")
        klo, khi = f.metadata.get("range", (None, None))
        if (klo is not None and lo < klo) or (khi is not None and hi > khi):
            raise ConfigError(
                f"uncertainty={shown}: {key}: [{lo:g}, {hi:g}] leaves the knob's allowed "
                f"range [{'' if klo is None else f'{klo:g}'}, {'' if khi is None else f'{khi:g}'}]"
            )
        out[str(key)] = (lo, hi)
    return out, shown


def _field_of(key: str) -> dataclasses.Field | None:
    obj: Any = Config()
    parts = key.split(".")
    for i, p in enumerate(parts):
        if not dataclasses.is_dataclass(obj):
            return None
        fields = {f.name: f for f in dataclasses.fields(obj)}
        if p not in fields:
            return None
        if i == len(parts) - 1:
            return None if dataclasses.is_dataclass(getattr(obj, p)) else fields[p]
        obj = getattr(obj, p)
    return None


def sample_worlds(
    ranges: dict[str, tuple[float, float]], n: int, seed: int
) -> pd.DataFrame:
    """``n`` Latin-hypercube samples over ``ranges`` (uniform in each), deterministic."""
    from scipy.stats import qmc

    keys = list(ranges)
    if n <= 0 or not keys:
        return pd.DataFrame(columns=["world", *keys])
    u = qmc.LatinHypercube(d=len(keys), seed=np.random.default_rng(seed)).random(n)
    lo = np.array([ranges[k][0] for k in keys])
    hi = np.array([ranges[k][1] for k in keys])
    x = lo + u * (hi - lo)
    df = pd.DataFrame(x, columns=keys)
    for k in keys:
        f = _field_of(k)
        if f is not None and f.type in ("int", int):
            df[k] = df[k].round().astype(int)
    df.insert(0, "world", np.arange(n))
    return df


def build_plan(args: CompareArgs) -> Plan:
    """Resolve and validate everything before anything runs or is written."""
    base_over = [*args.overrides, f"days={args.days}", f"seed={args.seed}"]
    cur = resolve_spec("current", args.current, base_over)
    if cur.cfg.rollout_day is not None:
        raise ConfigError(
            f"current={args.current} already switches scheme on day {cur.cfg.rollout_day}; "
            "the current arm must run one scheme (use its first scheme as current)"
        )
    prop = resolve_spec("proposal", args.proposal, base_over)
    if prop.cfg.rollout_day is not None:
        raise ConfigError(
            f"proposal={args.proposal} itself switches scheme on day {prop.cfg.rollout_day}; "
            "give the scheme to roll out instead"
        )
    delta = world_delta(cur.cfg, prop.cfg) if prop.kind in ("scenario", "config file") else {}
    proposal_scheme = _apply_proposal_overrides(prop.cfg.scheme, args.proposal_overrides)
    if args.rollout_day is None:
        args.rollout_day = default_rollout_day(args.days, cur.cfg.scheme.period_days)
    if not args.out:
        args.out = str(Path("results") / "compare" / f"{_slug(cur.label)}_vs_{_slug(prop.label)}")
    c_cur = copy.deepcopy(cur.cfg)
    c_cur.progress = False
    c_prop = copy.deepcopy(c_cur)
    for k, v in delta.items():
        _set_dotted(c_prop, k, v)
    same = not delta and to_dict(Config(scheme=proposal_scheme)) == to_dict(
        Config(scheme=c_cur.scheme)
    )
    if not same:  # an identical scheme is no change: the proposal arm stays the current arm
        c_prop.rollout_day = args.rollout_day
        c_prop.proposal = proposal_scheme
    try:
        validate(c_cur)
        validate(c_prop)
    except ConfigError as exc:
        raise ConfigError(f"proposal arm: {exc}") from None
    ranges, shown = load_uncertainty(args.uncertainty)
    worlds = sample_worlds(ranges, args.robust, args.seed)
    if args.robust:  # every sampled world must be a valid config
        for _, row in worlds.iterrows():
            for cfg in robust_configs(c_cur, c_prop, row, args):
                validate(cfg)
    return Plan(args, cur, prop, c_cur, c_prop, delta, same, ranges, shown, worlds)


def _slug(s: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in s) or "scheme"


def arm_configs(plan: Plan) -> list[tuple[str, int, Config]]:
    """The main replications: ``(arm, replication, config)``; seed ``seed + r`` in both."""
    out = []
    for r in range(plan.args.replications):
        for arm, base in (("current", plan.cfg_current), ("proposal", plan.cfg_proposal)):
            c = copy.deepcopy(base)
            c.seed = plan.args.seed + r
            out.append((arm, r, c))
    return out


def robust_configs(
    c_cur: Config, c_prop: Config, row: pd.Series, args: CompareArgs
) -> list[Config]:
    """Both arms of one robust world: scaled centre, sampled parameters, same seed."""
    out = []
    for base in (c_cur, c_prop):
        c = copy.deepcopy(base)
        c.customers.n = max(1, round(base.customers.n * args.robust_scale))
        c.employees.n = max(1, round(base.employees.n * args.robust_scale))
        for k, v in row.items():
            if k != "world":
                _set_dotted(c, str(k), v.item() if hasattr(v, "item") else v)
        c.seed = args.seed + int(row["world"])
        out.append(c)
    return out


# --------------------------------------------------------------------------- running
#: daily columns kept for the time series (counts and levels; rates are recomputed)
DAILY_KEEP = (
    "day", "legs", "handle_s", "answered_owned", "resolved_true", "coded_resolved",
    "repeats_7d", "surveys", "survey_top2", "contacts", "xp_top2", "calls_answered",
    "gaming_contacts", "revenue", "cost_total", "profit", "morale_mean", "staff",
    "cost_labour", "cost_bonus", "repeat_contacts", "churned",
)  # fmt: skip


def run_one(cfg: Config) -> dict[str, Any]:
    """Run one config; return its summary (plus derived metrics) and reduced daily table."""
    import logging

    from .run import run_simulation

    logging.getLogger("MESA").setLevel(logging.WARNING)
    res = run_simulation(cfg, progress=False)
    summary = dict(res.summary)
    summary.update(derived_metrics(res.daily))
    daily = res.daily[[c for c in DAILY_KEEP if c in res.daily.columns]].copy()
    return {"summary": summary, "daily": daily}


def derived_metrics(daily: pd.DataFrame) -> dict[str, float]:
    """Metrics the report adds to CONTRACT.md's summary, from the daily table.

    ``pay_per_employee_annual``: salary + bonus paid per seated employee per year
    (currency units/year; 250 working days a year).
    """
    from .units import DAYS_PER_YEAR

    days = len(daily)
    staff = float(daily["staff"].mean()) if days else float("nan")
    pay = float(daily["cost_labour"].sum() + daily["cost_bonus"].sum())
    years = days / DAYS_PER_YEAR
    return {"pay_per_employee_annual": pay / staff / years if staff and years else float("nan")}


def run_all(
    configs: list[Config], jobs: int, progress: bool, desc: str = "compare"
) -> list[dict[str, Any]]:
    """Run every config, in parallel over ``jobs`` processes; results in input order.

    Each run depends on its config only, so the results do not depend on ``jobs``.
    """
    from tqdm import tqdm

    n = len(configs)
    results: list[dict[str, Any] | None] = [None] * n
    bar = tqdm(total=n, desc=desc, unit="run", disable=not progress, file=sys.stderr)
    try:
        if jobs <= 1 or n <= 1:
            for i, c in enumerate(configs):
                results[i] = run_one(c)
                bar.update(1)
        else:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = mp.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(jobs, n), mp_context=ctx) as ex:
                futs = {ex.submit(run_one, c): i for i, c in enumerate(configs)}
                for fut in as_completed(futs):
                    results[futs[fut]] = fut.result()
                    bar.update(1)
    finally:
        bar.close()
    return [r for r in results if r is not None]


def default_jobs() -> int:
    """Cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- statistics
@dataclass(frozen=True)
class Metric:
    """A reported metric: summary key, plain label, group, unit and better direction."""

    key: str
    label: str
    group: str
    unit: str
    better: str  # "higher" | "lower" | "" (neither)


def _m(key: str, label: str, group: str, unit: str, better: str = "") -> Metric:
    return Metric(key, label, group, unit, better)


#: Every numeric summary key of CONTRACT.md, plus the report's derived metrics.
METRICS: tuple[Metric, ...] = (
    _m("contacts_total", "Contacts (phone + web)", "volume", "contacts"),
    _m("calls_offered", "Calls offered", "volume", "calls"),
    _m("calls_answered", "Calls answered", "volume", "calls"),
    _m("web_sessions", "Web self-service sessions", "volume", "sessions"),
    _m("service_level", "Service level (answered within 20 s)", "queue", "share", "higher"),
    _m("asa_s", "Average speed of answer", "queue", "s", "lower"),
    _m("p_wait", "Calls that had to wait", "queue", "share", "lower"),
    _m("abandon_rate", "Calls abandoned", "queue", "share", "lower"),
    _m("occupancy", "Agent occupancy", "queue", "share"),
    _m("aht_s", "Average handle time (AHT)", "measured", "s", "lower"),
    _m("fcr_measured", "First-contact resolution (as measured)", "measured", "share", "higher"),
    _m("csat_survey", "Customer satisfaction (survey)", "measured", "share", "higher"),
    _m("survey_response_rate", "Survey response rate", "measured", "share"),
    _m("friendliness_rating", "Friendliness rating", "measured", "score 1-5", "higher"),
    _m("transfer_rate", "Transfer rate", "measured", "share", "lower"),
    _m("web_containment", "Web containment", "measured", "share", "higher"),
    _m("fcr_true", "First-contact resolution (true)", "true", "share", "higher"),
    _m("csat_true", "Customer satisfaction (true, all contacts)", "true", "share", "higher"),
    _m("customer_effort", "Customer effort", "true", "score", "lower"),
    _m("repeat_contact_rate", "Repeat contacts", "true", "share", "lower"),
    _m("complaint_rate", "Complaints", "true", "share", "lower"),
    _m("handle_s_per_resolved", "Handling time per truly resolved contact", "true", "s", "lower"),
    _m("retention", "Customers retained (of those at start)", "true", "share", "higher"),
    _m("churn_rate_annual", "Customer churn", "true", "share/year", "lower"),
    _m("nps_true", "Net promoter score (true)", "true", "points", "higher"),
    _m("customers_active_end", "Active customers at the end", "true", "customers", "higher"),
    _m("revenue", "Revenue", "money", "currency", "higher"),
    _m("cost_total", "Total cost (labour, bonus, hiring, web)", "money", "currency", "lower"),
    _m("profit", "Profit (revenue - cost)", "money", "currency", "higher"),
    _m("clv_mean", "Customer lifetime value", "money", "currency/customer", "higher"),
    _m("bonus_paid", "Bonus paid", "money", "currency"),
    _m("employee_satisfaction", "Employee morale (at the end)", "people", "0-1", "higher"),
    _m("staff_turnover_annual", "Staff turnover", "people", "share/year", "lower"),
    _m("pay_per_employee_annual", "Pay per employee", "people", "currency/year"),
    _m("gaming_rate", "Calls with a gaming act", "gaming", "share", "lower"),
    _m("false_resolution_rate", "False 'resolved' codes", "gaming", "share", "lower"),
    _m("survey_steering_rate", "Survey steering", "gaming", "share", "lower"),
    _m("dumped_call_rate", "Dumped calls (transfers/hang-ups)", "gaming", "share", "lower"),
    _m("rushed_contact_rate", "Rushed contacts", "gaming", "share", "lower"),
    _m("fcr_gap", "FCR gap (measured - true)", "gap", "share"),
    _m("csat_gap", "CSAT gap (survey - true)", "gap", "share"),
)

def paired_ci(current: np.ndarray, proposal: np.ndarray, level: float = 0.95) -> dict[str, float]:
    """Paired difference ``proposal - current`` with a t-interval.

    Pairs with a missing value in either arm are dropped.  Returns the means, the mean
    difference, its interval, the standard deviations and ``n`` (pairs used).
    """
    from scipy import stats

    c = np.asarray(current, dtype=float)
    p = np.asarray(proposal, dtype=float)
    ok = np.isfinite(c) & np.isfinite(p)
    c, p = c[ok], p[ok]
    n = int(ok.sum())
    nan = float("nan")
    if n == 0:
        keys = ("current_mean", "proposal_mean", "difference", "ci_low", "ci_high",
                "current_sd", "proposal_sd", "difference_sd")  # fmt: skip
        return {**dict.fromkeys(keys, nan), "n": 0}
    d = p - c
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if n > 1 else nan
    if n > 1:
        half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
        lo, hi = mean - half, mean + half
    else:
        lo = hi = nan
    return dict(
        current_mean=float(c.mean()),
        proposal_mean=float(p.mean()),
        difference=mean,
        ci_low=lo,
        ci_high=hi,
        current_sd=float(c.std(ddof=1)) if n > 1 else nan,
        proposal_sd=float(p.std(ddof=1)) if n > 1 else nan,
        difference_sd=sd,
        n=n,
    )


def judge(row: dict[str, Any], better: str) -> str:
    """``better``/``worse`` when the interval excludes 0, ``no clear change`` otherwise,
    ``no change`` when every pair was identical (``no data`` without pairs);
    ``higher``/``lower`` for metrics without a better direction."""
    lo, hi, d = row["ci_low"], row["ci_high"], row["difference"]
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "no change" if d == 0 else "no data"
    if lo == hi == 0:
        return "no change"
    if lo <= 0 <= hi:
        return "no clear change"
    up = lo > 0
    if not better:
        return "higher" if up else "lower"
    return "better" if up == (better == "higher") else "worse"


def summaries_frame(results: list[dict[str, Any]], index: list[tuple[str, int]]) -> pd.DataFrame:
    """One row per run: ``arm``, ``replication`` and every numeric summary value, with the
    toxic signs' values and flags as ``sign_<name>`` / ``sign_<name>_flag``."""
    rows = []
    for (arm, r), res in zip(index, results, strict=True):
        s = res["summary"]
        row: dict[str, Any] = {"arm": arm, "replication": r, "seed": s.get("seed")}
        for m in METRICS:
            v = s.get(m.key)
            row[m.key] = float(v) if v is not None else float("nan")
        for name, _ in SIGNS:
            sign = s.get("toxic_signs", {}).get(name, {})
            v = sign.get("value")
            row[f"sign_{name}"] = float(v) if v is not None else float("nan")
            row[f"sign_{name}_flag"] = float(bool(sign.get("flag")))
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_table(reps: pd.DataFrame) -> pd.DataFrame:
    """The tidy comparison: one row per metric, both arms' means, paired difference and
    its 95 % interval, ``n``; computed from :func:`summaries_frame`'s rows."""
    cur = reps[reps["arm"] == "current"].sort_values("replication")
    pro = reps[reps["arm"] == "proposal"].sort_values("replication")
    if list(cur["replication"]) != list(pro["replication"]):
        raise RuntimeError("arms do not hold the same replications")
    metrics = list(METRICS) + [
        _m(f"sign_{n}", f"Toxic sign value: {lab}", "toxic signs", "value") for n, lab in SIGNS
    ] + [
        _m(f"sign_{n}_flag", f"Toxic sign flagged: {lab}", "toxic signs", "share of runs",
           "lower")
        for n, lab in SIGNS
    ]  # fmt: skip
    rows = []
    for m in metrics:
        st = paired_ci(cur[m.key].to_numpy(), pro[m.key].to_numpy())
        row = {"metric": m.key, "label": m.label, "group": m.group, "unit": m.unit,
               "better": m.better, **st}  # fmt: skip
        row["verdict"] = judge(row, m.better)
        rows.append(row)
    return pd.DataFrame(rows)


def robust_table(plan: Plan, results: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per robust world: sampled parameters, both arms' key outcomes, differences."""
    rows = []
    keys = ("profit", "retention", "csat_true", "staff_turnover_annual", "fcr_true",
            "fcr_measured", "aht_s", "gaming_rate")  # fmt: skip
    for i, (_, w) in enumerate(plan.worlds.iterrows()):
        cur, pro = results[2 * i]["summary"], results[2 * i + 1]["summary"]
        row = {k: w[k] for k in plan.worlds.columns}
        row["world"] = int(w["world"])
        row["seed"] = cur.get("seed")
        for k in keys:
            a = float(cur[k]) if cur.get(k) is not None else float("nan")
            b = float(pro[k]) if pro.get(k) is not None else float("nan")
            row[f"current_{k}"], row[f"proposal_{k}"], row[f"diff_{k}"] = a, b, b - a
        rows.append(row)
    return pd.DataFrame(rows)


#: robust criteria: (name, plain label, difference column, wins when)
CRITERIA = (
    ("profit", "more profit", "diff_profit", "higher"),
    ("retention", "more customers retained", "diff_retention", "higher"),
    ("csat_true", "more truly satisfied customers", "diff_csat_true", "higher"),
    ("customers", "customers better on both retention and true CSAT", "", "both"),
    ("turnover", "lower staff turnover", "diff_staff_turnover_annual", "lower"),
)


def robust_shares(robust: pd.DataFrame) -> dict[str, float]:
    """Share of worlds (0-1) in which the proposal beats the current scheme, per
    criterion of :data:`CRITERIA` (a strict improvement; ties do not count as wins)."""
    if robust.empty:
        return {name: float("nan") for name, *_ in CRITERIA}
    out = {}
    for name, _, col, when in CRITERIA:
        if when == "both":
            win = (robust["diff_retention"] > 0) & (robust["diff_csat_true"] > 0)
        elif when == "higher":
            win = robust[col] > 0
        else:
            win = robust[col] < 0
        out[name] = float(win.mean())
    return out


def sensitivity(
    robust: pd.DataFrame, params: list[str], target: str = "diff_profit"
) -> pd.DataFrame:
    """Which parameters the verdict hinges on: Spearman rank correlation and partial rank
    correlation (PRCC) of each parameter with ``target``, sorted by |PRCC|."""
    from scipy import stats

    rows = []
    if len(robust) < 4 or not params:
        return pd.DataFrame(columns=["parameter", "spearman", "prcc", "p_value"])
    y = robust[target].to_numpy(dtype=float)
    X = robust[params].to_numpy(dtype=float)
    ok = np.isfinite(y) & np.isfinite(X).all(axis=1)
    y, X = y[ok], X[ok]
    ry = stats.rankdata(y)
    RX = np.column_stack([stats.rankdata(X[:, j]) for j in range(X.shape[1])])
    for j, p in enumerate(params):
        if np.ptp(X[:, j]) == 0 or np.ptp(y) == 0:
            rows.append({"parameter": p, "spearman": np.nan, "prcc": np.nan, "p_value": np.nan})
            continue
        rho, pval = stats.spearmanr(X[:, j], y)
        others = np.delete(RX, j, axis=1)
        A = np.column_stack([np.ones(len(ry)), others])
        if len(ry) > A.shape[1] + 1:
            res_x = RX[:, j] - A @ np.linalg.lstsq(A, RX[:, j], rcond=None)[0]
            res_y = ry - A @ np.linalg.lstsq(A, ry, rcond=None)[0]
            den = np.sqrt((res_x**2).sum() * (res_y**2).sum())
            prcc = float((res_x * res_y).sum() / den) if den > 0 else np.nan
        else:
            prcc = np.nan
        rows.append({"parameter": p, "spearman": float(rho), "prcc": prcc, "p_value": float(pval)})
    df = pd.DataFrame(rows)
    order = df["prcc"].abs().fillna(df["spearman"].abs()).fillna(0)
    return df.assign(_o=order).sort_values("_o", ascending=False).drop(columns="_o")


# --------------------------------------------------------------------------- time series
#: plotted series: name -> (numerator, denominator) of daily counts, or a level column
SERIES = {
    "aht_s": ("handle_s", "legs"),
    "fcr_true": ("resolved_true", "answered_owned"),
    "csat_survey": ("survey_top2", "surveys"),
    "csat_true": ("xp_top2", "contacts"),
    "gaming_rate": ("gaming_contacts", "calls_answered"),
    "repeat_contact_rate": ("repeat_contacts", "contacts"),
}
WEEK = 5  # working days per bin


def binned_series(daily: pd.DataFrame, fcr_defs: tuple[str, str], rollout_day: int | None
                  ) -> pd.DataFrame:  # fmt: skip
    """Weekly (5 working days) values of the plotted KPIs for one run, each rate a ratio of
    the week's sums.  ``fcr_measured`` uses the FCR definition in force each day:
    ``fcr_defs = (before rollout, from rollout)``."""
    d = daily.copy()
    d["week"] = d["day"] // WEEK
    day = d["day"].to_numpy()
    after = np.zeros(len(d), bool) if rollout_day is None else day >= rollout_day
    defs = np.where(after, fcr_defs[1], fcr_defs[0])
    d["fcr_num"] = np.where(defs == "no_repeat_7d", d["answered_owned"] - d["repeats_7d"],
                            d["coded_resolved"])  # fmt: skip
    g = d.groupby("week")
    sums = g.sum(numeric_only=True)
    out = pd.DataFrame({"day": g["day"].min()})
    for name, (num, den) in SERIES.items():
        out[name] = sums[num] / sums[den].where(sums[den] != 0)
    out["fcr_measured"] = sums["fcr_num"] / sums["answered_owned"].where(sums["answered_owned"] > 0)
    out["profit_daily"] = g["profit"].mean()
    out["morale"] = g["morale_mean"].mean()
    return out.reset_index(drop=True)


def timeseries_table(plan: Plan, results: list[dict[str, Any]],
                     index: list[tuple[str, int]]) -> pd.DataFrame:  # fmt: skip
    """Tidy weekly series: ``arm``, ``replication``, ``day`` (first day of the week) and
    every plotted KPI."""
    frames = []
    defs_cur = (plan.cfg_current.scheme.kpis.fcr.definition,) * 2
    prop = plan.cfg_proposal.proposal
    defs_pro = (plan.cfg_current.scheme.kpis.fcr.definition,
                prop.kpis.fcr.definition if prop else defs_cur[1])  # fmt: skip
    for (arm, r), res in zip(index, results, strict=True):
        if arm == "current":
            b = binned_series(res["daily"], defs_cur, None)
        else:
            b = binned_series(res["daily"], defs_pro, plan.args.rollout_day)
        b.insert(0, "replication", r)
        b.insert(0, "arm", arm)
        frames.append(b)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- main
@dataclass
class Outcome:
    """A finished comparison (everything the report needs)."""

    plan: Plan
    reps: pd.DataFrame
    table: pd.DataFrame
    series: pd.DataFrame
    robust: pd.DataFrame
    shares: dict[str, float]
    sens: pd.DataFrame
    sens_customers: pd.DataFrame
    main_results: list[dict[str, Any]]
    seconds: float
    jobs: int
    load: tuple[float, float, float] | None


def run_compare(plan: Plan, jobs: int | None = None, progress: bool | None = None) -> Outcome:
    """Run both arms (and the robust worlds) and compute every table of the report."""
    args = plan.args
    jobs = args.jobs if jobs is None else jobs
    jobs = jobs or default_jobs()
    progress = args.progress if progress is None else progress
    t0 = time.perf_counter()
    main = arm_configs(plan)
    robust_cfgs = []
    for _, row in plan.worlds.iterrows():
        robust_cfgs.extend(robust_configs(plan.cfg_current, plan.cfg_proposal, row, args))
    results = run_all([c for *_, c in main] + robust_cfgs, jobs, progress)
    main_res, rob_res = results[: len(main)], results[len(main):]
    index = [(arm, r) for arm, r, _ in main]
    reps = summaries_frame(main_res, index)
    table = comparison_table(reps)
    series = timeseries_table(plan, main_res, index)
    robust = robust_table(plan, rob_res) if args.robust else pd.DataFrame()
    shares = robust_shares(robust)
    params = list(plan.uncertainty)
    sens = sensitivity(robust, params) if args.robust else sensitivity(pd.DataFrame(), [])
    sens_c = (sensitivity(robust, params, "diff_retention") if args.robust
              else sensitivity(pd.DataFrame(), []))  # fmt: skip
    try:
        load = os.getloadavg()
    except OSError:  # pragma: no cover
        load = None
    return Outcome(plan, reps, table, series, robust, shares, sens, sens_c, main_res,
                   time.perf_counter() - t0, jobs, load)  # fmt: skip


def write_outputs(outcome: Outcome) -> Path:
    """Write every output file into ``out`` atomically; ``report.html`` last."""
    from . import report

    out = Path(outcome.plan.args.out)
    out.mkdir(parents=True, exist_ok=True)
    return report.write_all(outcome, out)


def main(argv: list[str]) -> int:
    """Entry point of ``kpisim compare``; returns the exit code."""
    if any(a in ("-h", "--help", "help") for a in argv):
        import textwrap

        print(HELP.format(
            scenarios=textwrap.fill(", ".join(available_scenarios()), 78,
                                    subsequent_indent="           "),
            schemes=textwrap.fill(", ".join(available_schemes()), 78,
                                  subsequent_indent="           "),
        ))  # fmt: skip
        return 0
    try:
        args = parse_args(argv)
        plan = build_plan(args)
    except ConfigError as exc:
        print(f"kpisim compare: {exc}", file=sys.stderr)
        return 2
    a = plan.args
    jobs = a.jobs or default_jobs()
    switch = "identical: no switch" if plan.identical else f"from day {a.rollout_day}"
    print(
        f"kpisim compare: {plan.current.label} (current) vs {plan.proposal.label} (proposal, "
        f"{switch}); {a.replications} paired replications of {a.days} days"
        + (f" + {a.robust} robust worlds at {a.robust_scale:g} scale" if a.robust else "")
        + f"; {jobs} process{'es' if jobs > 1 else ''}",
        file=sys.stderr,
    )
    outcome = run_compare(plan, jobs=jobs)
    path = write_outputs(outcome)
    print(f"kpisim compare: done in {outcome.seconds:.0f} s; report: {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
