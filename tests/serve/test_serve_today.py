"""The programme over weeks on the phone, end to end on a real ``voice-coach serve``: the feed's Today
episode follows the step (two low-pain ratings move it: a new GUID, title and audio, as long as the new
step makes it) and stays the same episode while nothing changes, across fetches and restarts; the routine
page shows the next session and the pain chart, and a rating given on it is kept in the history."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]
import httpx
import pytest
from browsers import headless_chromium, phone, serious_violations
from browsers import wait_for as wait_in
from conftest import RealServer, start_server
from fakes import wait_for

import voice_coach as vc

pytestmark = pytest.mark.slow
NECK = """id = "neck"
title = "Neck stretch"
kind = "stretch"
setup = ["Tilt your head to the side, and hold."]
hold = { default = "4s", min = "4s", max = "10s" }
sets = { default = 1, max = 2 }
[progression]
hold = "3s"
"""
"""Steps: hold 4 s, 7 s, 10 s, then 2 sets; up after two sessions rated 3 or less."""
CALF = NECK.replace('"neck"', '"calf"').replace("Neck stretch", "Calf stretch")


def served(root: Path) -> RealServer:
    """``serve`` of the routines ``neck`` and ``calf`` with its data under ``root`` (kept over restarts)."""
    (root / "routines").mkdir(exist_ok=True)
    (root / "routines" / "neck.toml").write_text(NECK, encoding="utf-8")
    (root / "routines" / "calf.toml").write_text(CALF, encoding="utf-8")
    return start_server(root, "--routines", str(root / "routines"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    running = served(tmp_path_factory.mktemp("today"))
    yield running
    running.process.kill()
    running.process.wait()


def today_episode(server: RealServer, routine_id: str, other_than: str = "") -> Any:
    """The feed's episode of ``routine_id`` at its defaults once it is listed with a GUID other than
    ``other_than`` (the feed lists an export once it is made: the server starts making it when a rating
    moves the step)."""
    found: list[Any] = []

    def listed() -> bool:
        feed = feedparser.parse(httpx.get(server.url + "feed.xml", timeout=120).content)
        found[:] = [e for e in feed.entries if f"/audio/{routine_id}.mp3" in e.enclosures[0].href]
        return len(found) == 1 and found[0].id != other_than

    wait_for(listed, f"a new episode of {routine_id}", deadline=600)
    return found[0]


def seconds(server: RealServer, url: str, folder: Path) -> float:
    """How long the MP3 at ``url`` plays, by ffprobe."""
    audio = folder / "episode.mp3"
    audio.write_bytes(httpx.get(url, timeout=300).raise_for_status().content)
    shown = ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(audio)]
    return float(subprocess.run(shown, capture_output=True, text=True, check=True).stdout)


def test_the_today_episode_changes_after_two_low_pain_ratings(server: RealServer, tmp_path: Path) -> None:
    assert httpx.get(server.url + "audio/neck.mp3", timeout=300).status_code == 200  # made before the feed
    before = today_episode(server, "neck")
    assert before.title == "Today: Neck stretch — step 1 of 4: hold 4 s, 1 set"
    length = seconds(server, before.enclosures[0].href, tmp_path)
    assert int(before.enclosures[0].length) == (tmp_path / "episode.mp3").stat().st_size

    for pain in ("2", "1"):
        rated = httpx.post(server.url + "rate/neck.json", data={"pain": pain}, timeout=120)
        assert rated.status_code == 200, rated.text
    assert rated.json()["next"].startswith("hold 7 s, 1 set (step 2 of 4)")

    after = today_episode(server, "neck", other_than=before.id)
    assert after.title == "Today: Neck stretch — step 2 of 4: hold 7 s, 1 set"
    assert before.enclosures[0].href.endswith("/audio/neck.mp3?step=1")
    assert after.enclosures[0].href.endswith("/audio/neck.mp3?step=2")
    longer = seconds(server, after.enclosures[0].href, tmp_path)
    assert int(after.enclosures[0].length) == (tmp_path / "episode.mp3").stat().st_size
    assert abs(longer - length - 3.0) < 0.3, (length, longer)  # the hold went from 4 s to 7 s
    assert abs(float(after.itunes_duration) - longer) <= 1


def test_the_today_episode_stays_the_same_while_the_step_does(tmp_path: Path) -> None:
    """Fetched again, after a rating that does not move the step (pain above 3), and after a restart:
    one GUID, so a podcast app does not download the same session again."""
    running = served(tmp_path)
    try:
        assert httpx.get(running.url + "audio/calf.mp3", timeout=300).status_code == 200
        first = today_episode(running, "calf")
        assert today_episode(running, "calf").id == first.id
        rated = httpx.post(running.url + "rate/calf.json", data={"pain": "6"}, timeout=120)
        assert rated.json()["next"].startswith("hold 4 s, 1 set (step 1 of 4)")
        assert today_episode(running, "calf").id == first.id
    finally:
        assert running.stop()[0] == 0
    again = served(tmp_path)
    try:
        kept = today_episode(again, "calf")
        assert (kept.id, kept.title, kept.enclosures[0].href) == (
            first.id,
            first.title,
            first.enclosures[0].href.replace(running.url, again.url),
        )
    finally:
        again.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    with headless_chromium() as driver:
        driver.set_script_timeout(60)
        yield driver


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_page_shows_the_next_session_and_the_chart_and_keeps_a_rating(
    tmp_path: Path, browser: Any, monkeypatch: pytest.MonkeyPatch, dark: bool
) -> None:
    from selenium.webdriver.common.by import By

    running = served(tmp_path)
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))  # the server's history
    now = datetime.fromisoformat("2026-03-09T18:00:00+01:00")  # the clock of the sessions logged
    for day, pain in (("2026-03-02", 6), ("2026-03-04", 4), ("2026-03-06", 2)):
        vc.log_session(tmp_path / "routines" / "calf.toml", pain, day=day, now=now)
    try:
        phone(browser, 320, 640, dark=dark)
        browser.get(running.url + "routine/calf")
        shown = browser.find_element(By.ID, "next-session").text
        assert shown.startswith("Next session: step 1 of 4: hold 4 s, 1 set.")
        assert "one more session with pain 3 or less to go up" in browser.find_element(By.ID, "why").text
        bars = browser.find_elements(By.CSS_SELECTOR, "#pain-chart rect.bar")
        titles = [bar.get_attribute("textContent") for bar in bars]
        assert titles == ["2026-03-02: pain 6/10 (step 1)", "2026-03-04: pain 4/10 (step 1)",
                          "2026-03-06: pain 2/10 (step 1)"]  # fmt: skip
        heights = [float(bar.get_attribute("height")) for bar in bars]
        assert heights[0] > heights[1] > heights[2] > 0, "the higher the pain, the taller its bar"
        assert serious_violations(browser) == []

        browser.find_element(By.ID, "rate-now").click()  # the session played in a podcast app
        wait_in(browser, "!document.getElementById('rating').hidden")
        browser.find_element(By.CSS_SELECTOR, "#rating .scale button[value='1']").click()
        kept = wait_in(browser, "document.getElementById('rated').textContent")
        assert kept.startswith("Kept: pain 1/10. Next time: hold 7 s, 1 set (step 2 of 4)")
        wait_in(browser, "document.querySelectorAll('#pain-chart rect.bar').length === 4")
        assert browser.find_element(By.ID, "next-session").text.startswith("Next session: step 2 of 4")
        assert serious_violations(browser) == []
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 320
        small = browser.execute_script(
            "return Array.from(document.querySelectorAll('#programme button, #programme summary,"
            " #rating button')).filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)"
            ".map(e => e.id || e.textContent);"
        )
        assert small == [], "touch targets of 44 px at least"
    finally:
        running.stop()
    last = vc.history()[-1]
    assert (last.id, last.pain, last.note) == ("calf", 1, "played on the phone")
