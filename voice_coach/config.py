"""The user's defaults file (``config.toml``): engine, voice, rate, countdown, lead-in, language, folders,
the output device and voice commands, when no option says."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from voice_coach.api_types import Speech
from voice_coach.compiler.choices import lead_in_ms
from voice_coach.compiler.cues import COUNTDOWNS
from voice_coach.errors import UnknownVoiceError, UsageError, VoiceCoachError, literal
from voice_coach.routine.language import check_language
from voice_coach.routine.table import Table
from voice_coach.routine.toml_file import read_toml
from voice_coach.speech.engines import ENGINES, get_engine
from voice_coach.speech.engines.base import parse_rate
from voice_coach.speech.phrase_cache import default_cache_dir

CONFIG_ENV = "VOICE_COACH_CONFIG"
KEYS = ("engine", "voice", "rate", "countdown", "lead_in", "language", "cache_dir", "routines_dir", "device")


@dataclass(frozen=True)
class UserConfig:
    """Defaults a user wrote down once; every field may be absent."""

    engine: str | None = None
    voice: str | None = None
    rate: str | None = None
    countdown: str | None = None
    lead_in: str | None = None
    language: str | None = None
    """The language to say things in when a file is written in it (else the file's own)."""
    cache_dir: str | None = None
    routines_dir: str | None = None
    device: str | None = None
    """The output ``play`` sounds on (an index or part of a name, as ``--device`` takes)."""
    source: str | None = None
    listen: bool = False
    """``listen = true``: ``play`` takes voice commands without ``--listen``."""

    def checked_voice(self, engine: str | None) -> str | None:
        """``voice``, checked to be one of ``engine``'s voices (the config file's engine when None); an
        unknown one is a UsageError naming this file, where the typo is."""
        if self.voice is None:
            return None
        try:
            get_engine(engine or self.engine).resolve_voice(self.voice)
        except UnknownVoiceError as error:
            raise UsageError(f"{self.source}: voice: {error}") from None
        return self.voice

    def library(self) -> Path | None:
        """The user's routine library named by ``routines_dir`` (None: the default folder)."""
        return Path(self.routines_dir).expanduser() if self.routines_dir else None

    def speech(
        self,
        engine: str | None = None,
        voice: str | None = None,
        rate: str | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> Speech:
        """The voice and phrase cache a run uses: what it chose, the config file filling the rest (the
        cache folder: ``cache_dir``, else $VOICE_COACH_CACHE_DIR, the config file or the default)."""
        folder = Path(cache_dir) if cache_dir else default_cache_dir(self.cache_dir)
        return Speech(engine or self.engine, voice or self.checked_voice(engine), rate or self.rate, folder)


def config_path() -> Path:
    """``$VOICE_COACH_CONFIG``, else ``config.toml`` in the user's config folder."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    from platformdirs import user_config_dir

    return Path(user_config_dir("voice-coach")) / "config.toml"


def load_config(path: Path | None = None) -> UserConfig:
    """The user's defaults, or empty defaults when there is no file (or it is ``/dev/null``); invalid files,
    and a file ``$VOICE_COACH_CONFIG`` names that does not exist, are errors."""
    path = path or config_path()
    if path == Path(os.devnull):  # VOICE_COACH_CONFIG=/dev/null: run without any config file
        return UserConfig()
    if not path.exists() and os.environ.get(CONFIG_ENV) == str(path):
        raise UsageError(
            f"{CONFIG_ENV} names {literal(str(path))}, which does not exist; create it, or unset {CONFIG_ENV}"
        )
    if not path.exists():
        return UserConfig()
    table = Table(read_toml(path), str(path))
    values = {key: _scalar(table, key) for key in KEYS}
    table.check_keys((*KEYS, "listen"))
    _check_values(table, values)
    return UserConfig(**values, source=str(path), listen=_flag(table, "listen"))


def _flag(table: Table, key: str) -> bool:
    """A true/false setting (absent: false)."""
    value = table.get(key)
    if value is not None and not isinstance(value, bool):
        raise table.fail(key, "must be true or false")
    return bool(value)


def _check_values(table: Table, values: dict[str, str | None]) -> None:
    """Reject values the options they stand for would reject, naming the file and key."""
    countdown, lead_in, rate = values["countdown"], values["lead_in"], values["rate"]
    engine = values["engine"]
    if engine is not None and engine.strip().lower() not in ENGINES:
        close = difflib.get_close_matches(engine.strip().lower(), list(ENGINES), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise table.fail(
            "engine", f"unknown engine {engine!r}; {hint}choose one of: {', '.join(sorted(ENGINES))}"
        )
    if countdown is not None and countdown not in COUNTDOWNS:
        raise table.fail("countdown", f"must be one of {', '.join(COUNTDOWNS)}")
    try:
        if lead_in is not None:
            lead_in_ms(lead_in)
    except ValueError as error:
        raise table.fail("lead_in", str(error)) from None
    try:
        if values["language"] is not None:
            check_language(values["language"])
    except ValueError as error:
        raise table.fail("language", str(error)) from None
    try:
        if rate is not None:
            parse_rate(rate)
    except VoiceCoachError as error:  # "rate 500 is outside ...": the key already says "rate"
        raise table.fail("rate", str(error).removeprefix("rate ")) from None


def _scalar(table: Table, key: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise table.fail(key, "must be a string or a number")
    return str(value)
