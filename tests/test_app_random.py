"""The trainers' app never breaks: a long random sequence of actions in a real browser.

``kpisim app`` is started on a free localhost port and driven in headless Chromium
(Debian's, through Playwright, as in ``tests/test_app.py``) by a fixed-seed random
sequence of :data:`ACTIONS` actions - play, pause, step, reset, choose a lesson (every
lesson at least twice, the menu scrolled as a user would), move a slider, pick a
measurement choice, type a seed, apply, discard, switch the comparison side by side, reload the
page (F5), export the charts and download the screen, the slides or the debrief (the
browser must save a PNG, a ZIP, an HTML page) - taken whatever the page is doing
(playing included).
After every action the test waits for the page to show its effect (a DOM change, not a
fixed sleep) and fails on:

- any traceback or Python error name on the page, or a "Could not ..." message (an
  unexpected error turned into a message is still an error);
- any console error, uncaught page error, failed request or HTTP error;
- any request to an address other than 127.0.0.1;
- a page that stops answering (a wait times out);

and, at the end, on any traceback or ``ERROR`` line in the server's log.  Marked
``slow``: 500 actions took 467-517 s (8.6-9.5 min with the server's start) on the loaded 2-core
development machine, 233-256 s before the downloads were added (see ``docs/app.md``,
*Robustness*).
"""

from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the app extra is not installed")

import test_app as shared  # the browser helpers of the app's other browser tests

from sim.config import available_scenarios

ROOT = Path(__file__).resolve().parent.parent
#: Actions in the sequence (the issue asks for at least 500).
ACTIONS = int(os.environ.get("KPISIM_RANDOM_ACTIONS", "500"))
#: Seed of the sequence (fixed: a failure replays exactly).
SEED = 23
#: Relative weight of each kind of action (reloads and lesson loads cost seconds each).
WEIGHTS = {
    "play": 9,
    "pause": 9,
    "step": 16,
    "reset": 4,
    "lesson": 7,
    "slider": 16,
    "choice": 5,
    "seed": 3,
    "apply": 7,
    "discard": 6,
    "ghost": 4,
    "reload": 2,
    "export": 6,
    "download": 4,
}
#: What each download starts with: a PNG, a ZIP, the debrief's HTML.
DOWNLOADS = {"screen": b"\x89PNG", "slides": b"PK\x03\x04", "debrief": b"<!DOCTYPE html>"}
#: Longest wait for the page to show an action's effect, ms (a lesson at 200,000
#: customers builds in a few seconds on a loaded machine).
WAIT_MS = 60_000
#: What must never be on the page: a traceback, a Python error name, or an unexpected
#: error turned into a message by the app.
BROKEN = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception)\b|Could not |could not draw")

#: JavaScript: what the page shows now (for choosing the next action and its wait).
STATE = """() => {
  const text = s => document.querySelector(s)?.innerText?.trim() ?? null;
  const btn = s => document.querySelector(s)?.closest('button') ?? document.querySelector(s);
  const play = btn('.kpisim-play'), step = btn('.kpisim-step');
  const discard = [...document.querySelectorAll('button')]
    .find(b => b.innerText.trim().toLowerCase() === 'discard changes');
  return {
    day: text('.kpisim-value-day'),
    playing: (play?.textContent ?? '').includes('Pause'),
    playDisabled: !!play?.disabled,
    stepDisabled: !!step?.disabled,
    discardDisabled: !discard || discard.disabled,
    lesson: text('.kpisim-lesson-state'),
    ghost: (text('.kpisim-legend') ?? '').includes('Grey, thin'),
    downloadDisabled: !document.querySelector('.kpisim-download-screen')
      || !!document.querySelector('.kpisim-download-screen')?.closest('button')?.disabled,
    body: document.body.innerText.length,
  };
}"""


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """``kpisim app`` on a free localhost port; yields (address, server log path)."""
    tmp = tmp_path_factory.mktemp("app_random")
    with shared.running_app(tmp) as (url, _):
        yield url, tmp / "server.log"


class Driver:
    """Takes the actions on one page and waits for their effect."""

    def __init__(self, page, rng: random.Random, lessons: list[str]) -> None:
        self.page = page
        self.rng = rng
        self.lessons = lessons
        self.queue: list[str] = []
        self.chosen: dict[str, int] = {}
        self.downloads: dict[str, int] = {}

    # ---------------------------------------------------------------- helpers
    def state(self) -> dict:
        return self.page.evaluate(STATE)

    def wait(self, js: str, arg=None) -> None:
        self.page.wait_for_function(js, arg=arg, timeout=WAIT_MS, polling=50)

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def wait_day(self, day: str) -> None:
        self.wait("d => document.querySelector('.kpisim-value-day')?.innerText === d", arg=day)

    def wait_day_not(self, day: str) -> None:
        self.wait(
            "d => { const t = document.querySelector('.kpisim-value-day')?.innerText;"
            " return t !== undefined && t !== d; }",
            arg=day,
        )

    def next_lesson(self) -> str:
        """Lessons in shuffled rounds: every lesson comes once per round."""
        if not self.queue:
            self.queue = self.rng.sample(self.lessons, len(self.lessons))
        return self.queue.pop()

    # ---------------------------------------------------------------- actions
    def play(self, s: dict) -> None:
        self.page.locator(".kpisim-play").click()
        self.wait(
            "() => { const b = document.querySelector('.kpisim-play');"
            " return b.textContent.includes('Pause') || b.closest('button').disabled"
            " || b.disabled; }"
        )

    def pause(self, s: dict) -> None:
        self.page.locator(".kpisim-play").click()
        self.wait("() => document.querySelector('.kpisim-play').textContent.includes('Play')")

    def step(self, s: dict) -> None:
        self.page.locator(".kpisim-step").click()
        self.wait_day_not(s["day"])

    def reset(self, s: dict) -> None:
        self.page.locator(".kpisim-runbar .kpisim-reset").click()
        self.wait(shared.ALL_AT, "0")

    def lesson(self, s: dict) -> None:
        name = self.next_lesson()
        self.chosen[name] = self.chosen.get(name, 0) + 1
        # lesson switching is held while playing (the selector is disabled): a trainer
        # pauses first, and so does the test (only if it still plays: a click on Play
        # would start it)
        if self.page.evaluate(
            "() => document.querySelector('.kpisim-play')?.textContent.includes('Pause')"
        ):
            self.pause(s)
        if (s["lesson"] or "").split(" — ")[0] == name:  # the lesson on screen: reload it
            self.button("Reload lesson").click()
        else:
            self.page.locator(".v-select").filter(has_text="Lesson preset").click()
            shared._choose_option(self.page, name)
        self.wait("l => document.querySelector('.kpisim-lesson-state')?.innerText === l", arg=name)
        self.wait(shared.ALL_AT, "0")

    def captions(self) -> str:
        """Every control caption of the sidebar (each shows its control's value)."""
        return self.page.evaluate(
            "() => [...document.querySelectorAll('.kpisim-ctl')].map(e => e.innerText).join('|')"
        )

    def wait_captions_not(self, before: str) -> None:
        """Wait for the server's answer to a control change: a caption changes."""
        self.wait(
            "b => [...document.querySelectorAll('.kpisim-ctl')].map(e => e.innerText)"
            ".join('|') !== b",
            arg=before,
        )

    def slider(self, s: dict) -> None:
        sliders = self.page.locator(".kpisim-sidebar [role=slider]")
        target = sliders.nth(self.rng.randrange(sliders.count()))
        value = target.get_attribute("aria-valuenow")
        customers = target.evaluate("e => !!e.closest('.kpisim-slider-customers')")
        # the population only a notch at a time: a run of 300,000 customers is slow
        keys = ["ArrowLeft", "ArrowRight"] + ([] if customers else ["PageUp", "Home", "End"])
        before = self.captions()
        target.focus()
        target.press(self.rng.choice(keys))
        if target.get_attribute("aria-valuenow") != value:
            self.wait_captions_not(before)

    def choice(self, s: dict) -> None:
        label = self.rng.choice(
            ["FCR measured as", "CSAT measured by", "Phone number on the website"]
        )
        select = self.page.locator(".kpisim-sidebar .v-select").filter(has_text=label)
        current = select.locator(".v-select__selection").inner_text().strip()
        before = self.captions()
        select.click()
        options = self.page.locator(".menuable__content__active [role=option]")
        options.first.wait_for(timeout=WAIT_MS)
        option = options.nth(self.rng.randrange(options.count()))
        new = option.inner_text().strip()
        option.click()
        if new != current:
            self.wait_captions_not(before)
        else:  # the same option: the menu closes, nothing changes
            self.page.locator(".menuable__content__active").wait_for(state="detached")

    def seed(self, s: dict) -> None:
        text = self.rng.choice(["1", "7", "42", "-3", "1.5", "seven", "", "12; rm -rf /"])
        box = self.page.get_by_label("Seed (whole number)")
        box.fill(text)
        box.press("Enter")
        self.wait(
            "t => (document.querySelector('.kpisim-ctl-seed')?.innerText ?? '')"
            ".includes('Seed: ' + t.trim().slice(0, 20))",
            arg=text,
        )

    def apply(self, s: dict) -> None:
        self.button("Apply & restart").click()
        # playing stops, and the new run is at day 0 or the refusal is on the page (an
        # export finishing meanwhile may put its message in place of "Settings applied")
        self.wait(
            "() => document.querySelector('.kpisim-play')?.textContent.includes('Play')"
            " && (document.querySelector('.kpisim-value-day')?.innerText === '0'"
            " || [...document.querySelectorAll('.kpisim-error')]"
            ".some(e => e.innerText.includes('Not applied')))"
        )

    def discard(self, s: dict) -> None:
        # forced: an earlier change may still be reaching the server, and the button be
        # disabled by the time of the click (then there is nothing to discard)
        self.button("Discard changes").click(force=True)
        self.wait("() => document.querySelectorAll('.kpisim-changed').length === 0")

    def ghost(self, s: dict) -> None:
        switch = self.page.get_by_label(re.compile(r"^Side by side with "))
        if switch.count() == 0:  # a lesson with no comparison (the baseline)
            return
        if switch.is_disabled():
            return
        switch.click(force=True)
        self.wait(
            "on => (document.querySelector('.kpisim-legend')?.innerText ?? '')"
            ".includes('Grey, thin') === on",
            arg=not s["ghost"],
        )

    def reload(self, s: dict) -> None:
        self.page.reload()
        self.wait(shared.ALL_AT, "0")

    def export(self, s: dict) -> None:
        self.button("Export charts as PNG").click()
        self.wait(
            "() => /Exporting|Exported|Nothing to export yet/.test(document.body.innerText)"
            " || document.querySelector('.kpisim-value-day')?.innerText === '0'"
            " || document.querySelector('.kpisim-play')?.textContent.includes('Pause')"
        )

    def download(self, s: dict) -> None:
        """Download the screen (PNG), the slides (ZIP) or the debrief (HTML) and check
        that the browser saved a file of that kind."""
        key = self.rng.choice(list(DOWNLOADS))
        with self.page.expect_download(timeout=WAIT_MS) as info:
            self.page.locator(f".kpisim-download-{key}").click()
        path = info.value.path()
        data = Path(path).read_bytes() if path else b""
        assert data.startswith(DOWNLOADS[key]), (key, data[:40])
        self.downloads[key] = self.downloads.get(key, 0) + 1

    # ---------------------------------------------------------------- the sequence
    def candidates(self, s: dict) -> list[str]:
        out = []
        for name in WEIGHTS:
            if name == "play" and (s["playing"] or s["playDisabled"]):
                continue
            if name == "pause" and not s["playing"]:
                continue
            if name == "step" and (s["playing"] or s["stepDisabled"]):
                continue
            if name == "discard" and s["discardDisabled"]:
                continue
            # downloads are off at day 0 (nothing to show); the button's state can lag a
            # new run's day 0 by a redraw, so the day decides too
            if name == "download" and (s["downloadDisabled"] or s["day"] in (None, "0")):
                continue
            out.append(name)
        return out

    def act(self) -> str:
        s = self.state()
        names = self.candidates(s)
        name = self.rng.choices(names, weights=[WEIGHTS[n] for n in names])[0]
        try:
            getattr(self, name)(s)
        except Exception as exc:  # a wait timed out: say which action, in which state
            now = self.state()
            raise AssertionError(
                f"{name} failed ({type(exc).__name__}) from {s}; the page now shows {now}; "
                f"on it: {self.page.evaluate('() => document.body.innerText')[:1500]!r}"
            ) from exc
        return name


def _broken(page) -> str | None:
    """The text on the page that shows it broke, or None."""
    m = BROKEN.search(page.evaluate("() => document.body.innerText"))
    return None if m is None else m.group(0)


@pytest.mark.slow
def test_random_actions_never_break_the_app(app_server, record_property):
    sync_playwright, chromium = shared._browser_or_skip()
    url, log_path = app_server
    lessons = available_scenarios()
    rng = random.Random(SEED)
    done: list[str] = []
    spent: dict[str, float] = {}  # seconds per kind of action
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, headless=True, args=shared.CHROMIUM_ARGS
        )
        try:
            page, problems = shared._open(browser, url)
            driver = Driver(page, rng, lessons)
            t0 = time.monotonic()
            while len(done) < ACTIONS or set(driver.chosen) != set(lessons):
                t1 = time.monotonic()
                name = driver.act()
                spent[name] = spent.get(name, 0.0) + time.monotonic() - t1
                done.append(name)
                where = f"action {len(done)} ({name}); the last ones: {done[-8:]}"
                bad = _broken(page)
                assert bad is None, f"the page shows {bad!r} after {where}"
                assert not problems, f"{problems[:5]} after {where}"
            elapsed = time.monotonic() - t0
        finally:
            browser.close()
    counts = {n: done.count(n) for n in WEIGHTS}
    record_property("actions", len(done))
    record_property("seconds", round(elapsed, 1))
    print(f"\n{len(done)} actions in {elapsed:.0f} s: {counts}")
    print("seconds per kind:", {n: round(v, 1) for n, v in sorted(spent.items())})
    print(f"lessons chosen: {dict(sorted(driver.chosen.items()))}")
    print(f"downloads: {driver.downloads}")
    assert min(driver.chosen.get(lesson, 0) for lesson in lessons) >= 1
    assert all(counts[n] > 0 for n in WEIGHTS), counts
    assert set(driver.downloads) == set(DOWNLOADS), driver.downloads
    log = log_path.read_text()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]
