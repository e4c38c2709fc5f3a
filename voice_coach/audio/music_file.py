"""The user's music file, any format ffmpeg reads, as a ``Clip``: decoded once, whole, by pydub.

A music bed is small and read once, which is what pydub's ``AudioSegment`` is good at (a ``.wav`` needs
no ffmpeg); the session itself is streamed to ffmpeg instead (``output.mp3``).
"""

from __future__ import annotations

from pathlib import Path

from voice_coach.audio.clip import Clip
from voice_coach.errors import OutputError
from voice_coach.ffmpeg import find_ffmpeg


def check_music(path: Path) -> Path:
    """``path`` if it is a music file ``read_music`` can read here; ExportError otherwise (no decoding:
    call it before synthesis, so a wrong name fails at once)."""
    if not path.is_file():
        problem = "is not a file" if path.exists() else "does not exist"
        raise OutputError(f"music file {path} {problem}")
    if path.suffix.lower() != ".wav":
        find_ffmpeg("Reading a music file", instead="; or use a 16-bit .wav music file")
    return path


def read_music(path: Path) -> Clip:
    """A music file as a mono ``Clip`` at its own rate, decoded by pydub (ffmpeg; a WAV needs nothing)."""
    check_music(path)
    import warnings

    import numpy as np

    with warnings.catch_warnings():  # pydub warns at import: no ffmpeg (WAV still works), audioop deprecated
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
        from pydub.exceptions import CouldntDecodeError
    try:
        segment = AudioSegment.from_file(str(path))
    except (CouldntDecodeError, OSError, ValueError, IndexError, EOFError) as error:
        lines = [line for line in str(error).strip().splitlines() if line.strip()]
        reason = lines[-1].removeprefix(f"{path}: ") if lines else "no audio in it"
        raise OutputError(f"could not read music file {path}: not audio ffmpeg can read ({reason})") from None
    if len(segment) == 0:
        raise OutputError(f"could not read music file {path}: no audio in it")
    # At its own rate: the mixer resamples with a proper anti-alias filter (pydub's audioop has none).
    segment = segment.set_channels(1).set_sample_width(2)
    return Clip(np.array(segment.get_array_of_samples(), dtype=np.int16), segment.frame_rate)
