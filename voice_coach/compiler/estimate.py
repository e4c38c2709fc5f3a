"""Phrase lengths guessed without synthesis: a fitted model per engine, scaled by the speaking rate (pure).

A phrase's length is modelled as a sum over what it says: letters (numbers spelled out, as the engines say
them), words, sentences and pause marks (commas, colons, dashes), plus a constant. Most of it scales with
the rate (``speed`` 2.0 halves it); the pauses an engine puts between sentences may not. The coefficients
are least-squares fits to lengths measured with each engine at several rates on several hundred phrases
(the built-in routines' and the source article's sentences): ``scripts/fit_estimate.py`` measures and fits
them again, and prints the table below.

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
    """Milliseconds per feature (``Features`` order) at the engine's natural pace (``scaled``) and whatever
    the pace (``fixed``), and how the engine's real pace follows the one asked for (``pace``)."""

    scaled: Features
    fixed: Features
    pace: tuple[tuple[float, float], ...] = ((1.0, 1.0),)
    """(speed, factor) points, in order: at ``speed`` the scaled part lasts ``factor / speed`` times its
    natural length (1.0 for an engine that follows the speed exactly; between points, interpolated)."""

    def ms(self, features: Features, speed: float) -> float:
        """The modelled length of a phrase with ``features`` at ``speed`` (1.0: the natural pace)."""
        scaled = sum(c * f for c, f in zip(self.scaled, features, strict=True))
        fixed = sum(c * f for c, f in zip(self.fixed, features, strict=True))
        return scaled * self.pace_factor(speed) / speed + fixed

    def pace_factor(self, speed: float) -> float:
        """``pace`` at ``speed``: linear between its points, constant beyond its ends."""
        points = self.pace
        index = bisect.bisect_left(points, (speed,))
        if index == 0 or index == len(points):
            return points[min(index, len(points) - 1)][1]
        (low, low_factor), (high, high_factor) = points[index - 1], points[index]
        return low_factor + (high_factor - low_factor) * (speed - low) / (high - low)


MODELS: dict[str, LengthModel] = {
    "hibari": LengthModel(scaled=(62.0, 20.0, 150.0, 120.0, 100.0), fixed=(0.0, 0.0, 0.0, 0.0, 0.0)),
    "piper": LengthModel(scaled=(55.0, 20.0, 150.0, 120.0, 100.0), fixed=(0.0, 0.0, 0.0, 0.0, 0.0)),
    "pyttsx3": LengthModel(scaled=(60.0, 20.0, 150.0, 120.0, 100.0), fixed=(0.0, 0.0, 0.0, 0.0, 0.0)),
}
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
