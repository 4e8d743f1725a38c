"""The search space of a scheme design: a YAML file a leader can read, checked against
the config schema's own ranges before anything runs.

A space file (``configs/design/default.yaml`` is the documented default) has four keys:

- ``scheme``: scheme keys (fields of :class:`sim.config.SchemeConfig` other than ``name``
  and ``kpis``) and what each may take: ``[low, high]`` a number in that closed range, a
  list of words (or of true/false) one of them, a single value fixed;
- ``cap``: the cap of every paid KPI's score (one shared number, as above);
- ``kpis``: the KPIs that may be paid (names of the registry ``sim.measurement.KPIS``
  with ``paid``), each with ``weight`` (relative weight; a candidate's weights are
  divided by their sum, so the on-target bonus is ``bonus_share``), ``definition`` (the
  measurement definitions allowed), ``threshold``, ``target``, ``stretch`` (in the KPI's
  unit) and ``safety_nets`` (paired metric -> range of its limit; the search also tries
  no net);
- ``phone_visibility``: the phone-number policies allowed (``channels.phone_visibility``).

Every range must lie inside the schema's range of its key (``sim/config/fields.py``
metadata ``within``), every word among its ``one_of`` choices; a share KPI's band inside
[0, 1].  A bad space raises one :class:`ConfigError` naming the key, the value and what
is allowed.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..config import ChannelsConfig, Config, ConfigError, KPIConfig, SchemeConfig, validate
from ..config.paths import CONFIG_DIR
from ..measurement import KPIS, paid_kpis, safety_metrics

#: The documented default space.
DEFAULT_SPACE = CONFIG_DIR / "design" / "default.yaml"
#: The top-level keys of a space file.
TOP_KEYS = ("scheme", "cap", "kpis", "phone_visibility")
#: The keys of one KPI's entry.
KPI_KEYS = ("weight", "definition", "threshold", "target", "stretch", "safety_nets")
#: Scheme keys a space may not search (set by the design itself).
NOT_SEARCHED = ("name", "kpis")


@dataclass(frozen=True)
class Param:
    """One searched (or fixed) config key of the space.

    ``key`` is the dotted config key (``scheme.bonus_share``, ``scheme.kpis.aht.weight``,
    ``channels.phone_visibility``); exactly one of ``fixed``, ``(low, high)`` and
    ``choices`` describes what it may take; ``integer`` for an integer field's range.
    """

    key: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None
    fixed: Any = None
    integer: bool = False

    @property
    def varies(self) -> bool:
        """Whether the search chooses this key (a range or two or more choices)."""
        return self.low is not None or self.choices is not None


@dataclass(frozen=True)
class Space:
    """A validated search space: the scheme-level and KPI keys as :class:`Param`, and
    each paid KPI's safety nets (metric -> range of its limit)."""

    source: str
    params: tuple[Param, ...]
    kpis: tuple[str, ...]
    nets: dict[str, dict[str, Param]]

    def param(self, key: str) -> Param | None:
        """The :class:`Param` of a dotted key, or None when the space does not set it."""
        return next((p for p in self.params if p.key == key), None)


def load_space(path: str | Path | None = None) -> Space:
    """Read and validate a space file (default :data:`DEFAULT_SPACE`).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The YAML file.

    Raises
    ------
    ConfigError
        One line ``space=PATH: ...`` naming the key, the bad value and what is allowed.
    """
    path = Path(path) if path else DEFAULT_SPACE
    where = f"space={path}"
    if not path.is_file():
        raise ConfigError(f"{where}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: not a readable YAML file ({type(exc).__name__})") from None
    return parse_space(data, where)


def parse_space(data: Any, where: str = "space") -> Space:
    """Validate a space given as a mapping (the content of a space file).

    Parameters
    ----------
    data : Any
        The parsed YAML.
    where : str
        The prefix of every error (``space=PATH``).
    """
    if not data or not isinstance(data, dict):
        raise ConfigError(
            f"{where}: the space is empty: give at least 'kpis' (the KPIs that may be paid)"
        )
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r}: allowed keys are {', '.join(TOP_KEYS)}"
        )
    kpis = data.get("kpis") or {}
    if not isinstance(kpis, dict) or not kpis:
        raise ConfigError(
            f"{where}: the space is empty: list under 'kpis' at least one KPI that may be "
            f"paid ({', '.join(paid_kpis())})"
        )
    params: list[Param] = []
    scheme = data.get("scheme") or {}
    if not isinstance(scheme, dict):
        raise ConfigError(f"{where}: 'scheme' must map scheme keys to ranges or choices")
    scheme_fields = {f.name: f for f in dataclasses.fields(SchemeConfig)}
    for key, spec in scheme.items():
        if key not in scheme_fields or key in NOT_SEARCHED:
            allowed = [k for k in scheme_fields if k not in NOT_SEARCHED]
            raise ConfigError(
                f"{where}: scheme.{key} is not a scheme key the design can search: "
                f"allowed keys are {', '.join(allowed)}"
            )
        params.append(_param(f"scheme.{key}", spec, SchemeConfig, key, where))
    if "cap" in data:
        params.append(_param("cap", data["cap"], KPIConfig, "cap", where))
    if "phone_visibility" in data:
        params.append(
            _param(
                "channels.phone_visibility",
                data["phone_visibility"],
                ChannelsConfig,
                "phone_visibility",
                where,
            )
        )
    nets: dict[str, dict[str, Param]] = {}
    for name, entry in kpis.items():
        kpi_params, kpi_nets = _kpi(str(name), entry, where)
        params += kpi_params
        if kpi_nets:
            nets[str(name)] = kpi_nets
    weights = [p for p in params if p.key.endswith(".weight")]
    if all((p.high if p.varies else p.fixed) == 0 for p in weights):
        raise ConfigError(
            f"{where}: the space is empty: every KPI's weight is 0, so every candidate is "
            "flat pay; give at least one weight range above 0"
        )
    if not any(p.varies for p in params) and not nets:
        raise ConfigError(
            f"{where}: the space is empty: every key is fixed, so there is nothing to search; "
            "give at least one range [low, high] or list of choices"
        )
    return Space(where, tuple(params), tuple(str(k) for k in kpis), nets)


def _kpi(name: str, entry: Any, where: str) -> tuple[list[Param], dict[str, Param]]:
    """One KPI's entry of ``kpis``: its params and its safety nets."""
    if name not in paid_kpis():
        raise ConfigError(
            f"{where}: kpis.{name} is not a KPI a scheme can pay on: choose among "
            f"{', '.join(paid_kpis())} (sim.measurement.KPIS)"
        )
    if not isinstance(entry, dict) or "weight" not in entry:
        raise ConfigError(
            f"{where}: kpis.{name} needs at least a weight range, e.g. 'weight: [0.0, 1.0]'"
        )
    unknown = [k for k in entry if k not in KPI_KEYS]
    if unknown:
        raise ConfigError(
            f"{where}: kpis.{name}.{unknown[0]} is not allowed: a KPI's keys are "
            f"{', '.join(KPI_KEYS)}"
        )
    prefix = f"scheme.kpis.{name}"
    out = [
        _param(f"{prefix}.{k}", entry[k], KPIConfig, k, where)
        for k in ("weight", "definition", "threshold", "target", "stretch")
        if k in entry
    ]
    for p in out:
        if p.key.endswith(".definition"):
            for d in p.choices or (p.fixed,):
                _check_definition(name, d, where)
    _check_band(name, out, where)
    nets_spec = entry.get("safety_nets") or {}
    if not isinstance(nets_spec, dict):
        raise ConfigError(
            f"{where}: kpis.{name}.safety_nets must map a metric to its limit's range, "
            "e.g. 'repeat_rate: [0.25, 0.45]'"
        )
    nets = {}
    for metric, spec in nets_spec.items():
        if metric not in safety_metrics():
            raise ConfigError(
                f"{where}: kpis.{name}.safety_nets.{metric} is not a safety-net metric: "
                f"choose among {', '.join(safety_metrics())}"
            )
        p = _param(f"{prefix}.safety_limit.{metric}", spec, KPIConfig, "safety_limit", where)
        _check_share(f"{prefix}.safety_nets.{metric}", p, where)
        nets[str(metric)] = p
    return out, nets


def _check_definition(name: str, definition: Any, where: str) -> None:
    """A measurement definition the schema allows for this KPI (asked of the schema's
    own validation, the one home of that rule)."""
    scheme = SchemeConfig()
    getattr(scheme.kpis, name).definition = definition
    try:
        validate(Config(scheme=scheme))
    except ConfigError as exc:
        msg = str(exc).removeprefix("scheme.")
        raise ConfigError(f"{where}: {msg}") from None


def _check_band(name: str, params: list[Param], where: str) -> None:
    """Threshold, target and stretch inside a share KPI's [0, 1] (seconds >= 0), and
    ranges that allow the order along the KPI's direction at least somewhere."""
    by = {p.key.rsplit(".", 1)[1]: p for p in params}
    unit = KPIS[name].unit
    for k in ("threshold", "target", "stretch"):
        if k in by:
            p = by[k]
            lo, hi = _bounds(p)
            top = 1.0 if unit == "share" else math.inf
            if lo < 0 or hi > top:
                what = "a share in [0, 1]" if unit == "share" else "seconds, at least 0"
                raise ConfigError(
                    f"{where}: kpis.{name}.{k}={_show(p)} is outside the KPI's unit: "
                    f"{name} is {what}"
                )
    if not all(k in by for k in ("threshold", "target", "stretch")):
        return
    th, tg, st = (_bounds(by[k]) for k in ("threshold", "target", "stretch"))
    if KPIS[name].direction == "higher":
        ok = th[0] < tg[1] and tg[0] <= st[1]
        rule = "threshold < target <= stretch"
    else:
        ok = th[1] > tg[0] and tg[1] >= st[0]
        rule = "threshold > target >= stretch"
    if not ok:
        raise ConfigError(
            f"{where}: kpis.{name}: no candidate can have {rule} (its direction is "
            f"{KPIS[name].direction}) with threshold {_show(by['threshold'])}, target "
            f"{_show(by['target'])}, stretch {_show(by['stretch'])}"
        )


def _check_share(key: str, p: Param, where: str) -> None:
    lo, hi = _bounds(p)
    if lo < 0 or hi > 1:
        raise ConfigError(f"{where}: {key}={_show(p)} is outside [0, 1]: the metric is a share")


def _bounds(p: Param) -> tuple[float, float]:
    if p.low is not None and p.high is not None:
        return float(p.low), float(p.high)
    return float(p.fixed), float(p.fixed)


def _show(p: Param) -> str:
    if p.low is not None:
        return f"[{p.low:g}, {p.high:g}]"
    if p.choices is not None:
        return "[" + ", ".join(str(c) for c in p.choices) + "]"
    return f"{p.fixed!r}"


def _param(key: str, spec: Any, section: type, field_name: str, where: str) -> Param:
    """A :class:`Param` from its spec, checked against the schema field's metadata and
    type: ``[low, high]``, a list of choices, or one fixed value.

    Parameters
    ----------
    key : str
        The dotted key, for messages and as the parameter's name.
    spec : Any
        What the space file gives.
    section : type
        The schema dataclass owning the field.
    field_name : str
        The field's name in ``section``.
    where : str
        The prefix of every error.
    """
    f = {x.name: x for x in dataclasses.fields(section)}[field_name]
    kind = typing.get_type_hints(section)[field_name]
    choices = f.metadata.get("choices")
    lo_s, hi_s = f.metadata.get("range", (None, None))
    shown = file_key(key)
    if kind is bool or choices is not None:
        allowed = (True, False) if kind is bool else tuple(choices)
        values = tuple(spec) if isinstance(spec, list) else (spec,)
        if not values:
            raise ConfigError(f"{where}: {shown}: an empty list of choices")
        for v in values:
            if v not in allowed or isinstance(v, bool) != (kind is bool):
                raise ConfigError(
                    f"{where}: {shown}: {v!r} is not allowed: choose among "
                    + ", ".join(repr(a) for a in allowed)
                )
        if len(values) == 1:
            return Param(key, fixed=values[0])
        return Param(key, choices=values)
    integer = kind is int
    numbers = spec if isinstance(spec, list) else [spec]
    if len(numbers) not in (1, 2) or not all(
        isinstance(x, int | float) and not isinstance(x, bool) for x in numbers
    ):
        raise ConfigError(
            f"{where}: {shown}={spec!r}: give a number or a range [low, high] of numbers"
        )
    if integer and not all(float(x).is_integer() for x in numbers):
        raise ConfigError(f"{where}: {shown}={spec!r}: {field_name} takes whole numbers")
    lo, hi = float(numbers[0]), float(numbers[-1])
    if lo > hi:
        raise ConfigError(f"{where}: {shown}=[{lo:g}, {hi:g}]: low is above high")
    if (lo_s is not None and lo < lo_s) or (hi_s is not None and hi > hi_s):
        bound = f"[{_fmt(lo_s)}, {_fmt(hi_s)}]"
        given = f"[{lo:g}, {hi:g}]" if len(numbers) == 2 else f"{lo:g}"
        raise ConfigError(
            f"{where}: {shown}={given} is outside the schema's range {bound} of {field_name}"
        )
    if lo == hi:
        return Param(key, fixed=int(lo) if integer else lo, integer=integer)
    if integer:
        return Param(key, low=int(lo), high=int(hi), integer=True)
    return Param(key, low=lo, high=hi)


def file_key(key: str) -> str:
    """The space file's name of a dotted config key (``scheme.kpis.aht.weight`` ->
    ``kpis.aht.weight``, ``channels.phone_visibility`` -> ``phone_visibility``).

    Parameters
    ----------
    key : str
        A :class:`Param`'s key.
    """
    out = key.replace("scheme.kpis.", "kpis.").replace(".safety_limit.", ".safety_nets.")
    return out.removeprefix("channels.")


def _fmt(x: float | None) -> str:
    return "unbounded" if x is None else f"{x:g}"
