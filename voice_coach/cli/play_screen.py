"""What ``play`` shows on a terminal: one status line redrawn in place, notices above it (the keys, a
heard command), and nothing left behind when the session ends; plus the voice commands it opens."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from typing import TextIO

from voice_coach.live.keys import Keys
from voice_coach.live.listen import CommandListener, CommandRecognizer, Listener
from voice_coach.live.microphone import Microphone, MicrophoneError
from voice_coach.live.mpris import EitherKeys, open_media_keys
from voice_coach.live.status import format_status
from voice_coach.live.steps import Status

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
        self.last: Status | None = None
        self.drawn = 0

    def status(self, status: Status) -> None:
        """Draw ``status`` over the line drawn before."""
        if self.intro is not None:
            intro, self.intro = self.intro, None
            self.notice(intro)
        self.last = status
        width = max(self.width() - 1, MIN_WIDTH)
        line = format_status(status, width)
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


@contextlib.contextmanager
def voice_commands(
    listen: bool, warn: Callable[[str], None], wake_word: bool = False
) -> Iterator[Listener | None]:
    """A listener on the default microphone when ``listen`` (commands only after "coach" with
    ``wake_word``); with no microphone (or no recognizer), one warning and None: the session plays on
    without voice commands."""
    if not listen:
        yield None
        return
    try:
        recognizer = CommandRecognizer(
            wake_word
        )  # before the microphone, which would be left open if this failed
        listener = CommandListener(Microphone(), recognizer)
    except MicrophoneError as error:
        warn(str(error))
        yield None
        return
    try:
        yield listener
    finally:
        listener.close()


@contextlib.contextmanager
def media_keys(
    keys: Keys, warn: Callable[[str], None]
) -> Iterator[tuple[Keys, Callable[[Status], None] | None]]:
    """``keys`` and a headset's or the desktop's media keys (MPRIS, where there is a session bus), and
    what the media keys must be told of each status."""
    media = open_media_keys(warn)
    if media is None:
        yield keys, None
        return
    try:
        yield EitherKeys(keys, media), media.status
    finally:
        media.close()


def each(*callbacks: Callable[[Status], None] | None) -> Callable[[Status], None] | None:
    """One status callback that calls each of ``callbacks`` (None if there are none)."""
    chosen = [callback for callback in callbacks if callback is not None]
    if not chosen:
        return None

    def every(status: Status) -> None:
        for callback in chosen:
            callback(status)

    return every
