"""Speech on its own, besides a routine: the engines and their voices (``voices``), a sample of a voice
(``say``) and the phrase cache every synthesis goes through (``cache_info``, ``clear_cache``; warming it
is ``synthesize``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from voice_coach.api import export, play
from voice_coach.api_types import Exported, Played, Speech, Warn, default_warn
from voice_coach.compiler.timeline import Pause, Say, Timeline
from voice_coach.errors import SynthesisError, UsageError
from voice_coach.speech.engines import ENGINES, default_engine_name, get_engine
from voice_coach.speech.engines.base import VoiceInfo
from voice_coach.speech.phrase_cache import CacheInfo

SAMPLE_LEAD_IN_MS = 300
"""Silence before a sample, so the first sound of a word is not cut by a waking sound device."""


@dataclass(frozen=True)
class EngineVoices:
    """A speech engine and its voices; ``error`` says why it is not available (then it has none)."""

    engine: str
    default: bool
    """Whether it is the engine used when none is chosen."""
    voices: tuple[VoiceInfo, ...] = ()
    default_voice: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class ClearedCache:
    """What ``clear_cache`` removed: how many phrases, from which folder."""

    location: Path
    removed: int


def voices(engine: str | None = None) -> list[EngineVoices]:
    """The voices of ``engine``, or of every engine (the default first; one that is not installed comes
    with its ``error``); ``SynthesisError`` for a named engine that cannot be used."""
    default_name = default_engine_name()
    names = [engine] if engine else sorted(ENGINES, key=lambda name: name != default_name)
    found = []
    for name in names:
        try:
            chosen = get_engine(name)
        except SynthesisError as error:
            if engine:
                raise
            found.append(EngineVoices(name, False, error=str(error)))
            continue
        found.append(
            EngineVoices(
                chosen.NAME, default_name == chosen.NAME, tuple(chosen.voices()), chosen.default_voice()
            )
        )
    return found


def say(
    text: str,
    speech: Speech | None = None,
    *,
    output: str | os.PathLike[str] | None = None,
    language: str = "en",
    force: bool = False,
    warn: Warn | None = None,
) -> Exported | Played:
    """``text`` said once by ``speech``'s voice, after a short lead-in: played on the sound device, or
    written to ``output`` (a ``.wav`` or ``.mp3``); ``UsageError`` if there is nothing to say."""
    words = " ".join(text.split())
    if not words:
        raise UsageError('TEXT is empty; give the words to say, e.g. voice-coach say "Breathe out."')
    blocks = (Pause(SAMPLE_LEAD_IN_MS, "lead-in"), Say(words, "sample"))
    timeline = Timeline("sample", words[:60], blocks, language=language)
    if output is None:
        return play(timeline, speech, loudness=-16.0, warn=warn)
    return export(timeline, output, speech, force=force, warn=warn)


def cache_info(speech: Speech | None = None) -> CacheInfo:
    """Where ``speech``'s phrase cache is, how many phrases it holds and their size."""
    return (speech or Speech()).cache(default_warn).info()


def clear_cache(speech: Speech | None = None) -> ClearedCache:
    """Every cached phrase of ``speech``'s cache removed (they are made again when needed)."""
    phrases = (speech or Speech()).cache(default_warn)
    removed = phrases.clear()
    return ClearedCache(phrases.info().location, removed)
