"""The design study: an Optuna multi-objective search over the candidates of a space,
stored in ``OUT/design.db`` so that a killed search resumes without repeating an
evaluation.

Each candidate (:mod:`.candidate`) is validated and given its static SMART check, then
evaluated by a pluggable function (:data:`Evaluate`; default :func:`simulate_runs`: one
run of :func:`sim.run_simulation` per search seed and world) into one record per run;
each objective is the :func:`robust_statistic` of its values over those runs.  The
objectives (all maximised) are :data:`OBJECTIVES`: money (``value`` = profit + the change
in customer equity, so a candidate that loses customers never wins on money), the
customers' true outcome (:data:`TRUE_OUTCOME_KEY`) and staff (:data:`STAFF_KEY`).

Seeds and worlds are split (:func:`split`) into a search set, used here, and a held-out
set that the search never sees (for the verification of the top schemes, not built
yet).  Resuming: the study is loaded from its storage (``load_if_exists``), the completed
trials are counted and only ``budget - completed`` more are evaluated; the sampler's
state is kept beside the storage (``design.sampler.pkl``, pickled after every trial, the
way Optuna's documentation resumes a seeded sampler) so that a resumed search draws the
candidates an unbroken one would.  A candidate equal to one already evaluated is pruned,
not run again.  A trial cut short by a kill stays "running" in the storage and never
counts as evaluated (the resumed sampler draws its candidate again); Optuna's heartbeat,
which would mark it failed, is still experimental in Optuna 5 and is not used.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import optuna
from omegaconf import OmegaConf

from ..config import Config, ConfigError, to_config
from ..outputs.files import atomic_write_bytes
from ..outputs.smart import smart_check
from ..run import run_simulation
from .candidate import candidate_config, static_smart_failures, suggest, to_overrides
from .space import Space

log = logging.getLogger(__name__)

#: The objectives, in the order of a trial's values; each is maximised.
OBJECTIVES = ("value", "true_outcome", "staff")
#: The summary key of the customers' true outcome (true CSAT: the driver of loyalty).
TRUE_OUTCOME_KEY = "csat_true"
#: The summary key of the staff objective (mean morale, in [0, 1]).
STAFF_KEY = "employee_satisfaction"
#: The robust statistic's quantile: the 20th percentile over the runs (seeds x worlds),
#: a bad-but-plausible case rather than the mean.
ROBUST_QUANTILE = 0.20
#: Seeds of the held-out set start this far above the search seeds (disjoint sets).
HELD_OUT_OFFSET = 1_000_000
#: The search gives up when this many candidates per evaluation budgeted were pruned.
MAX_PRUNED_PER_EVAL = 20
#: The study's name inside its storage.
STUDY_NAME = "design"

#: One world: dotted config keys -> values applied on top of the design's base config.
World = dict[str, Any]
#: The evaluation: (candidate config, seeds, worlds) -> one record per run, each with a
#: value for every objective (and anything JSON-serialisable besides).
Evaluate = Callable[[Config, Sequence[int], Sequence[World]], list[dict[str, Any]]]


def objective_record(summary: dict[str, Any]) -> dict[str, float]:
    """A run's value of every objective of :data:`OBJECTIVES`.

    Parameters
    ----------
    summary : dict
        A run's summary.
    """
    return {
        "value": float(summary["value"]),
        "true_outcome": float(summary[TRUE_OUTCOME_KEY]),
        "staff": float(summary[STAFF_KEY]),
    }


def robust_statistic(values: Sequence[float]) -> float:
    """The robust statistic of an objective over a candidate's runs: the
    :data:`ROBUST_QUANTILE` quantile (numpy's linear interpolation between order
    statistics; one run: its value).

    Parameters
    ----------
    values : sequence of float
        The objective's value in each run (seeds x worlds).
    """
    return float(np.quantile(np.asarray(values, dtype=float), ROBUST_QUANTILE))


@dataclass(frozen=True)
class Split:
    """Seeds and worlds of the search and of the held-out verification (disjoint)."""

    search_seeds: tuple[int, ...]
    held_out_seeds: tuple[int, ...]
    search_worlds: tuple[World, ...] = field(default=({},))
    held_out_worlds: tuple[World, ...] = field(default=({},))


def split(seed: int, seeds: int, held_out: int, worlds: Sequence[World] = ()) -> Split:
    """Split seeds and worlds into the search set and the held-out set.

    Search seeds are ``seed .. seed + seeds - 1``, held-out ones start at
    ``seed + HELD_OUT_OFFSET``; worlds alternate (even positions search, odd held out).
    No worlds: both sets use the design's own world (``{}``), so only the seeds differ.

    Parameters
    ----------
    seed : int
        The design's seed.
    seeds : int
        Search seeds (at least 1, below :data:`HELD_OUT_OFFSET`).
    held_out : int
        Held-out seeds (at least 0).
    worlds : sequence of dict, optional
        Sampled worlds (dotted key -> value), e.g. draws of the uncertainty ranges.
    """
    if not 1 <= seeds < HELD_OUT_OFFSET or held_out < 0:
        raise ConfigError(
            f"seeds={seeds}, held_out={held_out}: seeds must be 1 to {HELD_OUT_OFFSET - 1}, "
            "held_out at least 0"
        )
    w = tuple(worlds)
    return Split(
        tuple(seed + i for i in range(seeds)),
        tuple(seed + HELD_OUT_OFFSET + i for i in range(held_out)),
        w[0::2] or ({},),
        w[1::2] or ({},),
    )


def world_config(cfg: Config, seed: int, world: World) -> Config:
    """The candidate's config for one run: its world's values and the seed, validated.

    Parameters
    ----------
    cfg : Config
        The candidate's config.
    seed : int
        The run's seed.
    world : dict
        Dotted config keys -> values.
    """
    node = OmegaConf.structured(copy.deepcopy(cfg))
    dot = [f"{k}={v}" for k, v in world.items()] + [f"seed={seed}"]
    return to_config(OmegaConf.merge(node, OmegaConf.from_dotlist(dot)))


def simulate_runs(cfg: Config, seeds: Sequence[int], worlds: Sequence[World]) -> list[dict]:
    """The default evaluation: one run per world and seed, in that order, each recorded
    as its objectives, its seed and world index, and the SMART criteria it failed
    (``kpi:letter``, judged on the run by :func:`sim.outputs.smart.smart_check`).

    Parameters
    ----------
    cfg : Config
        The candidate's config.
    seeds : sequence of int
        The search seeds.
    worlds : sequence of dict
        The search worlds.
    """
    out = []
    for w, world in enumerate(worlds):
        for seed in seeds:
            result = run_simulation(world_config(cfg, seed, world), progress=False)
            smart = smart_check(result)
            failed = [] if not len(smart) else smart.loc[~smart["passed"]]
            out.append(
                {
                    **objective_record(result.summary),
                    "seed": int(seed),
                    "world": w,
                    "smart_failed": [f"{r.kpi}:{r.criterion}" for r in failed.itertuples()]
                    if len(failed)
                    else [],
                }
            )
    return out


def check_budget(budget: Any) -> int:
    """The budget as a number of evaluations, or a one-line :class:`ConfigError`.

    Parameters
    ----------
    budget : Any
        The value given (``budget=EVALS``).
    """
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ConfigError(
            f"budget={budget!r} is not allowed: budget is the number of candidate schemes "
            "to evaluate, a whole number of at least 1"
        )
    return budget


def run_study(
    space: Space,
    out: Path,
    budget: int,
    *,
    seed: int = 0,
    base: Sequence[str] = (),
    the_split: Split | None = None,
    evaluate: Evaluate = simulate_runs,
    on_trial: Callable[[optuna.Study], None] | None = None,
) -> optuna.Study:
    """Run (or resume) the design study until ``budget`` candidates are evaluated.

    Everything is checked before anything is written; then ``out`` holds
    ``design.db`` (Optuna's storage) and ``design.sampler.pkl``.

    Parameters
    ----------
    space : Space
        The validated search space.
    out : pathlib.Path
        The design's folder (created).
    budget : int
        Candidates to evaluate in all, counting those a previous call completed.
    seed : int
        The sampler's seed (and the first search seed when ``the_split`` is None).
    base : sequence of str
        World overrides of every candidate (``days=20``, ``customers.n=5000``,
        ``centre=NAME``); no scheme keys.
    the_split : Split, optional
        Search and held-out seeds and worlds; default ``split(seed, 1, 1)``.
    evaluate : callable
        The evaluation (:data:`Evaluate`), default :func:`simulate_runs`.
    on_trial : callable, optional
        Called with the study after every trial (a progress bar).

    Returns
    -------
    optuna.Study
        The study; its Pareto front is :func:`front`.
    """
    budget = check_budget(budget)
    sp = the_split or split(seed, 1, 1)
    settings = json.dumps(
        {
            "space": repr(dataclasses.replace(space, source="")),
            "seed": seed,
            "base": list(base),
            "split": repr(sp),
        },
        sort_keys=True,
    )
    out = Path(out)
    db = out / "design.db"
    if db.exists():
        _check_settings(db, settings, out)
    out.mkdir(parents=True, exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    pkl = out / "design.sampler.pkl"
    sampler = _load_sampler(pkl) if pkl.exists() else optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(
        study_name=STUDY_NAME,
        storage=f"sqlite:///{db}",
        directions=["maximize"] * len(OBJECTIVES),
        sampler=sampler,
        load_if_exists=True,
    )
    if not study.user_attrs.get("settings"):
        study.set_user_attr("settings", settings)
        study.set_user_attr("objectives", list(OBJECTIVES))

    def objective(trial: optuna.Trial) -> tuple[float, ...]:
        values = suggest(trial, space)
        same = _evaluated_twin(study, trial)
        if same is not None:
            _prune(trial, f"the same candidate as trial {same}")
        overrides = to_overrides(values, space)
        trial.set_user_attr("overrides", overrides)
        try:
            cfg = candidate_config(overrides, list(base), f"design_{trial.number}")
        except ConfigError as exc:
            _prune(trial, f"not a valid scheme: {exc}")
        fails = static_smart_failures(cfg)
        if fails:
            _prune(trial, "fails SMART before any run: " + " ".join(fails))
        records = evaluate(cfg, sp.search_seeds, sp.search_worlds)
        trial.set_user_attr("runs", records)
        return tuple(robust_statistic([r[k] for r in records]) for k in OBJECTIVES)

    def keep_sampler(study: optuna.Study, trial: Any) -> None:
        atomic_write_bytes(pkl, pickle.dumps(study.sampler))
        if on_trial is not None:
            on_trial(study)

    pruned_cap = MAX_PRUNED_PER_EVAL * budget
    while (done := completed(study)) < budget:
        if _count(study, optuna.trial.TrialState.PRUNED) >= pruned_cap:
            raise ConfigError(
                f"{space.source}: {pruned_cap} candidates were invalid before {budget} could "
                "be evaluated (the reasons are in the log): narrow the ranges that conflict"
            )
        study.optimize(objective, n_trials=budget - done, callbacks=[keep_sampler])
    return study


def completed(study: optuna.Study) -> int:
    """Candidates evaluated so far (completed trials).

    Parameters
    ----------
    study : optuna.Study
        The design study.
    """
    return _count(study, optuna.trial.TrialState.COMPLETE)


def front(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    """The Pareto front of the completed candidates, by trial number.

    Parameters
    ----------
    study : optuna.Study
        The design study.
    """
    return sorted(study.best_trials, key=lambda t: t.number)


def _count(study: optuna.Study, state: optuna.trial.TrialState) -> int:
    return len(study.get_trials(deepcopy=False, states=(state,)))


def _evaluated_twin(study: optuna.Study, trial: optuna.Trial) -> int | None:
    """The number of a completed trial with the same parameters, if any."""
    done = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    return next((t.number for t in done if t.params == trial.params), None)


def _prune(trial: optuna.Trial, reason: str) -> None:
    trial.set_user_attr("pruned_reason", reason)
    log.info("design: trial %d pruned: %s", trial.number, reason)
    raise optuna.TrialPruned(reason)


def _load_sampler(path: Path) -> optuna.samplers.BaseSampler:
    """The sampler pickled by this module beside the study (a file it wrote itself)."""
    with path.open("rb") as fh:
        return pickle.load(fh)  # a file run_study wrote itself, never a user's


def _check_settings(db: Path, settings: str, out: Path) -> None:
    """Refuse to resume a study whose space, seed, base or split differ."""
    storage = optuna.storages.RDBStorage(f"sqlite:///{db}")
    try:
        study = optuna.load_study(study_name=STUDY_NAME, storage=storage)
    except KeyError:
        return
    old = study.user_attrs.get("settings")
    if old is not None and old != settings:
        raise ConfigError(
            f"out={out} holds a design with other settings (space, seed, size or seeds): "
            "resume it with the same ones, or choose another out="
        )
