"""The chimes that mark a hold's start and end: generated (no sound files to ship or cache), exactly as
long as their slot in the schedule, and set a little below the voice so they mark time without startling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voice_coach.compiler.timeline import Tone, ToneKind

if TYPE_CHECKING:
    from voice_coach.audio.dsp import Samples

CHIME_BELOW_VOICE_LU = 4.0
"""Chimes sit this far below the voice, so they mark time without startling."""
_PEAK_OFFSET_DB = 3.7
"""Added to the chimes' loudness (in dB) to give their peak amplitude: the level the chimes have had since
they were introduced (a chime of peak 1.0 measures nearer -10 LUFS, so they sit lower than the name of
``CHIME_BELOW_VOICE_LU`` alone suggests). Changing it changes every mix."""
CHIME_NOTES: dict[ToneKind, tuple[float, float]] = {
    "start": (659.25, 987.77),
    "end": (987.77, 659.25),
    "close": (659.25, 329.63),
}
"""Start rises (E5 to B5), end falls (B5 to E5): told apart without looking. The closing chime, longer,
falls an octave (E5 to E4): the session is over."""


def chime_amplitude(voice_lufs: float) -> float:
    """Peak amplitude of the chimes so they sit ``CHIME_BELOW_VOICE_LU`` below a voice of ``voice_lufs``."""
    return float(10 ** ((voice_lufs - CHIME_BELOW_VOICE_LU + _PEAK_OFFSET_DB) / 20))


def slot_chime(tone: Tone, length: int, rate: int, amplitude: float) -> Samples:
    """The chime that fills a ``Tone`` slot ``length`` samples long, at peak ``amplitude``."""
    import numpy as np

    return chime(tone.kind, length, rate) * np.float32(amplitude)


def chime(kind: ToneKind, length: int, rate: int) -> Samples:
    """A two-note bell of exactly ``length`` samples, peak about 1.0: rising for "start", falling for "end".

    Each note fades in over 5 ms, decays gently (so the chime is heard to its last moment and a hold's
    silence begins where the slot ends) and fades out over its last 10 ms, so nothing clicks.
    """
    import numpy as np

    first = length // 2
    first_note, second_note = CHIME_NOTES[kind]
    return np.concatenate([_bell(first_note, first, rate), _bell(second_note, length - first, rate)])


def _bell(frequency: float, length: int, rate: int) -> Samples:
    """One note: fundamental plus a soft octave, a 5 ms fade-in, a decay to -12 dB, a 10 ms fade-out."""
    import numpy as np

    t = np.arange(length) / rate
    tone = np.sin(2 * np.pi * frequency * t) + 0.25 * np.sin(4 * np.pi * frequency * t)
    envelope = np.exp(np.log(0.25) * np.arange(length) / max(1, length))
    envelope *= np.clip(np.arange(length) / (0.005 * rate), 0, 1)
    envelope *= np.clip(np.arange(length)[::-1] / (0.010 * rate), 0, 1)
    bell: Samples = (tone * envelope / 1.25).astype(np.float32)
    return bell
