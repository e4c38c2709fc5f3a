"""The session as an M4B audiobook: AAC (ffmpeg's own ``aac`` encoder, mono) in an MP4 file with chapters,
which Apple Books and BookPlayer show (they ignore an MP3's ID3 chapters).

The audio is streamed like an MP3's (``mp3.Mp3Encoder`` running another ffmpeg command); the chapters are
known only once the whole session is placed, so ``add_chapters`` then copies the audio (no re-encoding)
into a new MP4 with an ffmetadata file's chapters: a QuickTime chapter track (Apple) and Nero ``chpl``
chapters (others), ``moov`` first so a player can start before the whole file is read. ``tags`` writes
the MP4 tags and cover after that.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from voice_coach.errors import ExportError, OutputError
from voice_coach.ffmpeg import OWN_PROCESS_GROUP, find_ffmpeg
from voice_coach.output.mp3 import Mp3Encoder, mp3_rate

Chapter = tuple[str, int, int]
"""A chapter's title, start and end in milliseconds."""


AAC_KBITS = (16, 320)
"""The bitrates (kbit/s) voice-coach accepts for AAC; at low sample rates the format allows less (see
``check_bitrate``)."""


def check_bitrate(bitrate: str, rate: int | None = None) -> str:
    """``bitrate`` if AAC of audio at ``rate`` can have it (any ``NNk`` from 16k, up to what one mono
    channel holds: 6144 bits a frame of 1024 samples, 144k at 24000 Hz); OutputError otherwise, as
    ffmpeg would silently encode at another bitrate."""
    kbits = int(bitrate[:-1]) if bitrate[:-1].isdigit() and bitrate.endswith("k") else 0
    highest = AAC_KBITS[1] if rate is None else min(AAC_KBITS[1], 6144 * mp3_rate(rate) // 1024 // 1000)
    if AAC_KBITS[0] <= kbits <= highest:
        return bitrate
    raise OutputError(
        f"bitrate {bitrate!r} is not valid for an M4B{f' at {mp3_rate(rate)} Hz' if rate else ''}: "
        f"use {AAC_KBITS[0]}k to {highest}k, such as 64k"
    )


def aac_command(ffmpeg: str, rate: int, bitrate: str, path: Path) -> list[str]:
    """The ffmpeg command that encodes mono 16-bit PCM at ``rate`` from its stdin to AAC in an MP4 file at
    ``path`` (no tags, no chapters: ``add_chapters`` and ``tags`` add them). AAC has the sample rates an
    MP3 has: others are raised to the next one."""
    command = [ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", str(rate)]
    command += ["-ac", "1", "-i", "pipe:0", "-codec:a", "aac", "-b:a", bitrate, "-ac", "1"]
    command += ["-ar", str(mp3_rate(rate)), "-map_metadata", "-1"]
    return [*command, "-f", "ipod", "-y", str(path)]


def aac_encoder(path: Path, rate: int, bitrate: str, ffmpeg: str) -> Mp3Encoder:
    """An encoder (used like ``Mp3Encoder``) writing AAC in an MP4 file at ``path``."""
    return Mp3Encoder(path, rate, bitrate, ffmpeg, command=aac_command(ffmpeg, rate, bitrate, path))


def add_chapters(path: Path, chapters: Sequence[Chapter]) -> None:
    """Give the MP4 file at ``path`` ``chapters`` (in time order) and the M4B brand; ExportError if
    ffmpeg fails. Works on temporary files beside ``path``, removed whatever happens.

    The first chapter starts at 0:00, taking any lead-in (as the first file of a split does): a chapter
    track has no gap before its first chapter, so players would show it there anyway, and the Nero
    chapters say the same.
    """
    ffmpeg = find_ffmpeg("M4B export", instead="; or export an .mp3")
    chapters = [(title, 0 if n == 0 else start, end) for n, (title, start, end) in enumerate(chapters)]
    metadata = path.with_name(f"{path.name}.chapters.part")
    remuxed = path.with_name(f"{path.name}.m4b.part")
    try:
        metadata.write_text(ffmetadata(chapters), encoding="utf-8")
        command = [ffmpeg, "-hide_banner", "-loglevel", "error", "-i", str(path), "-f", "ffmetadata"]
        command += ["-i", str(metadata), "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        command += ["-codec", "copy", "-movflags", "+faststart", "-brand", "M4B ", "-f", "ipod", "-y"]
        result = subprocess.run(
            [*command, str(remuxed)], capture_output=True, check=False, process_group=OWN_PROCESS_GROUP
        )
        if result.returncode:
            message = result.stderr.decode(errors="replace").strip().splitlines()
            raise ExportError(f"ffmpeg could not add the chapters: {message[-1] if message else 'failed'}")
        os.replace(remuxed, path)
    finally:
        metadata.unlink(missing_ok=True)
        remuxed.unlink(missing_ok=True)


def ffmetadata(chapters: Sequence[Chapter]) -> str:
    """An ffmetadata file of ``chapters`` (times in milliseconds), titles escaped as it needs."""
    lines = [";FFMETADATA1"]
    for title, start, end in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}", f"title={_escaped(title)}"]
    return "\n".join(lines) + "\n"


def _escaped(value: str) -> str:
    """``value`` with ffmetadata's special characters (``= ; # \\`` and line breaks) escaped."""
    for special in ("\\", "=", ";", "#", "\n"):
        value = value.replace(special, "\\" + special)
    return value
