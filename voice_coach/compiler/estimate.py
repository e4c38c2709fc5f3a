"""Phrase lengths guessed without synthesis: a fitted model per engine, scaled by the speaking rate (pure).

A phrase's length is modelled as milliseconds per letter (numbers spelled out, as the engines say them),
word, sentence and pause mark (commas, colons, dashes), plus a constant, at the engine's natural pace. At
another rate it lasts ``factor / speed`` times as long, where ``factor`` comes from a table of how the
engine's real pace follows the one asked for: espeak-ng's within 3 %, Piper's only in part (asked for 1.5x,
it speaks 1.38 times as fast), hibari's in a sawtooth (asked for 1.33x, 1.2 times as fast; for 1.34x,
1.47 times). The numbers are fits to lengths measured with each engine: 343 phrases (the built-in
routines', the source article's sentences alone and in pairs, framing cues) at 0.75x to 1.5x for the
milliseconds, and 40 of them across every rate the engine takes for the pace.
``scripts/fit_estimate.py`` measures and fits them again, and prints the table below. The lengths are
those of trimmed phrases (``speech.trim``); hibari's milliseconds per letter are raised by hand from the
fit's 49.3 to 51.5, which puts every built-in's total within 2 % of the exact one (the fit weighs each
phrase, and left ``locate-spi``'s long sentences 3.5 % short).

Once a phrase has been synthesized, its real length is in the phrase cache: ``api.estimate`` reads it from
there and asks this model only about the phrases it has never heard.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

Features = tuple[float, float, float, float, float]
"""Per phrase: letters, words, sentences, pause marks, 1."""


@dataclass(frozen=True)
class LengthModel:
    """Milliseconds per feature (``Features`` order) at the engine's natural pace, and how the engine's
    real pace follows the one asked for."""

    ms_per: Features
    pace: tuple[tuple[float, float], ...] = ((1.0, 1.0),)
    """(speed, factor) points, in order: at ``speed`` a phrase lasts ``factor / speed`` times its natural
    length (factor 1.0 everywhere for an engine that follows the speed exactly; interpolated between)."""

    def ms(self, features: Features, speed: float) -> float:
        """The modelled length of a phrase with ``features`` at ``speed`` (1.0: the natural pace)."""
        natural = sum(c * f for c, f in zip(self.ms_per, features, strict=True))
        return natural * self.pace_factor(speed) / speed

    def pace_factor(self, speed: float) -> float:
        """``pace`` at ``speed``: linear between its points, constant beyond its ends."""
        points = self.pace
        index = bisect.bisect_left(points, (speed,))
        if index == 0 or index == len(points):
            return points[min(index, len(points) - 1)][1]
        (low, low_factor), (high, high_factor) = points[index - 1], points[index]
        return low_factor + (high_factor - low_factor) * (speed - low) / (high - low)


# fmt: off
MODELS: dict[str, LengthModel] = {
    "hibari": LengthModel(
        ms_per=(51.5, 27.1, 274.4, 339.3, 0.0),
        pace=(
            (0.5029, 1.0555), (0.526, 1.0932), (0.5607, 1.1263), (0.5665, 1.1207), (0.5723, 1.0528),
            (0.5954, 1.0385), (0.6416, 1.0891), (0.6647, 1.0757), (0.6705, 1.0546), (0.6763, 1.052),
            (0.6821, 1.0397), (0.6879, 1.0361), (0.7341, 1.0568), (0.7572, 1.0745), (0.7861, 1.0833),
            (0.7919, 1.0789), (0.7977, 1.0495), (0.8035, 0.9273), (0.8266, 0.9073), (0.8497, 0.9206),
            (0.896, 0.9303), (0.9884, 0.9956), (1.0116, 1.0045), (1.0347, 1.0227), (1.0578, 1.0323),
            (1.1503, 1.101), (1.1734, 1.1073), (1.1965, 1.1285), (1.2197, 1.1142), (1.289, 1.1492),
            (1.3179, 1.1744), (1.3295, 1.1167), (1.3353, 0.9896), (1.341, 0.9108), (1.3584, 0.908),
            (1.4277, 0.9285), (1.5202, 0.9796), (1.6127, 1.0376), (1.7052, 1.0726), (1.7514, 1.1013),
            (1.7977, 1.123), (1.8902, 1.1731), (1.9364, 1.195), (2.0, 1.2181),
        ),
    ),
    "piper": LengthModel(
        ms_per=(55.5, 7.4, 239.6, 257.6, 0.0),
        pace=(
            (0.4, 0.8388), (0.55, 0.8796), (0.7, 0.9062), (0.85, 0.9167), (1.15, 1.0826), (1.3, 1.1036),
            (1.45, 1.0892), (1.6, 1.0987), (1.75, 1.1399), (1.9, 1.204), (2.05, 1.2813), (2.2, 1.3448),
            (2.25, 1.3604),
        ),
    ),
    "pyttsx3": LengthModel(
        ms_per=(48.6, 34.6, 203.4, 335.1, 0.0),
        pace=(
            (0.4571, 0.9157), (0.6286, 0.9769), (1.4857, 1.035), (1.6571, 1.0367), (1.8286, 1.0548),
            (2.0, 1.0497), (2.1714, 1.0636), (2.5143, 1.0646), (2.5714, 1.0558),
        ),
    ),
}
# fmt: on
"""The fitted models, by engine name (``scripts/fit_estimate.py``)."""
DEFAULT_MODEL = "hibari"
"""The model for an engine without one of its own: the default engine's."""
MIN_PHRASE_MS = 100

_NUMBER = re.compile(r"\d+")
_APOSTROPHES = "'\u2019"
_WORD = re.compile(rf"[^\W\d_]+(?:[{_APOSTROPHES}][^\W\d_]+)*")
_SENTENCE_END = re.compile(rf"[.!?\u2026]+(?=[\s\"{_APOSTROPHES}\u201d)]|$)")
_PAUSE = re.compile(r"[,;:()\u2013\u2014]|\s-\s")
"""Marks a voice pauses at: commas, semicolons, colons, brackets, en and em dashes, a spaced hyphen."""
_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def estimate_ms(text: str, engine: str = DEFAULT_MODEL, speed: float = 1.0) -> int:
    """``text``'s spoken length in ms as ``engine`` says it at ``speed`` times its natural pace, guessed
    from its letters, words, sentences and pauses (the engine's fitted model; the default engine's for
    an engine without one)."""
    model = MODELS.get(engine, MODELS[DEFAULT_MODEL])
    return max(MIN_PHRASE_MS, round(model.ms(features(text), speed)))


def features(text: str) -> Features:
    """What the model counts in ``text``: letters, words, sentences, pause marks, and 1 for the phrase."""
    said = _NUMBER.sub(lambda m: f" {number_words(int(m.group()))} ", text)
    letters = sum(len(word) for word in _WORD.findall(said))
    sentences = max(1, len(_SENTENCE_END.findall(said.strip())))
    return (letters, len(_WORD.findall(said)), sentences, len(_PAUSE.findall(said)), 1)


def number_words(number: int) -> str:
    """``number`` in English words, as a voice says it: 45 → "forty five" (digit by digit past a million)."""
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    for size, name in ((100, "hundred"), (1000, "thousand"), (1_000_000, "million")):
        if number < size * (10 if size == 100 else 1000):
            high, rest = divmod(number, size)
            return f"{number_words(high)} {name}" + (f" {number_words(rest)}" if rest else "")
    return " ".join(_ONES[int(digit)] for digit in str(number))
