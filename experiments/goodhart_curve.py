"""The Goodhart curve: the weight of handle time (AHT) in the bonus, from 0 to 1.

Scenario ``aht_pay`` (a bonus of ``scheme.bonus_share`` of salary, paid on AHT);
``scheme.kpis.aht.weight`` runs from 0 (no pay rides on AHT) to 1 (the whole bonus
does).  For each weight and seed: measured AHT (s), measured and true first-contact
resolution (shares), true CSAT (top-2-box share), profit (currency units over the
simulated horizon).  Means with 95% t-intervals over seeds.

    python experiments/goodhart_curve.py            # a few minutes on 2 cores
    python experiments/goodhart_curve.py --quick    # seconds (tests)

Writes ``results/goodhart_curve.csv`` (one row per weight), ``goodhart_curve_runs.csv``
(one row per run) and ``goodhart_curve.png``.
"""

from __future__ import annotations

import numpy as np
from _common import (  # experiments/ is on sys.path when run as a script
    Sizes,
    add_size_columns,
    base_parser,
    grid_table,
    run_main,
    save_csv,
    save_figure,
    summarise,
    use_agg,
)

NAME = "goodhart_curve"
OUTCOMES = ("aht_s", "fcr_measured", "fcr_true", "csat_true", "profit")
#: (outcome, axis label with units, panel title)
PANELS = (
    ("aht_s", "seconds", "Measured AHT (the paid KPI)"),
    ("fcr_true", "share of owned contacts", "First-contact resolution"),
    ("csat_true", "top-2-box share of all contacts", "True CSAT"),
    ("profit", "currency units over the horizon", "Profit (true)"),
)


def main(argv: list[str] | None = None) -> int:
    """Run the weight grid, write the CSVs and the figure."""
    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="aht_pay", help="scenario paying on AHT")
    p.add_argument("--bonus-share", type=float, default=None, help="scheme.bonus_share")
    p.add_argument("--points", type=int, default=None, help="weights from 0 to 1 (default 11)")
    args = p.parse_args(argv)
    use_agg()
    sizes = Sizes.pick(
        args.quick, customers=args.customers, employees=args.employees, days=args.days
    )
    n_points = args.points or (3 if args.quick else 11)
    seeds = range(args.seeds or (2 if args.quick else 8))
    weights = [round(float(w), 4) for w in np.linspace(0.0, 1.0, n_points)]
    extra = {} if args.bonus_share is None else {"scheme.bonus_share": args.bonus_share}
    points = [{"scheme.kpis.aht.weight": w, **extra} for w in weights]
    runs = grid_table(args.scenario, points, list(seeds), sizes, jobs=args.jobs, desc=NAME)
    table = summarise(runs, ["scheme.kpis.aht.weight"], OUTCOMES)
    table = add_size_columns(table, sizes)
    out = args.out
    save_csv(add_size_columns(runs, sizes), out / f"{NAME}_runs.csv")
    csv = save_csv(table, out / f"{NAME}.csv")
    fig = plot(table, sizes, args.scenario, len(seeds))
    png = save_figure(fig, out / f"{NAME}.png")
    print(f"{NAME}: {len(runs)} runs -> {csv}, {png}")
    return 0


def plot(table, sizes: Sizes, scenario: str, n_seeds: int):
    """Four panels against the AHT weight, with 95% intervals over seeds."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True)
    w = table["scheme.kpis.aht.weight"]
    for ax, (col, unit, title) in zip(axes.flat, PANELS, strict=True):
        m, lo, hi = table[f"{col}_mean"], table[f"{col}_lo"], table[f"{col}_hi"]
        label = {"aht_s": "measured AHT", "fcr_true": "true FCR", "csat_true": "true CSAT"}.get(
            col, col
        )
        ax.plot(w, m, "o-", color="C0", label=f"{label} (mean)")
        ax.fill_between(w, lo, hi, color="C0", alpha=0.25, label="95% interval over seeds")
        if col == "fcr_true":
            mm = table["fcr_measured_mean"]
            ax.plot(w, mm, "s--", color="C3", label="measured FCR (dashboard)")
            ax.fill_between(
                w, table["fcr_measured_lo"], table["fcr_measured_hi"], color="C3", alpha=0.15
            )
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    for ax in axes[1]:
        ax.set_xlabel("weight of AHT in the bonus (scheme.kpis.aht.weight)")
    fig.suptitle(
        f"Goodhart curve: paying on handle time (scenario {scenario})\n"
        f"{sizes.note()}, {n_seeds} seeds per point; bands: 95% t-intervals",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    run_main(main)
