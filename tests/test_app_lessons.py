"""Lessons that land live: each lesson shows its point on its own tiles within 120 days.

Every lesson of ``configs/scenario/`` is run as the trainers' app runs it
(:func:`sim.app.lessons.run_lesson`: ``preset_settings`` -> ``build_config`` with the
lesson's presentation, its population, the model stepped day by day, the page's
``take_snapshot``) to day :data:`~sim.app.lessons.LIVE_DAYS`, beside its comparison
(``scenario.comparison``) at the same seed and size, as the page shows them side by
side (:func:`~sim.app.settings.comparison_settings`).  Each tile the lesson names with a
direction (``scenario.live.tiles``) must move that way against the comparison at each of
seeds 0-4 (5 of 5: no tolerance; a lesson whose tile does not land at the app's size
needs a larger ``live.customers`` or another tile, never a constant); a lesson that
declares signs (``scenario.signs``) must have them lit at the app's default seed; the
baseline must light no sign and name why its measured first-contact resolution sits
above the real one.  The figures are in docs/app.md, "Lessons in 120 days"
(``experiments/app_lessons.py``).

Each run is shared (a lesson's run is also another lesson's comparison), and a lesson's
runs and their comparisons run two at a time (the session's pool, ``tests/runs.py``):
about 3-5 s a run, 21 lessons x 5 seeds, 5-10 minutes of one core.
"""

from __future__ import annotations

import pytest
import runs as shared_runs

from sim.app.lessons import (
    LIVE_DAYS,
    LessonRun,
    lesson_settings,
    run_lesson,
    shows_live,
    tiles_wrong,
)
from sim.app.plain import TILES
from sim.app.presenter import tile_html
from sim.app.settings import Settings, comparison_settings, preset_config
from sim.config import ConfigError, available_scenarios, load_config

#: What a trainer sees on first load.
SEED = Settings().seed_text
SEEDS = ("0", "1", "2", "3", "4")
LESSONS = available_scenarios()


_RUNS: dict[Settings, LessonRun] = {}


def _run_lesson(settings: Settings) -> LessonRun:
    return run_lesson(settings, (LIVE_DAYS,))


def lesson_runs(settings: list[Settings]) -> list[LessonRun]:
    """Runs of the page's settings to day 120, each once per session (the new ones two
    at a time, in the session's pool of ``tests/runs.py``)."""
    todo = [s for s in dict.fromkeys(settings) if s not in _RUNS]
    done = shared_runs.parallel(_run_lesson, todo) if len(todo) > 1 else map(_run_lesson, todo)
    _RUNS.update(zip(todo, done, strict=True))
    return [_RUNS[s] for s in settings]


def run(settings: Settings) -> LessonRun:
    """A run of the page's settings to day 120 (once per session)."""
    return lesson_runs([settings])[0]


def test_bad_sign_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"'aht_pay'.*scenario\.signs.*'lit_up'.*imbalance"):
        load_config("aht_pay", ["scenario.signs=[chasing_numbers,lit_up]"])


def test_bad_live_tile_direction_and_stops_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"scenario\.live\.tiles\.value='sideways'.*'up'"):
        load_config("aht_pay", ["scenario.live.tiles.value=sideways"])
    with pytest.raises(ConfigError, match=r"scenario\.live\.stops=\[30, 10\].*one prompt"):
        load_config("aht_pay", ["scenario.live.stops=[30,10]"])


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_names_its_tiles_stops_and_prompts(name: str) -> None:
    """Every KPI lesson names three or four known tiles, in plain words, and a question
    for the room at each stop; the queue check names none."""
    live = preset_config(name).scenario.live
    if name == "erlang_validation":
        assert not live.tiles
        return
    assert 3 <= len(live.tiles) <= 4, live.tiles
    assert set(live.tiles) <= set(TILES), set(live.tiles) - set(TILES)
    assert live.title and "_" not in live.title
    assert live.stops and len(live.prompts) == len(live.stops)
    assert all(0 < d < LIVE_DAYS for d in live.stops)
    assert all(p.rstrip().endswith("?") or "?" in p for p in live.prompts)
    judged = [d for d in live.tiles.values() if d != "show"]
    assert judged or name == "baseline", f"{name}: no tile carries the lesson"


def test_the_comparison_is_the_same_seed_and_size() -> None:
    for name in ("aht_pay", "hidden_phone", "shared_dashboard"):
        s = lesson_settings(name, SEED)
        other = comparison_settings(s)
        assert other is not None
        assert other.scenario == preset_config(name).scenario.comparison
        assert (other.customers, other.seed_text) == (s.customers, s.seed_text)
    assert comparison_settings(lesson_settings("baseline", SEED)) is None


@pytest.mark.slow
@pytest.mark.parametrize("name", LESSONS)
def test_lesson_lands_on_its_tiles_at_five_seeds(name: str) -> None:
    mine = [lesson_settings(name, seed) for seed in SEEDS]
    others = [o for o in map(comparison_settings, mine) if o is not None]
    runs = lesson_runs([*mine, *others])[: len(mine)]
    meta = runs[0].cfg.scenario
    if not shows_live(runs[0].cfg):
        # the queue check: a fixed call stream of its own length, no comparison
        assert not meta.signs and not meta.live.tiles
        return
    assert all(max(r.snapshots) == LIVE_DAYS for r in runs)
    default = runs[SEEDS.index(SEED)]
    lit = default.lit(LIVE_DAYS)
    missing = [s for s in meta.signs if s not in lit]
    assert not missing, f"{name}: {missing} not lit by day {LIVE_DAYS} at seed {SEED}"
    if name == "baseline":
        for r in runs:  # no pay: no sign lit, and the FCR gap is named for what it is
            assert not r.lit(LIVE_DAYS), f"baseline: {r.lit(LIVE_DAYS)} lit"
            snap = r.snapshots[LIVE_DAYS]
            note = TILES["fixed_first_time"].note(snap)
            assert "from other departments' failed deliveries" in note
            assert note in tile_html(TILES["fixed_first_time"], snap, None, False).replace(
                "&#x27;", "'"
            )
            gap, gaming = snap.summary["fcr_gap"], snap.summary["fcr_gaming_gap"]
            assert gap > 0.02 and gap - gaming > 10 * abs(gaming), (gap, gaming)
        return
    wrong = {}
    for seed, r in zip(SEEDS, runs, strict=True):
        other = run(comparison_settings(r.settings))
        miss = tiles_wrong(r, other, LIVE_DAYS)
        if miss:
            wrong[seed] = miss
    assert not wrong, f"{name} vs {meta.comparison}, day {LIVE_DAYS}: {wrong} of {meta.live.tiles}"
