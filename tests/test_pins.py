"""Magnitude pins: the baseline's headline figures stay where they were recorded.

The calibration tests check directions and published ranges, which leave room for real
changes of behaviour: halving every caller's patience keeps abandonment inside 5-8 % and
passes them all.  Here each headline figure of ``tests/golden/baseline_pins.json`` (the
baseline at 1:5 size over 120 days, mean and seed-to-seed sd over 12 recording seeds,
written by ``tests/golden/pins.py``) is checked on ``TEST_SEEDS``, seeds the recording
did not use: with the recorded mean m_r, sd s_r over n_r seeds and the new mean m_t, sd
s_t over n_t seeds,

    s_p = sqrt(((n_r - 1) s_r^2 + (n_t - 1) s_t^2) / (n_r + n_t - 2))
    SE  = s_p * sqrt(1 / n_r + 1 / n_t)

and |m_t - m_r| must not exceed ``LIMIT`` = 4 SE.  Under an unchanged model (m_t - m_r)
/ SE is Student's t with n_r + n_t - 2 = 13 degrees of freedom: beyond 4 with
probability 0.0015 per figure, under 3% for all 18 even if they were independent (they
are correlated, so less).  The runs are deterministic, so the verdict never flickers: it
changes only with the model, and a deliberate change re-records the pins in a commit
that says why.  ``test_pins_catch_halved_patience`` shows they have power.
"""

from __future__ import annotations

import json

import pytest
from golden import pins as p

#: Seeds of the check (none of them a recording seed).
TEST_SEEDS = (0, 1, 2)
#: Standard errors a pinned mean may move.
LIMIT = 4.0


@pytest.fixture(scope="module")
def pins() -> dict:
    """The recorded pins; a failure (not a skip) when the file cannot be read."""
    try:
        return json.loads(p.PINS.read_text())
    except (OSError, ValueError) as e:
        pytest.fail(
            f"{p.PINS.name} missing or unreadable ({type(e).__name__}: {e}): "
            "record it with tests/golden/pins.py"
        )


def test_pins_file_matches_its_recipe(pins):
    assert pins["scenario"] == "baseline" and pins["size"] == p.SIZE
    assert pins["seeds"] == list(p.RECORD_SEEDS)
    assert list(pins["pins"]) == list(p.KEYS)
    for key, pin in pins["pins"].items():
        assert pin["n"] == len(p.RECORD_SEEDS) and pin["sd"] > 0, key
    assert not set(TEST_SEEDS) & set(p.RECORD_SEEDS), "test seeds must be new seeds"


def test_pooled_z_is_the_two_sample_t_statistic():
    pin = {"mean": 10.0, "sd": 2.0, "n": 4}
    # new sample 12, 14: m_t = 13, s_t^2 = 2; s_p^2 = (3*4 + 1*2) / 4 = 3.5
    z = p.pooled_z(pin, [12.0, 14.0])
    assert z == pytest.approx(3.0 / (3.5**0.5 * (1 / 4 + 1 / 2) ** 0.5))
    runs = [{"x": 12.0}, {"x": 14.0}]
    assert p.violations({"x": pin}, runs, limit=z + 0.01) == {}
    assert p.violations({"x": pin}, runs, limit=z - 0.01) == {"x": pytest.approx(z)}


@pytest.mark.slow
def test_baseline_keeps_its_magnitudes(pins):
    runs = p.summaries(TEST_SEEDS, jobs=1)
    bad = p.violations(pins["pins"], runs, LIMIT)
    assert not bad, "\n".join(
        f"{k}: mean {sum(p.values(runs, k)) / len(runs):.6g} vs recorded "
        f"{pins['pins'][k]['mean']:.6g} (sd {pins['pins'][k]['sd']:.3g}): {z:+.1f} SE"
        for k, z in bad.items()
    )


@pytest.mark.slow
def test_pins_catch_halved_patience(pins):
    """Halving every caller's patience (180 s -> 90 s) keeps abandonment inside its
    published 5-8% at the default size (0.075 -> 0.079) and passes every calibration
    test, but cannot pass the pins: callers who give up sooner leave shorter queues, so
    the mean wait falls by half (-13 SE on these seeds) and the service level rises
    (+4.7 SE)."""
    runs = p.summaries(TEST_SEEDS, ["customers.patience_mean_s=90"], jobs=1)
    bad = p.violations(pins["pins"], runs, LIMIT)
    assert "asa_s" in bad, bad
