"""Phone visibility: what hiding the number does, against the evidence on forced
channel switches.

Arms, paired seeds (replication r uses seed r in every arm), a year by default:

* ``baseline`` (flat pay) at ``channels.phone_visibility`` visible / one_click / hidden:
  the channel policy is the only change;
* ``hidden_phone`` (deflection pay, number hidden) against ``baseline`` (the scenario's
  comparison) and against ``hidden_phone`` with the number visible (the scheme held).

For each contrast: the mean paired difference of retention, true CSAT, web containment,
customer effort and give-ups, with 95% t-intervals; and the retention loss the
evidence would predict for the customers who once looked for the number and could not
find it (``customers_missed_number_share``) if a forced channel switch makes a
customer "10% more disloyal" (CEB, as docs/calibration.md quotes it; a stated-intention
survey figure), read two ways: 10% more likely to churn than the comparison's churn
(``evidence_d_retention_rel`` = -0.10 x (1 - retention) x share), or 10 points more
likely to leave within the year (``evidence_d_retention_pts`` = -0.10 x share).

    python experiments/channel_visibility.py             # minutes, 2 cores
    python experiments/channel_visibility.py --quick     # seconds (tests)

Writes ``results/channel_visibility_runs.csv`` and ``channel_visibility.csv``.
"""

from __future__ import annotations

import pandas as pd
from _common import Sizes, base_parser, make_config, run_main, run_many, save_csv

from sim.stats import mean_ci

NAME = "channel_visibility"
VIS = "channels.phone_visibility"
OUTCOMES = (
    "retention",
    "csat_true",
    "web_containment",
    "customer_effort",
    "give_up_rate",
    "number_known_share",
    "customers_missed_number_share",
)
#: Relative rise in disloyalty of a customer forced to switch channel (CEB).
FORCED_SWITCH_DISLOYALTY = 0.10
#: (arm, scenario, values); the staffing keeps the default centre's ratio (185 + 22
#: agents for 500,000 customers) at the experiment's customer count.
ARMS = (
    ("visible", "baseline", {VIS: "visible"}),
    ("one_click", "baseline", {VIS: "one_click"}),
    ("hidden", "baseline", {VIS: "hidden"}),
    ("hidden_phone", "hidden_phone", {}),
    ("hidden_phone_number_visible", "hidden_phone", {VIS: "visible"}),
)
#: (contrast label, comparison arm, arm)
CONTRASTS = (
    ("one_click vs visible (flat pay)", "visible", "one_click"),
    ("hidden vs visible (flat pay)", "visible", "hidden"),
    ("hidden_phone vs baseline", "visible", "hidden_phone"),
    ("hidden_phone vs its number visible", "hidden_phone_number_visible", "hidden_phone"),
)


def staffing(customers: int) -> dict[str, int]:
    """Front-line and specialist headcount at the default centre's ratio."""
    return {
        "employees.n": max(1, round(185 * customers / 500_000)),
        "teams.specialists_n": max(1, round(22 * customers / 500_000)),
    }


def contrasts(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean paired differences (arm - comparison) with 95% t half-widths."""
    rows = []
    wide = runs.set_index(["arm", "seed"])
    for label, base, arm in CONTRASTS:
        a, b = wide.loc[base], wide.loc[arm]
        row: dict = {"contrast": label, "n_seeds": len(a)}
        for o in OUTCOMES:
            m, h = mean_ci(b[o] - a[o])
            row[f"d_{o}"], row[f"d_{o}_ci95"] = m, h
            row[f"{o}_comparison"] = float(a[o].mean())
            row[f"{o}_arm"] = float(b[o].mean())
        share = b["customers_missed_number_share"]
        rel = -FORCED_SWITCH_DISLOYALTY * (1.0 - a["retention"].to_numpy()) * share.to_numpy()
        row["evidence_d_retention_rel"] = float(rel.mean())
        row["evidence_d_retention_pts"] = float(-FORCED_SWITCH_DISLOYALTY * share.mean())
        rows.append(row)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the arms, write the runs and the contrasts, print the contrasts."""
    p = base_parser(__doc__.split("\n\n")[0])
    args = p.parse_args(argv)
    sizes = Sizes.pick(args.quick, customers=args.customers, days=args.days)
    staff = staffing(sizes.customers)
    if args.employees is not None:
        staff["employees.n"] = args.employees
    seeds = list(range(args.seeds or (2 if args.quick else 4)))
    configs, labels = [], []
    for arm, scenario, values in ARMS:
        for seed in seeds:
            size = {"customers.n": sizes.customers, "days": sizes.days, **staff}
            configs.append(make_config(scenario, {**size, **values, "seed": seed}))
            labels.append({"arm": arm, "seed": seed})
    rows = run_many(configs, jobs=args.jobs, desc=NAME)
    runs = pd.DataFrame(
        [
            {**lab, **{k: v for k, v in r.items() if k != "seed"}}
            for lab, r in zip(labels, rows, strict=True)
        ]
    )
    table = contrasts(runs)
    save_csv(runs, args.out / f"{NAME}_runs.csv")
    save_csv(table, args.out / f"{NAME}.csv")
    with pd.option_context("display.width", 200, "display.max_columns", 50):
        print(f"{sizes.customers:,} customers, {staff}, {sizes.days} days, seeds {seeds}")
        print(runs.groupby("arm")[list(OUTCOMES)].mean().round(4).to_string())
        cols = ["contrast"] + [f"d_{o}" for o in OUTCOMES[:5]]
        cols += ["evidence_d_retention_rel", "evidence_d_retention_pts"]
        print(table[cols].round(4).to_string(index=False))
    return 0


if __name__ == "__main__":
    run_main(main)
