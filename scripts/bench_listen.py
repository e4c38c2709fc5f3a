"""Voice commands, measured in rooms: acted on, wrong command and latency for words and phrases in a quiet
room, with TV speech or music 10 dB under, in reverberation, from a far talker and with a music bed; and
false actions per hour on 30 minutes of TV-like speech and of music with no command said.

The corpus (``listen_corpus.py``) is built from espeak-ng and hibari voices; the figures that count are on
voices and TV lines the recognizer was not tuned on (``HELD_OUT``, ``TV_LINES``: ``tune_listen.py`` tunes
on others). Everything goes through the microphone's path: ``RecordedSource`` and a fake clock feeding
``CommandListener``. Five recognizers are compared: the phrase grammar alone (how voice commands worked
before rejection), the first, hand-set filler check, ``--every-word`` (the filler decode must agree,
surely enough), ``--no-wake-word`` (only "pause" and "stop") and the default, wake-word mode ("coach,
next"). In the rooms' tables ``--no-wake-word``'s "acted on" counts every command said, "next" too. Latency is
from the end of the last word to the action.
``--only bed``: the session's own ``--music`` bed through a simulated room, 20, 10 and 0 dB under the
command, with no handling, gating (nothing heard while the bed sent is loud) and SpeexDSP's echo canceller
(the exact samples sent as its reference), and 10 minutes of the bed alone.
Run: ``nice .venv/bin/python scripts/bench_listen.py`` (``--quick``: 10 minutes of each background,
held-out voices only; spoken audio is cached under /tmp, so a second run synthesizes nothing).
"""

from __future__ import annotations

import argparse
import itertools
import resource
import time
from collections.abc import Callable

import numpy as np
from listen_corpus import (
    HELD_OUT,
    PHRASINGS,
    TUNED,
    WORDS,
    music,
    reverberant,
    room_noise,
    session_bed,
    spoken,
    tv_speech,
)

from voice_coach.live.echo import load_canceller
from voice_coach.live.listen import (
    MAX_COMMAND,
    MIN_COMMAND,
    STOP_AGAIN,
    CoachVoice,
    CommandListener,
    CommandRecognizer,
)
from voice_coach.live.microphone import LISTEN_RATE, RecordedSource
from voice_coach.live.recognizer import EVERY_WORD, WORD_SHARE, Rule
from voice_coach.live.utterances import Utterances

RATE = LISTEN_RATE
Warm = tuple[np.ndarray, np.ndarray]

Item = tuple[str, str, str, np.ndarray]
"""(voice, text, command, 16 kHz samples)."""
SPEECH_RMS = 3000.0
"""A command said near the microphone: about -21 dBFS RMS."""


class Clock:
    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds


def listen(
    audio: np.ndarray,
    recognizer: CommandRecognizer,
    played: np.ndarray | None = None,
    handling: str = "",
    warm: Warm | None = None,
) -> list[tuple[str, float]]:
    """Every command the listener reports in ``audio``, with the clock time it did. ``played``: what the
    player sent from clock time 0 (int16), with ``handling`` "gating" (no command while it is louder than
    ``GATE_DBFS``) or "echo canceller" (it is the canceller's reference, and the canceller has first
    heard ``warm``: what the microphone heard and the player sent before, as in a session under way)."""
    clock = Clock()
    pcm = np.clip(audio, -32768, 32767).astype(np.int16)
    canceller = load_canceller(LISTEN_RATE) if handling == "echo canceller" else None
    if canceller is not None and warm is not None:
        canceller.cancel(*warm)
    listener = CommandListener(RecordedSource(pcm, clock), recognizer, canceller)
    coach = CoachVoice(loud_spans(played) if handling == "gating" and played is not None else (), RATE)
    if played is not None:
        coach.sent(played, RATE, 0.0)
        coach.playing(0, len(played), 0.0)
    heard = []
    while clock.time < len(pcm) / LISTEN_RATE + 1.0:
        clock.sleep(0.05)
        while (command := listener.poll(coach)) is not None:
            heard.append(("stop" if command == "stop?" else command, clock.time))
    listener.close()
    return heard


GATE_DBFS = -45.0
"""Gating drops what is heard while the bed the player sends is louder than this (its level between
phrases is about -33 dBFS, ducked under them about -45)."""


def loud_spans(played: np.ndarray) -> tuple[tuple[int, int], ...]:
    """The 100 ms stretches of ``played`` louder than ``GATE_DBFS``, as sample spans."""
    step = RATE // 10
    frames = [(i, i + step) for i in range(0, len(played), step)]
    floor = 32768 * 10 ** (GATE_DBFS / 20)
    return tuple((a, b) for a, b in frames if np.sqrt(np.mean(played[a:b].astype(float) ** 2)) > floor)


def through_room(played: np.ndarray, seed: int) -> np.ndarray:
    """``played`` as a microphone 1-2 m from the speaker hears it: 12 ms late, the direct sound and a
    150 ms tail of early reflections (decaying 60 dB in 0.3 s), at unit RMS."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.15 * RATE)) / RATE
    response = rng.standard_normal(len(t)) * 0.3 * 10 ** (-3 * t / 0.3)
    response[0] = 1.0
    heard = np.convolve(played.astype(float), np.concatenate([np.zeros(int(0.012 * RATE)), response]))
    heard = heard[: len(played)]
    return heard / np.sqrt(np.mean(heard**2))


BED_LEAD, BED_BEFORE = 6.0, 20.0
"""Seconds of the hold's bed before the command (a command comes some time into a hold), and of the
session's sound before that, which the canceller (running since the session started) has already heard."""


def bed_room(speech: np.ndarray, seed: int, under_db: float) -> tuple[np.ndarray, np.ndarray, Warm]:
    """``speech`` ``BED_LEAD`` s into the session's bed ``under_db`` under it, through the room, the bed
    the player sent (the reference), and the ``BED_BEFORE`` seconds before them, heard and sent."""
    played = session_bed(60.0, 11)
    n = int(BED_LEAD * RATE) + len(speech) + 2 * RATE
    before = int(BED_BEFORE * RATE)
    first = int(np.random.default_rng(seed).integers(0, len(played) - n - before))
    sent = played[first : first + before + n]
    mix = through_room(sent, seed) * SPEECH_RMS / 10 ** (under_db / 20)
    mix += room_noise(len(sent) / RATE, seed) * SPEECH_RMS / 100
    at = before + int(BED_LEAD * RATE)
    mix[at : at + len(speech)] += speech * SPEECH_RMS / np.sqrt(np.mean(speech**2))
    heard = np.clip(mix, -32768, 32767).astype(np.int16)
    return mix[before:], sent[before:], (heard[:before], sent[:before])


BED_LEVELS = (20.0, 10.0, 0.0)
"""Decibels the bed is under the command at the microphone; 0: as loud (a laptop's speakers)."""
HANDLINGS = ("none", "gating", "echo canceller")


def bed_commands(corpus: list[Item], under_db: float, handling: str, recognizer: CommandRecognizer) -> str:
    """A row of the bed's table: acted on, wrong, missed, latency."""
    right = wrong = 0
    latencies = []
    for seed, (_, _, command, speech) in enumerate(corpus):
        mix, sent, warm = bed_room(speech, seed, under_db)
        heard = listen(mix, recognizer, sent, handling, warm)
        if heard and heard[0][0] == command:
            right += 1
            latencies.append(heard[0][1] - (BED_LEAD + len(speech) / RATE))
        elif heard:
            wrong += 1
    lat = f"{np.median(latencies):.2f} / {max(latencies):.2f} s" if latencies else "-"
    total = len(corpus)
    missed = total - right - wrong
    return (
        f"| bed {under_db:g} dB under | {handling} | {100 * right / total:.0f} % "
        f"| {100 * wrong / total:.1f} % | {100 * missed / total:.0f} % | {lat} |"
    )


def bed_false_actions(minutes: int, under_db: float, handling: str, recognizer: CommandRecognizer) -> str:
    """A row of false actions an hour with the bed alone, at the level it has ``under_db`` under a command."""
    sent = np.concatenate([session_bed(60.0, 11 + k) for k in range(minutes)])
    mix = through_room(sent, 3) * SPEECH_RMS / 10 ** (under_db / 20)
    mix += room_noise(len(sent) / RATE, 4) * SPEECH_RMS / 100
    heard = listen(mix, recognizer, sent, handling)
    stops = sum(1 for c, _ in heard if c == "stop")
    return f"| bed alone, {under_db:g} dB | {handling} | {len(heard) * 60 / minutes:.1f} | {stops} |"


def print_bed(minutes: int, recognizers: dict[str, CommandRecognizer]) -> None:
    """The session's bed: no handling, gating and the echo canceller, with a command and alone."""
    if load_canceller(RATE) is None:
        print("\nSpeexDSP (libspeexdsp1) is not installed: the echo canceller is not measured")
    for key, recognizer in recognizers.items():
        for kind, texts in (("words alone", WORDS), ("phrases", PHRASINGS)):
            corpus = items(HELD_OUT, texts, key.startswith("default"))
            print(f"\n{kind.capitalize()} over the session's bed, held-out voices, {key}: {len(corpus)}")
            print("| room | handling | acted on | wrong | missed | latency median / max |")
            print("|---|---|---|---|---|---|")
            for under in BED_LEVELS:
                for handling in HANDLINGS:
                    print(bed_commands(corpus, under, handling, recognizer), flush=True)
        print(f"\nThe session's bed alone ({minutes} min, through the room), {key}:")
        print("| background | handling | actions an hour | stop heard |\n|---|---|---|---|")
        for under in BED_LEVELS:
            for handling in HANDLINGS:
                print(bed_false_actions(minutes, under, handling, recognizer), flush=True)


def items(voices: list[str], texts: dict[str, str], wake: bool = False) -> list[Item]:
    prefix = "Coach, " if wake else ""
    return [
        (voice, text, command, spoken(prefix + text, voice))
        for voice in voices
        for text, command in texts.items()
    ]


Room = Callable[[np.ndarray, int], np.ndarray]


def placed(speech: np.ndarray, background: np.ndarray, under_db: float) -> np.ndarray:
    """``speech`` at ``SPEECH_RMS`` 1.5 s into ``background`` set ``under_db`` under it."""
    mix = background * SPEECH_RMS / 10 ** (under_db / 20)
    start = int(1.5 * LISTEN_RATE)
    mix[start : start + len(speech)] += speech * SPEECH_RMS / np.sqrt(np.mean(speech**2))
    return mix


def rooms(tv: np.ndarray, tune: np.ndarray) -> dict[str, Room]:
    def window(source: np.ndarray, seed: int, n: int) -> np.ndarray:
        first = np.random.default_rng(seed).integers(len(source) - n)
        return source[first : first + n].copy()

    def far(speech: np.ndarray, seed: int) -> np.ndarray:
        quiet = speech * 32767 * 10 ** (-25 / 20) / np.abs(speech).max()
        mix = room_noise(n(speech) / LISTEN_RATE, seed) * SPEECH_RMS / 100
        start = int(1.5 * LISTEN_RATE)
        mix[start : start + len(speech)] += quiet
        return mix

    def noise(samples: int, seed: int) -> np.ndarray:
        return room_noise(samples / LISTEN_RATE, seed)

    def n(speech: np.ndarray) -> int:
        return len(speech) + 3 * LISTEN_RATE  # reverberation adds up to a second more: the noise is longer

    return {
        "quiet room": lambda s, k: placed(s, room_noise(n(s) / LISTEN_RATE, k), 40),
        "TV speech 10 dB under": lambda s, k: placed(s, window(tv, k, n(s)), 10),
        "music 10 dB under": lambda s, k: placed(s, window(tune, k, n(s)), 10),
        "reverberant room (RT60 0.6 s)": lambda s, k: placed(reverberant(s), noise(n(s) + RATE, k), 40),
        "far talker (peak -25 dBFS)": far,
        "music bed 20 dB under": lambda s, k: placed(s, window(tune, k + 7, n(s)), 20),
    }  # fmt: skip


def commands(label: str, corpus: list[Item], room: Room, recognizer: CommandRecognizer) -> str:
    right = wrong = 0
    latencies = []
    for seed, (_, _, command, speech) in enumerate(corpus):
        heard = listen(room(speech, seed), recognizer)
        if heard and heard[0][0] == command:
            right += 1
            latencies.append(heard[0][1] - (1.5 + len(speech) / LISTEN_RATE))
        elif heard:
            wrong += 1
    lat = f"{np.median(latencies):.2f} / {max(latencies):.2f} s" if latencies else "-"
    total = len(corpus)
    return f"| {label} | {100 * right / total:.0f} % | {100 * wrong / total:.1f} % | {lat} |"


def short_utterances(audio: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """The utterances the listener would decode in ``audio`` (the command's length), with their ends."""
    pcm = np.clip(audio, -32768, 32767).astype(np.int16)
    step = LISTEN_RATE // 20
    found = []
    detector = Utterances()
    for first in range(0, len(pcm), step):
        cut = detector.feed(pcm[first : first + step])
        found += [(a, e) for a, s, e in cut if MIN_COMMAND <= e - s <= MAX_COMMAND]
    return found


def false_actions(label: str, audio: np.ndarray, recognizers: dict[str, CommandRecognizer]) -> list[str]:
    """Rows of the false-actions table: actions an hour, "stop"s heard, and sessions a TV would have ended
    (a second "stop" within ``STOP_AGAIN``: the first only pauses)."""
    hours = len(audio) / LISTEN_RATE / 3600
    cut = short_utterances(audio)
    rows = []
    for name, recognizer in recognizers.items():
        started = time.process_time()
        heard = [(c, end) for c, end in ((recognizer.command(u), end) for u, end in cut) if c is not None]
        cpu = time.process_time() - started
        stops = [end for c, end in heard if c == "stop"]
        ended = sum(1 for a, b in itertools.pairwise(stops) if b - a <= STOP_AGAIN)
        per = f"{cpu / max(len(cut), 1) * 1000:.0f} ms"
        rows.append(
            f"| {label} | {name} | {len(heard) / hours:.1f} | {len(stops)} | {ended} | {len(cut)} | {per} |"
        )
    return rows


def print_false_actions(
    minutes: int, tv: np.ndarray, tune: np.ndarray, recognizers: dict[str, CommandRecognizer]
) -> None:
    print(
        f"False actions with no command said ({minutes} min of each background, levels as a TV in the room):"
    )
    print("| background | recognizer | actions an hour | stop heard | ended by two | utterances | CPU each |")
    print("|---|---|---|---|---|---|---|")
    for label, audio in (("TV speech", tv), ("music", tune)):
        for row in false_actions(label, audio * 1000 + room_noise(minutes * 60, 3) * 30, recognizers):
            print(row, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--only",
        choices=["false", "rooms", "bed"],
        help="only the false actions, the rooms, or the session's bed (none, gating, echo canceller)",
    )
    args = parser.parse_args()
    minutes = 10 if args.quick else 30
    recognizers = {
        "phrase grammar alone": CommandRecognizer(verify=False),
        "hand-set filler check": CommandRecognizer(
            shares={w: s / 1.6 for w, s in WORD_SHARE.items()}, rule=Rule()
        ),
        "--every-word (tuned thresholds)": CommandRecognizer(rule=EVERY_WORD),
        "--no-wake-word (pause and stop)": CommandRecognizer(),
        "default (wake word)": CommandRecognizer(wake_word=True),
    }
    if args.only == "bed":
        bed = ("default (wake word)", "--every-word (tuned thresholds)")
        print_bed(10, {key: recognizers[key] for key in bed})
        return
    tv, tune = tv_speech(minutes * 60, 1), music(minutes * 60, 2)
    if args.only != "rooms":
        print_false_actions(minutes, tv, tune, recognizers)
    if args.only == "false":
        return
    sets = [("held-out voices", HELD_OUT)] + ([] if args.quick else [("tuned voices", TUNED)])
    for name, voices in sets:
        modes = (
            ("--no-wake-word", "--no-wake-word (pause and stop)", False),
            ("--every-word", "--every-word (tuned thresholds)", False),
            ("default (wake word)", "default (wake word)", True),
        )
        for mode, key, wake in modes:
            recognizer = recognizers[key]
            for kind, texts in (("words alone", WORDS), ("phrases", PHRASINGS)):
                corpus = items(voices, texts, wake)
                print(f"\n{kind.capitalize()}, {name} ({len(voices)}), {mode}: {len(corpus)} commands a room")
                print("| room | acted on | wrong command | latency median / max |\n|---|---|---|---|")
                for label, room in rooms(tv, tune).items():
                    print(commands(label, corpus, room, recognizer), flush=True)
    print(f"\npeak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
