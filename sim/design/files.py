"""The files a design writes beside its study: ``front.csv`` (every scheme of the
Pareto front, its objectives and constraints on the search set, and the current
scheme's reference row), ``verify.csv`` (:mod:`.verify`) and one ready-to-use scheme
file per scheme of the front, with the ``kpisim compare`` command that tests it.

A ``objective=dashboard`` design writes the same files with ``_dashboard`` in their
names (``front_dashboard.csv``, ``scheme_dashboard_1.yaml``), so both studies can live
in one folder and the page can put their winners side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import optuna
import pandas as pd

from ..outputs.files import atomic_write_text
from .candidate import candidate_config, write_scheme
from .constraints import CONSTRAINTS
from .search import front, is_feasible
from .verify import Entry


def suffix(objective: str) -> str:
    """The files' name part of a design's objective: ``""`` for ``value``,
    ``_dashboard`` for ``dashboard``.

    Parameters
    ----------
    objective : str
        The ``objective=`` setting.
    """
    return "" if objective == "value" else f"_{objective}"


def ranked_front(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    """The front, feasible candidates first, then by the first objective, best first.

    Parameters
    ----------
    study : optuna.Study
        The finished study.
    """
    return sorted(front(study), key=lambda t: (not is_feasible(t), -t.values[0]))


def compare_command(current: str, path: Path, world: Sequence[str]) -> str:
    """The ``kpisim compare`` command that tests a found scheme against the current one
    in the design's world.

    Parameters
    ----------
    current : str
        The current scheme as given (``SCHEME`` when none was).
    path : pathlib.Path
        The found scheme's file.
    world : sequence of str
        The design's world overrides.
    """
    return " ".join(["kpisim compare", f"current={current}", f"proposal={path}", *world])


def write_front(
    study: optuna.Study,
    out: Path,
    world: list[str],
    objective: str,
    current: dict[str, Any] | None = None,
    current_name: str = "SCHEME",
) -> list[Entry]:
    """``front.csv`` and ``scheme_K.yaml`` for each scheme of the front
    (:func:`ranked_front` order); returns the schemes as :class:`.verify.Entry`.

    Parameters
    ----------
    study : optuna.Study
        The finished study.
    out : pathlib.Path
        The design's folder.
    world : list of str
        The world overrides the candidates ran in.
    objective : str
        The ``objective=`` setting (the files' names and the objectives' columns).
    current : dict, optional
        The current scheme's robust objectives and constraints on the search set (the
        reference row, ``rank`` = ``current``).
    current_name : str
        The current scheme as given (for the compare command).
    """
    names = list(study.user_attrs["objectives"])
    tag = suffix(objective)
    rows, entries = [], []
    for k, t in enumerate(ranked_front(study), start=1):
        path = out / f"scheme{tag}_{k}.yaml"
        cfg = candidate_config(t.user_attrs["overrides"], world, f"design_{t.number}")
        values = dict(zip(names, t.values, strict=True))
        shown = ", ".join(f"{o} {v:.4g}" for o, v in values.items())
        write_scheme(
            path,
            cfg,
            f"Found by kpisim design (objective={objective}, trial {t.number}), on the Pareto "
            f"front of the search set:\n{shown} (20th percentile over the search runs; "
            f"verify.csv has the held-out results).\n"
            f"Try it: {compare_command(current_name, path, world)}",
        )
        cons = t.user_attrs.get("constraints") or {}
        rows.append(
            {"rank": str(k), "trial": t.number, **values}
            | {f"constraint_{c}": cons.get(c) for c in CONSTRAINTS}
            | {
                "feasible": is_feasible(t),
                "smart_failed": " ".join(t.user_attrs.get("smart_failed") or []),
                "file": path.name,
            }
            | dict(o.split("=", 1) for o in t.user_attrs["overrides"])
        )
        entries.append(Entry(f"scheme{tag}_{k}", cfg, t.number, path.name, values))
    if current is not None:
        rows.append({"rank": "current", "trial": None, "file": ""} | current)
    table = pd.DataFrame(rows)
    table["trial"] = table["trial"].astype("Int64")
    atomic_write_text(out / f"front{tag}.csv", table.to_csv(index=False))
    return entries
