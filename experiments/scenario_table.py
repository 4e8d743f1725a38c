"""Generate docs/scenarios.md: every scenario with its lesson, the key figures of real
runs (full default size, a working year, several seeds) and each lesson's expected
directions judged against its comparison on paired seeds.  Never edit the page by
hand: run

    .venv/bin/python experiments/scenario_table.py --jobs 2

Options: --seeds N (default 5), --jobs N (default: all cores), --days N, --customers N,
--employees N, --out PATH.  ``tests/test_scenario_lessons.py`` uses :func:`run_grid` and
:func:`judge_all` on smaller runs.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import os
import sys
import textwrap
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim import load_config, run_simulation  # noqa: E402
from sim.config import available_scenarios  # noqa: E402
from sim.outputs import atomic_write_text  # noqa: E402
from sim.outputs.expectations import CONTRADICTED, HELD, Verdict, judge  # noqa: E402

#: (summary key, column title, format)
FIGURES = (
    ("aht_s", "AHT s", "{:.0f}"),
    ("fcr_measured", "FCR meas.", "{:.3f}"),
    ("fcr_true", "FCR true", "{:.3f}"),
    ("csat_survey", "CSAT survey", "{:.3f}"),
    ("csat_true", "CSAT true", "{:.3f}"),
    ("web_containment", "web cont.", "{:.3f}"),
    ("customer_effort", "effort 1-7", "{:.2f}"),
    ("retention", "retention", "{:.3f}"),
    ("gaming_rate", "gaming", "{:.3f}"),
    ("employee_satisfaction", "morale", "{:.2f}"),
    ("staff_turnover_annual", "turnover /yr", "{:.2f}"),
    ("profit", "profit M", "{:.1f}"),
    ("value", "value M", "{:.1f}"),
)
#: Money figures shown in millions.
MILLIONS = ("profit", "value")
#: Scenarios that teach no lesson about pay (queue validation).
SKIP = ("erlang_validation",)
#: How each verdict is shown on the page.
MARKS = {HELD: "held", CONTRADICTED: "**CONTRADICTED**", "unresolved": "unresolved"}


def lesson_plan(names: Iterable[str]) -> dict[str, tuple[str, dict[str, str]]]:
    """``{scenario: (comparison, expect)}`` for the scenarios among ``names`` that
    state expectations."""
    out = {}
    for n in names:
        meta = load_config(n).scenario
        if meta.expect:
            out[n] = (meta.comparison, dict(meta.expect))
    return out


def _one(args: tuple[str, int, list[str]]) -> tuple[str, int, dict[str, Any]]:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    scenario, seed, extra = args
    res = run_simulation(load_config(scenario, [f"seed={seed}", *extra]))
    return scenario, seed, res.summary


def run_grid(
    scenarios: Iterable[str], seeds: Sequence[int], extra: Sequence[str] = (), jobs: int = 1
) -> dict[tuple[str, int], dict[str, Any]]:
    """Every scenario on every seed (the same seeds for all: paired), with the Hydra
    overrides ``extra``; ``{(scenario, seed): summary}``.  Runs are deterministic, so the
    result does not depend on ``jobs`` (a "spawn" process pool when above 1)."""
    tasks = [(n, s, list(extra)) for n in sorted(set(scenarios)) for s in seeds]
    if jobs <= 1:
        rows = [_one(t) for t in tasks]
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
            rows = list(pool.map(_one, tasks))
    return {(n, s): summary for n, s, summary in rows}


def judge_all(
    plan: dict[str, tuple[str, dict[str, str]]],
    runs: dict[tuple[str, int], dict[str, Any]],
    seeds: Sequence[int],
) -> dict[str, list[Verdict]]:
    """Each planned scenario's expectations judged on the paired runs."""
    return {
        n: judge(n, expect, [runs[(n, s)] for s in seeds], [runs[(comp, s)] for s in seeds])
        for n, (comp, expect) in plan.items()
    }


def _fmt(x: float) -> str:
    return "-" if not np.isfinite(x) else f"{x:.4g}"


def expectation_lines(comparison: str, verdicts: list[Verdict]) -> list[str]:
    """The markdown table of one scenario's expectations."""
    lines = [
        f"Expected against `{comparison}` (paired seeds; mean difference ± standard error; "
        "held/contradicted: one-sided paired t-test at 2.5%):",
        "",
        "| summary key | expected | this scenario | comparison | difference ± SE | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for v in verdicts:
        lines.append(
            f"| `{v.key}` | {v.direction} | {_fmt(v.scenario_mean)} | "
            f"{_fmt(v.comparison_mean)} | {_fmt(v.diff_mean)} ± {_fmt(v.diff_se)} | "
            f"{MARKS[v.mark]} |"
        )
    return [*lines, ""]


def value_retention_correlation(
    names: Sequence[str], runs: dict[tuple[str, int], dict[str, Any]], seeds: Sequence[int]
) -> tuple[float, float]:
    """Spearman rank correlation across scenarios of mean ``value`` with mean
    ``retention`` (over ``seeds``), and the same for ``profit``: does the money column rank
    the scenarios that keep customers above those that lose them?  NaN with fewer than
    three scenarios."""

    def means(key: str) -> np.ndarray:
        return np.array([np.mean([runs[(n, s)][key] for s in seeds]) for n in names])

    if len(names) < 3:
        return float("nan"), float("nan")
    ret = means("retention")
    return (
        float(stats.spearmanr(means("value"), ret)[0]),
        float(stats.spearmanr(means("profit"), ret)[0]),
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--days", type=int, default=None, help="default: the scenarios' own")
    p.add_argument("--customers", type=int, default=None, help="customers.n")
    p.add_argument("--employees", type=int, default=None, help="employees.n")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "scenarios.md")
    a = p.parse_args(argv)
    if a.seeds < 2 or a.jobs < 1:
        p.error("--seeds must be at least 2 (paired differences) and --jobs at least 1")
    extra = [
        f"{k}={v}"
        for k, v in (("days", a.days), ("customers.n", a.customers), ("employees.n", a.employees))
        if v is not None
    ]
    names = [n for n in available_scenarios() if n not in SKIP]
    seeds = list(range(a.seeds))
    plan = lesson_plan(names)
    t0 = time.perf_counter()
    runs = run_grid(names, seeds, extra, a.jobs)
    took = time.perf_counter() - t0
    verdicts = judge_all(plan, runs, seeds)
    held = sum(v.mark == HELD for vs in verdicts.values() for v in vs)
    bad = sum(v.mark == CONTRADICTED for vs in verdicts.values() for v in vs)
    total = sum(len(vs) for vs in verdicts.values())
    base = load_config("baseline", extra)  # the sizes the runs used (defaults or flags)
    rho_value, rho_profit = value_retention_correlation(names, runs, seeds)
    size = (
        f"{base.customers.n:,} customers, {base.employees.n} front-line agents and "
        f"{base.teams.specialists_n} specialists, "
        f"{a.days or 'a working year of 250'} days"
    )
    lines = [
        "# Scenarios",
        "",
        "Every scenario of `configs/scenario/` with its lesson, the key figures of real",
        f"runs ({size}, mean over seeds 0-{a.seeds - 1}) and the lesson's expected",
        "directions (`scenario.expect` in its YAML) judged against its comparison on the",
        "same seeds.  Generated by `.venv/bin/python experiments/scenario_table.py`",
        f"(this page is never edited by hand; this version took {took:.0f} s on {a.jobs}",
        f"process(es)).  Money in millions of {base.economics.currency} over the run; shares in",
        "[0, 1]; effort on the 1-7 CES scale.  Value = profit + the change in customer",
        "equity (the discounted margin of the active base, docs/compare.md): customers lost",
        "are an asset written off, not only the weeks of margin left in the run.",
        "",
        f"Rank correlation (Spearman) across the scenarios with retention: value "
        f"{rho_value:+.2f}, profit {rho_profit:+.2f}.",
        "",
        f"Expectations: {held} of {total} held, {bad} contradicted, "
        f"{total - held - bad} unresolved by {a.seeds} seeds.",
        "",
        "| scenario | " + " | ".join(t for _, t, _ in FIGURES) + " | toxic signs lit |",
        "|---" * (len(FIGURES) + 2) + "|",
    ]
    for n in names:
        rs = [runs[(n, s)] for s in seeds]
        cells = []
        for key, _, fmt in FIGURES:
            vals = [r[key] for r in rs if r.get(key) is not None]
            v = float(np.mean(vals)) if vals else float("nan")
            cells.append(fmt.format(v / 1e6 if key in MILLIONS else v))
        lit = sorted({k for r in rs for k, sign in r["toxic_signs"].items() if sign["flag"]})
        lines.append(f"| `{n}` | " + " | ".join(cells) + f" | {', '.join(lit) or '-'} |")
    lines.append("")
    for n in names:
        cfg = load_config(n)
        lines += [
            f"## `{n}`",
            "",
            textwrap.fill(cfg.scenario.description, 88),
            "",
            "**Lesson:** " + textwrap.fill(cfg.scenario.lesson, 80),
            "",
        ]
        if n in plan:
            lines += expectation_lines(plan[n][0], verdicts[n])
    atomic_write_text(a.out, "\n".join(lines))
    print(
        f"wrote {a.out.relative_to(ROOT) if a.out.is_relative_to(ROOT) else a.out} "
        f"({len(runs)} runs, {took:.0f} s; {held}/{total} held, {bad} contradicted; "
        f"rank correlation with retention: value {rho_value:+.2f}, profit {rho_profit:+.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
