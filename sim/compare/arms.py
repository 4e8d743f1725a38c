"""The two arms of a comparison: what ``current=`` and ``proposal=`` name, resolved.

A spec is a scenario name, a scheme name, a scheme file (the keys of
``configs/scheme/*.yaml``, partial files allowed) or a scenario-like config file (top-level
config keys merged onto the baseline).  ``proposal.*`` overrides change the proposed
scheme only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from ..config import (
    Config,
    ConfigError,
    KPIConfig,
    KPIsConfig,
    SchemeConfig,
    available_scenarios,
    available_schemes,
    load_config,
    validate,
)
from ..config.scheme_checks import scheme_warnings
from ..config.validate import problems, unknown_kpi_message
from ..measurement import paid_kpis
from .inputs import is_file_spec, omegaconf_error, read_yaml

#: the keys a scheme file may hold
SCHEME_KEYS = tuple(f.name for f in dataclasses.fields(SchemeConfig))


@dataclass
class Arm:
    """One side of the comparison, resolved: its world config and its scheme."""

    spec: str
    kind: str  # "scenario" | "scheme" | "scheme file" | "config file"
    cfg: Config
    label: str


def scheme_from_mapping(data: dict[str, Any], what: str, default_name: str) -> SchemeConfig:
    """A validated :class:`SchemeConfig` from a (partial) mapping of scheme keys.

    Keys not given take the defaults of the schema (no weight on that KPI).  Every
    problem of the mapping is found before anything is raised: unknown keys (an unknown
    KPI lists the valid ones), values of the wrong type, values not allowed (a share
    written as a percentage names the share meant; ``bonus_share`` above its cap) and
    the scheme's cross-field rules, in one :class:`ConfigError` (one line for one
    problem; with the scheme's warnings when there are problems).

    Parameters
    ----------
    data : dict
        The scheme's keys (those of ``configs/scheme/*.yaml``); a ``defaults`` list may only
        name ``scheme_schema``.
    what : str
        Where the mapping came from (``proposal=FILE``), the prefix of every error.
    default_name : str
        The scheme's ``name`` when the mapping gives none (a file's stem).
    """
    data = dict(data)
    defaults = data.pop("defaults", None)
    found = []
    if defaults is not None and defaults not in (["scheme_schema"], "scheme_schema"):
        found.append("a scheme file's defaults list may only name scheme_schema")
    data.setdefault("name", default_name)
    found += unknown_scheme_keys(data)
    base = OmegaConf.structured(SchemeConfig)
    for dotted, value in list(_leaves(data, SchemeConfig)):
        try:  # one key at a time, so that every wrongly typed value is named
            OmegaConf.merge(base, _nested(dotted, value))
        except Exception as exc:  # omegaconf raises several types; all are user errors here
            found.append(omegaconf_error(exc, ""))
            _drop(data, dotted)
    try:
        scheme = OmegaConf.to_object(OmegaConf.merge(base, data))
    except Exception as exc:  # a combination the per-key merge did not catch
        raise ConfigError(omegaconf_error(exc, f"{what}: ")) from None
    assert isinstance(scheme, SchemeConfig)
    cfg = Config(scheme=scheme)
    found += problems(cfg)
    if found:
        error = ConfigError.collected(found, scheme_warnings(cfg))
        raise error.with_prefix(f"{what}: ", strip="scheme.")
    return scheme


def unknown_scheme_keys(data: dict[str, Any]) -> list[str]:
    """One line per key of a scheme mapping the schema does not have, each removed from
    ``data``: top-level keys (with the allowed ones), KPIs under ``kpis`` (with the valid
    KPI names) and keys of a KPI (with the allowed ones).

    Parameters
    ----------
    data : dict
        The scheme's keys; changed in place (unknown keys removed).
    """
    found = []
    for k in [k for k in data if k not in SCHEME_KEYS]:
        found.append(f"unknown scheme key {k!r}: allowed keys are {', '.join(SCHEME_KEYS)}")
        del data[k]
    kpis = data.get("kpis")
    if not isinstance(kpis, dict):
        return found
    data["kpis"] = kpis = dict(kpis)
    for name in [n for n in kpis if n not in paid_kpis()]:
        found.append(unknown_kpi_message(f"kpis.{name}", str(name)))
        del kpis[name]
    for name, kpi in list(kpis.items()):
        if isinstance(kpi, dict):
            kpis[name] = kpi = dict(kpi)
            for k in [k for k in kpi if k not in KPI_KEYS]:
                found.append(
                    f"unknown key 'kpis.{name}.{k}': allowed keys of a KPI are "
                    + ", ".join(KPI_KEYS)
                )
                del kpi[k]
    return found


#: the keys of one KPI of a scheme (``kpis.<kpi>.<key>``)
KPI_KEYS = tuple(f.name for f in dataclasses.fields(KPIConfig))


def _leaves(data: dict[str, Any], node: Any, prefix: str = ""):
    """``(dotted key, value)`` of every leaf of ``data``, descending where the schema
    ``node`` has a section and ``data`` a mapping."""
    sections = {"kpis": KPIsConfig} if node is SchemeConfig else {}
    if node is KPIsConfig:
        sections = {f.name: KPIConfig for f in dataclasses.fields(node)}
    for k, v in data.items():
        if k in sections and isinstance(v, dict):
            yield from _leaves(v, sections[k], f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def _nested(dotted: str, value: Any) -> dict[str, Any]:
    """``{"a": {"b": value}}`` for ``"a.b"``."""
    out: dict[str, Any] = {}
    node = out
    *parents, last = dotted.split(".")
    for p in parents:
        node = node.setdefault(p, {})
    node[last] = value
    return out


def _drop(data: dict[str, Any], dotted: str) -> None:
    """Remove the leaf ``dotted`` from the nested mapping ``data``."""
    *parents, last = dotted.split(".")
    for p in parents:
        data = data[p]
    data.pop(last, None)


def _scheme_group(defaults: Any, what: str) -> list[str]:
    """The ``scheme=NAME`` override a config file's Hydra defaults list asks for."""
    if not isinstance(defaults, list):
        raise ConfigError(f"{what}: 'defaults' must be a list")
    group = []
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
    return group


def _config_file(path: Path, what: str, overrides: list[str]) -> Config:
    """A scenario-like YAML file (top-level config keys) merged onto the baseline."""
    data = read_yaml(path, what)
    group = _scheme_group(data.pop("defaults", None) or [], what)
    # config groups (centre=NAME) are selected when composing; the rest are merged after
    groups = [o for o in overrides if o.startswith("centre=")]
    overrides = [o for o in overrides if not o.startswith("centre=")]
    base = load_config("baseline", [*group, *groups])
    node = OmegaConf.structured(base)
    try:
        node = OmegaConf.merge(node, data)
        if overrides:
            node = OmegaConf.merge(node, OmegaConf.from_dotlist(overrides))
        cfg = OmegaConf.to_object(node)
    except Exception as exc:
        raise ConfigError(omegaconf_error(exc, f"{what}: ")) from None
    assert isinstance(cfg, Config)
    try:
        return validate(cfg)
    except ConfigError as exc:
        raise exc.with_prefix(f"{what}: ") from None


def resolve_spec(what: str, spec: str, overrides: list[str]) -> Arm:
    """Resolve ``current=``/``proposal=``: a scenario, a scheme or a YAML file.

    Parameters
    ----------
    what : str
        ``current`` or ``proposal`` (for error messages).
    spec : str
        The value given: a scenario name, a scheme name, or a scheme or scenario-like YAML
        file.
    overrides : list of str
        The Hydra overrides applied to both arms' configs.

    Returns
    -------
    Arm
        The spec, its kind, its validated config and its scheme's name.
    """
    if is_file_spec(spec) or (Path(spec).is_file() and spec not in available_scenarios()):
        path = Path(spec)
        data = read_yaml(path, what)
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


def apply_proposal_overrides(scheme: SchemeConfig, overrides: list[str]) -> SchemeConfig:
    """The proposed scheme with the ``proposal.KEY=VALUE`` overrides applied.

    Parameters
    ----------
    scheme : SchemeConfig
        The proposed scheme as resolved.
    overrides : list of str
        ``proposal.KEY=VALUE`` words (a leading ``+`` allowed).
    """
    if not overrides:
        return scheme
    dot = [o.lstrip("+").removeprefix("proposal.") for o in overrides]
    try:
        node = OmegaConf.merge(OmegaConf.structured(scheme), OmegaConf.from_dotlist(dot))
        out = OmegaConf.to_object(node)
    except Exception as exc:
        raise ConfigError(omegaconf_error(exc, "proposal override: ")) from None
    assert isinstance(out, SchemeConfig)
    return out
