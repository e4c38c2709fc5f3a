"""Option groups shared by several commands: click decorators that hand the command one typed value each.

``@routine_options`` gives a command ``routine: RoutineChoices`` and ``@speech_options`` gives it
``speech: SpeechChoices``, instead of a dozen loose keyword arguments. Values are checked by the same
functions the library uses (``compiler.options``), so a flag and a keyword argument follow one rule.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import click

import voice_coach as vc
from voice_coach import api
from voice_coach.api import Speech
from voice_coach.compiler.build import COUNTDOWNS, CompileOptions, Countdown
from voice_coach.compiler.options import SET_FIELDS, field_override, hold_ms, lead_in_ms, rest_ms
from voice_coach.compiler.timeline import Timeline
from voice_coach.config import UserConfig
from voice_coach.durations import parse_duration
from voice_coach.progress import Progress
from voice_coach.routine.language import check_language
from voice_coach.routine.loader import MAX_SETS, load_target
from voice_coach.routine.model import SIDE_CHOICES, Overrides, Routine, Selection, Session
from voice_coach.speech.phrase_cache import PhraseCache, default_cache_dir

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RoutineChoices:
    """What ``--hold --sets --rest --sides --set --only --skip --countdown --lead-in`` chose (None: unset)."""

    hold_ms: int | None = None
    sets: int | None = None
    rest_ms: int | None = None
    sides: str | None = None
    per_routine: dict[str, Overrides] = field(default_factory=dict)
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    countdown: Countdown | None = None
    lead_in_ms: int | None = None
    language: str | None = None
    step: int | None = None
    progression: bool = True
    """False: ``--no-progression``, the file's defaults instead of today's step."""

    def compile_options(self, config: UserConfig) -> CompileOptions:
        """The options, the config file filling what no flag set (its values were checked on load)."""
        overrides = Overrides(self.hold_ms, self.sets, self.rest_ms, self.sides)
        countdown = cast(Countdown, self.countdown or config.countdown or "standard")
        lead_in = self.lead_in_ms if self.lead_in_ms is not None else parse_duration(config.lead_in or "1s")
        return CompileOptions(
            overrides, Selection(self.only, self.skip, self.per_routine), countdown, lead_in, self.language
        )


@dataclass(frozen=True)
class SpeechChoices:
    """What ``--engine --voice --rate --cache-dir`` chose (None: not set)."""

    engine: str | None = None
    voice: str | None = None
    rate: str | None = None
    cache_dir: Path | None = None

    def speech(self, config: UserConfig) -> Speech:
        """The library's ``Speech``, the config file filling what no flag set (the cache folder as
        ``cache_folder`` finds it: $VOICE_COACH_CACHE_DIR wins over the config file)."""
        folder = cache_folder(self.cache_dir, config)
        return Speech(
            self.engine or config.engine, self.voice or config.voice, self.rate or config.rate, folder
        )


def compile_timeline(target: str, routine: RoutineChoices, config: UserConfig) -> Timeline:
    """``target`` (a file, or an id of the user's library, ``routines_dir`` in the config file, or a
    built-in) compiled with the run's choices, at today's step of its ``[progression]`` unless
    ``--step`` or ``--no-progression`` say otherwise."""
    loaded = load_target(target, config.library())
    options, _ = todays_options(loaded, routine, config)
    return api.compile(loaded, options)


def todays_options(
    loaded: Routine | Session, routine: RoutineChoices, config: UserConfig
) -> tuple[CompileOptions, vc.Today | None]:
    """The run's options with the step of the file's progression, and that step (None: none)."""
    options = routine.compile_options(config)
    return vc.apply_progression(loaded, options, step=routine.step, enabled=routine.progression)


def duration_option(
    parse: Callable[[str], int],
) -> Callable[[click.Context, click.Parameter, Any], int | None]:
    """A click callback turning ``45s``/``1m30s`` into milliseconds with ``parse``, or a BadParameter."""

    def convert(ctx: click.Context, param: click.Parameter, value: Any) -> int | None:
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx, param) from None

    return convert


def routine_options(func: F) -> F:
    """``--hold --sets --rest --sides --set --only --skip --countdown --lead-in``, as ``routine``."""

    @functools.wraps(func)
    def command(*args: Any, **params: Any) -> Any:
        choices = RoutineChoices(
            params.pop("hold"),
            params.pop("sets"),
            params.pop("rest"),
            params.pop("sides"),
            parse_set_values(params.pop("set_values")),
            tuple(params.pop("only")),
            tuple(params.pop("skip")),
            params.pop("countdown"),
            params.pop("lead_in"),
            params.pop("language"),
            params.pop("step"),
            not params.pop("no_progression"),
        )
        return func(*args, routine=choices, **params)

    options = [
        click.option(
            "--hold",
            callback=duration_option(hold_ms),
            metavar="DURATION",
            help="Hold length for every routine, e.g. 20s or 1m.",
        ),
        click.option("--sets", type=click.IntRange(1, MAX_SETS), help="Sets per side."),
        click.option(
            "--rest",
            callback=duration_option(rest_ms),
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
            callback=duration_option(lead_in_ms),
            metavar="DURATION",
            help="Silence before the first word, so Bluetooth headphones wake up in time [default: 1s].",
        ),
        click.option(
            "--language",
            callback=language_option,
            metavar="CODE",
            help="Language of the phrases voice-coach adds: en, de or es [default: the file's own].",
        ),
        click.option(
            "--step",
            type=int,
            metavar="N",
            help="This step of the file's [progression] [default: the one your pain ratings earned].",
        ),
        click.option(
            "--no-progression",
            is_flag=True,
            help="The file's own defaults, not a step of its [progression].",
        ),
    ]
    return cast(F, _decorate(command, options))


def language_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--language de``, checked against the language packs (BadParameter listing them)."""
    if value is None:
        return None
    try:
        return check_language(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def parse_set_values(values: tuple[str, ...]) -> dict[str, Overrides]:
    """``--set kneeling-twist.hold=20s`` values as per-routine overrides."""
    result: dict[str, Overrides] = {}
    for raw in values:
        key, sep, value = raw.partition("=")
        routine_id, dot, name = key.strip().rpartition(".")
        if not sep or not dot or not routine_id:
            raise click.BadParameter(
                f"{raw!r} is not ROUTINE_ID.FIELD=VALUE, e.g. kneeling-twist.hold=20s", param_hint="'--set'"
            )
        if name not in SET_FIELDS:
            raise click.BadParameter(
                f"{raw!r}: unknown field {name!r}; allowed: {', '.join(SET_FIELDS)}", param_hint="'--set'"
            )
        try:
            one = field_override(name, value.strip())
        except ValueError as error:
            raise click.BadParameter(f"{raw!r}: {error}", param_hint="'--set'") from None
        result[routine_id] = result.get(routine_id, Overrides()).merged(one)
    return result


def speech_options(func: F) -> F:
    """``--engine --voice --rate --cache-dir``: which voice speaks and where phrases are cached, as
    ``speech``."""

    @functools.wraps(func)
    def command(*args: Any, **params: Any) -> Any:
        keys = ("engine", "voice", "rate", "cache_dir")
        choices = SpeechChoices(*(params.pop(key) for key in keys))
        return func(*args, speech=choices, **params)

    options = [
        click.option(
            "--engine",
            metavar="NAME",
            help="Speech engine: hibari (the default), piper or pyttsx3.",
        ),
        click.option("--voice", metavar="VOICE", help="Voice id or name; see 'voice-coach voices'."),
        click.option(
            "--rate",
            metavar="RATE",
            help="Speaking rate: words per minute (170) or a factor of the natural pace (1.2x).",
        ),
        cache_dir_option("Phrase cache folder (default: see 'voice-coach cache info')."),
    ]
    return cast(F, _decorate(command, options))


def cache_dir_option(help_text: str) -> Callable[[F], F]:
    """``--cache-dir FOLDER``."""
    return click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help=help_text)


def _decorate(func: Callable[..., Any], options: list[Callable[[Any], Any]]) -> Any:
    for option in reversed(options):
        func = option(func)
    return func


def cache_folder(cache_dir: Path | None, config: UserConfig) -> Path:
    """The phrase cache folder: ``--cache-dir``, else the environment, the config file or the default."""
    return cache_dir or default_cache_dir(config.cache_dir)


def open_cache(cache_dir: Path | None, config: UserConfig) -> PhraseCache:
    """The phrase cache ``cache_folder`` names."""
    return PhraseCache(cache_folder(cache_dir, config), warn=warn)


def warn(message: str) -> None:
    """A library warning, shown on stderr as ``Warning: ...``."""
    click.echo(f"Warning: {message}", err=True)


def history_settings(routine: RoutineChoices, speech: SpeechChoices) -> dict[str, Any]:
    """The options a user set for a session, as history records them."""
    chosen: dict[str, Any] = {
        "hold": routine.hold_ms,
        "sets": routine.sets,
        "rest": routine.rest_ms,
        "sides": routine.sides,
        "engine": speech.engine,
        "voice": speech.voice,
        "rate": speech.rate,
        "countdown": routine.countdown,
    }
    for key in ("hold", "rest"):
        if chosen[key] is not None:
            chosen[key] = f"{chosen[key] / 1000:g}s"
    return {key: value for key, value in chosen.items() if value is not None}


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A ``progress(stage, done, total)`` callback drawing a bar per stage on a terminal's stderr;
    silent in pipes."""
    if not sys.stderr.isatty():
        yield lambda stage, done, total: None
        return
    labels = {"synthesize": "Synthesizing", "render": "Mixing", "encode": "Encoding"}
    bars: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None and done < total:
            for other in bars.values():
                other.__exit__(None, None, None)
            bars.clear()
            label = labels.get(stage, stage.capitalize())
            bar = bars[stage] = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        yield update
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)
