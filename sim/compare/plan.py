"""The plan of a comparison: both arms' configs, the rollout and the robust worlds,
resolved and validated before anything runs or is written.

Common random numbers: replication ``r`` uses seed ``seed + r`` in both arms; robust world
``w`` uses seed ``seed + w`` in both arms, on a centre scaled by ``robust_scale``.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Config, ConfigError, flatten, to_dict, validate
from .args import CompareArgs
from .arms import Arm, apply_proposal_overrides, resolve_spec
from .uncertainty import (
    load_choices,
    load_posterior,
    load_uncertainty,
    sample_posterior,
    sample_worlds,
)


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
    posterior: str = ""  # centre.posterior when the worlds are its draws, else ""


#: Config parts that may differ between the arms' worlds without being "the world".
NOT_WORLD = (
    "scheme",
    "proposal",
    "rollout_day",
    "scenario",
    "seed",
    "days",
    "output_dir",
    "progress",
)


def world_delta(base: Config, other: Config) -> dict[str, Any]:
    """Config keys (dotted) outside the scheme where ``other`` differs from ``base``.

    Parameters
    ----------
    base : Config
        The current arm's config.
    other : Config
        The proposal arm's config (a scenario or config file).
    """
    a, b = flatten(to_dict(base)), flatten(to_dict(other))
    return {k: v for k, v in b.items() if k.split(".", 1)[0] not in NOT_WORLD and a.get(k) != v}


def set_dotted(obj: Any, key: str, value: Any) -> None:
    """Set the attribute a dotted key names (``customers.n``) on nested dataclasses.

    Parameters
    ----------
    obj : Config
        The config to change, in place.
    key : str
        The dotted key.
    value : Any
        The new value.
    """
    *parents, last = key.split(".")
    for p in parents:
        obj = getattr(obj, p)
    setattr(obj, last, value)


def default_rollout_day(days: int, period_days: int) -> int:
    """The pay-period boundary nearest a quarter of the horizon (working days).

    Parameters
    ----------
    days : int
        Working days of each run.
    period_days : int
        Working days of the current scheme's pay period.
    """
    p = max(1, period_days)
    r = round(days / 4 / p) * p
    if r <= 0 or r >= days:
        r = max(1, days // 4)
    return int(r)


def slug(s: str) -> str:
    """A scheme label as a folder name.

    Parameters
    ----------
    s : str
        The label; characters other than letters, digits, ``-`` and ``_`` become ``_``.
    """
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in s) or "scheme"


def _resolve_arms(args: CompareArgs) -> tuple[Arm, Arm]:
    """Both specs resolved; neither may switch scheme by itself."""
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
    return cur, prop


def build_plan(args: CompareArgs) -> Plan:
    """Resolve and validate everything before anything runs or is written.

    Fills in ``args.out`` when it was not given.  Without ``rollout_day=`` the rollout
    day is chosen by the settling criterion once the current arm has run
    (:mod:`.settle`, :func:`set_rollout`; ``args.rollout_auto`` is set); until then
    ``args.rollout_day`` holds the fixed rule's day (:func:`default_rollout_day`), with
    which the proposal arm's config is validated.

    Parameters
    ----------
    args : CompareArgs
        The parsed arguments (changed in place as above).

    Returns
    -------
    Plan
        Both arms' configs, the uncertain parameters and the robust worlds.
    """
    cur, prop = _resolve_arms(args)
    delta = world_delta(cur.cfg, prop.cfg) if prop.kind in ("scenario", "config file") else {}
    proposal_scheme = apply_proposal_overrides(prop.cfg.scheme, args.proposal_overrides)
    if args.rollout_day is None or args.rollout_auto:
        args.rollout_auto = True
        args.rollout_day = default_rollout_day(args.days, cur.cfg.scheme.period_days)
    if not args.out:
        args.out = str(Path("results") / "compare" / f"{slug(cur.label)}_vs_{slug(prop.label)}")
    c_cur = copy.deepcopy(cur.cfg)
    c_cur.progress = False
    c_prop = copy.deepcopy(c_cur)
    for k, v in delta.items():
        set_dotted(c_prop, k, v)
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
    posterior = c_cur.centre.posterior
    if posterior:  # the centre's own uncertainty: worlds are draws of its posterior
        draws = load_posterior(posterior)
        ranges = {str(k): (float(draws[k].min()), float(draws[k].max())) for k in draws}
        shown, worlds = posterior, sample_posterior(draws, args.robust, args.seed)
    else:
        ranges, shown = load_uncertainty(args.uncertainty)
        choices = load_choices(args.uncertainty)  # structural: e.g. the learning rule
        worlds = sample_worlds(ranges, args.robust, args.seed, choices)
    if args.robust:  # every sampled world must be a valid config
        for _, row in worlds.iterrows():
            for cfg in robust_configs(c_cur, c_prop, row, args):
                validate(cfg)
    return Plan(args, cur, prop, c_cur, c_prop, delta, same, ranges, shown, worlds, posterior)


def set_rollout(plan: Plan, day: int) -> None:
    """Switch the proposal on at ``day`` (the settling criterion's choice), in place.

    Parameters
    ----------
    plan : Plan
        The comparison's plan (``args.rollout_day`` and the proposal arm's config change).
    day : int
        The rollout day, a working day in ``[1, days)``.
    """
    plan.args.rollout_day = day
    if not plan.identical:
        plan.cfg_proposal.rollout_day = day


def arm_configs(plan: Plan) -> list[tuple[str, int, Config]]:
    """The main replications: ``(arm, replication, config)``; seed ``seed + r`` in both.

    Parameters
    ----------
    plan : Plan
        The comparison's plan.
    """
    out = []
    for r in range(plan.args.replications):
        for arm, base in (("current", plan.cfg_current), ("proposal", plan.cfg_proposal)):
            c = copy.deepcopy(base)
            c.seed = plan.args.seed + r
            out.append((arm, r, c))
    return out


#: Fewest front-line agents a robust world should keep.  Queueing has economies of scale:
#: with square-root staffing (agents ~ load + sqrt(load)) the safety margin is about a
#: fifth of the staff at 20 agents and grows fast below, so a much smaller world waits,
#: abandons and pays overtime in a different regime than the centre it stands for.
MIN_ROBUST_AGENTS = 20


def robust_agents(base: Config, scale: float) -> int:
    """Front-line agents of a robust world: ``employees.n`` scaled, at least 1.

    Parameters
    ----------
    base : Config
        The arm's config.
    scale : float
        ``robust_scale``, the share of customers and employees kept.
    """
    return max(1, round(base.employees.n * scale))


def robust_size_warning(base: Config, scale: float) -> str:
    """A plain-text warning when the robust worlds fall below the centre's queueing
    regime: fewer than ``min(MIN_ROBUST_AGENTS, employees.n)`` front-line agents
    (``""`` otherwise).  Flagged on the page rather than refused, so that quick test runs
    on a small centre stay possible; the verdict's reader sees the caveat.

    Parameters
    ----------
    base : Config
        The current arm's config.
    scale : float
        ``robust_scale``.
    """
    agents, floor = robust_agents(base, scale), min(MIN_ROBUST_AGENTS, base.employees.n)
    if agents >= floor:
        return ""
    need = math.ceil((floor - 0.5) / base.employees.n * 100) / 100
    return (
        f"the robust worlds have only {agents} front-line agents (robust_scale={scale:g} of "
        f"{base.employees.n}), fewer than {floor}: queues that small behave differently "
        f"from the centre's, so their shares may not carry over; use robust_scale ≥ {need:g}"
    )


def robust_configs(
    c_cur: Config, c_prop: Config, row: pd.Series, args: CompareArgs
) -> list[Config]:
    """Both arms of one robust world: scaled centre, sampled parameters, same seed.

    Parameters
    ----------
    c_cur, c_prop : Config
        The current and the proposal arm's configs.
    row : pandas.Series
        The world: its number (``world``) and one sampled value per dotted config key.
    args : CompareArgs
        The arguments (``robust_scale``, a share of customers and employees kept; ``seed``).
    """
    out = []
    for base in (c_cur, c_prop):
        c = copy.deepcopy(base)
        c.customers.n = max(1, round(base.customers.n * args.robust_scale))
        c.employees.n = robust_agents(base, args.robust_scale)
        for k, v in row.items():
            if k != "world":
                set_dotted(c, str(k), v.item() if hasattr(v, "item") else v)
        c.seed = args.seed + int(row["world"])
        out.append(c)
    return out
