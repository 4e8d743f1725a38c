"""The checks of a pay scheme a finance lead would make: its KPIs' definitions, share
KPIs' levels written as percentages, the order of a paid curve, and the weights (above 1:
an error; below 1: a warning saying how much of the bonus can never be earned).

:mod:`.validate` runs them on every scheme of a config, with the rest of its checks.
"""

from __future__ import annotations

import dataclasses
import math

from ..measurement import CSAT_DEFINITIONS, FCR_DEFINITIONS, KPIS
from .fields import percent_hint
from .schema import Config, KPIConfig, SchemeConfig

#: Measurement definitions each KPI may take (``sim.measurement``); others: "default".
_DEFINITIONS = {"fcr": FCR_DEFINITIONS, "csat": CSAT_DEFINITIONS}


def scheme_problems(scheme: SchemeConfig, prefix: str, bad: set[str] | None = None) -> list[str]:
    """Every problem of one scheme's KPIs, one line each: a definition the KPI does not
    have, a share KPI's threshold, target, stretch or safety limit outside [0, 1] (with
    the share meant when it was written as a percentage), a paid linear curve out of
    order, and weights summing above 1.

    Parameters
    ----------
    scheme : SchemeConfig
        The scheme to check.
    prefix : str
        Its key in the config (``scheme``, ``proposal``, ``specialist_scheme``).
    bad : set of str, optional
        Dotted keys already refused by their range or choices: the rules reading them
        (a curve's order, the weights' sum) are skipped.
    """
    bad = bad or set()
    found: list[str] = []
    total = 0.0
    for f in dataclasses.fields(scheme.kpis):
        kpi: KPIConfig = getattr(scheme.kpis, f.name)
        key = f"{prefix}.kpis.{f.name}"
        total += kpi.weight
        allowed = _DEFINITIONS.get(f.name, ("default",))
        if kpi.definition not in allowed and f"{key}.definition" not in bad:
            found.append(
                f"{key}.definition={kpi.definition!r} is not allowed: choose one of "
                + ", ".join(repr(a) for a in allowed)
            )
        shares = _share_problems(kpi, f.name, key)
        found += shares
        refused = any(k.startswith(f"{key}.") for k in bad)
        if kpi.weight > 0 and kpi.curve == "linear" and not shares and not refused:
            found += _curve_problems(kpi, key)
    weights_refused = any(k.startswith(f"{prefix}.kpis.") and k.endswith(".weight") for k in bad)
    if total > 1.0 + 1e-9 and not weights_refused:
        found.append(f"{prefix}.kpis: weights sum to {total:g}; allowed at most 1")
    return found


def _share_problems(kpi: KPIConfig, name: str, key: str) -> list[str]:
    """A share KPI's levels (``KPI.unit`` "share" in ``sim.measurement.KPIS``) and a
    share safety metric's limit must lie in [0, 1]."""
    levels = {}
    if KPIS[name].unit == "share":
        levels = {"threshold": kpi.threshold, "target": kpi.target, "stretch": kpi.stretch}
    if kpi.safety_metric in KPIS and KPIS[kpi.safety_metric].unit == "share":
        levels["safety_limit"] = kpi.safety_limit
    found = []
    for level, value in levels.items():
        if math.isfinite(value) and 0.0 <= value <= 1.0:
            continue
        what = kpi.safety_metric if level == "safety_limit" else name
        msg = f"{key}.{level}={value!r} is out of range: allowed [0, 1] ({what} is a share)"
        hint = percent_hint(value) if math.isfinite(value) else ""
        found.append(f"{msg}; {hint}" if hint else msg)
    return found


def _curve_problems(kpi: KPIConfig, key: str) -> list[str]:
    """A paid linear curve scores 0 at threshold, 1 at target and cap at stretch, so
    the three must come in that order along the KPI's direction (stretch may equal
    target: no over-achievement band) and cap must be at least the on-target 1."""
    th, tg, st = kpi.threshold, kpi.target, kpi.stretch
    ok = th < tg <= st if kpi.direction == "higher" else th > tg >= st
    found = []
    if not ok:
        word = "<" if kpi.direction == "higher" else ">"
        found.append(
            f"{key}: direction={kpi.direction!r} needs threshold {word} target {word}= "
            f"stretch (got threshold={th:g}, target={tg:g}, stretch={st:g}): the score is 0 "
            "at threshold, 1 at target and cap at stretch"
        )
    if kpi.cap < 1.0:
        found.append(
            f"{key}.cap={kpi.cap:g} is below 1: a linear curve scores 1 at target, so the "
            "cap must be at least 1 (1 = no pay for over-achievement)"
        )
    return found


def scheme_warnings(cfg: Config) -> list[str]:
    """What runs but is probably not meant, one line each: a scheme paying a bonus whose
    KPI weights sum above 0 but below 1 (the score is the weighted sum of KPI scores, so
    that part of the on-target bonus can never be earned).  A scheme without any weight
    pays no bonus at all, whatever its ``bonus_share``: a flat scheme, not warned about.

    Parameters
    ----------
    cfg : Config
        The config (its ``scheme``, ``proposal`` and ``specialist_scheme``).
    """
    out = []
    for prefix in ("scheme", "proposal", "specialist_scheme"):
        scheme = getattr(cfg, prefix)
        if scheme is None or not scheme.bonus_share > 0:
            continue
        total = sum(getattr(scheme.kpis, f.name).weight for f in dataclasses.fields(scheme.kpis))
        if 0.0 < total < 1.0 - 1e-9:
            lost = 1.0 - total
            cap = _bonus_cap()
            pay = f" ({lost * scheme.bonus_share * 100:.3g} % of salary)"
            out.append(
                f"{prefix}.kpis: weights sum to {total:g}, below 1: {lost * 100:.3g} % of the "
                f"on-target bonus{pay if scheme.bonus_share <= cap else ''} can never be "
                "earned (each KPI pays its weight x its score); make the weights sum to 1"
            )
    return out


def _bonus_cap() -> float:
    """The highest ``bonus_share`` allowed (its field's range)."""
    f = next(f for f in dataclasses.fields(SchemeConfig) if f.name == "bonus_share")
    return f.metadata["range"][1]
