"""The back-test of ``kpisim calibrate``: files, columns, and whether it can tell a fit
from a misfit.

A small centre (the baseline scenario with 40,000 customers and 20 agents) plays the data:
its own exported calls (``export.calls``, read back as the back-test reads them) of one
seed are the "observed" records.
Simulated with the same keys and other seeds, the observed data is one more draw from
the same model, so each observed (day, interval) value lies inside the 90% band of
single simulated days with probability about 0.9 (less the quantiles' estimation error
from 4 x 10 simulated days, a few points); over 10 days x 24 intervals, with the
intervals of a day correlated through the day's staffing and repeats, the realised
coverage stays far above the 0.7 threshold (its standard deviation is a few points; the
seeds below give 0.85-0.92).  With the handle-time mean doubled, the model's AHT rises by
about 80% (the fixed parts of a call - courtesy, transfers - do not double), while an
interval's mean AHT over about 20 answered calls with CV near 1 varies by about 25%: the
observed values fall below the band, so AHT must be flagged, the model above the data.
Seeds are fixed; the test is deterministic.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.backtest import CSV_COLUMNS, FIT_COVERAGE, compare, csv_text, misfits
from sim.calibrate.calls import call_records
from sim.calibrate.cli import main
from sim.calibrate.figures import COLUMNS, FIGURES
from sim.calibrate.mapping import read_mapping
from sim.calibrate.records import load_table
from sim.calibrate.simulate import centre_config, own_mapping, run_seed, simulate
from sim.run import run_simulation

ROOT = Path(__file__).resolve().parents[1]

#: The data's centre starts at its configured 20 agents: with the starting pilot
#: (``workforce.initial_headcount: plan``) each seed sizes its own starting staff from a
#: 10-day pilot, so seeds differ by more than one centre's days do (seed 100's days run
#: 8% above seeds 1-4's), and a 10-day back-test would judge the pilot, not the fit.
CENTRE = {"customers.n": 40_000, "employees.n": 20, "workforce.initial_headcount": "config"}
DAYS, WARMUP, SEEDS = 10, 5, [1, 2, 3, 4]


def _compare(observed: pd.DataFrame, flat: dict) -> object:
    cfg = centre_config(flat, 1, 0)
    sims = simulate(flat, DAYS, WARMUP, SEEDS, jobs=1)
    step = 60.0 * cfg.demand.interval_minutes
    return compare(
        observed,
        DAYS,
        sims,
        DAYS,
        SEEDS,
        float(cfg.channels.open_s),
        0.0,
        int(cfg.demand.interval_minutes),
        float(cfg.channels.service_level_threshold_s),
        True,
    ), step


@pytest.fixture(scope="module")
def observed() -> pd.DataFrame:
    return pd.DataFrame(run_seed((CENTRE, DAYS, WARMUP, 100)))


def test_simulated_side_reads_the_export_as_a_user_would(tmp_path: Path) -> None:
    """The back-test's simulated records are the run's call-detail export read with the
    shipped mapping (examples/mappings/kpisim_calls.yaml), as a user's CSV copy of it
    would be: the same rows, the warm-up days dropped, one record per call offered.
    (That the export changes no outcome is tests/test_centre.py's.)"""
    shipped = read_mapping(ROOT / "examples/mappings/kpisim_calls.yaml")
    own = own_mapping(centre_config(CENTRE, 1, 0))
    for key in ("columns", "outcomes", "time_format", "missing", "missing_by_column"):
        assert getattr(own, key) == getattr(shipped, key), key
    warmup, days, seed = 1, 3, 7
    res = run_simulation(centre_config(CENTRE, warmup + days, seed, calls=True))
    res.calls.to_csv(tmp_path / "calls.csv", index=False)
    rec = call_records(load_table(tmp_path / "calls.csv", shipped), shipped, "calls.csv")
    assert rec.open_tod_s == 8 * 3600  # the export's opening, found by the loader
    user = rec.calls[rec.calls["day"] >= warmup][list(COLUMNS)].reset_index(drop=True)
    user["day"] -= warmup
    sim = run_seed((CENTRE, days, warmup, seed))
    pd.testing.assert_frame_equal(sim.reset_index(drop=True), user, check_dtype=False)
    per_day = np.bincount(sim["day"].to_numpy(int), minlength=days)
    assert per_day.tolist() == res.daily["calls_offered"].tolist()[warmup:]


def test_model_fits_its_own_data(observed: pd.DataFrame) -> None:
    bt, _ = _compare(observed, CENTRE)
    assert bt.figures == list(FIGURES)
    s = bt.summary.set_index("figure")
    assert (s["coverage"] >= FIT_COVERAGE).all(), s[["coverage", "rel_bias"]]
    assert misfits(bt) == []
    rows = list(csv.reader(csv_text(bt).splitlines()))
    assert tuple(rows[0]) == CSV_COLUMNS
    scopes = [r[0] for r in rows[1:]]
    k = len(bt.interval_start_s)
    assert scopes.count("interval") == k * len(FIGURES)
    assert scopes.count("day") == scopes.count("summary") == len(FIGURES)


def test_wrong_handle_time_is_flagged(observed: pd.DataFrame) -> None:
    cfg = centre_config(CENTRE, 1, 0)
    wrong = dict(CENTRE, **{"handling.mean_s": 2 * cfg.handling.mean_s})
    bt, _ = _compare(observed, wrong)
    s = bt.summary.set_index("figure")
    assert not s.loc["aht_s", "fits"] and s.loc["aht_s", "rel_bias"] > 0.5, s
    assert any(m.startswith("AHT") and "above the data" in m for m in misfits(bt))


MAPPING = """format: calls
columns: {arrival: arrival, wait_s: wait, handle_s: handle, outcome: outcome, agent: agent,
          date: date}
outcomes: {answered: [answered], abandoned: [abandoned]}
open_time: "08:00"
close_time: "16:30"
"""


def test_calibrate_writes_backtest_files(observed: pd.DataFrame, tmp_path: Path) -> None:
    """The CLI's last stage writes the CSV (documented columns) and a self-contained HTML."""
    o = observed.head(3000)
    dates = pd.Timestamp("2024-03-04") + pd.to_timedelta(o["day"], unit="D")
    tod = 8 * 3600 + o["arrival_s"]
    pd.DataFrame(
        {
            "date": dates.dt.strftime("%Y-%m-%d"),
            "arrival": [
                f"{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d}:{int(t) % 60:02d}" for t in tod
            ],
            "wait": o["wait_s"].round(1),
            "handle": o["handle_s"].round(1),
            "outcome": o["outcome"],
            "agent": o["agent"].fillna(""),
        }
    ).to_csv(tmp_path / "calls.csv", index=False)
    (tmp_path / "map.yaml").write_text(MAPPING)
    out = tmp_path / "out"
    args = [
        f"data={tmp_path / 'calls.csv'}",
        f"mapping={tmp_path / 'map.yaml'}",
        "name=t",
        f"out={out}",
        "pilot_days=0",
        "progress=false",
        "backtest_seeds=2",
        "backtest_days=3",
        "backtest_warmup=0",
        "jobs=1",
    ]
    assert main(args) == 0
    rows = list(csv.reader((out / "t.backtest.csv").open()))
    assert tuple(rows[0]) == CSV_COLUMNS
    html = (out / "t.backtest.html").read_text()
    assert "data:image/png;base64," in html and "Where the model does not fit" in html
    assert 'src="http' not in html
    # backtest_only re-runs the last stage on the existing centre file
    (out / "t.backtest.csv").unlink()
    assert main([*args, "backtest_only=true"]) == 0
    assert (out / "t.backtest.csv").exists()
    assert json.loads((out / "t.estimates.json").read_text())["counts"]["calls"] > 0


def test_kpi_band_covers_one_more_run_and_flags_a_shift() -> None:
    """The KPI history's band is a 90% prediction interval for one more run: with 5
    normal "seeds" per period and a history that is one more draw, each of 60 periods
    lies inside with probability 0.9 exactly (t interval), so the coverage is 0.9 +- 0.04
    (binomial sd over 60 periods); 0.7 is 5 sd below.  A history shifted by 4 sd of the
    runs lies inside with probability below 0.1 (|z| < 2.2 of a t-band around +4): flagged."""
    from sim.calibrate.backtest_kpis import CSV_COLUMNS as KCOLS
    from sim.calibrate.backtest_kpis import compare_kpis
    from sim.calibrate.backtest_kpis import csv_text as kcsv
    from sim.calibrate.backtest_kpis import misfits as kmis
    from sim.calibrate.history import History

    rng = np.random.default_rng(11)
    n, mu, sd = 60, 300.0, 10.0
    runs = [{"aht_s": rng.normal(mu, sd, n), "fcr": rng.normal(0.7, 0.02, n)} for _ in range(5)]
    obs = {"aht_s": rng.normal(mu, sd, n), "fcr": rng.normal(0.7, 0.02, n) + 0.08}
    h = History("h.csv", [str(i + 1) for i in range(n)], np.full(n, 21), obs)
    kb = compare_kpis(h, runs)
    s = kb.summary.set_index("kpi")
    assert s.loc["aht_s", "coverage"] >= FIT_COVERAGE and s.loc["aht_s", "fits"]
    assert s.loc["aht_s", "mae"] < 3 * sd  # |one draw - mean of 5| has sd 1.1 x sd
    assert not s.loc["fcr", "fits"] and s.loc["fcr", "bias"] < 0
    assert len(kmis(kb)) == 1 and "FCR" in kmis(kb)[0] and "below" in kmis(kb)[0]
    rows = list(csv.reader(io.StringIO(kcsv(kb))))
    assert tuple(rows[0]) == KCOLS and len(rows) == 1 + 2 * n + 2


def test_backtest_with_kpi_history(observed: pd.DataFrame, tmp_path: Path) -> None:
    """``kpis=`` with the back-test: the history's KPIs per period against the seeds',
    in ``<name>.backtest_kpis.csv`` and the page (files and columns; the band's
    statistics are tested above)."""
    o = observed.head(3000)
    dates = pd.Timestamp("2024-03-04") + pd.to_timedelta(o["day"], unit="D")
    tod = 8 * 3600 + o["arrival_s"]
    pd.DataFrame(
        {
            "date": dates.dt.strftime("%Y-%m-%d"),
            "arrival": [
                f"{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d}:{int(t) % 60:02d}" for t in tod
            ],
            "wait": o["wait_s"].round(1),
            "handle": o["handle_s"].round(1),
            "outcome": o["outcome"],
            "agent": o["agent"].fillna(""),
        }
    ).to_csv(tmp_path / "calls.csv", index=False)
    (tmp_path / "map.yaml").write_text(MAPPING)
    (tmp_path / "hist.csv").write_text("period,aht_s,fcr,abandon_rate\n1,260,0.8,0.05\n")
    out = tmp_path / "out"
    args = [
        f"data={tmp_path / 'calls.csv'}",
        f"mapping={tmp_path / 'map.yaml'}",
        "name=t",
        f"out={out}",
        "pilot_days=0",
        "progress=false",
        "backtest_seeds=2",
        "backtest_days=3",
        "backtest_warmup=0",
        "jobs=1",
        "backtest=false",
    ]
    assert main(args) == 0
    assert main([*args[:-1], "backtest_only=true", f"kpis={tmp_path / 'hist.csv'}"]) == 0
    rows = list(csv.DictReader((out / "t.backtest_kpis.csv").open()))
    summ = {r["kpi"]: r for r in rows if r["scope"] == "summary"}
    assert set(summ) == {"aht_s", "fcr", "abandon_rate"}
    assert all(r["sim_mean"] != "" for r in summ.values())
    html = (out / "t.backtest.html").read_text()
    # three charts: the figures over the day, the staffing policy, the KPI history
    assert "KPI history" in html and html.count("data:image/png;base64,") == 3
    assert "Staffing policy" in html and "workforce.staffing=<b>observed</b>" in html
