"""Voice commands: "pause", "continue" (or "resume"), "next", "back" (or "repeat"), "stop", and natural
ways of saying them ("okay next", "can you repeat that", "let's continue"), heard offline.

Why the coach's own voice never triggers one: the player knows, to the sample, when it makes a sound (every
phrase and chime is in the schedule), and the listener drops any utterance that overlaps one of those
times, widened by ``ECHO_TAIL`` for the room's echo and the device's output delay; it does not listen while
the coach talks. The ``--music`` bed plays all the time, so it cannot be gated (gating it would turn voice
commands off during every hold): where SpeexDSP is installed, an echo canceller (``echo.py``) takes what
the player sent (``CoachVoice.sent``, by clock time) out of what the microphone hears before it is cut into
utterances. ``scripts/bench_listen.py --only bed`` measures both against doing nothing.

``utterances.Utterances`` cuts the stream into utterances against the room's own (moving) background; only
a short one (``MAX_COMMAND``) is decoded, by ``recognizer.CommandRecognizer``, which acts only on what is
surely a command. A TV must not end a session: the first "stop" only pauses and asks for a second
(``STOP_AGAIN``), in wake-word mode too (30 minutes of TV speech gave 7 "coach, stop"s in one setting of
it); pause is always safe.
"""

from __future__ import annotations

from math import gcd
from typing import TYPE_CHECKING, Protocol

from voice_coach.audio.dsp import resample
from voice_coach.live.echo import EchoCanceller
from voice_coach.live.microphone import LISTEN_RATE, AudioSource
from voice_coach.live.recognizer import COMMANDS, CommandRecognizer
from voice_coach.live.utterances import Utterances

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["COMMANDS", "CoachVoice", "CommandListener", "CommandRecognizer", "Listener", "voice_action"]

ECHO_TAIL = 0.5
"""Seconds after the coach's sound ends during which what is heard may still be its echo."""
MIN_COMMAND, MAX_COMMAND = 0.08, 1.8
"""Seconds of speech an utterance must have to be taken for one command (a phrase: "can you repeat that")."""
KEEP_SECONDS = 30.0
BACKLOG = 3.0
"""Seconds of captured sound the listener decodes at most per poll. A listener that fell behind (a slow
machine, a device that delivers faster than real time) drops what is older: a command said longer ago than
that is stale, and decoding it all would stall the player and grow without bound."""
STOP_AGAIN = 10.0
"""Seconds within which a second "stop" ends the session; the first one paused it."""
CONFIRM_STOP, CONFIRM_COACH_STOP = "stop?", "coach, stop?"
"""What the listener reports for a first "stop" (with the wake word: "coach, stop"): the player pauses and
asks for a second, said the way the mode hears it."""
VOICE_ACTIONS = {
    CONFIRM_STOP: ('Heard "stop": paused. Say stop again to end.', "pause"),
    CONFIRM_COACH_STOP: ('Heard "coach, stop": paused. Say "coach, stop" again to end.', "pause"),
}


def voice_action(command: str) -> tuple[str, str]:
    """What the player shows for a command a listener reported, and the command it acts on."""
    return VOICE_ACTIONS.get(command, (f'Heard "{command}".', command))


class CoachVoice:
    """When the coach is audible, in clock seconds: the player tells it what it plays and when."""

    def __init__(self, sounds: tuple[tuple[int, int], ...], rate: int) -> None:
        self.sounds, self.rate = sounds, rate
        self.spans: list[tuple[float, float]] = []
        self.played: list[tuple[float, npt.NDArray[np.int16], int]] = []
        """What was sent to the speaker: the clock time it started, its samples and their rate (the echo
        canceller's reference)."""

    def sent(self, samples: npt.NDArray[np.int16], rate: int, at: float) -> None:
        """``samples`` at ``rate`` started sounding at clock time ``at``: kept as the reference (resampled
        only where asked for, so a player without an echo canceller pays nothing)."""
        self.played = [(a, s, r) for a, s, r in self.played if a + len(s) / r > at - KEEP_SECONDS]
        self.played.append((at, samples, rate))

    def reference(self, start: float, count: int) -> npt.NDArray[np.int16]:
        """The ``count`` samples (at ``LISTEN_RATE``) sent to the speaker from clock time ``start``; zeros
        where nothing was."""
        import numpy as np

        out = np.zeros(count, np.int16)
        for at, samples, rate in self.played:
            first = round((at - start) * LISTEN_RATE)  # where samples[0] falls in ``out``
            lo, hi = max(first, 0), min(first + len(samples) * LISTEN_RATE // rate, count)
            if lo < hi:
                piece, begin = _at_listen_rate(samples, rate, lo - first, hi - first)
                out[lo:hi] = piece[lo - first - begin : hi - first - begin]
        return out

    def playing(self, start: int, end: int, at: float) -> None:
        """Samples ``start``..``end`` of the session started sounding at clock time ``at``."""
        self.spans = [(a, b) for a, b in self.spans if b > at - KEEP_SECONDS]
        for first, last in self.sounds:
            if first < end and start < last:
                begin, finish = max(first, start) - start, min(last, end) - start
                self.spans.append((at + begin / self.rate, at + finish / self.rate))

    def cut(self, at: float) -> None:
        """The sound was stopped at clock time ``at``: nothing after it was heard."""
        self.spans = [(a, min(b, at)) for a, b in self.spans if a < at]
        self.played = [(a, s[: max(0, round((at - a) * r))], r) for a, s, r in self.played if a < at]

    def audible(self, start: float, end: float) -> bool:
        """Whether the coach (or its echo) could be heard at any time from ``start`` to ``end``."""
        return any(a < end and start < b + ECHO_TAIL for a, b in self.spans)


def _at_listen_rate(
    samples: npt.NDArray[np.int16], rate: int, lo: int, hi: int
) -> tuple[npt.NDArray[np.int16], int]:
    """Samples ``lo``..``hi`` (counted at ``LISTEN_RATE``) of ``samples`` at ``rate``, resampled with a
    margin so the filter has no edge inside them: the resampled piece and the index its first sample has."""
    import numpy as np

    step = rate // gcd(rate, LISTEN_RATE)  # source samples that make a whole number of output samples
    margin = rate // 50
    first = max(0, (lo * rate // LISTEN_RATE - margin) // step * step)
    last = min(len(samples), hi * rate // LISTEN_RATE + margin)
    piece = resample(samples[first:last].astype(np.float32), rate, LISTEN_RATE)
    begin = first * LISTEN_RATE // rate
    need = hi - begin
    if len(piece) < need:
        piece = np.concatenate([piece, np.zeros(need - len(piece), np.float32)])
    return np.clip(piece, -32768, 32767).astype(np.int16), begin


class Listener(Protocol):
    """A source of voice commands: ``poll`` returns one command heard while the coach was silent, or None."""

    def poll(self, coach: CoachVoice) -> str | None: ...


class CommandListener:
    """Voice commands from ``source``: utterances heard while the coach is silent, decoded to commands.

    A "stop" is reported as ``CONFIRM_STOP`` (pause and ask) unless another came within ``STOP_AGAIN``
    seconds before it."""

    def __init__(
        self,
        source: AudioSource,
        recognizer: CommandRecognizer | None = None,
        canceller: EchoCanceller | None = None,
    ) -> None:
        self.source, self.canceller = source, canceller
        self.recognizer = recognizer or CommandRecognizer()
        self.utterances = Utterances()
        self.offset: float | None = None
        self.fed = 0
        """Samples handed to the canceller: where the next block falls on the stream's clock."""
        self.ignored = 0
        """Utterances dropped because the coach was audible."""
        self.stop_asked: float | None = None

    def poll(self, coach: CoachVoice) -> str | None:
        samples, captured = self.source.read()
        if self.offset is None:  # clock time of the stream's first sample
            self.offset = captured - len(samples) / LISTEN_RATE
        if (dropped := len(samples) - int(BACKLOG * LISTEN_RATE)) > 0:
            samples = samples[dropped:]  # the rest was captured that much later than the stream's clock says
            self.offset += dropped / LISTEN_RATE
        if self.canceller is not None:
            heard = self.offset + self.fed / LISTEN_RATE
            self.fed += len(samples)
            samples = self.canceller.cancel(samples, coach.reference(heard, len(samples)))
        for audio, start, end in self.utterances.feed(samples):
            if not MIN_COMMAND <= end - start <= MAX_COMMAND:
                continue
            if coach.audible(self.offset + start, self.offset + end):
                self.ignored += 1
                continue
            command = self.recognizer.command(audio)
            if command is not None:
                return self._guarded(command, self.offset + end)
        return None

    def _guarded(self, command: str, at: float) -> str:
        """``command``, but a first "stop" only asks."""
        if command != "stop":
            return command
        asked, self.stop_asked = self.stop_asked, at
        if asked is not None and at - asked <= STOP_AGAIN:
            return "stop"
        return CONFIRM_COACH_STOP if self.recognizer.wake_word else CONFIRM_STOP

    def close(self) -> None:
        self.source.close()
        if self.canceller is not None:
            self.canceller.close()
