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
