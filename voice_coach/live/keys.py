"""Single key presses from the keyboard, without Enter, when stdin is a terminal; nothing otherwise."""

from __future__ import annotations

import contextlib
import os
import select
import sys
from collections import deque
from collections.abc import Iterator
from typing import Protocol, TextIO

KEY_HELP = (
    "Keys: space pause/resume | n next step | b back (twice: step before) | "
    "] next routine | [ its start (twice: one before) | ? keys | q quit"
)
"""Shown when a session starts and on ``?``: nothing else on screen says that space pauses."""


class Keys(Protocol):
    """A source of key presses: ``poll()`` returns one pressed key, or ``None`` at once if there is none."""

    def poll(self) -> str | None: ...


class NoKeys:
    """No keyboard (stdin is a pipe, a file, or cron): the session plays straight through."""

    def poll(self) -> str | None:
        return None


class TerminalKeys:
    """Keys read from a terminal file descriptor already in cbreak mode (see ``open_keys``).

    Escape sequences (arrow and function keys) are dropped whole, so the ``[`` inside an arrow
    key's ``ESC [ A`` is never taken for the previous-routine key.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending: deque[str] = deque()

    def poll(self) -> str | None:
        if not self.pending and select.select([self.fd], [], [], 0)[0]:
            data = os.read(self.fd, 64).decode("utf-8", errors="ignore")
            self.pending.extend(strip_escapes(data))
        return self.pending.popleft() if self.pending else None


def strip_escapes(data: str) -> str:
    """``data`` without terminal escape sequences (``ESC [ ... final``, ``ESC O x``, a lone ``ESC``)."""
    kept: list[str] = []
    index = 0
    while index < len(data):
        char = data[index]
        index += 1
        if char != "\x1b":
            kept.append(char)
        elif data[index : index + 1] == "[":
            index += 1
            while index < len(data) and not "@" <= data[index] <= "~":
                index += 1
            index += 1
        elif data[index : index + 1] == "O":
            index += 2
    return "".join(kept)


@contextlib.contextmanager
def open_keys(stream: TextIO | None = None) -> Iterator[Keys]:
    """Keys from ``stream`` (default stdin) if it is a terminal, else ``NoKeys``.

    The terminal is put in cbreak mode (keys arrive without Enter and are not echoed; Ctrl-C still
    raises ``KeyboardInterrupt``) and restored on exit, however the block exits.
    """
    stream = stream if stream is not None else sys.stdin
    try:
        import termios
        import tty

        fd = stream.fileno()
        interactive = stream.isatty()
    except (ImportError, AttributeError, OSError, ValueError):
        interactive = False
    if not interactive:
        yield NoKeys()
        return
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        yield TerminalKeys(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
