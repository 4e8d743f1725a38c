"""Checks of a sweep before Hydra starts it: the grid's configs and the launcher.

A bad sweep must end in one message and leave no directory behind, so ``kpisim run
-m`` calls :func:`launcher_problem` and :func:`validate_sweep` before handing over to
Hydra (which creates the sweep directory first).
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil

from hydra.core.override_parser.overrides_parser import OverridesParser

from ..cliargs import override_value
from ..config import (
    ConfigError,
    available_scenarios,
    check_centre,
    clean_hydra_message,
    compose,
    to_config,
)
from .clusters import cluster_problem

#: Launcher plugins (``hydra/launcher=NAME``): the module each one needs and the
#: kpisim extra that installs it.
LAUNCHER_MODULES = {
    "joblib": ("hydra_plugins.hydra_joblib_launcher", "sweeps"),
    "submitit_local": ("hydra_plugins.hydra_submitit_launcher", "sweeps"),
    "submitit_slurm": ("hydra_plugins.hydra_submitit_launcher", "sweeps"),
    "slurm": ("hydra_plugins.hydra_submitit_launcher", "sweeps"),  # configs/hydra/launcher/
    "ray": ("hydra_plugins.hydra_ray_launcher", "ray"),
    "ray_cluster": ("hydra_plugins.hydra_ray_launcher", "ray"),  # configs/hydra/launcher/
}
#: Above this many sweep combinations, pre-validation checks each swept value once
#: (numeric sweeps: their smallest and largest values) instead of every combination.
VALIDATE_ALL_MAX = 16


# --------------------------------------------------------------------------- the grid
def is_hydra_key(key: str) -> bool:
    """Whether an override's key sets Hydra itself (``hydra.*``, ``hydra/*``).

    Parameters
    ----------
    key : str
        The key of an override (``+``/``~`` prefixes allowed).
    """
    return key.lstrip("+~").startswith(("hydra.", "hydra/"))


def sweep_axes(args: list[str]) -> list[list[str]]:
    """Parse sweep overrides into axes (one list of ``key=value`` per config key).

    Overrides of Hydra itself (``hydra.*``, ``hydra/*``) are left out.  Raises
    :class:`ConfigError` for an override Hydra cannot parse.

    Parameters
    ----------
    args : list of str
        The sweep's overrides as typed (``key=value``, comma lists, ``range(...)``).
    """
    try:
        parsed = OverridesParser.create().parse_overrides(args)
    except Exception as exc:
        raise ConfigError(clean_hydra_message(exc)) from None
    axes: list[list[str]] = []
    for o in parsed:
        key = o.get_key_element()
        if is_hydra_key(key):
            continue
        if o.is_sweep_override():
            if not o.is_discrete_sweep():
                continue  # interval sweeps (optuna etc.): checked when each job runs
            values = list(o.sweep_string_iterator())
            if not values:
                raise ConfigError(f"{key}: the sweep has no values")
            axes.append([f"{key}={v}" for v in values])
        else:
            axes.append([f"{key}={o.get_value_element_as_str()}"])
    return axes


def _reduce(axis: list[str]) -> list[str]:
    """A numeric axis is checked at its extremes; any other axis at every value."""
    nums = []
    for item in axis:
        try:
            nums.append(float(item.split("=", 1)[1]))
        except ValueError:
            return axis
    lo, hi = nums.index(min(nums)), nums.index(max(nums))
    return [axis[i] for i in sorted({lo, hi})]


def validation_combos(axes: list[list[str]]) -> list[list[str]]:
    """The combinations to check: all of them up to :data:`VALIDATE_ALL_MAX`, else the
    first value of every axis plus each axis's other (reduced) values one at a time.

    Parameters
    ----------
    axes : list of list of str
        The sweep's axes (:func:`sweep_axes`).
    """
    total = 1
    for a in axes:
        total *= len(a)
    if total <= VALIDATE_ALL_MAX:
        return [list(c) for c in itertools.product(*axes)]
    base = [a[0] for a in axes]
    combos = [base]
    for i, a in enumerate(axes):
        for v in _reduce(a):
            if v != base[i]:
                combos.append([*base[:i], v, *base[i + 1 :]])
    return combos


# --------------------------------------------------------------------------- checks
def _check_values(axes: list[list[str]]) -> None:
    """Swept values checked without composing: known scenarios and centres, no
    ``output_dir``."""
    known = available_scenarios()
    for axis in axes:
        for item in axis:
            key, value = item.split("=", 1)
            if key == "scenario" and value not in known:
                raise ConfigError(
                    f"scenario={value!r} is not a known scenario: choose one of {', '.join(known)}"
                )
            if key == "centre":
                check_centre(value)
            if key == "output_dir":
                raise ConfigError(
                    "output_dir applies to a single run; a sweep writes into "
                    "hydra.sweep.dir=PATH (one folder per run)"
                )


def validate_sweep(args: list[str]) -> int:
    """Compose and validate a sweep's configs before Hydra creates any directory.

    Small sweeps are checked combination by combination; large ones check each swept
    value once (numeric values at their extremes).  Returns the number of configs
    checked; raises :class:`ConfigError` naming the key and the combination.

    Parameters
    ----------
    args : list of str
        The sweep's overrides as typed (``key=value``, comma lists, ``range(...)``).
    """
    axes = sweep_axes(args)
    _check_values(axes)
    combos = validation_combos(axes)
    for combo in combos:
        try:
            to_config(compose(combo))
        except ConfigError as exc:
            raise ConfigError(_in_combo(str(exc), combo, len(combos))) from None
        except Exception as exc:
            raise ConfigError(_in_combo(clean_hydra_message(exc), combo, 1)) from None
    return len(combos)


def _in_combo(msg: str, combo: list[str], n: int) -> str:
    return msg if n <= 1 else f"{msg} (in the sweep combination {' '.join(combo)})"


# --------------------------------------------------------------------------- launchers
def has_module(name: str) -> bool:
    """Whether module ``name`` (dotted) can be imported here, without importing it.

    Parameters
    ----------
    name : str
        A dotted module name.
    """
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def launcher_problem(args: list[str]) -> str | None:
    """A clear message when the chosen launcher cannot run here, else None.

    Parameters
    ----------
    args : list of str
        The command line of ``kpisim run -m`` (overrides and flags).
    """
    name = override_value(args, "hydra/launcher")
    if name is None or name not in LAUNCHER_MODULES:
        return None
    module, extra = LAUNCHER_MODULES[name]
    if importlib.util.find_spec(module.split(".")[0]) is None or not has_module(module):
        return f"hydra/launcher={name} needs its Hydra plugin: pip install 'kpisim[{extra}]'"
    if name in ("submitit_slurm", "slurm") and shutil.which("sbatch") is None:
        return (
            f"hydra/launcher={name} needs SLURM (sbatch/srun not found on PATH): run "
            "it on the cluster's login node; hydra/launcher=submitit_local runs the same "
            "jobs on this machine (docs/sweeps.md)"
        )
    return cluster_problem(name, args)


def with_default_launcher(argv: list[str]) -> list[str]:
    """Sweeps use the joblib launcher (local cores) unless another one is chosen.

    Parameters
    ----------
    argv : list of str
        The command line of ``kpisim run -m``.
    """
    if any(a.startswith("hydra/launcher=") for a in argv):
        return argv
    if has_module(LAUNCHER_MODULES["joblib"][0]):
        return [*argv, "hydra/launcher=joblib"]
    return argv
