"""The music bed: a user's music looped or trimmed to the session and ducked under every phrase (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from voice_coach.audio.clip import Clip
from voice_coach.audio.dsp import as_float, loudness

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from voice_coach.audio.dsp import Samples

ATTACK_MS = 250
"""The music is fully ducked this long before a phrase starts..."""
RELEASE_MS = 600
"""...and comes back up over this long after it ends."""
FADE_MS = 2000
"""Fade in at the start of the session and out at its end."""
SEAM_MS = 30
"""Fades at the music's own start and end, so a loop does not click where it wraps."""
BED_TOP_HZ = 8000
"""The bed keeps nothing above this. Under speech the top octave is not missed, and dense treble (a loud
noise-like bed) is what an MP3 encoder at speech bitrates chokes on: spi over full-scale pink noise
decoded at +1.7 dBTP with bursts where the PCM had 0.1, and was encoded again 2 dB quieter (-19.7 LUFS).
Filtered before its level is set, the bed's loudness stays what is asked for."""
_TOP_TAPS = 255


@dataclass(frozen=True, eq=False)
class MusicBed:
    """One pass of the music (level applied), the spans of speech it ducks under and the duck's shape."""

    loop: Samples
    spans: npt.NDArray[np.int64]
    total: int
    floor: float
    fall: Samples
    """Gain over the ``len(fall)`` samples before a phrase: 1 down to ``floor``."""
    rise: Samples
    """Gain over the ``len(rise)`` samples after a phrase: ``floor`` back up to 1."""
    fade: int

    def placed(self, spans: npt.NDArray[np.int64], total: int) -> MusicBed:
        """The same bed ducked under ``spans`` (start, end of each phrase) in a session ``total`` long."""
        return replace(self, spans=spans, total=total)

    def render(self, start: int, end: int) -> Samples:
        """The ducked bed over ``[start, end)``: a fresh array the caller may add into."""
        samples = looped(self.loop, start, end)
        samples *= self.envelope(start, end)
        return samples

    def envelope(self, start: int, end: int) -> Samples:
        """Gain over ``[start, end)``: 1 between phrases, ``floor`` under them, smooth in between."""
        import numpy as np

        gain = np.ones(end - start, np.float32)
        near = (self.spans[:, 0] - len(self.fall) < end) & (self.spans[:, 1] + len(self.rise) > start)
        for span_start, span_end in self.spans[near].tolist():
            _lower(gain, start, span_start - len(self.fall), self.fall)
            lo, hi = max(start, span_start) - start, min(end, span_end) - start
            if lo < hi:
                np.minimum(gain[lo:hi], np.float32(self.floor), out=gain[lo:hi])
            _lower(gain, start, span_end, self.rise)
        if start < self.fade or end > self.total - self.fade:
            t = np.arange(start, end)
            gain *= np.clip(np.minimum(t, self.total - t) / max(1, self.fade), 0.0, 1.0).astype(np.float32)
        return gain


def looped(loop: npt.NDArray[Any], start: int, end: int) -> npt.NDArray[Any]:
    """Samples ``[start, end)`` of ``loop`` repeated forever, as a new array."""
    import numpy as np

    out = np.empty(end - start, loop.dtype)
    position = start
    while position < end:
        offset = position % len(loop)
        take = min(len(loop) - offset, end - position)
        out[position - start : position - start + take] = loop[offset : offset + take]
        position += take
    return out


def _lower(gain: Samples, start: int, at: int, curve: Samples) -> None:
    """Lower ``gain`` (which begins at sample ``start``) to ``curve`` placed at sample ``at``, where lower."""
    import numpy as np

    lo, hi = max(start, at), min(start + len(gain), at + len(curve))
    if lo < hi:
        np.minimum(gain[lo - start : hi - start], curve[lo - at : hi - at], out=gain[lo - start : hi - start])


def _ramp(length: int, floor: float) -> Samples:
    """A raised-cosine ramp of ``length`` samples from 1 down to ``floor``."""
    import numpy as np

    shape = 0.5 + 0.5 * np.cos(np.pi * (np.arange(length) + 1) / length)
    ramp: Samples = (floor + (1 - floor) * shape).astype(np.float32)
    return ramp


def without_treble(samples: Samples, rate: int) -> Samples:
    """``samples`` low-passed at ``BED_TOP_HZ`` (a windowed-sinc filter, applied around the loop so its
    wrap stays seamless); unchanged at rates whose top is below that."""
    import numpy as np

    if rate <= 2 * BED_TOP_HZ or len(samples) < _TOP_TAPS:
        return samples
    n = np.arange(_TOP_TAPS) - (_TOP_TAPS - 1) / 2
    cutoff = BED_TOP_HZ / rate
    taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.kaiser(_TOP_TAPS, 8.0)
    size = len(samples)
    spectrum = np.fft.rfft(samples, size) * np.fft.rfft(np.roll(np.pad(taps, (0, size - _TOP_TAPS)),
                                                                 -(_TOP_TAPS // 2)), size)  # fmt: skip
    filtered: Samples = np.fft.irfft(spectrum, size).astype(np.float32)
    return filtered


def music_bed(music: Clip, rate: int, level_lufs: float, duck_db: float) -> MusicBed | None:
    """``music`` as a bed at ``rate``, ``level_lufs`` between phrases; None if the music is silent. Place
    it with ``MusicBed.placed`` (the phrases it ducks under, the session's length) before rendering."""
    import numpy as np

    loop = without_treble(as_float(music, rate), rate)
    measured = loudness(loop, rate)
    if not len(loop) or not math.isfinite(measured):
        return None
    loop *= np.float32(10 ** ((level_lufs - measured) / 20))
    seam = min(len(loop) // 2, SEAM_MS * rate // 1000)
    if seam:
        ramp = np.linspace(0.0, 1.0, seam, dtype=np.float32)
        loop[:seam] *= ramp
        loop[-seam:] *= ramp[::-1]
    floor = 10 ** (duck_db / 20)
    return MusicBed(
        loop=loop,
        spans=np.zeros((0, 2), np.int64),
        total=0,
        floor=floor,
        fall=_ramp(max(1, ATTACK_MS * rate // 1000), floor),
        rise=_ramp(max(1, RELEASE_MS * rate // 1000), floor)[::-1].copy(),
        fade=FADE_MS * rate // 1000,
    )
