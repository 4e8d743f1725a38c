"""Incentive design search: which scheme maximises true profit without losing customers?

Optuna's TPE sampler (seeded, one trial at a time, so the search is reproducible)
proposes a scheme on top of the ``balanced_scorecard`` scenario: the weights of AHT,
FCR, CSAT and quality (each drawn in [0, 1], then scaled to sum to 1), the bonus share
of salary (0-0.3), the team share of the bonus (0-1) and the audit rate (0-0.1).  Each
trial runs the same seeds (common random numbers).  Objective: mean true ``profit``
(currency units over the horizon).  Constraint: mean ``retention`` (share of starting
customers still active) must not fall below the flat-pay ``baseline`` scenario's on
the same seeds (minus ``--retention-tolerance``, default 0).

    python experiments/scheme_search.py            # a few minutes on 2 cores
    python experiments/scheme_search.py --quick    # seconds (tests)

Writes ``results/scheme_search.csv`` (one row per trial), ``scheme_search.png`` and
``scheme_search_best.txt`` (the best feasible scheme as a ``kpisim run`` command).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from _common import (  # experiments/ is on sys.path when run as a script
    Sizes,
    add_size_columns,
    base_parser,
    make_config,
    mean_ci,
    run_main,
    run_many,
    save_csv,
    save_figure,
    use_agg,
)

NAME = "scheme_search"
KPIS = ("aht", "fcr", "csat", "quality")
#: continuous scheme knobs searched, with their ranges
KNOBS: dict[str, tuple[float, float]] = {
    "scheme.bonus_share": (0.0, 0.3),
    "scheme.team_share": (0.0, 1.0),
    "scheme.audit_rate": (0.0, 0.1),
}


def scheme_values(raw: dict[str, float]) -> dict[str, float]:
    """Trial parameters -> config values (KPI weights scaled to sum to 1)."""
    w = np.array([raw[f"w_{k}"] for k in KPIS], dtype=float)
    w = w / w.sum() if w.sum() > 0 else w
    out = {f"scheme.kpis.{k}.weight": round(float(x), 4) for k, x in zip(KPIS, w, strict=True)}
    # rounding may push the sum a hair over 1: give the excess back to the largest
    excess = sum(out.values()) - 1.0
    if excess > 0:
        top = max(out, key=out.get)  # type: ignore[arg-type]
        out[top] = round(out[top] - excess, 4)
    for key in KNOBS:
        out[key] = round(float(raw[key]), 4)
    return out


def evaluate(
    scenario: str, values: dict[str, Any], seeds: list[int], sizes: Sizes, jobs: int
) -> dict[str, float]:
    """Mean profit and retention (and their 95% half-widths) over ``seeds``."""
    configs = [make_config(scenario, {**sizes.overrides(), **values, "seed": s}) for s in seeds]
    rows = run_many(configs, jobs=jobs, desc="seeds")
    out: dict[str, float] = {}
    for o in ("profit", "retention", "csat_true", "gaming_rate"):
        out[f"{o}_mean"], out[f"{o}_ci95"] = mean_ci([r[o] for r in rows])
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the search; write the trials, the figure and the best scheme."""
    import optuna

    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="balanced_scorecard", help="scheme template")
    p.add_argument("--baseline", default="baseline", help="reference scenario (flat pay)")
    p.add_argument("--trials", type=int, default=None, help="Optuna trials (default 25)")
    p.add_argument("--sampler-seed", type=int, default=0, help="seed of the TPE sampler")
    p.add_argument(
        "--retention-tolerance",
        type=float,
        default=0.0,
        help="allowed retention shortfall vs the baseline (share, default 0)",
    )
    args = p.parse_args(argv)
    use_agg()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sizes = Sizes.pick(
        args.quick, customers=args.customers, employees=args.employees, days=args.days
    )
    seeds = list(range(args.seeds or (2 if args.quick else 4)))
    n_trials = args.trials or (3 if args.quick else 25)
    base = evaluate(args.baseline, {}, seeds, sizes, args.jobs)
    floor = base["retention_mean"] - args.retention_tolerance
    records: list[dict[str, Any]] = []

    def objective(trial: optuna.Trial) -> float:
        raw = {f"w_{k}": trial.suggest_float(f"w_{k}", 0.0, 1.0) for k in KPIS}
        raw.update({k: trial.suggest_float(k, lo, hi) for k, (lo, hi) in KNOBS.items()})
        values = scheme_values(raw)
        res = evaluate(args.scenario, values, seeds, sizes, args.jobs)
        shortfall = floor - res["retention_mean"]  # <= 0: feasible
        trial.set_constraint("retention_shortfall", shortfall)
        records.append(
            {
                "trial": trial.number,
                **values,
                **res,
                "retention_floor": floor,
                "feasible": shortfall <= 0,
            }
        )
        return res["profit_mean"]

    sampler = optuna.samplers.TPESampler(seed=args.sampler_seed, n_startup_trials=min(10, n_trials))
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(objective, n_trials=n_trials)
    trials = pd.DataFrame(records)
    trials["baseline_profit_mean"] = base["profit_mean"]
    trials["baseline_retention_mean"] = base["retention_mean"]
    trials = add_size_columns(trials, sizes)
    trials["n_seeds"] = len(seeds)
    csv = save_csv(trials, args.out / f"{NAME}.csv")
    best = best_feasible(trials)
    note = f"{sizes.note()}, {len(seeds)} seeds per trial (common random numbers)"
    png = save_figure(plot(trials, base, best, note, args.scenario), args.out / f"{NAME}.png")
    txt = write_best(args.out / f"{NAME}_best.txt", best, base, args.scenario, note)
    print(f"{NAME}: {n_trials} trials -> {csv}, {png}, {txt}")
    return 0


def best_feasible(trials: pd.DataFrame) -> pd.Series | None:
    """The feasible trial with the highest mean profit (None if none is feasible)."""
    ok = trials[trials["feasible"]]
    return None if ok.empty else ok.loc[ok["profit_mean"].idxmax()]


def write_best(path, best: pd.Series | None, base: dict[str, float], scenario: str, note: str):
    """The best feasible scheme as a reproducible command, with its numbers."""
    from sim.outputs import atomic_write_text

    path.parent.mkdir(parents=True, exist_ok=True)
    if best is None:
        text = (
            f"No trial kept retention at the baseline's ({base['retention_mean']:.4f}).\n({note})\n"
        )
    else:
        keys = [f"scheme.kpis.{k}.weight" for k in KPIS] + list(KNOBS)
        ov = " ".join(f"{k}={best[k]:g}" for k in keys)
        text = (
            f"# best feasible scheme of trial {int(best['trial'])} ({note})\n"
            f"# profit {best['profit_mean']:.6g} +/- {best['profit_ci95']:.3g} (baseline "
            f"{base['profit_mean']:.6g}); retention {best['retention_mean']:.4f} (baseline "
            f"{base['retention_mean']:.4f})\n"
            + (
                ""
                if best["profit_mean"] > base["profit_mean"]
                else "# flat pay (the baseline) made more profit than every feasible scheme tried\n"
            )
            + f"kpisim run scenario={scenario} {ov}\n"
        )
    atomic_write_text(path, text)
    return path


def plot(
    trials: pd.DataFrame, base: dict[str, float], best: pd.Series | None, note: str, scenario: str
):
    """Search history (profit per trial, best feasible so far) and profit vs retention."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    feas = trials["feasible"].to_numpy(bool)
    t = trials["trial"]
    ax1.errorbar(
        t[feas],
        trials["profit_mean"][feas],
        yerr=trials["profit_ci95"][feas],
        fmt="o",
        color="C2",
        label="feasible trial (95% interval)",
    )
    ax1.plot(
        t[~feas], trials["profit_mean"][~feas], "x", color="C3", label="retention below baseline"
    )
    best_so_far = np.maximum.accumulate(np.where(feas, trials["profit_mean"], -np.inf))
    ok = np.isfinite(best_so_far)
    ax1.step(t[ok], best_so_far[ok], where="post", color="k", label="best feasible so far")
    ax1.axhline(base["profit_mean"], color="C7", ls="--", label="baseline (flat pay)")
    ax1.set_xlabel("trial")
    ax1.set_ylabel("mean true profit (currency units over the horizon)")
    ax1.set_title("Search history")
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    ax2.scatter(
        trials["retention_mean"][feas], trials["profit_mean"][feas], color="C2", label="feasible"
    )
    ax2.scatter(
        trials["retention_mean"][~feas],
        trials["profit_mean"][~feas],
        color="C3",
        marker="x",
        label="infeasible",
    )
    ax2.axvline(
        trials["retention_floor"].iloc[0], color="C7", ls="--", label="retention floor (baseline)"
    )
    ax2.scatter(
        [base["retention_mean"]],
        [base["profit_mean"]],
        color="C7",
        marker="s",
        s=60,
        label="baseline (flat pay)",
    )
    if best is not None:
        ax2.scatter(
            [best["retention_mean"]],
            [best["profit_mean"]],
            color="gold",
            edgecolor="k",
            marker="*",
            s=250,
            label="best feasible scheme",
        )
    ax2.set_xlabel("mean retention (share of starting customers)")
    ax2.set_ylabel("mean true profit (currency units over the horizon)")
    ax2.set_title("Profit vs retention of every trial")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    fig.suptitle(f"Scheme search with Optuna TPE on scenario {scenario}\n{note}", fontsize=11)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    run_main(main)
