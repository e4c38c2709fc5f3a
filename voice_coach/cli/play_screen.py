"""What ``play`` shows on a terminal: one status line redrawn in place, notices above it (the keys, a
heard command), and nothing left behind when the session ends."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import TextIO

import voice_coach as vc

MIN_WIDTH = 40


class StatusScreen:
    """A status line on ``stream`` (a terminal), redrawn with ``\\r``; ``width`` gives the terminal's
    columns (asked at every draw, so a resized window is followed). ``intro`` (the keys) is printed once,
    above the first status line: the moment the session starts speaking."""

    def __init__(
        self, stream: TextIO, width: Callable[[], int] | None = None, intro: str | None = None
    ) -> None:
        self.stream, self.intro = stream, intro
        self.width = width or (lambda: shutil.get_terminal_size().columns)
        self.last: vc.Status | None = None
        self.drawn = 0

    def status(self, status: vc.Status) -> None:
        """Draw ``status`` over the line drawn before."""
        if self.intro is not None:
            intro, self.intro = self.intro, None
            self.notice(intro)
        self.last = status
        width = max(self.width() - 1, MIN_WIDTH)
        line = vc.format_status(status, width)
        self.stream.write("\r" + line.ljust(self.drawn))
        self.drawn = len(line)
        self.stream.flush()

    def notice(self, message: str) -> None:
        """Print ``message`` on its own line, then the status line again below it."""
        self._erase()
        self.stream.write(message + "\n")
        if self.last is not None:
            self.status(self.last)
        self.stream.flush()

    def clear(self) -> None:
        """Erase the status line: the summary that follows stands alone."""
        self._erase()
        self.stream.flush()

    def _erase(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.drawn = 0
