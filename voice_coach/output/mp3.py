"""The session's MP3: PCM streamed through ffmpeg's libmp3lame, and the rates and bitrates an MP3 can have.

The session is encoded by driving ffmpeg directly rather than through pydub's ``export``: that holds the
whole session as bytes and copies it through two temporary files outside the target folder (left behind
on Ctrl-C). Streaming keeps memory flat and an interrupted encode killable.
"""

from __future__ import annotations

import contextlib
import math
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING

from voice_coach import interrupts
from voice_coach.audio import limiter
from voice_coach.errors import ExportError, OutputError
from voice_coach.ffmpeg import OWN_PROCESS_GROUP

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from voice_coach.audio.dsp import Samples

    Chunks = Iterable[npt.NDArray[np.int16]]

MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
"""Sample rates an MP3 can have; other rates are raised to the next one when encoding."""
MPEG1_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
"""Bitrates (kbit/s) an MP3 frame can have at 32000 Hz and above (MPEG-1)..."""
MPEG2_BITRATES = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
"""...and below 32000 Hz (MPEG-2 and 2.5), such as the voices' 22050 Hz."""
MP3_BITRATES = tuple(sorted(set(MPEG1_BITRATES) | set(MPEG2_BITRATES)))
LAME_LEVEL = 0.95
"""Decoded, an MP3 from ffmpeg's libmp3lame is 0.95 times the PCM it was given (exactly, at every rate
and bitrate, a sine too): what is sent is raised by as much, so an MP3 measures what its WAV would."""
MUSIC_CUTOFF_HZ = 9000
"""The encoder's low-pass under a music bed. At speech bitrates LAME keeps up to about 11 kHz, and a dense
bed (loud pink noise) there makes it burst: spi over one decoded at +4 dBTP where the PCM peaked at -3.5,
and encoded again quieter it measured -19.7 LUFS. Cut at 9 kHz it decodes at -2.9 dBTP and -16.9 LUFS."""
PEAK_LIMIT_DBTP = -1.0
"""The most a decoded MP3 may measure (true peak): what phones and podcast platforms ask for."""
_DECODE_BLOCK = 1 << 17


def mp3_rate(rate: int) -> int:
    """The sample rate of an MP3 made from audio at ``rate``: the next rate an MP3 can have."""
    return next((r for r in MP3_RATES if r >= rate), MP3_RATES[-1])


def check_bitrate(bitrate: str, rate: int | None = None) -> str:
    """``bitrate`` if it is an MP3 bitrate such as ``64k`` (that an MP3 made from audio at ``rate`` can
    have, if given); OutputError otherwise: libmp3lame would silently pick another one."""
    mp3 = mp3_rate(rate) if rate is not None else None
    allowed = MP3_BITRATES if mp3 is None else MPEG1_BITRATES if mp3 >= 32000 else MPEG2_BITRATES
    if bitrate not in {f"{kbits}k" for kbits in MP3_BITRATES}:
        at = f" at {mp3} Hz" if mp3 is not None else ""
        listed = ", ".join(f"{k}k" for k in allowed)
        raise OutputError(f"bitrate {bitrate!r} is not valid: use an MP3 bitrate{at}: one of {listed}")
    if mp3 is None:
        return bitrate
    kbits = int(bitrate[:-1])
    if kbits in allowed:
        return bitrate
    higher = " (higher ones need {sample_rate} 32000 or more)" if kbits > allowed[-1] else ""
    raise OutputError(
        f"an MP3 at {mp3} Hz cannot have the bitrate {bitrate}: "
        f"use one of {', '.join(f'{k}k' for k in allowed)}{higher}",
        options=("sample_rate",) if higher else (),
    )


def mp3_command(ffmpeg: str, rate: int, bitrate: str, path: Path, cutoff_hz: int | None = None) -> list[str]:
    """The ffmpeg command that encodes mono 16-bit PCM at ``rate`` from its stdin to an MP3 at ``path``
    (no tags: ``tags`` writes them); ``cutoff_hz``: the encoder's own low-pass (default: LAME's choice)."""
    command = [ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", str(rate)]
    command += ["-ac", "1", "-i", "pipe:0", "-codec:a", "libmp3lame", "-b:a", bitrate]
    command += ["-cutoff", str(cutoff_hz)] if cutoff_hz else []
    command += ["-ac", "1", "-ar", str(mp3_rate(rate)), "-map_metadata", "-1", "-id3v2_version", "0"]
    # each frame reaches the file as it is encoded (not in 256 KiB blocks), so a reader can stream it
    return [*command, "-write_id3v1", "0", "-flush_packets", "1", "-f", "mp3", "-y", str(path)]


class Mp3Encoder:
    """ffmpeg encoding mono 16-bit PCM at ``rate`` to an MP3 at ``path`` (no tags: see ``tags``), started
    at once, so its own
    start-up (about 0.07 s of loading libraries) overlaps whatever the caller does before the first
    samples. Use it as a context manager: leaving normally finishes the file (ExportError if ffmpeg
    failed); leaving with an exception (or an interrupt) stops ffmpeg before the exception goes on.

    ffmpeg writes a Xing/LAME header, so decoders trim the encoder's delay and padding and the decoded
    audio has exactly as many samples as were sent.
    """

    def __init__(
        self,
        path: Path,
        rate: int,
        bitrate: str,
        ffmpeg: str,
        command: list[str] | None = None,
        cutoff_hz: int | None = None,
    ) -> None:
        """``command``: another ffmpeg command reading the same PCM from its stdin (``m4b``'s AAC)."""
        command = command or mp3_command(ffmpeg, rate, bitrate, path, cutoff_hz)
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed when the encoder is finished or stopped)
        self._started: list[subprocess.Popen[bytes]] = []
        try:
            _start_in_thread(command, self._errors, self._started)
        except BaseException:
            self._stop()
            raise

    def write(self, chunks: Chunks) -> None:
        """Send ``chunks`` to the encoder."""
        stdin = self._started[0].stdin
        assert stdin is not None
        try:
            for chunk in chunks:
                stdin.write(chunk.astype("<i2", copy=False).tobytes())
        except BrokenPipeError:
            pass  # ffmpeg stopped early; its exit status and message say why (on finishing)

    def __enter__(self) -> Mp3Encoder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self._stop()
            return
        try:
            self._finish()
        except BaseException:
            self._stop()
            raise

    def _finish(self) -> None:
        """Close the input, wait for the MP3 to be complete; ExportError if ffmpeg failed."""
        process = self._started[0]
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        status = process.wait()
        self._errors.seek(0)
        message = self._errors.read().decode(errors="replace").strip().splitlines()
        self._errors.close()
        if status:
            interrupts.check()  # ffmpeg stopped because the program is being interrupted: say that
            raise ExportError(f"ffmpeg failed: {message[-1] if message else _exit_reason(status)}")

    def _stop(self) -> None:
        """Kill ffmpeg (if it was started) and wait for it."""
        for running in self._started:
            running.kill()
            running.wait()
        self._errors.close()


def decoded_true_peak(path: Path, ffmpeg: str) -> float:
    """The true peak (dBTP) of the MP3 at ``path`` as a player decodes it; exact wherever it is within
    a few decibels of ``PEAK_LIMIT_DBTP`` (quieter stretches are not oversampled)."""
    import numpy as np

    command = [ffmpeg, "-hide_banner", "-loglevel", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-"]
    threshold = 10 ** ((PEAK_LIMIT_DBTP - 3) / 20)
    peak, tail = 0.0, np.zeros(0, np.float32)
    samples: Samples
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, process_group=OWN_PROCESS_GROUP
    ) as decoder:
        assert decoder.stdout is not None
        while block := decoder.stdout.read(2 * _DECODE_BLOCK):
            samples = np.frombuffer(block[: len(block) // 2 * 2], "<i2").astype(np.float32)
            context: Samples = np.concatenate((tail, samples / np.float32(32768)))
            peak = max(peak, float(limiter.true_peaks(context, threshold).max(initial=0.0)))
            tail = context[-64:]
    if decoder.returncode:
        raise ExportError(f"ffmpeg could not decode the MP3 it wrote (exit {decoder.returncode})")
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def _start_in_thread(command: list[str], errors: IO[bytes], started: list[subprocess.Popen[bytes]]) -> None:
    """Start ``command`` (stdin a pipe, stderr to ``errors``) and append its process to ``started``.

    Interrupted inside ``Popen`` (after the fork, before it returns), ffmpeg would run on unknown to us
    and, at the end of its input, write a short MP3 at its output path after the export's clean-up had
    removed it. So ``Popen`` runs in a helper thread, which signals never interrupt, under a lock; on
    the way out this thread takes the lock and cancels the start. Either ffmpeg was started and is in
    ``started`` for the caller to stop, or it never will be.
    """
    lock = threading.RLock()
    cancelled = False
    failed: list[BaseException] = []

    def start() -> None:
        with lock:
            if cancelled:
                return
            try:
                started.append(
                    subprocess.Popen(
                        command,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.DEVNULL,
                        stderr=errors,
                        process_group=OWN_PROCESS_GROUP,
                    )
                )
            except BaseException as error:
                failed.append(error)

    thread = threading.Thread(target=start, name="start ffmpeg", daemon=True)
    try:
        thread.start()
        thread.join()
    finally:
        _acquire_uninterrupted(lock)
        cancelled = True
        lock.release()
    if failed:
        raise failed[0]


def _acquire_uninterrupted(lock: threading.RLock) -> None:
    """Take ``lock`` even if Ctrl-C comes meanwhile (it is re-entrant: a Ctrl-C just after a successful
    acquire leaves it held once more, which only keeps the helper thread out for good)."""
    while True:
        try:
            lock.acquire()
            return
        except KeyboardInterrupt:
            continue


def _exit_reason(status: int) -> str:
    """``exit 1``, or the signal that stopped a process: ``killed by SIGXFSZ (File size limit exceeded)``."""
    if status > 0:
        return f"exit {status}"
    try:
        name = signal.Signals(-status).name
    except ValueError:
        return f"killed by signal {-status}"
    return f"killed by {name} ({signal.strsignal(-status)})"
