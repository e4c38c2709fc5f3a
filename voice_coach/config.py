"""The user's defaults file (``config.toml``): engine, voice, rate and countdown, when no option says."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .fields import Table
from .loader import read_toml

CONFIG_ENV = "VOICE_COACH_CONFIG"
KEYS = ("engine", "voice", "rate", "countdown", "lead_in", "cache_dir")


@dataclass(frozen=True)
class UserConfig:
    """Defaults a user wrote down once; every field may be absent."""

    engine: str | None = None
    voice: str | None = None
    rate: str | None = None
    countdown: str | None = None
    lead_in: str | None = None
    cache_dir: str | None = None
    source: str | None = None


def config_path() -> Path:
    """``$VOICE_COACH_CONFIG``, else ``config.toml`` in the user's config folder."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    from platformdirs import user_config_dir

    return Path(user_config_dir("voice-coach")) / "config.toml"


def load_config(path: Path | None = None) -> UserConfig:
    """The user's defaults, or empty defaults when there is no file; invalid files are errors."""
    path = path or config_path()
    if not path.is_file():
        return UserConfig()
    table = Table(read_toml(path), str(path))
    values = {key: _scalar(table, key) for key in KEYS}
    table.finish(KEYS)
    return UserConfig(**values, source=str(path))


def _scalar(table: Table, key: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise table.fail(key, "must be a string or a number")
    return str(value)
