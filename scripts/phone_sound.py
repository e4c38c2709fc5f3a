"""``voice-coach serve`` in a phone's browser: seconds from the tap on Play to sound (the audio element's
``currentTime`` past 0), measured inside headless Chromium (``performance.now()``, no driver round trips).

Starts ``voice-coach serve --port 0`` (its phrase cache and config from the environment, as for the CLI),
opens ROUTINE's page at 360x800, waits for the render the page starts for its settings (not with
``--at-once``, for an empty phrase cache: then both renders synthesize at once), and taps Play twice:
on a new variant (the hold typed without the page preparing it, as when Play follows the typing at once),
then again on that same variant, now made; then taps Play on a third new variant and, while it is made,
stops the server with Ctrl-C (SIGINT), timing the stop. Prints one JSON line:
``{"new": seconds, "made": seconds, "stop": seconds, "stopped_rendering": true}``::

    .venv/bin/python scripts/phone_sound.py kneeling-twist --hold 23s

Used by ``scripts/bench.py``; needs Debian's chromium and chromium-driver.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

PLAY_TO_SOUND = """const done = arguments[arguments.length - 1];
const audio = document.getElementById("audio");
const tapped = performance.now();
const heard = () => {
  if (audio.currentTime > 0) {
    audio.removeEventListener("timeupdate", heard);
    done(performance.now() - tapped);
  }
};
audio.addEventListener("timeupdate", heard);
document.getElementById("play").click();"""
SET_HOLD = "document.getElementById('hold').value = arguments[0];"
"""The hold typed without an input event: the page does not prepare it before the tap."""


def serve() -> tuple[subprocess.Popen[str], str]:
    """A ``voice-coach serve`` process and its URL."""
    venv = Path(sys.executable).parent
    console = venv / "voice-coach"
    command = [str(console)] if console.exists() else [sys.executable, "-m", "voice_coach"]
    process = subprocess.Popen([*command, "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("Serving on "):
        process.kill()
        raise SystemExit(f"phone_sound: serve did not start: {line}")
    return process, line.removeprefix("Serving on ").strip()


@contextmanager
def browser() -> Iterator[Any]:
    """Headless Chromium, its profile and temporary files (Chromium leaves singleton folders behind even
    after a clean quit) in a folder of its own, removed once it has quit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="voice-coach-chromium-", ignore_cleanup_errors=True) as folder:
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--mute-audio",
                         "--autoplay-policy=no-user-gesture-required", "--window-size=360,800",
                         f"--user-data-dir={folder}/profile"):  # fmt: skip
            options.add_argument(argument)
        service = Service(
            shutil.which("chromedriver") or "chromedriver", env={**os.environ, "TMPDIR": folder}
        )
        driver = webdriver.Chrome(options=options, service=service)
        try:
            driver.set_script_timeout(300)
            yield driver
        finally:
            driver.quit()


def play_to_sound(driver: Any, url: str, hold: str, *, at_once: bool) -> float:
    """Open the page, let the render it starts for the settings on screen finish (a person reads a
    moment before tapping) unless ``at_once``, type ``hold`` and tap Play."""
    driver.get(url)
    check = url.replace("/routine/", "/variant/") + ".json"
    deadline = time.monotonic() + 600
    while not at_once and httpx.get(check, timeout=60).json()["progress"] != 100:
        if time.monotonic() > deadline:
            raise SystemExit("phone_sound: the page's own render did not finish in 10 minutes")
        time.sleep(0.2)
    driver.execute_script(SET_HOLD, hold)
    return float(driver.execute_async_script(PLAY_TO_SOUND)) / 1000


def stop_while_rendering(
    driver: Any, process: subprocess.Popen[str], page: str, hold: str
) -> tuple[float, bool]:
    """Seconds from Ctrl-C to the server's exit, with Play tapped on a new variant (``hold``) and its
    sound started; and whether its render was still under way when the stop came."""
    play_to_sound(driver, page, hold, at_once=True)
    query = httpx.get(page.replace("/routine/", "/variant/") + f".json?hold={hold}", timeout=60).json()
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    return time.monotonic() - started, query["progress"] != 100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("routine")
    parser.add_argument("--hold", required=True, help="a hold no export of ROUTINE has yet")
    parser.add_argument(
        "--at-once", action="store_true", help="tap Play as soon as the page is open (an empty cache: cold)"
    )
    args = parser.parse_args()
    process, url = serve()
    try:
        with browser() as driver:
            page = f"{url}routine/{args.routine}"
            new = play_to_sound(driver, page, args.hold, at_once=args.at_once)
            made = play_to_sound(driver, page, args.hold, at_once=True)
            stop, rendering = stop_while_rendering(driver, process, page, "1" + args.hold)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=60)
    print(json.dumps({"new": new, "made": made, "stop": stop, "stopped_rendering": rendering}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
