"""A phone's browser (headless Chromium through selenium): choose a hold, press Play, hear it advance, tap
a chapter, and find the lock screen's metadata and next/previous handlers; a screenshot is kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsers import headless_chromium
from conftest import RealServer

pytestmark = pytest.mark.slow


@pytest.fixture
def browser() -> Iterator[Any]:
    with headless_chromium("--window-size=412,915") as driver:
        driver.set_script_timeout(30)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_HANDLERS})
        yield driver


RECORD_HANDLERS = """window.testHandlers = {};
const setHandler = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
navigator.mediaSession.setActionHandler = (action, handler) => {
  window.testHandlers[action] = handler; return setHandler(action, handler); };"""
"""The test's own look at the Media Session handlers the page sets (the page ships no hook for tests)."""


def wait_for(driver: Any, script: str, timeout: float = 90) -> Any:
    """The first truthy value of ``script`` (a JS expression) within ``timeout`` seconds."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        lambda d: d.execute_script(f"return {script}")
    )


def test_choose_a_hold_play_skip_chapters_with_lock_screen_controls(
    real_server: RealServer, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(real_server.url + "routine/kneeling-twist")
    assert browser.execute_script("return typeof window.voiceCoach") == "undefined"
    browser.find_element(By.CSS_SELECTOR, "#adjust summary").click()
    hold = browser.find_element(By.ID, "hold")
    hold.send_keys("0s")  # checked as it is typed (and the settings on screen are made meanwhile)...
    assert "hold: must be longer than zero" in wait_for(
        browser, "document.getElementById('message').textContent"
    )
    browser.execute_script("document.getElementById('message').textContent = ''")
    browser.find_element(By.ID, "play").click()  # ...and again on Play
    assert "hold: must be longer than zero" in wait_for(
        browser, "document.getElementById('message').textContent"
    )
    hold.clear()
    hold.send_keys("15s")
    browser.find_element(By.ID, "sets").send_keys("1")
    browser.find_element(By.ID, "play").click()

    wait_for(browser, "document.getElementById('audio').currentTime > 1")
    assert browser.current_url.endswith("?hold=15s&sets=1")
    wait_for(browser, "document.querySelectorAll('#chapters button').length >= 2")
    chapter = browser.find_elements(By.CSS_SELECTOR, "#chapters button")[1]
    second = float(chapter.get_attribute("data-start"))
    chapter.click()
    at = wait_for(browser, f"Math.abs(audio.currentTime - {second}) < 1.5 && audio.currentTime")
    assert second - 0.1 <= at < second + 1.5
    wait_for(browser, "document.querySelector('#chapters li.current button').dataset.index === '1'")

    session = browser.execute_script(
        "const m = navigator.mediaSession.metadata, actions = Object.keys(testHandlers);"
        "return {title: m.title, artist: m.artist, album: m.album, actions: actions, art: m.artwork[0]};"
    )
    assert session["art"]["type"] == "image/png" and session["art"]["sizes"] == "600x600"
    art = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.blob()).then(b => done([b.type, b.size]));",
        session["art"]["src"],
    )
    assert art[0] == "image/png" and art[1] > 1000, "the lock screen's artwork loads"
    assert session["title"] == "Kneeling twist stretch" and session["artist"] == "voice-coach"
    assert session["album"] == "hold 15s, sets 1"
    assert {"play", "pause", "seekto", "previoustrack", "nexttrack"} <= set(session["actions"])
    browser.execute_script("testHandlers.previoustrack()")
    wait_for(browser, f"audio.currentTime < {second}")
    browser.execute_script("testHandlers.nexttrack()")
    wait_for(browser, f"Math.abs(audio.currentTime - {second}) < 1.5")
    assert wait_for(browser, "document.getElementById('now').textContent")

    screenshot = tmp_path / "player.png"
    assert browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 5000


def test_after_playback_the_page_asks_how_the_back_feels(
    real_server: RealServer, browser: Any, http: Any
) -> None:
    from selenium.webdriver.common.by import By

    made = http.get(real_server.url + "audio/kneeling-twist.mp3?hold=15s&sets=1")  # made before Play
    assert made.status_code == 200
    browser.get(real_server.url + "routine/kneeling-twist?hold=15s&sets=1")
    assert not browser.find_element(By.ID, "rating").is_displayed()
    browser.find_element(By.ID, "play").click()
    duration = wait_for(browser, "isFinite(audio.duration) && audio.duration > 5 && audio.duration")
    browser.execute_script(f"audio.currentTime = {duration - 1}")  # the last second: it ends at once
    wait_for(browser, "!document.getElementById('rating').hidden")
    assert browser.find_element(By.ID, "question").text == "How is your back now, from zero to ten?"
    browser.find_element(By.CSS_SELECTOR, "#rating .scale button[value='2']").click()
    assert wait_for(browser, "document.getElementById('rated').textContent") == "Kept: pain 2/10."
