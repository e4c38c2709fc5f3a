"""The status line a terminal shows during a live session, fitted to any width, so it never wraps.

What a person mid-stretch needs at a glance is what to do (the step), for how long (the countdown) and how
much is left; which routine it is they already know. So when space is short the routine's title is
shortened first, then the set count and the progress bar give way, and only then the step's own text;
the countdown and the time left are never cut. Below ``MIN_FULL`` columns the line is the minimal form:
the side, the countdown and the time left (``right | 17s | 05:40 left``), which fits down to 20 columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from voice_coach.durations import clock
from voice_coach.live.steps import Status
from voice_coach.printed import printed

BAR_WIDTH = 10
MIN_FULL = 40
"""Below this width the line is the minimal form."""
MIN_TITLE = 12
"""The routine's title is shortened down to this many characters before anything else gives way."""
MIN_STEP = 12
"""The step's text keeps at least this many characters (plus its countdown) while a barer layout fits."""


@dataclass(frozen=True)
class _Layout:
    """One arrangement of the line: which optional parts it shows, and in what form."""

    title: bool
    long_set: bool
    bar: bool


_LAYOUTS = (_Layout(True, True, True), _Layout(True, False, False), _Layout(False, False, False))
"""From the richest to the barest; the first that fits the width wins."""


def format_status(status: Status, width: int = 80) -> str:
    """One line, at most ``width`` characters, e.g.
    ``Kneeling twist stretch (right) | set 2 of 3 | Hold 23s | [####------] 12:05 left``.

    Pass the terminal's width minus one, and pad with spaces when redrawing over a longer line with ``\\r``.
    """
    if width < MIN_FULL:
        return minimal_status(status, width)
    for layout in _LAYOUTS:
        line = _fit(status, layout, width, MIN_TITLE, MIN_STEP)
        if line is not None:
            return line
    line = _fit(status, _LAYOUTS[-1], width, 0, 0)
    return line if line is not None else _shorten(_join(_parts(status, _LAYOUTS[-1], "", "")), width)


def _fit(status: Status, layout: _Layout, width: int, min_title: int, min_step: int) -> str | None:
    """The line in ``layout``, its routine's name then its step text shortened to fit ``width``; None if
    they would have to become shorter than ``min_title`` and ``min_step``. The side is never cut: it says
    which side to work on."""
    side = f" ({_side(status)})" if status.side else ""
    name, step = status.routine, status.step
    title = name + side if layout.title else _side(status)
    excess = len(_join(_parts(status, layout, title, step))) - width
    if excess > 0 and layout.title:
        keep = max(min(len(name), min_title), len(name) - excess)
        excess -= len(name) - keep
        title = _shorten(name, keep) + side
    if excess > 0:
        keep = max(min(len(step), min_step), len(step) - excess)
        excess -= len(step) - keep
        step = _shorten(step, keep)
    return _join(_parts(status, layout, title, step)) if excess <= 0 else None


def _parts(status: Status, layout: _Layout, title: str, step: str) -> Iterator[str]:
    yield _state(status, "Waiting for the voice")
    yield title
    yield _set(status, layout.long_set)
    yield " ".join(part for part in (step, _countdown(status)) if part)
    left = printed(status.language, "{time} left", time=clock(status.remaining * 1000))
    yield f"{_bar(status.fraction)} {left}" if layout.bar else left


def _state(status: Status, waiting: str) -> str:
    """ "Paused", ``waiting`` (a key of ``printed``) or nothing, in the session's language."""
    word = "Paused" if status.paused else waiting if status.waiting else ""
    return printed(status.language, word) if word else ""


def _side(status: Status) -> str:
    """The side worked on, in the session's language ("" for none)."""
    return printed(status.language, status.side) if status.side else ""


def _set(status: Status, long: bool) -> str:
    if not (status.set and status.sets and status.sets > 1):
        return ""
    if long:
        return printed(status.language, "set {set} of {sets}", set=status.set, sets=status.sets)
    return f"{status.set}/{status.sets}"


def _countdown(status: Status) -> str:
    seconds = status.countdown
    if seconds is None:
        return ""
    return f"{seconds}s" if seconds < 60 else f"{seconds // 60}:{seconds % 60:02d}"


def _join(parts: Iterable[str]) -> str:
    return " | ".join(p for p in parts if p)


def _bar(fraction: float) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * BAR_WIDTH)
    return "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]"


def _shorten(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: width - 3].rstrip() + "..." if width > 3 else text[: max(width, 0)]


def minimal_status(status: Status, width: int) -> str:
    """The side, the countdown and the time left in at most ``width`` characters, barer as it narrows:
    ``Paused | right | 17s | 05:40 left``, ``Paused right 17s 05:40``, ``right 17s 05:40 left``,
    ``right 17s 05:40`` (15 characters with a side of five letters), then cut."""
    word = _state(status, "Waiting")
    left = clock(status.remaining * 1000)
    said = printed(status.language, "{time} left", time=left)
    core = [_side(status), _countdown(status)]
    for parts, separator in (
        ([word, *core, said], " | "),
        ([word, *core, said], " "),
        ([word, *core, left], " "),
        ([*core, said], " | "),
        ([*core, said], " "),
        ([*core, left], " "),
    ):
        line = separator.join(part for part in parts if part)
        if len(line) <= width:
            return line
    return line[: max(width, 0)]
