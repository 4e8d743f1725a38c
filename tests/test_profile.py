"""Interval arrival profiles: the CSV format and its checks (sim/config/profile.py),
the demand keys, and the profile functions of sim/model/arrivals.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim import ConfigError, load_config
from sim.config.profile import read_profile
from sim.model.arrivals import interval_shares, interval_starts_s, intraday_cdf, weekday_factor

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "profiles" / "bank_lunch_dip.csv"
_SCRIPT = Path(sys.executable).parent / "kpisim"
KPISIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "sim.cli"]


def _times(n, start=8 * 60, step=30):
    return [f"{(start + i * step) // 60:02d}:{(start + i * step) % 60:02d}" for i in range(n)]


def _write(tmp_path, rows, header="interval_start,share", name="p.csv"):
    p = tmp_path / name
    p.write_text("\n".join([header, *rows]) + "\n")
    return p


def _shares_file(tmp_path, shares, **kw):
    return _write(
        tmp_path,
        [f"{t},{float(s)!r}" for t, s in zip(_times(len(shares)), shares, strict=True)],
        **kw,
    )


def test_read_share_and_volume(tmp_path):
    s = np.full(16, 1 / 16)
    assert np.allclose(read_profile(_shares_file(tmp_path, list(s)), 30, 28_800.0), s)
    vol = np.arange(1.0, 17.0)
    rows = [f"{t},{v:g}" for t, v in zip(_times(16), vol, strict=True)]
    p = _write(tmp_path, rows, header="interval_start,volume,aht_s", name="v.csv")
    assert np.allclose(read_profile(p, 30, 28_800.0), vol / vol.sum())


def test_the_example_profile_is_valid():
    shares = read_profile(EXAMPLE, 30, 43_200.0)  # the default 12-hour day
    assert shares.shape == (24,) and abs(shares.sum() - 1.0) < 1e-12
    assert shares[9] < shares[4] and shares[9] < shares[12]  # the lunch dip


BAD = [
    # (id, rows or None for the default, header, what the message must hold)
    ("no_value_column", None, "interval_start,calls", ["header", "share or volume"]),
    ("both_columns", None, "interval_start,share,volume", ["exactly one"]),
    ("bad_time", ["08:00,0.5", "8h30,0.5"], None, ["row 2", "'8h30'", "HH:MM"]),
    ("gap", ["08:00,0.5", "09:00,0.5"], None, ["row 2", "'09:00'", "expected 08:30"]),
    ("negative", ["08:00,1.5", "08:30,-0.5"], None, ["row 2", "share='-0.5'", ">= 0"]),
    ("text", ["08:00,one", "08:30,0"], None, ["row 1", "share='one'", ">= 0"]),
    ("sum", ["08:00,0.5", "08:30,0.4"], None, ["sums to 0.9", "allowed 1"]),
    ("too_few", ["08:00,0.5", "08:30,0.5", "09:00,0"], None, ["3 intervals", "needs 2 rows"]),
    ("midnight", ["23:30,0.5", "00:00,0.5"], None, ["row 2", "passes midnight"]),
]


@pytest.mark.parametrize(("case", "rows", "header", "says"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_rejected(tmp_path, case, rows, header, says):
    p = _write(tmp_path, rows or ["08:00,0.5", "08:30,0.5"], header or "interval_start,share")
    with pytest.raises(ConfigError) as info:
        read_profile(p, 30, 3600.0)
    msg = str(info.value)
    assert "\n" not in msg and str(p) in msg
    for s in says:
        assert s in msg, f"{case}: {s!r} not in {msg!r}"


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        read_profile(tmp_path / "nope.csv", 30, 3600.0)


def test_load_config_reads_and_resolves_the_file(tmp_path, monkeypatch):
    _shares_file(tmp_path, [1 / 16] * 16, name="flat.csv")
    monkeypatch.chdir(tmp_path)
    cfg = load_config(
        "baseline",
        ["demand.intraday_profile=file", "demand.profile_file=flat.csv", "channels.open_s=28800"],
    )  # an 8-hour day: 16 rows
    assert cfg.demand.profile_file == str(tmp_path / "flat.csv")
    assert np.allclose(interval_shares(cfg), 1 / 16)


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        (["demand.intraday_profile=file"], "demand.profile_file=None"),
        (["demand.interval_minutes=20"], "choose one of 15, 30, 60"),
        (
            ["demand.interval_minutes=60", "channels.open_s=27000", "workforce.shift_hours=[4]"],
            "divide the opening hours",
        ),
        (["demand.weekday_factors=[1,1,1,1]"], "five positive numbers"),
        (["demand.weekday_factors=[1,1,0,1,1]"], "five positive numbers"),
    ],
)
def test_demand_keys_are_checked(overrides, says):
    with pytest.raises(ConfigError, match=says.replace("[", r"\[")):
        load_config("baseline", overrides)


def test_bad_file_through_load_config_names_the_key(tmp_path):
    p = _shares_file(tmp_path, [0.5] * 16)
    with pytest.raises(ConfigError, match=r"demand\.profile_file=.*sums to 8"):
        load_config(
            "baseline",
            ["demand.intraday_profile=file", f"demand.profile_file={p}", "channels.open_s=28800"],
        )


def test_two_peaks_per_interval():
    """Peak interval's rate / mean rate = peak_ratio at every interval length."""
    for minutes in (15, 30, 60):
        cfg = load_config(
            "baseline", [f"demand.interval_minutes={minutes}", "demand.peak_ratio=1.6"]
        )
        s = interval_shares(cfg)
        assert s.shape == (int(cfg.channels.open_s) // (60 * minutes),)
        assert s.max() * s.size == pytest.approx(1.6, rel=1e-12)
        assert s.sum() == pytest.approx(1.0)
    flat = load_config("baseline", ["demand.intraday_profile=flat"])
    assert np.allclose(interval_shares(flat), 1 / interval_shares(flat).size)


def test_cdf_is_piecewise_constant_rate():
    """The inverse CDF maps each interval's cumulative share to its boundary and is
    linear inside (constant rate within an interval)."""
    cfg = load_config(
        "baseline", ["demand.intraday_profile=file", f"demand.profile_file={EXAMPLE}"]
    )
    inv = intraday_cdf(cfg)
    shares = interval_shares(cfg)
    cum = np.concatenate([[0.0], np.cumsum(shares)])
    bounds = np.append(interval_starts_s(cfg), cfg.channels.open_s)
    assert np.allclose(inv(cum), bounds)
    mid = 0.5 * (cum[:-1] + cum[1:])
    assert np.allclose(inv(mid), bounds[:-1] + 900.0)
    # arrivals drawn through it land in the intervals in proportion to the shares
    rng = np.random.default_rng(1)
    t = inv(rng.random(200_000))
    counts = np.histogram(t, bins=bounds)[0]
    sd = np.sqrt(200_000 * shares * (1 - shares))
    assert np.all(np.abs(counts - 200_000 * shares) < 5 * sd)  # 5 binomial sds


def test_weekday_factor():
    cfg = load_config("baseline", ["demand.weekday_factors=[1.3,1.1,1.0,0.9,0.7]"])
    f = [weekday_factor(cfg, d) for d in range(10)]
    assert f[:5] == pytest.approx([1.3, 1.1, 1.0, 0.9, 0.7])  # mean already 1
    assert f[5:] == f[:5]
    raw = load_config("baseline", ["demand.weekday_factors=[2,2,2,2,12]"])
    assert [weekday_factor(raw, d) for d in range(5)] == pytest.approx([0.5] * 4 + [3.0])
    assert weekday_factor(load_config("baseline"), 3) == 1.0


@pytest.mark.slow
def test_cli_rejects_a_bad_file_before_writing(tmp_path):
    bad = _write(tmp_path, ["08:00,0.5", "08:45,0.5"], name="bad.csv")
    cwd = tmp_path / "run"
    cwd.mkdir()
    args = ["demand.intraday_profile=file", f"demand.profile_file={bad}", "days=1"]
    proc = subprocess.run(
        [*KPISIM, "run", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "row 2" in lines[0] and "bad.csv" in lines[0]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert list(cwd.iterdir()) == []
