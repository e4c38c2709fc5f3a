"""An acoustic echo canceller: Xiph's SpeexDSP (Debian's ``libspeexdsp1``) through ctypes, behind one call.

Why SpeexDSP through ctypes of our own: it is Xiph's library, maintained and packaged by every Linux
distribution, and its echo canceller needs four functions; the PyPI bindings for it (``speexdsp``,
``speexdsp-ns``) are unmaintained source builds that need the development headers and a compiler.
Without the library ``load_canceller`` returns None and the listener hears what it always heard.

``EchoCanceller.cancel(captured, played)`` takes the microphone's int16 samples at 16 kHz and the samples
the player sent to the speaker over the same clock span (the reference), and returns the captured sound
with what the adaptive filter finds of the reference in it taken out. It keeps its filter between calls:
feed it consecutive blocks.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

FRAME = 160
"""Samples the canceller works on at a time: 10 ms at 16 kHz."""
FILTER = 4096
"""Samples of echo path the filter models: 256 ms at 16 kHz, a room's early echo and an output's delay."""
_SET_SAMPLING_RATE = 24
"""``SPEEX_ECHO_SET_SAMPLING_RATE`` in speex_echo.h."""
_LIBRARY = "speexdsp"


def _library(name: str = _LIBRARY) -> ctypes.CDLL | None:
    """SpeexDSP, or None where it is not installed."""
    path = ctypes.util.find_library(name)
    if path is None:
        return None
    try:
        library = ctypes.CDLL(path)
    except OSError:
        return None
    library.speex_echo_state_init.restype = ctypes.c_void_p
    library.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    library.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    library.speex_echo_cancellation.argtypes = [ctypes.c_void_p] + [ctypes.c_void_p] * 3
    library.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    return library


class EchoCanceller:
    """SpeexDSP's echo canceller at ``rate``: ``cancel`` consecutive blocks; ``close`` frees it."""

    def __init__(self, library: ctypes.CDLL, rate: int, filter_length: int = FILTER) -> None:
        import numpy as np

        self.library = library
        self.state = library.speex_echo_state_init(FRAME, filter_length)
        value = ctypes.c_int(rate)
        library.speex_echo_ctl(self.state, _SET_SAMPLING_RATE, ctypes.byref(value))
        self.held = (np.zeros(0, np.int16), np.zeros(0, np.int16))
        """The captured and played samples of a last partial frame, cancelled with the next block."""

    def cancel(self, captured: npt.NDArray[np.int16], played: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        """``captured`` with the echo of ``played`` (the same clock span; zeros where shorter) removed.
        Whole frames are processed: a last partial frame is held and comes out with the next call, so the
        stream of cleaned samples is the stream of captured ones, sample for sample, up to 10 ms late."""
        import numpy as np

        ref = np.zeros(len(captured), np.int16)
        ref[: min(len(played), len(captured))] = played[: len(captured)]
        mic = np.ascontiguousarray(np.concatenate([self.held[0], captured]), np.int16)
        ref = np.ascontiguousarray(np.concatenate([self.held[1], ref]), np.int16)
        whole = len(mic) - len(mic) % FRAME
        self.held = (mic[whole:].copy(), ref[whole:].copy())
        out = np.empty(whole, np.int16)
        for first in range(0, whole, FRAME):
            self.library.speex_echo_cancellation(
                self.state, mic[first:].ctypes.data, ref[first:].ctypes.data, out[first:].ctypes.data
            )
        return out

    def close(self) -> None:
        if self.state:
            self.library.speex_echo_state_destroy(self.state)
            self.state = None


def load_canceller(rate: int, filter_length: int = FILTER) -> EchoCanceller | None:
    """An echo canceller at ``rate``, or None without SpeexDSP (then nothing is cancelled)."""
    library = _library()
    return None if library is None else EchoCanceller(library, rate, filter_length)
