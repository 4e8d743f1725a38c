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
    SchemeConfig,
    available_scenarios,
    available_schemes,
    load_config,
    validate,
)
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

    Keys not given take the defaults of the schema (no weight on that KPI).  Raises
    :class:`ConfigError` naming the offending key.

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
        raise ConfigError(omegaconf_error(exc, f"{what}: ")) from None
    assert isinstance(scheme, SchemeConfig)
    try:
        validate(Config(scheme=scheme))
    except ConfigError as exc:
        msg = str(exc)
        msg = msg.removeprefix("scheme.").replace(" scheme.", " ")
        raise ConfigError(f"{what}: {msg}") from None
    return scheme


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
        raise ConfigError(f"{what}: {exc}") from None


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
