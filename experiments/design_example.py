"""The worked example of docs/design.md: run it, time it, and write its figures into the
page between the markers ``<!-- design-example:start -->`` and ``<!-- design-example:end -->``.

    python experiments/design_example.py                 # run both designs, then write
    python experiments/design_example.py --render DIR    # write from a finished folder
    python experiments/design_example.py --only-dashboard  # re-run the dashboard design

The first design is the one the documentation times (``kpisim design current=aht_pay
budget=200`` at the reduced size below); the second, ``objective=dashboard`` into the
same folder, gives the Goodhart demonstration.  Each command runs as a user would start
it (its own process, ``nice -n 10``: other jobs may share the cores); its wall time,
this machine's cores and the load average before and after are stored in
``DIR/example.json`` and quoted.  Every figure and sentence of the block is computed
from ``front.csv``, ``verify.csv`` (and their ``_dashboard`` twins) and that file:
nothing is typed by hand, so after a model change the lead re-runs this script.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "design.md"
START, END = "<!-- design-example:start -->", "<!-- design-example:end -->"
#: The reduced size: 100,000 customers, 37 agents and 4 specialists (the default
#: centre's staffing ratio), 126 working days (six 21-day pay periods), two search
#: worlds and one search seed per candidate, two held-out worlds and two held-out seeds.
SIZE = ["days=126", "customers.n=100000", "employees.n=37", "teams.specialists_n=4"]
COMMON = ["current=aht_pay", "worlds=2", "held_out=2", "jobs=2", "seed=1"]
VALUE = ["budget=200", *COMMON, "shipped=true"]
DASHBOARD_BUDGET = 40
#: The dashboard design sees only what a dashboard shows: the toxic signs and SMART's
#: run-based criteria are read from the true ledger (gaming, true outcomes), which a
#: manager tuning the dashboard does not have, so that design drops those two
#: constraints and keeps the observable ones (bonus budget, service level).
DASHBOARD_LIMITS = ["toxic=false", "smart=false"]


def commands(out: Path, dashboard_budget: int) -> list[list[str]]:
    """The example's two ``kpisim design`` commands (value, then dashboard)."""
    dash = [f"budget={dashboard_budget}", *COMMON, "objective=dashboard", *DASHBOARD_LIMITS]
    return [
        ["kpisim", "design", *VALUE, f"out={out}", *SIZE],
        ["kpisim", "design", *dash, f"out={out}", *SIZE],
    ]


def _forget_dashboard(out: Path) -> None:
    """Remove the dashboard design from ``out`` (its study and files), so that it runs
    again from scratch; the value design is kept."""
    import optuna

    db = out / "design.db"
    if db.exists():
        storage = f"sqlite:///{db}"
        if "design_dashboard" in optuna.get_all_study_names(storage):
            optuna.delete_study(study_name="design_dashboard", storage=storage)
    for f in [*out.glob("scheme_dashboard_*.yaml"), *out.glob("*_dashboard.*")]:
        f.unlink()
    for f in out.glob("design_dashboard.*"):
        f.unlink()


def run(out: Path, dashboard_budget: int, only_dashboard: bool = False) -> None:
    """Run both commands (timed, at low priority) and store ``out/example.json``; with
    ``only_dashboard`` re-run the dashboard design alone and keep the value design's
    folder and timing."""
    cmds = commands(out, dashboard_budget)
    timings: list[dict] = []
    if only_dashboard:
        _forget_dashboard(out)
        timings = json.loads((out / "example.json").read_text(encoding="utf-8"))["runs"][:1]
        cmds = cmds[1:]
    for cmd in cmds:
        load = os.getloadavg()[0]
        t0 = time.monotonic()
        c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        argv = ["nice", "-n", "10", sys.executable, "-m", "sim.cli", *cmd[1:]]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        subprocess.run(argv, cwd=ROOT, env=env, check=True)
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
        timings.append(
            {
                "command": shlex.join(cmd),
                "seconds": round(time.monotonic() - t0),
                "cpu_seconds": round(cpu),
                "load_before": round(load, 1),
                "load_after": round(os.getloadavg()[0], 1),
            }
        )
    info = {"cores": os.cpu_count(), "date": time.strftime("%Y-%m-%d"), "runs": timings}
    (out / "example.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")


def _money(x: float) -> str:
    return f"{x:,.0f}".replace("-", "−")


def _signed(x: float) -> str:
    return ("+" if x >= 0 else "−") + f"{abs(x):,.0f}"


def _minutes(s: float) -> str:
    return f"{int(s // 60)} min {int(s % 60)} s"


def _during(r: dict) -> str:
    """The mean load average while the command ran, when it was logged."""
    return f", {r['load_mean']} on average while it ran" if "load_mean" in r else ""


def _verify_table(v: pd.DataFrame) -> list[str]:
    rows = [
        "| scheme | value (mean) | vs aht_pay [95% interval] | true CSAT | morale "
        "| runs lighting a toxic sign | constraints met |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in v.itertuples():
        diff = ""
        if not (isinstance(r.value_vs_current, float) and math.isnan(r.value_vs_current)):
            diff = (
                f"{_signed(r.value_vs_current)} [{_signed(r.value_vs_current_low)}, "
                f"{_signed(r.value_vs_current_high)}]"
            )
        name = "current (aht_pay)" if r.scheme == "current" else r.scheme.replace(":", ": ")
        rows.append(
            f"| {name} | {_money(r.value_mean)} | {diff} | {r.true_outcome_mean:.3f} "
            f"| {r.staff_mean:.3f} | {r.signs_lit_share:.2f} | {'yes' if r.feasible else 'no'} |"
        )
    return rows


def _front_table(f: pd.DataFrame) -> list[str]:
    rows = [
        "| rank | trial | value | true CSAT | morale | service (≤ 0 met) | toxic | SMART failed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in f.itertuples():
        name = "current (aht_pay)" if str(r.rank) == "current" else str(r.rank)
        trial = "" if str(r.rank) == "current" else str(int(r.trial))
        rows.append(
            f"| {name} | {trial} | {_money(r.value)} | {r.true_outcome:.3f} | {r.staff:.3f} "
            f"| {r.constraint_service:+.3f} | {r.constraint_toxic:.1f} "
            f"| {int(r.constraint_smart)} |"
        )
    return rows


def _sentences(v: pd.DataFrame) -> list[str]:
    """What the held-out verification says about the first scheme, computed."""
    best = v[v.scheme == "scheme_1"].iloc[0]
    cur = v[v.scheme == "current"].iloc[0]
    shipped = v[v.scheme.str.startswith("shipped:") & (v.scheme != "shipped:aht_pay")]
    above = shipped[shipped.value_mean >= best.value_mean].scheme.str[8:].tolist()
    out = []
    lead = (
        f"- scheme_1 against aht_pay, the current scheme, on the held-out runs: "
        f"{_signed(best.value_vs_current)} in value, 95% interval "
        f"[{_signed(best.value_vs_current_low)}, {_signed(best.value_vs_current_high)}] "
    )
    lead += (
        "(above zero)."
        if best.value_vs_current_low > 0
        else "(not above zero: not shown to be better)."
    )
    out.append(lead)
    if above:
        out.append(
            f"- scheme_1 does **not** beat every shipped scheme: {', '.join(above)} "
            "had a held-out mean value at least as high (the design verifies the shipped "
            "schemes beside it, but compares each with the current scheme only)."
        )
    elif len(shipped):
        out.append(
            f"- scheme_1's held-out mean value is above every shipped scheme's "
            f"({len(shipped)} besides aht_pay); its interval is against aht_pay only."
        )
    out.append(
        f"- Constraints: scheme_1 {'meets' if best.feasible else 'does not meet'} the "
        f"leader's constraints on the held-out runs (SMART failed: "
        f"{best.smart_failed if isinstance(best.smart_failed, str) else 'none'}); "
        f"{int(v.feasible.sum())} of the {len(v)} verified schemes meet them."
    )
    out.append(
        f"- The winner's curse: scheme_1's value was {_money(best.search_value)} on the "
        f"search set (20th percentile) and {_money(best.value)} held out "
        f"(`curse_value` {_signed(best.curse_value)}; aht_pay's changed by "
        f"{_signed(-cur.curse_value)} between the same sets: the worlds differ); "
        f"against aht_pay in the same worlds the search set "
        f"{'overstated' if best.curse_value_vs_current > 0 else 'understated'} its lead by "
        f"{_money(abs(best.curse_value_vs_current))} (`curse_value_vs_current` "
        f"{_signed(best.curse_value_vs_current)})."
    )
    return out


def _goodhart(out: Path) -> list[str]:
    vd = out / "verify_dashboard.csv"
    if not vd.is_file():
        return []
    v = pd.read_csv(out / "verify.csv")
    d = pd.read_csv(vd)
    a, b = v[v.scheme == "scheme_1"].iloc[0], d[d.scheme == "scheme_dashboard_1"].iloc[0]
    looks = "at least as good" if b.dashboard_mean >= a.dashboard_mean else "worse"
    worse = [
        n for n, k in (("value", "value_mean"), ("true CSAT", "true_outcome_mean")) if b[k] < a[k]
    ]
    verdict = (
        f"worse on {' and '.join(worse)}"
        if worse
        else "not worse on value or true CSAT (the demonstration did not show here)"
    )
    return [
        "",
        "The Goodhart demonstration (held-out means, the dashboard-optimised winner against "
        "the value-optimised one):",
        "",
        "| winner | dashboard score | value | true CSAT | morale |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| {n} | {r.dashboard_mean:.2f} | {_money(r.value_mean)} "
            f"| {r.true_outcome_mean:.3f} | {r.staff_mean:.3f} |"
            for n, r in (("objective=value", a), ("objective=dashboard", b))
        ),
        "",
        f"The dashboard winner looks {looks} on the dashboard and is {verdict}; with "
        f"{int(a.runs)} held-out runs each the difference between the two winners is not "
        "tested (the page says so).",
    ]


def block(out: Path) -> str:
    """The worked example's Markdown, from the finished folder ``out``."""
    info = json.loads((out / "example.json").read_text(encoding="utf-8"))
    front = pd.read_csv(out / "front.csv")
    verify = pd.read_csv(out / "verify.csv")
    first = info["runs"][0]
    n_front = int((front["rank"] != "current").sum())
    feasible = int(front[front["rank"] != "current"].feasible.astype(bool).sum())
    top = pd.concat([front[front["rank"] != "current"].head(3), front[front["rank"] == "current"]])
    lines = [
        f"<!-- generated by `python experiments/design_example.py`, {info['date']} -->",
        "```",
        *(
            re.sub(r"(?<!\S)out=\S+", "out=results/design_example", r["command"])
            for r in info["runs"]
        ),
        "```",
        "",
        f"**Time.** The first command (the one the issue judges: `budget=200` at this "
        f"size) took **{_minutes(first['seconds'])}** on a {info['cores']}-core machine at "
        f"`nice -n 10`, shared with other jobs (load average {first['load_before']} before, "
        f"{first['load_after']} after{_during(first)}). It used "
        f"{_minutes(first['cpu_seconds'])} of CPU time in all (user + system, every process), "
        "so on an idle 2-core machine it takes at most about that long (less when the "
        "two runs of each candidate go side by side)."
        + "".join(
            f" The dashboard design took {_minutes(r['seconds'])}." for r in info["runs"][1:]
        ).rstrip(),
        "",
        f"**Written** in the folder: `design.html`, `front.csv`, `verify.csv` and "
        f"{len(list(out.glob('scheme_[0-9]*.yaml')))} scheme files `scheme_K.yaml` (one per "
        "scheme of the front), with the `design.db` study.",
        "",
        f"**The front.** {n_front} schemes on the Pareto front, {feasible} of them meeting "
        "every constraint; its first rows (search set, 20th percentile over the search "
        "runs) and the current scheme:",
        "",
        *_front_table(top),
        "",
        "**Held out** (`verify.csv`: every held-out seed in every held-out world; value as "
        "the mean, its difference to aht_pay run by run with the 95% t-interval):",
        "",
        *_verify_table(verify),
        "",
        *_sentences(verify),
        *_goodhart(out),
    ]
    return "\n".join(lines)


def write(out: Path) -> None:
    """Replace the block between the markers of docs/design.md."""
    text = DOC.read_text(encoding="utf-8")
    i, j = text.index(START) + len(START), text.index(END)
    DOC.write_text(text[:i] + "\n" + block(out) + "\n" + text[j:], encoding="utf-8")
    print(f"design_example: wrote the worked example into {DOC.relative_to(ROOT)}")


def main() -> None:
    """Run the worked example (or take a finished folder) and write it into the docs."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "design_example")
    ap.add_argument("--render", type=Path, help="write from this finished folder; no run")
    ap.add_argument("--dashboard-budget", type=int, default=DASHBOARD_BUDGET)
    ap.add_argument(
        "--only-dashboard",
        action="store_true",
        help="re-run the dashboard design alone into --out (the value design is kept)",
    )
    a = ap.parse_args()
    if a.render is None:
        run(a.out, a.dashboard_budget, a.only_dashboard)
    write(a.render or a.out)


if __name__ == "__main__":
    main()
