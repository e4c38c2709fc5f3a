"""Near-silence an engine puts around a phrase, trimmed, so a cue sounds where the schedule places it.

hibari starts every phrase with about 0.26 s of near-silence and ends it with about 0.35 s; a cue placed
at a hold's 3rd second was heard a quarter of a second late, and the first word of a session came that
much later too. Each phrase is trimmed once, as it is synthesized (before it is cached): everything before
the first sample and after the last one louder than ``THRESHOLD`` goes, but for ``LEAD_MS`` before
and ``TAIL_MS`` after, which keep a soft onset and the decay of the last sound. It is a pure function of
the samples, so the cache and every export made from it stay the same bit for bit.
"""

from __future__ import annotations

from voice_coach.audio.clip import Clip

THRESHOLD = 33
"""-60 dBFS on the int16 scale (32768 * 10**(-60/20) = 32.8): below anything a listener hears under the
voice, above the dither and rounding noise engines leave in their silences."""
LEAD_MS = 10
"""Kept before the first sample above the threshold: a soft consonant's onset starts below it."""
TAIL_MS = 30
"""Kept after the last sample above the threshold: the tail of the last sound, decaying below it."""
TRIM_ID = f"trim<{THRESHOLD}/{LEAD_MS}ms/{TAIL_MS}ms"
"""Part of every phrase's cache key: phrases cached untrimmed (or trimmed otherwise) are made again."""


def trim_silence(clip: Clip) -> Clip:
    """``clip`` without the near-silence at its start and end (unchanged if it is all near-silence)."""
    import numpy as np

    loud = np.flatnonzero(np.abs(clip.samples.astype(np.int32)) > THRESHOLD)
    if len(loud) == 0:
        return clip
    start = max(0, int(loud[0]) - LEAD_MS * clip.rate // 1000)
    end = min(len(clip.samples), int(loud[-1]) + 1 + TAIL_MS * clip.rate // 1000)
    if (start, end) == (0, len(clip.samples)):
        return clip
    return Clip(clip.samples[start:end].copy(), clip.rate)
