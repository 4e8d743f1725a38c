"""The design study: an Optuna multi-objective search over the candidates of a space,
stored in ``OUT/design.db`` so that a killed search resumes without repeating an
evaluation.

Each candidate (:mod:`.candidate`) is validated and given its static SMART check, then
evaluated by a pluggable function (:data:`Evaluate`; default
:func:`.runs.simulate_runs`: one run per search seed and world, on the machine's cores)
into one record per run; each objective is the :func:`.objectives.robust_statistic` of
its values over those runs.  The objectives (all maximised) are those of
``objective=value`` (money, the customers' true outcome, staff) or of
``objective=dashboard`` (what the dashboard shows), :mod:`.objectives`.  The leader's
constraints (:mod:`.constraints`) are computed from the same runs and set on the trial
(``Trial.set_constraint``), which the sampler and the front respect.

Seeds and worlds are split (:func:`split`) into a search set, used here, and a held-out
set that the search never sees (the verification of the top schemes, :mod:`.verify`).
Resuming: the study is loaded from its storage (``load_if_exists``), the completed
trials are counted and only ``budget - completed`` more are evaluated; the sampler's
state is kept beside the storage (``NAME.sampler.pkl``, pickled after every trial, the
way Optuna's documentation resumes a seeded sampler) so that a resumed search draws the
candidates an unbroken one would.  A candidate equal to one already evaluated is pruned,
not run again.  A trial cut short by a kill stays "running" in the storage and never
counts as evaluated (the resumed sampler draws its candidate again); Optuna's heartbeat,
which would mark it failed, is still experimental in Optuna 5 and is not used.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna

from ..config import Config, ConfigError
from ..outputs.files import atomic_write_bytes
from .candidate import candidate_config, static_smart_failures, suggest, to_overrides
from .constraints import (
    CONSTRAINTS,
    PRUNED,
    Limits,
    constraint_values,
    feasible,
    smart_failures,
)
from .launchers import Launcher
from .objectives import (
    OBJECTIVE_SETS,
    OBJECTIVES,
    STAFF_KEY,
    TRUE_OUTCOME_KEY,
    objective_record,
    robust_statistic,
)
from .runs import World, simulate_runs, world_config
from .space import Space

__all__ = [
    "OBJECTIVES",
    "STAFF_KEY",
    "TRUE_OUTCOME_KEY",
    "objective_record",
    "robust_statistic",
    "simulate_runs",
    "world_config",
]

log = logging.getLogger(__name__)

#: Seeds of the held-out set start this far above the search seeds (disjoint sets).
HELD_OUT_OFFSET = 1_000_000
#: The search gives up when this many candidates per evaluation budgeted were pruned.
MAX_PRUNED_PER_EVAL = 20
#: The study's name inside its storage.
STUDY_NAME = "design"

#: The evaluation: (candidate config, seeds, worlds) -> one record per run, each with a
#: value for every objective (and anything JSON-serialisable besides).
Evaluate = Callable[[Config, Sequence[int], Sequence[World]], list[dict[str, Any]]]


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
    evaluate: Evaluate | None = None,
    on_trial: Callable[[optuna.Study], None] | None = None,
    objective: str = "value",
    limits: Limits | None = None,
    jobs: int = 1,
    launcher: Launcher | None = None,
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
    evaluate : callable, optional
        The evaluation (:data:`Evaluate`), default :func:`simulate_runs` on ``jobs``
        worker processes.
    on_trial : callable, optional
        Called with the study after every trial (a progress bar).
    objective : str
        ``value`` or ``dashboard`` (:data:`.objectives.OBJECTIVE_SETS`); each has its own
        study in the same storage (:func:`study_name`).
    limits : Limits, optional
        The leader's constraints (:mod:`.constraints`), enforced through the sampler's
        ``constraints_func``; none: unconstrained.
    jobs : int
        Worker processes of the default evaluation (the runs of one candidate side by
        side; the same results as one process).
    launcher : Launcher, optional
        Where the default evaluation's runs go (:mod:`.launchers`: this machine, a SLURM
        or a Ray cluster; the same results on each); default: ``jobs`` local processes.

    Returns
    -------
    optuna.Study
        The study; its Pareto front is :func:`front`.
    """
    budget = check_budget(budget)
    names = check_objective(objective)
    sp = the_split or split(seed, 1, 1)
    settings = json.dumps(
        {
            "space": repr(dataclasses.replace(space, source="")),
            "seed": seed,
            "base": list(base),
            "split": repr(sp),
            "limits": repr(limits),
        },
        sort_keys=True,
    )
    out = Path(out)
    db = out / "design.db"
    name = study_name(objective)
    if db.exists():
        _check_settings(db, name, settings, out)
        _check_model(db, name, out)
    out.mkdir(parents=True, exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    pkl = out / f"{name}.sampler.pkl"
    sampler = _load_sampler(pkl) if pkl.exists() else optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(
        study_name=name,
        storage=f"sqlite:///{db}",
        directions=["maximize"] * len(names),
        sampler=sampler,
        load_if_exists=True,
    )
    if not study.user_attrs.get("settings"):
        study.set_user_attr("settings", settings)
        study.set_user_attr("objectives", list(names))
        study.set_user_attr("model", model_fingerprint())
    runs = len(sp.search_seeds) * len(sp.search_worlds)
    with (launcher or Launcher(jobs=jobs)).pool(runs) as pool:
        evaluate_ = evaluate or functools.partial(simulate_runs, pool=pool)

        def prune(trial: optuna.Trial, reason: str) -> None:
            if limits is not None:
                for key, v in zip(CONSTRAINTS, PRUNED, strict=True):
                    trial.set_constraint(key, v)
            _prune(trial, reason)

        def one(trial: optuna.Trial) -> tuple[float, ...]:
            values = suggest(trial, space)
            same = _evaluated_twin(study, trial)
            if same is not None:
                prune(trial, f"the same candidate as trial {same}")
            overrides = to_overrides(values, space)
            trial.set_user_attr("overrides", overrides)
            try:
                cfg = candidate_config(overrides, list(base), f"design_{trial.number}")
            except ConfigError as exc:
                prune(trial, f"not a valid scheme: {exc}")
            fails = static_smart_failures(cfg)
            if fails:
                prune(trial, "fails SMART before any run: " + " ".join(fails))
            records = evaluate_(cfg, sp.search_seeds, sp.search_worlds)
            trial.set_user_attr("runs", records)
            if limits is not None:
                cons = constraint_values(records, limits)
                for key in CONSTRAINTS:
                    trial.set_constraint(key, cons[key])
                trial.set_user_attr("constraints", cons)
                trial.set_user_attr("smart_failed", smart_failures(records))
            return tuple(robust_statistic([r[k] for r in records]) for k in names)

        def keep_sampler(study: optuna.Study, trial: Any) -> None:
            atomic_write_bytes(pkl, pickle.dumps(study.sampler))
            if on_trial is not None:
                on_trial(study)

        pruned_cap = MAX_PRUNED_PER_EVAL * budget
        while (done := completed(study)) < budget:
            if _count(study, optuna.trial.TrialState.PRUNED) >= pruned_cap:
                raise ConfigError(
                    f"{space.source}: {pruned_cap} candidates were invalid before {budget} "
                    "could be evaluated (the reasons are in the log): narrow the ranges "
                    "that conflict"
                )
            study.optimize(one, n_trials=budget - done, callbacks=[keep_sampler])
    return study


def check_objective(objective: Any) -> tuple[str, ...]:
    """The objectives of ``objective=``, or a one-line :class:`ConfigError`.

    Parameters
    ----------
    objective : Any
        The value given (``value`` or ``dashboard``).
    """
    if objective not in OBJECTIVE_SETS:
        raise ConfigError(
            f"objective={objective!r} is not allowed: one of {', '.join(OBJECTIVE_SETS)}"
        )
    return OBJECTIVE_SETS[objective]


def study_name(objective: str) -> str:
    """The study's name in the storage: ``design`` for ``objective=value``,
    ``design_dashboard`` for ``objective=dashboard`` (both can live in one folder).

    Parameters
    ----------
    objective : str
        The ``objective=`` setting.
    """
    return STUDY_NAME if objective == "value" else f"{STUDY_NAME}_{objective}"


def completed(study: optuna.Study) -> int:
    """Candidates evaluated so far (completed trials).

    Parameters
    ----------
    study : optuna.Study
        The design study.
    """
    return _count(study, optuna.trial.TrialState.COMPLETE)


def front(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    """The Pareto front of the feasible candidates, by trial number; when no candidate
    met the constraints, the front of all of them (each then shows which it broke).

    Parameters
    ----------
    study : optuna.Study
        The design study.
    """
    best = study.best_trials
    if not best:
        done = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        best = [t for t in done if not any(_dominates(o, t) for o in done)]
    return sorted(best, key=lambda t: t.number)


def is_feasible(trial: optuna.trial.FrozenTrial) -> bool:
    """Whether the candidate met every constraint (an unconstrained one always does).

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
        A completed trial.
    """
    return feasible(trial.user_attrs.get("constraints") or {})


def _dominates(a: optuna.trial.FrozenTrial, b: optuna.trial.FrozenTrial) -> bool:
    """Whether ``a`` is at least as good as ``b`` on every objective (maximised) and
    better on one."""
    pairs = list(zip(a.values, b.values, strict=True))
    return all(x >= y for x, y in pairs) and any(x > y for x, y in pairs)


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


def _check_settings(db: Path, name: str, settings: str, out: Path) -> None:
    """Refuse to resume a study whose space, seed, base, split or limits differ."""
    storage = optuna.storages.RDBStorage(f"sqlite:///{db}")
    try:
        study = optuna.load_study(study_name=name, storage=storage)
    except KeyError:
        return
    old = study.user_attrs.get("settings")
    if old is not None and old != settings:
        raise ConfigError(
            f"out={out} holds a design with other settings (space, seed, size, seeds, "
            "worlds or limits): resume it with the same ones, or choose another out="
        )


def model_fingerprint() -> str:
    """SHA-256 (first 16 hex digits) of the code and shipped configs that decide a run's
    outputs: the ``.py`` files of ``sim/model``, ``sim/config`` and ``sim`` itself, and
    the ``.yaml`` files of the config directory, each by relative path and content.  A
    study records it so that a resume never mixes evaluations of two model versions."""
    import hashlib

    from ..config import CONFIG_DIR

    pkg = Path(__file__).resolve().parent.parent
    files = [*pkg.glob("*.py"), *(pkg / "model").rglob("*.py"), *(pkg / "config").rglob("*.py")]
    h = hashlib.sha256()
    for root, paths in ((pkg, files), (Path(CONFIG_DIR), Path(CONFIG_DIR).rglob("*.yaml"))):
        for f in sorted(paths):
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _check_model(db: Path, name: str, out: Path) -> None:
    """Refuse to resume a study whose evaluations another version of the model made."""
    storage = optuna.storages.RDBStorage(f"sqlite:///{db}")
    try:
        study = optuna.load_study(study_name=name, storage=storage)
    except KeyError:
        return
    old, now = study.user_attrs.get("model"), model_fingerprint()
    if old != now:
        made = f"model {old}" if old else "a kpisim that did not record its model"
        raise ConfigError(
            f"out={out} holds a design evaluated by {made}, and this kpisim runs model "
            f"{now}: its evaluations cannot be mixed with new ones; choose another out= "
            "(or delete that folder to start again)"
        )
