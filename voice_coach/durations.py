"""Durations as integer milliseconds: parsing ``45``, ``45s``, ``1m30s``, ``2m`` and speaking them back."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNIT_MS = {"h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}


def parse_duration(value: object) -> int:
    """Milliseconds for ``45``, ``45s``, ``1.5s``, ``1m30s``, ``2m``, ``1h``; ValueError otherwise.

    A bare number means seconds. The result may be zero; callers decide what range they allow.
    """
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30, 30s, 1m30s or 2m, got true/false")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"a duration cannot be negative (got {value})")
        return round(value * 1000)
    if not isinstance(value, str):
        raise ValueError(f"expected a duration such as 30, 30s, 1m30s or 2m, got {value!r}")
    text = value.strip().lower().replace(" ", "")
    if text.startswith("-"):
        raise ValueError(f"a duration cannot be negative (got {value!r})")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return round(float(text) * 1000)
    parts = _PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"{value!r} is not a duration; use 30, 30s, 1m30s or 2m")
    return round(sum(float(n) * _UNIT_MS[u] for n, u in parts))


def format_duration(ms: int) -> str:
    """Compact form that parses back: ``30s``, ``2m``, ``1m30s``, ``1.5s``."""
    if ms % 1000:
        return f"{ms / 1000:g}s"
    minutes, seconds = divmod(ms // 1000, 60)
    if minutes and seconds:
        return f"{minutes}m{seconds}s"
    return f"{minutes}m" if minutes else f"{seconds}s"


def spoken_duration(ms: int) -> str:
    """Words a voice says: ``30 seconds``, ``1 minute``, ``2 minutes 30 seconds``."""
    total = round(ms / 1000)
    minutes, seconds = divmod(total, 60)
    words = []
    if minutes:
        words.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    if seconds or not minutes:
        words.append(f"{seconds} second" + ("s" if seconds != 1 else ""))
    return " ".join(words)


def clock(ms: int) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour) for scripts and status lines."""
    total = ms // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"
