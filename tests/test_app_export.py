"""The app's timeline, slide-ready export and debrief (``sim/app/timeline.py``,
``slides.py``, ``export.py``, ``debrief.py``, ``sharing.py``).

Unit level: the timeline holds exactly what the model recorded (pay days, decisions,
the scheme change, hires); the slides keep the live view's fixed y-ranges; the ZIP
opens, every PNG decodes at 2000 x 1125 and carries the lesson in its title; the
debrief is one HTML file with the lesson, the timeline and inline charts, and loads
nothing from elsewhere.

Browser (``-m slow``): ``kpisim app`` in headless Chromium, a lesson stepped past its
first pay day, then each download button clicked: the browser saves the file
(Playwright's download event), and the test opens it: the screen PNG and every PNG of
the ZIP decode and name the lesson in their title, the debrief has the lesson and the
timeline; a copy of each is in the export folder.  Fails on a console error or an
external request, as the other browser tests.
"""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("solara", reason="the app extra is not installed")

import test_app as shared  # the browser helpers and the server fixture
from matplotlib.figure import Figure
from PIL import Image

from sim.app import timeline
from sim.app.debrief import Lesson, debrief_html
from sim.app.export import slide_png, slides_zip
from sim.app.panels import PANELS
from sim.app.render import draw_rgb
from sim.app.settings import build_config, comparison_settings, preset_settings
from sim.app.slides import SLIDE_DPI, SLIDE_SIZE, SLIDES, SlideContext, y_range
from sim.app.snapshot import kpi_tiles, side_deltas, take_snapshot
from sim.model import ContactCentreModel

SMALL = shared.SMALL
server = shared.server  # the `kpisim app` fixture of the other browser tests
LESSON = "remove_aht_metric"


@pytest.fixture(scope="module")
def run():
    """``remove_aht_metric`` at 20,000 customers past its scheme change (day 63), with
    its comparison side by side: (model, snapshot, comparison's snapshot, config)."""
    cfg = build_config(preset_settings(LESSON, keep=SMALL))
    model = ContactCentreModel(cfg)
    side = comparison_settings(preset_settings(LESSON, keep=SMALL))
    assert side is not None, "the lesson has no comparison: test is void"
    ghost = ContactCentreModel(build_config(side))
    for _ in range(cfg.rollout_day + 8):
        model.step()
        ghost.step()
    return model, take_snapshot(model), take_snapshot(ghost, full=False), cfg


@pytest.fixture(scope="module")
def ctx(run):
    _, snap, other, cfg = run
    return SlideContext(
        snap=snap,
        title=LESSON,
        days=cfg.days,
        run_line="20,000 customers",
        tiles=kpi_tiles(snap, cfg),
        comparison=other.cfg.scenario.name,
        other=other,
        deltas=side_deltas(snap, other, other.cfg.scenario.name),
        events=timeline.events(snap),
    )


def _title(png: bytes) -> str:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img.info.get("Title", "")


# --------------------------------------------------------------------------- timeline
def test_timeline_holds_what_the_model_recorded(run):
    model, snap, _, cfg = run
    evs = timeline.events(snap)
    by = {k: [e for e in evs if e.kind == k] for k in timeline.KINDS}
    # pay days: each closed period's last day (+1: working days completed)
    period = cfg.scheme.period_days
    assert [e.x for e in by["pay day"]] == list(range(period, model.day + 1, period))
    # the scheme change the model recorded on the rollout day
    assert model.scheme_changes == [{"day": cfg.rollout_day, "scheme": cfg.proposal.name}]
    assert [(e.x, e.label) for e in by["scheme change"]] == [(cfg.rollout_day, "scheme change")]
    # every decision in force, coaching included, once, at its day
    decided = sorted((r["day"], r["action"]) for r in model.decisions)
    listed = [e for e in evs if e.kind in ("decision", "coaching")]
    assert len(listed) == len(decided) and [e.x for e in listed] == [d for d, _ in decided]
    # hiring waves add up to the hires booked (and start on a hire day)
    hires = snap.daily["hires"].fillna(0)
    total = sum(int(re.match(r"\+(\d+)", e.label).group(1)) for e in by["hiring"])
    assert total == int(hires.sum())
    hire_x = set((snap.daily.loc[hires > 0, "day"] + 1).astype(int))
    assert all(e.x in hire_x for e in by["hiring"])
    assert [e.x for e in evs] == sorted(e.x for e in evs)


def test_hiring_days_close_together_are_one_wave():
    daily = pd.DataFrame({"day": np.arange(30), "hires": 0.0})
    daily.loc[[3, 5, 6, 20], "hires"] = [2, 1, 4, 3]
    snap = type("S", (), {"daily": daily, "employees": pd.DataFrame(), "log": {}, "day": 30})()
    waves = [(e.x, e.label) for e in timeline.events(snap)]
    assert waves == [(4, "+7 hired"), (21, "+3 hired")]


def test_a_decision_reads_in_plain_words():
    rec = {"day": 26, "action": "redesign", "kpi": "aht", "measured": 0.4}
    snap = type(
        "S",
        (),
        {"daily": pd.DataFrame(), "employees": pd.DataFrame(), "day": 40, "log": {}},
    )()
    snap.log = {"decisions": [rec, {"day": 30, "action": "coach", "measured": 4.0}]}
    evs = timeline.events(snap)
    assert [(e.x, e.kind, e.label) for e in evs] == [
        (26, "decision", "AHT redesigned"),
        (30, "coaching", "coaching"),
    ]
    assert evs[1].text.startswith("4 agents coached")


# --------------------------------------------------------------------------- slides
def test_slides_keep_the_live_views_fixed_ranges():
    revenue = next(p for p in PANELS["money"] if p.key == "revenue")
    # 190.9-191.5 thousand a day: drawn on the panel's 0-250, not zoomed to the noise
    assert y_range(revenue, [np.array([190.9, 191.5])]) == (0.0, 250.0)
    # data beyond the range widen it (as the live chart's unionWith), NaN ignored
    assert y_range(revenue, [np.array([np.nan, 300.0])]) == (0.0, 300.0)


def test_slides_zip_opens_and_every_png_names_the_lesson(ctx, tmp_path):
    data = slides_zip(ctx, tmp_path)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert [n.split("_", 1)[1] for n in names] == [f"{k}.png" for k in SLIDES]
        slide = draw_rgb(Figure(figsize=SLIDE_SIZE), SLIDE_DPI).shape[1::-1]  # (1999, 1125)
        for n in names:
            png = z.read(n)
            size = Image.open(io.BytesIO(png)).size
            # the per-employee heat map keeps its own size: 14 inches wide, at most 8.5 tall
            assert size == slide if "levers" not in n else size[0] == 2100 and size[1] <= 1275
            assert _title(png).startswith(f"{LESSON} — day {ctx.snap.day}"), n
    copies = list(tmp_path.glob("*_slides.zip"))
    assert len(copies) == 1 and copies[0].read_bytes() == data


def test_screen_slide_has_the_comparison_line_and_changes_with_it(ctx):
    with_line = np.asarray(Image.open(io.BytesIO(slide_png(ctx, "screen"))))
    alone = SlideContext(**{**ctx.__dict__, "other": None, "comparison": None, "deltas": {}})
    without = np.asarray(Image.open(io.BytesIO(slide_png(alone, "screen"))))
    grey = np.all(np.abs(with_line.astype(int) - [0x8C, 0x8C, 0x8C]) <= 6, axis=-1)
    grey0 = np.all(np.abs(without.astype(int) - [0x8C, 0x8C, 0x8C]) <= 6, axis=-1)
    # the comparison's thin grey lines add grey pixels (thousands, not a few)
    assert grey.sum() - grey0.sum() > 2000


# --------------------------------------------------------------------------- debrief
def test_debrief_is_one_self_contained_page_with_lesson_and_timeline(ctx, run):
    cfg = run[3]
    html = debrief_html(ctx, Lesson(cfg.scenario.description, cfg.scenario.lesson))
    assert html.startswith("<!DOCTYPE html>") and f"Debrief: {LESSON}" in html
    for e in ctx.events:
        assert f"<b>Day {e.x}</b> · {e.text}" in html.replace("&#x27;", "'")
    assert "the pay scheme becomes" in html and "Timeline" in html
    assert html.count("data:image/png;base64,") == 4
    # nothing loaded from elsewhere: no script, no link, no remote source
    assert not re.search(r"<script|<link|src=\"http|url\(http", html)


# --------------------------------------------------------------------------- browser
@pytest.mark.slow
def test_downloads_in_chromium(server, tmp_path):
    sync_playwright, chromium = shared._browser_or_skip()
    url, exports = server
    lesson = "hidden_phone_safety_net"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, headless=True, args=shared.CHROMIUM_ARGS
        )
        try:
            page, problems = shared._open(browser, url)
            shared._load_lesson(page, lesson)
            for day in ("5", "10", "15", "20", "25", "30"):  # past a pay day and a decision
                page.locator(".kpisim-step").click()
                page.wait_for_function(shared.ALL_AT, arg=day, timeout=60_000)
            saved = {}
            for key in ("screen", "slides", "debrief"):
                with page.expect_download(timeout=120_000) as info:
                    page.locator(f".kpisim-download-{key}").click()
                path = tmp_path / info.value.suggested_filename
                info.value.save_as(path)
                saved[key] = path.read_bytes()
            assert not problems, problems
            assert "Could not" not in page.evaluate("() => document.body.innerText")
        finally:
            browser.close()
    head = f"{lesson} — day 30"
    assert _title(saved["screen"]).startswith(head)
    with zipfile.ZipFile(io.BytesIO(saved["slides"])) as z:
        assert len(z.namelist()) == len(SLIDES)
        for n in z.namelist():
            assert _title(z.read(n)).startswith(head), n
    html = saved["debrief"].decode("utf-8")
    assert f"Debrief: {head}" in html
    assert "Day 21</b> · pay day 1" in html and "phone number moved one click away" in html
    for suffix in ("_screen.png", "_slides.zip", "_debrief.html"):
        assert len(list(exports.glob(f"*{suffix}"))) == 1, suffix


# --------------------------------------------------------------------------- never breaks
def test_an_error_in_the_sidebar_is_a_message_and_the_run_goes_on(monkeypatch):
    import ipyvuetify as v

    import sim.app.page as page_module

    real = page_module.PendingChanges
    broken = {"on": True}

    def failing(state):
        if broken["on"]:
            raise RuntimeError("the sidebar could not be drawn")
        return real(state)

    monkeypatch.setattr(page_module, "PendingChanges", page_module.solara.component(failing))
    rc = shared._render()  # a session drawn with a broken sidebar
    (alert,) = rc.find(v.Alert).widgets
    assert "The controls hit an error: RuntimeError" in str(alert.children)
    rc.find(v.Btn, children=["Step"]).widget.click()  # the run goes on
    assert shared._tile(rc, "day") == "5"
    broken["on"] = False
    rc.find(v.Btn, children=["Show the controls again"]).widget.click()
    assert not rc.find(v.Alert).widgets
    rc.find(v.Btn, children=["Apply & restart"]).assert_single()
    assert shared._tile(rc, "day") == "5"


def test_an_error_drawing_the_page_is_a_message_and_start_again_opens_a_run(monkeypatch):
    import ipyvuetify as v

    import sim.app.page as page_module

    real = page_module.first_settings

    def failing():
        raise RuntimeError("no settings today")

    monkeypatch.setattr(page_module, "first_settings", failing)
    rc = shared._render()
    (alert,) = rc.find(v.Alert).widgets
    assert "The page hit an error and stopped: RuntimeError" in str(alert.children)
    monkeypatch.setattr(page_module, "first_settings", real)
    rc.find(v.Btn, children=["Start again"]).widget.click()
    assert shared._tile(rc, "day") == "0"
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert shared._tile(rc, "day") == "5"


def test_a_failing_download_is_a_message_not_a_traceback(monkeypatch, tmp_path):
    import sim.app.sharing as sharing
    from sim.app.export import EXPORT_DIR_ENV

    monkeypatch.setenv(EXPORT_DIR_ENV, str(tmp_path))
    state = shared._state(build_config(preset_settings("aht_pay", keep=SMALL)))
    data = sharing._safe(state, "the slides", lambda ctx: 1 / 0)
    assert data() == b""  # nothing simulated yet
    assert "Nothing to download yet" in state.note.value.text
    state.step(5)
    assert data() == b""
    assert state.note.value.kind == "error"
    assert "Could not build the slides: ZeroDivisionError" in state.note.value.text
    ok = sharing._safe(state, "the screen", sharing._screen)
    assert ok().startswith(b"\x89PNG") and len(list(tmp_path.glob("*_screen.png"))) == 1
