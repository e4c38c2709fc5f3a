"""Phrase lengths known without synthesizing anything: read from the phrase cache's WAV headers.

``api.estimate`` uses them where a phrase was spoken before with the same engine, voice, rate and volume
(the cache key of ``synth.cache_key``), and the engine's fitted model for the rest. Reading a header
(``PhraseCache.frames``) is
cheap (no samples are read, no engine is loaded: only its voice list, which every engine reads from a file
or its platform's registry), so an estimate stays instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from voice_coach.errors import SynthesisError, UnknownVoiceError
from voice_coach.printed import printed, printed_count
from voice_coach.speech.engines import ENGINES, Engine, EngineSettings, Rate, default_engine_name, get_engine
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.synth import cache_key


@dataclass(frozen=True)
class KnownLengths:
    """What an estimate needs to know of the speech: the engine, its voice and speed, and the lengths of
    the phrases found in the cache (in samples at ``sample_rate``)."""

    engine: str
    voice: str | None
    """None when the engine is not installed here: nothing is cached for it, the model guesses it all."""
    rate: Rate
    speed: float
    """The rate as a factor of the engine's natural pace (what ``compiler.estimate`` scales by)."""
    sample_rate: int | None
    samples: Mapping[str, int]
    phrases: int
    """How many distinct phrases were looked up."""

    @property
    def complete(self) -> bool:
        """Whether every phrase was in the cache."""
        return len(self.samples) == self.phrases

    def __str__(self) -> str:
        """``hibari voice heart at 1x: 80 of 82 phrases cached``."""
        return self.described("en")

    def described(self, language: str) -> str:
        """What ``str()`` gives, in ``language``: ``hibari-Stimme heart mit 1x: 80 von 82 Phrasen im
        Cache``."""
        voice = printed(language, "{engine} voice {voice}", engine=self.engine, voice=self.voice)
        wpm = self.rate.wpm
        rate = printed(language, "{wpm} words a minute", wpm=wpm) if wpm else str(self.rate)
        return printed_count(
            language, self.phrases,
            "{who} at {rate}: {cached} of {count} phrase cached",
            "{who} at {rate}: {cached} of {count} phrases cached",
            who=voice if self.voice else self.engine, rate=rate, cached=len(self.samples),
        )  # fmt: skip


def cached_lengths(texts: Iterable[str], settings: EngineSettings, cache: PhraseCache) -> KnownLengths:
    """The lengths of those ``texts`` the cache holds as ``settings`` speak them, with the resolved engine.

    The engine, voice and rate are checked as synthesis checks them (``UnknownVoiceError``,
    ``UsageError``), except for an engine that is known but not installed: then nothing is looked up.
    """
    distinct = list(dict.fromkeys(texts))
    kind, engine = _engine(settings.engine)
    speed = settings.rate.speed(kind.NATURAL_WPM)
    if engine is None:
        return KnownLengths(kind.NAME, None, settings.rate, speed, None, {}, len(distinct))
    engine.check_rate(settings.rate)
    resolved = replace(settings, engine=engine.NAME, voice=engine.resolve_voice(settings.voice))
    found = {}
    if cache.directory is not None and cache.directory.is_dir():  # else no key is worth making
        for text in distinct:
            frames = cache.frames(cache_key(engine, resolved, text), engine.sample_rate)
            if frames is not None:
                found[text] = frames
    rate = engine.sample_rate
    return KnownLengths(engine.NAME, resolved.voice, settings.rate, speed, rate, found, len(distinct))


def _engine(name: str | None) -> tuple[type[Engine], Engine | None]:
    """The engine called ``name`` (the default when None) and its class; the instance is None when the
    engine is known but not installed. ``UnknownVoiceError`` for a name no engine has."""
    try:
        engine = get_engine(name)
    except UnknownVoiceError:
        raise
    except SynthesisError:
        return ENGINES[(name or default_engine_name()).strip().lower()], None
    return type(engine), engine
