"""Hidden phone number x customers' digital skill.

``channels.phone_visibility`` (visible/hidden) crossed with
``customers.digital_skill_mean`` (0.2 ... 0.8), on the ``baseline`` scenario (flat
pay, so the channel policy is the only change).  Outcomes per run: web containment
(share of web sessions not escalated), customer effort (mean effort score of a
contact, 0-1 scale of the model), true CSAT (top-2-box share), complaint rate (share
of contacts), retention (share of starting customers still active) and profit
(currency units over the horizon).  Means with 95% t-intervals over seeds.

    python experiments/hidden_phone_digital_skill.py            # a few minutes, 2 cores
    python experiments/hidden_phone_digital_skill.py --quick    # seconds (tests)

Writes ``results/hidden_phone_digital_skill.csv`` (one row per cell),
``hidden_phone_digital_skill_runs.csv`` and ``hidden_phone_digital_skill.png``.
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

NAME = "hidden_phone_digital_skill"
VIS = "channels.phone_visibility"
SKILL = "customers.digital_skill_mean"
#: (outcome, axis label with units, panel title)
PANELS = (
    ("web_containment", "share of web sessions", "Web containment (the web KPI)"),
    ("customer_effort", "mean effort score (0-1)", "Customer effort"),
    ("csat_true", "top-2-box share of all contacts", "True CSAT"),
    ("complaint_rate", "complaints per contact", "Complaint rate"),
    ("retention", "share of starting customers", "Retention"),
    ("profit", "currency units over the horizon", "Profit (true)"),
)


def main(argv: list[str] | None = None) -> int:
    """Run the 2 x skill grid, write the CSVs and the figure."""
    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="baseline", help="scenario to vary (default baseline)")
    args = p.parse_args(argv)
    use_agg()
    sizes = Sizes.pick(
        args.quick, customers=args.customers, employees=args.employees, days=args.days
    )
    skills = [0.2, 0.8] if args.quick else [round(float(x), 3) for x in np.linspace(0.2, 0.8, 5)]
    seeds = list(range(args.seeds or (2 if args.quick else 5)))
    points = [{VIS: vis, SKILL: s} for vis in ("visible", "hidden") for s in skills]
    outcomes = [c for c, _, _ in PANELS]
    runs = grid_table(args.scenario, points, seeds, sizes, jobs=args.jobs, desc=NAME)
    table = add_size_columns(summarise(runs, [VIS, SKILL], outcomes), sizes)
    save_csv(add_size_columns(runs, sizes), args.out / f"{NAME}_runs.csv")
    csv = save_csv(table, args.out / f"{NAME}.csv")
    png = save_figure(plot(table, sizes, args.scenario, len(seeds)), args.out / f"{NAME}.png")
    print(f"{NAME}: {len(runs)} runs -> {csv}, {png}")
    return 0


def plot(table, sizes: Sizes, scenario: str, n_seeds: int):
    """One panel per outcome: visible vs hidden number against digital skill."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(14, 7.5), sharex=True)
    for ax, (col, unit, title) in zip(axes.flat, PANELS, strict=True):
        for vis, color in (("visible", "C0"), ("hidden", "C3")):
            label = f"number {vis}"
            g = table[table[VIS] == vis].sort_values(SKILL)
            ax.plot(g[SKILL], g[f"{col}_mean"], "o-", color=color, label=label)
            ax.fill_between(g[SKILL], g[f"{col}_lo"], g[f"{col}_hi"], color=color, alpha=0.2)
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, title="bands: 95% interval", title_fontsize=7)
    for ax in axes[1]:
        ax.set_xlabel("customers' mean digital skill (customers.digital_skill_mean, 0-1)")
    fig.suptitle(
        f"Hiding the phone number x customers' digital skill (scenario {scenario})\n"
        f"{sizes.note()}, {n_seeds} seeds per point",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    run_main(main)
