"""Lessons in 120 days: whether each lesson lands on the tiles the trainers' app shows.

Every lesson is run as the app runs it (``sim.app.lessons.run_lesson``: the page's
settings and config, its population, ``scenario.live.customers`` or 100,000 customers
with 37 agents and 4 specialists) for 120 working days at seeds 0-4 (seed 1 is the
app's default), beside its comparison (``scenario.comparison``) at the same seed and
size, as the page shows the two side by side.  The table gives, per lesson, its tiles
(``scenario.live.tiles``) and how many seeds had every judged tile moving the stated
way against the comparison by day 120, the signs lit at days 60, 90 and 120 at the
app's default seed and how many seeds had its declared signs (``scenario.signs``) lit.

    python experiments/app_lessons.py            # prints the table (about 10 minutes)
    python experiments/app_lessons.py --write    # and updates docs/app.md
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python experiments/x.py` from a fresh clone
    sys.path.insert(0, str(ROOT))

from sim.app.lessons import (  # noqa: E402
    LIVE_DAYS,
    LessonRun,
    lesson_settings,
    run_lesson,
    shows_live,
    tiles_wrong,
)
from sim.app.settings import Settings, comparison_settings  # noqa: E402
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
_RUNS: dict[Settings, LessonRun] = {}


def run(settings: Settings) -> LessonRun:
    """A run of the page's settings, once per process (a lesson's run is also another
    lesson's comparison when their sizes agree)."""
    if settings not in _RUNS:
        _RUNS[settings] = run_lesson(settings, CHECKPOINTS)
    return _RUNS[settings]


def lit(r: LessonRun, day: int) -> str:
    return " ".join(SHORT[k] for k in r.lit(day)) or "–"


def row(name: str) -> str:
    """The table's row of one lesson over the seeds."""
    runs = [run(lesson_settings(name, s)) for s in SEEDS]
    cfg = runs[0].cfg
    meta = cfg.scenario
    if not shows_live(cfg):
        return f"| {name} | – | – | – | – | – | – |"
    default = runs[SEEDS.index(1)]
    seen = " · ".join(f"{d}: {lit(default, d)}" for d in CHECKPOINTS)
    signs = meta.signs
    sign_hits = sum(all(k in r.lit(LIVE_DAYS) for k in signs) for r in runs) if signs else None
    sign_txt = "–" if sign_hits is None else f"{sign_hits}/{len(runs)}"
    tiles = ", ".join(f"{k} {v}" for k, v in meta.live.tiles.items())
    judged = [k for k, v in meta.live.tiles.items() if v != "show"]
    other = comparison_settings(runs[0].settings)
    if other is None or not judged:
        hits = "–"
        misses = ""
        if name == "baseline":
            hits = f"no sign lit: {sum(not r.lit(LIVE_DAYS) for r in runs)}/{len(runs)}"
    else:
        wrong = [
            tiles_wrong(r, run(comparison_settings(r.settings)), LIVE_DAYS)  # type: ignore[arg-type]
            for r in runs
        ]
        hits = f"{sum(not w for w in wrong)}/{len(runs)}"
        missed = sorted({k for w in wrong for k in w})
        misses = f" (missed: {', '.join(missed)})" if missed else ""
    comp = meta.comparison if other is not None else "–"
    declared = ", ".join(SHORT[s] for s in signs) or "–"
    return f"| {name} | {comp} | {tiles} | {hits}{misses} | {seen} | {declared} | {sign_txt} |"


def table(names: list[str]) -> str:
    head = (
        "| lesson | compared with | tiles (direction vs comparison by day 120) | every judged"
        " tile lands, seeds 0–4 | signs lit at day 60 / 90 / 120 (seed 1) | declared signs |"
        " declared signs lit by day 120, seeds 0–4 |\n|---|---|---|---|---|---|---|"
    )
    return "\n".join([head, *(row(n) for n in names)])


def write_doc(text: str) -> None:
    doc = DOC.read_text()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{DOC.name}: no {BEGIN} ... {END} section to update")
    atomic_write_text(DOC, pattern.sub(lambda _: f"{BEGIN}\n{text}\n{END}", doc))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="update docs/app.md")
    ap.add_argument("--only", nargs="*", help="these lessons only")
    args = ap.parse_args(argv)
    names = [n for n in available_scenarios() if not args.only or n in args.only]
    text = table(names)
    print(text)
    if args.write:
        write_doc(text)


if __name__ == "__main__":
    main()
