"""One candidate of a design: an Optuna trial's parameters -> a validated config through
the normal config path, its static SMART check, and the ready-to-use scheme YAML.

A candidate is a set of ``key=value`` overrides (:func:`to_overrides`) composed by
:func:`sim.load_config` on top of flat pay (``scheme=flat``) and the design's world
overrides, so it passes exactly the validation every ``kpisim run`` passes (ranges,
choices, the order threshold / target / stretch, weights summing to at most 1).

The SMART check (:mod:`sim.outputs.smart`) judges three of its five criteria from a
run's employee table (Measurable: the noise of the agents' numbers; Achievable: the share
on target in the first period; Relevant: the correlation with the true outcome).  Two
need no run and are checked here before anything runs, with the same constants and
sentences (:func:`sim.outputs.smart.judge`): Specific (the agent's own share of the paid
number, ``(1 - team_share) + team_share / n`` with n the starting headcount) and
Time-bound (the pay period against each paid KPI's feedback delay).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from ..config import Config, SchemeConfig, load_config
from ..measurement import FEEDBACK_DELAY_DAYS
from ..outputs.files import atomic_write_text
from ..outputs.smart import FEEDBACK_SHARE_MIN, PERIOD_MAX_DAYS, SPECIFIC_MIN, judge
from .space import Param, Space

#: Decimals kept of a sampled number (a readable scheme file; far below any effect).
DECIMALS = 4
#: Decimals of a normalised weight, rounded down so that the weights sum to at most 1.
WEIGHT_DECIMALS = 3


def suggest(trial: Any, space: Space) -> dict[str, Any]:
    """Ask an Optuna trial for every searched key of the space.

    Returns the candidate's values by dotted key (fixed keys included); a KPI's safety
    net is a choice among no net and the space's metrics, its limit a conditional
    parameter named ``scheme.kpis.KPI.safety_limit.METRIC``.

    Parameters
    ----------
    trial : optuna.trial.Trial
        The trial being sampled.
    space : Space
        The validated search space.
    """
    values = {p.key: _suggest(trial, p) for p in space.params}
    for kpi, nets in space.nets.items():
        metric = trial.suggest_categorical(f"scheme.kpis.{kpi}.safety_metric", ["", *nets])
        values[f"scheme.kpis.{kpi}.safety_metric"] = metric
        if metric:
            values[f"scheme.kpis.{kpi}.safety_limit"] = _suggest(trial, nets[metric])
    return values


def _suggest(trial: Any, p: Param) -> Any:
    if p.choices is not None:
        return trial.suggest_categorical(p.key, list(p.choices))
    if p.low is None:
        return p.fixed
    if p.integer:
        return trial.suggest_int(p.key, int(p.low), int(p.high))
    return trial.suggest_float(p.key, p.low, p.high)


def to_overrides(values: dict[str, Any], space: Space) -> list[str]:
    """The candidate as Hydra overrides of the config (``scheme.kpis.aht.weight=0.4``).

    The weights are divided by their sum (rounded down to :data:`WEIGHT_DECIMALS`, so
    they sum to at most 1 and the on-target bonus is ``bonus_share``); a KPI whose weight
    ends at 0 is not paid and keeps the schema's defaults; ``cap`` applies to every paid
    KPI; other numbers are rounded to :data:`DECIMALS`.

    Parameters
    ----------
    values : dict
        The candidate's values by dotted key (:func:`suggest`).
    space : Space
        The space they were drawn from.
    """
    raw = {k: float(values.get(f"scheme.kpis.{k}.weight", 0.0)) for k in space.kpis}
    total = sum(raw.values())
    scale = 10**WEIGHT_DECIMALS
    weights = {
        k: math.floor(w / total * scale) / scale if total > 0 else 0.0 for k, w in raw.items()
    }
    paid = {k for k, w in weights.items() if w > 0}
    out = []
    for key, v in values.items():
        if key == "cap" or key.endswith(".weight"):
            continue
        if key.startswith("scheme.kpis.") and key.split(".")[2] not in paid:
            continue
        if key.endswith(".safety_metric") and not v:
            continue
        out.append(f"{key}={_word(v)}")
    out += [f"scheme.kpis.{k}.weight={weights[k]}" for k in space.kpis if k in paid]
    if "cap" in values:
        out += [f"scheme.kpis.{k}.cap={_word(values['cap'])}" for k in space.kpis if k in paid]
    return out


def _word(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return repr(round(v, DECIMALS))
    return str(v)


def candidate_config(overrides: list[str], base: list[str], name: str) -> Config:
    """The candidate's validated config: flat pay, then the world (``base``), then the
    candidate, composed by :func:`sim.load_config` as ``kpisim run`` composes.

    Raises :class:`ConfigError` (the schema's one-line message) when the candidate is
    not a valid scheme.

    Parameters
    ----------
    overrides : list of str
        The candidate's overrides (:func:`to_overrides`).
    base : list of str
        The design's world overrides (size, days, ``centre=``); no scheme keys.
    name : str
        The scheme's name (``design_7``).
    """
    return load_config("baseline", ["scheme=flat", *base, *overrides, f"scheme.name={name}"])


def static_smart_failures(cfg: Config) -> list[str]:
    """The SMART criteria a candidate fails before any run: Specific and Time-bound of
    every paid KPI, as :func:`sim.outputs.smart.judge` words them (empty: none fails).

    Parameters
    ----------
    cfg : Config
        The candidate's config (its scheme and starting headcount).
    """
    scheme = cfg.scheme
    n = max(cfg.employees.n, 1)
    specific = (1 - scheme.team_share) + scheme.team_share / n
    out = []
    for name, kpi in paid(scheme):
        delay = FEEDBACK_DELAY_DAYS.get(kpi.definition, 0)
        rows = (
            judge(name, "S", specific, SPECIFIC_MIN),
            judge(
                name, "T", float(scheme.period_days), delay / FEEDBACK_SHARE_MIN, PERIOD_MAX_DAYS
            ),
        )
        out += [r["sentence"] for r in rows if not r["passed"]]
    return out


def paid(scheme: SchemeConfig) -> list[tuple[str, Any]]:
    """The scheme's paid KPIs (weight above 0), as ``(name, KPIConfig)``.

    Parameters
    ----------
    scheme : SchemeConfig
        A scheme.
    """
    kpis = [(f.name, getattr(scheme.kpis, f.name)) for f in dataclasses.fields(scheme.kpis)]
    return [(name, kpi) for name, kpi in kpis if kpi.weight > 0]


def scheme_document(cfg: Config) -> dict[str, Any]:
    """The candidate as the mapping of a scheme file: the scheme keys that differ from
    flat pay and every paid KPI in full; when the candidate also sets the phone-number
    policy away from the world's default, a config file instead (``scheme:`` and
    ``channels:``), which ``kpisim compare proposal=FILE`` also accepts.

    Parameters
    ----------
    cfg : Config
        The candidate's config.
    """
    scheme = OmegaConf.to_container(OmegaConf.structured(cfg.scheme))
    flat = OmegaConf.to_container(OmegaConf.structured(SchemeConfig()))
    assert isinstance(scheme, dict) and isinstance(flat, dict)
    doc: dict[str, Any] = {"name": scheme["name"]}
    doc.update({k: v for k, v in scheme.items() if k not in ("name", "kpis") and v != flat[k]})
    doc["kpis"] = {n: scheme["kpis"][n] for n, _ in paid(cfg.scheme)}
    visibility = cfg.channels.phone_visibility
    default_visibility = type(cfg.channels)().phone_visibility
    if visibility == default_visibility:
        return {"defaults": ["scheme_schema"], **doc}
    return {"scheme": doc, "channels": {"phone_visibility": visibility}}


def write_scheme(path: Path, cfg: Config, header: str = "") -> None:
    """Write the candidate as a ready-to-use scheme YAML (atomically).

    Parameters
    ----------
    path : pathlib.Path
        The file to write; its folder must exist.
    cfg : Config
        The candidate's config.
    header : str
        Comment lines put on top (each line gets ``# ``).
    """
    body = OmegaConf.to_yaml(OmegaConf.create(scheme_document(cfg)))
    top = "".join(f"# {line}\n" for line in header.splitlines())
    atomic_write_text(path, top + body)
