"""Typed reads from a parsed TOML table, each failure a ``RoutineError`` naming file, key path and fix."""

from __future__ import annotations

import datetime
import difflib
import json
import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from voice_coach.durations import checked_duration, format_duration
from voice_coach.errors import RoutineError
from voice_coach.routine.model import SIDE_VARIABLES, VARIABLES, Range

MAX_TEXT = 500
"""Longest phrase a cue may be, in characters: a cue is said while moving, not read."""
MAX_DIGITS = 15
"""Most digits a number in a cue may have: engines spell numbers out, and none can say 10^40."""
NUMBER = re.compile(r"\d(?:[\d,.']*\d)?")
DURATION_HINT = "a duration such as 30, 30s, 1m30s or 2m"
RANGE_KEYS = ("default", "min", "max")


class Table:
    """A TOML table being validated: ``check_keys`` refuses unknown keys, then typed reads follow."""

    def __init__(self, data: dict[str, Any], source: str, path: str = "") -> None:
        self.data = data
        self.source = source
        self.path = path

    def where(self, key: str | int) -> str:
        """``hold.default``-style key path for messages."""
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            key = json.dumps(key)  # quoted as TOML would: "my key", "\n"
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str | int, problem: str) -> RoutineError:
        return RoutineError(f"{self.source}: {self.where(key)}: {problem}")

    def fail_at(self, path: str, problem: str) -> RoutineError:
        """An error at a key path built by the caller, such as ``setup[2]``."""
        return RoutineError(f"{self.source}: {self.path + '.' if self.path else ''}{path}: {problem}")

    def item(self, index: int) -> Table:
        """An empty table whose key path is this one's ``[index]``, for messages about list items."""
        return Table({}, self.source, self.where(index))

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def check_keys(self, allowed: Iterable[str]) -> None:
        """Refuse any key not in ``allowed``, suggesting the closest one (checked before any value)."""
        for problem in self.unknown_keys(allowed):
            raise problem

    def unknown_keys(self, allowed: Iterable[str]) -> list[RoutineError]:
        """A problem for each key not in ``allowed``, each suggesting the closest allowed key."""
        allowed = sorted(allowed)
        problems = []
        for key in self.data:
            if key in allowed:
                continue
            close = suggestion(key, allowed)
            hint = f"did you mean '{close}'? " if close else ""
            problems.append(self.fail(key, f"unknown key; {hint}allowed keys: {', '.join(allowed)}"))
        return problems

    def typos(self, allowed: Iterable[str]) -> set[str]:
        """The allowed keys that unknown keys of this table look like misspellings of (``titel``: title)."""
        allowed = sorted(allowed)
        return {close for key in self.data if key not in allowed and (close := suggestion(key, allowed))}

    def text(self, key: str, variables: tuple[str, ...] = VARIABLES, *, required: bool = False) -> str | None:
        value = self.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing; add it, e.g. " + _example(key))
            return None
        return check_text(value, self, key, variables)

    def texts(self, key: str, variables: tuple[str, ...] = VARIABLES) -> tuple[str, ...]:
        """A list of phrases (a single string counts as a list of one)."""
        value = self.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (check_text(value, self, key, variables),)
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list of strings, got {described(value)}")
        sub = Table({}, self.source, self.where(key))
        return tuple(check_text(item, sub, i, variables) for i, item in enumerate(value))

    def duration(self, key: str, *, limit_ms: int, allow_zero: bool = False) -> int | None:
        value = self.get(key)
        return None if value is None else check_duration(value, self, key, limit_ms, allow_zero)

    def count(self, key: str, *, low: int, high: int) -> int | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number from {low} to {high}, got {described(value)}")
        if not low <= value <= high:
            raise self.fail(key, f"must be from {low} to {high}, got {value}")
        return value

    def duration_range(self, key: str, *, limit_ms: int) -> Range | None:
        """A hold: ``"30s"`` or ``{ default = "20s", min = "15s", max = "30s" }``."""
        if not isinstance(self.get(key), dict):
            value = self.duration(key, limit_ms=limit_ms)
            return None if value is None else Range(value)
        sub = self.table(key, RANGE_KEYS)
        assert sub is not None
        default = sub.duration("default", limit_ms=limit_ms)
        if default is None:
            raise sub.fail("default", 'is missing; the range needs a default, e.g. default = "30s"')
        low, high = sub.duration("min", limit_ms=limit_ms), sub.duration("max", limit_ms=limit_ms)
        return sub.checked_range(Range(default, low, high), format_duration)

    def count_range(self, key: str, *, low: int, high: int) -> Range:
        """Sets: ``3`` or ``{ default = 3, min = 3, max = 5 }`` (1 when missing)."""
        if not isinstance(self.get(key), dict):
            return Range(self.count(key, low=low, high=high) or 1)
        sub = self.table(key, RANGE_KEYS)
        assert sub is not None
        default = sub.count("default", low=low, high=high)
        if default is None:
            raise sub.fail("default", "is missing; the range needs a default, e.g. default = 3")
        least, most = sub.count("min", low=low, high=high), sub.count("max", low=low, high=high)
        return sub.checked_range(Range(default, least, most), str)

    def checked_range(self, value: Range, show: Callable[[int], str]) -> Range:
        """``value`` if its min is at most its max and its default lies between them."""
        if value.min is not None and value.max is not None and value.min > value.max:
            raise self.fail("min", f"{show(value.min)} is greater than max ({show(value.max)}); swap them")
        if not value.contains(value.default):
            low = "" if value.min is None else show(value.min)
            high = "" if value.max is None else show(value.max)
            raise self.fail("default", f"{show(value.default)} lies outside {low}..{high}; pick one inside")
        return value

    def table(self, key: str, allowed: Iterable[str]) -> Table | None:
        """The sub-table at ``key``, its keys checked against ``allowed``."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, got {described(value)}")
        sub = Table(value, self.source, self.where(key))
        sub.check_keys(allowed)
        return sub


def suggestion(key: str, allowed: list[str]) -> str | None:
    """The allowed key closest to ``key``, or one that starts with it, or None."""
    close = difflib.get_close_matches(key, allowed, n=1) or [a for a in allowed if key and a.startswith(key)]
    return close[0] if close else None


def check_text(value: Any, table: Table, key: str | int, variables: tuple[str, ...] = VARIABLES) -> str:
    """A non-empty phrase whose ``{placeholders}`` are all in ``variables`` (none: no braces at all)."""
    if not isinstance(value, str):
        raise table.fail(key, f"must be text in double quotes, got {described(value)}")
    text = " ".join(value.split())
    if not text:
        raise table.fail(key, "is empty; write the words to say, or remove it")
    if len(text) > MAX_TEXT:
        raise table.fail(key, f"is {len(text)} characters long; keep it to {MAX_TEXT} at most")
    check_speakable(text, table, key)
    if not variables:
        if "{" in text or "}" in text:
            raise table.fail(
                key, "cannot contain { or }: it is said as written; variables such as {side} work in steps"
            )
        return text
    allowed = ", ".join("{" + v + "}" for v in variables)
    try:
        fields = [
            (name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None
        ]
    except ValueError as error:
        raise table.fail(
            key, "has a " + _stray(str(error)) + "; write {{ or }} for a literal brace"
        ) from None
    for name, spec, conversion in fields:
        if name in VARIABLES and name not in variables:
            raise table.fail(key, "{" + name + "} cannot be used here; allowed here: " + allowed)
        if name not in variables:
            close = difflib.get_close_matches(name, variables, n=1)
            hint = f"did you mean {{{close[0]}}}? " if close else ""
            raise table.fail(key, "unknown variable {" + name + "}; " + hint + "allowed: " + allowed)
        if name in SIDE_VARIABLES and not conversion and re.fullmatch(r"[\w-]*", spec or ""):
            continue  # {side:en}: a form of the side word, checked against the file's language
        if spec or conversion:
            raise table.fail(key, "write {" + name + "} without ':' or '!'; allowed: " + allowed)
    return text


def check_speakable(text: str, table: Table, key: str | int) -> None:
    """Refuse text no engine can say (what would pass validation and then fail synthesis): nothing but
    symbols and emoji (engines say nothing for them), or a number too long to spell out."""
    symbols = any(unicodedata.category(char).startswith("S") for char in text)  # $, emoji; not "..."
    if symbols and not any(char.isalnum() for char in text):
        raise table.fail(key, f"{text[:40]!r} has no letters or digits to say; write the words to say")
    for number in NUMBER.finditer(text):
        digits = sum(char.isdigit() for char in number.group())
        if digits > MAX_DIGITS:
            raise table.fail(
                key,
                f"has a number of {digits} digits; write numbers of {MAX_DIGITS} digits at most, or in words",
            )


def check_duration(value: Any, table: Table, key: str, limit_ms: int, allow_zero: bool) -> int:
    """Milliseconds from a TOML duration value, within ``(0 or 1ms) .. limit_ms``."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise table.fail(key, f"must be {DURATION_HINT}, got {described(value)}")
    try:
        return checked_duration(value, limit_ms, allow_zero)
    except ValueError as error:
        raise table.fail(key, str(error)) from None


def _stray(problem: str) -> str:
    return "'}' without a matching '{'" if "Single '}'" in problem else "'{' without a matching '}'"


def described(value: Any) -> str:
    """A value as a message shows it: ``true``, ``the number 3.5``, ``the text '3'``, ``a table``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}" + ("..." if len(value) > 40 else "")
    return type_name(value)


def type_name(value: Any) -> str:
    """How TOML would call a value's type, for messages."""
    names: dict[type, str] = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "a list", dict: "a table", datetime.datetime: "a date-time"}
    names |= {datetime.date: "a date", datetime.time: "a time"}
    return names.get(type(value), type(value).__name__)


def _example(key: str) -> str:
    samples = {
        "id": 'id = "my-stretch"',
        "title": 'title = "My stretch"',
        "kind": 'kind = "stretch"',
        "say": 'say = "Kneel on your mat."',
        "routine": 'routine = "kneeling-twist"',
    }
    return samples.get(key, f'{key} = "..."')
