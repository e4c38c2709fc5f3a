"""Option groups shared by several commands (click decorators), and parsing of their values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from voice_coach.compiler.build import COUNTDOWNS, CompileOptions, Countdown
from voice_coach.config import UserConfig
from voice_coach.durations import checked_duration, parse_duration
from voice_coach.routine.loader import HOLD_LIMIT_MS, MAX_SETS, REST_LIMIT_MS
from voice_coach.routine.model import SIDE_CHOICES, Overrides, Selection

if TYPE_CHECKING:
    from voice_coach.speech.engines import EngineSettings
    from voice_coach.speech.phrase_cache import PhraseCache

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
            help="Which countdown cues to say during holds [default: standard].",
        ),
        click.option(
            "--lead-in",
            callback=duration_option(10_000, True),
            metavar="DURATION",
            help="Silence before the first word, so Bluetooth headphones wake [default: 1s].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def compile_options(params: dict[str, Any], config: UserConfig) -> CompileOptions:
    """CompileOptions from the parsed values of ``routine_options``, then the config file, then defaults."""
    overrides = Overrides(params["hold"], params["sets"], params["rest"], params["sides"])
    per_routine = parse_set_values(params["set_values"])
    selection = Selection(tuple(params["only"]), tuple(params["skip"]), per_routine)
    # The config file's values were checked when it was loaded.
    countdown = cast(Countdown, params["countdown"] or config.countdown or "standard")
    lead_in = params["lead_in"]
    if lead_in is None:
        lead_in = parse_duration(config.lead_in or "1s")
    return CompileOptions(overrides, selection, countdown, lead_in)


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


def speech_options(func: F) -> F:
    """``--engine --voice --rate --cache-dir``: which voice speaks, and where phrases are cached."""
    options = [
        click.option(
            "--engine",
            metavar="NAME",
            help="Speech engine: piper or pyttsx3 (default: piper when installed).",
        ),
        click.option("--voice", metavar="VOICE", help="Voice id or name; see 'voice-coach voices'."),
        click.option(
            "--rate",
            metavar="RATE",
            help="Speaking rate: words per minute (170) or a factor of the natural pace (1.2x).",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Phrase cache folder (default: see 'voice-coach cache info').",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def engine_settings(params: dict[str, Any], config: UserConfig) -> EngineSettings:
    """EngineSettings from the options, falling back to the user's config file."""
    from voice_coach.speech.engines import EngineSettings, parse_rate

    rate = params.get("rate") or config.rate
    return EngineSettings(
        engine=params.get("engine") or config.engine,
        voice=params.get("voice") or config.voice,
        rate=parse_rate(rate) if rate else parse_rate("1x"),
    )


def open_cache(params: dict[str, Any], config: UserConfig) -> PhraseCache:
    """The phrase cache named by ``--cache-dir``, the environment, the config file or the default."""
    from voice_coach.speech.phrase_cache import PhraseCache, default_cache_dir

    folder = params.get("cache_dir") or default_cache_dir(config.cache_dir)
    return PhraseCache(Path(folder), warn=lambda message: click.echo(f"Warning: {message}", err=True))
