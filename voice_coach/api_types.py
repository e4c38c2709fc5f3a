"""The values the library's calls take and give (``api``): who speaks (``Speech``), and what a call
returns: a timeline scheduled without synthesis (``Estimated``), synthesized (``Synthesized``), exported
(``Exported``) or played (``Played``). Kept apart from the calls so each file stays readable."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voice_coach.compiler.schedule import Schedule
from voice_coach.compiler.timeline import Timeline
from voice_coach.live.outcome import Outcome, stopped_at, summarize
from voice_coach.printed import printed
from voice_coach.speech.engines import EngineSettings, parse_rate
from voice_coach.speech.lengths import KnownLengths
from voice_coach.speech.phrase_cache import PhraseCache, default_cache_dir
from voice_coach.speech.synth import SynthesisResult

Warn = Callable[[str], None]


class VoiceCoachWarning(UserWarning):
    """Something the user should know that did not stop the work (an unwritable cache)."""


def default_warn(message: str) -> None:
    """The default for ``warn``: a Python warning, which scripts see and can filter."""
    warnings.warn(message, VoiceCoachWarning, stacklevel=3)


@dataclass(frozen=True)
class Speech:
    """Who speaks and where phrases are cached: ``engine``, ``voice``, ``rate`` and ``cache_dir``.

    Every field may be None (the default engine and its voice, its natural pace, the default cache).
    """

    engine: str | None = None
    voice: str | None = None
    rate: str | None = None
    cache_dir: str | os.PathLike[str] | None = None

    def settings(self) -> EngineSettings:
        """The engine settings, the rate checked (``UsageError`` saying what a rate looks like)."""
        return EngineSettings(self.engine, self.voice, parse_rate(self.rate or "1x"))

    def cache_folder(self) -> Path:
        """The phrase cache's folder: ``cache_dir``, else the default one."""
        return Path(self.cache_dir).expanduser() if self.cache_dir else default_cache_dir()

    def cache(self, warn: Warn) -> PhraseCache:
        """The phrase cache this choice names (the default one when ``cache_dir`` is None)."""
        return PhraseCache(self.cache_folder(), warn=warn)


@dataclass(frozen=True)
class Estimated:
    """A timeline scheduled without synthesis: each phrase's length read from the phrase cache, or guessed
    by the engine's model (``speech``: the engine, voice and rate, and what the cache held)."""

    timeline: Timeline
    schedule: Schedule
    speech: KnownLengths

    @property
    def exact(self) -> bool:
        """Whether every phrase's length came from the cache: the times are then synthesis's own."""
        return self.speech.complete

    @property
    def timing(self) -> str:
        """How the times were found, as ``show --json`` gives it."""
        return self.timing_in("en")

    def timing_in(self, language: str) -> str:
        """How the times were found, in ``language`` (``show`` prints it in the timeline's)."""
        return printed(language, "estimated for {speech}", speech=self.speech.described(language))


@dataclass(frozen=True)
class Synthesized:
    """A timeline with every phrase spoken (or read from the cache), scheduled to the sample."""

    timeline: Timeline
    schedule: Schedule
    speech: SynthesisResult
    cache: PhraseCache

    @property
    def timing(self) -> str:
        """How the times were found, as ``show --json`` gives it."""
        return self.timing_in("en")

    def timing_in(self, language: str) -> str:
        """How the times were found, in ``language`` (``show`` prints it in the timeline's)."""
        engine, voice = self.speech.settings.engine, self.speech.settings.voice
        return printed(language, "exact, {engine} voice {voice}", engine=engine, voice=voice)


@dataclass(frozen=True)
class Exported:
    """What ``export`` wrote: the paths (a folder for ``split``) and the session it holds."""

    paths: tuple[Path, ...]
    session: Synthesized

    @property
    def length_ms(self) -> int:
        """The exported audio's length in milliseconds."""
        plan = self.session.schedule
        return plan.ms(plan.total)


@dataclass(frozen=True)
class Played:
    """How a live session ended (``outcome``) and its schedule: the whole one, or as far as it was placed
    when a session stopped before all its phrases were synthesized. ``total_ms``: the whole session's
    length, exact unless ``total_estimated`` (it stopped before every phrase of it was spoken)."""

    outcome: Outcome
    schedule: Schedule
    total_ms: int = 0
    total_estimated: bool = False

    @property
    def summary(self) -> str:
        """One line: for a session played to its end, what was played (``Session: 12 min, 3 stretches, 2
        massage sides``); for one stopped early, where (``Stopped at 01:13 of 05:39 (right side, set 2
        of 3).``), of the whole session's length (``total_ms``)."""
        if self.outcome.ended != "finished":
            total = self.total_ms or self.schedule.ms(self.schedule.total)
            return stopped_at(self.schedule, self.outcome, total, self.total_estimated)
        timeline = self.schedule.timeline
        kinds = dict(zip(timeline.routine_ids, timeline.routine_kinds, strict=True))
        return summarize(self.schedule, self.outcome, kinds)
