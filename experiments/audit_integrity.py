"""Audit rate x employee integrity -> gaming.

Scenario ``fcr_self_coded`` (the bonus rides on agents' own disposition codes), with
``scheme.audit_rate`` (share of contacts quality-audited, 0-0.2) crossed with
``employees.integrity_mean`` (mean integrity trait, 0-1).  Outcomes: ``gaming_rate``
(share of answered calls with at least one gaming act), ``false_resolution_rate``
(share of owned contacts coded resolved but not resolved) and ``fcr_gap`` (measured
minus true FCR, share points).  Means with 95% t-intervals over seeds.

    python experiments/audit_integrity.py            # a few minutes on 2 cores
    python experiments/audit_integrity.py --quick    # seconds (tests)

Writes ``results/audit_integrity.csv`` (one row per cell), ``audit_integrity_runs.csv``
and ``audit_integrity.png`` (heat map and curves).
"""

from __future__ import annotations

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

NAME = "audit_integrity"
AUDIT = "scheme.audit_rate"
INTEGRITY = "employees.integrity_mean"
OUTCOMES = ("gaming_rate", "false_resolution_rate", "fcr_gap")


def main(argv: list[str] | None = None) -> int:
    """Run the audit x integrity grid, write the CSVs and the figure."""
    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="fcr_self_coded", help="scenario (self-coded FCR)")
    args = p.parse_args(argv)
    use_agg()
    sizes = Sizes.pick(
        args.quick, customers=args.customers, employees=args.employees, days=args.days
    )
    audits = [0.0, 0.2] if args.quick else [0.0, 0.02, 0.05, 0.1, 0.2]
    integrities = [0.3, 0.9] if args.quick else [0.3, 0.5, 0.7, 0.9]
    seeds = list(range(args.seeds or (2 if args.quick else 4)))
    points = [{AUDIT: a, INTEGRITY: i} for a in audits for i in integrities]
    runs = grid_table(args.scenario, points, seeds, sizes, jobs=args.jobs, desc=NAME)
    table = add_size_columns(summarise(runs, [AUDIT, INTEGRITY], OUTCOMES), sizes)
    save_csv(add_size_columns(runs, sizes), args.out / f"{NAME}_runs.csv")
    csv = save_csv(table, args.out / f"{NAME}.csv")
    png = save_figure(plot(table, sizes, args.scenario, len(seeds)), args.out / f"{NAME}.png")
    print(f"{NAME}: {len(runs)} runs -> {csv}, {png}")
    return 0


def plot(table, sizes: Sizes, scenario: str, n_seeds: int):
    """Heat map of the mean gaming rate, and gaming-rate curves with intervals."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5.2))
    pivot = table.pivot(index=INTEGRITY, columns=AUDIT, values="gaming_rate_mean")
    im = ax1.imshow(pivot.to_numpy(), origin="lower", aspect="auto", cmap="Reds")
    ax1.set_xticks(range(len(pivot.columns)), [f"{a:g}" for a in pivot.columns])
    ax1.set_yticks(range(len(pivot.index)), [f"{i:g}" for i in pivot.index])
    for (r, c), v in zip(
        [(r, c) for r in range(pivot.shape[0]) for c in range(pivot.shape[1])],
        pivot.to_numpy().ravel(),
        strict=True,
    ):
        ax1.text(c, r, f"{v:.3f}", ha="center", va="center", fontsize=8)
    ax1.set_xlabel("audit rate (scheme.audit_rate, share of contacts audited)")
    ax1.set_ylabel("mean employee integrity (employees.integrity_mean, 0-1)")
    ax1.set_title("Mean gaming rate (share of answered calls)")
    fig.colorbar(im, ax=ax1, label="gaming rate (share of answered calls)")
    for k, (integ, g) in enumerate(table.groupby(INTEGRITY)):
        g = g.sort_values(AUDIT)
        ax2.plot(g[AUDIT], g["gaming_rate_mean"], "o-", color=f"C{k}", label=f"integrity {integ:g}")
        ax2.fill_between(
            g[AUDIT], g["gaming_rate_lo"], g["gaming_rate_hi"], color=f"C{k}", alpha=0.2
        )
    ax2.set_xlabel("audit rate (share of contacts audited)")
    ax2.set_ylabel("gaming rate (share of answered calls)")
    ax2.set_title("Gaming rate vs audit rate (bands: 95% interval over seeds)")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    fig.suptitle(
        f"Audits x integrity -> gaming (scenario {scenario})\n"
        f"{sizes.note()}, {n_seeds} seeds per cell",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    run_main(main)
