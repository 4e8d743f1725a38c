"""``kpisim calibrate`` recovers a simulated centre's known parameters, and refuses bad data.

Round trip: five days of the model's own phone queue (``simulate_day``: FCFS, 6 agents
all day, a known piecewise-constant Poisson arrival profile, lognormal handling, exponential
patience) are written as a call-detail CSV with a mapping; calibrate must recover each
parameter within 3 of its own stated standard errors (a two-sided 3-SE band fails by chance
with probability 0.27% per estimate; seeds are fixed, so the test is deterministic).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.cli import main
from sim.model.queue_kernel import ABANDONED, HANDLED, simulate_day

STEP = 1800.0
RATES_PER_H = np.array([60, 90, 120, 105, 75, 100, 110, 70], float)  # per interval, 09:00-13:00
AGENTS = 6
HANDLE_MEAN, HANDLE_CV = 240.0, 0.8
PATIENCE_MEAN = 200.0
DAYS = ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08"]
MAPPING = """format: calls
columns:
  call_id: id
  arrival: arrived
  answered_at: answered
  ended_at: ended
  outcome: result
  agent: agent
  customer: cust
outcomes: {answered: [OK], abandoned: [ABAN], ignore: [TEST]}
time_format: "%Y-%m-%d %H:%M:%S"
missing: [""]
"""


def _day(rng: np.random.Generator, date: str, first_id: int) -> pd.DataFrame:
    arr = []
    for k, lam in enumerate(RATES_PER_H):
        n = rng.poisson(lam * STEP / 3600.0)
        arr.append(k * STEP + np.sort(rng.uniform(0, STEP, n)))
    a = np.concatenate(arr)
    s2 = np.log(1 + HANDLE_CV**2)
    work = rng.lognormal(np.log(HANDLE_MEAN) - s2 / 2, np.sqrt(s2), len(a))
    pat = rng.exponential(PATIENCE_MEAN, len(a))
    res = simulate_day(a, pat, work, np.ones(AGENTS))
    base = pd.Timestamp(date) + pd.Timedelta(hours=9)

    def ts(x: np.ndarray) -> list[str]:
        return [str(base + pd.Timedelta(seconds=round(v))) for v in x]

    handled = res.kind1 == HANDLED
    assert np.all(handled | (res.kind1 == ABANDONED))
    return pd.DataFrame(
        {
            "id": np.arange(first_id, first_id + len(a)),
            "arrived": ts(a),
            "answered": np.where(handled, ts(res.start1), ""),
            "ended": ts(res.end1),
            "result": np.where(handled, "OK", "ABAN"),
            "agent": np.where(handled, [f"A{j}" for j in res.server1], ""),
            "cust": rng.integers(0, 3000, len(a)),
        }
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cdr")
    rng = np.random.default_rng(20261129)
    frames, first = [], 0
    for date in DAYS:
        frames.append(_day(rng, date, first))
        first += len(frames[-1])
    df = pd.concat(frames, ignore_index=True)
    df.to_csv(d / "calls.csv", index=False)
    (d / "map.yaml").write_text(MAPPING)
    return d


def _run(d: Path, out: Path, data: str = "calls.csv", mapping: str = "map.yaml") -> int:
    return main(
        [
            f"data={d / data}",
            f"mapping={d / mapping}",
            "name=sim_centre",
            f"out={out}",
            "pilot_days=0",
            "backtest=false",
            "progress=false",
        ]
    )


def test_roundtrip_recovers_known_parameters(data: Path, tmp_path: Path) -> None:
    assert _run(data, tmp_path) == 0
    est = json.loads((tmp_path / "sim_centre.estimates.json").read_text())
    arr = est["arrivals"]
    assert arr["interval_start_s"][0] == 9 * 3600 and len(arr["mean"]) == len(RATES_PER_H)
    truth = RATES_PER_H * STEP / 3600.0
    z = (np.array(arr["mean"]) - truth) / np.array(arr["se_poisson"])
    assert np.all(np.abs(z) < 3), z
    h = est["handling"]
    assert h["best"] == "lognormal"
    assert abs(h["mean_s"] - HANDLE_MEAN) < 3 * h["mean_se"], h
    assert abs(h["cv"] - HANDLE_CV) < 3 * h["cv_se"], h
    p = est["patience"]
    assert p["events"] > 100
    assert abs(p["mean_s"] - PATIENCE_MEAN) < 3 * p["mean_se"], p
    s = est["staffing"]
    assert s["agent_ids"] == AGENTS
    # distinct busy agents: a lower bound of the 6 on duty, reached at this load
    assert max(s["agents"]) == AGENTS and min(s["agents"]) >= AGENTS - 1
    assert all(b <= a + 1e-9 for b, a in zip(s["busy"], s["agents"], strict=True))
    centre = (tmp_path / "sim_centre.yaml").read_text()
    assert centre.startswith("# @package _global_")
    assert "intraday_profile: file" in centre and "patience_mean_s" in centre
    prof = pd.read_csv(tmp_path / "sim_centre.profile.csv")
    assert list(prof["interval_start"]) == [
        f"{9 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(8)
    ]


def _mutate(d: Path, tmp: Path, fn, mapping: str | None = None) -> Path:
    df = pd.read_csv(d / "calls.csv", dtype=str, keep_default_na=False)
    df = fn(df)
    if df is None:
        (tmp / "bad.csv").write_text("")
    else:
        df.to_csv(tmp / "bad.csv", index=False)
    (tmp / "map.yaml").write_text(mapping or MAPPING)
    return tmp


def _set(col: str, rows: list[int], value: str):
    def fn(df: pd.DataFrame) -> pd.DataFrame:
        ans = df.index[df["result"] == "OK"]
        for r in rows:
            df.loc[ans[r], col] = value
        return df

    return fn


BAD = {
    "empty file": (lambda df: None, None, ["bad.csv", "empty"]),
    "column not in file": (
        lambda df: df,
        MAPPING.replace("agent: agent", "agent: server"),
        ["bad.csv", "'server'", "columns.agent", "does not exist"],
    ),
    "unparsable time": (
        _set("arrived", [3, 7], "2024-03-04 9h"),
        None,
        ["bad.csv", "arrived", "lines", "'2024-03-04 9h'"],
    ),
    "answer before arrival": (
        _set("answered", [5], "2024-03-04 08:00:00"),
        None,
        ["bad.csv", "answered", "before the arrival", "line"],
    ),
    "negative duration": (
        lambda df: df.assign(h="-5"),
        MAPPING.replace("  agent: agent", "  agent: agent\n  handle_s: h"),
        ["bad.csv", "'h'", "negative duration", "lines 2, 3"],
    ),
    "duplicated call id": (
        _set("id", [1, 2], "77"),
        None,
        ["bad.csv", "'id'", "duplicated", "'77'"],
    ),
    "unknown outcome": (_set("result", [0], "WEIRD"), None, ["bad.csv", "result", "'WEIRD'"]),
    "required key missing": (
        lambda df: df,
        MAPPING.replace("  arrival: arrived\n", ""),
        ["map.yaml", "columns.arrival", "required"],
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_data_message_and_nothing_written(data, tmp_path, capsys, case) -> None:
    fn, mapping, words = BAD[case]
    d = _mutate(data, tmp_path, fn, mapping)
    out = tmp_path / "out"
    assert _run(d, out, data="bad.csv") == 2
    err = capsys.readouterr().err
    assert err.startswith("kpisim calibrate: ") and "Traceback" not in err
    for w in words:
        assert w in err, (w, err)
    assert not (out / "sim_centre.yaml").exists()


def test_ignored_outcomes_are_counted_not_dropped_silently(data, tmp_path) -> None:
    d = _mutate(data, tmp_path, _set("result", [0, 1, 2], "TEST"))
    assert _run(d, tmp_path / "out", data="bad.csv") == 0
    est = json.loads((tmp_path / "out" / "sim_centre.estimates.json").read_text())
    assert est["counts"]["ignored"] == 3
    assert est["counts"]["calls"] == est["counts"]["rows"] - 3


def test_the_centres_cost_figures_go_into_its_file(data: Path, tmp_path: Path) -> None:
    import yaml

    (data / "costs.yaml").write_text(
        "salary_experienced_annual: 40000\nloading: 1.4\n"
        "telephony_per_minute: 0.02\nmargin_rate: 0.25\n"
    )
    code = main(
        [
            f"data={data / 'calls.csv'}",
            f"mapping={data / 'map.yaml'}",
            "name=sim_centre",
            f"out={tmp_path}",
            "pilot_days=0",
            "backtest=false",
            "progress=false",
            f"costs={data / 'costs.yaml'}",
        ]
    )
    assert code == 0
    tree = yaml.safe_load((tmp_path / "sim_centre.yaml").read_text())
    assert tree["employees"]["salary_experienced_annual"] == 40000.0
    assert tree["costs"]["loading"] == 1.4 and tree["costs"]["telephony_per_minute"] == 0.02
    assert tree["customers"]["margin_rate"] == 0.25


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("loading: 0.5\n", "costs.loading=0.5 is out of range"),
        ("salary: 30000\n", "unknown figure 'salary'"),
        ("loading: cheap\n", "loading='cheap' is not allowed: a number"),
        ("salary_experienced_annual: 1000\n", "salary_experienced_annual must be >="),
    ],
)
def test_bad_cost_figures_are_named_and_nothing_written(data, tmp_path, capsys, text, says):
    (data / "costs.yaml").write_text(text)
    out = tmp_path / "out"
    code = main(
        [
            f"data={data / 'calls.csv'}",
            f"mapping={data / 'map.yaml'}",
            "name=sim_centre",
            f"out={out}",
            "pilot_days=0",
            "backtest=false",
            "progress=false",
            f"costs={data / 'costs.yaml'}",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert says in err and "costs.yaml" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_a_failing_pilot_leaves_nothing_behind(data: Path, tmp_path: Path, capsys) -> None:
    """The fixture's opening hours are shorter than the default 8-hour shift, so the
    pilot's config is refused: one message, exit 2, and not even the profile it wrote
    for the pilot is left."""
    out = tmp_path / "out"
    code = main(
        [
            f"data={data / 'calls.csv'}",
            f"mapping={data / 'map.yaml'}",
            "name=sim_centre",
            f"out={out}",
            "pilot_days=1",
            "backtest=false",
            "progress=false",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "workforce.shift_hours" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())
