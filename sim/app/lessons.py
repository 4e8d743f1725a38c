"""A lesson run headless, as the page runs it, and what the room should see in it.

The page loads a lesson with :func:`~sim.app.settings.preset_settings` and
:func:`~sim.app.settings.build_config`, steps a :class:`~sim.model.ContactCentreModel`
a few working days per redraw (the ghost baseline alongside: the ``baseline`` preset,
same seed and population) and reads each redraw with
:func:`~sim.app.snapshot.take_snapshot`.  :func:`run_lesson` does the same without a
browser, so a test and ``experiments/app_lessons.py`` can check that a lesson shows its
point within :data:`LIVE_DAYS` working days: the signs it declares
(``scenario.signs``) lit, or its expected directions (``scenario.expect``) showing
against the run the lesson is compared with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..config import Config
from ..model import ContactCentreModel
from ..outputs.expectations import summary_value
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
    default population (its presentation, ``LESSON_PRESENTATION``, is applied when the
    config is built).

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


def direction(run: LessonRun, other: LessonRun, key: str, day: int) -> str | None:
    """``"up"`` / ``"down"`` for ``key`` of ``run`` against ``other`` at ``day`` (run so
    far, same seed), ``None`` when equal or missing.

    Parameters
    ----------
    run, other : LessonRun
        The lesson and its comparison, on the same seed.
    key : str
        A summary key (dotted into nested dicts).
    day : int
        A checkpoint day of both runs.
    """
    a = summary_value(run.snapshots[day].summary, key)
    b = summary_value(other.snapshots[day].summary, key)
    if a is None or b is None or a == b:
        return None
    return "up" if a > b else "down"


#: Lessons whose judged keys (``scenario.expect``) need more than 120 days, and what the
#: room sees of the same point on the tiles by then, against the same comparison.
#: ``remove_aht_metric_supported`` is judged on the morale dip and the expected quits
#: over four pay periods on each side of the change (168 days); 57 days after the
#: removal the run so far already shows staff morale higher with the support (pay
#: protection, retraining, communication) and the protected bonus paid.
#: ``smart_not_measurable``'s morale dip comes from bonuses that swing with luck against an
#: adapting reference point; by day 120 (five pay periods) it has not shown in every run
#: (staff morale higher in one of five seeds), while the score's lost link to the
#: customers' truth has.
LIVE_EXPECT: dict[str, dict[str, str]] = {
    "remove_aht_metric_supported": {"employee_satisfaction": "up", "bonus_paid": "up"},
    "smart_not_measurable": {"toxic_signs.not_informing_decisions.score_truth_corr": "down"},
}


def live_expect(cfg: Config) -> dict[str, str]:
    """The directions a lesson shows live against its comparison within
    :data:`LIVE_DAYS`: :data:`LIVE_EXPECT` where the judged keys need longer, else the
    lesson's own ``scenario.expect``.

    Parameters
    ----------
    cfg : Config
        The lesson's config.
    """
    return LIVE_EXPECT.get(cfg.scenario.name, dict(cfg.scenario.expect))


def shows_live(cfg: Config) -> bool:
    """Whether a lesson is judged live: a population-driven KPI lesson (the queue
    validation's fixed call stream is a check of the queue engine, not a lesson).

    Parameters
    ----------
    cfg : Config
        The lesson's config.
    """
    return not fixed_population(cfg)
