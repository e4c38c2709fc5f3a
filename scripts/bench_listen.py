"""Voice commands, measured: detection per SNR, wrong commands, false actions on the coach's own session
and on noise, latency and CPU, through the same path as the microphone (``RecordedSource`` and a fake
clock feeding ``CommandListener``).

The corpus: the five commands (and their synonyms) said by every installed voice (hibari, Piper, espeak-ng
in US and British English) at three rates, each placed in 4 s of room noise (pink noise, the hum of a fan)
at 20, 10 and 5 dB SNR. Then the coach's own spi session (30 minutes, the default voice) "played into the
microphone" with room noise 20 dB under it and no command said: every action taken there is a false one.
The listener is told when the coach sounds, as the player tells it; the same audio is also decoded without
that gate, to show what the gate saves. CPU is the listener's processor time over that session's length.
Run: ``.venv/bin/python scripts/bench_listen.py`` (``--quick``: one voice, 2 minutes of noise, no session).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import voice_coach.api as vc
from voice_coach.audio.dsp import resample
from voice_coach.live.listen import COMMANDS, CoachVoice, CommandListener, CommandRecognizer
from voice_coach.live.microphone import LISTEN_RATE, RecordedSource
from voice_coach.live.steps import build_step_map
from voice_coach.speech.engines import EngineSettings, parse_rate
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases

VOICES = [("hibari", None), ("piper", None), ("pyttsx3", "en-us"), ("pyttsx3", "gmw/en")]
RATES = ("0.8x", "1x", "1.25x")
SNRS = (20, 10, 5)


class Clock:
    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds


def room_noise(seconds: float, seed: int) -> np.ndarray:
    """Pink noise plus a 120 Hz fan hum, at unit RMS."""
    rng = np.random.default_rng(seed)
    n = int(seconds * LISTEN_RATE)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    pink = np.fft.irfft(spectrum, n)
    hum = np.sin(2 * np.pi * 120 * np.arange(n) / LISTEN_RATE)
    noise = pink / pink.std() + 0.3 * hum
    return noise / noise.std()


def at_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    return resample(samples, rate, LISTEN_RATE).astype(np.float64)


def listen(
    audio: np.ndarray, recognizer: CommandRecognizer, coach: CoachVoice | None = None
) -> list[tuple[str, float]]:
    """Every command the listener acts on in ``audio``, with the clock time it acted."""
    clock = Clock()
    pcm = np.clip(audio, -32768, 32767).astype(np.int16)
    listener = CommandListener(RecordedSource(pcm, clock), recognizer)
    coach = coach or CoachVoice((), LISTEN_RATE)
    heard = []
    while clock.time < len(pcm) / LISTEN_RATE + 1.0:
        clock.sleep(0.05)
        while (command := listener.poll(coach)) is not None:
            heard.append((command, clock.time))
    return heard


def corpus(quick: bool) -> list[tuple[str, str, np.ndarray]]:
    """(voice label, command, 16 kHz samples) for every voice, rate and word."""
    words = [f"{w.capitalize()}." for w in COMMANDS]
    folder = tempfile.TemporaryDirectory()  # removed when the corpus is built: nothing left behind
    cache = PhraseCache(Path(folder.name))
    items = []
    for engine, voice in VOICES[:1] if quick else VOICES:
        for rate in RATES:
            try:
                clips = synthesize_phrases(
                    words, EngineSettings(engine, voice, parse_rate(rate)), cache
                ).clips
            except Exception as error:  # an engine not installed: say so, measure the others
                print(f"skipped {engine} {voice or ''} {rate}: {error}", file=sys.stderr)
                continue
            for word, clip in clips.items():
                items.append(
                    (
                        f"{engine} {voice or ''} {rate}",
                        COMMANDS[word.lower().strip(".")],
                        at_16k(clip.samples, clip.rate),
                    )
                )
    folder.cleanup()
    return items


def detection(items: list[tuple[str, str, np.ndarray]], recognizer: CommandRecognizer) -> None:
    for snr in SNRS:
        right = wrong = 0
        latencies = []
        for n, (_, command, speech) in enumerate(items):
            noise = room_noise(4.0, n) * np.sqrt(np.mean(speech**2)) / 10 ** (snr / 20)
            start = int(1.0 * LISTEN_RATE)
            mix = noise.copy()
            mix[start : start + len(speech)] += speech
            heard = listen(mix, recognizer)
            if [c for c, _ in heard] == [command]:
                right += 1
                said = np.flatnonzero(np.abs(speech) > 0.01 * np.abs(speech).max())[-1]  # the word's end
                latencies.append(heard[0][1] - (start + said) / LISTEN_RATE)
            elif heard:
                wrong += 1
        lat = f"latency median {np.median(latencies):.2f} s, max {max(latencies):.2f} s" if latencies else ""
        print(
            f"{snr:>2} dB SNR: detected {right}/{len(items)} ({100 * right / len(items):.1f} %), "
            f"wrong command {wrong} ({100 * wrong / len(items):.1f} %); {lat}"
        )


def noise_only(recognizer: CommandRecognizer, minutes: float) -> None:
    audio = room_noise(minutes * 60, 99) * 300
    started = time.process_time()
    heard = listen(audio, recognizer)
    cpu = time.process_time() - started
    share = 100 * cpu / (minutes * 60)
    print(f"noise alone, {minutes:g} min: {len(heard)} false actions; CPU {share:.1f} % of one core")


def coach_session(recognizer: CommandRecognizer) -> None:
    """False actions while the coach's own spi session plays into the microphone, with and without the
    gate, and the listener's CPU share."""
    synthesized = vc.synthesize(vc.compile(vc.load("spi")))
    clip = vc.mixed(synthesized, None, -16.0).clip()
    sounds = build_step_map(synthesized.schedule, len(clip.samples)).sounds
    speech = at_16k(clip.samples, clip.rate)
    minutes = len(speech) / LISTEN_RATE / 60
    spoken = speech[np.abs(speech) > 100]
    noise = room_noise(len(speech) / LISTEN_RATE, 7) * np.sqrt(np.mean(spoken**2)) / 10 ** (20 / 20)
    coach = CoachVoice(sounds, clip.rate)
    coach.playing(0, len(clip.samples), 0.0)
    started = time.process_time()
    gated = listen(speech + noise, recognizer, coach)
    share = 100 * (time.process_time() - started) / (minutes * 60)
    ungated = listen(speech + noise, recognizer)
    print(
        f"coach's own spi session, {minutes:.1f} min, room noise 20 dB under the voice: "
        f"{len(gated)} false actions ({60 * len(gated) / minutes:.1f} an hour); without the gate "
        f"{len(ungated)} ({', '.join(sorted({c for c, _ in ungated})) or 'none'}); "
        f"CPU while listening {share:.1f} % of one core"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    recognizer = CommandRecognizer()
    items = corpus(args.quick)
    print(f"{len(items)} spoken commands")
    detection(items, recognizer)
    noise_only(recognizer, 2 if args.quick else 10)
    if not args.quick:
        coach_session(recognizer)
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
