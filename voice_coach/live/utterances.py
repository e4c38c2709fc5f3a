"""Cut a stream of microphone audio into utterances, against the room's own noise.

A fixed voice activity detector (pocketsphinx's, WebRTC's) decides "speech" from the signal alone; in a room
with a fan or traffic at 10 dB under the voice it hears speech everywhere, so a spoken "next" was buried in
one endless utterance (40 % of the commands were found at 10 dB SNR). This detector measures the level in
the band where speech carries its words (300-3400 Hz, so hum and rumble count for little), follows the
noise floor (it falls at once with the level and rises slowly, so a word does not lift it), and calls
speech what stands ``ONSET_DB`` above the floor, until the level has stayed under ``OFFSET_DB`` above it for
``HANGOVER`` seconds. Each utterance is handed over with ``PRE_ROLL`` of audio before it (the soft start of
a word that the threshold missed) and half as much after.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from voice_coach.live.microphone import LISTEN_RATE

if TYPE_CHECKING:  # numpy is imported where it is used: ``voice-coach --help`` must not wait for it
    import numpy as np
    import numpy.typing as npt

HOP = LISTEN_RATE // 100
"""Samples in one 10 ms analysis frame."""
BAND_HZ = (300, 3400)
ONSET_DB, OFFSET_DB = 9.0, 5.0
"""Decibels above the noise floor at which speech starts, and under which it may end."""
START_FRAMES = 3
"""Frames in a row above the onset level that start an utterance (a click is not speech)."""
HANGOVER = 0.25
PRE_ROLL = 0.25
FALL, RISE = 0.2, 0.004
"""How fast the noise floor follows a level under it, and one over it (per frame; a quarter of that
while speech goes on)."""
LONGEST = 4.0
"""Seconds after which an utterance is cut off: longer is talk or a new noise, not a command. The floor
then starts again from the quietest frame of it, so a floor that started too low (digital silence before
the room's noise) cannot hold the detector in "speech" for ever."""


class Utterances:
    """Feed 16 kHz mono audio in pieces of any size; get each utterance as it ends."""

    def __init__(self) -> None:
        import numpy as np

        freqs = np.fft.rfftfreq(2 * HOP, 1 / LISTEN_RATE)
        self.band = (freqs >= BAND_HZ[0]) & (freqs <= BAND_HZ[1])
        self.window = np.hanning(2 * HOP)
        self.audio = np.zeros(0, np.int16)
        """Audio kept from sample ``kept_from`` of the stream: the pre-roll and the utterance so far."""
        self.kept_from = 0
        self.analysed = 0
        self.previous = np.zeros(HOP)
        self.floor: float | None = None
        self.start: int | None = None
        self.last_loud = 0
        self.loud_run = 0
        self.quiet_run = 0
        self.quietest = 0.0
        """The lowest level since the utterance started."""

    def feed(self, samples: npt.NDArray[np.int16]) -> Iterator[tuple[npt.NDArray[np.int16], float, float]]:
        """Each utterance completed by ``samples``: its audio (with pre-roll) and the start and end of its
        speech in stream seconds."""
        import numpy as np

        self.audio = np.concatenate([self.audio, samples])
        while self.analysed + HOP <= self.kept_from + len(self.audio):
            offset = self.analysed - self.kept_from
            frame = self.audio[offset : offset + HOP].astype(np.float64)
            self.analysed += HOP
            if (utterance := self._step(self._level(frame))) is not None:
                yield utterance
            self._forget()

    def _level(self, frame: npt.NDArray[np.float64]) -> float:
        """The frame's level in the speech band, in dB (20 ms window: this frame and the one before)."""
        import numpy as np

        spectrum = np.fft.rfft(np.concatenate([self.previous, frame]) * self.window)
        self.previous = frame
        return float(10 * np.log10(np.sum(np.abs(spectrum[self.band]) ** 2) + 1e-3))

    def _step(self, level: float) -> tuple[npt.NDArray[np.int16], float, float] | None:
        """Advance the detector by one frame at ``level``; the utterance that ended with it, if any."""
        floor = level if self.floor is None else self.floor
        speaking = self.start is not None
        loud = level > floor + (OFFSET_DB if speaking else ONSET_DB)
        rate = FALL if level < floor else RISE / 4 if speaking else RISE
        self.floor = floor + rate * (level - floor)
        if not speaking:
            self.loud_run = self.loud_run + 1 if loud else 0
            if self.loud_run >= START_FRAMES:
                self.start = self.analysed - self.loud_run * HOP
                self.last_loud, self.quiet_run, self.quietest = self.analysed, 0, level
            return None
        self.quietest = min(self.quietest, level)
        if loud:
            self.last_loud, self.quiet_run = self.analysed, 0
        else:
            self.quiet_run += 1
        assert self.start is not None
        if self.analysed - self.start >= LONGEST * LISTEN_RATE:
            self.floor = self.quietest
            return self._end()
        return self._end() if self.quiet_run * HOP >= HANGOVER * LISTEN_RATE else None

    def _end(self) -> tuple[npt.NDArray[np.int16], float, float]:
        assert self.start is not None
        pre = int(PRE_ROLL * LISTEN_RATE)
        first = max(self.start - pre, self.kept_from)
        last = min(self.last_loud + pre // 2, self.analysed)
        audio = self.audio[first - self.kept_from : last - self.kept_from].copy()
        start, end = self.start / LISTEN_RATE, self.last_loud / LISTEN_RATE
        self.start, self.loud_run = None, 0
        return audio, start, end

    def _forget(self) -> None:
        """Drop audio no utterance can need any more: all but the pre-roll while nobody speaks."""
        if self.start is not None:
            return
        keep_from = self.analysed - int(PRE_ROLL * LISTEN_RATE) - START_FRAMES * HOP
        if keep_from - self.kept_from > LISTEN_RATE:
            self.audio = self.audio[keep_from - self.kept_from :]
            self.kept_from = keep_from
