"""The speech engines side by side on the same phrases: speed, first-phrase latency and intelligibility.

Each installed engine speaks every distinct phrase of a routine in one fresh process, through voice-coach's
own engine classes (load, then phrase after phrase, nothing cached). An independent recognizer,
pocketsphinx 5 with its bundled US English model, then transcribes every raw phrase (resampled to its
16 kHz); the word error rate against the text is the intelligibility figure: lower is clearer. It is not
a measure of naturalness, but a voice that a recognizer mishears more often is harder for a person on the
floor to follow too.

Used by ``scripts/bench.py`` (the ``engines`` rows); alone::

    .venv/bin/python scripts/compare_engines.py spi
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Runs in a fresh process: load the engine, then speak every phrase, timing from the process's start.
SPEAK = """
import json, sys, time, wave
started = time.perf_counter()
from voice_coach.speech.engines import get_engine
from voice_coach.speech.engines.base import Rate
request = json.load(sys.stdin)
engine = get_engine(request["engine"])
voice = engine.default_voice()
times = []
for number, text in enumerate(request["texts"]):
    clip = engine.synthesize(text, voice, Rate(), 1.0)
    times.append(time.perf_counter() - started)
    with wave.open(f"{request['folder']}/{number:04d}.wav", "wb") as out:
        out.setnchannels(1); out.setsampwidth(2); out.setframerate(clip.rate)
        out.writeframes(clip.samples.tobytes())
print(json.dumps({"first": times[0], "total": times[-1]}))
"""
SMALL = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"),
    *("twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@dataclass(frozen=True)
class EngineFigures:
    """One engine on the phrases: seconds to the first phrase and to the last, words misheard."""

    engine: str
    first_s: float
    total_s: float
    audio_s: float
    words: int
    errors: int

    @property
    def word_error_rate(self) -> float:
        return self.errors / self.words if self.words else 0.0


def installed_engines() -> list[str]:
    """The engines that can speak here, the default first."""
    from voice_coach.errors import SynthesisError
    from voice_coach.speech.engines import ENGINES, default_engine_name, get_engine

    found = []
    for name in sorted(ENGINES, key=lambda n: n != default_engine_name()):
        try:
            get_engine(name)
        except SynthesisError:
            continue
        found.append(name)
    return found


def measure(engine: str, texts: list[str], python: str) -> EngineFigures:
    """``engine`` speaking ``texts`` in a fresh process, then recognized: its figures."""
    with tempfile.TemporaryDirectory(prefix="voice-coach-engines-") as folder:
        request = json.dumps({"engine": engine, "texts": texts, "folder": folder})
        done = subprocess.run(
            [python, "-c", SPEAK], input=request, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"compare_engines: {engine} failed:\n{done.stderr[-2000:]}")
        timing = json.loads(done.stdout)
        words = errors = 0
        audio = 0.0
        for number, text in enumerate(texts):
            samples, rate = _read(Path(folder) / f"{number:04d}.wav")
            audio += len(samples) / rate
            heard = recognize(samples, rate)
            expected = normalized(text)
            words += len(expected)
            errors += edit_distance(expected, heard)
    return EngineFigures(engine, timing["first"], timing["total"], audio, words, errors)


def recognize(samples: object, rate: int, extra_words: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """The words pocketsphinx hears in mono int16 ``samples`` at ``rate``; ``extra_words`` (word, phones)
    join its dictionary first."""
    import numpy as np

    from voice_coach.audio import dsp

    audio = np.asarray(samples, dtype=np.float32) / 32768
    at_16k = dsp.resample(audio, rate, 16000) if rate != 16000 else audio
    pcm = np.clip(np.rint(at_16k * 32767), -32768, 32767).astype(np.int16).tobytes()
    decoder = _decoder(extra_words)
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return normalized(hypothesis.hypstr if hypothesis else "")


@functools.cache
def _decoder(extra_words: tuple[tuple[str, str], ...]) -> Any:
    """One pocketsphinx decoder per dictionary for the whole run (loading the model takes a second)."""
    from pocketsphinx import Decoder

    decoder = Decoder(loglevel="FATAL")
    for word, phones in extra_words:
        decoder.add_word(word, phones, True)
    return decoder


def normalized(text: str) -> list[str]:
    """Lower-case words without punctuation, numbers spelled out (as a recognizer writes them)."""
    words = []
    for word in re.findall(r"[a-z0-9']+", text.lower().replace("-", " ")):
        words += spelled(int(word)).split() if word.isdigit() else [word.strip("'")]
    return [w for w in words if w]


def spelled(number: int) -> str:
    """0-99 in words (cues say sets, seconds and counts); larger numbers digit by digit."""
    if number < 20:
        return SMALL[number]
    if number < 100:
        tens, units = divmod(number, 10)
        return TENS[tens - 2] + (f" {SMALL[units]}" if units else "")
    return " ".join(SMALL[int(digit)] for digit in str(number))


def edit_distance(expected: list[str], heard: list[str]) -> int:
    """Word substitutions, deletions and insertions that turn ``expected`` into ``heard``."""
    previous = list(range(len(heard) + 1))
    for i, word in enumerate(expected, 1):
        current = [i]
        for j, other in enumerate(heard, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other)))
        previous = current
    return previous[-1]


def _read(path: Path) -> tuple[object, int]:
    import numpy as np

    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"), rate


def main() -> int:
    import voice_coach

    target = sys.argv[1] if len(sys.argv) > 1 else "spi"
    texts = voice_coach.compile(target).phrases()
    print(f"{len(texts)} phrases of {target}; word error rate by pocketsphinx (en-us)")
    for engine in installed_engines():
        f = measure(engine, texts, sys.executable)
        print(
            f"{engine:8} first phrase {f.first_s:5.2f} s, all {f.total_s:6.2f} s, "
            f"{f.audio_s:6.1f} s of speech, WER {f.word_error_rate:6.1%} ({f.errors}/{f.words})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
