"""The arguments of ``kpisim calibrate``: the help text, each argument's type and range,
the defaults, and their parsing and checks (``parse_args``; :mod:`.cli` runs the
command)."""

from __future__ import annotations

import re
from pathlib import Path

from ..cliargs import Arg, parse_key_values
from ..config import CONFIG_DIR, ConfigError

HELP = """usage: kpisim calibrate data=FILE mapping=MAP.yaml name=NAME [key=value ...]

Estimate a centre from its own call-detail records or interval reports (CSV or
parquet) and write it as a config group: kpisim run centre=NAME (docs/calibrate.md).

  data=FILE        call-detail records, one row per call, or an interval report, one
                   row per interval (CSV, TSV or parquet; mapping format calls/intervals)
  mapping=MAP      YAML naming which column is which (docs/calibrate.md)
  name=NAME        the centre's name: letters, digits, _ and - (required)
  out=DIR          where to write (default: the repository's configs/centre); use
                   the centre with centre=DIR/NAME.yaml or centre=NAME centre_dir=DIR
  pilot_days=N     days measured by each volume pilot, 0 to skip (default: 40)
  pilot_warmup=N   days each pilot runs first, not measured (default: 10)
  seed=N           seed of the bootstrap and the pilots (default: 0)
  progress=BOOL    show a progress bar (default: true)
  kpis=FILE        KPI history (CSV, one row per pay period or month; an optional
                   scheme column names the scheme in force each period): fit skill,
                   attrition and survey propensity to it and write a posterior sample
  predict_after=P  with kpis=: fit on the history's periods up to and including P
                   (e.g. the last before a scheme change), then predict the later
                   ones with a 90% band and its coverage (default: fit on all)
  costs=FILE       the centre's cost figures (YAML: salaries, on-costs, overhead,
                   telephony, web, hiring, revenue, margin; docs/calibrate.md)
  trials=N         simulations of the fit (default: 60)
  warmup_days=N    simulated days before the history's first period (default: 0)
  backtest=BOOL    simulate the centre and compare it with the data (default: true)
  backtest_only=BOOL  only the back-test, of the existing DIR/NAME.yaml (default: false)
  backtest_seeds=N seeds of the back-test (default: 20; seeds seed+1..seed+N)
  backtest_days=N  working days per seed, 0 = the data's days, at least 20 (default: 0)
  backtest_warmup=N  days each seed runs first, not compared (default: 10)
  jobs=N           processes of the fit and the back-test's seeds (default: 2)

Writes DIR/NAME.yaml, DIR/NAME.profile.csv, DIR/NAME.estimates.json,
DIR/NAME.calibration.csv (DIR/NAME.posterior.csv with kpis=), DIR/NAME.backtest.html
and DIR/NAME.backtest.csv (DIR/NAME.backtest_kpis.csv with kpis=).  Example:
  kpisim calibrate data=calls.csv mapping=examples/calibrate/anonymous_bank.yaml name=bank
"""

#: The arguments of ``kpisim calibrate`` (see :data:`HELP`; ranges in days, seeds, trials
#: and processes).
ARGS = (
    Arg("data", required=True),
    Arg("mapping", required=True),
    Arg("name", required=True),
    Arg("out"),
    Arg("pilot_days", int, 0, 10_000),
    Arg("pilot_warmup", int, 0, 1_000),
    Arg("seed", int, 0, 2**62),
    Arg("progress", bool),
    Arg("kpis"),
    Arg("costs"),
    Arg("trials", int, 4, 100_000),
    Arg("warmup_days", int, 0, 10_000),
    Arg("backtest", bool),
    Arg("backtest_only", bool),
    Arg("backtest_seeds", int, 1, 1_000),
    Arg("backtest_days", int, 0, 10_000),
    Arg("backtest_warmup", int, 0, 1_000),
    Arg("jobs", int, 1, 256),
    Arg("predict_after"),
)
#: The value of each optional argument when it is not given.
DEFAULTS: dict[str, object] = {
    "out": CONFIG_DIR / "centre",
    "pilot_days": 40,
    "pilot_warmup": 10,
    "seed": 0,
    "progress": True,
    "kpis": None,
    "costs": None,
    "trials": 60,
    "warmup_days": 0,
    "backtest": True,
    "backtest_only": False,
    "backtest_seeds": 20,
    "backtest_days": 0,
    "backtest_warmup": 10,
    "jobs": 2,
    "predict_after": None,
}


def parse_args(argv: list[str]) -> dict:
    """``key=value`` words -> a dict of checked arguments (:data:`ARGS`, with
    :data:`DEFAULTS` for those not given; ``out`` a :class:`~pathlib.Path`).

    Parameters
    ----------
    argv : list of str
        The words after ``kpisim calibrate``.
    """
    given, _ = parse_key_values(argv, ARGS, "kpisim calibrate")
    a = {**DEFAULTS, **given}
    if not re.fullmatch(r"[A-Za-z0-9_-]+", a["name"]) or a["name"] == "none":
        raise ConfigError(
            f"name={a['name']!r} is not allowed: letters, digits, _ and -, not 'none'"
        )
    a["out"] = Path(a["out"])
    if a["predict_after"] is not None and not a["kpis"]:
        raise ConfigError(
            f"predict_after={a['predict_after']} needs a KPI history: give kpis=HISTORY.csv"
        )
    return a
