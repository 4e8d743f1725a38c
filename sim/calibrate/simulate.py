"""The back-test's simulated side: the calibrated centre run with several seeds.

:func:`centre_config` is the one place that turns the centre's keys into a config (the
baseline scenario with the centre file's keys as overrides; when the ``centre`` config
group is available this becomes ``centre=NAME``).  Each seed runs ``warmup + days``
working days in its own spawned process (a fresh interpreter, as ``kpisim compare``
does) with the opt-in call log (:mod:`sim.model.call_log`) recording the days after
the warm-up.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm

from ..config import Config, ConfigError, load_config
from ..model import ContactCentreModel
from ..model.call_log import attach
from .centre import override_strings


def centre_config(flat: dict[str, object], days: int, seed: int) -> Config:
    """The baseline scenario with the centre's keys (flat ``section.key`` -> value)
    applied, run for ``days`` days with ``seed``."""
    extra = [f"days={days}", f"seed={seed}", "progress=false"]
    return load_config("baseline", overrides=[*override_strings(flat), *extra])


def read_centre(path: Path) -> dict[str, object]:
    """A centre file written by ``kpisim calibrate`` -> its flat keys (``centre`` aside)."""
    try:
        tree = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"centre file {path}: cannot be read ({exc})") from None
    if not isinstance(tree, dict):
        raise ConfigError(f"centre file {path}: not a mapping of config keys")
    flat: dict[str, object] = {}

    def walk(node: dict, prefix: str) -> None:
        for k, v in node.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}{k}.")
            else:
                flat[f"{prefix}{k}"] = v

    walk({k: v for k, v in tree.items() if k != "centre"}, "")
    return flat


def run_seed(job: tuple[dict, int, int, int]) -> dict[str, np.ndarray]:
    """One seed: the logged calls of days ``warmup``.. (renumbered from 0)."""
    flat, days, warmup, seed = job
    model = ContactCentreModel(centre_config(flat, warmup + days, seed))
    log = attach(model, from_day=warmup)
    model.run()
    cols = log.columns()
    cols["day"] = cols["day"] - warmup
    return cols


def simulate(
    flat: dict[str, object], days: int, warmup: int, seeds: list[int], jobs: int = 2,
    progress: bool = False,
) -> list[pd.DataFrame]:  # fmt: skip
    """Call records of each seed (in ``seeds`` order); the results depend on the seeds
    only, not on ``jobs``."""
    work = [(dict(flat), days, warmup, s) for s in seeds]
    out: list[dict | None] = [None] * len(work)
    bar = tqdm(total=len(work), desc="back-test", unit="seed", disable=not progress,
               file=sys.stderr, leave=False)  # fmt: skip
    try:
        if jobs <= 1 or len(work) <= 1:
            for i, w in enumerate(work):
                out[i] = run_seed(w)
                bar.update(1)
        else:
            ctx = mp.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=ctx) as ex:
                futs = {ex.submit(run_seed, w): i for i, w in enumerate(work)}
                for fut in as_completed(futs):
                    out[futs[fut]] = fut.result()
                    bar.update(1)
    finally:
        bar.close()
    return [pd.DataFrame(o) for o in out if o is not None]
