"""``kpisim calibrate`` on kpisim's own export, both formats.

A small centre (25 working days, 25 agents at the start, exponential handling of mean
240 s "as required", exponential patience of mean 200 s) runs with ``export.calls=true``
and behaviour fixed (``behavior.adaptive=false``, ``handling.courtesy_max_s=0``,
``employees.speed_sd=0``) and plain exponential patience
(``customers.patience_repeat_factor=1``: by default a caller back after a bad experience
is less patient, which makes patience a mixture of exponentials). Thoroughness and skill
still make the realised talk time differ from ``handling.mean_s``, so the handle-time
truth is the exported records' own (mean and CV of ``ser_time`` of answered calls); the
patience truth is the config's 200 s; the arrival truth is the model's own count of
calls offered per interval (``model.offered_log``), and the staffing truth its agents on
the phones per interval (``model.interval_rows``).

The interval report is built from the same export (per 30-min interval of arrival:
offered, answered, abandoned, AHT and ASA of answered calls, service level) plus
``staffed`` = the model's mean agents on the phones in the interval of that day, as a
WFM tool logs it (the call records cannot show idle agents).  Tolerances: 3 of the estimate's own
standard errors (a two-sided 3-SE band fails by chance with probability 0.27%; seeds
fixed, so the test is deterministic).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.cli import main
from sim.config import load_config
from sim.run import run_simulation

PATIENCE = 200.0
STEP = 1800
SL_THRESHOLD = 20.0  # channels.service_level_threshold_s, the default
OVERRIDES = [
    "customers.n=60000",
    "employees.n=25",
    "days=25",
    "seed=3",
    "export.calls=true",
    "handling.dist=exponential",
    "handling.mean_s=240",
    f"customers.patience_mean_s={PATIENCE}",
    "behavior.adaptive=false",
    "handling.courtesy_max_s=0",
    "employees.speed_sd=0",
    "customers.patience_repeat_factor=1.0",
]
IMAP = """format: intervals
columns: {interval_start: start, date: date, offered: offered, answered: answered,
          abandoned: abandoned, aht_s: aht, asa_s: asa, staffed: staffed}
missing: [""]
"""
ROOT = Path(__file__).resolve().parents[1]


def _tod(s: pd.Series) -> np.ndarray:
    hms = s.str.split(":", expand=True).astype(float)
    return (hms[0] * 3600 + hms[1] * 60 + hms[2]).to_numpy()


def interval_report(calls: pd.DataFrame, on_phones: np.ndarray) -> pd.DataFrame:
    """Per (date, 30-min interval of arrival): offered, answered, abandoned, AHT and ASA
    of the answered calls, service level (answered within 20 s / offered); staffed from
    ``on_phones`` (days x intervals from 08:00)."""
    ans = (calls["outcome"] == "AGENT").to_numpy()
    j = (_tod(calls["q_start"]) // STEP).astype(int)
    df = pd.DataFrame(
        {
            "date": calls["date"],
            "j": j,
            "ans": ans,
            "ab": ~ans,
            "h": np.where(ans, calls["ser_time"], np.nan),
            "w": np.where(ans, calls["q_time"], np.nan),
            "sl": ans & (calls["q_time"] <= SL_THRESHOLD),
        }
    )
    g = df.groupby(["date", "j"])
    rep = pd.DataFrame(
        {
            "offered": g.size(),
            "answered": g["ans"].sum(),
            "abandoned": g["ab"].sum(),
            "aht": g["h"].mean().round(1),
            "asa": g["w"].mean().round(1),
            "sl": (g["sl"].sum() / g.size()).round(4),
        }
    ).reset_index()
    day = {d: i for i, d in enumerate(sorted(rep["date"].unique()))}
    first = 8 * 3600 // STEP
    pairs = zip(rep["date"], rep["j"], strict=True)
    rep["staffed"] = [round(on_phones[day[d], k - first], 2) for d, k in pairs]
    rep["start"] = [f"{k * STEP // 3600:02d}:{k * STEP % 3600 // 60:02d}" for k in rep["j"]]
    return rep.drop(columns="j")


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("export")
    r = run_simulation(load_config("baseline", overrides=OVERRIDES), keep_model=True)
    m = r.model
    on = np.array([phones[0] for _, phones in m.interval_rows])
    offered = np.array(m.offered_log[0])
    r.calls.to_csv(d / "calls.csv", index=False)
    interval_report(r.calls, on).to_csv(d / "intervals.csv", index=False)
    (d / "imap.yaml").write_text(IMAP)
    ans = r.calls[r.calls["outcome"] == "AGENT"]["ser_time"].to_numpy(float)
    return {
        "dir": d,
        "on_phones": on,
        "offered": offered,
        "handle_mean": ans.mean(),
        "handle_cv": ans.std(ddof=1) / ans.mean(),
    }


def _calibrate(data: Path, mapping: Path, out: Path, name: str) -> dict:
    code = main(
        [
            f"data={data}",
            f"mapping={mapping}",
            f"name={name}",
            f"out={out}",
            "pilot_days=0",
            "backtest=false",
            "progress=false",
        ]
    )
    assert code == 0
    return json.loads((out / f"{name}.estimates.json").read_text())


@pytest.fixture(scope="module")
def both(export, tmp_path_factory) -> tuple[dict, dict, Path]:
    out = tmp_path_factory.mktemp("out")
    d = export["dir"]
    calls = _calibrate(d / "calls.csv", ROOT / "examples/mappings/kpisim_calls.yaml", out, "c")
    iv = _calibrate(d / "intervals.csv", d / "imap.yaml", out, "i")
    return calls, iv, out


def test_calls_recover_the_centre(export, both) -> None:
    est = both[0]
    # arrivals: the model's own count of offered calls per interval, mean over days
    assert np.allclose(est["arrivals"]["mean"], export["offered"].mean(axis=0))
    h = est["handling"]
    assert abs(h["mean_s"] - export["handle_mean"]) < 3 * h["mean_se"], h
    assert abs(h["cv"] - export["handle_cv"]) < 3 * h["cv_se"], h
    assert h["best"] == "exponential" or abs(h["cv"] - 1) < 0.05
    p = est["patience"]
    assert abs(p["mean_s"] - PATIENCE) < 3 * p["mean_se"], p
    # agents on calls (busy) cannot exceed the agents on the phones
    s = est["staffing"]
    assert np.all(np.array(s["busy"]) <= export["on_phones"].mean(axis=0) + 1e-9)


def test_intervals_recover_what_they_identify(export, both) -> None:
    calls, iv, out = both
    a, b = iv["arrivals"], calls["arrivals"]
    assert iv["format"] == "intervals" and a["interval_start_s"] == b["interval_start_s"]
    assert np.allclose(a["mean"], b["mean"]) and np.allclose(a["se"], b["se"])
    assert a["weekday"] == b["weekday"]
    h = iv["handling"]
    assert abs(h["mean_s"] - export["handle_mean"]) < 3 * h["mean_se"], h
    assert not h["family_identified"] and "family and CV" in h["note"]
    p = iv["patience"]
    assert p["identified"] and not p["at_bound"]
    assert abs(p["mean_s"] - PATIENCE) < 3 * p["mean_se"], p
    assert p["method"] == "abandonment identity"
    assert p["identity_lower_bound_s"] < PATIENCE  # a lower bound (docs/calibrate.md)
    s = iv["staffing"]
    on = export["on_phones"]
    assert np.allclose(s["agents"], on.mean(axis=0), atol=0.01)
    assert abs(s["agent_hours_per_day"] - on.sum(axis=1).mean() * STEP / 3600) < 0.05
    centre = (out / "i.yaml").read_text()
    assert "mean_s:" in centre and "patience_mean_s" in centre and "dist:" not in centre


def test_service_level_only_uses_the_erlang_a_fit(export, tmp_path) -> None:
    """Without ASA the patience comes from the least-squares Erlang A fit; its bias on
    this centre (139 s, SE 15, against 200 s) is documented in docs/calibrate.md, so only
    the method and an interior, finite estimate are asserted here."""
    d = export["dir"]
    (tmp_path / "sl.yaml").write_text(IMAP.replace("asa_s: asa", "service_level: sl"))
    est = _calibrate(d / "intervals.csv", tmp_path / "sl.yaml", tmp_path, "sl")
    p = est["patience"]
    assert p["method"] == "Erlang A least-squares fit" and p["identified"]
    assert not p["at_bound"] and p["mean_lo"] < p["mean_s"] < p["mean_hi"]


def _bad(export, tmp_path, fn) -> tuple[int, str]:
    d = export["dir"]
    df = pd.read_csv(d / "intervals.csv", dtype=str, keep_default_na=False)
    fn(df).to_csv(tmp_path / "bad.csv", index=False)
    out = tmp_path / "out"
    code = main(
        [
            f"data={tmp_path / 'bad.csv'}",
            f"mapping={d / 'imap.yaml'}",
            "name=x",
            f"out={out}",
            "pilot_days=0",
            "backtest=false",
            "progress=false",
        ]
    )
    assert not (out / "x.yaml").exists()
    return code, str(out)


def _at(col: str, row: int, value: str):
    def fn(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[row, col] = value
        return df

    return fn


BAD = {
    "negative count": (_at("abandoned", 3, "-1"), ["'abandoned'", "negative count", "line 5"]),
    "answered > offered": (
        _at("answered", 4, "9999"),
        ["'answered'", "more than offered", "line 6"],
    ),
    "unparsable time": (_at("start", 2, "8h30"), ["'start'", "line 4", "'8h30'"]),
    "off the grid": (_at("start", 2, "08:10"), ["'start'", "not on the grid", "'08:10'"]),
    "duplicate interval": (
        lambda df: pd.concat([df, df.iloc[[7]]], ignore_index=True),
        ["'start'", "more than once", "lines 9, 602"],
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_interval_report(export, tmp_path, capsys, case) -> None:
    fn, words = BAD[case]
    code, _ = _bad(export, tmp_path, fn)
    err = capsys.readouterr().err
    assert code == 2 and "bad.csv" in err and "Traceback" not in err
    for w in words:
        assert w in err, (w, err)


def test_shipped_interval_mapping_reads() -> None:
    from sim.calibrate.mapping import read_mapping

    m = read_mapping(ROOT / "examples/mappings/wfm_intervals.yaml")
    assert m.format == "intervals" and m.columns["asa_s"] == ["ASA"]


def test_interval_report_backtest(export, tmp_path) -> None:
    """The back-test of a centre calibrated from an interval report compares the
    report's own figures (offered, answered, abandonment, ASA, AHT, occupancy from
    ``staffed``; this report has no service-level column, so none is compared) with the
    calibrated centre's simulated days (a 10-day pilot sizes the customer base: without
    it the baseline's volume is simulated).  The report is one draw of a kpisim centre
    whose arrivals and patience the calibration recovers (the tests above), so each
    observed (day, interval) value of the volume and queue figures should lie inside the
    model's 90% band of single days with probability near 0.9; 0.7 (the page's misfit
    threshold) leaves room for the bands' estimation error from 2 seeds x 20 days.

    AHT and occupancy are compared but not asserted: today the calibrated centre adds
    the baseline's courtesy time on top of the report's AHT (written as
    ``handling.mean_s``) and staffs fewer agents on the phones than the report's
    ``staffed``, so the back-test flags both (model AHT about 18% above the data) - the
    back-test's job; the fix belongs to the estimates."""
    out = tmp_path / "out"
    d = export["dir"]
    code = main(
        [
            f"data={d / 'intervals.csv'}",
            f"mapping={d / 'imap.yaml'}",
            "name=i",
            f"out={out}",
            "pilot_days=10",
            "progress=false",
            "backtest_seeds=2",
            "backtest_days=20",
            "jobs=1",
        ]
    )
    assert code == 0
    assert (out / "i.backtest.html").exists()
    rows = list(csv.DictReader((out / "i.backtest.csv").open()))
    summ = {r["figure"]: r for r in rows if r["scope"] == "summary"}
    assert set(summ) == {"offered", "answered", "abandonment", "asa_s", "aht_s", "occupancy"}
    assert all(int(r["n_observed"]) > 0 for r in summ.values())
    cov = {f: float(summ[f]["coverage"]) for f in ("offered", "answered", "abandonment", "asa_s")}
    assert all(c >= 0.7 for c in cov.values()), cov
