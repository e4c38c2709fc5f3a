"""The sound devices ``play`` can use: ``devices`` lists the outputs, ``open_device`` opens one for
``play(sink=)``, ``voice_commands`` listens on the microphone for ``play(listener=)``.

Without a chosen device a session goes to the system's default output through simpleaudio; a chosen one
goes through PortAudio (``SounddeviceSink``), which can open any of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from voice_coach.api_types import Warn, default_warn
from voice_coach.live.device import Sink
from voice_coach.live.echo import load_canceller
from voice_coach.live.keys import Keys
from voice_coach.live.listen import CommandListener, CommandRecognizer, Listener
from voice_coach.live.microphone import LISTEN_RATE, Microphone, MicrophoneError
from voice_coach.live.mpris import EitherKeys, open_media_keys
from voice_coach.live.recognizer import EVERY_WORD
from voice_coach.live.sounddevice_sink import (
    OutputDevice,
    SounddeviceSink,
    output_devices,
)
from voice_coach.live.steps import Status


def devices() -> list[OutputDevice]:
    """Every output PortAudio can play through, in its own order (the indexes ``open_device`` takes)."""
    return output_devices()


def open_device(choice: str | int) -> Sink:
    """The output ``choice`` names (an index, a number as text, or part of its name), opened once with
    silence so a device that cannot be used fails before any synthesis; ``UsageError`` or
    ``PlaybackError`` saying why."""
    if isinstance(choice, str) and choice.strip().isdigit():
        choice = int(choice)
    sink = SounddeviceSink(choice)
    sink.check()
    return sink


@contextlib.contextmanager
def voice_commands(
    listen: bool, warn: Warn | None = None, wake_word: bool = True, every_word: bool = False
) -> Iterator[Listener | None]:
    """A listener for ``play(listener=)`` on the default microphone when ``listen``: every command after
    "coach" (``wake_word``, the default: the fewest false actions), else "pause" and "stop" alone, or every
    command alone with ``every_word``; with no microphone (or no recognizer), one warning and None: the
    session plays on without voice commands."""
    if not listen:
        yield None
        return
    try:
        # before the microphone, which would be left open if this failed
        recognizer = CommandRecognizer(wake_word, rule=EVERY_WORD if every_word and not wake_word else None)
        # what the player sends is taken out of what the microphone hears, where SpeexDSP is installed
        listener = CommandListener(Microphone(), recognizer, load_canceller(LISTEN_RATE))
    except MicrophoneError as error:
        (warn or default_warn)(str(error))
        yield None
        return
    try:
        yield listener
    finally:
        listener.close()


@contextlib.contextmanager
def media_keys(
    keys: Keys, warn: Warn | None = None
) -> Iterator[tuple[Keys, Callable[[Status], None] | None]]:
    """``keys`` and a headset's or the desktop's media keys (MPRIS, where there is a session bus), and what
    the media keys must be told of each status (``play(on_status=)``), or None."""
    media = open_media_keys(warn or default_warn)
    if media is None:
        yield keys, None
        return
    try:
        yield EitherKeys(keys, media), media.status
    finally:
        media.close()
