"""Handle time in its parts, the occupancy cap and the intraday re-forecast
(sim/model/phone_booking.py, planning.py, intraday.py).

* Talk, hold and after-call work (ACW) sum to the handle time, day by day, in the summary
  and call by call in ``calls.parquet``; hold and ACW are their configured shares of
  the issue's work.
* ACW keeps the agent busy: at the same total handle time, moving time from talk to ACW
  changes nothing in the queue (busy time, occupancy, service level identical), and the
  day's busy seconds equal talk + hold + ACW.
* The plan respects the occupancy cap in every interval, and the cap binds where the
  service-level target alone would allow more.
* The intraday re-forecast: on a day whose calls run well below the forecast agents go
  home (VTO) and the team's paid time falls by exactly the booked ``vto_s``; on one well
  above, overtime is added; the paid hours of the day follow (checked against the same
  run without intraday changes, which is identical until the first change).
Everything runs on fixed seeds (no tolerance but floating-point rounding).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load_config
from sim.model import intraday, planning, workforce
from sim.model.centre import ContactCentreModel
from sim.model.planning import FRONT, interval_s
from sim.run import run_simulation

SMALL = ["customers.n=20000", "employees.n=8", "teams.specialists_n=2", "days=30", "seed=3"]
#: The brief's small centre (enough agents that one can be spared on a light day).
CENTRE = ["customers.n=100000", "employees.n=37", "teams.specialists_n=4", "seed=3"]


@pytest.fixture(scope="module")
def run():
    cfg = load_config("baseline", [*SMALL, "export.calls=true"])
    return run_simulation(cfg)


def test_parts_sum_to_handle_time(run):
    d = run.daily
    np.testing.assert_allclose(d["talk_s"] + d["hold_s"] + d["acw_s"], d["handle_s"], rtol=1e-9)
    s = run.summary
    parts = s["aht_talk_s"] + s["aht_hold_s"] + s["aht_acw_s"]
    assert parts == pytest.approx(s["aht_s"], rel=1e-9)
    h = load_config("baseline", SMALL).handling
    # hold and ACW are shares of the work; talk also holds courtesy and the
    # transfer/hang-up legs, so each share of the timer is at most its configured share
    assert 0.5 * h.acw_share < d["acw_s"].sum() / d["handle_s"].sum() <= h.acw_share
    assert 0.5 * h.hold_share < d["hold_s"].sum() / d["handle_s"].sum() <= h.hold_share
    c = run.calls.dropna(subset=["ser_time"])
    total = c["talk_time"] + c["hold_time"] + c["acw_time"]
    # each column is rounded to 0.1 s, and the service time's ends to whole clock seconds
    # only in its clock columns, not in ser_time: three roundings of 0.05 s at most
    assert np.abs(total - c["ser_time"]).max() <= 0.15 + 1e-9


def test_acw_keeps_the_agent_busy(run):
    d = run.daily
    # every leg's timer (talk + hold + ACW) is busy time of its agent
    np.testing.assert_allclose(d["busy_s"], d["talk_s"] + d["hold_s"] + d["acw_s"], rtol=1e-9)
    a = run_simulation(load_config("baseline", [*SMALL, "handling.acw_share=0.0"]))
    b = run_simulation(load_config("baseline", [*SMALL, "handling.acw_share=0.4"]))
    # the same total handle time, split differently: the queue cannot tell talk from ACW
    for key in ("occupancy", "service_level", "abandon_rate", "aht_s"):
        assert a.summary[key] == b.summary[key], key
    assert b.summary["aht_acw_s"] > 5 * max(a.summary["aht_acw_s"], 1e-9) or (
        a.summary["aht_acw_s"] == 0.0 and b.summary["aht_acw_s"] > 0.0
    )


def test_plan_respects_the_occupancy_cap():
    cap = 0.6
    cfg = load_config("baseline", ["customers.n=20000", f"workforce.occupancy_cap={cap}"])
    free = load_config("baseline", ["customers.n=20000", "workforce.occupancy_cap=1.0"])
    n = planning.n_intervals(cfg)
    history = np.tile(40.0 + 60.0 * np.sin(np.linspace(0, np.pi, n)), (5, 1))
    aht = 400.0
    plan = planning.make_plan(cfg, FRONT, 0, history, aht)
    load = plan.offered * aht / interval_s(cfg)
    assert np.all(plan.required >= load / cap - 1e-9), "planned occupancy above the cap"
    uncapped = planning.make_plan(free, FRONT, 0, history, aht)
    # no more than the larger of the two rules asks: the service level's agents or the
    # fewest whole agents within the cap
    assert np.array_equal(
        plan.required, np.maximum(uncapped.required, np.ceil(load / cap - 1e-9))
    ), "more agents than the cap or the service level asks"
    assert np.any(plan.required > uncapped.required), "the cap never binds: test is void"


def _day(volume: float, overrides: tuple[str, ...] = ()):
    """A model run for 25 days (plans and a measured AHT exist), then the next day's
    duties and a forced day: ``volume`` x the plan's forecast, spread evenly in each
    interval; the intraday checks run on it."""
    cfg = load_config("baseline", [*CENTRE, "days=40", *overrides])
    model = ContactCentreModel(cfg)
    for _ in range(25):
        model.step()
    row: dict = {}
    duties = workforce.attend(model, row)
    paid = [float((d.end - d.start).sum()) for d in duties]
    plan, w = model.plans[FRONT], interval_s(cfg)
    counts = np.round(plan.offered * volume).astype(int)
    arrival = np.concatenate(
        [i * w + (np.arange(c) + 0.5) * w / max(c, 1) for i, c in enumerate(counts)]
    )
    intraday.adjust(model, np.sort(arrival), duties, row)
    after = [float((d.end - d.start).sum()) for d in duties]
    _day.teams = (paid, after)  # per team (front line first), for the busy day's check
    return row, sum(paid), sum(after)


def test_vto_on_a_light_day():
    row, before, after = _day(0.6)
    assert row["vto_s"] > 0.0
    assert row["intraday_overtime_s"] == 0.0
    assert after == pytest.approx(before - row["vto_s"], rel=1e-12)
    off, b0, a0 = _day(0.6, ("workforce.intraday.vto=false",))
    assert off["vto_s"] == 0.0 and a0 == b0


def test_overtime_on_a_busy_day():
    row, before, after = _day(1.6)
    (front_before, _), (front_after, _) = _day.teams
    assert row["intraday_overtime_s"] > 0.0
    # the front line, 1.6x its forecast, only gains time; the specialists (sized by the
    # starting pilot above their own re-forecast even at 1.6x) may send spare staff home
    assert front_after > front_before
    assert after == pytest.approx(before + row["intraday_overtime_s"] - row["vto_s"], rel=1e-12)


def test_paid_hours_follow_the_intraday_changes():
    # the configured start: the starting pilot (initial_headcount=plan) runs the intraday
    # checks too, so the two runs would differ from day 0 by their starting staff
    ov = [*CENTRE, "days=40", "workforce.initial_headcount=config"]
    on = run_simulation(load_config("baseline", ov)).daily
    off = run_simulation(load_config("baseline", [*ov, "workforce.intraday.enabled=false"]))
    off = off.daily
    changed = (on["vto_s"] > 0) | (on["intraday_overtime_s"] > 0)
    assert changed.any(), "no intraday change in the run: test is void"
    first = int(np.flatnonzero(changed.to_numpy())[0])
    # identical until the first change (the re-forecast draws no random number)
    cols = ["calls_offered", "paid_hours", "calls_answered", "cost_labour"]
    assert on[cols].iloc[:first].equals(off[cols].iloc[:first])
    r_on, r_off = on.iloc[first], off.iloc[first]
    assert r_on["calls_offered"] == r_off["calls_offered"]
    delta = (r_on["intraday_overtime_s"] - r_on["vto_s"]) / 3600.0
    # overrun (calls past a shift's end) may differ once the shifts differ
    overrun = (r_on["overrun_s"] - r_off["overrun_s"]) / 3600.0
    assert r_on["paid_hours"] - r_off["paid_hours"] == pytest.approx(delta + overrun, abs=1e-9)


def test_intraday_is_reproducible():
    a = run_simulation(load_config("baseline", SMALL)).daily
    b = run_simulation(load_config("baseline", SMALL)).daily
    assert a[["vto_s", "intraday_overtime_s", "paid_hours"]].equals(
        b[["vto_s", "intraday_overtime_s", "paid_hours"]]
    )


def test_calibrate_reads_the_parts(run):
    """The model's own export, read back with the parts mapped: the handle time is their
    sum where only the parts are mapped, and the shares are the run's."""
    from sim.calibrate.calls import call_records
    from sim.calibrate.mapping import check_mapping
    from sim.calibrate.records import handle_shares

    df = run.calls.astype(object).where(run.calls.notna(), "").astype(str)
    cols = {"arrival": "q_start", "date": "date", "wait_s": "q_time", "outcome": "outcome"}
    raw = {
        "format": "calls",
        "columns": {**cols, "talk_s": "talk_time", "hold_s": "hold_time", "acw_s": "acw_time"},
        "outcomes": {"answered": ["AGENT"], "abandoned": ["HANG"]},
        "time_format": "%H:%M:%S",
        "missing": [""],
    }
    rec = call_records(df, check_mapping(raw, "parts"), "calls")
    ans = rec.calls[rec.calls["outcome"] == "answered"]
    np.testing.assert_allclose(
        ans["handle_s"], ans["talk_s"] + ans["hold_s"] + ans["acw_s"], rtol=1e-12
    )
    shares = handle_shares(rec.calls)
    d = run.daily
    # first legs only in the export, all legs in the daily table: close, not equal
    assert shares["acw_share"] == pytest.approx(d["acw_s"].sum() / d["handle_s"].sum(), rel=0.05)
    assert shares["hold_share"] == pytest.approx(d["hold_s"].sum() / d["handle_s"].sum(), rel=0.05)
    no_parts = {**raw, "columns": {**cols, "handle_s": "ser_time"}}
    assert handle_shares(call_records(df, check_mapping(no_parts, "x"), "calls").calls) is None


def test_agent_cover_is_each_agents_on_phone_count_to_the_bit():
    """The re-forecast weighs agents one by one with ``planning.agent_cover`` (all agents
    at once); each row must be ``on_phone_agents`` of that agent alone, bit for bit, so
    the intraday decisions do not depend on how the cover is computed.  Shifts, blocks cut
    to zero, blocks past the shift's end and shifts past closing are all drawn."""
    cfg = load_config("baseline", ["customers.n=2000", "employees.n=8"])
    rng = np.random.default_rng(7)
    open_s = cfg.channels.open_s
    for _ in range(50):
        k = int(rng.integers(1, 30))
        start = rng.uniform(-3600.0, open_s, k)
        end = start + rng.uniform(0.0, 10 * 3600.0, k)
        st = start[:, None] + rng.uniform(0.0, 9 * 3600.0, (k, planning.N_BLOCKS))
        ln = rng.choice([0.0, 900.0, 1800.0, 3600.0], (k, planning.N_BLOCKS))
        got = planning.agent_cover(cfg, start, end, st, ln)
        for i in range(k):
            want = planning.on_phone_agents(cfg, start[i : i + 1], end[i : i + 1], st[i], ln[i])
            assert np.array_equal(got[i], want), i
