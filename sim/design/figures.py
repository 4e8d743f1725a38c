"""The figures of the design page (matplotlib PNG bytes, Okabe-Ito colours of
:mod:`sim.palette`, the comparison's headless style :mod:`sim.compare.plotting`).

- :func:`fig_front`: every evaluated candidate on the first two objectives, feasible
  ones in blue, infeasible in grey, the front in orange, the current scheme as a star;
- :func:`fig_verify`: the held-out value of the top schemes beside the current (and
  shipped) schemes, with the paired 95% interval against the current one;
- :func:`fig_convergence`: the best feasible first objective found so far, by trial;
- :func:`fig_importance`: Optuna's parameter importance (PED-ANOVA) for the first
  objective.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import optuna
import pandas as pd

from ..compare.plotting import pyplot, to_png
from ..palette import OKABE_ITO
from .search import front, is_feasible

GREY = "#999999"
#: The share of the best candidates whose parameters the importance contrasts with all.
TOP_QUANTILE = 0.25
#: Completed candidates needed before an importance is estimated (a top quarter of one).
MIN_FOR_IMPORTANCE = 4


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
        ("on the front", OKABE_ITO["orange"], [t for t in done if t.number in on_front]),
    )
    for label, colour, trials in groups:
        if trials:
            x = [t.values[0] for t in trials]
            y = [t.values[1] for t in trials]
            size = 60 if label == "on the front" else 28
            ax.scatter(x, y, s=size, color=colour, label=label, alpha=0.85, edgecolor="white")
    if current is not None:
        ax.scatter(
            [current[names[0]]], [current[names[1]]], marker="*", s=180, color="black",
            label="current scheme",
        )  # fmt: skip
    ax.set_xlabel(f"{names[0]} (20th percentile over the search runs)")
    if names[0] == "value":
        ax.xaxis.set_major_formatter(_thousands)
    ax.set_ylabel(names[1])
    ax.legend(fontsize=8, frameon=False)
    return to_png(fig)


def fig_verify(table: pd.DataFrame) -> bytes:
    """Mean held-out value of each verified scheme, with the paired 95% interval of its
    difference to the current scheme drawn around the current scheme's mean plus that
    difference (orange).

    Parameters
    ----------
    table : pandas.DataFrame
        ``verify.csv``.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 0.7 + 0.38 * len(table)))
    y = np.arange(len(table))[::-1]
    colours = [
        "black"
        if s == "current"
        else (GREY if str(s).startswith("shipped:") else OKABE_ITO["blue"])
        for s in table["scheme"]
    ]
    ax.barh(y, table["value_mean"], color=colours)
    ax.set_yticks(y, table["scheme"])
    ax.set_xlabel("value, mean over the held-out runs (currency over the run)")
    ax.xaxis.set_major_formatter(_thousands)
    if "value_vs_current_low" in table and "current" in set(table["scheme"]):
        base = float(table.loc[table["scheme"] == "current", "value_mean"].iloc[0])
        for yi, (_, r) in zip(y, table.iterrows(), strict=True):
            lo, hi = r.get("value_vs_current_low"), r.get("value_vs_current_high")
            if pd.notna(lo) and pd.notna(hi):
                ax.plot([base + lo, base + hi], [yi, yi], color=OKABE_ITO["orange"], lw=2)
    return to_png(fig)


def _thousands(x: float, _pos: object = None) -> str:
    return f"{x:,.0f}"


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
    label = "best feasible so far"
    if not np.isfinite(best):
        label += " (no candidate met the constraints)"
    ax.step(x, line, where="post", color=OKABE_ITO["blue"], label=label)
    ax.set_xlabel("trial")
    ax.set_ylabel(name)
    if name == "value":
        ax.yaxis.set_major_formatter(_thousands)
    ax.legend(fontsize=8, frameon=False)
    return to_png(fig)


def importance(study: optuna.Study) -> dict[str, float]:
    """Optuna's PED-ANOVA parameter importance for the first objective: how much each
    parameter's distribution among the best :data:`TOP_QUANTILE` of the completed
    candidates differs from its distribution among all of them (what the winners have
    in common; it needs no scikit-learn, unlike fANOVA); empty with too few candidates.

    Parameters
    ----------
    study : optuna.Study
        The finished study.
    """
    if len(_done(study)) < MIN_FOR_IMPORTANCE:
        return {}
    evaluator = optuna.importance.PedAnovaImportanceEvaluator(target_quantile=TOP_QUANTILE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it reminds that it favours low targets: negated
        try:
            return optuna.importance.get_param_importances(
                study, evaluator=evaluator, target=lambda t: -t.values[0]
            )
        except (ValueError, RuntimeError, ImportError):
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
    ax.set_xlabel(f"importance for {name} (PED-ANOVA, top quarter vs all, normalised)")
    return to_png(fig)
