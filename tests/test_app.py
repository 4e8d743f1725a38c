"""The trainers' app (the ``sim/app/`` package and its ``kpisim app`` launcher).

Unit level: settings -> validated config, seed parsing, export sanitising, the charts,
and the Solara page rendered without a browser (``solara.render``): a step on the page
shows the same numbers as a model run with the same config and seed, each page has its
own model, a bad seed is refused with a message.

End to end (``slow``): ``kpisim app`` serves the app on a free localhost port; headless
Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright, no browser download)
chooses a lesson, steps it and checks that the charts and numbers change and agree with
the model; it refuses a bad seed, exports the charts and saves screenshots (to the test's
tmp folder and to ``docs/img/app.png`` for the README).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

solara = pytest.importorskip("solara", reason="the app extra is not installed")
pytest.importorskip("mesa.visualization", reason="mesa's visualization is not importable")

import ipyvuetify as v  # noqa: E402
import ipywidgets as widgets  # noqa: E402

from sim.app import launcher  # noqa: E402
from sim.app import settings as settings_mod  # noqa: E402
from sim.app.charts import CHARTS, EXPORT_DPI, LEVERS_HEIGHT, fig_levers  # noqa: E402
from sim.app.export import (  # noqa: E402
    DEFAULT_EXPORT_DIR,
    EXPORT_DIR_ENV,
    export_charts,
    export_dir,
    safe_name,
)
from sim.app.livecharts import event_rows, live_data, live_table, panel_data  # noqa: E402
from sim.app.page import Page  # noqa: E402
from sim.app.panels import PANELS  # noqa: E402
from sim.app.render import layout_problems, render_png  # noqa: E402
from sim.app.settings import (  # noqa: E402
    CSAT_DEFINITIONS,
    DEFAULT_CUSTOMERS,
    DEFAULT_SCENARIO,
    FCR_DEFINITIONS,
    PHONE_LEVELS,
    WEIGHT_KPIS,
    Settings,
    build_config,
    comparison_settings,
    fixed_population,
    parse_seed,
    pct,
    preset_settings,
)
from sim.app.snapshot import (  # noqa: E402
    SIGN_TITLES,
    WINDOW,
    kpi_tiles,
    side_deltas,
    smart_lines,
    take_snapshot,
)
from sim.app.state import Redraws, RunState  # noqa: E402
from sim.app.vega_widget import SCRIPTS, LiveChart  # noqa: E402
from sim.browser import HEADLESS_FLAGS  # noqa: E402
from sim.config import ConfigError, KPIsConfig, available_scenarios, load_config  # noqa: E402
from sim.model import ContactCentreModel  # noqa: E402
from sim.model.web import visibility_from_config  # noqa: E402
from sim.outputs import daily_frame, employees_frame, summary_dict  # noqa: E402
from sim.outputs.smart import check_employees  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"
CHROMIUM = os.environ.get("KPISIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = list(HEADLESS_FLAGS)
#: JavaScript: true when every live chart of the main chart shows the day ``arg``.
CHARTS_AT = """day => {
  const charts = [...document.querySelectorAll('.kpisim-chart-dashboard_vs_reality .kpisim-vega')];
  return charts.length > 0 && charts.every(c => c.dataset.day === day);
}"""
#: Population of the unit tests (the page's default is larger).
SMALL = Settings(customers=20_000)


# --------------------------------------------------------------------------- helpers
def expected_tiles(settings: Settings, days: int) -> dict[str, tuple[str, str]]:
    """The tiles a page should show after ``days`` days, from an independent model."""
    cfg = build_config(settings)
    model = ContactCentreModel(cfg)
    for _ in range(days):
        model.step()
    snap = take_snapshot(model)
    return {k: (m, t) for k, _, m, t in kpi_tiles(snap, cfg)}


@solara.component
def _InLayout() -> None:
    with solara.AppLayout():
        Page()


def _render():
    _box, rc = solara.render(_InLayout(), handle_error=False)
    return rc


def _tile(rc, key: str) -> str:
    (text,) = rc.find(v.Html, class_=f"kpisim-tile-measured kpisim-value-{key}").widget.children
    return text


# --------------------------------------------------------------------------- settings
def test_every_lesson_builds_a_valid_config_with_its_lesson_text():
    scenarios = available_scenarios()
    assert len(scenarios) >= 13
    for name in scenarios:
        s = preset_settings(name, keep=SMALL)
        cfg = build_config(s)
        assert cfg.scenario.name == name
        assert cfg.scenario.lesson.strip() and cfg.scenario.description.strip()
        for kpi, _ in WEIGHT_KPIS:  # the page starts from the preset's own weights
            assert getattr(cfg.scheme.kpis, kpi).weight == pytest.approx(s.weight(kpi))
        assert cfg.seed == 1
        if not fixed_population(cfg):
            assert cfg.customers.n == (cfg.scenario.live.customers or SMALL.customers)
            assert cfg.employees.n == s.agents
            assert cfg.teams.specialists_n == s.specialists


def test_a_lesson_with_its_own_population_loads_at_it_and_leaving_it_restores_the_default(
    monkeypatch,
):
    # a lesson's ``scenario.live.customers`` (none of the shipped lessons needs one now)
    name, customers = "shared_dashboard", 200_000
    real = settings_mod.preset_config

    def preset(scenario: str):
        cfg = real(scenario)
        if scenario != name:
            return cfg
        live = dataclasses.replace(cfg.scenario.live, customers=customers)
        return dataclasses.replace(cfg, scenario=dataclasses.replace(cfg.scenario, live=live))

    monkeypatch.setattr(settings_mod, "preset_config", preset)
    s = preset_settings(name, keep=SMALL)
    assert s.customers == customers
    assert preset_settings("aht_pay", keep=s).customers == DEFAULT_CUSTOMERS
    assert preset_settings("aht_pay", keep=SMALL).customers == SMALL.customers
    # its comparison runs at the lesson's size, not at its own
    other = comparison_settings(s)
    assert other.scenario == "single_metric" and other.customers == customers


def test_a_smaller_centre_is_staffed_like_the_default_one():
    """Both teams scale with the customers (to the nearest agent): a 1:5 centre is not a
    short-staffed one, whose first pay periods would be spent hiring up to the plan."""
    base = load_config("baseline")
    for customers in (20_000, 100_000, 250_000):
        cfg = build_config(dataclasses.replace(Settings(), customers=customers))
        scale = customers / base.customers.n
        assert abs(cfg.employees.n - base.employees.n * scale) <= 0.5
        assert abs(cfg.teams.specialists_n - base.teams.specialists_n * scale) <= 0.5


def test_controls_change_the_config():
    s = preset_settings("aht_pay", keep=SMALL)
    s = s.with_weight("aht", 0.4).with_weight("fcr", 0.3)
    s = dataclasses.replace(
        s,
        bonus_share=0.2,
        fcr_definition="no_repeat_7d",
        csat_definition="agent_offered",
        phone_visibility="hidden",
        audit_rate=0.1,
        seed_text=" 42 ",
    )
    cfg = build_config(s)
    k = cfg.scheme.kpis
    assert (k.aht.weight, k.fcr.weight) == (0.4, 0.3)
    assert cfg.scheme.bonus_share == 0.2
    assert (k.fcr.definition, k.csat.definition) == ("no_repeat_7d", "agent_offered")
    assert cfg.channels.phone_visibility == "hidden"
    assert cfg.scheme.audit_rate == 0.1
    assert cfg.seed == 42


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "1e9", "", "9" * 11, "4294967296", "../x"])
def test_bad_seeds_are_refused(bad):
    with pytest.raises(ConfigError, match="seed"):
        parse_seed(bad)


def test_out_of_range_settings_are_refused_by_config_validation():
    s = preset_settings("aht_pay", keep=SMALL)
    with pytest.raises(ConfigError, match="weights sum"):
        build_config(s.with_weight("fcr", 0.9))
    with pytest.raises(ConfigError, match="bonus_share"):
        build_config(dataclasses.replace(s, bonus_share=99.0))


# --------------------------------------------------------------------------- export
@pytest.mark.parametrize(
    "label", ["../../etc/passwd", "/abs/path", "..", "a b\\c:d*e", "ünïcødé", "", "x" * 500]
)
def test_safe_name(label):
    name = safe_name(label)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}|export", name)


@pytest.fixture(scope="module")
def snapshot():
    model = ContactCentreModel(build_config(preset_settings("aht_pay", keep=SMALL)))
    for _ in range(25):  # past the first pay period
        model.step()
    return take_snapshot(model)


def test_charts_draw_and_export_stays_inside_the_folder(snapshot, tmp_path):
    from PIL import Image

    assert render_png(fig_levers(snapshot)).startswith(PNG)
    out = tmp_path / "exports"
    files = export_charts(snapshot, "../../../evil name", out)
    assert len(files) == len(CHARTS)
    for f, (_, fn) in zip(files, CHARTS.values(), strict=True):
        assert f.parent == out.resolve()
        assert f.read_bytes().startswith(PNG)
        assert re.fullmatch(r"[A-Za-z0-9_-]+_day0025_[a-z_]+\.png", f.name)
        with Image.open(f) as im:  # a complete, decodable PNG at the figure's size
            im.load()
            w, h = fn(snapshot).get_size_inches() * EXPORT_DPI
            assert im.size == (round(w), round(h)) and im.mode == "RGB"
            assert im.info["dpi"] == pytest.approx((EXPORT_DPI, EXPORT_DPI), abs=0.1)
            inked = (np.asarray(im) < 200).any(axis=2).mean()  # share of non-white pixels
            assert 0.01 < inked < 0.5, (f.name, inked)
    assert sorted(p.name for p in tmp_path.rglob("*.png")) == sorted(f.name for f in files)


KILLED_SERVER = """
import os, signal
from sim.app import export
export.warm_export_pool()
export._pool.submit(export._warm).result()  # both workers are up
print(" ".join(str(pid) for pid in export._pool._processes), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no exit handler runs
"""


def test_export_workers_end_when_the_server_is_killed():
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_SERVER],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    pids = [int(p) for p in proc.stdout.split()]
    assert len(pids) == 2, proc.stderr
    deadline = time.monotonic() + 10  # the workers look for their parent every second
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.2)
    alive = [p for p in pids if Path(f"/proc/{p}").exists()]
    assert not alive, f"export workers {alive} outlived the killed server"


def test_export_in_the_worker_processes_writes_the_same_files(snapshot, tmp_path):
    """The app draws an export in two worker processes (spawned, as in the server): the
    files are byte for byte those drawn in this process."""
    here = export_charts(snapshot, "same", tmp_path / "here", parallel=False)
    there = export_charts(snapshot, "same", tmp_path / "there", parallel=True)
    assert [f.name for f in here] == [f.name for f in there]
    for a, b in zip(here, there, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_exported_charts_cut_no_title_label_or_legend(snapshot):
    # the default centre seats ~80 employees: the per-employee chart stays slide-sized
    many = dataclasses.replace(
        snapshot, staff=pd.concat([snapshot.staff] * 8, ignore_index=True).head(84)
    )
    for snap in (snapshot, many):
        for key, (_, fn) in CHARTS.items():
            fig = fn(snap)
            assert layout_problems(fig) == [], key
            assert fig.get_figheight() <= LEVERS_HEIGHT[1]


def test_export_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(EXPORT_DIR_ENV, str(tmp_path / "x"))
    assert export_dir() == (tmp_path / "x").resolve()
    monkeypatch.delenv(EXPORT_DIR_ENV)
    assert export_dir() == DEFAULT_EXPORT_DIR.resolve()


def test_rolling_rates_are_ratios_of_sums(snapshot):
    d = snapshot.daily
    last = d.tail(WINDOW)
    fcr = last["resolved_true"].sum() / last["answered_owned"].sum()
    assert d["fcr_true_roll"].iloc[-1] == pytest.approx(fcr)
    assert d["fcr_true_roll"].iloc[0] == pytest.approx(d["fcr_true"].iloc[0])


def test_signs_come_from_the_model_outputs(snapshot):
    signs = snapshot.summary["toxic_signs"]
    assert set(signs) == set(SIGN_TITLES)
    assert all(isinstance(s["sentence"], str) and s["sentence"] for s in signs.values())


def test_snapshot_between_pay_days_equals_one_built_from_scratch():
    """The snapshot reuses the employee table and the SMART check until a pay period
    closes; at every redraw, before and after pay days, they and the summary equal what
    sim.outputs computes from the model afresh."""
    model = ContactCentreModel(build_config(preset_settings("aht_pay", keep=SMALL)))
    period = model.cfg.scheme.period_days
    for day in (period - 1, period, period + 3, 2 * period, 2 * period + 1):
        while model.day < day:
            model.step()
        snap = take_snapshot(model)
        emp = employees_frame(model)
        pd.testing.assert_frame_equal(snap.employees, emp)
        pd.testing.assert_frame_equal(snap.smart, check_employees(emp, model.cfg))
        assert snap.summary == summary_dict(model, daily_frame(model), emp)
    assert len(snap.employees), "no pay period closed: the test checks nothing"


# --------------------------------------------------------------------------- live charts
def test_chart_scripts_are_served_from_the_installed_assets():
    import solara.server.settings

    root = Path(solara.server.settings.assets.proxy_cache_dir)
    for path in SCRIPTS.values():  # nothing is fetched from a CDN
        assert (root / path).is_file(), path


def test_live_rows_are_json_safe_and_numbered_like_the_day_tile(snapshot):
    data = live_data(snapshot, build_config(preset_settings("aht_pay", keep=SMALL)), "r")
    assert data.table["x"].iloc[-1] == snapshot.day == 25  # tile "Working day 25"
    for panels in PANELS.values():
        for panel in panels:
            sets = panel_data(panel, data)
            json.dumps(sets, allow_nan=False)  # JSON has no NaN: the browser would choke
            assert {r["s"] for r in sets["rows"]} <= {s.label for s in panel.series}
    assert [e["x"] for e in data.events] == [21]  # the first pay day
    assert data.periods["x"].tolist() == [21]
    json.dumps(data.staff, allow_nan=False)


def test_markers_show_pay_days_and_the_scheme_change():
    cfg = build_config(preset_settings("remove_aht_metric", keep=SMALL))
    model = ContactCentreModel(cfg)
    for _ in range(cfg.rollout_day + 5):
        model.step()
    events = event_rows(take_snapshot(model))
    assert {"x": cfg.rollout_day, "kind": "scheme change"} in [
        {k: e[k] for k in ("x", "kind")} for e in events
    ]
    pay = [e["x"] for e in events if e["kind"] == "pay day"]
    assert pay == list(range(cfg.scheme.period_days, model.day + 1, cfg.scheme.period_days))


# --------------------------------------------------------------------------- page
def test_page_step_matches_a_model_run_and_sessions_are_separate():
    rc1 = _render()
    rc2 = _render()
    assert _tile(rc1, "day") == "0"
    # the two pages hold different model objects
    rc1.find(v.Btn, children=["Step"]).widget.click()
    assert _tile(rc1, "day") == "5"
    assert _tile(rc2, "day") == "0", "stepping one session moved another"
    want = expected_tiles(preset_settings(DEFAULT_SCENARIO), 5)
    for key in ("fcr", "csat", "web", "aht", "retention"):
        assert _tile(rc1, key) == want[key][0], key
    charts = rc1.find(LiveChart).widgets
    assert len(charts) == sum(len(p) for p in PANELS.values()) + 1, "no live charts"
    assert all(w.day == 5 for w in charts)
    empty = [w.spec["title"]["text"] for w in charts if not w.datasets["rows"]]
    assert empty == ["Bonus pay per pay period"], "no rows after a step (no pay day yet)"
    assert all(w.spec for w in charts)
    rc1.find(v.Btn, children=["Step"]).widget.click()
    assert _tile(rc1, "day") == "10"


def test_page_refuses_a_bad_seed_with_a_message():
    rc = _render()
    rc.find(v.Btn, children=["Step"]).widget.click()
    seed = rc.find(v.TextField, label="Seed (whole number)").widget
    seed.v_model = "12; rm -rf /"
    seed.fire_event("keyup.enter", None)  # solara updates on enter / focus out
    rc.find(v.Btn, children=["Apply & restart"]).widget.click()
    errors = rc.find(v.Alert).widgets
    assert any("Not applied" in str(w.children) and "seed" in str(w.children) for w in errors)
    assert _tile(rc, "day") == "5", "a refused setting must not reset the run"
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert _tile(rc, "day") == "10", "the page stopped working after a bad value"


def _widgets(w: widgets.Widget):
    """``w`` and every widget below it."""
    yield w
    for child in getattr(w, "children", None) or []:
        if isinstance(child, widgets.Widget):
            yield from _widgets(child)


def _html(rc, cls: str):
    """The one text element of the page that has the CSS class ``cls``."""
    (w,) = [
        w
        for root in rc.find(v.Html).widgets
        for w in _widgets(root)
        if isinstance(w, v.Html) and cls in (w.class_ or "").split()
    ]
    return w


def _ctl(rc, name: str) -> tuple[str, bool]:
    """A control's caption on the page and whether it is marked "not applied"."""
    w = _html(rc, f"kpisim-ctl-{name}")
    return w.children[0], "kpisim-changed" in w.class_.split()


def expected_captions(cfg) -> dict[str, str]:
    """What each control's caption must say when the controls show the run ``cfg``."""
    k = cfg.scheme.kpis
    out = {f"weight-{kpi}": f"{label}: {getattr(k, kpi).weight:.2f}" for kpi, label in WEIGHT_KPIS}
    out["bonus"] = f"On-target bonus: {pct(cfg.scheme.bonus_share)} of salary"
    out["fcr_definition"] = f"FCR measured as: {FCR_DEFINITIONS[k.fcr.definition]}"
    out["csat_definition"] = f"CSAT measured by: {CSAT_DEFINITIONS[k.csat.definition]}"
    phone = PHONE_LEVELS[visibility_from_config(cfg.channels)]
    out["phone_visibility"] = f"Phone number on the website: {phone}"
    out["audit"] = f"Quality audits: {cfg.scheme.audit_rate:.0%} of contacts"
    if not fixed_population(cfg):
        base = load_config("baseline")  # the default centre's staffing, scaled
        out["customers"] = (
            f"Customers: {cfg.customers.n:,} ({cfg.employees.n} agents + "
            f"{cfg.teams.specialists_n} specialists, one agent per "
            f"{round(base.customers.n / base.employees.n):,} customers)"
        )
    out["seed"] = f"Seed: {cfg.seed}"
    return out


def _sidebar_matches(rc, cfg) -> None:
    """Every control caption shows the running config's value, none marked."""
    for name, text in expected_captions(cfg).items():
        assert _ctl(rc, name) == (text, False), name


def _lesson_text(rc) -> str:
    return _html(rc, "kpisim-lesson-state").children[0]


def test_every_payable_kpi_has_a_weight_slider():
    assert {name for name, _ in WEIGHT_KPIS} == {f.name for f in dataclasses.fields(KPIsConfig)}


def test_sidebar_shows_the_run_on_first_load_and_after_an_untouched_apply():
    rc = _render()
    want = build_config(preset_settings(DEFAULT_SCENARIO))
    assert want.scheme.bonus_share > 0  # the default lesson pays a bonus
    _sidebar_matches(rc, want)
    assert "Not applied yet" not in _html(rc, "kpisim-pending-text").children[0]
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.Btn, children=["Apply & restart"]).widget.click()  # nothing changed
    assert _tile(rc, "day") == "0"
    _sidebar_matches(rc, want)
    assert _lesson_text(rc) == DEFAULT_SCENARIO
    info = _html(rc, "kpisim-runinfo").children[0]
    assert f"bonus {pct(want.scheme.bonus_share)} of salary" in info


def test_changes_are_marked_until_applied_and_a_modified_lesson_is_labelled():
    rc = _render()
    rc.find(v.Select, label="Lesson preset").widget.v_model = "hidden_phone"
    _sidebar_matches(rc, build_config(preset_settings("hidden_phone")))
    assert _lesson_text(rc) == "hidden_phone"
    rc.find(v.Select, label="Phone number on the website").widget.v_model = "visible"
    assert _ctl(rc, "phone_visibility") == (
        "Phone number on the website: visible · not applied",
        True,
    )
    pending = _html(rc, "kpisim-pending-text").children[0]
    assert pending == "Not applied yet: phone visible"
    assert _lesson_text(rc) == "hidden_phone", "the run on screen has not changed yet"
    rc.find(v.Btn, children=["Apply & restart"]).widget.click()
    assert _ctl(rc, "phone_visibility") == ("Phone number on the website: visible", False)
    assert _lesson_text(rc) == "hidden_phone — modified: phone visible"
    # reloading the lesson (choosing it again) drops the change
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.Btn, children=["Reload lesson"]).widget.click()
    assert _tile(rc, "day") == "0"
    assert _lesson_text(rc) == "hidden_phone"
    _sidebar_matches(rc, build_config(preset_settings("hidden_phone")))


def test_discard_puts_the_controls_back_and_messages_clear_on_the_next_step():
    rc = _render()
    rc.find(v.Select, label="Lesson preset").widget.v_model = "csat_survey_bonus"
    assert any("loaded" in str(w.children) for w in rc.find(v.Alert).widgets)
    rc.find(v.Select, label="Phone number on the website").widget.v_model = "hidden"
    assert _ctl(rc, "phone_visibility")[1]
    rc.find(v.Btn, children=["Discard changes"]).widget.click()
    _sidebar_matches(rc, build_config(preset_settings("csat_survey_bonus")))
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert not rc.find(v.Alert).widgets, "the 'lesson loaded' message stayed on screen"


def test_reset_starts_the_same_settings_from_day_0_and_clears_the_charts():
    rc = _render()
    rc.find(v.Btn, children=["Step"]).widget.click()
    runs = {w.run_id for w in rc.find(LiveChart).widgets}
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert _tile(rc, "day") == "0"
    charts = rc.find(LiveChart).widgets
    assert not runs & {w.run_id for w in charts}, "the charts would keep the old rows"
    assert all(w.day == 0 and w.datasets["rows"] == [] for w in charts)
    _sidebar_matches(rc, build_config(preset_settings(DEFAULT_SCENARIO)))


def test_the_comparison_runs_alongside_with_the_same_seed_and_size():
    rc = _render()
    label = "Side by side with baseline (same customers, same dice)"
    assert rc.find(v.Switch, label=label).widget.v_model is True  # on by default
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert _tile(rc, "day") == "10"
    # the comparison (aht_pay's: baseline) at the run's population and seed, 10 days
    other = comparison_settings(preset_settings(DEFAULT_SCENARIO))
    assert other.scenario == "baseline"
    ghost = ContactCentreModel(build_config(other))
    for _ in range(10):
        ghost.step()
    want = live_table(take_snapshot(ghost))
    fcr = next(w for w in rc.find(LiveChart).widgets if w.spec["title"]["text"].startswith("First"))
    rows = fcr.datasets["ghost"]
    assert [r["x"] for r in rows] == list(range(1, 11))
    assert {r["s"] for r in rows} == {"Really resolved"}  # the truth only
    assert rows[-1]["y"] == pytest.approx(want["fcr_true_roll"].iloc[-1], abs=1e-5)
    delta = _html(rc, "kpisim-other-fcr").children[0]
    assert delta.endswith(" pts vs baseline"), delta
    # switched off: no comparison rows, no deltas
    rc.find(v.Switch, label=label).widget.v_model = False
    fcr = next(w for w in rc.find(LiveChart).widgets if w.spec["title"]["text"].startswith("First"))
    assert fcr.datasets["ghost"] == []


# --------------------------------------------------------------------------- robustness
def _mid_step(model: ContactCentreModel) -> None:
    """Put ``model`` in the state a reader sees in the middle of a step: the next day's
    record opened, nothing booked on it yet (what a render saw while Play stepped)."""
    model.ledger.new_day(model.day)


def test_tiles_of_a_model_read_mid_step_show_dashes_not_a_type_error():
    # the crash of issue #23: a snapshot taken while the play loop was inside a step
    # has an empty last day, its morale None, and the staff tile failed to format it
    cfg = build_config(SMALL)
    model = ContactCentreModel(cfg)
    for _ in range(3):
        model.step()
    _mid_step(model)
    snap = take_snapshot(model)
    assert snap.summary["employee_satisfaction"] is None  # the value that crashed the page
    tiles = {k: (m, t) for k, _, m, t in kpi_tiles(snap, cfg)}
    assert tiles["staff"][0] == "–"
    assert tiles["fcr"][0].endswith("%")
    # every None and NaN of a summary becomes a dash, on the tiles and the deltas
    blank = dataclasses.replace(snap, summary=dict.fromkeys(snap.summary))
    assert all(m == "–" for k, _, m, _ in kpi_tiles(blank, cfg) if k not in ("day", "money"))
    deltas = side_deltas(snap, blank, "baseline")
    assert deltas and all(d == "–" for k, d in deltas.items() if k != "money"), deltas


def _state(cfg) -> RunState:
    """A session's state outside a page (plain Solara reactive variables)."""
    model = ContactCentreModel(cfg)
    s = preset_settings(DEFAULT_SCENARIO)
    return RunState(
        applied=solara.reactive(s),
        draft=solara.reactive(s),
        cfg=solara.reactive(cfg),
        model=solara.reactive(model),
        generation=solara.reactive(0),
        note=solara.reactive(None),
        compare_on=solara.reactive(False),
        other=solara.reactive(None),
        playing=solara.reactive(False),
        presenter=solara.reactive(False),
        asked=solara.reactive(None),
        swapped=solara.reactive(False),
        lock=threading.RLock(),
        redraws=Redraws(),
    )


def test_presenter_mode_stops_the_run_at_the_lessons_stops():
    # a step that would pass a stop ends on it, with the question pending; outside
    # presenter mode the stops do nothing
    cfg = build_config(SMALL)
    stops = list(cfg.scenario.live.stops)
    state = _state(cfg)
    state.advance(stops[0] + 3)
    assert state.model.value.day == stops[0] + 3 and state.asked.value is None
    state = _state(cfg)
    state.presenter.set(True)
    assert state.advance(stops[0] + 3) == stops[0]
    assert state.model.value.day == stops[0] and state.asked.value == stops[0]
    state.asked.set(None)  # revealed: on to the next stop
    state.advance(500)
    assert state.model.value.day == stops[1] and state.asked.value == stops[1]


def test_a_snapshot_never_sees_a_day_half_simulated_by_the_play_thread():
    # the play loop steps in a thread while the page reads: every snapshot taken through
    # the session's lock holds whole days only (as many day rows as days done)
    cfg = build_config(SMALL)
    state = _state(cfg)
    model = state.model.value
    go = threading.Event()

    def play() -> None:
        while not go.is_set() and model.day < 40:
            state.advance(1, model)
            # as the app's play loop pauses between steps (it waits for each redraw): a
            # thread that re-took the lock at once could starve the reader on 2 cores
            time.sleep(0.005)

    thread = threading.Thread(target=play)
    thread.start()
    seen = []
    try:
        while thread.is_alive():
            snap = state.snapshot(model)
            if snap is not None:
                seen.append((snap.day, len(snap.daily)))
                assert snap.summary["employee_satisfaction"] is not None
    finally:
        go.set()
        thread.join()
    assert len(seen) >= 5, "the reader never ran while the model stepped"
    assert all(day == rows for day, rows in seen), seen[:5]


def test_a_replaced_run_is_not_stepped_by_the_old_play_loop():
    cfg = build_config(SMALL)
    state = _state(cfg)
    old = state.model.value
    state.model.set(ContactCentreModel(cfg))  # a lesson chosen meanwhile
    assert state.advance(5, old) == 0
    assert state.model.value.day == 0 and old.day == 0
    assert state.advance(2, state.model.value, go_on=lambda: False) == 0  # paused
    assert state.advance(2) == 2


def test_the_play_loop_waits_for_each_redraw():
    # a play loop that changed the run during every render pass of a render running in
    # another thread made reacton give up ("Too many renders triggered"): it waits for
    # the redraw of its step (marked by the live part's effect) before the next one
    redraws = Redraws()
    assert not redraws.wait("0-1-5", lambda: True, timeout=0.2)  # never drawn: times out
    assert not redraws.wait("0-1-5", lambda: False, timeout=30)  # paused: returns at once
    timer = threading.Timer(0.1, redraws.drawn, args=("0-1-5",))
    timer.start()
    start = time.monotonic()
    assert redraws.wait("0-1-5", lambda: True, timeout=30)
    assert time.monotonic() - start < 5
    timer.join()


def test_choosing_a_lesson_while_playing_stops_playing_and_starts_at_day_0():
    rc = _render()
    rc.find(v.Btn, children=["Step"]).widget.click()
    play = rc.find(v.Btn, children=["▶ Play"]).widget
    play.click()
    # lesson switching is held while playing: the selector is disabled...
    held = rc.find(v.Select, label="Lesson preset (held while playing)").widget
    assert held.disabled
    # ...and a choice that reaches the page anyway (a stale click) stops playing first
    held.v_model = "hidden_phone"
    rc.find(v.Btn, children=["▶ Play"]).assert_single()  # playing stopped
    assert _lesson_text(rc) == "hidden_phone"
    time.sleep(1.0)  # a play loop still going would step the new run in this time
    assert _tile(rc, "day") == "0"


def test_an_error_in_an_action_is_a_message_and_the_run_goes_on(monkeypatch):
    import sim.app.state as state_module

    rc = _render()
    rc.find(v.Btn, children=["Step"]).widget.click()

    def broken(*args, **kwargs):
        raise RuntimeError("preset store unreadable")

    monkeypatch.setattr(state_module, "preset_settings", broken)
    rc.find(v.Select, label="Lesson preset").widget.v_model = "hidden_phone"
    errors = [str(w.children) for w in rc.find(v.Alert).widgets]
    assert any("Could not load the lesson: RuntimeError" in e for e in errors), errors
    assert _tile(rc, "day") == "5", "a failed action must leave the run on screen"
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert _tile(rc, "day") == "10"


def test_an_error_while_drawing_is_a_message_with_go_on_and_reset(monkeypatch):
    import sim.app.views as views_module

    rc = _render()
    real = views_module.kpi_tiles

    def broken(snap, cfg):
        if snap is not None and snap.day == 5:
            raise TypeError("a tile could not be formatted")
        return real(snap, cfg)

    monkeypatch.setattr(views_module, "kpi_tiles", broken)
    rc.find(v.Btn, children=["Step"]).widget.click()
    (alert,) = rc.find(v.Alert).widgets
    assert "could not draw the run at day 5: TypeError" in str(alert.children)
    rc.find(v.Btn, children=["Reset the run"]).widget.click()
    assert _tile(rc, "day") == "0"  # reset cleanly, the live part back
    rc.find(v.Btn, children=["Step"]).widget.click()  # fails again at day 5
    monkeypatch.setattr(views_module, "kpi_tiles", real)  # ... then the fault is gone
    rc.find(v.Btn, children=["Go on with this run"]).widget.click()
    assert _tile(rc, "day") == "5"  # the same run, where it was
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert _tile(rc, "day") == "10"


# --------------------------------------------------------------------------- CLI
def test_cli_help_and_bad_arguments(capsys):
    assert launcher.main(["--help"]) == 0
    assert "--export-dir" in capsys.readouterr().out
    assert launcher.main(["--port", "70000"]) == 2
    assert "port" in capsys.readouterr().err
    assert launcher.main(["--host", "a b; c"]) == 2
    assert "--host" in capsys.readouterr().err
    assert launcher.main(["--nope"]) == 2


def test_cli_serves_on_localhost_without_telemetry(tmp_path):
    args = launcher.build_parser().parse_args([])
    assert args.host == "127.0.0.1"
    cmd = launcher.server_command("127.0.0.1", 8000, open_browser=False)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--production" in cmd and "--no-open" in cmd and launcher.APP_MODULE in cmd
    env = launcher.server_env(tmp_path)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert env[EXPORT_DIR_ENV] == str(tmp_path)
    assert launcher.is_loopback("127.0.0.1") and not launcher.is_loopback("0.0.0.0")
    assert launcher.url("0.0.0.0", 80) == "http://127.0.0.1:80"


# --------------------------------------------------------------------------- end to end
def _browser_or_skip():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's chromium (scripts/ensure-browser)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    return sync_playwright, CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def _watch(page) -> list[str]:
    """Collect what must never happen on a page: a console error, an uncaught
    exception, a request leaving this computer, a failed or refused request."""
    problems: list[str] = []

    def on_request(r) -> None:
        if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            problems.append(f"external request: {r.url}")

    page.on(
        "console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", on_request)
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    return problems


def _wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"kpisim app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the app did not answer at {url} within {timeout:.0f} s")


@contextlib.contextmanager
def running_app(tmp: Path) -> Iterator[tuple[str, int]]:
    """``kpisim app`` on a free localhost port, exporting to ``tmp/exports``, its output in
    ``tmp/server.log``; yields (address, process id) once it answers, then stops it
    (SIGTERM: kpisim app stops its solara server too; after 20 s SIGKILL to the session
    it was started in)."""
    port = launcher.free_port()
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "sim.cli", "app", "--port", str(port), "--no-open"),
            *("--export-dir", str(tmp / "exports")),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/", proc, timeout=120)
        yield url, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the session this helper started
            proc.wait()
        log.close()


@pytest.fixture
def server(tmp_path):
    """``kpisim app`` on a free localhost port; yields (url, export folder)."""
    with running_app(tmp_path) as (url, _):
        yield url, tmp_path / "exports"


@pytest.mark.slow
def test_end_to_end_in_headless_chromium(server, tmp_path):
    sync_playwright, chromium = _browser_or_skip()
    url, exports = server
    lesson = "hidden_phone"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            outside = []
            page.on(
                "request", lambda r: outside.append(r.url) if "127.0.0.1" not in r.url else None
            )
            problems = _watch(page)
            page.goto(url)
            day = page.locator(".kpisim-value-day")
            day.wait_for(timeout=90_000)

            # choose a lesson
            page.locator(".v-select").filter(has_text="Lesson preset").click()
            _choose_option(page, lesson)
            page.get_by_text(f"Lesson: {lesson}").wait_for(timeout=60_000)
            cfg_text = page.locator(".kpisim-lesson").inner_text()
            assert load_config(lesson).scenario.lesson.split()[0] in cfg_text
            assert day.inner_text() == "0"
            chart = page.locator(".kpisim-chart-dashboard_vs_reality .kpisim-vega").first
            # a chart on first paint: axes drawn, no data yet (day 0)
            page.wait_for_function(CHARTS_AT, arg="0", timeout=60_000)
            assert chart.locator("svg").count() == 1

            # step it: one click = 5 working days
            step = page.get_by_role("button", name="Step")
            step.click()
            page.wait_for_function(
                "() => document.querySelector('.kpisim-value-day')?.innerText === '5'",
                timeout=90_000,
            )
            page.wait_for_function(CHARTS_AT, arg="5", timeout=60_000)
            img5 = chart.inner_html()
            fcr5 = page.locator(".kpisim-value-fcr").inner_text()
            step.click()
            page.wait_for_function(
                "() => document.querySelector('.kpisim-value-day')?.innerText === '10'",
                timeout=90_000,
            )
            page.wait_for_function(CHARTS_AT, arg="10", timeout=60_000)
            shown = {
                k: page.locator(f".kpisim-value-{k}").inner_text()
                for k in ("fcr", "csat", "web", "aht", "retention", "money")
            }
            shown_true = page.locator(".kpisim-true-fcr").inner_text()
            assert chart.inner_html() != img5, "the chart did not change"
            assert shown["fcr"] != fcr5 or shown["aht"] != "", "numbers did not change"

            # the numbers agree with a model run with the same config and seed
            settings = preset_settings(lesson)
            want5 = expected_tiles(settings, 5)
            want = expected_tiles(settings, 10)
            assert fcr5 == want5["fcr"][0]
            for key, value in shown.items():
                assert value == want[key][0], f"{key}: page {value!r}, model {want[key][0]!r}"
            assert shown_true == want["fcr"][1]
            for key in SIGN_TITLES:
                assert page.locator(f".kpisim-sign-{key}").count() == 1

            # a bad seed is refused with a message; the run goes on
            seed = page.get_by_label("Seed (whole number)")
            seed.fill("../../etc/passwd")
            seed.press("Enter")
            page.get_by_role("button", name="Apply & restart").click()
            page.get_by_text("Not applied: seed").wait_for(timeout=30_000)
            assert day.inner_text() == "10"

            # export the charts (a hostile prefix stays inside the export folder)
            prefix = page.get_by_label("File name prefix (optional)")
            prefix.fill("../../outside")
            prefix.press("Enter")
            page.get_by_role("button", name="Export charts as PNG").click()
            page.get_by_text("Exported 5 PNG files").wait_for(timeout=60_000)
            files = sorted(exports.glob("*.png"))
            assert len(files) == len(CHARTS)
            assert all(f.read_bytes().startswith(PNG) for f in files)
            assert not list(tmp_path.glob("outside*")) and not list(exports.parent.glob("*.png"))

            # a longer run for the README screenshot: 21 days per step
            seed.fill("1")
            seed.press("Enter")
            slider = page.get_by_role("slider").first
            slider.focus()
            slider.press("End")
            page.get_by_text("Days per step / redraw: 21").wait_for(timeout=30_000)
            for target in ("31", "52"):
                step.click()
                page.wait_for_function(
                    f"() => document.querySelector('.kpisim-value-day')?.innerText === '{target}'",
                    timeout=90_000,
                )
            page.wait_for_timeout(1500)
            shot = tmp_path / "app.png"  # the top of the page, as on a projector
            page.screenshot(path=str(shot))
            assert shot.read_bytes().startswith(PNG)
            docs_img = ROOT / "docs" / "img"
            docs_img.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, docs_img / "app.png")
            page.set_viewport_size({"width": 1600, "height": 5200})  # every chart
            page.wait_for_timeout(1000)
            page.screenshot(path=str(tmp_path / "app_full.png"))
            assert not outside, f"the page fetched from outside localhost: {outside[:3]}"
            assert not problems, f"console errors or failed requests: {problems[:5]}"
        finally:
            browser.close()


# --------------------------------------------------------------------------- browser: trust,
# speed, layout, classroom (one server for all)
#: Generous bound on the median click-to-redraw time (the target on the 2-core
#: development machine is 0.5 s; docs/app.md gives the measured figures).
MAX_MEDIAN_REDRAW_S = 1.5
#: Generous bound on one step with five sessions stepping at once (the target is 2 s;
#: docs/app.md gives the measured figures).
MAX_CLASSROOM_STEP_S = 6.0
#: JavaScript: the tile shows day ``arg`` and every panel of the main chart has drawn it
#: (charts out of sight are brought up to date when they come into view).
ALL_AT = """day => {
  const tile = document.querySelector('.kpisim-value-day');
  const charts = [...document.querySelectorAll('.kpisim-chart-dashboard_vs_reality .kpisim-vega')];
  return tile?.innerText === day && charts.length === 4 && charts.every(c => c.dataset.day === day);
}"""


#: The process group of each shared server (by address), for its CPU time.
SERVER_GROUP: dict[str, int] = {}


def _processes() -> dict[int, tuple[int, int, str, float]]:
    """Every process: pid -> (parent pid, process group, name, CPU seconds used so far),
    from ``/proc`` (Linux; empty elsewhere)."""
    out: dict[int, tuple[int, int, str, float]] = {}
    if not Path("/proc/self/stat").exists():
        return out
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue  # the process ended meanwhile
        f = tail.split()  # f[0] is field 3 (state): ppid 4, pgrp 5, utime 14, stime 15
        out[int(stat.parent.name)] = (
            int(f[1]),
            int(f[2]),
            head.split("(", 1)[1],
            (int(f[11]) + int(f[12])) / tick,
        )
    return out


def cpu_s(url: str) -> dict[str, float] | None:
    """CPU seconds used so far by the server at ``url`` (its process group: ``kpisim app``
    and the ``solara`` server) and by this test's Chromium processes; ``None`` off Linux.
    Unlike wall-clock latency, the server's figure does not count the browsers and the
    other jobs sharing the machine."""
    procs, group = _processes(), SERVER_GROUP.get(url)
    if not procs or group is None:
        return None

    def ours(pid: int) -> bool:  # a descendant of this test process
        seen = 0
        while pid in procs and pid > 1 and seen < 64:
            if pid == os.getpid():
                return True
            pid, seen = procs[pid][0], seen + 1
        return False

    return {
        "server": sum(c for _, g, _, c in procs.values() if g == group),
        "browsers": sum(
            c for pid, (_, _, name, c) in procs.items() if name.startswith("chrom") and ours(pid)
        ),
    }


def cpu_per_step(before: dict[str, float] | None, after: dict[str, float] | None, steps: int):
    """CPU seconds per step of the server and of the browsers between two :func:`cpu_s`."""
    if before is None or after is None:
        return None
    return {k: round((after[k] - before[k]) / steps, 3) for k in before}


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """One ``kpisim app`` for the browser tests below; yields its address."""
    with running_app(tmp_path_factory.mktemp("app")) as (url, pid):
        SERVER_GROUP[url] = pid  # its own session: the server's processes share this group
        yield url


@pytest.fixture(scope="module")
def chromium_browser():
    """One headless Chromium (Debian's) for the browser tests below."""
    sync_playwright, chromium = _browser_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _open(browser, url: str, width: int = 1366, height: int = 768):
    """A new session (its own browser context, downloads accepted) on the app; returns
    (page, problems)."""
    page = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    ).new_page()
    problems = _watch(page)
    page.goto(url)
    page.wait_for_function(ALL_AT, arg="0", timeout=120_000)  # a chart on first paint
    return page, problems


def _captions(page) -> dict[str, str]:
    """Every control caption of the sidebar: name -> text (marked or not)."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.kpisim-ctl')]
            .map(e => [[...e.classList].find(c => c.startsWith('kpisim-ctl-'))
                       ?.slice('kpisim-ctl-'.length), e.innerText.trim()])
            .filter(([k]) => k))"""
    )


def _choose_option(page, name: str) -> None:
    """Click an option of the open select menu, scrolling the menu down as a user would
    (Vuetify renders a long menu's items in batches of 20 as it scrolls)."""
    option = page.get_by_role("option", name=name, exact=True)
    for _ in range(10):
        if option.count():
            break
        menu = page.locator(".menuable__content__active")
        menu.evaluate("e => { e.scrollTop = e.scrollHeight; }")
        page.wait_for_timeout(200)
    option.click()


def _load_lesson(page, lesson: str) -> None:
    current = page.locator(".kpisim-lesson-state").inner_text()
    if current == lesson:  # choosing the lesson on screen again: Reload lesson
        page.get_by_role("button", name="Reload lesson", exact=True).click()
    else:
        page.locator(".v-select").filter(has_text="Lesson preset").click()
        _choose_option(page, lesson)
    page.wait_for_function(
        "l => document.querySelector('.kpisim-lesson-state')?.innerText === l",
        arg=lesson,
        timeout=60_000,
    )
    page.wait_for_function(ALL_AT, arg="0", timeout=60_000)


@pytest.mark.slow
def test_browser_sidebar_equals_the_running_config(shared_server, chromium_browser):
    page, problems = _open(chromium_browser, shared_server)
    lessons = available_scenarios()
    for lesson in [*lessons, lessons[0]]:  # the last one re-selects the first: a reload
        _load_lesson(page, lesson)
        cfg = build_config(preset_settings(lesson))
        expected = expected_captions(cfg)
        run_line = (
            f"seed {cfg.seed} · scheme '{cfg.scheme.name}' · "
            f"on-target bonus {pct(cfg.scheme.bonus_share)} of salary"
        )
        # the sidebar, the header and the run line are separate widgets, updated by
        # separate messages: wait (up to 10 s) until all of them show the new run
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            info = page.locator(".kpisim-runinfo").inner_text()
            header = page.locator(".kpisim-lesson").inner_text()
            if _captions(page) == expected and run_line in info and f"Lesson: {lesson} —" in header:
                break
            page.wait_for_timeout(100)
        assert _captions(page) == expected, lesson
        assert run_line in info, (lesson, info)
        assert f"Lesson: {lesson} —" in header, (lesson, header)
        assert page.locator(".kpisim-changed").count() == 0, lesson

    # a change is marked until applied; then the lesson is labelled as modified
    _load_lesson(page, "hidden_phone")
    page.locator(".v-select").filter(has_text="Phone number on the website").click()
    page.get_by_role("option", name="visible", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('.kpisim-changed').length === 1")
    assert "not applied" in page.locator(".kpisim-ctl-phone_visibility").inner_text()
    assert page.locator(".kpisim-pending-text").inner_text() == "Not applied yet: phone visible"
    assert page.locator(".kpisim-lesson-state").inner_text() == "hidden_phone"
    page.get_by_role("button", name="Apply & restart", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('.kpisim-changed').length === 0")
    modified = "hidden_phone — modified: phone visible"
    assert page.locator(".kpisim-lesson-state").inner_text() == modified
    page.get_by_text(f"Lesson: {modified}").wait_for()
    s = dataclasses.replace(preset_settings("hidden_phone"), phone_visibility="visible")
    assert _captions(page) == expected_captions(build_config(s))
    # the message of the apply clears once the run moves on
    page.get_by_text("Settings applied").wait_for()
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(ALL_AT, arg="5", timeout=60_000)
    assert page.get_by_text("Settings applied").count() == 0
    assert not problems, problems[:5]


#: JavaScript: time (ms, the page's clock) from the next click on Step to the page
#: showing day ``arg`` in its tile and main chart; read ``window.kpisimLatency``.  It
#: checks when the page changes (a MutationObserver), not at every animation frame, and
#: reads ``textContent`` (which forces no layout): polling every frame in five pages cost
#: the shared CPU more than the pages' own redraws.
LATENCY = """day => {
  window.kpisimLatency = null;
  const step = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'STEP'
                                                              || b.innerText.trim() === 'Step');
  step.addEventListener('click', () => {
    const t0 = performance.now();
    const done = () => {
      const tile = document.querySelector('.kpisim-value-day');
      const charts = [...document.querySelectorAll(
        '.kpisim-chart-dashboard_vs_reality .kpisim-vega')];
      return tile?.textContent.trim() === day && charts.length === 4
        && charts.every(c => c.dataset.day === day);
    };
    const observer = new MutationObserver(() => {
      if (done()) {
        window.kpisimLatency = performance.now() - t0;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true,
                                      attributes: true, attributeFilter: ['data-day'] });
  }, { once: true, capture: true });
}"""
#: Polling interval (ms) of the test's waits for ``window.kpisimLatency``: not every frame.
POLL_MS = 100


def _latency(page) -> float:
    """Seconds measured by :data:`LATENCY` in ``page`` (waits for it)."""
    page.wait_for_function("() => window.kpisimLatency !== null", timeout=60_000, polling=POLL_MS)
    return page.evaluate("() => window.kpisimLatency") / 1000


def _step_times(page, steps: int, start_day: int) -> list[float]:
    """Seconds from a click on Step to the tile and every chart showing the new day
    (measured in the page, :data:`LATENCY`)."""
    out = []
    step = page.get_by_role("button", name="Step", exact=True)
    for i in range(1, steps + 1):
        page.evaluate(LATENCY, str(start_day + 5 * i))
        step.click()
        out.append(_latency(page))
    return out


@pytest.mark.slow
def test_browser_step_to_redraw_is_fast(shared_server, chromium_browser, record_property):
    page, problems = _open(chromium_browser, shared_server)
    t0 = time.perf_counter()
    page.reload()
    page.wait_for_function(ALL_AT, arg="0", timeout=120_000)
    first_paint = time.perf_counter() - t0
    cpu0 = cpu_s(shared_server)
    times = _step_times(page, 12, 0)
    cpu1 = cpu_s(shared_server)
    median = statistics.median(times)
    # play: redraws per second at the default speed (5 days per redraw, 50 ms pause)
    page.get_by_role("button", name="▶ Play", exact=True).click()
    t0 = time.perf_counter()
    days = []
    while time.perf_counter() - t0 < 4.0:
        days.append(page.locator(".kpisim-value-day").inner_text())
        page.wait_for_timeout(50)
    page.get_by_role("button", name="❚❚ Pause", exact=True).click()
    redraws_per_s = (len(set(days)) - 1) / 4.0
    figures = {
        "first_paint_s": round(first_paint, 2),
        "step_to_redraw_median_s": round(median, 3),
        "step_to_redraw_s": [round(t, 3) for t in times],
        "play_redraws_per_s": redraws_per_s,
        # CPU per step of the server and of the browser (None off Linux): the server's
        # share, whatever else loads the machine
        "cpu_s_per_step": cpu_per_step(cpu0, cpu1, 12),
        "load_average": os.getloadavg()[0],
    }
    record_property("app_speed", figures)
    print("app speed:", json.dumps(figures))
    assert median < MAX_MEDIAN_REDRAW_S, figures
    assert redraws_per_s >= 0.5, figures
    assert not problems, problems[:5]


@pytest.mark.slow
@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_browser_layout_at_projector_sizes(shared_server, chromium_browser, size):
    width, height = size
    page, problems = _open(chromium_browser, shared_server, width, height)
    page.get_by_text("Grey, thin: baseline, really").wait_for(timeout=30_000)
    slider = page.get_by_role("slider").first  # days per step: 21, a pay period
    slider.focus()
    slider.press("End")
    page.get_by_text("Days per step / redraw: 21").wait_for(timeout=30_000)
    step = page.get_by_role("button", name="Step", exact=True)
    for target in ("21", "42", "63"):  # three pay periods: the scheme has bitten
        step.click()
        page.wait_for_function(ALL_AT, arg=target, timeout=60_000)
    assert "vs baseline" in page.locator(".kpisim-other-fcr").inner_text()
    # the main chart starts above the fold; the run controls are in view
    chart = page.locator(".kpisim-chart-dashboard_vs_reality").bounding_box()
    assert chart is not None and chart["y"] < height, chart
    for name in ("Reset", "▶ Play", "Step"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and 0 <= box["y"] < 150, (name, box)
    # a chart out of sight catches up when it comes into view
    page.locator(".kpisim-chart-money").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.kpisim-chart-money .kpisim-vega')]"
        ".every(c => c.dataset.day === '63')",
        timeout=30_000,
    )
    # nothing covers the signs panel (e.g. a "runs on Solara" badge); the run bar stays
    # on top of the page by design (sticky), so the panel is scrolled to the middle
    page.evaluate("() => document.querySelector('.kpisim-signs').scrollIntoView({block: 'center'})")
    covered = page.evaluate(
        """() => [...document.querySelectorAll('.kpisim-sign')].flatMap(sign => {
            const r = sign.getBoundingClientRect();
            return [[r.left + 4, r.top + 4], [r.right - 4, r.bottom - 4],
                    [(r.left + r.right) / 2, (r.top + r.bottom) / 2]]
              .filter(([x, y]) => y > 0 && y < window.innerHeight)
              .map(([x, y]) => document.elementFromPoint(x, y))
              .filter(e => e && !sign.contains(e) && !e.closest('.kpisim-topbar'))
              .map(e => e.outerHTML.slice(0, 80));
        })"""
    )
    assert not covered, covered[:3]
    assert page.get_by_text("This website runs on").count() == 0
    # every button and slider has an accessible name (icon buttons included)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('button, [role=button], [role=slider]')]
            .filter(e => !(e.getAttribute('aria-label') || e.innerText.trim()))
            .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert not unnamed, unnamed[:3]
    slider_names = page.evaluate(
        "() => [...document.querySelectorAll('[role=slider]')]"
        ".map(e => e.getAttribute('aria-label'))"
    )
    assert "Handle time (AHT): 1.00" in slider_names, slider_names
    # every slider is wide enough to drag (the weight sliders were 0 px wide)
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.kpisim-slider .v-slider')]"
        ".map(e => e.getBoundingClientRect().width)"
    )
    assert widths and min(widths) > 150, widths
    page.evaluate("() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
    page.wait_for_timeout(500)
    docs_img = ROOT / "docs" / "img"
    docs_img.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(docs_img / f"app_{width}x{height}.png"))
    assert not problems, problems[:5]


@pytest.mark.slow
def test_browser_five_concurrent_sessions(shared_server, chromium_browser, record_property):
    pages = [_open(chromium_browser, shared_server) for _ in range(5)]
    times: list[float] = []
    cpu0 = cpu_s(shared_server)
    for round_ in range(1, 4):  # every session clicks Step at once, three times
        for page, _ in pages:
            page.evaluate(LATENCY, str(5 * round_))
        for page, _ in pages:
            page.get_by_role("button", name="Step", exact=True).click()
        for page, _ in pages:
            times.append(_latency(page))
    cpu1 = cpu_s(shared_server)
    # independent: one more step in the first session moves no other
    first = pages[0][0]
    first.get_by_role("button", name="Step", exact=True).click()
    first.wait_for_function(ALL_AT, arg="20", timeout=60_000)
    assert [p.locator(".kpisim-value-day").inner_text() for p, _ in pages[1:]] == ["15"] * 4
    figures = {
        "max_s": round(max(times), 2),
        "median_s": round(statistics.median(times), 2),
        "step_s": [round(t, 2) for t in times],
        # CPU per session and step of the server and of the five browsers: with one
        # server process, the last of five sessions waits at least five times the
        # server's figure (the browsers run on the trainees' own computers in a class)
        "cpu_s_per_step": cpu_per_step(cpu0, cpu1, 15),
        "load_average": os.getloadavg()[0],
    }
    record_property("classroom_5_sessions", figures)
    print("five sessions stepping at once:", json.dumps(figures))
    assert max(times) < MAX_CLASSROOM_STEP_S, figures
    for page, problems in pages:
        assert not problems, problems[:5]
        page.context.close()


def test_smart_panel_lines_come_from_the_smart_check(snapshot):
    """The app's SMART panel: one line per paid KPI (aht_pay pays on AHT only), each
    criterion marked, and the failed criteria's sentences from sim.outputs.smart."""
    lines = smart_lines(snapshot)
    assert [line.split()[0] for line, _ in lines] == ["AHT"]
    line, fails = lines[0]
    assert all(f"{c} " in line for c in "SMART")
    t = snapshot.smart
    assert fails == list(t.loc[~t["passed"], "sentence"])
    assert smart_lines(None) == [("No KPI is paid on yet (or no pay period has closed).", [])]
