"""Option groups shared by several commands (click decorators), and parsing of their values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .compiler import COUNTDOWNS, CompileOptions, Countdown
from .durations import parse_duration
from .loader import HOLD_LIMIT_MS, MAX_SETS, REST_LIMIT_MS
from .model import SIDE_CHOICES, Overrides, Selection

F = TypeVar("F", bound=Callable[..., Any])
SET_FIELDS = ("hold", "sets", "rest", "sides")


def duration_option(
    limit_ms: int, allow_zero: bool
) -> Callable[[click.Context, click.Parameter, Any], int | None]:
    """A click callback turning ``45s``/``1m30s`` into milliseconds, or a clear BadParameter."""

    def convert(ctx: click.Context, param: click.Parameter, value: Any) -> int | None:
        if value is None:
            return None
        try:
            return checked_duration(value, limit_ms, allow_zero)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx, param) from None

    return convert


def checked_duration(value: str, limit_ms: int, allow_zero: bool) -> int:
    ms = parse_duration(value)
    if ms == 0 and not allow_zero:
        raise ValueError(f"must be longer than zero (got {value!r}); use e.g. 30s")
    if ms > limit_ms:
        raise ValueError(f"{value!r} is longer than the limit of {limit_ms // 60_000} minutes")
    return ms


def routine_options(func: F) -> F:
    """``--hold --sets --rest --sides --set --only --skip --countdown --lead-in``."""
    options = [
        click.option(
            "--hold",
            callback=duration_option(HOLD_LIMIT_MS, False),
            metavar="DURATION",
            help="Hold length for every routine, e.g. 20s or 1m.",
        ),
        click.option("--sets", type=click.IntRange(1, MAX_SETS), help="Sets per side."),
        click.option(
            "--rest",
            callback=duration_option(REST_LIMIT_MS, True),
            metavar="DURATION",
            help="Rest between sets, e.g. 15s (0 for none).",
        ),
        click.option("--sides", type=click.Choice(SIDE_CHOICES), help="Which sides to do."),
        click.option(
            "--set",
            "set_values",
            multiple=True,
            metavar="ROUTINE_ID.FIELD=VALUE",
            help="Change one routine of a session: hold, sets, rest or sides. Repeatable.",
        ),
        click.option(
            "--only",
            multiple=True,
            metavar="ROUTINE_ID",
            help="Only these routines of a session. Repeatable.",
        ),
        click.option(
            "--skip",
            multiple=True,
            metavar="ROUTINE_ID",
            help="Leave out these routines of a session. Repeatable.",
        ),
        click.option(
            "--countdown",
            type=click.Choice(COUNTDOWNS),
            default="standard",
            show_default=True,
            help="Which countdown cues to say during holds.",
        ),
        click.option(
            "--lead-in",
            callback=duration_option(10_000, True),
            default="1s",
            show_default=True,
            metavar="DURATION",
            help="Silence before the first word (lets Bluetooth headphones wake).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def compile_options(params: dict[str, Any]) -> CompileOptions:
    """CompileOptions from the parsed values of ``routine_options``."""
    overrides = Overrides(params["hold"], params["sets"], params["rest"], params["sides"])
    per_routine = parse_set_values(params["set_values"])
    selection = Selection(tuple(params["only"]), tuple(params["skip"]), per_routine)
    countdown: Countdown = params["countdown"]
    return CompileOptions(overrides, selection, countdown, params["lead_in"])


def parse_set_values(values: tuple[str, ...]) -> dict[str, Overrides]:
    """``--set kneeling-twist.hold=20s`` values as per-routine overrides."""
    result: dict[str, Overrides] = {}
    for raw in values:
        key, sep, value = raw.partition("=")
        routine_id, dot, field = key.strip().rpartition(".")
        if not sep or not dot or not routine_id:
            raise click.BadParameter(
                f"{raw!r} is not ROUTINE_ID.FIELD=VALUE, e.g. kneeling-twist.hold=20s",
                param_hint="'--set'",
            )
        if field not in SET_FIELDS:
            raise click.BadParameter(
                f"{raw!r}: unknown field {field!r}; allowed: {', '.join(SET_FIELDS)}",
                param_hint="'--set'",
            )
        try:
            one = set_override(field, value.strip())
        except ValueError as error:
            raise click.BadParameter(f"{raw!r}: {error}", param_hint="'--set'") from None
        result[routine_id] = result.get(routine_id, Overrides()).merged(one)
    return result


def set_override(field: str, value: str) -> Overrides:
    if field == "hold":
        return Overrides(hold_ms=checked_duration(value, HOLD_LIMIT_MS, False))
    if field == "rest":
        return Overrides(rest_ms=checked_duration(value, REST_LIMIT_MS, True))
    if field == "sides":
        if value not in SIDE_CHOICES:
            raise ValueError(f"sides must be one of {', '.join(SIDE_CHOICES)}")
        return Overrides(sides=value)
    if not value.isdigit() or not 1 <= int(value) <= MAX_SETS:
        raise ValueError(f"sets must be a whole number from 1 to {MAX_SETS}")
    return Overrides(sets=int(value))
