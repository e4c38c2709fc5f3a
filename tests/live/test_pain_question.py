"""The question at the end of a session, answered by keys, by a number said into an injected microphone
(the real recognizer, the default voice saying it), or skipped by Enter or by silence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fakes import FakeClock, RecordingSink, ScriptedKeys

import voice_coach as vc
from voice_coach.audio.clip import Clip
from voice_coach.audio.dsp import resample
from voice_coach.live.keys import NoKeys
from voice_coach.live.microphone import LISTEN_RATE, RecordedSource
from voice_coach.live.pain_question import PAIN_QUESTION, NumberRecognizer, ask_pain
from voice_coach.speech.engines import EngineSettings, settings_for
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases

WORDS = [PAIN_QUESTION, "Seven.", "Two.", "Ten.", "Zero."]


@pytest.fixture(scope="module")
def voice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Clip]:
    """The default voice (hibari) saying the question and a few answers."""
    return synthesize_phrases(WORDS, EngineSettings(), PhraseCache(tmp_path_factory.mktemp("c"))).clips


@pytest.fixture(scope="module")
def recognizer() -> NumberRecognizer:
    pytest.importorskip("pocketsphinx")
    return NumberRecognizer()


def seconds(clip: Clip) -> float:
    return len(clip.samples) / clip.rate


def at_16k(clip: Clip) -> np.ndarray:
    return np.clip(resample(clip.samples, clip.rate, LISTEN_RATE), -32768, 32767).astype(np.int16)


def room(voice: dict[str, Clip], answer: str | None, after: float) -> np.ndarray:
    """What the microphone hears: the question itself, then ``answer`` ``after`` seconds after it ends."""
    question = at_16k(voice[PAIN_QUESTION])
    heard = np.zeros(len(question) + 12 * LISTEN_RATE, np.int16)
    heard[: len(question)] = question  # the coach's own words reach the microphone too
    if answer is not None:
        said = at_16k(voice[answer])
        first = len(question) + int(after * LISTEN_RATE)
        heard[first : first + len(said)] = said
    return heard


@pytest.mark.parametrize(("answer", "rating"), [("Seven.", 7), ("Two.", 2), ("Ten.", 10), ("Zero.", 0)])
def test_a_spoken_number_answers(
    voice: dict[str, Clip], recognizer: NumberRecognizer, answer: str, rating: int
) -> None:
    clock = FakeClock()
    question = voice[PAIN_QUESTION]
    microphone = RecordedSource(room(voice, answer, 1.5), clock)
    sink = RecordingSink(clock)
    got = ask_pain(question.samples, question.rate, sink, clock, NoKeys(), microphone, recognizer)
    assert got == rating
    said_end = seconds(question) + 1.5 + seconds(voice[answer])
    assert said_end < clock.now() < said_end + 0.6, "answered within moments of the word's end"
    assert len(sink.records) == 1 and sink.records[0].rate == question.rate


def test_the_questions_own_zero_to_ten_is_no_answer(
    voice: dict[str, Clip], recognizer: NumberRecognizer
) -> None:
    clock = FakeClock()
    question = voice[PAIN_QUESTION]
    microphone = RecordedSource(room(voice, None, 0), clock)
    got = ask_pain(
        question.samples, question.rate, RecordingSink(clock), clock, NoKeys(), microphone, recognizer
    )
    assert got is None
    assert clock.now() == pytest.approx(seconds(question) + 10, abs=0.1), "skipped after 10 s of silence"


@pytest.mark.parametrize(("key", "rating"), [("0", 0), ("3", 3), ("9", 9), ("t", 10), ("\n", None)])
def test_keys_answer_or_skip(voice: dict[str, Clip], key: str, rating: int | None) -> None:
    clock = FakeClock()
    question = voice[PAIN_QUESTION]
    keys = ScriptedKeys(clock, [(1.0, "x"), (2.0, key)])  # an unrelated key first: ignored
    sink = RecordingSink(clock)
    assert ask_pain(question.samples, question.rate, sink, clock, keys) == rating
    assert clock.now() == pytest.approx(2.0, abs=0.06)
    assert sink.records[0].stopped is not None, "an early answer cuts the question short"


def test_silence_skips_after_ten_seconds(voice: dict[str, Clip], tmp_path: Path) -> None:
    clock = FakeClock()
    question = voice[PAIN_QUESTION]
    assert ask_pain(question.samples, question.rate, RecordingSink(clock), clock, NoKeys()) is None
    assert clock.now() == pytest.approx(seconds(question) + 10, abs=0.06)


@pytest.mark.parametrize(
    ("language", "question", "rating"),
    [
        ("en", PAIN_QUESTION, 7),  # the spoken "seven" comes first
        ("de", "Wie geht es deinem Rücken jetzt, von null bis zehn?", 4),  # only the key counts
        ("es", "¿Cómo está tu espalda ahora, de cero a diez?", 4),
    ],
)
def test_the_question_is_asked_in_the_sessions_language_and_answered_aloud_only_in_english(
    voice: dict[str, Clip], recognizer: NumberRecognizer, tmp_path: Path, language: str, question: str,
    rating: int,
) -> None:  # fmt: skip
    speech = vc.Speech(cache_dir=tmp_path / "cache")
    settings = settings_for(language, speech.settings(), lambda message: None)
    asked = synthesize_phrases([question], settings, speech.cache(lambda message: None)).clips[question]
    clock = FakeClock()
    seven = at_16k(voice["Seven."])
    heard = np.zeros(int((seconds(asked) + 12) * LISTEN_RATE), np.int16)
    said = int((seconds(asked) + 1.5) * LISTEN_RATE)  # after the question, before the key
    heard[said : said + len(seven)] = seven
    keys = ScriptedKeys(clock, [(seconds(asked) + 6, "4")])
    sink = RecordingSink(clock)
    got = vc.ask_pain_rating(
        speech, language=language, sink=sink, keys=keys, microphone=RecordedSource(heard, clock), clock=clock
    )
    assert got == rating
    assert np.array_equal(sink.records[0].samples, asked.samples), "the question in the session's language"
    assert language in vc.SPOKEN_ANSWER_LANGUAGES or got == 4
