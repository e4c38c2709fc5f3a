"""Typed reads from a parsed TOML table, each failure a ``RoutineError`` naming file, key path and fix."""

from __future__ import annotations

import difflib
import string
from collections.abc import Iterable
from typing import Any

from .durations import format_duration, parse_duration
from .errors import RoutineError
from .model import VARIABLES

MAX_TEXT = 500
"""Longest phrase a cue may be, in characters: a cue is said while moving, not read."""


class Table:
    """A TOML table being validated: reads mark keys as used; ``finish`` rejects the rest."""

    def __init__(self, data: dict[str, Any], source: str, path: str = "") -> None:
        self.data = data
        self.source = source
        self.path = path
        self.used: set[str] = set()

    def where(self, key: str | int) -> str:
        """``hold.default``-style key path for messages."""
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str | int, problem: str) -> RoutineError:
        return RoutineError(f"{self.source}: {self.where(key)}: {problem}")

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def text(self, key: str, *, required: bool = False, variables: bool = True) -> str | None:
        value = self.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing; add it, e.g. " + _example(key))
            return None
        return check_text(value, self, key, variables=variables)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list of strings, got {type_name(value)}")
        sub = Table({}, self.source, self.where(key))
        return tuple(check_text(item, sub, i) for i, item in enumerate(value))

    def duration(self, key: str, *, limit_ms: int, allow_zero: bool = False) -> int | None:
        value = self.get(key)
        return None if value is None else check_duration(value, self, key, limit_ms, allow_zero)

    def count(self, key: str, *, low: int, high: int) -> int | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number from {low} to {high}, got {type_name(value)}")
        if not low <= value <= high:
            raise self.fail(key, f"must be from {low} to {high}, got {value}")
        return value

    def table(self, key: str) -> Table | None:
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, got {type_name(value)}")
        return Table(value, self.source, self.where(key))

    def finish(self, allowed: Iterable[str]) -> None:
        """Reject keys that were never read, suggesting the closest allowed key."""
        allowed = sorted(allowed)
        for key in self.data:
            if key in self.used:
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise self.fail(key, f"unknown key; {hint}allowed keys: {', '.join(allowed)}")


def check_text(value: Any, table: Table, key: str | int, *, variables: bool = True) -> str:
    """A non-empty phrase whose ``{placeholders}`` are all known variables."""
    if not isinstance(value, str):
        raise table.fail(key, f"must be a string, got {type_name(value)}")
    text = " ".join(value.split())
    if not text:
        raise table.fail(key, "is empty; write the words to say, or remove the key")
    if len(text) > MAX_TEXT:
        raise table.fail(key, f"is {len(text)} characters long; keep a cue under {MAX_TEXT}")
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        raise table.fail(
            key, f"has a stray brace ({error}); write {{{{ or }}}} for a literal brace"
        ) from None
    allowed = ", ".join("{" + v + "}" for v in VARIABLES) if variables else "none here"
    for name in names:
        if not variables or name not in VARIABLES:
            shown = "{" + name + "}"
            raise table.fail(key, f"unknown variable {shown}; allowed: {allowed}")
    return text


def check_duration(value: Any, table: Table, key: str, limit_ms: int, allow_zero: bool) -> int:
    """Milliseconds from a TOML duration value, within ``(0 or 1ms) .. limit_ms``."""
    try:
        ms = parse_duration(value)
    except ValueError as error:
        raise table.fail(key, str(error)) from None
    if ms == 0 and not allow_zero:
        raise table.fail(key, f"must be longer than zero (got {value!r}); use e.g. 30s")
    if ms > limit_ms:
        raise table.fail(key, f"{value!r} is longer than the limit of {format_duration(limit_ms)}")
    return ms


def type_name(value: Any) -> str:
    """How TOML would call a value's type, for messages."""
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "a table"})
    return names.get(type(value), type(value).__name__)


def _example(key: str) -> str:
    samples = {
        "id": 'id = "my-stretch"',
        "title": 'title = "My stretch"',
        "kind": 'kind = "stretch"',
    }
    return samples.get(key, f'{key} = "..."')
