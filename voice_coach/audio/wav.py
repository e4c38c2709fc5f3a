"""WAV files in and out, with the standard library: the phrase cache's entries, the engines' output and a
``.wav`` export. The one file format the audio stage knows (MP3 is ``output.mp3``, music ``music_file``).
"""

from __future__ import annotations

import wave
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Chunks = Iterable[npt.NDArray[np.int16]]


def write_wav(target: Path | IO[bytes], chunks: Chunks, rate: int) -> None:
    """Write mono 16-bit PCM ``chunks`` at ``rate`` as a WAV file at ``target`` (a path or a binary file)."""
    with wave.open(str(target) if isinstance(target, Path) else target, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        for chunk in chunks:
            out.writeframes(chunk.astype("<i2", copy=False).tobytes())


def read_wav_frames(path: Path) -> tuple[npt.NDArray[np.int16], int]:
    """The 16-bit samples of the WAV file at ``path``, shaped (frames, channels), and its rate.

    ValueError (also for a file shorter than its header says, or with no audio), OSError, EOFError or
    ``wave.Error`` if it cannot be used.
    """
    import numpy as np

    with wave.open(str(path), "rb") as wav:
        channels, width, rate, frames = (
            wav.getnchannels(),
            wav.getsampwidth(),
            wav.getframerate(),
            wav.getnframes(),
        )
        data = wav.readframes(frames)
    if width != 2:
        raise ValueError(f"{width * 8}-bit audio, not 16-bit")
    if not data:
        raise ValueError("no audio in it")
    if len(data) != frames * channels * width:
        raise ValueError(f"an incomplete WAV file ({len(data) // (channels * width)} of {frames} frames)")
    return np.frombuffer(data, dtype="<i2").astype(np.int16).reshape(-1, channels), rate
