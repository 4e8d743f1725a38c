"""Judging a scenario's lesson by its own numbers: ``scenario.expect`` against paired seeds.

A scenario's YAML states the lesson's expected direction of summary keys against its
``scenario.comparison`` (``{key: "up" | "down"}``).  Both are run on the same seeds; for
each key the paired differences d_s = scenario_s - comparison_s are tested with a
one-sided paired t-test at level ``ALPHA``:

* **held**: the mean difference lies in the expected direction and t = mean / SE is
  beyond the ``1 - ALPHA`` quantile of Student's t with n - 1 degrees of freedom;
* **contradicted**: the same, in the opposite direction;
* **unresolved**: neither (the seeds cannot tell the effect from noise).

With identical differences (SE = 0) the sign alone decides.  A key may name a nested
summary value with dots (``toxic_signs.contradiction.value``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from ..config import ConfigError

#: One-sided level of the paired t-test (2.5%: the two-sided 95% convention).
ALPHA = 0.025
#: The marks of a verdict.
HELD, CONTRADICTED, UNRESOLVED = "held", "contradicted", "unresolved"


def summary_value(summary: dict[str, Any], key: str) -> float | None:
    """The number a summary holds under ``key`` (dots walk into nested dicts); ``None``
    for a missing value (e.g. a rate with no denominator).  Raises ``KeyError`` when
    the key does not exist or does not hold a number.

    Parameters
    ----------
    summary : dict
        A run's summary (``RunResult.summary``).
    key : str
        A summary key, dotted into nested dicts (``toxic_signs.imbalance.value``).
    """
    node: Any = summary
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(key)
        node = node[part]
    if node is None:
        return None
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise KeyError(key)
    return float(node)


def numeric_keys(summary: dict[str, Any]) -> list[str]:
    """The summary keys an expectation may name (top-level numbers).

    Parameters
    ----------
    summary : dict
        A run's summary.
    """
    return sorted(
        k for k, v in summary.items() if isinstance(v, int | float) and not isinstance(v, bool)
    )


def check_keys(scenario: str, expect: dict[str, str], summary: dict[str, Any]) -> None:
    """Every expected key exists in a run's summary, else a ``ConfigError`` naming the
    scenario, the key and the keys allowed.

    Parameters
    ----------
    scenario : str
        The scenario's name (for the message).
    expect : dict of str to str
        Its ``scenario.expect``: summary key to ``"up"`` or ``"down"``.
    summary : dict
        A run's summary.
    """
    for key in expect:
        try:
            summary_value(summary, key)
        except KeyError:
            raise ConfigError(
                f"scenario {scenario!r}: scenario.expect.{key} is not a summary key: choose "
                f"one of {', '.join(numeric_keys(summary))} (or toxic_signs.<sign>.value)"
            ) from None


@dataclass(frozen=True)
class Verdict:
    """One expectation judged on paired seeds."""

    key: str
    direction: str  # "up" | "down"
    scenario_mean: float
    comparison_mean: float
    diff_mean: float  # mean paired difference, scenario - comparison
    diff_se: float  # its standard error
    n: int  # seeds with both values
    mark: str  # HELD | CONTRADICTED | UNRESOLVED


def _mark(diffs: np.ndarray, direction: str) -> tuple[float, str]:
    n = len(diffs)
    if n == 0:
        return float("nan"), UNRESOLVED
    mean = float(diffs.mean())
    se = float(diffs.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    sign = 1.0 if direction == "up" else -1.0
    if n > 1 and se == 0.0:
        t = math.inf * np.sign(mean) if mean else 0.0
    elif n > 1:
        t = mean / se
    else:
        return se, UNRESOLVED
    crit = float(stats.t.ppf(1.0 - ALPHA, n - 1))
    if sign * t > crit:
        return se, HELD
    if -sign * t > crit:
        return se, CONTRADICTED
    return se, UNRESOLVED


def judge(
    scenario: str,
    expect: dict[str, str],
    runs: Sequence[dict[str, Any]],
    comparison_runs: Sequence[dict[str, Any]],
) -> list[Verdict]:
    """Judge every expectation of ``scenario`` on paired summaries (``runs[i]`` and
    ``comparison_runs[i]`` share a seed).

    Parameters
    ----------
    scenario : str
        The scenario's name (for error messages).
    expect : dict of str to str
        Its ``scenario.expect``: summary key to ``"up"`` or ``"down"``.
    runs : sequence of dict
        The scenario's summaries, one per seed.
    comparison_runs : sequence of dict
        The comparison scenario's summaries on the same seeds, in the same order.

    Returns
    -------
    list of Verdict
        One per expected key: both means, the mean paired difference and its standard
        error, the seeds used and the mark (held, contradicted, unresolved).
    """
    if len(runs) != len(comparison_runs):
        raise ValueError("runs and comparison_runs must be paired seed by seed")
    out = []
    for key, direction in expect.items():
        for s in (*runs, *comparison_runs):
            check_keys(scenario, {key: direction}, s)
        pairs = [
            (summary_value(a, key), summary_value(b, key))
            for a, b in zip(runs, comparison_runs, strict=True)
        ]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        a = np.array([p[0] for p in pairs], dtype=float)
        b = np.array([p[1] for p in pairs], dtype=float)
        se, mark = _mark(a - b, direction)
        out.append(
            Verdict(
                key,
                direction,
                float(a.mean()) if len(a) else float("nan"),
                float(b.mean()) if len(b) else float("nan"),
                float((a - b).mean()) if len(a) else float("nan"),
                se,
                len(a),
                mark,
            )
        )
    return out
