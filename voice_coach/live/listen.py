"""Voice commands: "pause", "continue" (or "resume"), "next", "back" (or "repeat"), "stop", heard offline.

Why the coach's own voice never triggers one: the player knows, to the sample, when it makes a sound (every
phrase and chime is in the schedule), and the listener drops any utterance that overlaps one of those
times, widened by ``ECHO_TAIL`` for the room's echo and the device's output delay. It does not try to
cancel an echo it cannot measure (speakers, headphones and rooms differ); it simply does not listen while
the coach talks, and holds and rests, where commands are wanted, are mostly silence.

The recognizer is pocketsphinx 5 with the US English model inside its wheel and a grammar of just these
words, decoding one utterance at a time: ``utterances.Utterances`` cuts the stream into utterances against
the room's own noise, and only a short one (a single word, ``MAX_COMMAND``) is decoded, so talk, music and
the coach's sentences are not forced onto a command.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

from voice_coach.live.microphone import LISTEN_RATE, AudioSource, MicrophoneError
from voice_coach.live.utterances import Utterances

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

COMMANDS = {
    "pause": "pause",
    "continue": "continue",
    "resume": "continue",
    "next": "next",
    "back": "back",
    "repeat": "back",
    "stop": "stop",
}
"""Word heard → the command it gives."""
ECHO_TAIL = 0.5
"""Seconds after the coach's sound ends during which what is heard may still be its echo."""
PRONUNCIATIONS = {"back(2)": "B AA K"}
"""Pronunciations the US English dictionary lacks: British and Northern English say "back" with an open
/a/, which the US model took for the vowel of "stop" (3 in 84 commands wrong at 20 dB SNR without it)."""
MIN_COMMAND, MAX_COMMAND = 0.08, 1.6
"""Seconds of speech an utterance must have to be taken for one command word."""
KEEP_SECONDS = 30.0


class CoachVoice:
    """When the coach is audible, in clock seconds: the player tells it what it plays and when."""

    def __init__(self, sounds: tuple[tuple[int, int], ...], rate: int) -> None:
        self.sounds, self.rate = sounds, rate
        self.spans: list[tuple[float, float]] = []

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

    def audible(self, start: float, end: float) -> bool:
        """Whether the coach (or its echo) could be heard at any time from ``start`` to ``end``."""
        return any(a < end and start < b + ECHO_TAIL for a, b in self.spans)


class Listener(Protocol):
    """A source of voice commands: ``poll`` returns one command heard while the coach was silent, or None."""

    def poll(self, coach: CoachVoice) -> str | None: ...


class CommandRecognizer:
    """pocketsphinx with a grammar of the command words; one decoder, reused for every utterance."""

    def __init__(self) -> None:
        pocketsphinx = _import_pocketsphinx()
        words = " | ".join(sorted(COMMANDS))
        grammar = f"#JSGF V1.0;\ngrammar commands;\npublic <command> = {words};\n"
        self.decoder = pocketsphinx.Decoder(lm=None, loglevel="FATAL", samprate=LISTEN_RATE)
        for word, phones in PRONUNCIATIONS.items():
            self.decoder.add_word(word, phones, False)
        self.decoder.add_jsgf_string("commands", grammar)  # after the words: the grammar uses them all
        self.decoder.activate_search("commands")

    def command(self, samples: npt.NDArray[np.int16]) -> str | None:
        """The command in one utterance, or None when it is no command word."""
        decoder = self.decoder
        decoder.start_utt()
        decoder.process_raw(samples.tobytes(), full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        word = hypothesis.hypstr.strip() if hypothesis is not None else ""
        return COMMANDS.get(word)


class CommandListener:
    """Voice commands from ``source``: utterances heard while the coach is silent, decoded to commands."""

    def __init__(self, source: AudioSource, recognizer: CommandRecognizer | None = None) -> None:
        self.source = source
        self.recognizer = recognizer or CommandRecognizer()
        self.utterances = Utterances()
        self.offset: float | None = None
        self.ignored = 0
        """Utterances dropped because the coach was audible."""

    def poll(self, coach: CoachVoice) -> str | None:
        samples, captured = self.source.read()
        if self.offset is None:  # clock time of the stream's first sample
            self.offset = captured - len(samples) / LISTEN_RATE
        for audio, start, end in self.utterances.feed(samples):
            if not MIN_COMMAND <= end - start <= MAX_COMMAND:
                continue
            if coach.audible(self.offset + start, self.offset + end):
                self.ignored += 1
                continue
            command = self.recognizer.command(audio)
            if command is not None:
                return command
        return None

    def close(self) -> None:
        self.source.close()


def _import_pocketsphinx() -> Any:
    try:
        pocketsphinx = importlib.import_module("pocketsphinx")
    except ImportError as error:
        raise MicrophoneError(
            f"Voice commands need the pocketsphinx recognizer ({error}); "
            "install it with: pip install 'voice-coach[listen]'"
        ) from error
    return pocketsphinx
