"""Measure how long each engine takes to say a corpus of phrases, and fit the estimate's models.

    .venv/bin/python scripts/fit_estimate.py                  # hibari, pyttsx3, and piper if installed
    .venv/bin/python scripts/fit_estimate.py --engines hibari

The corpus is every phrase of the built-in routines (with several option sets, so countdowns, set
announcements and sides all occur), every sentence of the source article alone and in pairs, and a few
framing cues: several hundred phrases, so the fit follows the engines rather than today's wording.

For each engine it (1) measures the corpus at 0.75x to 1.5x, (2) measures the total of 40 of its phrases
every ``--step`` words a minute across the engine's range, and at every one where the pace falls from one
point to the next (hibari's follows the speed in a sawtooth: asked for 1.33x it is 10 % slower than
1/speed, for 1.34x 9 % faster), then (3) fits ``LengthModel``: the milliseconds per feature by non-negative
least squares, each phrase weighted by 1/sqrt(its length) (between the absolute errors totals need and the
relative ones of short cues), and the pace table from (2), keeping only the points linear interpolation
needs. A first run takes about 15 minutes on 2 cores.

It prints the ``MODELS`` entries for ``voice_coach/compiler/estimate.py`` (paste them there) and the
accuracy: per phrase, and per built-in total, estimated against exact, at each measured speed. Phrases go
through a phrase cache of their own (``--cache``, default ``build/fit-cache``), so a second run measures
nothing again.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.optimize import nnls

import voice_coach as vc
from voice_coach.compiler import estimate as model
from voice_coach.compiler.schedule import schedule
from voice_coach.speech.engines import ENGINES, EngineSettings, Rate
from voice_coach.speech.engines.base import MAX_WPM, MIN_WPM
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT.parent / "shared" / "content" / "serratus-posterior-inferior-article.txt"
VARIANTS = [{}, {"countdown": "verbose", "sets": 1}, {"hold": "2m", "countdown": "verbose"}]
VARIANTS += [{"sets": 5, "hold": "45s", "sides": "left"}]
CUES = [
    "Set 1 of 3.",
    "Set 2 of 5.",
    "Last set.",
    "Rest.",
    "Get ready.",
    "Halfway.",
    "Ten seconds left.",
    "Twenty seconds left.",
    "One minute left.",
    "Three, two, one.",
    "Switch sides.",
    "Now the left side.",
    "Hold for 30 seconds.",
    "Hold for 2 minutes 30 seconds.",
    "Do 4 sets of 45 seconds.",
    "You will need a yoga mat, a pillow, and a foam roller or a ball.",
    "Relax.",
    "Breathe slowly.",
    "Next up: Kneeling twist stretch. You will need a yoga mat.",
    "Well done. That is the end of the session.",
    "Kneel on your mat.",
    "Reach your left arm over your head, and hold.",
    "Come back to the start, and relax.",
    "Stretch gently, as tolerated. Stop if it hurts.",
    "Start with the right side.",
]
SPEEDS = (0.75, 1.0, 1.25, 1.5)
JUMP = 0.02
"""Where the pace falls by more than this from one scan point to the next (hibari's sawtooth), it is
scanned at every word a minute between them."""
TOLERANCE = 0.004
"""How far the pace table may be from a scanned point."""

Lengths = dict[str, float]
"""Milliseconds by phrase."""


def corpus() -> tuple[list[str], list[str]]:
    """The built-ins' phrases, and the other phrases (article sentences, then ``CUES``)."""
    builtins: dict[str, None] = {}
    for routine_id in vc.builtin_ids():
        for options in VARIANTS:
            builtins.update(dict.fromkeys(vc.compile(routine_id, **options).phrases()))  # type: ignore[arg-type]
    other: dict[str, None] = {}
    for line in ARTICLE.read_text("utf-8").splitlines() if ARTICLE.is_file() else []:
        line = re.sub(r"^\s*(\d+\)|-)\s*", "", line).strip()
        sentences = re.split(r"(?<=[.!?])\s+", line)
        pairs = [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences) - 1, 2)]
        other.update(dict.fromkeys(t for t in sentences + pairs if 3 <= len(t) <= 300))
    other.update(dict.fromkeys(CUES))
    return list(builtins), list(other)


Measure = Callable[[list[str], Rate], Lengths]


def measurer(engine: str, cache: PhraseCache) -> Measure:
    """``measure(texts, rate)``: each text's length in ms as ``engine`` says it at ``rate``."""

    def measure(texts: list[str], rate: Rate) -> Lengths:
        result = synthesize_phrases(texts, EngineSettings(engine, None, rate), cache)
        return {text: len(result[text].samples) * 1000 / result.sample_rate for text in texts}

    return measure


def speed_range(engine: str) -> range:
    """Every words-a-minute value ``engine`` speaks (hibari: 0.5x to 2x; the others 80 to 450)."""
    natural = ENGINES[engine].NATURAL_WPM
    if engine == "hibari":
        return range(int(np.ceil(natural * 0.5)), int(natural * 2) + 1)
    return range(MIN_WPM, MAX_WPM + 1)


def scan(engine: str, texts: list[str], measure: Measure, step: int) -> dict[int, float]:
    """Total length in ms of ``texts`` at every ``step`` words a minute, and at every one where it jumps."""
    wpms = speed_range(engine)
    natural = ENGINES[engine].NATURAL_WPM

    def total(wpm: int) -> float:
        return sum(measure(texts, Rate(wpm=wpm)).values())

    totals = {wpm: total(wpm) for wpm in [*wpms[::step], wpms[-1], natural]}

    def pace(wpm: int) -> float:
        return totals[wpm] * wpm / (totals[natural] * natural)

    scanned = sorted(totals)
    for low, high in itertools.pairwise(scanned):
        if pace(high) < pace(low) - JUMP:  # a tooth of a sawtooth: where exactly?
            totals.update({wpm: total(wpm) for wpm in range(low + 1, high)})
    return totals


def fit(measured: dict[float, Lengths]) -> np.ndarray:
    """Milliseconds per feature at the natural pace. The pace at each measured speed is fitted with them
    (alternating least squares: a factor per speed, then the coefficients), then left to the scan."""
    rows = {s: np.array([model.features(t) for t in lengths], float) for s, lengths in measured.items()}
    targets = {s: np.array(list(lengths.values())) for s, lengths in measured.items()}
    stretch = {s: 1 / s for s in measured}
    for _ in range(20):
        x = np.vstack([rows[s] * stretch[s] for s in measured])
        y = np.concatenate([targets[s] for s in measured])
        weights = 1 / np.sqrt(y)
        coefficients, _ = nnls(x * weights[:, None], y * weights)
        for s in measured:
            p, w = rows[s] @ coefficients, 1 / targets[s]
            stretch[s] = float((w * p * targets[s]).sum() / (w * p * p).sum())
    return np.asarray(coefficients * stretch[1.0])


def pace_table(
    engine: str, texts: list[str], totals: dict[int, float], ms_per: np.ndarray
) -> tuple[tuple[float, float], ...]:
    """The scan as (speed, factor) points, each factor what makes the model's total of ``texts`` right,
    keeping only the points that linear interpolation needs."""
    natural = ENGINES[engine].NATURAL_WPM
    modelled = (np.array([model.features(t) for t in texts], float) @ ms_per).sum()
    one = totals[natural] / modelled
    points = sorted((wpm / natural, t / modelled * wpm / natural / one) for wpm, t in totals.items())
    keep, start = [points[0]], 0
    while start < len(points) - 1:
        end = start + 1
        while end + 1 < len(points) and _fits(points, start, end + 1):
            end += 1
        keep.append(points[end])
        start = end
    return tuple((round(float(s), 4), round(float(f), 4)) for s, f in keep)


def _fits(points: list[tuple[float, float]], start: int, end: int) -> bool:
    """Whether the line from ``points[start]`` to ``points[end]`` passes within TOLERANCE of those between."""
    (s0, f0), (s1, f1) = points[start], points[end]
    between = points[start + 1 : end]
    return all(abs(f0 + (f1 - f0) * (s - s0) / (s1 - s0) - f) <= TOLERANCE for s, f in between)


def _rounded(values: np.ndarray) -> model.Features:
    """Milliseconds to 0.1, as plain floats (the table is pasted as code)."""
    first, second, third, fourth, fifth = (round(float(v), 1) for v in values)
    return first, second, third, fourth, fifth


def report(engine: str, speed: float, lengths: Lengths) -> str:
    """Per-phrase error, and each built-in's estimated total against its exact one (percent)."""
    errors = np.abs([model.estimate_ms(t, engine, speed) / ms - 1 for t, ms in lengths.items()])
    totals = []
    for routine_id in vc.builtin_ids():
        timeline = vc.compile(routine_id)
        exact = schedule(timeline, lambda t: round(lengths[t]), 1000).total
        guess = schedule(timeline, lambda t: model.estimate_ms(t, engine, speed), 1000).total
        totals.append(f"{routine_id} {100 * (guess / exact - 1):+.2f}")
    median, p90 = np.percentile(errors, [50, 90])
    said = f"{engine} {speed:.3g}x: |error| per phrase: median {median:.1%}, 90% {p90:.1%}"
    return f"{said}; totals %: {', '.join(totals)}"


def main() -> None:
    engines = ["hibari", "pyttsx3"] + (["piper"] if importlib.util.find_spec("piper") else [])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(engines))
    parser.add_argument("--step", type=int, help="words a minute between scan points (hibari 4, others 30)")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "fit-cache")
    args = parser.parse_args()
    builtins, other = corpus()
    texts = list(dict.fromkeys(builtins + other))
    print(f"{len(texts)} phrases")
    for engine in args.engines.split(","):
        measure = measurer(engine, PhraseCache(args.cache))
        natural = ENGINES[engine].NATURAL_WPM
        rates = [Rate(factor=s) for s in SPEEDS]
        measured = {r.words_per_minute(natural) / natural: measure(texts, r) for r in rates}
        ms_per = fit(measured)
        totals = scan(engine, other[::7][:40], measure, args.step or (4 if engine == "hibari" else 30))
        pace = pace_table(engine, other[::7][:40], totals, ms_per)
        found = model.LengthModel(_rounded(ms_per), pace)
        model.MODELS[engine] = found
        print(f'    "{engine}": {found!r},')
        for speed, lengths in measured.items():
            print("  " + report(engine, speed, lengths))


if __name__ == "__main__":
    main()
