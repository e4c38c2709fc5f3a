"""Cut a stream of microphone audio into utterances, against the room's own background, moving or not.

A fixed voice activity detector (pocketsphinx's, WebRTC's) decides "speech" from the signal alone; in a room
with a fan or traffic at 10 dB under the voice it hears speech everywhere. This detector measures the level
in the band where speech carries its words (300-3400 Hz, so hum and rumble count for little) and compares
it with the background: the median level of the last ``BACKGROUND_SECONDS``. A floor that followed the
room's quietest moments (as this detector's first version did) was fooled by a TV or music, which come and
go: their every syllable stood out of the pauses, and a command merged with them into one long utterance
that was never decoded. The median is the level of the TV or music itself, so what stands ``ONSET_DB``
over it is a voice nearer and louder than the background: the person. Speech goes on until the level has
stayed under ``OFFSET_DB`` above the background for ``HANGOVER`` seconds. Each utterance is handed over with
``PRE_ROLL`` of audio before it (the soft start of a word that the threshold missed) and half as much after.
"""

from __future__ import annotations

from collections import deque
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
"""Decibels above the background at which speech starts, and under which it may end."""
START_FRAMES = 3
"""Frames in a row above the onset level that start an utterance (a click is not speech)."""
HANGOVER = 0.25
PRE_ROLL = 0.25
BACKGROUND_SECONDS = 3.0
"""How much of the recent past the background level is the median of."""
LONGEST = 4.0
"""Seconds after which an utterance is cut off: longer is talk or a new noise, not a command. The
background is then measured again, with the new sound in it, so a background that started too low
(digital silence before the room's noise) cannot hold the detector in "speech" for ever."""


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
        self.history: deque[float] = deque(maxlen=int(BACKGROUND_SECONDS * LISTEN_RATE / HOP))
        self.floor = 0.0
        self.start: int | None = None
        self.last_loud = 0
        self.loud_run = 0
        self.quiet_run = 0

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
        self.history.append(level)
        if self.start is None:
            self.floor = self._background()
            self.loud_run = self.loud_run + 1 if level > self.floor + ONSET_DB else 0
            if self.loud_run >= START_FRAMES:
                self.start = self.analysed - self.loud_run * HOP
                self.last_loud, self.quiet_run = self.analysed, 0
            return None
        if level > self.floor + OFFSET_DB:
            self.last_loud, self.quiet_run = self.analysed, 0
        else:
            self.quiet_run += 1
        if self.analysed - self.start >= LONGEST * LISTEN_RATE:
            self.floor = self._background()
            return self._end()
        return self._end() if self.quiet_run * HOP >= HANGOVER * LISTEN_RATE else None

    def _background(self) -> float:
        """The background's level: the median of the recent frames (the first frame's, at the start)."""
        import numpy as np

        return float(np.median(np.fromiter(self.history, np.float64)))

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
