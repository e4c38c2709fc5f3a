"""What ``play`` shows on a terminal: one status line redrawn in place, notices above it (the keys, a
heard command), and nothing left behind when the session ends."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from typing import TextIO

import voice_coach as vc


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
        line = vc.format_status(status, self.width() - 1)  # the last column left free: no wrap, ever
        self.stream.write("\r" + line.ljust(self.drawn))
        self.drawn = len(line)
        self.stream.flush()

    def notice(self, message: str) -> None:
        """Print ``message`` on lines of their own (a long one, such as the keys, broken between its
        ``|``-separated items, never inside a word), then the status line again below it."""
        self._erase()
        self.stream.write("\n".join(fit_lines(message, self.width() - 1)) + "\n")
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


def fit_lines(message: str, width: int) -> list[str]:
    """``message`` in lines of at most ``width`` characters: broken between its `` | ``-separated items
    (the keys banner breaks between keys), an item longer than a line broken between words."""
    lines: list[str] = []
    for item in message.split(" | "):
        joined = f"{lines[-1]} | {item}" if lines else item
        if lines and len(joined) <= width:
            lines[-1] = joined
        else:
            lines += textwrap.wrap(item, max(width, 1), break_on_hyphens=False) or [""]
    return lines


def each(*callbacks: Callable[[vc.Status], None] | None) -> Callable[[vc.Status], None] | None:
    """One status callback that calls each of ``callbacks`` (None if there are none)."""
    chosen = [callback for callback in callbacks if callback is not None]
    if not chosen:
        return None

    def every(status: vc.Status) -> None:
        for callback in chosen:
            callback(status)

    return every
