"""Validation of a configuration: ranges, allowed values and cross-field rules.

Each check gives one line naming the key, the bad value and what is allowed; every
problem of a config is collected and raised as one :class:`ConfigError` (one line for one
problem), so the command line can print them all without a traceback.  A share written
as a percentage gets the share it probably meant; weights summing below 1 are a warning
(:func:`scheme_warnings`), not an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import typing
from typing import Any

from ..measurement import paid_kpis
from .calendar import calendar_problems
from .fields import percent_hint
from .paths import CONFIG_DIR
from .profile import check_demand
from .schema import SECTIONS, Config, ConfigError, KPIsConfig
from .scheme_checks import scheme_problems, scheme_warnings


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

    Every problem is found before anything is raised: one problem raises
    :class:`ConfigError` with a one-line message naming the key, the bad value and what
    is allowed; several raise one error listing them all, one per line, followed by the
    config's warnings (:func:`scheme_warnings`).

    Parameters
    ----------
    cfg : Config
        The config to check.

    Returns
    -------
    Config
        ``cfg`` itself, once every check has passed.
    """
    found = problems(cfg)
    if found:
        raise ConfigError.collected(found, scheme_warnings(cfg))
    return cfg


def problems(cfg: Config) -> list[str]:
    """Every problem of ``cfg``, one line each (empty: the config is valid).

    Field checks (ranges, choices, shares written as percentages) and each scheme's
    checks come first; then the cross-field rules, each on its own so that one broken
    rule does not hide the next.  A rule that cannot be evaluated because a value it
    reads was already refused is skipped (its value's problem is listed).

    Parameters
    ----------
    cfg : Config
        The config to check.
    """
    found, bad = [], set()
    for key, f, value in _walk(cfg):
        if msg := field_problem(key, f, value):
            found.append(msg)
            bad.add(key)
    for scheme_key in ("scheme", "proposal", "specialist_scheme"):
        scheme = getattr(cfg, scheme_key)
        if scheme is not None:
            found += scheme_problems(scheme, scheme_key, bad)
    for reads, rule in CROSS_FIELD_RULES:
        if any(k.startswith(reads) for k in bad):
            continue  # it reads a value already refused: that value's problem is listed
        try:
            found += list(rule(cfg))
        except ConfigError as exc:
            found += exc.problems
    return found


def field_problem(key: str, f: dataclasses.Field, value: Any) -> str:
    """The problem of one field's value against its metadata (:func:`within`,
    :func:`one_of`), or "".

    Parameters
    ----------
    key : str
        The field's dotted key (``scheme.bonus_share``).
    f : dataclasses.Field
        The schema field (its ``metadata``).
    value : Any
        The value given.
    """
    meta = f.metadata
    if "range" in meta and value is not None:
        lo, hi = meta["range"]
        if isinstance(value, float) and not math.isfinite(value):
            return f"{key}={value!r} is not allowed: must be a finite number"
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            msg = f"{key}={value!r} is out of range: allowed [{_fmt(lo)}, {_fmt(hi)}]"
            if meta.get("why"):
                msg += f" ({meta['why']})"
            hint = percent_hint(value, lo, hi) if meta.get("share") else ""
            return f"{msg}; {hint}" if hint else msg
    if "label" in meta and (problem := _label_problem(key, value, *meta["label"])):
        return problem
    if "choices" in meta and value not in meta["choices"]:
        allowed = ", ".join(repr(c) for c in meta["choices"])
        return f"{key}={value!r} is not allowed: choose one of {allowed}"
    return ""


def _rollout_rules(cfg: Config):
    """A rollout day needs a proposal; transition support needs a rollout."""
    if cfg.rollout_day is not None and cfg.proposal is None:
        yield (
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
            yield f"{key}={value!r} needs a scheme change: set rollout_day and proposal, or {key}=0"


def _iso_date(text: str) -> bool:
    """Whether ``text`` is a date written YYYY-MM-DD (the calendar's own spelling)."""
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _workforce_rules(cfg: Config):
    """The service-level target with planning, and the shift lengths."""
    wf = cfg.workforce
    if wf.planning and cfg.channels.service_level_target >= 1.0:
        yield (
            f"channels.service_level_target={cfg.channels.service_level_target!r} is not "
            "allowed with workforce.planning: the plan needs a target below 1 (no finite "
            "staff answers every call within the threshold)"
        )
    if not wf.shift_hours:
        yield "workforce.shift_hours=[] is not allowed: give at least one length"
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    k = round(cfg.channels.open_s / (cfg.demand.interval_minutes * 60.0))
    if wf.staffing == "observed" and not wf.observed_on_phones:
        yield "workforce.staffing='observed' needs workforce.observed_on_phones (kpisim calibrate)"
    for day, row in wf.observed_on_phones.items():
        if day not in days or len(row) != k or min(row, default=0.0) < 0:
            yield (
                f"workforce.observed_on_phones.{day} is not allowed: a weekday of "
                f"{', '.join(days)} with {k} agent counts >= 0 (one per interval)"
            )
    for date, row in wf.observed_on_phones_by_date.items():
        if not _iso_date(date) or len(row) != k or min(row, default=0.0) < 0:
            yield (
                f"workforce.observed_on_phones_by_date.{date} is not allowed: an ISO date "
                f"(YYYY-MM-DD) with {k} agent counts >= 0 (one per interval)"
            )
    hf = cfg.handling.interval_factors
    if hf and (len(hf) != k or not all(0.0 < x < 100.0 for x in hf)):
        yield (
            f"handling.interval_factors={list(hf)!r} is not allowed: empty, or {k} factors "
            "in (0, 100), one per planning interval of the opening hours"
        )
    for h in wf.shift_hours:
        if not 0.5 <= h <= cfg.channels.open_s / 3600.0:
            yield (
                f"workforce.shift_hours contains {h!r}: each shift must be 0.5 h to the "
                f"opening hours (channels.open_s={cfg.channels.open_s!r} s)"
            )
            continue
        step = cfg.demand.interval_minutes
        if abs(h * 60.0 / step - round(h * 60.0 / step)) > 1e-9:
            yield (
                f"workforce.shift_hours contains {h!r}: each shift must be a whole number "
                f"of planning intervals (demand.interval_minutes={step})"
            )


def _salary_rule(cfg: Config):
    """The experienced salary is at least the novice one."""
    if cfg.employees.salary_experienced_annual < cfg.employees.salary_novice_annual:
        yield "employees.salary_experienced_annual must be >= employees.salary_novice_annual"


def _departments_rule(cfg: Config):
    """The departments' shares of new issues sum to at most 1."""
    dep = cfg.departments
    fd_share = dep.billing_share + dep.product_share + dep.delivery_share
    if fd_share > 1.0 + 1e-9:
        yield (
            f"departments: billing_share + product_share + delivery_share = {fd_share:g}; "
            "allowed at most 1 (they are shares of the new issues)"
        )


def _demand_rule(cfg: Config):
    """The demand profile fits the opening hours (``profile.check_demand``)."""
    check_demand(cfg)
    return ()


def _expectations_rule(cfg: Config):
    """The lesson's expectations (:func:`check_expectations`)."""
    check_expectations(cfg)
    return ()


#: The cross-field rules, each with the key prefixes it reads: a rule is skipped when a
#: key it reads was already refused (no follow-on problem of a value already listed).
CROSS_FIELD_RULES = (
    (("rollout_day", "proposal", "transition."), _rollout_rules),
    (("workforce.", "channels.", "demand."), _workforce_rules),
    (("employees.salary",), _salary_rule),
    (("departments.",), _departments_rule),
    (("demand.", "channels.", "centre"), _demand_rule),
    (("scenario.",), _expectations_rule),
    (("calendar.", "channels.", "demand.interval"), calendar_problems),
)


#: Directions a scenario's lesson may expect of a summary key (``scenario.expect``).
DIRECTIONS = ("up", "down")
#: What a presenter tile (``scenario.live.tiles``) may expect against the comparison:
#: its real number up or down, the dashboard's number up or down, or only shown.
LIVE_TILE_DIRECTIONS = (*DIRECTIONS, "dashboard up", "dashboard down", "show")


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


def _label_problem(key: str, value: Any, lo: int, hi: int) -> str:
    """A printed label (e.g. ``economics.currency``) must be a string of ``lo`` to ``hi``
    printable characters, no line breaks or markup: the problem, or ""."""
    ok = isinstance(value, str) and lo <= len(value.strip()) <= hi
    if not ok or not value.isprintable() or any(ch in value for ch in "<>&\"'"):
        return (
            f"{key}={value!r} is not allowed: a label of {lo}-{hi} printable characters "
            "without <, >, & or quotes (e.g. USD, EUR, GBP)"
        )
    return ""


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
    live = meta.live
    for key, direction in live.tiles.items():
        if direction not in LIVE_TILE_DIRECTIONS:
            raise ConfigError(
                f"scenario {meta.name!r}: scenario.live.tiles.{key}={direction!r} is not "
                f"allowed: choose one of {', '.join(repr(d) for d in LIVE_TILE_DIRECTIONS)}"
            )
    if len(live.prompts) != len(live.stops) or list(live.stops) != sorted(set(live.stops)):
        raise ConfigError(
            f"scenario {meta.name!r}: scenario.live.stops={list(live.stops)} is not allowed: "
            "increasing days, one prompt (scenario.live.prompts) per stop"
        )
    if not meta.expect:
        return
    known = sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml"))
    if meta.comparison not in known or meta.comparison == meta.name:
        raise ConfigError(
            f"scenario {meta.name!r}: scenario.comparison={meta.comparison!r} is not "
            f"allowed: choose another shipped scenario ({', '.join(known)})"
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
    parts = key.lstrip("+~").split(".")
    for i, part in enumerate(parts[:-1]):
        if part == "kpis" and parts[i + 1] not in paid_kpis() and _is_kpis(parts[:i]):
            return unknown_kpi_message(".".join(parts[: i + 2]), parts[i + 1])
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


def unknown_kpi_message(key: str, name: str) -> str:
    """The one-line error for a KPI a scheme cannot pay on: every valid name, and the
    nearest one.

    Parameters
    ----------
    key : str
        Where it was given (``scheme.kpis.fcrr``, or ``kpis.fcrr`` in a scheme file).
    name : str
        The unknown KPI's name (``fcrr``).
    """
    valid = paid_kpis()
    near = difflib.get_close_matches(name, valid, n=1, cutoff=NEAR_CUTOFF)
    hint = f"did you mean {near[0]}? " if near else ""
    return f"unknown KPI {name!r} in {key!r}: {hint}valid KPIs are {', '.join(valid)}"


def _is_kpis(sections: list[str]) -> bool:
    """Whether ``sections + ["kpis"]`` is a scheme's ``kpis`` section."""
    node: Any = Config
    for part in [*sections, "kpis"]:
        fields = _fields(node)
        if part not in fields:
            return False
        node = _field_type(fields[part])
    return node is KPIsConfig


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
