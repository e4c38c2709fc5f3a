"""A new variant's MP3 streamed while it is encoded, so the phone hears it within a second or two instead of
after the whole export: the bytes the encoder has written so far, then more as they come, and once the export
is made the rest from the finished file. The stream cannot seek (the page switches to the finished file, which
can, when it needs to).

The encoder writes the MP3 without tags into a temporary file of the render's folder; once every sample is
encoded the library puts the ID3 tag (chapters, artwork) in front of it, rewriting that file in place. So the
stream reads the growing file only until the render says all was encoded (``Control.encoded``), and takes
the rest from the finished file, past its ID3 tag, where the same frames sit at the same distance.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from pathlib import Path

from voice_coach.serve.control import Control
from voice_coach.serve.render import AUDIO

POLL_S = 0.05
"""How often the growing file is looked at: a few frames of audio."""
CHUNK = 1 << 16


async def growing_mp3(made: Future[Path], control_of: Callable[[], Control | None]) -> AsyncIterator[bytes]:
    """The export's MP3 frames as they are encoded (``control_of()``: its render's control, None while
    queued), then the rest from the finished file; ends early when the render fails."""
    sent = 0
    while not made.done():
        control = control_of()
        if control is not None and control.encoded:
            break
        part = _growing_file(control) if control is not None else None
        if part is not None:
            chunk = await asyncio.to_thread(_read_from, part, sent)
            if chunk:
                sent += len(chunk)
                yield chunk
                continue
        await asyncio.sleep(POLL_S)
    try:
        folder = await asyncio.wrap_future(made)
    except Exception:  # the render failed or was stopped: the stream just ends
        return
    final = folder / AUDIO
    offset = await asyncio.to_thread(_tag_size, final) + sent
    while chunk := await asyncio.to_thread(_read_from, final, offset):
        offset += len(chunk)
        yield chunk


def _growing_file(control: Control) -> Path | None:
    """The MP3 being encoded in the render's folder (``.audio.mp3.*.part``), once there is one."""
    if control.folder is None:
        return None
    return next(iter(control.folder.glob(f".{AUDIO}.*.part")), None)


def _read_from(path: Path, offset: int) -> bytes:
    try:
        with path.open("rb") as file:
            file.seek(offset)
            return file.read(CHUNK)
    except OSError:  # moved into place meanwhile: read again from the finished file
        return b""


def _tag_size(path: Path) -> int:
    """The length of the ID3v2 tag in front of the MP3's frames (0 without one)."""
    with path.open("rb") as file:
        head = file.read(10)
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    size = 0
    for byte in head[6:10]:  # a "synchsafe" integer: 7 bits a byte
        size = size << 7 | byte & 0x7F
    footer = 10 if head[5] & 0x10 else 0
    return 10 + size + footer
