"""The distinct sounds of a session and where each is placed, and how one is brought to its final level.

Levels are settled once per distinct sound, not per placement, so an hour of repeated phrases costs about
as much as ten minutes of them. Each sound is limited to the output ceiling on its own, so the loudness
search measures exactly what will be played; the output's own limiter (``render``) then only acts where
the music bed adds to a peak.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voice_coach.audio import dsp
from voice_coach.audio.clip import Clip
from voice_coach.compiler.schedule import Schedule

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from voice_coach.audio.dsp import Samples

CEILING_DBFS = -1.0
"""No sample of the output goes above this."""
CEILING = 10 ** (CEILING_DBFS / 20)
"""``CEILING_DBFS`` as an amplitude."""
LIMITER_MS = 5
"""Attack (look-ahead) and release of the peak limiter."""


@dataclass(frozen=True)
class Sounds:
    """Distinct sounds (unscaled, by key: a phrase's text or a chime's kind and length) and where each is
    placed, as (start, key)."""

    arrays: dict[Hashable, Samples]
    places: tuple[tuple[int, Hashable], ...]

    def __add__(self, other: Sounds) -> Sounds:
        return Sounds(self.arrays | other.arrays, self.places + other.places)


def phrase_lengths(clips: Mapping[str, Clip], rate: int) -> Callable[[str], int]:
    """``phrase_length(text)`` for ``schedule()``: a clip's length in samples once resampled to ``rate``."""

    def length(text: str) -> int:
        clip = clips[text]
        return dsp.resampled_length(len(clip.samples), clip.rate, rate)

    return length


def place_phrases(schedule: Schedule, clips: Mapping[str, Clip]) -> Sounds:
    """Every phrase of ``schedule`` at its start; each distinct text converted (and resampled) once."""
    arrays: dict[Hashable, Samples] = {}
    places = []
    for speech in schedule.speech():
        if speech.text not in arrays:
            if speech.text not in clips:
                raise ValueError(f"no audio for the phrase {speech.text!r}")
            arrays[speech.text] = dsp.as_float(clips[speech.text], schedule.rate)
        if len(arrays[speech.text]) != speech.length:
            raise ValueError(
                f"the phrase {speech.text!r} is {len(arrays[speech.text])} samples at {schedule.rate} Hz but "
                f"the schedule gave it {speech.length}; schedule with mixer.phrase_lengths(clips, rate)"
            )
        places.append((speech.start, speech.text))
    return Sounds(arrays, tuple(places))


def level(samples: Samples, gain: float, rate: int) -> Samples:
    """``samples`` times ``gain``, limited to the output ceiling (a new array)."""
    import numpy as np

    scaled = samples * np.float32(gain)
    return dsp.limit(scaled, CEILING, LIMITER_MS * rate // 1000)


def levels(
    arrays: Mapping[Hashable, Samples], gain: float, rate: int, pool: Executor
) -> dict[Hashable, Samples]:
    """Every sound of ``arrays`` levelled at ``gain``, in ``pool``'s threads (numpy releases the GIL)."""
    count = len(arrays)
    levelled = pool.map(level, arrays.values(), [gain] * count, [rate] * count)
    return dict(zip(arrays, levelled, strict=True))
