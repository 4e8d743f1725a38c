"""Presenter mode in a real browser: readable from the back of a room, the lesson above
the fold, the run stopping for the room's prediction.

Headless Chromium (Debian's, through Playwright, as ``tests/test_app.py``) opens the app
at 1366x768 and 1024x768, switches presenter mode on, steps the default lesson to its
first stop (``scenario.live.stops``: the question for the room appears, the run stops),
reveals (it plays on to the next stop, the lesson selector held meanwhile) and then
measures what a room sees: every text of the tiles, the title, the prompt and the main
chart's axes and legends at least 20 px (computed style), every text's contrast with its
background at least 4.5:1 (WCAG 2 AA, relative luminance of the computed colours), the
tiles and the main chart's first row inside the first screen, no sidebar, none of the
jargon the issue listed, a plain explanation on hover for the tiles.  It saves
``docs/img/presenter_1366x768.png`` and ``docs/img/presenter_1024x768.png``.  Fails on
any console error, failed or external request (``_watch``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the app extra is not installed")

import test_app as shared  # the browser helpers of the app's other browser tests
from test_app import chromium_browser, shared_server  # noqa: F401  (fixtures)

from sim.config import load_config

ROOT = Path(__file__).resolve().parent.parent
#: WCAG 2 AA contrast for normal text.
MIN_CONTRAST = 4.5
#: Smallest text in presenter mode (px): readable from the back of a room.
MIN_PX = 20.0
#: Words a room of team leaders should not hear read out, as shown text.
JARGON = (
    "Goodhart",
    "noise-corrected",
    "web containment",
    "seed",
    "ghost",
    "self_coded",
    "random_sample",
    "perspective",
    "internal-process",
)

#: Per text element inside the presenter's lesson area: its font size, its colour, the
#: first opaque background behind it, its text (JavaScript, run in the page).
TEXTS = """sel => {
  const rgba = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const bg = e => {
    for (let n = e; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const root of document.querySelectorAll(sel)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const e = t.parentElement;
      if (!t.textContent.trim() || !e || e.closest('.v-select__slot, .v-input--switch')) continue;
      const st = getComputedStyle(e);
      if (st.visibility === 'hidden' || st.display === 'none') continue;
      const fill = e instanceof SVGElement ? st.fill : st.color;
      out.push({px: parseFloat(st.fontSize), fg: rgba(fill).slice(0, 3), bg: bg(e),
                text: t.textContent.trim().slice(0, 40)});
    }
  }
  return out;
}"""


def _luminance(rgb: list[float]) -> float:
    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: list[float], bg: list[float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (1-21)."""
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_contrast_of_the_palette_is_measured_right() -> None:
    # the figures of the issue: vermillion text on white 3.9:1, black on white 21:1
    assert contrast([213, 94, 0], [255, 255, 255]) == pytest.approx(3.87, abs=0.01)
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21.0)


def _wait_stop(page, day: int) -> None:
    page.locator(".kpisim-prompt").filter(has_text=f"Day {day}: what will happen next?").wait_for(
        timeout=120_000
    )


@pytest.mark.slow
@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_presenter_mode_reads_from_the_back_of_the_room(shared_server, chromium_browser, size):  # noqa: F811
    width, height = size
    page, problems = shared._open(chromium_browser, shared_server, width, height)
    stops = list(load_config("aht_pay").scenario.live.stops)  # the lesson on first load
    page.get_by_text("Presenter mode (hides this sidebar)").click()
    page.locator(".kpisim-ptile").first.wait_for(timeout=60_000)
    page.locator(".kpisim-sidebar").wait_for(state="hidden", timeout=30_000)
    # step to the first stop: the run stops there and asks the room
    step = page.get_by_role("button", name="Step", exact=True)
    for _ in range(stops[0] // 5):
        step.click()
        page.wait_for_timeout(150)
        if page.locator(".kpisim-prompt").count():
            break
    _wait_stop(page, stops[0])
    page.locator(".kpisim-topbar-run").filter(has_text=f"Day {stops[0]} of").wait_for(
        timeout=30_000
    )
    # reveal: it plays on to the next stop; switching lessons is held meanwhile
    page.get_by_role("button", name="Show what happens", exact=True).click()
    page.get_by_role("button", name="❚❚ Pause", exact=True).wait_for(timeout=30_000)
    held = page.locator(".kpisim-plesson input").first
    try:  # the page's update reaches the browser a moment after the Pause button's
        held.wait_for(state="attached", timeout=10_000)
        page.wait_for_function(
            "() => document.querySelector('.kpisim-plesson input')?.disabled === true",
            timeout=10_000,
        )
    except Exception as e:  # report the state, not Playwright's timeout
        raise AssertionError("the lesson selector must be held while playing") from e
    _wait_stop(page, stops[1])
    page.get_by_role("button", name="▶ Play", exact=True).wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # the charts' last rows drawn
    shot = ROOT / "docs" / "img" / f"presenter_{width}x{height}.png"
    page.screenshot(path=str(shot))
    # text sizes and contrast of everything that carries the lesson
    texts = page.evaluate(
        TEXTS,
        ".kpisim-ptitle, .kpisim-prompt, .kpisim-ptiles, .kpisim-psigns, "
        ".kpisim-chart-dashboard_vs_reality .kpisim-vega",
    )
    assert len(texts) > 40, texts
    small = [t for t in texts if t["px"] < MIN_PX]
    assert not small, small[:8]
    low = [
        (t["text"], round(contrast(t["fg"], t["bg"]), 2))
        for t in texts
        if contrast(t["fg"], t["bg"]) < MIN_CONTRAST
    ]
    assert not low, low[:8]
    # above the fold: the title, the tiles and the main chart's first row of panels
    for sel in (".kpisim-ptitle", ".kpisim-ptiles"):
        box = page.locator(sel).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (sel, box)
    panels = page.locator(".kpisim-chart-dashboard_vs_reality .kpisim-vega")
    assert panels.count() == 2, "presenter mode draws the main chart's first row"
    for i in range(2):
        box = panels.nth(i).bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, (i, box)
        assert box["x"] + box["width"] <= width, (i, box)
    tiles = page.locator(".kpisim-ptile")
    assert 3 <= tiles.count() <= 4
    for i in range(tiles.count()):
        box = tiles.nth(i).bounding_box()
        assert box["x"] + box["width"] <= width + 1, (i, box)  # no tile cut off
        assert tiles.nth(i).get_attribute("title"), "every tile explains itself on hover"
    # plain words: none of the jargon on screen (the hover texts may name the terms)
    shown = page.locator(".kpisim-presenter").inner_text()
    found = [w for w in JARGON if w.lower() in shown.lower()]
    assert not found, found
    # both sides and their difference on every judged tile
    assert page.locator(".kpisim-ptile-diff").count() == tiles.count()
    assert not problems, problems[:5]
