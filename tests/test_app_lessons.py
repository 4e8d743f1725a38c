"""Lessons that land live: each lesson shows its point in the app within 120 working days.

Every lesson of ``configs/scenario/`` is run as the trainers' app runs it
(:func:`sim.app.lessons.run_lesson`: ``preset_settings`` -> ``build_config`` with the
lesson's presentation, the app's default population and seed, the model stepped day by
day, the page's ``take_snapshot``) to day :data:`~sim.app.lessons.LIVE_DAYS`, beside
the ghost baseline (the ``baseline`` lesson, same seed and population, as the page
builds it).  A lesson that declares signs (``scenario.signs``) must have all of them
lit; a lesson whose point is not a sign must show every expected direction
(``scenario.expect``) against its comparison at the same seed.  The figures over seeds
0-4 are in docs/app.md, "Lessons in 120 days" (``experiments/app_lessons.py``).

One run per lesson, shared (a lesson's run is also the comparison of another, the
baseline's is the ghost): about 2-3 s a run, under a minute for the file.
"""

from __future__ import annotations

import functools

import pytest

from sim.app.lessons import (
    LIVE_DAYS,
    LessonRun,
    direction,
    lesson_settings,
    live_expect,
    run_lesson,
    shows_live,
)
from sim.app.settings import (
    GHOST_SCENARIO,
    Settings,
    build_config,
    ghost_settings,
    preset_config,
)
from sim.config import ConfigError, available_scenarios, load_config

#: What a trainer sees on first load.
SEED = Settings().seed_text
LESSONS = available_scenarios()


@functools.cache
def lesson_run(name: str) -> LessonRun:
    """The lesson's run at the app's default seed, to day 120 (once per session)."""
    return run_lesson(lesson_settings(name, SEED), (LIVE_DAYS,))


def test_bad_sign_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"'aht_pay'.*scenario\.signs.*'lit_up'.*imbalance"):
        load_config("aht_pay", ["scenario.signs=[chasing_numbers,lit_up]"])


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_says_what_to_see(name: str) -> None:
    """A lesson declares signs, or expected directions to show, or is the baseline or
    the queue check (which the app shows as it is)."""
    meta = preset_config(name).scenario
    assert meta.signs or meta.expect or name in (GHOST_SCENARIO, "erlang_validation")


def test_ghost_is_the_baseline_lesson() -> None:
    """The ghost of any lesson is the baseline lesson at the same seed and population,
    so the baseline's run stands for the ghost."""
    for name in ("aht_pay", "hidden_phone"):
        ghost = build_config(ghost_settings(lesson_settings(name, SEED)))
        assert ghost == build_config(lesson_settings(GHOST_SCENARIO, SEED))


@pytest.mark.slow
@pytest.mark.parametrize("name", LESSONS)
def test_lesson_shows_live(name: str) -> None:
    run = lesson_run(name)
    meta = run.cfg.scenario
    if not shows_live(run.cfg):
        # the queue check: a fixed call stream of its own length, no KPI pay, no ghost
        assert not meta.signs and not meta.expect
        assert run.snapshots, f"{name}: no day simulated"
        return
    last = max(run.snapshots)
    assert last == LIVE_DAYS
    lit = run.lit(LIVE_DAYS)
    signs = run.snapshots[LIVE_DAYS].summary["toxic_signs"]
    values = {k: v["value"] for k, v in signs.items()}
    missing = [s for s in meta.signs if s not in lit]
    assert not missing, f"{name}: {missing} not lit by day {LIVE_DAYS} (values {values})"
    if meta.signs:
        return
    if name == GHOST_SCENARIO:  # no pay: the numbers tell the truth, no sign is lit
        assert not lit, f"baseline: {lit} lit (values {values})"
        return
    other = lesson_run(meta.comparison)
    expect = live_expect(run.cfg)  # the lesson's expect, unless it needs more days
    wrong = {
        k: direction(run, other, k, LIVE_DAYS)
        for k, d in expect.items()
        if direction(run, other, k, LIVE_DAYS) != d
    }
    assert not wrong, f"{name} vs {meta.comparison}, day {LIVE_DAYS}: {wrong} of {expect}"
