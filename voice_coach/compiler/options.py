"""The choices a run can make (hold, sets, rest, sides, which routines, countdown, lead-in, language),
checked once.

The CLI, the Python API and the config file all go through these functions, so a value is accepted or
refused by the same rule, with the same words, wherever it comes from. Errors name the value
(``{hold}``, see ``errors``); each face words it its own way (``--hold``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from voice_coach.compiler.build import COUNTDOWNS, CompileOptions, Countdown
from voice_coach.durations import checked_duration
from voice_coach.errors import UsageError, literal
from voice_coach.routine.language import check_language
from voice_coach.routine.loader import HOLD_LIMIT_MS, MAX_SETS, REST_LIMIT_MS
from voice_coach.routine.model import SIDE_CHOICES, Overrides, Selection

LEAD_IN_LIMIT_MS = 10_000
"""Silence before the first word: enough for any Bluetooth headset to wake."""
SET_FIELDS = ("hold", "sets", "rest", "sides")
"""What one routine of a session can change (``--set ID.FIELD=VALUE``)."""
Duration = str | int
T = TypeVar("T")


def hold_ms(value: Duration) -> int:
    """A hold length (``20s``, ``1m``, or seconds as a number) in ms; ValueError saying what is allowed."""
    return checked_duration(value, HOLD_LIMIT_MS, False)


def rest_ms(value: Duration) -> int:
    """A rest length in ms (0 allowed); ValueError saying what is allowed."""
    return checked_duration(value, REST_LIMIT_MS, True)


def lead_in_ms(value: Duration) -> int:
    """The lead-in silence in ms (0 allowed, at most ``LEAD_IN_LIMIT_MS``)."""
    return checked_duration(value, LEAD_IN_LIMIT_MS, True)


def sets_count(value: object) -> int:
    """Sets per side, a whole number from 1 to ``MAX_SETS``; ValueError otherwise."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_SETS:
        raise ValueError(f"must be a whole number from 1 to {MAX_SETS}")
    return int(text)


def sides_choice(value: object) -> str:
    """One of ``SIDE_CHOICES``; ValueError otherwise."""
    if value not in SIDE_CHOICES:
        raise ValueError(f"must be one of {', '.join(SIDE_CHOICES)}")
    return str(value)


def countdown_choice(value: object) -> Countdown:
    """One of ``COUNTDOWNS``; ValueError otherwise."""
    if value not in COUNTDOWNS:
        raise ValueError(f"must be one of {', '.join(COUNTDOWNS)}")
    return value


def field_override(field: str, value: object) -> Overrides:
    """Overrides that change only ``field`` (one of ``SET_FIELDS``) to ``value``; ValueError if invalid."""
    if field == "hold":
        return Overrides(hold_ms=hold_ms(cast(Duration, value)))
    if field == "rest":
        return Overrides(rest_ms=rest_ms(cast(Duration, value)))
    if field == "sides":
        return Overrides(sides=sides_choice(value))
    if field == "sets":
        return Overrides(sets=sets_count(value))
    raise ValueError(f"unknown field {field!r}; allowed: {', '.join(SET_FIELDS)}")


def compile_options(
    *,
    hold: Duration | None = None,
    sets: int | None = None,
    rest: Duration | None = None,
    sides: str | None = None,
    only: Iterable[str] = (),
    skip: Iterable[str] = (),
    per_routine: Mapping[str, Mapping[str, object]] | None = None,
    countdown: str = "standard",
    lead_in: Duration = "1s",
    language: str | None = None,
) -> CompileOptions:
    """``CompileOptions`` from plain values; ``UsageError`` naming the value that is wrong.

    ``per_routine`` changes single routines of a session: ``{"spi-massage": {"hold": "3m"}}``.
    ``language`` (``"de"``) says the framing phrases in another language than the file's own.
    """
    globals_: dict[str, object] = {"hold": hold, "sets": sets, "rest": rest, "sides": sides}
    overrides = Overrides()
    for name, value in globals_.items():
        if value is not None:
            overrides = overrides.merged(_checked(name, field_override, name, value))
    chosen: dict[str, Overrides] = {}
    for routine_id, fields in (per_routine or {}).items():
        for field, value in fields.items():
            one = _checked("set", field_override, field, value, what=f"{routine_id}.{field}")
            chosen[routine_id] = chosen.get(routine_id, Overrides()).merged(one)
    return CompileOptions(
        overrides,
        Selection(tuple(only), tuple(skip), chosen),
        _checked("countdown", countdown_choice, countdown),
        _checked("lead_in", lead_in_ms, lead_in),
        None if language is None else _checked("language", check_language, language),
    )


def _checked(name: str, parse: Callable[..., T], *args: Any, what: str = "") -> T:
    """``parse(*args)``, its ValueError turned into a ``UsageError`` that names the option ``name``."""
    try:
        return parse(*args)
    except ValueError as error:
        subject = f"{{{name}}}" + (f" {literal(what)}" if what else "")
        raise UsageError(f"{subject}: {literal(str(error))}", options=(name,)) from None
