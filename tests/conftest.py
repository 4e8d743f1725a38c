"""Shared fixtures: small configs that run in well under a second."""

from __future__ import annotations

import logging

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
#: (``-n 2 --dist loadgroup``) they share one group, so they run one after another on one
#: worker and never at the same time as each other (two of them at once would ask for
#: four busy processes, or two clusters, on the two cores); their shared runs stay in one
#: worker's cache.  Without xdist the mark does nothing.
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the tests of the :data:`EXCLUSIVE` modules in one xdist group."""
    for item in items:
        if item.path.name in EXCLUSIVE:
            item.add_marker(pytest.mark.xdist_group("exclusive"))
