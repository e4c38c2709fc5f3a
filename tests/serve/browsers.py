"""Debian's headless Chromium through selenium, for the page's tests.

Chromium leaves its singleton folders (``org.chromium.Chromium.*``) in the temporary folder even after a
clean quit; each browser here gets a temporary folder of its own (its ``TMPDIR`` and profile), removed
once it has quit, so a test run leaves nothing in /tmp."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
"""axe-core, vendored for the tests only: the page never ships it."""
HEADLESS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--mute-audio",
            "--autoplay-policy=no-user-gesture-required")  # fmt: skip


@contextmanager
def headless_chromium(*arguments: str) -> Iterator[Any]:
    """A selenium driver of headless Chromium with ``arguments`` besides the usual ones; skips the test
    where Chromium or its driver is missing."""
    if not (CHROMIUM and DRIVER):
        pytest.skip("needs Debian's chromium and chromium-driver (./scripts/setup.sh installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="voice-coach-chromium-", ignore_cleanup_errors=True) as folder:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in (*HEADLESS, *arguments, f"--user-data-dir={folder}/profile"):
            options.add_argument(argument)
        service = Service(DRIVER, env={**os.environ, "TMPDIR": folder})
        driver = webdriver.Chrome(options=options, service=service)
        try:
            yield driver
        finally:
            driver.quit()


def phone(driver: Any, width: int, height: int, *, dark: bool = False) -> None:
    """Make the viewport a phone's, in the system's light or dark setting."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    scheme = [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": scheme})


def wait_for(driver: Any, script: str, timeout: float = 120) -> Any:
    """The first truthy value of ``script`` (a JS expression) within ``timeout`` seconds."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: d.execute_script(f"return {script}")
    )


def serious_violations(driver: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (WCAG 2.x A and AA)."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(AXE.read_text("utf-8"))
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})"
        ".then(r => done(r.violations.map(v => [v.impact, v.id, v.nodes.map(n => n.target.join(' '))])));"
    )
    return [f"{impact} {rule}: {nodes}" for impact, rule, nodes in found if impact in ("serious", "critical")]
