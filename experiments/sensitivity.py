"""Global sensitivity analysis: Morris screening, then Sobol on the few that matter.

Inputs: behavioural parameters (how employees weigh pay, integrity and intrinsic
motivation, how fast they learn and imitate) and scheme parameters (audit rate, bonus
share), each over the range in :data:`PARAMETERS`.  Outcomes: ``profit`` (currency
units over the horizon), ``csat_true`` (top-2-box share), ``gaming_rate`` (share of
answered calls with a gaming act), ``retention`` (share of starting customers).

1. Morris elementary effects (SALib, ``r`` trajectories, 4 levels): ``mu*`` (mean
   absolute effect of moving a parameter across its range, in the outcome's units) and
   ``sigma`` (interactions / non-linearity).
2. The ``k`` parameters with the largest ``mu*`` (each outcome's ``mu*`` divided by its
   largest, then the maximum over outcomes) go to a Sobol analysis (Saltelli sampling,
   first-order ``S1`` and total ``ST`` indices with bootstrap 95% intervals); the other
   parameters stay at the scenario's values.

All runs share one seed (common random numbers), so the indices measure the effect of
the parameters, not of the noise between seeds.  Default horizon: 126 working days
(half a year) to keep the ~260 runs within a few minutes on 2 cores.

    python experiments/sensitivity.py            # a few minutes on 2 cores
    python experiments/sensitivity.py --quick    # seconds (tests)

Writes ``results/sensitivity.csv`` (every index), ``sensitivity_runs.csv`` and the
figures ``sensitivity_morris.png`` and ``sensitivity_sobol.png``.
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
    run_main,
    run_many,
    save_csv,
    save_figure,
    use_agg,
)

NAME = "sensitivity"
#: parameter -> (low, high): the range explored.
PARAMETERS: dict[str, tuple[float, float]] = {
    "behavior.pay_weight": (0.25, 3.0),
    "behavior.integrity_weight": (0.0, 0.6),
    "behavior.intrinsic_weight": (0.0, 1.0),
    "behavior.learning_step": (0.02, 0.2),
    "behavior.imitation_rate": (0.0, 0.6),
    "scheme.audit_rate": (0.0, 0.2),
    "scheme.bonus_share": (0.0, 0.3),
    "employees.integrity_mean": (0.2, 0.9),
    "employees.intrinsic_motivation_mean": (0.2, 0.9),
}
OUTCOMES = ("profit", "csat_true", "gaming_rate", "retention")
UNITS = {
    "profit": "currency units",
    "csat_true": "share",
    "gaming_rate": "share of answered calls",
    "retention": "share of customers",
}


def evaluate(
    scenario: str,
    names: list[str],
    X: np.ndarray,
    sizes: Sizes,
    seed: int,
    jobs: int,
    desc: str,
) -> pd.DataFrame:
    """Run one simulation per row of ``X``; the table of inputs and outcomes."""
    configs = [
        make_config(
            scenario,
            {**sizes.overrides(), "seed": seed, **dict(zip(names, map(float, x), strict=True))},
        )
        for x in X
    ]
    rows = run_many(configs, jobs=jobs, desc=desc)
    df = pd.DataFrame(X, columns=names)
    for o in OUTCOMES:
        df[o] = [r.get(o) for r in rows]
    return df


def _outputs(df: pd.DataFrame) -> np.ndarray:
    Y = df[list(OUTCOMES)].astype(float).to_numpy()
    bad = ~np.isfinite(Y)
    if bad.any():  # an undefined rate (no calls) would poison every index
        col_means = np.nanmean(np.where(bad, np.nan, Y), axis=0)
        Y = np.where(bad, col_means, Y)
    return Y


def screen(sp_results: dict[str, Any], names: list[str], k: int) -> list[str]:
    """The ``k`` parameters with the largest normalised ``mu*`` over the outcomes."""
    score = np.zeros(len(names))
    for o in OUTCOMES:
        mu = np.asarray(sp_results[o]["mu_star"], dtype=float)
        top = np.nanmax(mu) if np.isfinite(mu).any() else 0.0
        if top > 0:
            score = np.maximum(score, np.nan_to_num(mu / top))
    order = np.argsort(-score, kind="stable")
    return [names[i] for i in order[:k]]


def main(argv: list[str] | None = None) -> int:
    """Morris on every parameter, Sobol on the top ``k``; CSVs and figures."""
    from SALib import ProblemSpec

    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument(
        "--scenario",
        default="fcr_self_coded",
        help="scenario (default: fcr_self_coded, where pay, gaming and audits all play)",
    )
    p.add_argument("--trajectories", type=int, default=None, help="Morris r (default 10)")
    p.add_argument(
        "--sobol-n", type=int, default=None, help="Sobol base N, a power of 2 (default 32)"
    )
    p.add_argument("--sobol-k", type=int, default=3, help="parameters kept for Sobol")
    p.add_argument("--seed", type=int, default=0, help="the common seed of every run")
    args = p.parse_args(argv)
    use_agg()
    sizes = Sizes.pick(
        args.quick,
        customers=args.customers,
        employees=args.employees,
        days=args.days if args.days else (None if args.quick else 126),
    )
    r = args.trajectories or (2 if args.quick else 10)
    n = args.sobol_n or (2 if args.quick else 32)
    if n & (n - 1):
        p.error(f"--sobol-n {n} must be a power of 2")
    names = list(PARAMETERS)
    bounds = [list(PARAMETERS[k]) for k in names]

    morris = ProblemSpec({"names": names, "bounds": bounds, "outputs": list(OUTCOMES)})
    morris.sample_morris(r, num_levels=4, seed=args.seed)
    m_runs = evaluate(args.scenario, names, morris.samples, sizes, args.seed, args.jobs, "morris")
    morris.set_results(_outputs(m_runs))
    np.seterr(divide="ignore", invalid="ignore")  # constant outputs in --quick runs
    morris.analyze_morris(num_levels=4, seed=args.seed, print_to_console=False)
    keep = screen(morris.analysis, names, args.sobol_k)

    sobol = ProblemSpec(
        {
            "names": keep,
            "bounds": [list(PARAMETERS[k]) for k in keep],
            "outputs": list(OUTCOMES),
        }
    )
    sobol.sample_sobol(n, calc_second_order=False, seed=args.seed)
    s_runs = evaluate(args.scenario, keep, sobol.samples, sizes, args.seed, args.jobs, "sobol")
    sobol.set_results(_outputs(s_runs))
    sobol.analyze_sobol(calc_second_order=False, seed=args.seed, print_to_console=False)

    table = indices_table(morris.analysis, sobol.analysis, names, keep)
    table = add_size_columns(table, sizes)
    table["scenario_name"] = args.scenario
    m_runs.insert(0, "stage", "morris")
    s_runs.insert(0, "stage", "sobol")
    runs = add_size_columns(pd.concat([m_runs, s_runs], ignore_index=True), sizes)
    save_csv(runs, args.out / f"{NAME}_runs.csv")
    csv = save_csv(table, args.out / f"{NAME}.csv")
    title = f"scenario {args.scenario}; {sizes.note()}; common seed {args.seed}"
    f1 = save_figure(plot_morris(table, title, r, len(m_runs)), args.out / f"{NAME}_morris.png")
    f2 = save_figure(plot_sobol(table, title, n, len(s_runs)), args.out / f"{NAME}_sobol.png")
    print(f"{NAME}: {len(runs)} runs; Sobol on {', '.join(keep)} -> {csv}, {f1}, {f2}")
    return 0


def indices_table(
    morris: dict[str, Any], sobol: dict[str, Any], names: list[str], keep: list[str]
) -> pd.DataFrame:
    """Long table: method, outcome, parameter, index, value, conf (95% half-width)."""
    rows = []
    for o in OUTCOMES:
        res = morris[o]
        for i, name in enumerate(names):
            rows.append(("morris", o, name, "mu_star", res["mu_star"][i], res["mu_star_conf"][i]))
            rows.append(("morris", o, name, "sigma", res["sigma"][i], float("nan")))
        res = sobol[o]
        for i, name in enumerate(keep):
            rows.append(("sobol", o, name, "S1", res["S1"][i], res["S1_conf"][i]))
            rows.append(("sobol", o, name, "ST", res["ST"][i], res["ST_conf"][i]))
    cols = ["method", "outcome", "parameter", "index", "value", "conf95"]
    df = pd.DataFrame(rows, columns=cols)
    df["value"] = df["value"].astype(float)
    df["conf95"] = df["conf95"].astype(float)
    return df


def plot_morris(table: pd.DataFrame, subtitle: str, r: int, n_runs: int):
    """mu* per parameter and outcome (bars, 95% bootstrap intervals)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(16, 5), sharey=True)
    t = table[(table["method"] == "morris") & (table["index"] == "mu_star")]
    params = list(PARAMETERS)
    for ax, o in zip(axes, OUTCOMES, strict=True):
        g = t[t["outcome"] == o].set_index("parameter").loc[params]
        ax.barh(
            range(len(params)), g["value"], xerr=g["conf95"], color="C0", label="mu* (95% interval)"
        )
        ax.set_yticks(range(len(params)), params, fontsize=8)
        ax.set_title(o)
        ax.set_xlabel(f"mu*: mean |elementary effect| ({UNITS[o]})", fontsize=8)
        ax.grid(alpha=0.3, axis="x")
        ax.legend(fontsize=7, loc="lower right")
    axes[0].invert_yaxis()
    fig.suptitle(f"Morris screening ({r} trajectories, {n_runs} runs)\n{subtitle}", fontsize=11)
    fig.tight_layout()
    return fig


def plot_sobol(table: pd.DataFrame, subtitle: str, n: int, n_runs: int):
    """First-order and total Sobol indices of the kept parameters, per outcome."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(16, 4.8), sharey=True)
    t = table[table["method"] == "sobol"]
    for ax, o in zip(axes, OUTCOMES, strict=True):
        g = t[t["outcome"] == o]
        params = list(dict.fromkeys(g["parameter"]))
        x = np.arange(len(params))
        for j, (idx, color) in enumerate((("S1", "C0"), ("ST", "C1"))):
            h = g[g["index"] == idx].set_index("parameter").loc[params]
            ax.bar(
                x + (j - 0.5) * 0.38,
                h["value"],
                0.38,
                yerr=h["conf95"],
                color=color,
                label=f"{idx} ({'first order' if idx == 'S1' else 'total'})",
                capsize=3,
            )
        ax.set_xticks(x, [p.split(".")[-1] for p in params], rotation=20, fontsize=8)
        ax.set_title(o)
        ax.axhline(0, color="k", lw=0.5)
        ax.grid(alpha=0.3, axis="y")
        ax.legend(fontsize=7)
    axes[0].set_ylabel("share of output variance (Sobol index, 95% bootstrap interval)")
    fig.suptitle(f"Sobol indices (base N={n}, {n_runs} runs)\n{subtitle}", fontsize=11)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    run_main(main)
