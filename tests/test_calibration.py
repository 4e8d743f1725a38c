"""The baseline lands in the published ranges of docs/calibration.md, and keeps its size.

One set of baseline runs (default size: 500,000 customers, 100 agents, 250 working days,
seeds 0-2, two spawned processes; about a minute on a 2-core machine) feeds every test
here.  The ranges come from ``experiments/calibration_targets.py``, the one home of the
targets, which also feeds the table of docs/calibration.md.  A figure whose summary key
does not exist yet is skipped, with its name.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

EXPERIMENTS = Path(__file__).resolve().parent.parent / "experiments"
if str(EXPERIMENTS) not in sys.path:
    sys.path.insert(0, str(EXPERIMENTS))

import calibration_table  # noqa: E402
from calibration_targets import DAYS, KINDS, SEEDS, TARGETS  # noqa: E402

#: Customers at the start of the default baseline.
N_START = 500_000


@pytest.fixture(scope="module")
def runs() -> list[dict]:
    return calibration_table.baseline_summaries(SEEDS, DAYS, jobs=2)


def test_targets_are_well_formed():
    assert len({t.key for t in TARGETS}) == len(TARGETS)
    for t in TARGETS:
        assert 0.0 <= t.low < t.high <= 1.0, t
        assert t.kind in KINDS and t.source, t


@pytest.mark.parametrize("target", TARGETS, ids=[t.key for t in TARGETS])
def test_baseline_figure_lies_in_its_published_range(runs, target):
    vals = [r.get(target.key) for r in runs]
    if any(v is None for v in vals):
        pytest.skip(f"summary key {target.key!r} not in the summary yet")
    mean = sum(vals) / len(vals)
    assert target.contains(mean), (
        f"{target.key}: baseline mean {mean:.3f} (seeds {vals}) outside the published "
        f"range {target.low}-{target.high} ({target.source})"
    )


def test_baseline_keeps_its_size(runs):
    """Acquisitions balance churn: active customers at day 250 within +-3% of the start.

    Sampling noise: about 55,000 customers leave and as many join over the year
    (Poisson flows), so the net change has a standard deviation near sqrt(2 x 55,000)
    ~ 330 customers, 0.07% of the base; the +-3% band (15,000) is over 40 standard
    deviations wide, so a failure means drift, not bad luck."""
    for r in runs:
        ratio = r["customers_active_end"] / N_START
        assert abs(ratio - 1.0) <= 0.03, f"seed {r['seed']}: active end / start = {ratio:.4f}"


def test_table_is_rewritten_between_its_markers(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(f"before\n{calibration_table.START}\nold\n{calibration_table.END}\nafter\n")
    rows = [{t.key: (t.low + t.high) / 2 for t in TARGETS if t.key != "absence_rate"}]
    block = calibration_table.table(rows, "note")
    text = calibration_table.rewrite(page.read_text(), block, page)
    assert text.startswith("before\n") and text.endswith("after\n") and "old" not in text
    assert "not in the summary yet" in text  # absence_rate row kept, no value
    with pytest.raises(SystemExit, match="markers"):
        calibration_table.rewrite("no markers", block, page)
