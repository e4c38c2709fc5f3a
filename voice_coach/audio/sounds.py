"""How long a phrase will be in the mix, and how loud: each phrase is brought to the target loudness on
its own.

A level decided per phrase makes every cue equally loud (a quiet "Three, two, one" after a loud "Hold"
is easy to miss), needs no look at the whole session, and so lets the session be mixed, played and
encoded while later phrases are still being spoken. The session then measures close to the target too:
gated loudness ignores the silences, and what remains is speech at the target level.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from voice_coach.audio import dsp
from voice_coach.audio.clip import Clip

if TYPE_CHECKING:
    from voice_coach.audio.dsp import Samples

DEFAULT_REFERENCE_LUFS = -16.0
"""The voice's level that chimes and music are set against when there is no loudness target."""
_BLOCK_MS = 400
"""A gating block (BS.1770): the silence measured on each side of a phrase."""
SESSION_OFFSET_LU = 0.5
"""Phrases are set this much above the target, because a session measures a little below its phrases:
the chimes four LU under the voice and a music bed count in its gated blocks. Measured on spi without
it: -16.2 LUFS, and -16.6 with a music bed."""
_MAX_GAIN_DB = 30.0
"""A phrase is never raised more than this (a near-silent phrase would otherwise become noise)."""


def phrase_lengths(clips: Mapping[str, Clip], rate: int) -> Callable[[str], int]:
    """``phrase_length(text)`` for ``schedule()``: a clip's length in samples once resampled to ``rate``."""

    def length(text: str) -> int:
        clip = clips[text]
        return dsp.resampled_length(len(clip.samples), clip.rate, rate)

    return length


def levelled(clip: Clip, rate: int, target_lufs: float | None) -> Samples:
    """``clip`` as float samples at ``rate``, brought to ``target_lufs`` (None: as it is)."""
    import numpy as np

    samples = dsp.as_float(clip, rate)
    if target_lufs is None or not len(samples):
        return samples
    measured = phrase_loudness(samples, rate)
    if not math.isfinite(measured):
        return samples
    gain_db = min(_MAX_GAIN_DB, target_lufs + SESSION_OFFSET_LU - measured)
    samples *= np.float32(10 ** (gain_db / 20))
    return samples


def phrase_loudness(samples: Samples, rate: int) -> float:
    """A phrase's loudness (LUFS) as a session measures it: gated (BS.1770) with the silence a phrase
    has around it, so the 400 ms blocks that straddle its start and end count as they will in the
    session (measured alone, a short phrase would come out louder, and the session quieter, than the
    target). A phrase shorter than a block ("Go.") is measured too."""
    import numpy as np

    pad = np.zeros(_BLOCK_MS * rate // 1000, np.float32)
    return dsp.loudness(np.concatenate((pad, samples, pad)), rate)
