"""Sound from a microphone, behind a small interface, so tests and benchmarks feed recorded audio through
the same path as the real device.

The recognizer wants 16 kHz mono, so that is what a source delivers; PortAudio resamples from whatever the
device captures. Each read says when its last sample was captured, in the player's clock, which is how a
heard command is matched against the times the coach was speaking.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol

from voice_coach.errors import VoiceCoachError
from voice_coach.live.device import Clock, SystemClock, import_sounddevice, quiet_stderr

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

LISTEN_RATE = 16_000
"""The rate of the bundled US English acoustic model."""


class MicrophoneError(VoiceCoachError):
    """There is no microphone, or the library to read it (or to recognize speech) is missing."""


class AudioSource(Protocol):
    """Captured audio: ``read()`` returns the samples since the last read (mono int16 at ``LISTEN_RATE``)
    and the clock time at which the last of them was captured; it never blocks."""

    def read(self) -> tuple[npt.NDArray[np.int16], float]: ...

    def close(self) -> None: ...


class RecordedSource:
    """A recording that "arrives" as ``clock`` passes, as a microphone would: at time t, everything up to
    t seconds after ``origin`` has been captured; after its end, silence."""

    def __init__(self, samples: npt.NDArray[np.int16], clock: Clock, origin: float | None = None) -> None:
        self.samples, self.clock = samples, clock
        self.origin = clock.now() if origin is None else origin
        self.done = 0

    def read(self) -> tuple[npt.NDArray[np.int16], float]:
        import numpy as np

        now = self.clock.now()
        upto = max(self.done, int((now - self.origin) * LISTEN_RATE))
        chunk = self.samples[self.done : upto]
        if len(chunk) < upto - self.done:
            chunk = np.concatenate([chunk, np.zeros(upto - self.done - len(chunk), np.int16)])
        self.done = upto
        return chunk, now

    def close(self) -> None:
        """Nothing to release."""


class Microphone:
    """An input device through sounddevice (PortAudio); its thread queues blocks that ``read`` collects."""

    def __init__(self, device: str | int | None = None, clock: Clock | None = None) -> None:
        sounddevice = _import_sounddevice()
        self.clock: Clock = clock or SystemClock()
        self.blocks: list[Any] = []
        self.lock = threading.Lock()
        try:
            with quiet_stderr():
                self.stream = sounddevice.InputStream(
                    samplerate=LISTEN_RATE, channels=1, dtype="int16", device=device, callback=self._captured
                )
                self.stream.start()
        except (sounddevice.PortAudioError, ValueError) as error:
            raise no_microphone(error) from error

    def _captured(self, block: Any, frames: int, time: Any, status: Any) -> None:
        with self.lock:
            self.blocks.append(block[:, 0].copy())

    def read(self) -> tuple[npt.NDArray[np.int16], float]:
        import numpy as np

        with self.lock:
            blocks, self.blocks = self.blocks, []
        now = self.clock.now()
        return (np.concatenate(blocks) if blocks else np.zeros(0, np.int16)), now

    def close(self) -> None:
        self.stream.stop()
        self.stream.close()


def no_microphone(error: Exception) -> MicrophoneError:
    """The one-line error for a missing or unusable input device (``error`` is PortAudio's)."""
    detail = " ".join(str(error).split()) or type(error).__name__
    return MicrophoneError(
        f"No microphone was found ({detail}); voice commands are off. "
        "Connect one and check that 'arecord -l' lists it."
    )


def _import_sounddevice() -> Any:
    return import_sounddevice("Voice commands need", MicrophoneError)
