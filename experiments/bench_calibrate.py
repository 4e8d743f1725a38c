"""Speed of ``kpisim calibrate`` on one month of a 100-agent centre (docs/calibrate.md, "Speed").

usage: .venv/bin/python experiments/bench_calibrate.py [--quick] [--out DIR] [--json PATH]

1. Makes the data with kpisim itself: ``kpisim run customers.n=1000000 employees.n=100
   handling.mean_s=100 days=21 seed=0 export.calls=true`` (about 240,000 calls, 11,500
   a day, 11% abandoned), and writes ``calls.parquet`` as a CSV, as an ACD exports it.
2. Times, each as its own ``kpisim calibrate`` process with the progress bar on (as a
   user runs it) and the shipped mapping ``examples/mappings/kpisim_calls.yaml``:
   (a) the estimates only (``pilot_days=0 backtest=false``); (b) with the default volume
   pilot (``backtest=false``); (c) the defaults (pilot and back-test: 20 seeds, 2 jobs).
3. Prints a table (and ``--json``): wall seconds per stage, calls, and the load average
   (the machine may be shared: quote the figures with it).

``--quick``: 3 days of 20 agents, for tests of the script only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
KPISIM = [sys.executable, "-m", "sim.cli"]
MAPPING = ROOT / "examples" / "mappings" / "kpisim_calls.yaml"


def _timed(args: list[str]) -> float:
    """Wall seconds of ``kpisim ARGS`` (run from the repository root; stderr, with
    the progress bar, passes through)."""
    t = time.perf_counter()
    subprocess.run([*KPISIM, *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=None, help="working folder (default: temp)")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    size = (
        ["customers.n=100000", "employees.n=20", "days=3"]
        if a.quick
        else ["customers.n=1000000", "employees.n=100", "days=21"]
    )
    work = a.out or Path(tempfile.mkdtemp(prefix="bench_calibrate_"))
    work.mkdir(parents=True, exist_ok=True)
    res: dict = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count()}
    res["export_s"] = _timed(
        [
            "run",
            *size,
            "handling.mean_s=100",
            "seed=0",
            "export.calls=true",
            f"output_dir={work / 'run'}",
        ]
    )
    calls = pd.read_parquet(work / "run" / "calls.parquet")
    calls.to_csv(work / "calls.csv", index=False)
    res["calls"] = len(calls)
    res["days"] = int(calls["day"].max()) + 1
    common = [f"data={work / 'calls.csv'}", f"mapping={MAPPING}", f"out={work / 'out'}"]
    stages = {
        "estimates_only_s": ["pilot_days=0", "backtest=false"],
        "with_pilot_s": ["backtest=false"],
        "defaults_s": [],
    }
    if a.quick:
        stages = {
            k: [*v, "pilot_days=5", "backtest_seeds=2", "backtest_days=3"]
            for k, v in stages.items()
        }
    for key, extra in stages.items():
        res[key] = _timed(["calibrate", *common, f"name={key.removesuffix('_s')}", *extra])
    res["load_average_after"] = os.getloadavg()
    print(f"{res['calls']:,} calls in {res['days']} days (export {res['export_s']:.0f} s)")
    for key in stages:
        print(f"  {key.removesuffix('_s'):<16} {res[key]:7.1f} s")
    print(f"load average before/after: {res['load_average_before']} / {res['load_average_after']}")
    if a.json:
        a.json.write_text(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
