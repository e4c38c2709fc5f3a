"""The steps every speaking command shares: load → compile → synthesize (cached) → schedule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voice_coach.compiler.build import CompileOptions, compile_target
from voice_coach.compiler.schedule import Schedule, schedule
from voice_coach.compiler.timeline import Timeline
from voice_coach.durations import clock, format_duration
from voice_coach.errors import UsageError
from voice_coach.output.script import estimate_ms
from voice_coach.routine.loader import load_target

if TYPE_CHECKING:
    from voice_coach.speech.engines import EngineSettings
    from voice_coach.speech.phrase_cache import PhraseCache
    from voice_coach.speech.synth import SynthesisResult

ESTIMATED = "estimated from word count"
MAX_SESSION_MS = 12 * 3_600_000
"""Longer than any sane session, short enough that a WAV of it stays well under the format's 4 GiB."""


@dataclass(frozen=True)
class Prepared:
    """A compiled timeline, its phrases' audio (``None`` when only estimated) and its schedule."""

    timeline: Timeline
    plan: Schedule
    speech: SynthesisResult | None
    cache: PhraseCache | None = None
    """Where the phrases came from (and where the mix's loudness analysis is kept)."""

    @property
    def timing(self) -> str:
        if self.speech is None:
            return ESTIMATED
        settings = self.speech.settings
        return f"exact, {settings.engine} voice {settings.voice}"


def compile_ref(ref: str, options: CompileOptions) -> Timeline:
    """The timeline of a built-in id or a routine/session file, refused if it would last absurdly long."""
    timeline = compile_target(load_target(ref), options)
    total = estimate(timeline).plan.total
    if total > MAX_SESSION_MS:
        raise UsageError(
            f"{ref}: with these settings the session would last about {clock(total)}; the limit is "
            f"{format_duration(MAX_SESSION_MS)}: lower --sets, --hold or --rest"
        )
    return timeline


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
    from voice_coach.speech.synth import synthesize_phrases

    speech = synthesize_phrases(timeline.phrases(), settings, cache, progress=progress)
    if rate is None or rate == speech.sample_rate:
        return Prepared(timeline, schedule(timeline, speech.length, speech.sample_rate), speech, cache)
    from voice_coach.audio.mixer import phrase_lengths

    return Prepared(timeline, schedule(timeline, phrase_lengths(speech.clips, rate), rate), speech, cache)
