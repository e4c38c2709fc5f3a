"""Near-silence an engine adds around a phrase is trimmed as the phrase is synthesized, so a cue sounds
where it is placed; the trim is deterministic, so cached phrases and exports stay bit-stable."""

from __future__ import annotations

import numpy as np
import pytest

import voice_coach as vc
from voice_coach.audio.clip import Clip
from voice_coach.speech.trim import LEAD_MS, TAIL_MS, THRESHOLD, trim_silence

RATE = 24000


def loud_span(clip: Clip) -> tuple[int, int]:
    """The first and one past the last sample louder than the threshold."""
    loud = np.flatnonzero(np.abs(clip.samples.astype(np.int32)) > THRESHOLD)
    return int(loud[0]), int(loud[-1]) + 1


def test_trimming_keeps_the_sound_and_a_margin_on_each_side() -> None:
    sound = (np.sin(np.arange(RATE // 2) * 0.2) * 8000).astype(np.int16)
    hiss = np.full(RATE // 4, 20, np.int16)  # -64 dBFS: near-silence
    clip = Clip(np.concatenate([hiss, sound, hiss]), RATE)
    trimmed = trim_silence(clip)
    first, last = loud_span(clip)
    lead, tail = LEAD_MS * RATE // 1000, TAIL_MS * RATE // 1000
    assert np.array_equal(trimmed.samples, clip.samples[first - lead : last + tail])
    assert np.array_equal(trim_silence(trimmed).samples, trimmed.samples), "trimming again changes nothing"
    quiet = Clip(hiss, RATE)
    assert trim_silence(quiet) is quiet, "all near-silence: nothing to find, nothing cut"


@pytest.mark.parametrize("engine", ["hibari", "pyttsx3"])
def test_synthesized_phrases_start_and_end_within_the_margins(engine: str) -> None:
    timeline = vc.compile("kneeling-twist")
    spoken = vc.synthesize(timeline, vc.Speech(engine=engine))
    for text, clip in list(spoken.speech.clips.items())[:6]:
        first, last = loud_span(clip)
        assert first <= LEAD_MS * clip.rate // 1000, (text, first)
        assert len(clip.samples) - last <= TAIL_MS * clip.rate // 1000, (text, len(clip.samples) - last)
    again = vc.synthesize(timeline, vc.Speech(engine=engine))  # from the cache now
    assert all(
        np.array_equal(again.speech.clips[t].samples, c.samples) for t, c in spoken.speech.clips.items()
    )
