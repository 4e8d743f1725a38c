"""``kpisim compare``: parse the arguments, plan, run, write the report.

User errors (bad arguments, files or names) end in one line on stderr and exit code 2,
before anything is run or written.
"""

from __future__ import annotations

import sys

from ..config import ConfigError
from ..config.scheme_checks import scheme_warnings
from ..pool import default_jobs
from .args import help_text, parse_args
from .compute import run_compare
from .outputs import write_outputs
from .plan import Plan, build_plan


def _announce(plan: Plan, jobs: int) -> None:
    """One line on stderr: what is compared, how many runs, on how many processes."""
    a = plan.args
    day = "the day the current arm settles" if a.rollout_auto else f"day {a.rollout_day}"
    switch = "identical: no switch" if plan.identical else f"from {day}"
    print(
        f"kpisim compare: {plan.current.label} (current) vs {plan.proposal.label} (proposal, "
        f"{switch}); {a.replications} paired replications of {a.days} days"
        + (f" + {a.robust} robust worlds at {a.robust_scale:g} scale" if a.robust else "")
        + f"; {jobs} process{'es' if jobs > 1 else ''}",
        file=sys.stderr,
    )


def main(argv: list[str]) -> int:
    """Entry point of ``kpisim compare``.

    Parameters
    ----------
    argv : list of str
        The words after ``kpisim compare`` (``key=value``).

    Returns
    -------
    int
        The exit code: 0 when the report is written, 2 on a user error (nothing run or
        written).
    """
    if any(a in ("-h", "--help", "help") for a in argv):
        print(help_text())
        return 0
    try:
        plan = build_plan(parse_args(argv))
    except ConfigError as exc:
        print(f"kpisim compare: {exc}", file=sys.stderr)
        return 2
    jobs = plan.args.jobs or default_jobs()
    for w in dict.fromkeys(scheme_warnings(plan.cfg_current) + scheme_warnings(plan.cfg_proposal)):
        print(f"kpisim compare: warning: {w}", file=sys.stderr)
    _announce(plan, jobs)
    outcome = run_compare(plan, jobs=jobs)
    path = write_outputs(outcome)
    print(f"kpisim compare: done in {outcome.seconds:.0f} s; report: {path}")
    return 0
