"""A ``kpisim design`` process killed by a signal in the middle of its search resumes
when the same command is run again, and finishes with no candidate evaluated twice.

The command runs as a user would start it (``python -m sim.cli design``, its own
process) on a tiny centre (5,000 customers, 8 agents, 20 days: a few seconds a run);
the test polls the study's storage and kills the process once two candidates are
evaluated, with SIGTERM (Python's default: the process ends at once, no clean-up) or
SIGKILL.  The test reads the storage directly with Optuna, not through kpisim.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parent.parent
TINY = ["days=20", "customers.n=5000", "employees.n=8", "teams.specialists_n=1"]
BUDGET = 5
COMMAND = ["design", f"budget={BUDGET}", "seed=2", "held_out=0", "jobs=1", "out=d", *TINY]
#: kill once this many candidates are evaluated (fewer than the budget)
KILL_AFTER = 2


def _complete(out: Path) -> list[optuna.trial.FrozenTrial]:
    """The completed trials in the design's storage (none before it exists)."""
    if not (out / "design.db").is_file():
        return []
    try:
        study = optuna.load_study(study_name="design", storage=f"sqlite:///{out / 'design.db'}")
    except (KeyError, OperationalError):  # the storage is being created, or locked
        return []
    return study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killed_design_resumes_and_repeats_no_evaluation(tmp_path, sig):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "sim.cli", *COMMAND]
    out = tmp_path / "d"
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        end = time.monotonic() + 300
        while len(_complete(out)) < KILL_AFTER:
            assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
            assert time.monotonic() < end, "no two candidates evaluated in 300 s"
            time.sleep(0.1)
        proc.send_signal(sig)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -sig  # killed, not finished
    before = {t.number: (t.params, t.values, t.datetime_complete) for t in _complete(out)}
    assert KILL_AFTER <= len(before) < BUDGET
    killed_at = time.time()

    again = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, timeout=600)
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    assert f"{BUDGET} schemes evaluated" in again.stdout.decode()
    done = _complete(out)
    assert len(done) == BUDGET  # exactly the budget: nothing evaluated twice, nothing lost
    params = [t.params for t in done]
    assert all(params.count(p) == 1 for p in params), "a candidate was evaluated twice"
    # the candidates evaluated before the kill were kept as they were, not re-run
    after = {t.number: (t.params, t.values, t.datetime_complete) for t in done}
    assert {n: after[n] for n in before} == before
    new = [t for t in done if t.number not in before]
    assert len(new) == BUDGET - len(before)
    assert all(t.datetime_start.timestamp() >= killed_at - 1 for t in new)
    assert (out / "front.csv").is_file() and (out / "design.html").is_file()
