"""The back-test's simulated side: the calibrated centre run with several seeds.

:func:`centre_config` is the one place that turns the centre's keys into a config (the
baseline scenario with the centre file's keys as overrides; when the ``centre`` config
group is available this becomes ``centre=NAME``).  Each seed runs ``warmup + days``
working days in its own spawned process (a fresh interpreter, as ``kpisim compare``
does) with the call-detail export on (``export.calls=true``); the export's calls of the
days after the warm-up go through the same loader and mapping as a user's export of a
kpisim run (:func:`~.calls.call_records` with :data:`KPISIM_CALLS`, the mapping of
``examples/mappings/kpisim_calls.yaml``), so the observed and the simulated records
pass the same rules before :mod:`.figures` sees them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm

from ..config import Config, ConfigError, load_config
from ..config.calendar import day_start_h
from ..model import ContactCentreModel
from ..model.calendar import Calendar
from ..outputs import daily_frame
from ..outputs.calls import calls_frame
from ..pool import map_in_order
from .calls import call_records
from .centre import override_strings
from .figures import COLUMNS
from .kpi_sim import period_kpis
from .mapping import Mapping, check_mapping
from .records import as_strings
from .schemes import SchemePlan

#: The mapping of kpisim's own call-detail records, as shipped in
#: ``examples/mappings/kpisim_calls.yaml`` (tests/test_backtest.py keeps the two equal).
KPISIM_CALLS: dict[str, object] = {
    "format": "calls",
    "columns": {
        "arrival": "q_start",
        "date": "date",
        "answered_at": "ser_start",
        "ended_at": "ser_exit",
        "wait_s": "q_time",
        "handle_s": "ser_time",
        "outcome": "outcome",
        "agent": "server",
        "customer": "customer_id",
        "disposition": "disposition",
    },
    "outcomes": {"answered": ["AGENT"], "abandoned": ["HANG"], "ignore": []},
    "time_format": "%H:%M:%S",
    "missing": [""],
}


def centre_config(flat: dict[str, object], days: int, seed: int, calls: bool = False) -> Config:
    """The baseline scenario with the centre's keys (flat ``section.key`` -> value)
    applied, run for ``days`` days with ``seed`` (and the call-detail export if ``calls``).

    Parameters
    ----------
    flat : dict
        The centre's keys (dotted config key -> value), as :func:`read_centre` gives them.
    days : int
        Working days to run.
    seed : int
        The run's seed.
    calls : bool
        Whether the run exports its call-detail records (``export.calls``).
    """
    extra = [f"days={days}", f"seed={seed}", "progress=false", f"export.calls={str(calls).lower()}"]
    return load_config("baseline", overrides=[*override_strings(flat), *extra])


def read_centre(path: Path) -> dict[str, object]:
    """A centre file written by ``kpisim calibrate`` -> its flat keys (``centre`` aside).

    Parameters
    ----------
    path : Path
        The centre file (``configs/centre/<name>.yaml``).
    """
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
    prof = flat.get("demand.profile_file")
    if isinstance(prof, str) and prof and not Path(prof).is_absolute():
        beside = Path(path).resolve().parent / prof
        if beside.exists():  # written beside a centre file outside the repository
            flat["demand.profile_file"] = str(beside)
    return flat


def own_mapping(cfg: Config) -> Mapping:
    """:data:`KPISIM_CALLS` with the opening hours and intervals of the run ``cfg`` (the
    export's clock: the day grid from ``calendar.day_start_h``).

    Parameters
    ----------
    cfg : Config
        The simulated run's config.
    """
    open_tod = round(3600.0 * day_start_h(cfg))
    close_tod = open_tod + round(cfg.channels.open_s)

    def hhmm(t: int) -> str:
        return f"{t // 3600:02d}:{t % 3600 // 60:02d}"

    raw = dict(
        KPISIM_CALLS,
        open_time=hhmm(open_tod),
        close_time=hhmm(close_tod),
        interval_minutes=int(cfg.demand.interval_minutes),
    )
    return check_mapping(raw, "kpisim_calls (the back-test's simulated side)")


def export_records(calls: pd.DataFrame, cfg: Config, warmup: int, src: str) -> pd.DataFrame:
    """The exported calls (``RunResult.calls``) of days ``warmup``.. as the back-test's
    canonical frame (:data:`~.figures.COLUMNS`, days renumbered from 0): read as a
    user's export would be, with :func:`own_mapping` (``src`` names them in messages).

    Parameters
    ----------
    calls : DataFrame
        The run's exported calls (``RunResult.calls``).
    cfg : Config
        The run's config (its clock and intervals).
    warmup : int
        Working days left out at the start.
    src : str
        What the records are, in messages.
    """
    kept = calls[calls["day"] >= warmup]
    if kept.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})
    m = own_mapping(cfg)
    used = list(dict.fromkeys(c for cols in m.columns.values() for c in cols))
    rec = call_records(as_strings(kept[used].reset_index(drop=True)), m, src)
    out = rec.calls[list(COLUMNS)].copy()
    # open days by the run's calendar, so that a day without calls keeps its place
    dates = rec.calls["date"].to_numpy().astype("datetime64[D]")
    cal = Calendar(cfg, int(calls["day"].max()) + 1)
    out["day"] = np.searchsorted(cal.dates, dates) - warmup
    return out


@dataclass
class SeedRun:
    """One seed's run as the back-test reads it: the call records of the compared days
    (:data:`~.figures.COLUMNS`, days from 0), the front line's agents on the phones per
    (day, interval) of those days (the model's own log, what a WFM report's ``staffed``
    shows) and, when the history's periods were given, the per-period KPIs of
    :func:`~.kpi_sim.period_kpis` (else None)."""

    calls: pd.DataFrame
    on_phones: np.ndarray
    kpis: dict | None = None


def seed_run(job: tuple) -> SeedRun:
    """One seed: ``job`` = (flat, days, warmup, seed[, period_days[, plan]]).  With the history's
    ``period_days`` (working days per period) the run lasts ``warmup`` + max(days, their
    sum) days and its daily table is measured per period as the history is; the calls
    are those of days ``warmup``..``warmup + days - 1`` either way.

    Parameters
    ----------
    job : tuple
        ``(flat, days, warmup, seed[, period_days[, plan]])``: the centre's keys, the
        working days compared, the warm-up days, the seed, the history's working days
        per period (None: no history) and its schemes (:class:`~.schemes.SchemePlan`;
        None: the centre's scheme throughout).
    """
    flat, days, warmup, seed, *rest = job
    period_days = np.asarray(rest[0], int) if rest and rest[0] is not None else None
    plan = rest[1] if len(rest) > 1 else None
    total = max(days, int(period_days.sum())) if period_days is not None else days
    cfg = centre_config(flat, warmup + total, seed, calls=True)
    csat: str | list[str] = cfg.scheme.kpis.csat.definition
    if plan is not None and period_days is not None:
        cfg, csat = plan.apply(cfg, period_days, warmup), plan.csat_definitions()
    model = ContactCentreModel(cfg)
    model.run()
    calls = calls_frame(model)  # RunResult.calls, without the run's other tables
    assert calls is not None  # the export is on
    rec = export_records(calls, cfg, warmup, f"simulated calls (seed {seed})")
    rec = rec[rec["day"] < days].reset_index(drop=True)
    on = np.array(
        [np.asarray(ph[0], float) for _, ph in model.interval_rows[warmup : warmup + days]]
    )
    kpis = None
    if period_days is not None:
        daily = daily_frame(model)
        kpis = period_kpis(daily, period_days, warmup, csat)
    return SeedRun(rec, on, kpis)


def run_seed(job: tuple[dict, int, int, int]) -> pd.DataFrame:
    """One seed: the exported calls of days ``warmup``.. (renumbered from 0).

    Parameters
    ----------
    job : tuple
        ``(flat, days, warmup, seed)`` as for :func:`seed_run`.
    """
    return seed_run(job).calls


def simulate_runs(
    flat: dict[str, object],
    days: int,
    warmup: int,
    seeds: list[int],
    jobs: int = 2,
    progress: bool = False,
    period_days: np.ndarray | None = None,
    plan: SchemePlan | None = None,
    draws: list[dict[str, object]] | None = None,
) -> list[SeedRun]:
    """:func:`seed_run` of each seed (in ``seeds`` order); the results depend on the
    seeds only, not on ``jobs``.

    Parameters
    ----------
    flat : dict
        The centre's keys (dotted config key -> value), as :func:`read_centre` gives them.
    days : int
        Working days compared, after the warm-up.
    warmup : int
        Working days each seed runs first, not compared.
    seeds : list of int
        One run per seed.
    jobs : int
        Worker processes at most (:mod:`sim.pool`); 1 runs here.
    progress : bool
        Show a progress bar (on stderr), one step per finished seed.
    period_days : numpy.ndarray, optional
        The KPI history's working days per period: each run is then measured per
        period as the history is (:func:`seed_run`).
    plan : SchemePlan, optional
        The history's schemes (with ``period_days``); None: the centre's scheme.
    draws : list of dict, optional
        Per seed, config keys that override the centre's (a posterior draw each: the
        prediction's parameter uncertainty); None: the centre's keys for every seed.
    """
    pd_ = None if period_days is None else [int(x) for x in period_days]
    extra = draws or [{} for _ in seeds]
    work = [
        (dict(flat, **x), days, warmup, s, pd_, plan) for s, x in zip(seeds, extra, strict=True)
    ]
    bar = tqdm(
        total=len(work),
        desc="back-test",
        unit="seed",
        disable=not progress,
        file=sys.stderr,
        leave=False,
    )
    try:
        return map_in_order(seed_run, work, jobs, done=bar.update)
    finally:
        bar.close()


def simulate(
    flat: dict[str, object],
    days: int,
    warmup: int,
    seeds: list[int],
    jobs: int = 2,
    progress: bool = False,
) -> list[pd.DataFrame]:
    """Call records of each seed (in ``seeds`` order).

    Parameters
    ----------
    flat : dict
        The centre's keys (dotted config key -> value), as :func:`read_centre` gives them.
    days : int
        Working days compared, after the warm-up.
    warmup : int
        Working days each seed runs first, not compared.
    seeds : list of int
        One run per seed.
    jobs : int
        Worker processes at most; 1 runs here.
    progress : bool
        Show a progress bar (on stderr).
    """
    return [r.calls for r in simulate_runs(flat, days, warmup, seeds, jobs, progress)]
