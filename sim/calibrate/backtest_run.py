"""The back-test stage of ``kpisim calibrate``: simulate the written centre with several
seeds and compare it with the data it was calibrated from, call records
(:func:`~.backtest.compare`) or an interval report (:func:`~.figures.report_figures`
against the simulated calls' :func:`~.figures.figures`), and with the KPI history when
one was given (:mod:`.backtest_kpis`).  Writes ``<name>.backtest.csv``,
``<name>.backtest_kpis.csv`` (with a history) and ``<name>.backtest.html``.

With ``predict_after=PERIOD`` the fit saw the periods up to PERIOD only; each seed then
runs one draw of the posterior sample (:func:`posterior_draws`) over every period of the
history, under its schemes, so the band of a later period is a posterior predictive
interval: parameter uncertainty (the behavioural weights a one-regime history cannot
fix are drawn from their prior) plus the run's own noise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..config import ConfigError
from ..config.paths import resolve_data_path
from ..model.calendar import Calendar
from ..outputs.files import atomic_write_text
from .backtest import compare, compare_figures, csv_text
from .backtest_kpis import compare_kpis
from .backtest_kpis import csv_text as kpi_csv_text
from .figures import figures, report_figures, report_occupancy
from .history import History
from .intervals import IntervalRecords
from .page import build_html, kpi_section, policy_section, prediction_section
from .pilot import volume_warning
from .simulate import centre_config, simulate_runs


def posterior_draws(samples: pd.DataFrame, n: int, seed: int) -> list[dict[str, object]]:
    """``n`` rows of the posterior sample as config keys (``distance`` dropped), drawn
    uniformly with the seeded generator ``[seed, 2]`` (without replacement when the
    sample has at least ``n`` rows).

    Parameters
    ----------
    samples : pandas.DataFrame
        The posterior sample (:class:`~.infer.Posterior` ``samples`` or the CSV).
    n : int
        Draws wanted, one per back-test seed.
    seed : int
        The command's seed.
    """
    rng = np.random.default_rng([seed, 2])
    rows = rng.choice(len(samples), n, replace=len(samples) < n)
    keys = [c for c in samples.columns if c != "distance"]
    return [{k: float(samples.iloc[int(i)][k]) for k in keys} for i in rows]


def centre_posterior(path: Path, predict_after: str | None) -> pd.DataFrame | None:
    """The posterior sample the centre file names (``centre.posterior``: repository-
    relative, absolute, or beside the file) when ``predict_after`` asks for a
    prediction, else None.

    Parameters
    ----------
    path : pathlib.Path
        The centre file.
    predict_after : str or None
        The ``predict_after`` argument.
    """
    if predict_after is None:
        return None
    try:
        rel = ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("centre") or {}).get(
            "posterior"
        )
    except (OSError, yaml.YAMLError, AttributeError):
        rel = None
    if not rel:
        return None
    p = resolve_data_path(str(rel))
    p = p if p.is_file() else path.parent / Path(str(rel)).name
    try:
        return pd.read_csv(p)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"centre.posterior={rel}: cannot be read ({exc})") from None


def dated_start(flat: dict[str, object], dates: list[str], warmup: int) -> str | None:
    """The ``calendar.start_date`` whose open day ``warmup`` is the data's first date, so
    that the compared days are the data's own dates and a centre staffed date by date
    (``workforce.observed_on_phones_by_date``) replays each date's staffing on it; None
    when the centre has no per-date staffing, the records no dates, or the first date
    is not an open day of the centre's calendar (then the run keeps its start date and
    every day is staffed by its weekday).

    Parameters
    ----------
    flat : dict
        The centre's keys (dotted config key -> value).
    dates : list of str
        The records' days, ISO dates in order.
    warmup : int
        Open days run before the compared days.
    """
    by_date = any(
        str(k).startswith("workforce.observed_on_phones_by_date") and v for k, v in flat.items()
    )
    if not by_date or not dates:
        return None
    first = np.datetime64(dates[0], "D")
    lead = np.timedelta64(7 * (warmup + 2) + 14, "D")  # open weeks enough for the warm-up
    cfg = centre_config(dict(flat, **{"calendar.start_date": str(first - lead)}), 1, 0)
    cal = Calendar(cfg, warmup + 7 * (warmup + 4) + 14)
    i = int(np.searchsorted(cal.dates, first))
    if i < warmup or i >= len(cal.dates) or cal.dates[i] != first:
        return None
    return str(cal.dates[i - warmup])


def backtest_stage(
    a: dict,
    rec,
    src: Path,
    flat: dict[str, object],
    hist: History | None = None,
    posterior: pd.DataFrame | None = None,
) -> Path:
    """Simulate the centre ``flat`` and compare it with the records (call records or an
    interval report) and, with ``hist``, the KPI history; write
    ``<out>/<name>.backtest.csv`` (``.backtest_kpis.csv``) and ``.html`` (atomically).

    Parameters
    ----------
    a : dict
        The command's parsed arguments (:mod:`.cli`): ``out``, ``name``, ``seed``,
        ``backtest_seeds``, ``backtest_days`` (0: the data's days, at least 20),
        ``backtest_warmup`` (days), ``jobs``, ``progress``, ``predict_after`` (a
        period label or None).
    rec : CallRecords or IntervalRecords
        The data the centre was calibrated from.
    src : pathlib.Path
        The data file (its name titles the report).
    flat : dict
        The centre's config overrides, dotted key to value (the centre file's keys).
    hist : History, optional
        The KPI history; with it the seeds also run over its periods (under its
        schemes) and are compared per period.
    posterior : pandas.DataFrame, optional
        The posterior sample; with ``predict_after`` each seed runs one of its draws.

    Returns
    -------
    pathlib.Path
        The back-test report ``<out>/<name>.backtest.html``.
    """
    intervals = isinstance(rec, IntervalRecords)
    days = rec.days if intervals else int(rec.calls["day"].max()) + 1
    sim_days = a["backtest_days"] or max(days, 20)
    seeds = [a["seed"] + 1 + i for i in range(a["backtest_seeds"])]
    prof = flat.get("demand.profile_file")
    if prof:  # the spawned workers read the profile: give them an absolute path
        flat = dict(flat, **{"demand.profile_file": str(Path(str(prof)).resolve())})
    start = dated_start(flat, rec.dates, a["backtest_warmup"])
    if start is not None:  # the compared days are the data's dates, staffed as they were
        flat = dict(flat, **{"calendar.start_date": start})
    cfg = centre_config(flat, 1, 0)
    sl_s = float(cfg.channels.service_level_threshold_s)
    predict = hist is not None and a.get("predict_after") is not None
    draws = None
    if predict and posterior is not None:
        draws = posterior_draws(posterior, len(seeds), a["seed"])
    runs = simulate_runs(
        flat,
        sim_days,
        a["backtest_warmup"],
        seeds,
        a["jobs"],
        a["progress"],
        None if hist is None else hist.days,
        None if hist is None else hist.plan,
        draws,
    )
    grid = (rec.open_s, rec.interval_minutes)
    weekdays = None
    if len(rec.dates) == days:  # dated records: each day against its weekday's days
        cal = Calendar(cfg, a["backtest_warmup"] + sim_days)  # every seed's calendar
        weekdays = (
            np.array([pd.Timestamp(d).weekday() for d in rec.dates]),
            np.asarray(cal.weekday(np.arange(sim_days) + a["backtest_warmup"])),
        )
    if intervals:
        o, od = report_figures(rec)
        per, notes = [], []
        for r in runs:
            p, pday = figures(r.calls, sim_days, *grid, sl_s, agents=False)
            if "occupancy" in o and r.on_phones.shape == p["offered"].shape:
                p["occupancy"], pday["occupancy"] = report_occupancy(p, r.on_phones, grid[1])
            per.append((p, pday))
        if "occupancy" in o and any("occupancy" not in p[0] for p in per):
            o.pop("occupancy"), od.pop("occupancy")
            notes.append("occupancy not compared: the model's intervals differ from the report's")
        elif "occupancy" in o:
            notes.append(
                "occupancy of an interval report: answered x AHT / (staffed x the "
                "interval's length); the model's: its agents on the phones"
            )
        bt = compare_figures(
            o,
            od,
            per,
            days,
            sim_days,
            seeds,
            rec.open_s,
            rec.open_tod_s,
            rec.interval_minutes,
            notes,
            weekdays,
        )
    else:
        agents = bool(rec.calls["agent"].notna().any())
        bt = compare(
            rec.calls,
            days,
            [r.calls for r in runs],
            sim_days,
            seeds,
            rec.open_s,
            rec.open_tod_s,
            rec.interval_minutes,
            sl_s,
            agents,
            weekdays,
        )
    out, name = Path(a["out"]), a["name"]
    try:  # the volume pilot's caveat: the simulated centre's volume may be off
        est = json.loads((out / f"{name}.estimates.json").read_text())
    except (OSError, ValueError):
        est = {}
    vol = est.get("volume")
    phones = [r.on_phones for r in runs if r.on_phones is not None and r.on_phones.size]
    policy = policy_section(est.get("policy"), cfg, np.concatenate(phones) if phones else None)
    if volume_warning(vol):
        bt.notes.insert(0, f"Warning: {volume_warning(vol)}")
    section = ""
    if hist is not None:
        n_fit = hist.fitted_periods(a.get("predict_after"))
        kb = compare_kpis(hist, [r.kpis for r in runs], n_fit)
        atomic_write_text(out / f"{name}.backtest_kpis.csv", kpi_csv_text(kb))
        section = kpi_section(kb, Path(hist.path).name) + prediction_section(kb, draws is not None)
    atomic_write_text(out / f"{name}.backtest.csv", csv_text(bt))
    path = out / f"{name}.backtest.html"
    atomic_write_text(
        path, build_html(bt, f"Back-test of the centre {name}", src.name, section, policy)
    )
    return path
