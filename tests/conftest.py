"""Shared fixtures: every test gets its own cache directory and home, so nothing touches the user's files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache dir (VOICE_COACH_CACHE_DIR) and config home for each test."""
    root = tmp_path_factory.mktemp("vc")
    monkeypatch.setenv("VOICE_COACH_CACHE_DIR", str(root / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "data"))
    monkeypatch.setenv("HIBARI_HOME", str(root / "hibari"))  # where hibari would put a downloaded voice
    return root


@pytest.fixture
def runner() -> CliRunner:
    """A click runner; stderr is kept apart from stdout (click 8.2+)."""
    return CliRunner()
