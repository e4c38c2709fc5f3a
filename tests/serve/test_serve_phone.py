"""The phone-first page in a phone-sized headless Chromium: Play at the top; "Making your audio… N %" while
a new variant is made; then the now-playing view without scrolling; captions as plain text, right after a
seek; the server's own words for a refused or failed request; no serious accessibility violation (axe-core,
vendored under ``vendor/``), light and dark; usable at 320 px; no Content-Security-Policy violation.
Screenshots at 360x800 and 320x640 are kept in the artefacts folder (``$VOICE_COACH_TEST_ARTEFACTS``, else
the test's temporary folder)."""

from __future__ import annotations

import html
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import mutagen.mp3
import pytest
from browsers import headless_chromium, phone, serious_violations, wait_for
from conftest import RealServer, start_server

pytestmark = pytest.mark.slow
HIPS = """id = "hips"
title = "Hips & knees"
kind = "stretch"
setup = [{ say = "Lie on your back & bend your knees." }]
hold = "6s"
sets = { default = 2 }
sides = ["right", "left"]
"""
NACKEN = (Path(__file__).parents[1] / "compiler" / "german" / "nacken.toml").read_text("utf-8")
"""A routine written in German, its sides right then left, two sets a side."""
WATCH = """window.testLog = { errors: [], csp: [], making: [] };
addEventListener("error", (e) => testLog.errors.push(String(e.message)));
addEventListener("unhandledrejection", (e) => testLog.errors.push(String(e.reason)));
document.addEventListener("securitypolicyviolation", (e) => testLog.csp.push(e.violatedDirective));
addEventListener("DOMContentLoaded", () => {
  const making = document.getElementById("making-text");
  if (making) new MutationObserver(() => testLog.making.push(making.textContent))
    .observe(making, { childList: true, characterData: true, subtree: true });
});"""
"""The test's own watch on the page: uncaught errors, CSP violations, the "Making your audio" texts."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    root = tmp_path_factory.mktemp("phone")
    (root / "routines").mkdir()
    (root / "routines" / "hips.toml").write_text(HIPS, encoding="utf-8")
    (root / "routines" / "nacken.toml").write_text(NACKEN, encoding="utf-8")
    running = start_server(root, "--routines", str(root / "routines"))
    yield running
    running.process.kill()
    running.process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with headless_chromium() as driver:
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
        yield driver


@pytest.fixture
def artefacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VOICE_COACH_TEST_ARTEFACTS") or tmp_path / "artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def text_of(driver: Any, element_id: str) -> str:
    text: str = driver.execute_script(f"return document.getElementById('{element_id}').textContent")
    return text


def adjust(driver: Any, **settings: str) -> None:
    """Unfold "Adjust" and type ``settings`` into their fields."""
    from selenium.webdriver.common.by import By

    if not driver.execute_script("return document.getElementById('adjust').open"):
        driver.find_element(By.CSS_SELECTOR, "#adjust summary").click()
    for name, value in settings.items():
        field = driver.find_element(By.ID, name)
        field.clear()
        field.send_keys(value)


def cues(server: RealServer, query: str, routine: str = "hips") -> list[tuple[float, str]]:
    """(start in seconds, text as said) of each cue of the variant's cue sheet."""
    sheet = httpx.get(server.url + f"audio/{routine}.vtt?{query}", timeout=300).text
    found = re.findall(r"(\d+):(\d+):([\d.]+) --> [^\n]+\n([^\n]+)", sheet)
    return [(int(h) * 3600 + int(m) * 60 + float(s), html.unescape(text)) for h, m, s, text in found]


def test_play_shows_the_making_then_the_now_playing_view_without_scrolling(
    server: RealServer, browser: Any, artefacts: Path
) -> None:
    from selenium.webdriver.common.by import By

    phone(browser, 360, 800)
    browser.get(server.url + "routine/hips")
    browser.execute_script(POSITIONS)
    play = browser.find_element(By.ID, "play")
    assert play.rect["y"] + play.rect["height"] < 400 and play.rect["height"] >= 44, "Play big, at the top"
    adjust(browser, hold="7s")
    play.click()
    first = wait_for(browser, "positions.find(([live, time]) => time > 0)")
    assert first[0], "the first sound streamed as it is encoded"
    making = browser.execute_script("return testLog.making")
    assert making and all(re.fullmatch(r"Making your audio… \d{1,3} %", text) for text in making), making
    wait_for(browser, "document.getElementById('making').hidden")
    for element_id in ("where", "now", "progress", "left", "pause", "next"):
        box = browser.execute_script(
            f"const r = document.getElementById('{element_id}').getBoundingClientRect();"
            "return [r.top, r.bottom, r.height, scrollY];"
        )
        assert box[0] >= 0 and box[1] <= 800 and box[3] == 0, (element_id, box)
    assert wait_for(browser, "document.getElementById('where').textContent").startswith("Hips & knees")
    assert re.fullmatch(r"\d+:\d\d left", wait_for(browser, "document.getElementById('left').textContent"))
    wait_for(browser, "document.querySelectorAll('#ticks span').length >= 1")  # once the chapters are made
    assert (
        browser.execute_script("return document.getElementById('now').getAttribute('aria-live')") == "polite"
    )
    assert browser.save_screenshot(str(artefacts / "now-playing-360x800.png"))
    assert browser.execute_script("return testLog.errors.concat(testLog.csp)") == []


def test_captions_are_plain_text_and_follow_a_seek(server: RealServer, browser: Any) -> None:
    """The cue sheet writes "&" as "&amp;"; the page shows the words as said, and after a seek the words
    at the new time (not the ones before it)."""
    from selenium.webdriver.common.by import By

    phone(browser, 360, 800)
    browser.get(server.url + "routine/hips?hold=7s")
    browser.find_element(By.ID, "play").click()
    wait_for(browser, "document.getElementById('audio').currentTime > 0")
    said = cues(server, "hold=7s")
    assert said[0][1] == "Hips & knees."
    for start, text in (said[1], said[-1], said[0]):
        browser.execute_script(
            f"const a = document.getElementById('audio'); a.pause(); a.currentTime = {start + 0.1};"
        )
        wait_for(browser, f"document.getElementById('now').textContent === {text!r}", timeout=10)
    assert "&amp;" not in text_of(browser, "now") and "&amp;" not in text_of(browser, "where")


def test_a_session_too_long_is_refused_while_typing_and_play_says_so(
    server: RealServer, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    phone(browser, 360, 800)
    browser.get(server.url + "routine/spi")
    adjust(browser, hold="1h", sets="50")
    assert "the limit is 12h" in wait_for(browser, "document.getElementById('message').textContent", 20)
    browser.execute_script("document.getElementById('message').textContent = ''")
    browser.find_element(By.ID, "play").click()
    assert "the limit is 12h" in wait_for(browser, "document.getElementById('message').textContent", 20)
    assert browser.execute_script("return document.getElementById('player').hidden")
    adjust(browser, hold="1" * 2100)  # refused by the server before any check, in plain text
    wait_for(browser, "document.getElementById('message').textContent === 'URI Too Long'", 20)
    assert browser.execute_script("return testLog.errors") == []


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_no_serious_accessibility_violation_and_usable_at_320_px(
    server: RealServer, browser: Any, artefacts: Path, dark: bool
) -> None:
    from selenium.webdriver.common.by import By

    phone(browser, 320, 640, dark=dark)
    browser.get(server.url)
    assert serious_violations(browser) == []
    browser.get(server.url + "routine/hips")
    adjust(browser)
    assert serious_violations(browser) == []
    browser.find_element(By.ID, "play").click()
    wait_for(browser, "document.getElementById('audio').currentTime > 0")
    wait_for(browser, "document.querySelectorAll('#chapters button').length >= 1")
    assert serious_violations(browser) == []
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 320, "no sideways scroll"
    small = browser.execute_script(
        "return Array.from(document.querySelectorAll('button, input, select, summary, p.back a'))"
        ".filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)"
        ".map(e => e.id || e.tagName);"
    )
    assert small == [], "touch targets of 44 px at least"
    scheme = "dark" if dark else "light"
    assert browser.save_screenshot(str(artefacts / f"now-playing-320x640-{scheme}.png"))
    assert browser.execute_script("return testLog.errors.concat(testLog.csp)") == []


POSITIONS = """window.positions = [];
const audio = document.getElementById("audio");
audio.addEventListener("timeupdate", () =>
  positions.push([audio.src.includes("live=1"), audio.currentTime, audio.paused, audio.duration]));"""
"""The test's record of where the audio element is, at each of its ``timeupdate`` events."""


def test_the_finished_file_takes_the_streams_place_once_made_at_the_same_moment(
    server: RealServer, browser: Any
) -> None:
    """A new variant plays from its stream as it is made; once made, the page switches to the finished
    file by itself (no seek needed), so the lock screen gets its length and seeking works, and playback
    goes on from where the stream was, still playing."""
    from selenium.webdriver.common.by import By

    phone(browser, 360, 800)
    browser.get(server.url + "routine/spi?hold=22s")  # its phrases new here: seconds of streaming
    browser.execute_script(POSITIONS)
    browser.find_element(By.ID, "play").click()
    wait_for(browser, "positions.some(([live, time]) => live && time > 0)")
    wait_for(browser, "!document.getElementById('audio').src.includes('live=1')", timeout=120)
    wait_for(browser, "positions.some(([live, time]) => !live && time > 0)", timeout=30)
    positions = browser.execute_script("return positions")
    streamed = [time for live, time, _, _ in positions if live]
    from_file = [(time, paused, length) for live, time, paused, length in positions if not live and time > 0]
    assert streamed[-1] > 1, "the stream played a while before the export was made"
    assert from_file[0][0] == pytest.approx(streamed[-1], abs=0.5), (streamed[-3:], from_file[:3])
    assert not any(paused for _, paused, _ in from_file), "still playing"
    mp3 = httpx.get(server.url + "audio/spi.mp3?hold=22s", timeout=60).content
    length = mutagen.mp3.MP3(io.BytesIO(mp3)).info.length
    assert from_file[-1][2] == pytest.approx(length, abs=0.1), "the element knows the file's length"
    assert browser.execute_script("return testLog.errors.concat(testLog.csp)") == []


def test_the_set_and_side_shown_come_from_the_exports_numbers_in_any_language(
    server: RealServer, browser: Any
) -> None:
    """A routine said in German ("Satz 1 von 2.", then "Letzter Satz." for the second): the now-playing
    view shows each set's number and side, read from the export's sets, not from English words."""
    from selenium.webdriver.common.by import By

    phone(browser, 360, 800)
    browser.get(server.url + "routine/nacken?hold=6s")
    browser.find_element(By.ID, "play").click()
    wait_for(browser, "document.getElementById('audio').currentTime > 0")
    said = cues(server, "hold=6s", "nacken")
    announced = [start for start, text in said if text in ("Satz 1 von 2.", "Letzter Satz.")]
    assert len(announced) == 4, said
    expected = [("rechte", 1), ("rechte", 2), ("linke", 1), ("linke", 2)]
    for start, (side, number) in zip(announced, expected, strict=True):
        browser.execute_script(
            f"const a = document.getElementById('audio'); a.pause(); a.currentTime = {start + 0.3};"
        )
        shown = f"Nackendehnung, {side} Seite · Satz {number} von 2"
        wait_for(browser, f"document.getElementById('where').textContent === {shown!r}", timeout=30)
    assert browser.execute_script("return testLog.errors.concat(testLog.csp)") == []


def test_a_bad_massage_length_is_refused_while_typing(server: RealServer, browser: Any) -> None:
    phone(browser, 360, 800)
    browser.get(server.url + "routine/spi-massage")
    adjust(browser, massage="3x")
    said = wait_for(browser, "document.getElementById('message').textContent", 20)
    assert said.startswith("massage: '3x' is not a duration"), said
    adjust(browser, massage="3m")
    wait_for(browser, "document.getElementById('message').textContent === ''", 20)
    assert browser.execute_script("return testLog.errors") == []
