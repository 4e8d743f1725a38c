"""The figures of the design page (matplotlib PNG bytes, Okabe-Ito colours of
:mod:`sim.palette`, the comparison's headless style :mod:`sim.compare.plotting`).

- :func:`fig_front`: every evaluated candidate on the first two objectives, feasible
  ones in blue, infeasible in grey, the front in orange, the current scheme as a star;
- :func:`fig_verify`: the held-out value of the top schemes beside the current (and
  shipped) schemes, with the paired 95% interval against the current one;
- :func:`fig_convergence`: the best feasible first objective found so far, by trial;
- :func:`fig_importance`: Optuna's parameter importance for the first objective.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import optuna
import pandas as pd

from ..compare.plotting import pyplot, to_png
from ..palette import OKABE_ITO
from .search import front, is_feasible

GREY = "#999999"


def _done(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    return study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))


def fig_front(study: optuna.Study, names: Sequence[str], current: pd.Series | None) -> bytes:
    """The candidates on the first two objectives, the front and the current scheme.

    Parameters
    ----------
    study : optuna.Study
        The finished study.
    names : sequence of str
        Its objectives.
    current : pandas.Series, optional
        The current scheme's row of ``front.csv``.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    done = _done(study)
    on_front = {t.number for t in front(study)}
    groups = (
        ("feasible", OKABE_ITO["blue"], [t for t in done if is_feasible(t)]),
        ("infeasible (a constraint broken)", GREY, [t for t in done if not is_feasible(t)]),
        ("the front", OKABE_ITO["orange"], [t for t in done if t.number in on_front]),
    )
    for label, colour, trials in groups:
        if trials:
            x = [t.values[0] for t in trials]
            y = [t.values[1] for t in trials]
            size = 60 if label == "the front" else 28
            ax.scatter(x, y, s=size, color=colour, label=label, alpha=0.85, edgecolor="white")
    if current is not None:
        ax.scatter(
            [current[names[0]]], [current[names[1]]], marker="*", s=180, color="black",
            label="current scheme",
        )  # fmt: skip
    ax.set_xlabel(f"{names[0]} (20th percentile over the search runs)")
    ax.set_ylabel(names[1])
    ax.legend(fontsize=8, frameon=False)
    return to_png(fig)


def fig_verify(table: pd.DataFrame) -> bytes:
    """Held-out value of each verified scheme, with the paired interval against the
    current scheme where there is one.

    Parameters
    ----------
    table : pandas.DataFrame
        ``verify.csv``.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 0.5 + 0.38 * len(table)))
    y = np.arange(len(table))[::-1]
    colours = [
        "black"
        if s == "current"
        else (GREY if str(s).startswith("shipped:") else OKABE_ITO["blue"])
        for s in table["scheme"]
    ]
    ax.barh(y, table["value"], color=colours)
    ax.set_yticks(y, table["scheme"])
    ax.set_xlabel("value on the held-out runs (20th percentile; currency over the run)")
    if "value_vs_current_low" in table and "current" in set(table["scheme"]):
        base = float(table.loc[table["scheme"] == "current", "value_mean"].iloc[0])
        for yi, (_, r) in zip(y, table.iterrows(), strict=True):
            lo, hi = r.get("value_vs_current_low"), r.get("value_vs_current_high")
            if pd.notna(lo) and pd.notna(hi):
                ax.plot([base + lo, base + hi], [yi, yi], color=OKABE_ITO["orange"], lw=2)
    return to_png(fig)


def fig_convergence(study: optuna.Study, name: str) -> bytes:
    """The best feasible value of the first objective found after each trial.

    Parameters
    ----------
    study : optuna.Study
        The finished study.
    name : str
        Its first objective.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    done = sorted(_done(study), key=lambda t: t.number)
    x = [t.number for t in done]
    ax.scatter(x, [t.values[0] for t in done], s=14, color=GREY, label="each candidate")
    best, line = -np.inf, []
    for t in done:
        if is_feasible(t):
            best = max(best, t.values[0])
        line.append(best if np.isfinite(best) else np.nan)
    ax.step(x, line, where="post", color=OKABE_ITO["blue"], label="best feasible so far")
    ax.set_xlabel("trial")
    ax.set_ylabel(name)
    ax.legend(fontsize=8, frameon=False)
    return to_png(fig)


def importance(study: optuna.Study) -> dict[str, float]:
    """Optuna's parameter importance (fANOVA, seeded) for the first objective, over the
    completed candidates; empty when there are too few to fit it.

    Parameters
    ----------
    study : optuna.Study
        The finished study.
    """
    if len(_done(study)) < 4:
        return {}
    evaluator = optuna.importance.FanovaImportanceEvaluator(seed=0)
    try:
        return optuna.importance.get_param_importances(
            study, evaluator=evaluator, target=lambda t: t.values[0]
        )
    except (ValueError, RuntimeError):
        return {}


def fig_importance(values: dict[str, float], name: str) -> bytes:
    """The ten most important parameters for the first objective.

    Parameters
    ----------
    values : dict
        :func:`importance`.
    name : str
        The first objective.
    """
    plt = pyplot()
    top = list(values.items())[:10][::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.6 + 0.32 * len(top)))
    ax.barh([k for k, _ in top], [v for _, v in top], color=OKABE_ITO["green"])
    ax.set_xlabel(f"share of the variance of {name} explained (fANOVA)")
    return to_png(fig)
