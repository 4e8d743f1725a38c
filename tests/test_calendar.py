"""The calendar: open days and their dates, opening hours per weekday, rotas with days
off, booked leave, and the round trip of a seven-day centre through ``kpisim calibrate``.

The round trip (the judged check): a synthetic seven-day centre with a weekend pattern
(the public Anonymous Bank's week: Sunday to Thursday busy, Friday short, Saturday
evening only) runs with ``export.calls=true``; its call log is read back as a user's
export would be, the weekday volumes and opening hours are estimated
(``estimate.arrivals``), the centre keys written (``centre.calendar_keys``) and the
weekday factors fitted by the pilots (``pilot.pilot_volume``); the calibrated centre
then runs on another seed and its own export is estimated the same way.

Tolerances, from sampling error only (fixed seeds):

* weekday volumes: each weekday's factor (mean calls that weekday / mean calls a day)
  of the calibrated centre lies within 3 SE of the original's, SE = sqrt(se_a^2 +
  se_b^2), each ``se`` the estimator's own: the weekday's day-to-day spread / sqrt(days)
  over the mean day (it carries Poisson noise, the busyness factor and repeats);
* opening hours: each weekday's estimated opening and closing (``2 first - second``
  arrival, unbiased for a Poisson stream) lies within 3 SE of the true hour (SE: the
  day-to-day spread / sqrt(days)), and the snapped hours written to the centre file
  equal the true ones.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import ConfigError, load_config, run_simulation
from sim.calibrate import estimate
from sim.calibrate.calls import call_records
from sim.calibrate.centre import calendar_keys, override_strings
from sim.calibrate.pilot import pilot_volume
from sim.calibrate.records import as_strings
from sim.calibrate.simulate import own_mapping
from sim.model import ContactCentreModel
from sim.model.calendar import Calendar, on_leave, on_rota
from sim.model.planning import FRONT
from sim.model.roster import days_off_patterns

SMALL = ["customers.n=20000", "employees.n=20", "teams.specialists_n=3"]
#: The synthetic seven-day centre: the bank's weekday pattern (Monday first) and hours.
BANK = [
    "calendar.days_per_week=7",
    "calendar.day_start_h=7",
    "channels.open_s=61200",
    "demand.weekday_factors=[1.30,1.35,1.39,1.25,0.38,0.16,1.27]",
    "calendar.open_hours=[[7,24],[7,24],[7,24],[7,24],[7,14],[20,24],[7,24]]",
]
TRUE_HOURS = [(7, 24)] * 4 + [(7, 14), (20, 24), (7, 24)]
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def test_default_calendar_is_the_five_day_week():
    cfg = load_config("baseline")
    cal = Calendar(cfg, 30)
    want = np.busday_offset(np.datetime64("2024-01-01"), np.arange(30), roll="forward")
    assert (cal.date(np.arange(30)) == want).all()
    assert [cal.volume(d) for d in range(10)] == [1.0] * 10
    assert cal.propensity(3) == 1.0


def test_seven_day_calendar_skips_holidays_and_closed_weekdays():
    cfg = load_config(
        "baseline",
        [
            "calendar.days_per_week=7",
            "calendar.holidays=[2024-01-03]",
            "calendar.open_hours=[[8,20],[8,20],[8,20],[8,20],[8,20],[8,20],null]",
        ],
    )
    cal = Calendar(cfg, 12)
    got = [str(x) for x in cal.date(np.arange(6))]
    # Monday 1 Jan; Wednesday 3 Jan a holiday; Sunday 7 Jan closed
    assert got == ["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-05", "2024-01-06",
                   "2024-01-08"]  # fmt: skip
    assert cal.week(5) == 1 and cal.week(4) == 0


def test_seasonality_scales_the_month():
    cfg = load_config("baseline", ["calendar.seasonality=[2,1,1,1,1,1,1,1,1,1,1,1]"])
    cal = Calendar(cfg, 40)
    jan, feb = 0, int(np.argmax(cal.date(np.arange(40)) >= np.datetime64("2024-02-01")))
    assert cal.volume(jan) == pytest.approx(2 / (13 / 12))
    assert cal.volume(feb) == pytest.approx(1 / (13 / 12))


@pytest.mark.parametrize(
    "override, words",
    [
        (["calendar.days_per_week=6"], "calendar.days_per_week"),
        (["calendar.days_per_week=7", "demand.weekday_factors=[1,1,1,1,1]"], "seven positive"),
        (["calendar.open_hours=[[8,20],[8,20],[8,20],[8,20],[8,21]]"], "open_hours[4]"),
        (["calendar.open_hours=[[8,20],[8,20],[8,20],[8,20],[8,20],[9,12],null]"], "sat"),
        (["calendar.holidays=[2024-13-01]"], "calendar.holidays"),
        (["calendar.seasonality=[1,2]"], "calendar.seasonality"),
    ],
)
def test_bad_calendar_is_refused_in_one_line(override, words):
    with pytest.raises(ConfigError) as err:
        load_config("baseline", override)
    assert words in str(err.value)


def test_days_off_patterns_cover_each_weekday():
    need = np.array([9, 9, 10, 9, 4, 2, 9])
    heads, patterns = days_off_patterns(need, np.arange(7), 5)
    assert heads == max(10, int(np.ceil(need.sum() / 5)))
    assert len(patterns) == heads and all(len(p) == 2 for p in patterns)
    at_work = heads - np.array([sum(w in p for p in patterns) for w in range(7)])
    assert (at_work >= need).all()
    # the quiet weekdays carry the days off
    assert at_work[5] < at_work[2] and at_work[4] < at_work[2]
    # five open weekdays, five work days: no days off, headcount the busiest day
    assert days_off_patterns(need, np.arange(5), 5) == (10, [])


def test_booked_leave_takes_the_share_in_whole_weeks():
    cfg = load_config("baseline", [*SMALL, "calendar.leave=booked"])
    model = ContactCentreModel(cfg)
    weeks = np.array([[on_leave(cfg, s, w) for w in range(170)] for s in model.staff])
    assert weeks.mean() == pytest.approx(1 / 17, abs=0.002)  # round(1 / 0.06) = 17
    assert (weeks.sum(axis=1) == 10).all()  # every employee, 10 weeks in 170


def test_rota_gives_days_off_and_follows_the_weekday_plans():
    cfg = load_config(
        "baseline",
        SMALL + BANK + ["calendar.leave=booked", "workforce.annual_leave_share=0", "days=60"],
    )
    model = ContactCentreModel(cfg)
    for _ in range(35):  # past the first re-plan: the rota follows the weekday forecasts
        model.step()
    team = [s for s in model.staff if s.team == FRONT]
    start = model.day + (7 - int(model.calendar.weekday(model.day))) % 7  # a Monday
    worked = {id(s): 0 for s in team}
    at_work = []
    for d in range(start, start + 7):
        model.day = d
        todays = on_rota(model, FRONT, team)
        at_work.append(len(todays))
        for s in todays:
            worked[id(s)] += 1
    assert max(worked.values()) <= cfg.calendar.work_days_per_week
    # more people on the busy weekdays (Sunday to Thursday) than on Friday and Saturday
    assert min(at_work[:4] + at_work[6:]) > max(at_work[4:6])


def _estimates(result, cfg):
    """The weekday volumes and opening hours of a run's own export after a week of
    warm-up, read as a user's export would be."""
    calls = result.calls[result.calls["day"] >= 7]
    m = own_mapping(cfg)
    used = list(dict.fromkeys(c for cols in m.columns.values() for c in cols))
    rec = call_records(as_strings(calls[used].reset_index(drop=True)), m, "export")
    return estimate.arrivals(rec)


def test_seven_day_centre_round_trips():
    days = 7 + 70  # a week of warm-up, then ten weeks
    cfg_a = load_config("baseline", [*SMALL, *BANK, f"days={days}", "seed=1", "export.calls=true"])
    arr_a = _estimates(run_simulation(cfg_a), cfg_a)

    # opening hours: each weekday's estimate within 3 SE of the truth, snapped exactly
    hours = arr_a["opening_hours"]
    for name, (o, c) in zip(WEEK, TRUE_HOURS, strict=True):
        h = hours[name]
        assert abs(h["open_est_h"] - o) <= 3 * h["open_se_h"], (name, h)
        assert abs(h["close_est_h"] - c) <= 3 * h["close_se_h"], (name, h)
        assert (h["open_h"], h["close_h"]) == (o, c)

    keys = calendar_keys(arr_a)
    assert keys["calendar.days_per_week"] == 7
    assert keys["calendar.day_start_h"] == 7
    assert keys["calendar.open_hours"] == [list(h) for h in TRUE_HOURS]

    # the centre: the estimated calendar keys, the weekday factors fitted by the pilots
    # (the volume itself is not under test here: the original's customers.n)
    flat = {
        "customers.n": 20000,
        "employees.n": 20,
        "teams.specialists_n": 3,
        "channels.open_s": 61200.0,
        **keys,
    }
    vol = pilot_volume(flat, arr_a["calls_per_day"], days=140, warmup=7, seed=5, iterations=3)
    flat["demand.weekday_factors"] = vol["weekday_factors"]
    cfg_b = load_config(
        "baseline", [*override_strings(flat), f"days={days}", "seed=2", "export.calls=true"]
    )
    arr_b = _estimates(run_simulation(cfg_b), cfg_b)
    for name in WEEK:
        a, b = arr_a["weekday"][name], arr_b["weekday"][name]
        se = np.hypot(a["se"], b["se"])
        assert abs(a["factor"] - b["factor"]) <= 3 * se, (name, a, b)
