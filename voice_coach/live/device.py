"""Where live audio goes and what time it is: the ``Sink`` and ``Clock`` interfaces and their real versions.

The player only ever hands a sink one buffer at a time and asks whether it is still playing, so a test can
swap in a sink that records buffers and a clock whose ``sleep`` advances time instantly.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from voice_coach.errors import PlaybackError, VoiceCoachError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SOUNDDEVICE_HELP = "install it with: pip install 'voice-coach[listen]' (or run ./scripts/setup.sh)"
PORTAUDIO_HELP = "install it with: sudo apt-get install libportaudio2 (or run ./scripts/setup.sh)"
NO_DEVICE_HELP = (
    "Check that a sound device is connected and listed by 'aplay -l', "
    "or make a file to play elsewhere with 'voice-coach export' instead."
)


class Playing(Protocol):
    """A buffer handed to the device: ask whether it is still sounding, or cut it off."""

    def is_playing(self) -> bool: ...

    def stop(self) -> None: ...


class Sink(Protocol):
    """An audio output that plays one mono 16-bit buffer at a time, without blocking."""

    def start(self, samples: npt.NDArray[np.int16], rate: int) -> Playing: ...


class Clock(Protocol):
    """Seconds from an arbitrary origin, and a way to wait."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock: ``time.monotonic`` and ``time.sleep``."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class SimpleaudioSink:
    """Plays through simpleaudio (ALSA on Linux); a missing device becomes a ``PlaybackError``."""

    def start(self, samples: npt.NDArray[np.int16], rate: int) -> Playing:
        import numpy as np

        simpleaudio = _import_simpleaudio()
        device_failure = simpleaudio._simpleaudio.SimpleaudioError
        quiet_alsa()
        try:
            with quiet_stderr():
                play: Playing = simpleaudio.play_buffer(np.ascontiguousarray(samples, np.int16), 1, 2, rate)
        except device_failure as error:
            raise device_error(error) from error
        return play

    def check(self, rate: int = 22050) -> None:
        """Open the output with a few milliseconds of silence; ``PlaybackError`` if there is none.

        Worth calling before a long synthesis, so a machine without sound fails at once.
        """
        import numpy as np

        self.start(np.zeros(max(1, rate // 200), dtype=np.int16), rate).stop()


def _import_simpleaudio() -> Any:
    try:
        import simpleaudio
    except ImportError as error:
        raise PlaybackError(
            f"Live playback needs the simpleaudio package ({error}). "
            "Install it with 'pip install simpleaudio' (it needs libasound2-dev to build), "
            "or use 'voice-coach export' instead."
        ) from error
    return simpleaudio


def device_error(error: Exception) -> PlaybackError:
    """The user-facing error for a device that could not be opened (``error`` is the library's)."""
    detail = " ".join(str(error).replace("--", " ").split())
    if "busy" in detail.lower():
        return PlaybackError(f"The audio output is busy ({detail}). Close the program using it and retry.")
    return PlaybackError(f"No audio output was found ({detail}). {NO_DEVICE_HELP}")


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the duration: C libraries print there directly."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no fd 2 at all: nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_ALSA_HANDLER: list[object] = []
"""Keeps the ctypes callback alive for as long as ALSA may call it."""


def quiet_alsa() -> None:
    """Install a do-nothing ALSA error handler (once), so ALSA never prints its own messages.

    Covers what ALSA reports after the device is open (underruns from simpleaudio's thread); a machine
    without libasound (macOS, Windows) has nothing to silence.
    """
    if _ALSA_HANDLER:
        return
    try:
        asound = ctypes.CDLL("libasound.so.2")
    except OSError:
        _ALSA_HANDLER.append(None)
        return
    c = ctypes
    handler_type = c.CFUNCTYPE(None, c.c_char_p, c.c_int, c.c_char_p, c.c_int, c.c_char_p)
    handler = handler_type(_ignore_alsa_error)
    asound.snd_lib_error_set_handler(handler)
    _ALSA_HANDLER.append(handler)


def _ignore_alsa_error(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    """ALSA's messages repeat what the raised error says; the user gets our message instead."""


def import_sounddevice(who_needs: str, error: type[VoiceCoachError]) -> Any:
    """sounddevice, PortAudio initialized (which lists the devices, once per process); ``error`` saying who
    needs it (``"Voice commands need"``) and how to install it when the package, or its PortAudio library,
    is missing."""
    try:
        with quiet_stderr():
            return importlib.import_module("sounddevice")
    except ImportError as problem:
        raise error(f"{who_needs} the sounddevice package ({problem}); {SOUNDDEVICE_HELP}") from problem
    except OSError as problem:  # the package is there, its PortAudio library is not
        raise error(f"{who_needs} the PortAudio library ({problem}); {PORTAUDIO_HELP}") from problem
