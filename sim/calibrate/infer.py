"""The unobservables from the KPI history: Optuna's TPE to find where the simulated
centre reproduces the history, then a rejection step; the accepted trials are the
posterior sample (docs/calibrate.md, "KPI history and the posterior").

Parameters and priors: the behavioural, workforce and churn ranges of
``configs/uncertainty/default.yaml`` (uniform) plus :data:`EXTRA_PRIORS`.  Only those a
KPI of the history informs (:data:`INFORMED_BY`) are fitted; the others stay at the
config's value during the fit and are written to the posterior as draws from their
prior, so that a robust verdict still varies them.

Distance of a trial: the mean over periods and KPIs of ((simulated - observed) / sd)^2,
with sd the sampling noise of both figures (:func:`.kpi_sim.noise_var`).  A model that
fits has a distance near 1.  Accepted: the best ceil(``accept`` x trials) trials, i.e.
those whose distance is at most epsilon, the ``accept`` quantile of the distances.

Reproducible: the sampler's seed and the simulations' seed are ``seed``; the trials are
asked and told in batches of :data:`BATCH` whatever the number of worker processes, so
the same inputs and seed give the same posterior.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import optuna
import pandas as pd
import yaml
from scipy import stats
from tqdm import tqdm

from ..config import CONFIG_DIR, ConfigError, load_config
from ..pool import WorkerPool
from .history import History
from .kpi_sim import QUEUE_KPIS, noise_var, observed_sizes, override_strings, run_trial, scaled

#: the posterior's parameters with a range in configs/uncertainty/default.yaml
UNCERTAIN_KEYS = (
    "behavior.pay_weight",
    "behavior.intrinsic_weight",
    "behavior.integrity_weight",
    "behavior.learning_step",
    "behavior.imitation_rate",
    "employees.integrity_mean",
    "employees.intrinsic_motivation_mean",
    "employees.attrition_annual_base",
    "employees.morale_quit_sensitivity",
    "customers.churn_annual_base",
    "customers.churn_loyalty_sensitivity",
    "customers.churn_after_bad",
    "customers.churn_effort_sensitivity",
)
#: priors of parameters that only the calibration varies (uniform; judgement ranges
#: around the defaults: skill 0.74 is calibrated to a true FCR near 0.70, SQM 67-72%;
#: the survey propensity 0.25 is an illustration)
EXTRA_PRIORS = {
    "employees.skill_mean": (0.6, 0.9),
    "customers.survey_propensity_mean": (0.1, 0.5),
}
#: parameter -> the history's KPIs that inform it (any one is enough to fit it)
INFORMED_BY = {
    "employees.skill_mean": ("fcr", "csat", "aht_s"),
    "employees.attrition_annual_base": ("attrition_annual",),
    "customers.survey_propensity_mean": ("survey_rate",),
}
#: trials asked (and run) together; fixed so that results do not depend on ``jobs``
BATCH = 2
#: "informed": at least MIN_INFORMED accepted trials, and the posterior 90% interval is
#: narrower than INFORMED_SHARE of the prior's (a spread of fewer trials says nothing)
MIN_INFORMED = 5
INFORMED_SHARE = 0.5


def priors() -> dict[str, tuple[float, float]]:
    """{key: (low, high)} of every posterior parameter."""
    path = CONFIG_DIR / "uncertainty" / "default.yaml"
    ranges = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("parameters", {})
    missing = [k for k in UNCERTAIN_KEYS if k not in ranges]
    if missing:
        raise ConfigError(f"{path}: no range for {', '.join(missing)}")
    out = {k: (float(ranges[k][0]), float(ranges[k][1])) for k in UNCERTAIN_KEYS}
    return {**out, **EXTRA_PRIORS}


def fitted_keys(hist: History) -> list[str]:
    """The parameters the history informs, in :data:`INFORMED_BY` order.

    Parameters
    ----------
    hist : History
        The checked KPI history.
    """
    return [k for k, kpis in INFORMED_BY.items() if any(x in hist.kpis for x in kpis)]


@dataclass
class Posterior:
    """The posterior sample and how it was obtained."""

    samples: pd.DataFrame  # one row per accepted trial: every posterior key, distance
    trials: pd.DataFrame  # every trial: fitted keys, distance
    summary: list[dict]  # per parameter: prior, fitted, mean, sd, q05, q95, informed
    epsilon: float
    fitted: list[str]
    kpis: list[str]  # the history's KPIs in the distance
    scale: float
    info: dict = field(default_factory=dict)


def distance(
    hist: History, sim: dict, kpis: list[str], f: float, cv: float, calls_per_day: float | None
) -> float:
    """Mean squared noise-scaled error over periods and KPIs (inf: nothing to compare).

    Parameters
    ----------
    hist : History
        The observed KPI history.
    sim : dict
        The simulated per-period KPIs of one trial (:func:`.kpi_sim.run_trial`).
    kpis : list of str
        The KPIs compared.
    f : float
        Scale of the simulated centre against the real one (1 = full scale;
        :func:`.kpi_sim.scaled`).
    cv : float
        Coefficient of variation of the handling time (``handling.cv``), for the AHT's
        sampling noise.
    calls_per_day : float or None
        The centre's answered calls a day (sample size when the history has no
        ``calls`` column).
    """
    n_obs = observed_sizes(hist.counts, sim, f, calls_per_day, hist.days)
    terms = []
    for k in kpis:
        o, s = hist.kpis[k], sim[k]
        ok = np.isfinite(o) & np.isfinite(s)
        if ok.any():
            v = noise_var(k, o, sim, n_obs, f, hist.days, cv)
            terms.append((s - o)[ok] ** 2 / v[ok])
    return float(np.mean(np.concatenate(terms))) if terms else float("inf")


def _summary(samples: pd.DataFrame, pri: dict, fitted: list[str]) -> list[dict]:
    rows = []
    for k, (lo, hi) in pri.items():
        x = samples[k].to_numpy(dtype=float)
        q05, q95 = np.quantile(x, [0.05, 0.95])
        rows.append(
            {
                "key": k,
                "prior_lo": lo,
                "prior_hi": hi,
                "fitted": k in fitted,
                "mean": float(x.mean()),
                "sd": float(x.std(ddof=1)) if len(x) > 1 else 0.0,
                "q05": float(q05),
                "q95": float(q95),
                "informed": bool(
                    k in fitted
                    and len(x) >= MIN_INFORMED
                    and (q95 - q05) < INFORMED_SHARE * 0.9 * (hi - lo)
                ),
            }
        )
    return rows


def infer(
    hist: History,
    centre: dict[str, object],
    *,
    n_trials: int = 60,
    seed: int = 0,
    jobs: int = 2,
    accept: float = 0.25,
    max_agents: int = 20,
    warmup_days: int = 0,
    calls_per_day: float | None = None,
    progress: bool = True,
) -> Posterior:
    """Fit the parameters the history informs; return the accepted trials as the sample.

    Parameters
    ----------
    hist : History
        The KPI history to fit.
    centre : dict
        The centre's flat overrides (dotted config key -> value).
    n_trials : int
        Simulations of the fit (at least ``2 * BATCH``).
    seed : int
        Seed of the sampler and of the simulations.
    jobs : int
        Worker processes at most (:mod:`sim.pool`); 1 runs here; results do not depend
        on it.
    accept : float
        Share of the trials accepted into the posterior, in (0, 1].
    max_agents : int
        The simulated centre is scaled down to at most this many front-line agents.
    warmup_days : int
        Simulated working days before the history's first period.
    calls_per_day : float, optional
        The centre's answered calls a day (the sample size when the history has no
        ``calls`` column).
    progress : bool
        Show a progress bar (on stderr), one step per trial.
    """
    if n_trials < 2 * BATCH:
        raise ConfigError(f"trials={n_trials} is not allowed: at least {2 * BATCH}")
    if not 0.0 < accept <= 1.0:
        raise ConfigError(f"accept={accept} is not allowed: a share in (0, 1]")
    fitted = fitted_keys(hist)
    if not fitted:
        raise ConfigError(
            f"KPI history {hist.path}: its KPIs inform none of the fitted parameters; "
            + "; ".join(f"{k} needs one of {', '.join(v)}" for k, v in INFORMED_BY.items())
        )
    pri = priors()
    sim_flat, f = scaled(centre, max_agents)
    kpis = [k for k in hist.kpis if f >= 1.0 or k not in QUEUE_KPIS]
    base = override_strings({**sim_flat, "seed": seed})
    cv = load_config("baseline", overrides=base).handling.cv
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, n_trials // 2))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    dists = {k: optuna.distributions.FloatDistribution(*pri[k]) for k in fitted}
    rows: list[dict] = []
    bar = tqdm(total=n_trials, desc="infer", unit="trial", disable=not progress, file=sys.stderr)
    trial = partial(run_trial, days=hist.days, warmup=warmup_days, plan=hist.plan)
    try:
        with WorkerPool(jobs, BATCH) as pool:
            while len(rows) < n_trials:
                batch = [study.ask(dists) for _ in range(min(BATCH, n_trials - len(rows)))]
                sims = pool.map(trial, [[*base, *override_strings(t.params)] for t in batch])
                for t, s in zip(batch, sims, strict=True):
                    d = distance(hist, s, kpis, f, cv, calls_per_day)
                    study.tell(t, d if np.isfinite(d) else 1e12)
                    rows.append({**t.params, "distance": d})
                    bar.update(1)
    finally:
        bar.close()
    trials = pd.DataFrame(rows)
    k = max(1, math.ceil(accept * n_trials))  # the best share ``accept`` of the trials
    eps = float(np.sort(trials["distance"].to_numpy())[k - 1])
    acc = trials[trials["distance"] <= eps].sort_values("distance", kind="stable")
    rng = np.random.default_rng([seed, 1])
    cols = {}
    for k, (lo, hi) in pri.items():
        cols[k] = acc[k].to_numpy() if k in fitted else rng.uniform(lo, hi, len(acc))
    samples = pd.DataFrame({**cols, "distance": acc["distance"].to_numpy()})
    n_terms = sum(int(np.isfinite(hist.kpis[k]).sum()) for k in kpis)
    info = {
        "trials": n_trials,
        "accepted": len(acc),
        "accept_quantile": accept,
        "best_distance": float(trials["distance"].min()),
        # a fitting model's distance is a mean of n_terms chi-square(1) terms
        "distance_99pct_if_fits": float(stats.chi2.ppf(0.99, n_terms) / n_terms),
        "scale": f,
        "simulated_agents": sim_flat.get("employees.n"),
        "seed": seed,
        "warmup_days": warmup_days,
        "kpis": kpis,
        "periods": hist.n,
    }
    info["fits"] = info["best_distance"] <= info["distance_99pct_if_fits"]
    return Posterior(samples, trials, _summary(samples, pri, fitted), eps, fitted, kpis, f, info)


def posterior_csv(post: Posterior) -> str:
    """The posterior sample as CSV text (columns: dotted keys, then ``distance``).

    Parameters
    ----------
    post : Posterior
        The result of :func:`infer`.
    """
    return post.samples.to_csv(index=False, float_format="%.6g", lineterminator="\n")
