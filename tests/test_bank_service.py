"""What closes the service gap of a calibrated real centre (the Anonymous Bank back-test,
docs/calibration.md): agents away while callers wait are not on the phones, a day's calls
per interval vary more than Poisson, and the handle time's CV is the data's.

* ``staffing.on_phone_matrix`` takes an agent's idle gap off the phones while a caller
  waits (a known log, figures by hand);
* ``estimate.interval_cv`` recovers a known per-interval gamma CV from synthetic counts
  within 3 bootstrap SE, and gives about 0 for Poisson counts;
* ``arrivals.interval_busyness`` draws factors of mean 1 and the configured CV (their
  sampling error stated), leaves the shares unchanged at 0, and moves no other draw;
* ``estimate.daily_cv`` recovers a known day busyness CV within 3 SE (its normal-theory
  SE, 7 weekdays x 20 days);
* ``estimate.handling`` takes the lognormal for a sample whose CV excludes 1 and recovers
  a known lognormal CV within 3 bootstrap SE.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.calibrate import staffing
from sim.calibrate.dispersion import daily_cv, interval_cv
from sim.calibrate.estimate import handling
from sim.calibrate.records import CallRecords
from sim.config import load_config
from sim.model.arrivals import interval_busyness

STEP = 1800.0


def _calls(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["day", "arrival_s", "wait_s", "handle_s", "outcome", "agent"]
    ).astype({"day": int, "arrival_s": float, "wait_s": float, "handle_s": float})


def test_idle_gap_while_a_caller_waits_is_off_the_phones() -> None:
    # agent A: calls 0-100 s and 400-500 s (a 300 s gap, bridged: <= GAP_S); a caller
    # waits 150-300 s and abandons.  A was away 150-300 s (150 s); without the caller the
    # gap would count whole.
    base = [(0, 0, 0, 100, "answered", "A"), (0, 400, 0, 100, "answered", "A")]
    waiting = [(0, 150, 150, 0, "abandoned", None)]
    alone = staffing.on_phone_matrix(_calls(base), 1, 1, STEP)
    busy = staffing.on_phone_matrix(_calls(base + waiting), 1, 1, STEP)
    assert alone[0, 0] * STEP == pytest.approx(500.0)
    assert busy[0, 0] * STEP == pytest.approx(500.0 - 150.0)
    # a caller answered within PICKUP_S of the call's end is the agent's own next call
    quick = [(0, 0, 0, 100, "answered", "A"), (0, 100, 3, 100, "answered", "A")]
    assert staffing.on_phone_matrix(_calls(quick), 1, 1, STEP)[0, 0] * STEP == pytest.approx(203)


def _counts(cv: float, seed: int, days: int = 60, k: int = 30, per_day: float = 2000.0):
    rng = np.random.default_rng(seed)
    profile = 1.0 + 0.5 * np.sin(np.linspace(0, math.pi, k))
    profile /= profile.sum()
    if cv > 0:
        shape = 1.0 / cv**2
        f = rng.gamma(shape, 1.0 / shape, (days, k))
    else:
        f = np.ones((days, k))
    lam = per_day * profile * f
    return rng.poisson(lam).astype(float)


@pytest.mark.parametrize("cv", [0.15, 0.3])
def test_interval_cv_recovers_a_known_cv(cv: float) -> None:
    est = interval_cv(_counts(cv, seed=3), [])
    assert est["identified"]
    # sampling error: the bootstrap SE over days (60 days x 30 intervals)
    assert abs(est["value"] - cv) <= 3 * est["se"], est
    assert est["lo"] <= est["value"] <= est["hi"]


def test_interval_cv_of_poisson_counts_is_near_zero() -> None:
    est = interval_cv(_counts(0.0, seed=4), [])
    # moment estimate floored at 0: Poisson counts give 0 or a value within 3 SE of it
    assert est["value"] <= 3 * est["se"] + 1e-9, est


def test_daily_cv_recovers_a_known_cv() -> None:
    rng = np.random.default_rng(6)
    weekday = np.tile(np.arange(7), 20)
    level = np.array([1500, 1600, 1550, 1450, 450, 170, 1400], float)[weekday]
    shape = 1.0 / 0.12**2
    per_day = rng.poisson(level * rng.gamma(shape, 1.0 / shape, len(weekday))).astype(float)
    est = daily_cv(per_day, weekday)
    assert abs(est["value"] - 0.12) <= 3 * est["se"], est
    assert est["df"] == 7 * 19


def test_interval_busyness_has_the_configured_cv() -> None:
    cfg = load_config("baseline", overrides=["demand.interval_volume_cv=0.25", "seed=11"])
    shares = np.full(24, 1.0 / 24)
    days = 200
    f = np.array([interval_busyness(cfg, d, shares) * 24 for d in range(days)])
    assert f.sum(axis=1) == pytest.approx(np.full(days, 24.0))
    # renormalised gamma(16, 1/16) factors over 24 intervals: CV about 0.25 x sqrt(23/24)
    # (the normalisation); 4,800 factors give the sample CV an SE of about 0.003
    cv = f.std() / f.mean()
    assert cv == pytest.approx(0.25 * math.sqrt(23 / 24), abs=0.015)
    again = np.array([interval_busyness(cfg, d, shares) for d in range(3)])
    assert np.array_equal(again * 24, f[:3])  # keyed by the seed and the day only


def test_interval_busyness_off_by_default() -> None:
    cfg = load_config("baseline")
    assert cfg.demand.interval_volume_cv == 0.0
    shares = np.linspace(1, 2, 24) / np.linspace(1, 2, 24).sum()
    assert interval_busyness(cfg, 5, shares) is shares


def _records(h: np.ndarray) -> CallRecords:
    n = len(h)
    calls = pd.DataFrame(
        {
            "day": np.zeros(n, int),
            "arrival_s": np.linspace(0, 3600, n),
            "wait_s": 0.0,
            "handle_s": h,
            "outcome": "answered",
            "agent": "A",
            "talk_s": np.nan,
            "hold_s": np.nan,
            "acw_s": np.nan,
        }
    )
    return CallRecords(calls=calls, dates=[], interval_minutes=30, open_s=3600.0, open_tod_s=0.0)


@pytest.mark.parametrize(("cv", "family"), [(1.5, "lognormal"), (0.6, "lognormal")])
def test_handle_time_cv_recovered_and_family_follows_it(cv: float, family: str) -> None:
    rng = np.random.default_rng(8)
    s2 = math.log(1 + cv**2)
    h = 180.0 * rng.lognormal(-0.5 * s2, math.sqrt(s2), 20_000)
    est = handling(_records(h))
    assert est["model_family"] == family
    # the sample CV's bootstrap SE (heavy tail: larger for CV 1.5)
    assert abs(est["cv"] - cv) <= 3 * est["cv_se"], est


def test_exponential_handle_times_keep_the_aic_choice() -> None:
    h = np.random.default_rng(9).exponential(180.0, 20_000)
    est = handling(_records(h))
    assert est["cv_lo"] <= 1.0 <= est["cv_hi"]
    assert est["model_family"] == "exponential"


def test_days_are_compared_with_their_weekdays_simulated_days() -> None:
    from sim.calibrate.backtest import inside_by_weekday

    rng = np.random.default_rng(2)
    ws = np.tile([0, 5], 20)  # 20 simulated Mondays (about 1000 calls), 20 Saturdays (100)
    sim = np.where(ws == 0, 1000.0, 100.0) + rng.normal(0, 10, len(ws))
    wo = np.array([0, 5, 5])
    obs = np.array([1000.0, 100.0, 1000.0])  # the last: a Saturday with a Monday's volume
    inside, ok = inside_by_weekday(obs, sim, (wo, ws))
    assert ok.all()
    assert inside.tolist() == [True, True, False]
    # a weekday with too few simulated days falls back to the band of all days
    inside, _ = inside_by_weekday(np.array([500.0]), sim[:12], (np.array([5]), ws[:12]))
    assert inside.tolist() == [True]


# --- staffing date by date (``workforce.observed_on_phones_by_date``) ---------------------

SMALL = ["customers.n=100000", "employees.n=37", "teams.specialists_n=4"]
K = 24  # half-hour intervals of the default 12 h day


@pytest.mark.parametrize("mode", ["level", "intervals"])
def test_observed_mode_replays_each_dates_staffing_exactly(mode: str) -> None:
    """A day whose date has a row is staffed with exactly that row's agent-hours: in its
    weekday row's shape (``workforce.observed_dates=level``) or as the row, interval by
    interval (``intervals``); the other days by their weekday's row.  Exact (atol 1e-9):
    the layers sum to the row."""
    from sim.calibrate.centre import override_strings
    from sim.run import run_simulation

    rng = np.random.default_rng(21)
    week = ("mon", "tue", "wed", "thu", "fri")
    table = {w: np.round(rng.uniform(2.0, 12.0, K), 2).tolist() for w in week}
    # dates of the default calendar (from Monday 2024-01-01, weekdays); one row peaks
    # above every weekday's row, so the plan must hire for the busiest date
    dated = {
        f"2024-01-{d:02d}": np.round(rng.uniform(1.0, 18.0, K), 2).tolist() for d in (9, 10, 15)
    }
    dated["2024-01-10"][5] = 30.0
    ov = [*SMALL, "days=14", "seed=3", "workforce.staffing=observed"]
    ov += [f"workforce.observed_dates={mode}"]
    ov += override_strings(
        {"workforce.observed_on_phones": table, "workforce.observed_on_phones_by_date": dated}
    )
    res = run_simulation(load_config("baseline", overrides=ov), keep_model=True, progress=False)
    seen = set()
    for d, phones in res.model.interval_rows:
        date = str(res.model.calendar.date(d))
        row = np.asarray(table[week[int(res.model.calendar.weekday(d))]])
        want = row
        if date in dated:
            own = np.asarray(dated[date])
            want = own if mode == "intervals" else row * own.sum() / row.sum()
        np.testing.assert_allclose(phones[0], want, rtol=0, atol=1e-9, err_msg=date)
        seen.add(date)
    assert set(dated) <= seen  # every dated row was replayed on its date


def test_policy_carries_each_dates_row_and_the_centre_file_reloads_it(tmp_path) -> None:
    """``staffing_policy`` gives each date's own row of the on-phone matrix (not averaged)
    and the weekday rows as their means; the centre file with these rows loads through
    ``centre=`` and through the back-test's override strings (dates are no Hydra key
    path, so the mapping is one override)."""
    from sim.calibrate.centre import centre_yaml, override_strings
    from sim.calibrate.simulate import read_centre

    # two Mondays a week apart, agent A on the phones 0-600 s and 0-1200 s
    calls = _calls(
        [
            (0, 0, 0, 600, "answered", "A"),
            (1, 0, 0, 600, "answered", "A"),
            (1, 600, 0, 600, "answered", "A"),
        ]
    )
    rec = CallRecords(
        calls=calls, open_s=K * STEP, interval_minutes=30, dates=["2024-01-01", "2024-01-08"]
    )
    pol = staffing.staffing_policy(rec, 600.0, 300.0, 20.0)
    by_date = pol["on_phones_by_date"]
    # rounded to 4 decimals as the weekday rows are (the centre file's precision)
    rest = [0.0] * (K - 1)
    assert by_date == {"2024-01-01": [0.3333, *rest], "2024-01-08": [0.6667, *rest]}
    assert pol["on_phones"]["mon"] == pytest.approx([0.5, *rest])
    flat = staffing.policy_overrides(pol)
    assert flat["workforce.observed_on_phones_by_date"] == by_date
    path = tmp_path / "mine.yaml"
    path.write_text(centre_yaml("mine", "calls.csv", flat, ""))
    for cfg in (
        load_config("baseline", overrides=[f"centre={path}"]),
        load_config("baseline", overrides=override_strings(read_centre(path))),
    ):
        got = {k: list(v) for k, v in cfg.workforce.observed_on_phones_by_date.items()}
        assert got == by_date


def test_undated_records_have_no_rows_by_date() -> None:
    calls = _calls([(0, 0, 0, 600, "answered", "A")])
    rec = CallRecords(calls=calls, open_s=2 * STEP, interval_minutes=30)
    pol = staffing.staffing_policy(rec, 600.0, 300.0, 20.0)
    assert pol["on_phones_by_date"] == {}
    assert "workforce.observed_on_phones_by_date" not in staffing.policy_overrides(pol)


@pytest.mark.parametrize("week", [5, 7])
def test_backtest_start_puts_the_warmup_before_the_datas_first_date(week: int) -> None:
    """The back-test's compared days are the data's dates: open day ``warmup`` of the
    calendar from :func:`dated_start` is the data's first date, and the next open days
    follow the data's (five- and seven-day weeks)."""
    from sim.calibrate.backtest_run import dated_start
    from sim.calibrate.centre import override_strings
    from sim.model.calendar import Calendar

    flat: dict[str, object] = {
        "calendar.days_per_week": week,
        "workforce.observed_on_phones_by_date": {"1999-02-01": [1.0] * K},
    }
    dates = ["1999-02-01", "1999-02-02", "1999-02-03"]
    start = dated_start(flat, dates, 10)
    assert start is not None
    ov = override_strings({**flat, "calendar.start_date": start})
    cal = Calendar(load_config("baseline", overrides=ov), 20)
    assert [str(x) for x in cal.dates[10:13]] == dates
    # no per-date staffing, or no dates: the run keeps its own start date
    assert dated_start({"calendar.days_per_week": week}, dates, 10) is None
    assert dated_start(flat, [], 10) is None
    # a first date the calendar does not open (a Sunday in a five-day week)
    if week == 5:
        assert dated_start(flat, ["1999-02-07"], 10) is None


@pytest.mark.parametrize(
    ("override", "words"),
    [
        (["++workforce.observed_on_phones_by_date={2024-02-30: [1.0]}"], ["2024-02-30", "ISO"]),
        (
            ["++workforce.observed_on_phones_by_date={2024-01-02: [1.0, 2.0]}"],
            ["2024-01-02 is not allowed", "24 agent counts"],
        ),
    ],
)
def test_bad_dated_rows_are_named(override: list[str], words: list[str]) -> None:
    from sim.config import ConfigError

    with pytest.raises(ConfigError) as err:
        load_config("baseline", overrides=override)
    msg = str(err.value)
    assert "\n" not in msg.strip()
    for w in words:
        assert w in msg
