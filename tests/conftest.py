"""Shared fixtures: small configs that run in well under a second."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sim import load_config

logging.getLogger("MESA").setLevel(logging.WARNING)

#: A small centre: 20,000 customers and 4 agents keep the default staffing ratio.
SMALL = ["customers.n=20000", "employees.n=4", "days=42"]


@pytest.fixture
def small_cfg():
    """A baseline config small enough for unit tests."""
    return load_config("baseline", SMALL)


#: Test modules that start a SLURM or Ray cluster, drive a browser, or run their own pool
#: of two processes (or the session's, ``tests/runs.py``).  Under pytest-xdist
#: (``-n 2 --dist loadgroup``, what ``make test`` runs) they are one unit of work
#: (:func:`pytest_xdist_make_scheduler`), so they run one after another on one worker and
#: never at the same time as each other (two of them at once would ask for four busy
#: processes, or two clusters, on the two cores), and their shared runs stay in one
#: worker's cache; every other module is a unit of its own, so its module fixtures are
#: built once.
EXCLUSIVE = frozenset(
    {
        # live SLURM / Ray clusters and sweeps over process launchers
        "test_clusters.py",
        "test_design_clusters.py",
        "test_sweeps.py",
        # a real browser (playwright + the system's chromium)
        "test_app.py",
        "test_app_export.py",
        "test_app_presenter.py",
        "test_app_random.py",
        "test_compare.py",
        # pools of two processes (test_bad_input: three command-line runs at once)
        "test_app_lessons.py",
        "test_backtest_scheme_change.py",
        "test_bad_input.py",
        "test_breaks.py",
        "test_business_case.py",
        "test_calibrate_infer.py",
        "test_calibration.py",
        "test_channels.py",
        "test_design.py",
        "test_effort.py",
        "test_experiments.py",
        "test_fairness.py",
        "test_incentives.py",
        "test_pool.py",
        "test_scenario_lessons.py",
        "test_settle.py",
        "test_unlearning.py",
        "test_validation_page.py",
    }
)


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """With ``--dist loadgroup``: the :data:`EXCLUSIVE` modules as one unit of work and
    each other module as its own (pytest-xdist's scheduler by scope).  Done here, not by
    ``xdist_group`` marks: pytest-xdist 3.8 passes a mark's group to its scheduler by
    rewriting the test's node id, which pytest 9.2 no longer lets it do, so the marks are
    silently ignored (pytest-dev/pytest-xdist#1386)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ExclusiveScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "exclusive" if Path(path).name in EXCLUSIVE else path

    return ExclusiveScheduling(config, log)
