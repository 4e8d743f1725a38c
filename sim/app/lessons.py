"""A lesson run headless, as the page runs it, and whether the room sees its point.

The page loads a lesson with :func:`~sim.app.settings.preset_settings` and
:func:`~sim.app.settings.build_config`, steps a :class:`~sim.model.ContactCentreModel`
a few working days per redraw, its comparison (``scenario.comparison``, same seed and
size, :func:`~sim.app.settings.comparison_settings`) alongside, and reads each redraw
with :func:`~sim.app.snapshot.take_snapshot`.  :func:`run_lesson` does the same without
a browser, so a test and ``experiments/app_lessons.py`` can check that a lesson shows
its point within :data:`LIVE_DAYS` working days: the signs it declares
(``scenario.signs``) lit, and each presenter tile it names (``scenario.live.tiles``)
moving the stated way against its comparison (:func:`tiles_wrong`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..config import Config
from ..model import ContactCentreModel
from .plain import TILES, Tile
from .settings import Settings, build_config, fixed_population, preset_settings
from .snapshot import Snapshot, take_snapshot

#: About two minutes of play at the default speed: the horizon a lesson must show in
#: (working days).
LIVE_DAYS = 120


@dataclass
class LessonRun:
    """A lesson's run: its settings, config and the snapshots taken at checkpoints."""

    name: str
    settings: Settings
    cfg: Config
    snapshots: dict[int, Snapshot]

    def lit(self, day: int) -> list[str]:
        """The signs lit in the snapshot of ``day`` (keys of ``summary["toxic_signs"]``).

        Parameters
        ----------
        day : int
            A checkpoint day of the run (working days simulated).
        """
        signs = self.snapshots[day].summary["toxic_signs"]
        return [k for k, v in signs.items() if v["flag"]]


def lesson_settings(name: str, seed: int | str) -> Settings:
    """The settings the page starts lesson ``name`` with at ``seed``, at the page's
    population (``scenario.live.customers`` or the default; its presentation,
    ``scenario.live.rollout_day``, is applied when the config is built).

    Parameters
    ----------
    name : str
        The lesson (a scenario name).
    seed : int or str
        The seed, as typed on the page.
    """
    return preset_settings(name, Settings(seed_text=str(seed)))


def run_lesson(settings: Settings, checkpoints: Iterable[int] = (LIVE_DAYS,)) -> LessonRun:
    """Run ``settings`` as the page does (config built the page's way, one model day at
    a time) and take the page's snapshot at each checkpoint day (a fixed-stream preset
    stops at its own last day; its snapshot is then taken there).

    Parameters
    ----------
    settings : Settings
        The page's settings.
    checkpoints : iterable of int
        Working days at which to take a snapshot.
    """
    cfg = build_config(settings)
    model = ContactCentreModel(cfg)
    days = sorted(set(checkpoints))
    snaps: dict[int, Snapshot] = {}
    for day in days:
        while model.running and model.day < day:
            model.step()
        snap = take_snapshot(model)
        if snap is not None:
            snaps[day] = snap
    return LessonRun(settings.scenario, settings, cfg, snaps)


def tile_numbers(tile: Tile, snap: Snapshot, judged: str) -> float | None:
    """The number of ``tile`` that ``judged`` ("up", "dashboard down", ...) is about:
    the dashboard's for "dashboard ...", else the real one.

    Parameters
    ----------
    tile : Tile
        A presenter tile.
    snap : Snapshot
        A run's state.
    judged : str
        The tile's entry in ``scenario.live.tiles``.
    """
    return tile.shown(snap) if judged.startswith("dashboard") else tile.value(snap)


def tile_direction(run: LessonRun, other: LessonRun, key: str, judged: str, day: int) -> str | None:
    """``"up"`` / ``"down"`` for the tile ``key`` of ``run`` against ``other`` at ``day``
    (the number ``judged`` names; run so far, same seed), ``None`` when equal or missing.

    Parameters
    ----------
    run, other : LessonRun
        The lesson and its comparison, on the same seed and size.
    key : str
        A tile of :data:`~sim.app.plain.TILES`.
    judged : str
        The tile's entry in ``scenario.live.tiles`` ("up", "dashboard down", ...).
    day : int
        A checkpoint day of both runs.
    """
    tile = TILES[key]
    a = tile_numbers(tile, run.snapshots[day], judged)
    b = tile_numbers(tile, other.snapshots[day], judged)
    if a is None or b is None or a == b:
        return None
    return "up" if a > b else "down"


def tiles_wrong(run: LessonRun, other: LessonRun, day: int) -> dict[str, str | None]:
    """The lesson's judged tiles (``scenario.live.tiles`` other than "show") whose
    direction against the comparison at ``day`` is not the stated one: {tile: what it
    did}; empty when every tile lands.

    Parameters
    ----------
    run, other : LessonRun
        The lesson and its comparison, on the same seed and size.
    day : int
        A checkpoint day of both runs.
    """
    out: dict[str, str | None] = {}
    for key, judged in run.cfg.scenario.live.tiles.items():
        if judged == "show":
            continue
        got = tile_direction(run, other, key, judged, day)
        if got != judged.split()[-1]:
            out[key] = got
    return out


def shows_live(cfg: Config) -> bool:
    """Whether a lesson is judged live: a population-driven KPI lesson (the queue
    validation's fixed call stream is a check of the queue engine, not a lesson).

    Parameters
    ----------
    cfg : Config
        The lesson's config.
    """
    return not fixed_population(cfg)
