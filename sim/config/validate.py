"""Validation of a configuration: ranges, allowed values and cross-field rules.

Each check raises :class:`ConfigError` with one line naming the key, the bad value and
what is allowed, so the command line can print it without a traceback.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import typing
from typing import Any

from ..measurement import CSAT_DEFINITIONS, FCR_DEFINITIONS
from .paths import CONFIG_DIR
from .profile import check_demand
from .schema import SECTIONS, Config, ConfigError, KPIConfig, SchemeConfig


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

    Parameters
    ----------
    cfg : Config
        The config to check.

    Returns
    -------
    Config
        ``cfg`` itself, once every check has passed.
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
        if "label" in meta:
            _check_label(key, value, *meta["label"])
        if "choices" in meta and value not in meta["choices"]:
            allowed = ", ".join(repr(c) for c in meta["choices"])
            raise ConfigError(f"{key}={value!r} is not allowed: choose one of {allowed}")
    for scheme_key in ("scheme", "proposal", "specialist_scheme"):
        scheme = getattr(cfg, scheme_key)
        if scheme is None:
            continue
        _validate_scheme(scheme, scheme_key)
    if cfg.rollout_day is not None and cfg.proposal is None:
        raise ConfigError(
            f"rollout_day={cfg.rollout_day} needs a proposal scheme: set proposal "
            "(e.g. +scheme@proposal=aht_pay) or rollout_day=null"
        )
    t = cfg.transition
    support = {
        "transition.pay_protection_periods": t.pay_protection_periods,
        "transition.retraining_share": t.retraining_share,
        "transition.retraining_hours": t.retraining_hours,
        "transition.communication_share": t.communication_share,
    }
    for key, value in support.items():
        if value and cfg.rollout_day is None:
            raise ConfigError(
                f"{key}={value!r} needs a scheme change: set rollout_day and proposal, or {key}=0"
            )
    wf = cfg.workforce
    if wf.planning and cfg.channels.service_level_target >= 1.0:
        raise ConfigError(
            f"channels.service_level_target={cfg.channels.service_level_target!r} is not "
            "allowed with workforce.planning: the plan needs a target below 1 (no finite "
            "staff answers every call within the threshold)"
        )
    if not wf.shift_hours:
        raise ConfigError("workforce.shift_hours=[] is not allowed: give at least one length")
    for h in wf.shift_hours:
        if not 0.5 <= h <= cfg.channels.open_s / 3600.0:
            raise ConfigError(
                f"workforce.shift_hours contains {h!r}: each shift must be 0.5 h to the "
                f"opening hours (channels.open_s={cfg.channels.open_s!r} s)"
            )
        step = cfg.demand.interval_minutes
        if abs(h * 60.0 / step - round(h * 60.0 / step)) > 1e-9:
            raise ConfigError(
                f"workforce.shift_hours contains {h!r}: each shift must be a whole number "
                f"of planning intervals (demand.interval_minutes={step})"
            )
    if cfg.employees.salary_experienced_annual < cfg.employees.salary_novice_annual:
        raise ConfigError(
            "employees.salary_experienced_annual must be >= employees.salary_novice_annual"
        )
    dep = cfg.departments
    fd_share = dep.billing_share + dep.product_share + dep.delivery_share
    if fd_share > 1.0 + 1e-9:
        raise ConfigError(
            f"departments: billing_share + product_share + delivery_share = {fd_share:g}; "
            "allowed at most 1 (they are shares of the new issues)"
        )
    check_demand(cfg)
    check_expectations(cfg)
    return cfg


#: Directions a scenario's lesson may expect of a summary key (``scenario.expect``).
DIRECTIONS = ("up", "down")


#: The five toxic-KPI signs, in order: the keys of ``summary["toxic_signs"]``
#: (``sim.outputs.signs.SIGNS`` labels them) and what a lesson may declare it lights
#: (``scenario.signs``).
SIGN_KEYS = (
    "contradiction",
    "chasing_numbers",
    "indicator_became_target",
    "not_informing_decisions",
    "imbalance",
)


def _check_label(key: str, value: Any, lo: int, hi: int) -> None:
    """A printed label (e.g. ``economics.currency``): a string of ``lo`` to ``hi``
    printable characters, no line breaks or markup."""
    ok = isinstance(value, str) and lo <= len(value.strip()) <= hi
    if not ok or not value.isprintable() or any(ch in value for ch in "<>&\"'"):
        raise ConfigError(
            f"{key}={value!r} is not allowed: a label of {lo}-{hi} printable characters "
            "without <, >, & or quotes (e.g. USD, EUR, GBP)"
        )


def check_expectations(cfg: Config) -> None:
    """``scenario.expect`` holds "up"/"down" only, ``scenario.comparison`` names
    another shipped scenario (the summary keys are checked against a run's summary by
    ``sim.outputs.expectations``) and ``scenario.signs`` names signs only.

    Parameters
    ----------
    cfg : Config
        The config being validated (its ``scenario`` section).
    """
    meta = cfg.scenario
    for key, direction in meta.expect.items():
        if direction not in DIRECTIONS:
            raise ConfigError(
                f"scenario {meta.name!r}: scenario.expect.{key}={direction!r} is not "
                f"allowed: choose one of {', '.join(repr(d) for d in DIRECTIONS)}"
            )
    for sign in meta.signs:
        if sign not in SIGN_KEYS:
            raise ConfigError(
                f"scenario {meta.name!r}: scenario.signs has {sign!r}, which is not a sign: "
                f"choose among {', '.join(SIGN_KEYS)}"
            )
    if not meta.expect:
        return
    known = sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml"))
    if meta.comparison not in known or meta.comparison == meta.name:
        raise ConfigError(
            f"scenario {meta.name!r}: scenario.comparison={meta.comparison!r} is not "
            f"allowed: choose another shipped scenario ({', '.join(known)})"
        )


#: Measurement definitions each KPI may take (``sim.measurement``); others: "default".
_DEFINITIONS = {"fcr": FCR_DEFINITIONS, "csat": CSAT_DEFINITIONS}


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
        if kpi.weight > 0 and kpi.curve == "linear":
            _check_curve(kpi, key)
    if total > 1.0 + 1e-9:
        raise ConfigError(f"{prefix}.kpis: weights sum to {total:g}; allowed at most 1")


def _check_curve(kpi: KPIConfig, key: str) -> None:
    """A paid linear curve scores 0 at threshold, 1 at target and cap at stretch, so
    the three must come in that order along the KPI's direction (stretch may equal
    target: no over-achievement band) and cap must be at least the on-target 1."""
    th, tg, st = kpi.threshold, kpi.target, kpi.stretch
    ok = th < tg <= st if kpi.direction == "higher" else th > tg >= st
    if not ok:
        word = "<" if kpi.direction == "higher" else ">"
        raise ConfigError(
            f"{key}: direction={kpi.direction!r} needs threshold {word} target {word}= "
            f"stretch (got threshold={th:g}, target={tg:g}, stretch={st:g}): the score is 0 "
            "at threshold, 1 at target and cap at stretch"
        )
    if kpi.cap < 1.0:
        raise ConfigError(
            f"{key}.cap={kpi.cap:g} is below 1: a linear curve scores 1 at target, so the "
            "cap must be at least 1 (1 = no pay for over-achievement)"
        )


_BOOL_WORDS = {"true", "false", "yes", "no", "on", "off"}


def check_bool(key: str, value: str) -> None:
    """Reject ``flag=2``: OmegaConf would turn any integer into a bool.

    Parameters
    ----------
    key : str
        The override's dotted key (``behavior.adaptive``).
    value : str
        The override's value as typed.
    """
    node: Any = Config
    for part in key.split("."):
        fields = _fields(node)
        if part not in fields:
            return  # unknown keys are reported by Hydra
        node = _field_type(fields[part])
    if node is bool and value.strip().lower() not in _BOOL_WORDS:
        raise ConfigError(f"{key}={value!r} is not allowed: must be a bool (true or false)")


def unknown_key_message(key: str) -> str:
    """The one-line error for a dotted ``key`` the schema does not have.

    It names the nearest keys of the same section when there are any (a misspelt key,
    or a retired one: a name close to its replacement's), with the values the key
    takes when it is a choice, so the message says what to write instead.

    Parameters
    ----------
    key : str
        The dotted key as given (a leading ``+`` or ``~`` is ignored).
    """
    near = _near_keys(key)
    if not near:
        return (
            f"unknown config key {key!r}: check the spelling "
            "(`kpisim run --cfg job` prints every key)"
        )
    hints = []
    for dotted, f in near:
        choices = f.metadata.get("choices")
        values = f" (one of {', '.join(repr(c) for c in choices)})" if choices else ""
        hints.append(dotted + values)
    return (
        f"unknown config key {key!r}: did you mean {' or '.join(hints)}? "
        "(`kpisim run --cfg job` prints every key)"
    )


def _near_keys(key: str) -> list[tuple[str, dataclasses.Field]]:
    """Up to two keys of ``key``'s section whose names are closest to its last part."""
    *sections, name = key.lstrip("+~").split(".")
    node: Any = Config
    for part in sections:
        fields = _fields(node)
        if part not in fields:
            return []
        node = _field_type(fields[part])
    fields = _fields(node)
    prefix = "".join(f"{s}." for s in sections)
    near = difflib.get_close_matches(name, list(fields), n=2, cutoff=NEAR_CUTOFF)
    return [(prefix + n, fields[n]) for n in near]


#: Similarity (difflib's ratio, 0-1) above which a known key is offered for an unknown
#: one: low enough to offer a renamed key's new name, high enough to leave out
#: unrelated names.
NEAR_CUTOFF = 0.5


def _fields(node: Any) -> dict[str, dataclasses.Field]:
    """The fields of a schema section by name (none for a leaf)."""
    return {f.name: f for f in dataclasses.fields(node)} if dataclasses.is_dataclass(node) else {}


def _field_type(f: dataclasses.Field) -> Any:
    """The class a dataclass field holds (Optional[X] -> X; string annotations resolved)."""
    hints = typing.get_type_hints(_owner_of(f))
    t = hints.get(f.name, Any)
    args = [a for a in typing.get_args(t) if a is not type(None)]
    return args[0] if args and typing.get_origin(t) is not None else t


def _owner_of(f: dataclasses.Field) -> type:
    for cls in SECTIONS:
        if any(x is f for x in dataclasses.fields(cls)):
            return cls
    return Config
