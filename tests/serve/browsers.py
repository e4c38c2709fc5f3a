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
from typing import Any

import pytest

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
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
