"""Shared helpers of the shipped experiments: sizes, a deterministic run pool, intervals.

Every experiment runs :func:`sim.run_simulation` on a list of configs in a joblib
process pool (``--jobs``).  Each run is deterministic given its config (seed included)
and results come back in the order of the list, so a table is identical whatever the
number of processes.  Sizes:

* default: 100,000 customers, 20 agents, 250 working days (a 1:5 scale model of the
  500,000-customer, 100-agent default centre, same staffing ratio), so that each
  experiment finishes in a few minutes on a 2-core machine;
* ``--quick``: 5,000 customers, 2 agents, 21 days (one pay period) - for tests only.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python experiments/x.py` from a fresh clone
    sys.path.insert(0, str(ROOT))

from sim.config import Config, ConfigError, load_config, to_config  # noqa: E402
from sim.stats import mean_ci  # noqa: E402

#: Population sizes of the experiments (dotted config keys -> value).
DEFAULT_SIZES: dict[str, int] = {"customers.n": 100_000, "employees.n": 20, "days": 250}
QUICK_SIZES: dict[str, int] = {"customers.n": 5_000, "employees.n": 2, "days": 21}


@dataclass(frozen=True)
class Sizes:
    """Population and horizon of an experiment's runs."""

    customers: int
    employees: int
    days: int

    @classmethod
    def pick(cls, quick: bool, **overrides: int) -> Sizes:
        base = QUICK_SIZES if quick else DEFAULT_SIZES
        s = cls(base["customers.n"], base["employees.n"], base["days"])
        return cls(**{**s.__dict__, **{k: v for k, v in overrides.items() if v is not None}})

    def overrides(self) -> dict[str, int]:
        return {"customers.n": self.customers, "employees.n": self.employees, "days": self.days}

    def note(self) -> str:
        """One line for figure captions and CSV columns."""
        return f"{self.customers:,} customers, {self.employees} agents, {self.days} working days"


def base_parser(description: str) -> argparse.ArgumentParser:
    """Arguments every experiment takes: --quick, --out, --jobs, --seeds and sizes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="tiny sizes and grids (for tests)")
    p.add_argument(
        "--out", type=Path, default=ROOT / "results", help="output folder (default: results/)"
    )
    p.add_argument("--jobs", type=int, default=-1, help="worker processes (default -1: all cores)")
    p.add_argument("--seeds", type=int, default=None, help="replications per point")
    p.add_argument("--customers", type=int, default=None, help="customers.n")
    p.add_argument("--employees", type=int, default=None, help="employees.n")
    p.add_argument("--days", type=int, default=None, help="working days simulated")
    return p


_BASES: dict[str, Config] = {}


def make_config(scenario: str, values: dict[str, Any]) -> Config:
    """The scenario's config with dotted-key ``values`` set, validated.

    The scenario is composed by Hydra once and cached; each call then only sets plain
    values (no config-group changes), which is much faster than a full compose.
    """
    from omegaconf import OmegaConf

    if scenario not in _BASES:
        _BASES[scenario] = load_config(scenario)
    conf = OmegaConf.structured(_BASES[scenario])
    for key, value in values.items():
        if OmegaConf.select(conf, key, default="__missing__") == "__missing__":
            raise ConfigError(f"unknown config key {key!r}")
        try:
            OmegaConf.update(conf, key, value, merge=False)
        except Exception as exc:  # omegaconf's type errors: a user error here
            raise ConfigError(f"{key}={value!r}: {str(exc).splitlines()[0]}") from None
    return to_config(conf)


def summary_row(summary: dict[str, Any]) -> dict[str, Any]:
    """Scalar summary keys plus toxic-sign values and flags (``toxic.<sign>.value``)."""
    row = {k: v for k, v in summary.items() if not isinstance(v, dict | list)}
    for name, sign in summary.get("toxic_signs", {}).items():
        row[f"toxic.{name}.value"] = sign.get("value")
        row[f"toxic.{name}.flag"] = sign.get("flag")
    return row


def _run_one(cfg: Config) -> dict[str, Any]:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from sim.run import run_simulation

    return summary_row(run_simulation(cfg).summary)


def run_many(
    configs: Sequence[Config], *, jobs: int = -1, desc: str = "runs"
) -> list[dict[str, Any]]:
    """Run every config; one summary row per config, in the order given.

    ``jobs`` worker processes (joblib/loky; 1 = in this process).  The result does not
    depend on ``jobs``: every run is deterministic given its config.
    """
    from tqdm import tqdm

    if jobs == 1 or len(configs) <= 1:
        return [_run_one(c) for c in tqdm(configs, desc=desc, unit="run", leave=False)]
    from joblib import Parallel, delayed

    par = Parallel(n_jobs=jobs, backend="loky", return_as="generator")
    out = par(delayed(_run_one)(c) for c in configs)
    return list(tqdm(out, total=len(configs), desc=desc, unit="run", leave=False))


def grid_table(
    scenario: str,
    points: Iterable[dict[str, Any]],
    seeds: Sequence[int],
    sizes: Sizes,
    *,
    jobs: int = -1,
    desc: str = "runs",
) -> pd.DataFrame:
    """Run every point of a grid for every seed; one row per run (point keys + summary)."""
    points = list(points)
    configs, labels = [], []
    for point in points:
        for seed in seeds:
            configs.append(make_config(scenario, {**sizes.overrides(), **point, "seed": seed}))
            labels.append({**point, "seed": seed})
    rows = run_many(configs, jobs=jobs, desc=desc)
    df = pd.DataFrame(
        [
            {**lab, **{k: v for k, v in r.items() if k != "seed"}}
            for lab, r in zip(labels, rows, strict=True)
        ]
    )
    df.insert(0, "scenario_name", scenario)
    return df


def summarise(
    df: pd.DataFrame, by: list[str], outcomes: Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """Per group of ``by``: n, and for each outcome its mean, CI half-width, bounds."""
    rows = []
    for key, g in df.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = dict(zip(by, key, strict=True))
        row["n_seeds"] = len(g)
        for o in outcomes:
            m, h = mean_ci(g[o], level)
            row[f"{o}_mean"] = m
            row[f"{o}_ci95"] = h
            row[f"{o}_lo"] = m - h
            row[f"{o}_hi"] = m + h
        rows.append(row)
    return pd.DataFrame(rows)


def add_size_columns(df: pd.DataFrame, sizes: Sizes) -> pd.DataFrame:
    """Record the population sizes in the table itself (they are not the defaults)."""
    df = df.copy()
    df["customers_n"] = sizes.customers
    df["employees_n"] = sizes.employees
    df["days_simulated"] = sizes.days
    return df


def save_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write a CSV atomically (temporary file + rename)."""
    from sim.outputs import atomic_write_text

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, df.to_csv(index=False))
    return path


def save_figure(fig: Any, path: Path) -> Path:
    """Save a matplotlib figure atomically (PNG, 120 dpi) and close it."""
    import os
    import tempfile

    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=120, bbox_inches="tight")
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
        plt.close(fig)
    return path


def use_agg() -> None:
    """Headless plotting."""
    import matplotlib

    matplotlib.use("Agg")


def run_main(main: Callable[[list[str] | None], int]) -> None:
    """Run an experiment's ``main`` with clean one-line errors for bad input."""
    try:
        code = main(None)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = 130
    raise SystemExit(code)
