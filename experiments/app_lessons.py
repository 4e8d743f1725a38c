"""Lessons in 120 days: what the trainers' app shows of each lesson within two minutes.

Every lesson is run as the app runs it (``sim.app.lessons.run_lesson``: the page's
settings and config, its default population of 100,000 customers and 20 agents) for
120 working days at seeds 0-4 (seed 1 is the app's default), beside the runs it is
judged against at the same seed: the ghost baseline (the ``baseline`` lesson) and its
``scenario.comparison``.  The table gives, per lesson, the signs lit at days 60, 90
and 120 at the app's default seed, the hit rate over the seeds of its declared signs
(``scenario.signs``: all of them lit at day 120) and of its expected directions
(``scenario.expect``, every key in its direction at day 120) against the comparison
and against the ghost.

    python experiments/app_lessons.py            # prints the table (about 6 minutes)
    python experiments/app_lessons.py --write    # and updates docs/app.md
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python experiments/x.py` from a fresh clone
    sys.path.insert(0, str(ROOT))

from sim.app.lessons import (  # noqa: E402
    LIVE_DAYS,
    LessonRun,
    direction,
    lesson_settings,
    live_expect,
    run_lesson,
    shows_live,
)
from sim.app.settings import GHOST_SCENARIO, Settings, preset_config  # noqa: E402
from sim.config import available_scenarios  # noqa: E402
from sim.outputs.files import atomic_write_text  # noqa: E402

SEEDS = (0, 1, 2, 3, 4)
CHECKPOINTS = (60, 90, LIVE_DAYS)
DOC = ROOT / "docs" / "app.md"
BEGIN = "<!-- app_lessons: begin -->"
END = "<!-- app_lessons: end -->"
SHORT = {
    "contradiction": "1",
    "chasing_numbers": "2",
    "indicator_became_target": "3",
    "not_informing_decisions": "4",
    "imbalance": "5",
}


def runs_for_seed(seed: int, names: list[str]) -> dict[str, LessonRun]:
    """Every lesson at one seed (each run once, reused as a comparison or ghost)."""
    out = {}
    for name in names:
        t = time.perf_counter()
        out[name] = run_lesson(lesson_settings(name, seed), CHECKPOINTS)
        print(f"  seed {seed} {name}: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return out


def expect_hits(run: LessonRun, other: LessonRun | None) -> bool | None:
    """All the lesson's live directions (``live_expect``: its expected directions, or
    what shows of them in 120 days) show against ``other`` at day 120."""
    exp = live_expect(run.cfg)
    if other is None or not exp:
        return None
    return all(direction(run, other, k, LIVE_DAYS) == d for k, d in exp.items())


def lit_text(run: LessonRun) -> str:
    """Signs lit at each checkpoint, by number: "60: 2 5 · 90: 1 2 5 · 120: 1 2 3 5"."""
    parts = []
    for day in CHECKPOINTS:
        if day not in run.snapshots:
            continue
        lit = [SHORT[k] for k in run.lit(day)]
        parts.append(f"{day}: {' '.join(lit) or '–'}")
    return " · ".join(parts)


def rate(hits: list[bool | None]) -> str:
    h = [x for x in hits if x is not None]
    return f"{sum(h)}/{len(h)}" if h else "–"


def table(names: list[str]) -> str:
    live = [n for n in names if shows_live(preset_config(n))]
    by_seed = {s: runs_for_seed(s, live) for s in SEEDS}
    default = int(Settings().seed_text)
    rows = [
        "| lesson | declared signs | lit at day 60 / 90 / 120 (seed "
        f"{default}) | declared signs lit by day {LIVE_DAYS}, seeds 0–4 | expect vs comparison"
        " | expect vs ghost |",
        "|---|---|---|---|---|---|",
    ]
    for name in live:
        runs = [by_seed[s][name] for s in SEEDS]
        signs = runs[0].cfg.scenario.signs
        sign_hits = [all(k in r.lit(LIVE_DAYS) for k in signs) if signs else None for r in runs]
        comp = runs[0].cfg.scenario.comparison
        cmp_hits = [expect_hits(r, by_seed[s].get(comp)) for s, r in zip(SEEDS, runs, strict=True)]
        ghost_hits = [
            expect_hits(r, by_seed[s][GHOST_SCENARIO]) if name != GHOST_SCENARIO else None
            for s, r in zip(SEEDS, runs, strict=True)
        ]
        comp_txt = f"{rate(cmp_hits)} (vs {comp})" if live_expect(runs[0].cfg) else "–"
        rows.append(
            f"| {name} | {', '.join(SHORT[k] for k in signs) or 'none'} | "
            f"{lit_text(by_seed[default][name])} | {rate(sign_hits)} | {comp_txt} | "
            f"{rate(ghost_hits)} |"
        )
    return "\n".join(rows)


def write_doc(text: str) -> None:
    doc = DOC.read_text()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{DOC.name}: no {BEGIN} ... {END} section to update")
    atomic_write_text(DOC, pattern.sub(lambda _: f"{BEGIN}\n{text}\n{END}", doc))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="update docs/app.md")
    ap.add_argument("--only", nargs="*", help="these lessons only (and what they need)")
    args = ap.parse_args(argv)
    names = available_scenarios()
    if args.only:
        need = set(args.only) | {GHOST_SCENARIO}
        for n in args.only:
            need.add(preset_config(n).scenario.comparison)
        names = [n for n in names if n in need]
    text = table(names)
    print(text)
    if args.write:
        write_doc(text)


if __name__ == "__main__":
    main()
