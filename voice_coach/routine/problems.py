"""Every independent problem of a file at once: a file with three mistakes should not take three runs.

A file's fields are read one by one; each failure is kept (``Problems``) instead of ending the read, and
the file is refused at the end with all of them (``RoutineProblems``). Checks that need other fields to be
right first (a ``{side}`` in a routine without ``sides``) run only when those fields are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from voice_coach.errors import RoutineError, VoiceCoachError
from voice_coach.wording import plural

MAX_PROBLEMS = 20
"""Enough to fix a file in one go; more than this usually means it is not a routine file at all."""


class RoutineProblems(RoutineError):
    """Several problems in one file: the message is the first one and how many more there are; ``problems``
    has each as its own one-line ``RoutineError`` (``voice-coach validate`` prints them all)."""

    def __init__(self, problems: Sequence[RoutineError], total: int) -> None:
        self.problems = tuple(problems)
        more = plural(total - 1, "more problem")
        super().__init__(f"{problems[0]} (and {more} in this file)")


def each_problem(error: VoiceCoachError) -> tuple[VoiceCoachError, ...]:
    """The problems an error stands for: its own list, or itself."""
    return error.problems if isinstance(error, RoutineProblems) else (error,)


class Problems:
    """The problems found so far in one file."""

    def __init__(self) -> None:
        self.found: list[RoutineError] = []

    def add(self, errors: Iterable[RoutineError]) -> None:
        for error in errors:
            self.found.extend(error.problems if isinstance(error, RoutineProblems) else (error,))

    def read(self, readers: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
        """Each reader's value by name; a reader that fails adds its problem and has no value."""
        values: dict[str, Any] = {}
        for name, reader in readers.items():
            try:
                values[name] = reader()
            except RoutineError as error:
                self.add([error])
        return values

    def check(self) -> None:
        """Raise the problems found, if any: the one ``RoutineError``, or ``RoutineProblems``."""
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise RoutineProblems(self.found[:MAX_PROBLEMS], len(self.found))
