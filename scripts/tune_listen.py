"""Tune the voice commands' thresholds (``recognizer.WORD_SHARE`` times a scale, ``Rule``) on the tuning set
only: the ``TUNED`` voices saying every word and phrasing in a quiet room, with TV speech and with music
10 dB under, and a rejection set of ``MINUTES`` of TV-like talk (``TUNING_TV_LINES``, never in the report's
TV speech) and of music (another seed). ``bench_listen.py`` then reports on the held-out voices and lines.

For each scale of the command words' shares (1: ``WORD_SHARE``; in wake-word mode each share of "coach"
instead) and each number of extra words allowed, each command's threshold (its posterior in the filler
decode) is the lowest that no utterance of the rejection set, and no other command's item, reaches as that
command; the table shows what each choice keeps. Scales 0.625-1.5, one extra word and "coach" shares up to
0.1 were tried on 10 minutes: 1 and none kept the most; a "coach" share of 0.05 looked free there and gave
24 false actions an hour on the held-out TV speech, so it is not used.
Run: ``nice .venv/bin/python scripts/tune_listen.py [--wake-word]``.
"""

from __future__ import annotations

import argparse

import numpy as np
from bench_listen import items, placed, short_utterances
from listen_corpus import PHRASINGS, TUNED, WORDS, music, room_noise, tv_speech

from voice_coach.live.microphone import LISTEN_RATE
from voice_coach.live.recognizer import PHRASES, WAKE_WORD, WORD_SHARE, CommandRecognizer, Heard, Rule, decide

SCALES = (1.0,)
MINUTES = 30
"""Minutes of TV-like talk and of music in the rejection set: 10 found every threshold free for "next"
and "back" at 0.6 and 0.8 (``recognizer.EVERY_WORD``); 30 found none for them."""
WAKE_SHARES = (0.0,)
"""The wake word's share of the filler model tried in wake-word mode (0: an everyday word's)."""
EXTRA_WORDS = (0,)
GRID = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.01)
"""Posterior thresholds tried (above 1: the command is never acted on)."""
OPEN = Rule(dict.fromkeys(PHRASES, 0.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wake-word", action="store_true")
    wake = parser.parse_args().wake_word
    tv, tune = tv_speech(MINUTES * 60, 11, tuning=True), music(MINUTES * 60, 12)
    recognizers = {
        scale: CommandRecognizer(wake, shares={w: s * scale for w, s in WORD_SHARE.items()})
        for scale in SCALES
    }
    if wake:
        recognizers = {
            coach: CommandRecognizer(wake, shares={**WORD_SHARE, **({WAKE_WORD: coach} if coach else {})})
            for coach in WAKE_SHARES
        }
    rooms = {
        "quiet": lambda s, k: placed(s, room_noise(len(s) / LISTEN_RATE + 3, k), 40),
        "TV": lambda s, k: placed(s, tv[k * 4000 : k * 4000 + len(s) + 3 * LISTEN_RATE].copy(), 10),
        "music": lambda s, k: placed(s, tune[k * 4000 : k * 4000 + len(s) + 3 * LISTEN_RATE].copy(), 10),
    }
    corpus = items(TUNED, {**WORDS, **PHRASINGS}, wake)
    said = [
        (command, [u for u, _ in short_utterances(room(speech, seed))])
        for name, room in rooms.items()
        for seed, (_, _, command, speech) in enumerate(corpus)
    ]
    background = tv * 1000 + room_noise(MINUTES * 60, 3) * 30, tune * 1000 + room_noise(MINUTES * 60, 4) * 30
    rejection = [u for audio in background for u, _ in short_utterances(audio)]
    print(f"{len(said)} commands, {len(rejection)} rejection utterances; wake word: {wake}")
    for scale, recognizer in recognizers.items():
        heard_said = [(c, [recognizer.hear(u) for u in us]) for c, us in said]
        heard_rejected = [recognizer.hear(u) for u in rejection]
        for extra in EXTRA_WORDS:
            report(scale, extra, wake, heard_said, heard_rejected)
        if wake:  # "coach" alone as the rejection: the filler decode need only hear it, or nothing
            for name, rule in (
                ("filler decode hears coach", Rule(agree=False)),
                ("phrase decode alone", None),
            ):
                right = sum(first(hs, wake, rule) == c for c, hs in heard_said)
                wrong = sum(first(hs, wake, rule) not in (c, None) for c, hs in heard_said)
                false = sum(decide(h, wake, rule) is not None for h in heard_rejected)
                acted = f"{100 * right / len(said):.0f} % acted on"
                print(f"coach share {scale} {name}: {acted}, {wrong} wrong, {false} false", flush=True)


def first(heards: list[Heard], wake: bool, rule: Rule | None) -> str | None:
    return next((c for h in heards if (c := decide(h, wake, rule)) is not None), None)


def report(
    scale: float, extra: int, wake: bool, said: list[tuple[str, list[Heard]]], rejected: list[Heard]
) -> None:
    """The lowest threshold per command that no rejection utterance passes, and what it keeps."""
    thresholds = {}
    for command in PHRASES:
        for t in GRID:
            rule = Rule({**dict.fromkeys(PHRASES, 2.0), command: t}, extra)
            false = sum(decide(h, wake, rule) == command for h in rejected)
            wrong = sum(first(hs, wake, rule) == command for c, hs in said if c != command)
            if false == 0 and wrong == 0:
                thresholds[command] = t
                break
    rule = Rule(thresholds, extra)
    open_rule = Rule(OPEN.min_posterior, extra)
    right = sum(first(hs, wake, rule) == c for c, hs in said)
    open_right = sum(first(hs, wake, open_rule) == c for c, hs in said)
    open_false = sum(decide(h, wake, open_rule) is not None for h in rejected)
    shown = " ".join(f"{c} {t:.3g}" for c, t in thresholds.items())
    print(
        f"scale {scale} extra {extra}: no threshold: {100 * open_right / len(said):.0f} % acted on, "
        f"{open_false} false; tuned ({shown}): {100 * right / len(said):.0f} % acted on, 0 false",
        flush=True,
    )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
