"""Every file of a comparison, written atomically into ``out=DIR``.

CSV tables first, then ``verdict.json``, the resolved configs and the figures;
``report.html`` last, so a folder with a report is complete.  Each file goes to a
temporary name in the same folder and is then renamed (:mod:`sim.outputs`).
"""

from __future__ import annotations

from pathlib import Path

from ..config import to_yaml
from ..outputs import atomic_write_bytes, atomic_write_text
from .figures import all_figures
from .names import arm_names
from .outcome import Outcome
from .page import build_html
from .verdict import verdict_json


def write_all(o: Outcome, out: Path) -> Path:
    """Write CSVs, configs, figures and ``report.html`` (last) into ``out``; return the
    report's path.

    Parameters
    ----------
    o : Outcome
        The finished comparison.
    out : pathlib.Path
        The output folder; it must exist.
    """
    names = arm_names(o)
    atomic_write_text(out / "comparison.csv", o.table.to_csv(index=False))
    atomic_write_text(out / "replications.csv", o.reps.to_csv(index=False))
    atomic_write_text(out / "timeseries.csv", o.series.to_csv(index=False))
    atomic_write_text(out / "money_bridge.csv", o.bridge.to_csv(index=False))
    atomic_write_text(out / "intervals.csv", o.intervals.to_csv(index=False))
    atomic_write_text(out / "smart_check.csv", o.smart.to_csv(index=False))
    if not o.runrate.empty:  # the whole run beside each arm's last weeks
        atomic_write_text(out / "runrate.csv", o.runrate.to_csv(index=False))
    if o.plan.args.robust:
        atomic_write_text(out / "robust.csv", o.robust.to_csv(index=False))
        atomic_write_text(out / "sensitivity.csv", o.sens.to_csv(index=False))
    atomic_write_text(out / "verdict.json", verdict_json(o, names))
    yamls = (to_yaml(o.plan.cfg_current), to_yaml(o.plan.cfg_proposal))
    atomic_write_text(out / "config_current.yaml", yamls[0])
    atomic_write_text(out / "config_proposal.yaml", yamls[1])
    figs = all_figures(o, names)
    for name, png in figs.items():
        atomic_write_bytes(out / f"fig_{name}.png", png)
    page = out / "report.html"
    atomic_write_text(page, build_html(o, figs, names, yamls))
    return page


def write_outputs(o: Outcome) -> Path:
    """Create the folder ``out=`` names and write every output file into it.

    Parameters
    ----------
    o : Outcome
        The finished comparison (its plan's ``out=``).

    Returns
    -------
    pathlib.Path
        The report's path.
    """
    out = Path(o.plan.args.out)
    out.mkdir(parents=True, exist_ok=True)
    return write_all(o, out)
