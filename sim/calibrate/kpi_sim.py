"""The simulated side of the KPI history: the centre as overrides, scaled down, run, and
measured per period as the history measures it, with each figure's sampling noise.

Scaling: a trial simulates at most ``max_agents`` front-line agents.  With the centre's
``employees.n`` = n > max_agents, the customer base, the front line and the specialist
team are all multiplied by f = max_agents / n, and the staffing plan is switched off
(``workforce.planning=false``: the scaled headcount stays on duty), so each agent keeps
the centre's volume (calls per agent per day) and occupancy.  A plan re-run at the small
scale would staff more agents per call (a small queue needs more slack for the same
service level), changing the load that drives morale and quits.  What the scaling cannot
keep is the queue itself: waits, abandonment and service level of a queue of few agents
at the same occupancy are worse than of many, so ``abandon_rate`` and ``service_level``
are only compared when the centre is simulated at full scale (f = 1).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..config import ConfigError, load_config
from ..measurement import rates
from ..run import run_simulation
from ..units import DAYS_PER_YEAR
from .centre import override_strings
from .schemes import SchemePlan

#: KPIs compared only at full scale (see the module docstring)
QUEUE_KPIS = ("abandon_rate", "service_level")
#: shares among the KPIs (binomial noise); the rest: aht_s (a mean), attrition (a count)
SHARES = ("fcr", "csat", "abandon_rate", "service_level", "survey_rate")


def flatten(tree: dict, prefix: str = "") -> dict[str, object]:
    """Nested dict -> {dotted key: leaf value}.

    Parameters
    ----------
    tree : dict
        A nested mapping (a centre file).
    prefix : str
        Prepended to every key (``"customers."`` inside the recursion).
    """
    out: dict[str, object] = {}
    for k, v in tree.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def centre_overrides(path: str | Path) -> dict[str, object]:
    """The centre file written by ``kpisim calibrate`` as flat overrides (the ``centre``
    node itself, which names the centre, is left out).  The one place that turns a
    centre into simulation settings: once the ``centre=NAME`` group is on main this can
    return ``{"centre": NAME}`` instead.

    Parameters
    ----------
    path : str or pathlib.Path
        The centre file.
    """
    p = Path(path)
    try:
        tree = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"centre file {p}: cannot be read ({exc})") from None
    flat = flatten({k: v for k, v in tree.items() if k != "centre"})
    prof = flat.get("demand.profile_file")
    if isinstance(prof, str) and not Path(prof).is_absolute() and not Path(prof).exists():
        flat["demand.profile_file"] = str((p.parent / Path(prof).name).resolve())
    return flat


def scaled(centre: dict[str, object], max_agents: int) -> tuple[dict[str, object], float]:
    """The centre's overrides scaled to at most ``max_agents`` front-line agents, and
    the factor f (1 = full scale).

    Parameters
    ----------
    centre : dict
        The centre's flat overrides.
    max_agents : int
        Most front-line agents a trial simulates.
    """
    base = load_config("baseline", overrides=override_strings(centre))
    n = base.employees.n
    f = min(1.0, max_agents / n)
    if f >= 1.0:
        return dict(centre), 1.0
    spec = base.teams.specialists_n
    out = dict(centre)
    out["employees.n"] = max(1, round(n * f))
    out["customers.n"] = max(1, round(base.customers.n * f))
    out["teams.specialists_n"] = 0 if spec == 0 else max(1, round(spec * f))
    out["workforce.planning"] = False
    return out, out["employees.n"] / n


def period_kpis(
    daily: pd.DataFrame, days: np.ndarray, warmup: int, csat_def: str | list[str]
) -> dict:
    """Per-period KPIs of a run's daily table, measured as the history measures them,
    and the counts behind them (``legs``, ``surveys``, ``staff`` = mean headcount).

    Parameters
    ----------
    daily : pandas.DataFrame
        The run's daily table.
    days : numpy.ndarray
        Working days of each history period, in order.
    warmup : int
        Working days simulated before the first period (left out).
    csat_def : str or list of str
        The scheme's CSAT definition (how ``csat`` is measured), or one per period when
        the schemes change (:meth:`.schemes.SchemePlan.csat_definitions`).
    """
    ends = warmup + np.cumsum(days)
    period = np.searchsorted(ends, daily["day"].to_numpy(), side="right")
    keep = (daily["day"].to_numpy() >= warmup) & (period < len(days))
    d = daily[keep].assign(_p=period[keep])
    t = d.groupby("_p").sum(numeric_only=True).reindex(range(len(days)), fill_value=0)
    staff = d.groupby("_p")["staff"].mean().reindex(range(len(days))).to_numpy(dtype=float)
    defs = [csat_def] * len(days) if isinstance(csat_def, str) else list(csat_def)
    r = rates(lambda k: t[k], "self_coded", defs[0])
    csat = r["csat_survey"].to_numpy(dtype=float).copy()
    for other in set(defs) - {defs[0]}:  # periods under a scheme that measures CSAT otherwise
        mask = np.array([x == other for x in defs])
        csat[mask] = rates(lambda k: t[k], "self_coded", other)["csat_survey"].to_numpy(float)[mask]
    with np.errstate(divide="ignore", invalid="ignore"):
        quits = t["quits"].to_numpy(dtype=float)
        out = {
            "aht_s": r["aht_s"].to_numpy(dtype=float),
            "fcr": r["fcr_measured"].to_numpy(dtype=float),
            "csat": csat,
            "abandon_rate": r["abandon_rate"].to_numpy(dtype=float),
            "service_level": r["service_level"].to_numpy(dtype=float),
            "attrition_annual": quits / staff * DAYS_PER_YEAR / days,
            "survey_rate": (t["surveys"] / t["legs"].where(t["legs"] > 0)).to_numpy(float),
        }
    out["legs"] = t["legs"].to_numpy(dtype=float)
    out["surveys"] = t["surveys"].to_numpy(dtype=float)
    out["staff"] = staff
    return out


def run_trial(
    overrides: list[str], days: np.ndarray, warmup: int, plan: SchemePlan | None = None
) -> dict:
    """One simulation of the (scaled) centre over the history's periods: the per-period
    KPIs of :func:`period_kpis`.  A module-level function: it runs in spawned workers.

    Parameters
    ----------
    overrides : list of str
        The trial's Hydra overrides (the scaled centre and the sampled parameters).
    days : numpy.ndarray
        Working days of each history period.
    warmup : int
        Working days simulated before the first period.
    plan : SchemePlan, optional
        The history's schemes (its ``scheme`` column); None: the centre's scheme.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    extra = [f"days={int(warmup + days.sum())}", "progress=false"]
    cfg = load_config("baseline", overrides=[*overrides, *extra])
    if plan is None:
        csat: str | list[str] = cfg.scheme.kpis.csat.definition
    else:
        cfg, csat = plan.apply(cfg, days, warmup), plan.csat_definitions()
    res = run_simulation(cfg, progress=False)
    return period_kpis(res.daily, days, warmup, csat)


def noise_var(
    kpi: str, obs: np.ndarray, sim: dict, n_obs: dict, f: float, days: np.ndarray, cv: float
) -> np.ndarray:
    """Variance of (simulated - observed) per period: the observed figure's sampling
    variance plus the simulated one's (a run at scale f has 1/f times the variance).

    Shares: binomial p(1-p)/n with p the observed share clipped to [0.01, 0.99] (a
    share of 0 or 1 would claim no noise).  ``aht_s``: (cv x AHT)^2 / n, the SE of a
    mean of n calls with the handle-time CV.  ``attrition_annual``: quits are Poisson, so
    var = (250 / days) x rate / headcount, the rate floored at half a quit a period.

    Parameters
    ----------
    kpi : str
        The history's figure: ``aht_s`` (seconds), ``attrition_annual`` (quits per head
        per year) or a share in [0, 1] (``fcr``, ``csat``, ...).
    obs : numpy.ndarray
        Its observed value per period, in that unit.
    sim : dict
        The trial's per-period figures (:func:`period_kpis`); the variance does not use
        them.
    n_obs : dict
        Observed sample sizes per period (:func:`observed_sizes`): ``calls`` (answered
        calls), ``surveys`` (survey answers), ``headcount``.
    f : float
        Scale of the simulated centre, in (0, 1] (1: full scale).
    days : numpy.ndarray
        Working days of each period.
    cv : float
        Coefficient of variation of handle time (``handling.cv``).

    Returns
    -------
    numpy.ndarray
        The variance per period, in the figure's unit squared.
    """
    if kpi == "attrition_annual":
        h_obs = n_obs["headcount"]
        rate = np.maximum(obs, 0.5 * DAYS_PER_YEAR / days / h_obs)
        return DAYS_PER_YEAR / days * rate / h_obs * (1.0 + 1.0 / f)
    n = n_obs["surveys"] if kpi == "csat" else n_obs["calls"]
    n = np.maximum(n, 1.0)
    if kpi == "aht_s":
        return (cv * obs) ** 2 / n * (1.0 + 1.0 / f)
    p = np.clip(obs, 0.01, 0.99)
    return p * (1.0 - p) / n * (1.0 + 1.0 / f)


def observed_sizes(
    counts: dict, sim: dict, f: float, calls_per_day: float | None, days: np.ndarray
) -> dict[str, np.ndarray]:
    """Observed sample sizes per period: the history's ``calls``, ``surveys`` and
    ``headcount`` where given, else the full-scale equivalent of the simulation's
    (answered calls: ``calls_per_day`` x days when known).

    Parameters
    ----------
    counts : dict
        The history's sample-size columns that were given (``calls``, ``surveys``,
        ``headcount``), per period; NaN where a period has none.
    sim : dict
        The trial's per-period figures (:func:`period_kpis`: ``legs``, ``surveys``,
        ``staff``), at scale ``f``.
    f : float
        Scale of the simulated centre, in (0, 1].
    calls_per_day : float or None
        The centre's observed answered calls per working day, if known.
    days : numpy.ndarray
        Working days of each period.

    Returns
    -------
    dict of str to numpy.ndarray
        ``calls``, ``surveys`` and ``headcount`` per period, at full scale.
    """
    calls = counts.get("calls")
    if calls is None:
        calls = calls_per_day * days if calls_per_day else sim["legs"] / f
    share = np.where(sim["legs"] > 0, sim["surveys"] / np.maximum(sim["legs"], 1), 0.0)
    calls = np.where(np.isnan(np.asarray(calls, float)), sim["legs"] / f, calls)
    surveys = np.asarray(counts.get("surveys", np.full(len(days), np.nan)), float)
    surveys = np.where(np.isnan(surveys), calls * share, surveys)
    head = counts.get("headcount")
    if head is None:
        head = sim["staff"] / f
    head = np.asarray(head, float)
    return {
        "calls": calls,
        "surveys": surveys,
        "headcount": np.where(np.isnan(head), sim["staff"] / f, head),
    }
