"""The utterance detector on real speech (the default voice) in synthesized room noise: a word is found
where it is said, at 10 dB SNR as in silence; noise alone is no utterance; a stream fed in any pieces
gives the same utterances; a noise floor that starts too low does not hold the detector in speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voice_coach.audio.dsp import resample
from voice_coach.live.listen import CommandRecognizer
from voice_coach.live.microphone import LISTEN_RATE
from voice_coach.live.recognizer import EVERY_WORD
from voice_coach.live.utterances import LONGEST, Utterances
from voice_coach.speech.engines import EngineSettings
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases


@pytest.fixture(scope="module")
def word(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """hibari saying "Next." at 16 kHz, cut to where it sounds (1 % of its peak)."""
    folder: Path = tmp_path_factory.mktemp("voice")
    clip = synthesize_phrases(["Next."], EngineSettings(), PhraseCache(folder)).clips["Next."]
    samples = resample(clip.samples, clip.rate, LISTEN_RATE).astype(np.float64)
    loud = np.flatnonzero(np.abs(samples) > 0.01 * np.abs(samples).max())
    return samples[loud[0] : loud[-1] + 1]


def room_noise(seconds: float, rms: float, seed: int = 1) -> np.ndarray:
    """Pink noise and a 120 Hz hum (a fan), at ``rms``."""
    rng = np.random.default_rng(seed)
    n = int(seconds * LISTEN_RATE)
    spectrum = np.fft.rfft(rng.standard_normal(n)) / np.sqrt(np.maximum(np.arange(n // 2 + 1), 1))
    noise = np.fft.irfft(spectrum, n)
    noise = noise / noise.std() + 0.3 * np.sin(2 * np.pi * 120 * np.arange(n) / LISTEN_RATE)
    return rms * noise / noise.std()


def pcm(audio: np.ndarray) -> np.ndarray:
    return np.clip(audio, -32768, 32767).astype(np.int16)


def in_noise(word: np.ndarray, snr_db: float, at: float = 2.0, seconds: float = 5.0) -> np.ndarray:
    rms = np.sqrt(np.mean(word**2)) / 10 ** (snr_db / 20)
    audio = room_noise(seconds, rms)
    start = int(at * LISTEN_RATE)
    audio[start : start + len(word)] += word
    return pcm(audio)


@pytest.mark.parametrize("snr_db", [40, 10])
def test_a_word_in_room_noise_is_one_utterance_where_it_was_said(word: np.ndarray, snr_db: float) -> None:
    found = list(Utterances().feed(in_noise(word, snr_db)))
    assert len(found) == 1
    audio, start, end = found[0]
    said = (2.0, 2.0 + len(word) / LISTEN_RATE)
    # the background is the noise's median level, so a word's soft tail 10 dB over it ends a little early
    assert abs(start - said[0]) < 0.1 and abs(end - said[1]) < 0.2, (start, end, said)
    assert len(audio) / LISTEN_RATE > end - start + 0.2  # with the soft start before it
    if snr_db >= 20:  # at 10 dB SNR the rejection decode often takes a noisy "next" for talk: said again
        assert CommandRecognizer(rule=EVERY_WORD).command(audio) == "next"


def test_steady_room_noise_alone_is_no_utterance() -> None:
    assert list(Utterances().feed(pcm(room_noise(20.0, 1000.0)))) == []


def test_pieces_of_any_size_give_the_same_utterances(word: np.ndarray) -> None:
    audio = in_noise(word, 10)
    whole = [(start, end) for _, start, end in Utterances().feed(audio)]
    detector = Utterances()
    cuts = np.cumsum(np.random.default_rng(3).integers(1, 3000, 200))
    pieces = np.split(audio, cuts[cuts < len(audio)])
    fed = [(start, end) for piece in pieces for _, start, end in detector.feed(piece)]
    assert fed == whole and len(whole) == 1


def test_noise_after_digital_silence_ends_and_a_later_word_is_found(word: np.ndarray) -> None:
    """The floor starts at the silence's level: the noise after it reads as speech until ``LONGEST``
    cuts it off and the floor has caught up; a word said later is found on its own."""
    rms = np.sqrt(np.mean(word**2)) / 10 ** (15 / 20)
    audio = np.concatenate([np.zeros(LISTEN_RATE), room_noise(14.0, rms)])
    start = int(12.0 * LISTEN_RATE)
    audio[start : start + len(word)] += word
    found = [(start, end) for _, start, end in Utterances().feed(pcm(audio))]
    assert found[0][0] == pytest.approx(1.0, abs=0.05) and found[0][1] - found[0][0] <= LONGEST
    assert len(found) >= 2 and found[-1][0] == pytest.approx(12.0, abs=0.1)
