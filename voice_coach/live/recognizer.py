"""What a short utterance says, if it is a command: two offline decodes (pocketsphinx 5) that must agree.

The first decode knows nothing but the command phrases (``PHRASES``: "next", "okay next", "go back", "can
you repeat that", ...), so any sound is forced onto one of them: alone it turned 26 of 27 short TV lines
("Thank you.", "Okay.") into a command. The second decode is the rejection: the same audio against a
filler model, a unigram language model of the command words among a few hundred everyday words
(``FILLERS``), where "thank you" is heard as "thank you" and not as "stop". A command is acted on only if
the second decode also heard that command, and no more other words than the phrase has around it ("bus
stop" and "the next day" are no command), and surely: the command word's posterior in the second decode's
lattice (its share of the paths that explain the audio) must reach that command's threshold (``RULE``).
Each command word's share of the filler model (``WORD_SHARE``) sets how readily it is heard at all.
``scripts/tune_listen.py`` sets both on a tuning set of its own (three voices; TV-like lines and music that
the benchmark's are not); ``scripts/bench_listen.py`` measures them on other voices and lines.

In wake-word mode a phrase must begin with "coach" ("coach, next"), and the filler decode must hear
"coach" too: a TV says "next" far more often than "coach next".
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voice_coach.live.microphone import LISTEN_RATE, MicrophoneError

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
PHRASES = {
    "next": ("next", "okay next", "next please"),
    "back": ("back", "go back", "repeat", "can you repeat that", "repeat please"),
    "stop": ("stop", "stop it", "stop please"),
    "pause": ("pause", "pause please", "okay pause"),
    "continue": ("continue", "resume", "let's continue", "continue please", "okay continue"),
}
"""Command → the ways of saying it that are heard: natural phrasings map to their command."""
WAKE_WORD = "coach"
PRONUNCIATIONS = {"back(2)": "B AA K"}
"""Pronunciations the US English dictionary lacks: British and Northern English say "back" with an open
/a/, which the US model took for the vowel of "stop"."""
WORD_SHARE = {
    "next": 0.096,
    "back": 0.096,
    "repeat": 0.064,
    "stop": 0.032,
    "pause": 0.128,
    "continue": 0.064,
    "resume": 0.064,
}
"""Each command word's probability in the filler model: its threshold against everyday words (1.6 times
the first hand-set shares: ``scripts/tune_listen.py`` found that to keep the most commands)."""
FILLERS = """
a about after again all also always am an and another any are around as ask at away bad be because bed been
before being best better big black book both bring bus but buy by call came car case cat child city close
cold come could cut day dear did do does dog don't done door down each end even ever every eye face fact far
feel few find fine first for found four free friend from full game gave get girl give glad go god going gone
good got great had hand happy hard have he head hear heard hello help her here hey high him his hold
home hope hot house how i i'm if in into is it just keep kind knew know last late left less let life like
line little live long look lot love made make man many may me mean men might mind miss money more morning
most mother move much music must my name need never new news nice night no not nothing now of off oh old on
once one only open or other our out over own part party people place play please put read ready real really
red right room run said same saw say school see seem she should show side since sit so some something soon
sorry start stay still story such sure take talk tell ten than thank that the their them then there these
they thing think this those though thought three through time to today together told too top took two under
until up us very wait walk want was watch water way we week well went were what when where which while who
why will with woman word work world would yeah year yes yet you young your
"""
"""Everyday words that compete with the commands in the filler model (the phrase words among them)."""


def _import_pocketsphinx() -> Any:
    try:
        pocketsphinx = importlib.import_module("pocketsphinx")
    except ImportError as error:
        raise MicrophoneError(
            f"Voice commands need the pocketsphinx recognizer ({error}); "
            "install it with: pip install 'voice-coach[listen]'"
        ) from error
    return pocketsphinx


def command_grammar(wake_word: bool) -> str:
    """The JSGF grammar of every phrase, each tagged with its command's rule; with the wake word first."""
    rules = [f"<{name}> = {' | '.join(phrases)};" for name, phrases in PHRASES.items()]
    body = " | ".join(f"<{name}>" for name in PHRASES)
    start = f"{WAKE_WORD} ({body})" if wake_word else body
    return "#JSGF V1.0;\ngrammar commands;\n" + "\n".join(rules) + f"\npublic <command> = {start};\n"


def filler_model(words: list[str], shares: dict[str, float]) -> str:
    """The filler language model (ARPA text): the command words at their ``shares``, ``words`` sharing
    the rest evenly."""
    rest = 1.0 - sum(shares.values())
    entries = [(math.log10(share), word) for word, share in shares.items()]
    entries += [(math.log10(rest * 0.8 / len(words)), word) for word in words]
    lines = [
        "\\data\\",
        f"ngram 1={len(entries) + 2}",
        "",
        "\\1-grams:",
        "-99 <s> 0",
        f"{math.log10(0.2):.4f} </s> 0",
    ]
    lines += [f"{logprob:.4f} {word} 0" for logprob, word in entries]
    return "\n".join([*lines, "", "\\end\\", ""])


PHRASE_WORDS = frozenset(
    word for phrases in PHRASES.values() for phrase in phrases for word in phrase.split()
)


def phrase_command(words: list[str]) -> str | None:
    """The command a decoded phrase gives: its one command word's (``None`` for none, or two)."""
    found = {COMMANDS[word] for word in words if word in COMMANDS}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Rule:
    """When the filler decode confirms a command: the command word's posterior in it at least
    ``min_posterior[command]``, and at most ``extra_words`` more words outside the phrases than the phrase
    has around its command. With ``agree`` False (for wake-word mode, where "coach" is the rejection) the
    filler decode need only hear the wake word."""

    min_posterior: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHRASES, 0.0))
    extra_words: int = 0
    agree: bool = True


@dataclass(frozen=True)
class Heard:
    """What the two decodes heard in one utterance: the phrase decode's words, and the filler decode's
    words with each one's posterior (its share of the lattice's paths, 0-1)."""

    phrase: list[str]
    fillers: list[tuple[str, float]]


def agrees(heard: Heard, command: str, rule: Rule) -> bool:
    """Whether the filler decode confirms ``command`` from the phrase decode: the same command, surely
    enough (``rule.min_posterior``), and no more words outside the phrases than the phrase has words
    around its command (a filler may stand for "okay" in "okay next", but "bus stop" and "the next day"
    are no command)."""
    words = [word for word, _ in heard.fillers]
    outside = [word for word in words if word not in PHRASE_WORDS | {WAKE_WORD}]
    sure = max((p for word, p in heard.fillers if COMMANDS.get(word) == command), default=0.0)
    return (
        phrase_command(words) == command
        and len(outside) < len(heard.phrase) + rule.extra_words
        and sure >= rule.min_posterior[command]
    )


def decide(heard: Heard, wake_word: bool, rule: Rule | None) -> str | None:
    """The command ``heard`` gives: None when the decodes disagree (``rule`` None: the phrase decode
    alone), or, with ``wake_word``, when either missed "coach"."""
    if wake_word and heard.phrase[:1] != [WAKE_WORD]:
        return None
    command = phrase_command(heard.phrase)
    if command is None or rule is None:
        return command
    if wake_word and WAKE_WORD not in [word for word, _ in heard.fillers]:
        return None
    return command if not rule.agree or agrees(heard, command, rule) else None


EVERY_WORD = Rule({"next": 0.6, "back": 0.8, "stop": 0.3, "pause": 0.0, "continue": 0.0})
"""Every command without the wake word (``play --every-word``, a room with no TV or radio on): the posterior
each command word needs in the filler decode, the lowest that no utterance of 10 minutes of the tuning
set's TV-like talk and of music reached (``scripts/tune_listen.py``), "stop" one step higher."""
RULE = Rule({**EVERY_WORD.min_posterior, "next": math.inf, "back": math.inf, "continue": math.inf})
"""The default: only "pause" and "stop" (which asks). On 30 minutes of the tuning set's TV-like talk,
"next", "back" and "continue" were heard at every posterior up to 1 (a TV says them as a person does)."""
WAKE_RULE = Rule()
"""In wake-word mode "coach" is the rejection: no utterance of the tuning set reached any threshold."""


@contextlib.contextmanager
def _written(text: str, suffix: str) -> Iterator[str]:
    """``text`` in a temporary file, for an API that reads only files; removed afterwards."""
    handle, path = tempfile.mkstemp(suffix=suffix, prefix="voice-coach-")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        yield path
    finally:
        os.unlink(path)


class CommandRecognizer:
    """The command in one utterance, or None: the phrase decode and the filler decode must agree
    (``verify=False`` skips the second, to measure what it saves)."""

    def __init__(
        self,
        wake_word: bool = False,
        verify: bool = True,
        shares: dict[str, float] | None = None,
        rule: Rule | None = None,
    ) -> None:
        pocketsphinx = _import_pocketsphinx()
        self.wake_word, self.verify = wake_word, verify
        self.shares = shares or WORD_SHARE
        self.rule = rule or (WAKE_RULE if wake_word else RULE)
        """When the filler decode confirms a command (``RULE``; ``EVERY_WORD`` acts on every command)."""
        self.decoder = pocketsphinx.Decoder(lm=None, loglevel="FATAL", samprate=LISTEN_RATE)
        for word, phones in PRONUNCIATIONS.items():
            self.decoder.add_word(word, phones, False)
        self.decoder.add_jsgf_string("phrases", command_grammar(wake_word))
        known = sorted(
            {word for word in FILLERS.split() if self.decoder.lookup_word(word)} - set(self.shares)
        )
        words = [*known] if WAKE_WORD in self.shares else [*known, WAKE_WORD]
        with _written(filler_model(words, self.shares), ".arpa") as path:
            self.decoder.add_lm_file("fillers", path)

    def command(self, samples: npt.NDArray[np.int16]) -> str | None:
        """The command said in ``samples`` (one utterance), or None when it is not surely one."""
        phrase = Heard([word for word, _ in self._decode("phrases", samples)], [])
        if decide(phrase, self.wake_word, None) is None or not self.verify:
            return decide(phrase, self.wake_word, None)
        heard = Heard(phrase.phrase, self._decode("fillers", samples))
        return decide(heard, self.wake_word, self.rule)

    def hear(self, samples: npt.NDArray[np.int16]) -> Heard:
        """Both decodes of ``samples``, for a benchmark to try rules on."""
        phrase = [word for word, _ in self._decode("phrases", samples)]
        return Heard(phrase, self._decode("fillers", samples))

    def _decode(self, search: str, samples: npt.NDArray[np.int16]) -> list[tuple[str, float]]:
        """The words heard (alternative pronunciations as the word), each with its posterior."""
        decoder = self.decoder
        decoder.activate_search(search)
        decoder.start_utt()
        decoder.process_raw(samples.tobytes(), full_utt=True)
        decoder.end_utt()
        return [(_word(seg.word), seg.prob) for seg in decoder.seg() or () if _word(seg.word)]


def _word(token: str) -> str:
    """``back(2)`` → ``back``; silences and noises (``<sil>``, ``[NOISE]``) → ""."""
    return "" if token[:1] in "<[" else token.split("(")[0]
