"""The verdict weighs value, customers, staff and service by one rule and never
contradicts itself: its sentences follow the signs of the comparison table.

The tables are built by :func:`sim.compare.tables.comparison_table` from synthetic paired
replications, so every verdict word comes from the same 95 % intervals as in a real run.
A measure set to move gets a paired difference of ``±1`` with a spread of 1 % of it over
six replications (its interval excludes zero by far); a measure set flat gets differences
``+1, -1`` alternating (mean 0: its interval contains zero).
"""

from __future__ import annotations

import functools
import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim import load_config
from sim.compare import verdict
from sim.compare.metrics import METRICS, SIGN_METRICS
from sim.compare.tables import comparison_table

REPS = 6
#: the measures of the four dimensions that carry a better direction
MEASURES = ("value", "fcr_true", "csat_true", "retention", "employee_satisfaction")
MEASURES += ("staff_turnover_annual", "service_level")
BETTER = {m.key: m.better for m in METRICS}


def _reps(moves: dict[str, int]) -> pd.DataFrame:
    """Paired replications: each metric's proposal minus current is ``moves[key]`` (±1,
    a spread of 1 %) or, for 0 and unnamed metrics, alternating ``±1``."""
    rows = []
    jitter = np.linspace(-0.01, 0.01, REPS)
    for r in range(REPS):
        cur = {"arm": "current", "replication": r}
        pro = {"arm": "proposal", "replication": r}
        for m in METRICS:
            d = moves.get(m.key, 0)
            cur[m.key] = 10.0
            pro[m.key] = 10.0 + (d * (1 + jitter[r]) if d else (1.0 if r % 2 else -1.0))
        rows += [cur, pro]
    df = pd.DataFrame(rows)
    for m in SIGN_METRICS:  # the toxic-sign rows comparison_table also reads: left at 0
        df[m.key] = 0.0
    return df


def _better(moves: dict[str, str]) -> dict[str, int]:
    """``better``/``worse`` per measure as the sign of the difference that means it."""
    out = {}
    for k, v in moves.items():
        up = BETTER[k] == "higher"
        out[k] = (1 if up else -1) * (1 if v == "better" else -1)
    return out


def _table(**moves: str) -> pd.DataFrame:
    return comparison_table(_reps(_better(moves))).set_index("metric")


@functools.cache
def _arm():
    return load_config("baseline", ["days=63"])


def _outcome(t: pd.DataFrame, robust: int = 0, share: float = float("nan")) -> SimpleNamespace:
    """Enough of an Outcome for the verdict: the table, no bridge, no runs."""
    args = SimpleNamespace(rollout_day=21, days=63, replications=REPS, robust=robust)
    arm = _arm()  # both arms measure alike
    return SimpleNamespace(
        table=t.reset_index(),
        plan=SimpleNamespace(args=args, uncertainty={}, cfg_current=arm, cfg_proposal=arm),
        settle=None,
        shares={"value": share},
        bridge=pd.DataFrame(),
        robust=pd.DataFrame(),
        main_results=[],
        reps=pd.DataFrame(),
    )


NAMES = {"current_scheme": "A", "proposal_scheme": "B", "current": "A", "proposal": "B"}


def test_verdicts_come_from_the_intervals():
    t = _table(value="better", retention="worse")
    assert t.loc["value", "verdict"] == "better"
    assert t.loc["retention", "verdict"] == "worse"
    assert t.loc["csat_true", "verdict"] == "no clear change"


def test_value_up_customers_down_is_a_gain_with_a_named_risk():
    line = verdict.decide(_table(value="better", retention="worse"))
    assert "adds value" in line
    assert "customer retention down" in line and "risk" in line
    assert "no clear difference" not in line and "advises against" not in line


def test_all_unclear_is_no_clear_difference():
    line = verdict.decide(_table())
    assert line.startswith("no clear difference")


def test_value_unclear_people_better_is_not_no_clear_difference():
    line = verdict.decide(
        _table(fcr_true="better", csat_true="better", staff_turnover_annual="better")
    )
    assert "does not change measurably" in line
    assert "true first-contact resolution up" in line
    assert "true customer satisfaction up" in line and "staff turnover down" in line
    assert "no clear difference" not in line and "advises against" not in line


def test_value_down_alone_advises_against():
    line = verdict.decide(_table(value="worse"))
    assert "advises against" in line and "costs value" in line


def test_value_not_profit_decides():
    """A scheme that books more profit but loses value (customers written off) is advised
    against: the verdict's money dimension is value."""
    line = verdict.decide(_table(profit="better", value="worse"))
    assert "advises against" in line


def test_robust_caveat_only_on_a_weak_value_gain():
    t = _table(value="better")
    assert "plausible worlds" in verdict.decide(t, 0.5)
    assert "plausible worlds" not in verdict.decide(t, 0.9)
    assert "plausible worlds" not in verdict.decide(t)


@pytest.mark.parametrize("combo", list(itertools.product((None, "better", "worse"), repeat=4)))
def test_sentences_agree_with_the_signs(combo):
    """Every mix of value, a customer, a staff and the service measure: the bottom line
    names every clear move with its direction, says the value's direction, and says "no
    clear difference" only when nothing moved."""
    keys = ("value", "retention", "staff_turnover_annual", "service_level")
    moves = {k: v for k, v in zip(keys, combo, strict=True) if v}
    t = _table(**moves)
    line = verdict.decide(t)
    value = moves.get("value")
    assert ("adds value" in line) == (value == "better")
    assert ("costs value" in line) == (value == "worse")
    assert ("does not change measurably" in line) == (value is None and len(moves) > 0)
    assert line.startswith("no clear difference") == (not moves)
    for k in keys[1:]:
        up = t.loc[k, "difference"] > 0
        phrase = f"{verdict.SHORT[k]} {'up' if up else 'down'}"
        other = f"{verdict.SHORT[k]} {'down' if up else 'up'}"
        assert (phrase in line) == (k in moves), (k, line)
        assert other not in line
    if any(v == "worse" for k, v in moves.items() if k != "value") and value != "worse":
        assert "risk" in line or "advises against" in line or "trade-off" in line
    if value == "worse" and moves.get("retention") == "worse":  # money and customers lost
        assert line.startswith("the model advises against")


def test_dimensions_list_each_dimension_with_its_direction():
    t = _table(value="better", retention="worse", fcr_true="better")
    html = verdict._dimensions(_outcome(t), t)
    assert "<b>Value</b> <span class=better>(better)" in html
    assert "<b>Customers</b> <span class=muted>(mixed)" in html
    assert "<b>Staff</b> <span class=muted>(no clear change)" in html
    assert "<b>Service</b> <span class=muted>(no clear change)" in html
    assert "95% CI" in html and verdict.RULE.split(":")[0] in html


def test_paragraphs_end_with_the_bottom_line_and_never_contradict_it():
    t = _table(fcr_true="better", staff_turnover_annual="better")
    o = _outcome(t)
    paras = verdict.verdict_paragraphs(o, NAMES)
    assert paras[-1] == "<b>Bottom line:</b> " + verdict.bottom_line(o)
    assert not any("no clear difference" in p for p in paras)
    assert not any("no clear change in true resolution" in p for p in paras)
