"""Magnitude pins: the baseline's headline figures, recorded as mean and seed-to-seed
spread, so that a change of behaviour that keeps every figure inside its published range
(halving every caller's patience moves abandonment from 0.075 to 0.079, still inside
5-8%) still shows.

``baseline_pins.json`` holds, for the baseline at ``SIZE`` over ``RECORD_SEEDS``, each
key of ``KEYS``: the mean, the seed-to-seed standard deviation (n - 1) and the number of
seeds.  ``tests/test_pins.py`` re-runs the baseline on other seeds and checks each mean
against the recording.  Re-record (only with a deliberate change of behaviour, in a
commit that says why) with ``.venv/bin/python tests/golden/pins.py``.
"""

from __future__ import annotations

import json
import logging
import math
import multiprocessing as mp
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
PINS = HERE / "baseline_pins.json"
#: The baseline at 1:5 of the default centre (100,000 customers, 37 + 4 agents: the same
#: customers per agent in both teams) over 120 working days: under a second per run.
SIZE = ["customers.n=100000", "employees.n=37", "teams.specialists_n=4", "days=120"]
#: Seeds of the recording (the spread is estimated from these).
RECORD_SEEDS = tuple(range(100, 112))
#: The headline figures pinned (summary keys; dots walk into nested values).
KEYS = (
    "abandon_rate",
    "service_level",
    "asa_s",
    "aht_s",
    "teams.front.occupancy",
    "fcr_true",
    "fcr_measured",
    "csat_true",
    "csat_survey",
    "repeat_contact_rate",
    "web_containment",
    "customer_effort",
    "retention",
    "gaming_rate",
    "employee_satisfaction",
    "staff_turnover_annual",
    "cost_total",
    "profit",
)


def summaries(
    seeds: Sequence[int], overrides: Sequence[str] = (), jobs: int = 2
) -> list[dict[str, Any]]:
    """The baseline's summaries at ``SIZE`` on ``seeds``, with extra Hydra
    ``overrides``; ``jobs`` spawned processes when above 1 (runs are deterministic: the
    result does not depend on it)."""
    args = [(s, list(overrides)) for s in seeds]
    if jobs <= 1:
        return [_one(a) for a in args]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
        return list(pool.map(_one, args))


def _one(args: tuple[int, list[str]]) -> dict[str, Any]:
    from sim import load_config, run_simulation

    logging.getLogger("MESA").setLevel(logging.WARNING)
    seed, overrides = args
    return run_simulation(load_config("baseline", [*SIZE, f"seed={seed}", *overrides])).summary


def values(runs: Sequence[dict[str, Any]], key: str) -> list[float]:
    """One figure of every run (``key`` may be dotted)."""
    from sim.outputs.expectations import summary_value

    return [float(summary_value(r, key)) for r in runs]


def mean_sd(xs: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (n - 1) of ``xs``."""
    n = len(xs)
    m = sum(xs) / n
    return m, math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))


def pooled_z(pin: dict[str, float], xs: Sequence[float]) -> float:
    """How many standard errors the mean of ``xs`` lies from a pin's recorded mean.

    With the recording's mean m_r, sd s_r over n_r seeds and the new runs' mean m_t, sd
    s_t over n_t seeds::

        s_p = sqrt(((n_r - 1) s_r^2 + (n_t - 1) s_t^2) / (n_r + n_t - 2))
        SE  = s_p * sqrt(1 / n_r + 1 / n_t)
        z   = (m_t - m_r) / SE

    the two-sample t statistic with a pooled spread: an unchanged model has the same
    seed-to-seed spread in both samples, and pooling keeps a sample of three new seeds
    from setting the scale alone (by chance its sd can be near zero).  With n_t = 1 the
    spread is the recording's."""
    m_r, s_r, n_r = pin["mean"], pin["sd"], int(pin["n"])
    n_t = len(xs)
    m_t, s_t = mean_sd(xs) if n_t > 1 else (xs[0], 0.0)
    s_p = math.sqrt(((n_r - 1) * s_r**2 + (n_t - 1) * s_t**2) / (n_r + n_t - 2))
    return (m_t - m_r) / (s_p * math.sqrt(1.0 / n_r + 1.0 / n_t))


def violations(
    pins: dict[str, dict[str, float]], runs: Sequence[dict[str, Any]], limit: float
) -> dict[str, float]:
    """The pinned keys whose mean over ``runs`` lies more than ``limit`` standard errors
    (:func:`pooled_z`) from the recording: ``{key: z}``."""
    zs = {key: pooled_z(pin, values(runs, key)) for key, pin in pins.items()}
    return {key: z for key, z in zs.items() if not abs(z) <= limit}


def main() -> None:
    """Record ``baseline_pins.json`` from the current code."""
    runs = summaries(RECORD_SEEDS)
    pins = {}
    for key in KEYS:
        m, sd = mean_sd(values(runs, key))
        pins[key] = {"mean": m, "sd": sd, "n": len(runs)}
    doc = {"scenario": "baseline", "size": SIZE, "seeds": list(RECORD_SEEDS), "pins": pins}
    PINS.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
