"""What ``synth`` (the parent) and a speech worker (``worker``) say to each other, and how it travels.

A message is a pickle preceded by its length (8 bytes, big-endian) on a pipe: the parent writes requests to
the worker's stdin, the worker writes replies to its stdout. Pickle because clips, settings and errors then
cross exactly as they are; both ends are this program and the pipes are private to them.

The parent sends one ``Start``, then a ``Phrase`` each time the worker is free; the worker answers each
``Phrase`` with one ``Reply``. The end of the worker's input means "stop": it comes when the parent is done,
or when the parent dies (the system closes its pipes), so a worker never outlives its parent for long.
"""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass
from typing import IO, TypeVar

from voice_coach.audio.clip import Clip
from voice_coach.errors import SynthesisError
from voice_coach.speech.engines.base import EngineSettings

STOP_GRACE = 2.0
"""Seconds a worker that is asked to stop may take to clean up before it is killed."""

_HEADER = struct.Struct(">Q")
_Message = TypeVar("_Message")


@dataclass(frozen=True)
class Start:
    """The first request: create the engine for ``settings``, using at most ``threads`` CPU threads."""

    settings: EngineSettings
    threads: int


@dataclass(frozen=True)
class Phrase:
    """A request: speak ``text``; ``id`` comes back in the reply."""

    id: int
    text: str


@dataclass(frozen=True)
class Reply:
    """The answer to ``Phrase`` ``id``: its clip, or why there is none."""

    id: int
    clip: Clip | None = None
    error: SynthesisError | None = None


def send(stream: IO[bytes], message: object) -> None:
    """Write ``message`` to ``stream`` whole, and flush it so the other end sees it now."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def receive(stream: IO[bytes]) -> bytes | None:
    """The next message from ``stream``, still pickled; None once the writer has closed it or died.

    Unpickling is left to the caller (``decode``): a worker must be able to read messages on one thread
    and act on them on another.
    """
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    return _read_exactly(stream, _HEADER.unpack(header)[0])


def decode(data: bytes, kind: type[_Message]) -> _Message:
    """The message pickled in ``data``, which must be a ``kind``."""
    message = pickle.loads(data)
    if not isinstance(message, kind):
        raise SynthesisError(f"a speech worker sent {type(message).__name__} instead of {kind.__name__}")
    return message


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    """``size`` bytes from ``stream``; None at its end (a message cut short means its writer died)."""
    chunks: list[bytes] = []
    while size > 0:
        try:
            chunk = stream.read(size)
        except (OSError, ValueError):  # closed under us: the same as its end
            return None
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
