"""Durations as integer milliseconds: parsing what people type (``45``, ``45s``, ``1m30s``, ``2 min``,
``1:30``) and speaking them back."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction

from voice_coach.wording import plural

_NUMBER = r"\d+(?:\.\d+)?"
_UNITS = {
    "h": r"(?:h|hrs?|hours?)",
    "m": r"(?:m|mins?|minutes?)",
    "s": r"(?:s|secs?|seconds?)",
    "ms": r"(?:ms|msecs?|milliseconds?)",
}
# Units in falling order, each at most once, optionally separated by spaces: "1h 2m 3.5s", "1 min 30 sec".
_DURATION = re.compile("".join(rf"(?:(?P<{unit}>{_NUMBER})\s*{word}\s*)?" for unit, word in _UNITS.items()))
# A clock as people type it: "1:30" (m:ss) or "1:02:03" (h:mm:ss); seconds may have a fraction.
_CLOCK = re.compile(r"(?:(?P<h>\d+):(?=[0-5]\d:))?(?P<m>\d+):(?P<s>[0-5]\d(?:\.\d+)?)")
_UNIT_MS = {"h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}
_HINT = "use e.g. 30, 30s, 30 sec, 2 min, 1m30s, 1 min 30 s or 1:30"
_MAX_TEXT = 40


def parse_duration(value: object) -> int:
    """Milliseconds for ``45``, ``45s``, ``1.5s``, ``1m30s``, ``2m``, ``1h``, ``90 sec``, ``2 min``,
    ``1 min 30 s``, ``1:30`` (m:ss) or ``1:02:03`` (h:mm:ss); ValueError otherwise, listing these forms.

    A bare number means seconds. The result may be zero; callers decide what range they allow.
    Fractions of a millisecond round half up.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a duration; {_HINT}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} is not a duration; {_HINT}")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"a duration cannot be negative (got {value}); {_HINT}")
        return _millis(Fraction(repr(value) if isinstance(value, float) else value) * 1000)
    text = value.strip().lower()
    if len(text) > _MAX_TEXT:
        raise ValueError(f"{value[:_MAX_TEXT]!r}... is too long to be a duration; {_HINT}")
    if text.startswith("-"):
        raise ValueError(f"a duration cannot be negative (got {value!r}); {_HINT}")
    if re.fullmatch(_NUMBER, text):
        return _millis(Fraction(text) * 1000)
    match = _CLOCK.fullmatch(text) or _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"{value!r} is not a duration; {_HINT}")
    parts = {unit: Fraction(number) for unit, number in match.groupdict().items() if number is not None}
    return _millis(sum((n * _UNIT_MS[unit] for unit, n in parts.items()), Fraction(0)))


def _millis(exact: Fraction) -> int:
    """Whole milliseconds, halves rounded up (``round`` would round them to even)."""
    return math.floor(exact + Fraction(1, 2))


def format_duration(ms: int) -> str:
    """Compact form that parses back to exactly ``ms``: ``30s``, ``2m``, ``1m30s``, ``1.5s``, ``1h``."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    if millis:
        parts.append(f"{seconds}.{millis:03d}".rstrip("0") + "s")
    elif seconds or not (hours or minutes):
        parts.append(f"{seconds}s")
    return "".join(parts)


def spoken_duration(
    ms: int,
    counted: Callable[[int, str], str] = plural,
    joined: Callable[[list[str]], str] = " ".join,
) -> str:
    """Words a voice says: ``30 seconds``, ``1 minute``, ``2 minutes 30 seconds``, ``1 hour``.

    Whole seconds (halves round up). ``counted(2, "minute")`` says one part (English by default: "2
    minutes"; a language pack's words through ``compiler.phrases``), ``joined`` joins the parts.
    """
    total = (ms + 500) // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(n, unit) for n, unit in ((hours, "hour"), (minutes, "minute"), (seconds, "second")) if n]
    return joined([counted(n, unit) for n, unit in parts or [(0, "second")]])


def clock(ms: int) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour) for scripts and status lines; seconds are truncated."""
    total = ms // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def checked_duration(value: object, limit_ms: int, allow_zero: bool) -> int:
    """Milliseconds for ``value`` within ``(0 or 1 ms) .. limit_ms``; ValueError saying what is allowed."""
    ms = parse_duration(value)
    if ms == 0 and not allow_zero:
        raise ValueError(f"must be longer than zero (got {value!r}); use e.g. 30s")
    if ms > limit_ms:
        raise ValueError(f"{value!r} is longer than the limit of {format_duration(limit_ms)}")
    return ms
