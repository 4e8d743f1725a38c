"""Regenerate docs/calibration.md whole: run the baseline (3 seeds, 250 days), store
its figures in ``docs/_templates/calibration.figures.json`` and fill the page's template
``docs/_templates/calibration.md`` (``experiments/calibration_doc.py``): the table of
each headline figure beside its published range (``experiments/calibration_targets.py``)
and every baseline figure and config default the text quotes.  Never edit the page by
hand: edit the template and run

    .venv/bin/python experiments/calibration_table.py --write    # runs, then the page
    .venv/bin/python experiments/calibration_table.py --render   # page only, stored runs
    .venv/bin/python experiments/calibration_table.py --quick    # small check, prints

Options: --seeds N (default 3), --jobs N (default 2), --days N, --out PATH.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "experiments"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import calibration_doc  # noqa: E402
from calibration_targets import DAYS, SCENARIO, SEEDS  # noqa: E402

from sim import load_config  # noqa: E402
from sim.outputs import atomic_write_text  # noqa: E402

#: Sizes of --quick: a small centre over one pay period (a check that the command works).
QUICK = ["customers.n=20000", "employees.n=4"]
QUICK_DAYS = 21


def _one(args: tuple[int, int, list[str]]) -> dict[str, Any]:
    from sim import load_config, run_simulation

    seed, days, extra = args
    return scalars(run_simulation(load_config(SCENARIO, [f"seed={seed}", f"days={days}", *extra])))


def scalars(r: Any) -> dict[str, Any]:
    """One run's scalar figures (``r`` a :class:`sim.outputs.RunResult`): its scalar
    summary keys, the per-team figures and the daily totals the page quotes."""
    s = r.summary
    out = {k: v for k, v in s.items() if not isinstance(v, dict | list)}
    for team, figures in s["teams"].items():  # per-team figures as "teams.<team>.<key>"
        out.update({f"teams.{team}.{k}": v for k, v in figures.items()})
    daily = r.daily
    out.update({f"daily.{c}": float(daily[c].sum()) for c in calibration_doc.DAILY_TOTALS})
    return out


def baseline_summaries(
    seeds: Sequence[int], days: int = DAYS, extra: Sequence[str] = (), jobs: int = 2
) -> list[dict[str, Any]]:
    """The baseline's scalar summary for each seed (spawned worker processes)."""
    tasks = [(s, days, list(extra)) for s in seeds]
    if jobs <= 1 or len(tasks) == 1:
        return [_one(t) for t in tasks]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
        return list(pool.map(_one, tasks))


def run_figures(seeds: int, days: int, extra: Sequence[str], jobs: int) -> dict[str, Any]:
    """The baseline runs behind the page, with a note saying what they are.

    Parameters
    ----------
    seeds : int
        Seeds 0..seeds-1.
    days : int
        Working days.
    extra : sequence of str
        Overrides (the size of --quick).
    jobs : int
        Worker processes.
    """
    t0 = time.perf_counter()
    rows = baseline_summaries(range(seeds), days, extra, jobs)
    took = time.perf_counter() - t0
    base = load_config(SCENARIO, list(extra))  # the sizes the runs used
    size = (
        f"{base.customers.n:,} customers, {base.employees.n} front-line agents and "
        f"{base.teams.specialists_n} specialists"
    )
    note = (
        f"Baseline scenario, {size}, {days} working days, seeds 0-{seeds - 1}, all "
        "other defaults.  Shares in [0, 1]."
    )
    print(f"{len(rows)} baseline runs in {took:.0f} s", file=sys.stderr)
    return {"meta": {"note": note, "days": days, "seeds": seeds}, "runs": rows}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="run, store the figures, write the page")
    p.add_argument("--render", action="store_true", help="write the page from stored figures")
    p.add_argument("--quick", action="store_true", help="small centre, 1 seed, prints only")
    p.add_argument("--seeds", type=int, default=None, help="seeds 0..N-1 (default 3)")
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--days", type=int, default=None, help=f"working days (default {DAYS})")
    p.add_argument("--out", type=Path, default=None, help="page to write (default the doc)")
    a = p.parse_args(argv)
    out = a.out if a.out is not None else calibration_doc.DOC
    if a.render:
        atomic_write_text(out, calibration_doc.page())
        print(f"wrote {out} from the stored figures")
        return 0
    seeds = a.seeds if a.seeds is not None else (1 if a.quick else len(SEEDS))
    days = a.days if a.days is not None else (QUICK_DAYS if a.quick else DAYS)
    if seeds < 1 or a.jobs < 1 or days < 1:
        p.error("--seeds, --jobs and --days must be at least 1")
    figures = run_figures(seeds, days, QUICK if a.quick else [], a.jobs)
    if a.quick or not a.write:
        print(figures["meta"]["note"] + "\n\n" + calibration_doc.targets_table(figures["runs"]))
        return 0
    calibration_doc.write_figures(figures)
    atomic_write_text(out, calibration_doc.page(figures))
    print(f"wrote {calibration_doc.FIGURES} and {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
