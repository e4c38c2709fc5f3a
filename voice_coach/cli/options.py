"""Option groups shared by several commands: click decorators that hand the command one value each.

``@routine_options`` gives a command ``routine``: what ``--hold --sets ...`` said, by the library's names
(``hold``, ``per_routine``), which ``run_choices`` turns into the library's one value for a run's
choices (``vc.RunChoices``) by the library's own rules; ``@speech_options`` gives it ``speech:
SpeechChoices``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import click

import voice_coach as vc

F = TypeVar("F", bound=Callable[..., Any])
Chosen = dict[str, Any]
"""The routine options a user set, by the library's names (``hold``, ``per_routine``...), as given."""
ROUTINE_OPTIONS = (
    "hold", "massage", "sets", "rest", "sides", "only", "skip", "countdown", "lead_in", "language", "step",
)  # fmt: skip
NO_PROGRESSION = "progression"
"""The key of ``routine`` that ``--no-progression`` sets to False: not a run's choice, but which step to
choose (the file's defaults rather than today's)."""


@dataclass(frozen=True)
class SpeechChoices:
    """What ``--engine --voice --rate --cache-dir`` chose (None: not set)."""

    engine: str | None = None
    voice: str | None = None
    rate: str | None = None
    cache_dir: Path | None = None

    def speech(self, config: vc.UserConfig) -> vc.Speech:
        """The library's ``Speech``, the config file filling what no flag set."""
        return config.speech(self.engine, self.voice, self.rate, self.cache_dir)


def run_choices(routine: Chosen, config: vc.UserConfig) -> vc.RunChoices:
    """The run's choices, the config file filling what no flag set (countdown, lead-in); an invalid value
    is refused as click refuses a flag's value (``Invalid value for '--hold': ...``)."""
    try:
        defaults: Chosen = {
            "countdown": config.countdown, "lead_in": config.lead_in, "preferred_language": config.language,
        }  # fmt: skip
        given = {name: value for name, value in routine.items() if name != NO_PROGRESSION}
        return vc.run_choices(**{**defaults, **given})
    except vc.ChoiceError as error:
        problem = f"{error.given!r}: {error.problem}" if error.name == "set" else error.problem
        raise click.BadParameter(problem, param_hint=f"'--{error.name.replace('_', '-')}'") from None


def compile_timeline(target: str, routine: Chosen, config: vc.UserConfig) -> vc.Timeline:
    """``target`` (a file, or an id of the user's library, ``routines_dir`` in the config file, or a
    built-in) compiled with the run's choices, at today's step of its ``[progression]``."""
    return compile_run(target, routine, config)[0]


def compile_run(
    target: str, routine: Chosen, config: vc.UserConfig
) -> tuple[vc.Timeline, vc.RunChoices, vc.Today | None]:
    """``target`` compiled with the run's choices at today's step of its ``[progression]`` (unless
    ``--step`` or ``--no-progression`` say otherwise); the choices, and the step with why (None: the
    file's defaults)."""
    loaded = vc.load(target, config.library())
    enabled = routine.get(NO_PROGRESSION, True)
    choices, step = vc.apply_progression(loaded, run_choices(routine, config), enabled=enabled)
    return vc.compile(loaded, choices, warn=warn), choices, step


def routine_options(func: F) -> F:
    """``--hold --sets --rest --sides --set --only --skip --countdown --lead-in --language --step
    --no-progression``, as ``routine``."""

    @functools.wraps(func)
    def command(*args: Any, **params: Any) -> Any:
        given = {name: params.pop(name) for name in ROUTINE_OPTIONS}
        chosen = {name: value for name, value in given.items() if value not in (None, ())}
        if per_routine := parse_set_values(params.pop("set_values")):
            chosen["per_routine"] = per_routine
        if params.pop("no_progression"):
            chosen[NO_PROGRESSION] = False
        return func(*args, routine=chosen, **params)

    options = [
        click.option(
            "--hold",
            metavar="DURATION",
            help="Hold length of every stretch, e.g. 20s or 1m.",
        ),
        click.option(
            "--massage",
            metavar="DURATION",
            help="Length of every massage (per side), e.g. 3m.",
        ),
        click.option("--sets", type=click.IntRange(1, vc.MAX_SETS), help="Sets per side."),
        click.option(
            "--rest",
            metavar="DURATION",
            help="Rest between sets, e.g. 15s (0 for none).",
        ),
        click.option("--sides", type=click.Choice(vc.SIDE_CHOICES), help="Which sides to do."),
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
            type=click.Choice(vc.COUNTDOWNS),
            help="Which countdown cues to say during holds [default: standard].",
        ),
        click.option(
            "--lead-in",
            metavar="DURATION",
            help="Silence before the first word, so Bluetooth headphones wake up in time [default: 1s].",
        ),
        click.option(
            "--language",
            metavar="CODE",
            help="Language to say it in: one the file is written in (en, de, es) [default: the file's own].",
        ),
        click.option(
            "--step",
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


def parse_set_values(values: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """``--set kneeling-twist.hold=20s`` values as ``{routine id: {field: value}}`` (the library checks
    the fields and values)."""
    result: dict[str, dict[str, str]] = {}
    for raw in values:
        key, sep, value = raw.partition("=")
        routine_id, dot, name = key.strip().rpartition(".")
        if not sep or not dot or not routine_id:
            raise click.BadParameter(
                f"{raw!r} is not ROUTINE_ID.FIELD=VALUE, e.g. kneeling-twist.hold=20s", param_hint="'--set'"
            )
        result.setdefault(routine_id, {})[name] = value.strip()
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


def made_again(damaged: int) -> str:
    """``; 1 damaged phrase made again`` for a summary line, when the phrase cache found damaged entries."""
    return f"; {vc.plural(damaged, 'damaged phrase')} made again" if damaged else ""


def warn(message: str) -> None:
    """A library warning, shown on stderr as ``Warning: ...``."""
    click.echo(f"Warning: {message}", err=True)


def history_settings(choices: vc.RunChoices, routine: Chosen, speech: SpeechChoices) -> dict[str, Any]:
    """The options a user set for a session, as history records them."""
    overrides = choices.overrides
    chosen: dict[str, Any] = {
        "hold": overrides.hold_ms,
        "sets": overrides.sets,
        "rest": overrides.rest_ms,
        "sides": overrides.sides,
        "engine": speech.engine,
        "voice": speech.voice,
        "rate": speech.rate,
        "countdown": routine.get("countdown"),
    }
    for key in ("hold", "rest"):
        if chosen[key] is not None:
            chosen[key] = f"{chosen[key] / 1000:g}s"
    return {key: value for key, value in chosen.items() if value is not None}


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
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
