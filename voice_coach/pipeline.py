"""The steps every speaking command shares: load → compile → synthesize (cached) → schedule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .compiler import CompileOptions, compile_target
from .loader import load_target
from .schedule import Schedule, schedule
from .script import estimate_ms
from .timeline import Timeline

if TYPE_CHECKING:
    from .cache import PhraseCache
    from .engines import EngineSettings
    from .synth import SynthesisResult

ESTIMATED = "estimated from word count"


@dataclass(frozen=True)
class Prepared:
    """A compiled timeline, its phrases' audio (``None`` when only estimated) and its schedule."""

    timeline: Timeline
    plan: Schedule
    speech: SynthesisResult | None

    @property
    def timing(self) -> str:
        if self.speech is None:
            return ESTIMATED
        settings = self.speech.settings
        return f"exact, {settings.engine} voice {settings.voice}"


def compile_ref(ref: str, options: CompileOptions) -> Timeline:
    """The timeline of a built-in id or a routine/session file."""
    return compile_target(load_target(ref), options)


def estimate(timeline: Timeline) -> Prepared:
    """The timeline scheduled in milliseconds with phrase lengths guessed from word counts."""
    return Prepared(timeline, schedule(timeline, estimate_ms, 1000), None)


def synthesize(
    timeline: Timeline,
    settings: EngineSettings,
    cache: PhraseCache,
    progress: Callable[[int, int], None] | None = None,
    rate: int | None = None,
) -> Prepared:
    """The timeline with every phrase synthesized (or read from the cache) and scheduled in samples.

    ``rate``: the output sample rate (default: the engine's); phrases are measured as the mixer will
    resample them, so the schedule and the mix agree to the sample.
    """
    from .synth import synthesize_phrases

    speech = synthesize_phrases(timeline.phrases(), settings, cache, progress=progress)
    if rate is None or rate == speech.sample_rate:
        return Prepared(timeline, schedule(timeline, speech.length, speech.sample_rate), speech)
    from .mixer import phrase_lengths

    return Prepared(timeline, schedule(timeline, phrase_lengths(speech.clips, rate), rate), speech)
