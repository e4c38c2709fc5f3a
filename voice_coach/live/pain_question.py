"""The question at the end of a session, "How is your back now, from zero to ten?", and its answer: a key
(0-9, ``t`` for ten), a spoken number (with ``--listen``, in English only: ``SPOKEN_ANSWER_LANGUAGES``),
or none (Enter, or ``ANSWER_SECONDS`` of
silence after the question).

The spoken answer goes through the voice commands' own path (``listen.CommandListener``): the same
utterance detector against the room's noise, and the same gate, so the question's own words ("zero to
ten") are never taken for an answer. Only the grammar differs: the numbers zero to ten, which mean
something only while the question waits.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from voice_coach.live.device import Clock, Sink
from voice_coach.live.keys import Keys
from voice_coach.live.listen import CoachVoice, CommandListener, CommandRecognizer
from voice_coach.live.microphone import LISTEN_RATE, AudioSource, MicrophoneError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

PAIN_QUESTION = "How is your back now, from zero to ten?"
"""The question in English, and its key in ``printed``: it is asked in the session's language."""
SPOKEN_ANSWER_LANGUAGES = ("en",)
"""Languages a number can be answered aloud in: the recognizer has only an English model. In any other,
the question is asked in the session's language and answered by a key, never heard in English."""
ANSWER_SECONDS = 10.0
"""Silence after the question that skips it: the person has got up and gone."""
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
KEY_ANSWERS = {**{str(n): n for n in range(10)}, "t": 10, "T": 10}
SKIP_KEYS = ("\n", "\r", "q")
POLL_SECONDS = 0.05


class NumberRecognizer(CommandRecognizer):
    """pocketsphinx with a grammar of the numbers zero to ten; ``command`` returns the number heard as
    text (``"7"``), or None. A kind of command recognizer, so the voice commands' listener runs it."""

    def __init__(self) -> None:  # not the commands' grammar: no super().__init__()
        try:
            pocketsphinx: Any = importlib.import_module("pocketsphinx")
        except ImportError as error:
            raise MicrophoneError(
                f"A spoken answer needs the pocketsphinx recognizer ({error}); "
                "install it with: pip install 'voice-coach[listen]'"
            ) from error
        grammar = f"#JSGF V1.0;\ngrammar numbers;\npublic <number> = {' | '.join(NUMBER_WORDS)};\n"
        self.decoder = pocketsphinx.Decoder(lm=None, loglevel="FATAL", samprate=LISTEN_RATE)
        self.decoder.add_jsgf_string("numbers", grammar)
        self.decoder.activate_search("numbers")

    def command(self, samples: npt.NDArray[np.int16]) -> str | None:
        """The number said in one utterance, as digits; None when it is none of them."""
        self.decoder.start_utt()
        self.decoder.process_raw(samples.tobytes(), full_utt=True)
        self.decoder.end_utt()
        hypothesis = self.decoder.hyp()
        word = hypothesis.hypstr.strip() if hypothesis is not None else ""
        return str(NUMBER_WORDS.index(word)) if word in NUMBER_WORDS else None


def key_answer(key: str) -> int | None:
    """The rating a key gives (``t``: 10), or None for any other key."""
    return KEY_ANSWERS.get(key)


def ask_pain(
    question: npt.NDArray[np.int16],
    rate: int,
    sink: Sink,
    clock: Clock,
    keys: Keys,
    microphone: AudioSource | None = None,
    recognizer: NumberRecognizer | None = None,
    answer_seconds: float = ANSWER_SECONDS,
) -> int | None:
    """Play ``question`` on ``sink`` and wait for the answer: the rating 0-10, or None when skipped.

    Keys count at once (a person may answer before the question ends); a number said into the
    ``microphone`` only once the question has been said, as the gate of voice commands wants. The
    microphone stays open: it is the session's.
    """
    listener = None
    if microphone is not None:
        listener = CommandListener(microphone, recognizer or NumberRecognizer())
    playing = sink.start(question, rate)
    started = clock.now()
    coach = CoachVoice(((0, len(question)),), rate)
    coach.playing(0, len(question), started)
    deadline = started + len(question) / rate + answer_seconds
    try:
        while clock.now() < deadline:
            key = keys.poll()
            if key in SKIP_KEYS:
                return None
            if key is not None and key_answer(key) is not None:
                return key_answer(key)
            heard = listener.poll(coach) if listener is not None else None
            if heard is not None and heard.isdigit():
                return int(heard)
            clock.sleep(POLL_SECONDS)
        return None
    finally:
        if playing.is_playing():
            playing.stop()
