"""What asks the player to move: one small interface, ``Commands``, that keys, voice commands and any other
remote (a media remote, a phone) feed the same way.

A source's ``poll()`` returns one ``Command`` (``playback.COMMANDS``: toggle, pause, continue, next, back,
next-chapter, back-chapter, quit) or None at once. ``CommandQueue`` is a source any thread can ``put``
commands into, for a remote that is told of presses rather than asked.
"""

from __future__ import annotations

import queue
from typing import Protocol

from voice_coach.live.playback import COMMANDS, Command

KEY_COMMANDS: dict[str, Command] = {
    " ": "toggle", "n": "next", "b": "back", "]": "next-chapter", "[": "back-chapter", "q": "quit",
}  # fmt: skip
"""Key → command; ``?`` (the keys shown again) is not a move, the player shows it itself."""
VOICE_COMMANDS: dict[str, Command] = {
    "pause": "pause", "continue": "continue", "next": "next", "back": "back", "stop": "quit",
}  # fmt: skip
"""Voice command (``listen.COMMANDS``' values) → command: spoken ones only pause or only resume."""


class Commands(Protocol):
    """A source of commands: ``poll()`` returns one, or None at once if there is none."""

    def poll(self) -> Command | None: ...


class CommandQueue:
    """Commands put from any thread (``put``), handed to the player in order (``poll``)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Command] = queue.SimpleQueue()

    def put(self, command: Command) -> None:
        """Queue ``command``; ``ValueError`` for a name that is not a command."""
        if command not in COMMANDS:
            raise ValueError(f"{command!r} is not a player command; commands: {', '.join(COMMANDS)}")
        self._queue.put(command)

    def poll(self) -> Command | None:
        try:
            return self._queue.get_nowait()
        except queue.Empty:
            return None
