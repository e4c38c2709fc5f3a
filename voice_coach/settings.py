"""The settings in effect and where each came from: the defaults, the config file or the environment.

``voice-coach config`` prints them, so "why does it use this voice?" has an answer without reading the
code. Command-line options win over all of these for one run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from voice_coach.config import CONFIG_ENV, UserConfig, config_path
from voice_coach.files import DATA_ENV
from voice_coach.routine.library import default_library
from voice_coach.speech.engines import default_engine_name
from voice_coach.speech.phrase_cache import ENV_VAR as CACHE_ENV
from voice_coach.speech.phrase_cache import default_cache_dir

DEFAULTS = {"rate": "1x", "countdown": "standard", "lead_in": "1s"}


@dataclass(frozen=True)
class Setting:
    """One setting: its name (the config file's key), the value in effect and where it came from."""

    name: str
    value: str
    origin: str


def config_file_origin() -> str:
    """Where the config file's path comes from: ``$VOICE_COACH_CONFIG`` or the default place."""
    return f"environment ({CONFIG_ENV})" if os.environ.get(CONFIG_ENV) else "default"


def settings_in_effect(config: UserConfig) -> list[Setting]:
    """Every setting of the config file with the value a command uses when no option is given."""
    from_file = f"config file ({config.source})" if config.source else "config file"

    def chosen(name: str, value: str | None, default: str) -> Setting:
        return Setting(name, value, from_file) if value is not None else Setting(name, default, "default")

    return [
        chosen("engine", config.engine, default_engine_name()),
        chosen("voice", config.voice, "the engine's default voice"),
        *(chosen(name, getattr(config, name), default) for name, default in DEFAULTS.items()),
        chosen("language", config.language, "the file's own"),
        _cache_dir(config, from_file),
        _routines_dir(config, from_file),
        Setting("listen", "true", from_file) if config.listen else Setting("listen", "false", "default"),
        chosen("device", config.device, "the system's default output"),
    ]


def _cache_dir(config: UserConfig, from_file: str) -> Setting:
    """The phrase cache: the environment wins over the config file (as ``default_cache_dir`` decides)."""
    folder = str(default_cache_dir(config.cache_dir))
    if os.environ.get(CACHE_ENV):
        return Setting("cache_dir", folder, f"environment ({CACHE_ENV})")
    return Setting("cache_dir", folder, from_file if config.cache_dir else "default")


def _routines_dir(config: UserConfig, from_file: str) -> Setting:
    """The routine library: the config file's ``routines_dir``, else the data folder's ``routines``."""
    library = config.library()
    if library is not None:
        return Setting("routines_dir", str(library), from_file)
    origin = f"environment ({DATA_ENV})" if os.environ.get(DATA_ENV) else "default"
    return Setting("routines_dir", str(default_library()), origin)


def config_file() -> tuple[Path, str]:
    """The config file's path and where that path comes from."""
    return config_path(), config_file_origin()
