"""Commands about routine files and their script: ``list``, ``show``, ``validate`` and ``new``."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import click

from voice_coach import api
from voice_coach.cli.options import (
    RoutineChoices,
    SpeechChoices,
    progress_bar,
    routine_options,
    speech_options,
    warn,
)
from voice_coach.compiler.build import CompileOptions
from voice_coach.compiler.timeline import Timeline
from voice_coach.config import load_config
from voice_coach.durations import clock
from voice_coach.errors import RoutineError, UsageError, VoiceCoachError
from voice_coach.files import write_text_atomically
from voice_coach.output.script import script_lines, timeline_json
from voice_coach.routine.loader import builtin_ids, load_path
from voice_coach.routine.model import Session
from voice_coach.wording import agree, plural


def estimated_length(timeline: Timeline, speech: api.Speech) -> str:
    """How long ``timeline`` lasts, as ``mm:ss``; ``~`` first unless the phrase cache held every phrase
    (then it is exact)."""
    estimated = api.estimate(timeline, speech, warn=warn)
    plan = estimated.schedule
    return ("" if estimated.exact else "~") + clock(plan.ms(plan.total))


@click.command("list")
def list_command() -> None:
    """List the built-in routines and sessions with their length.

    Lengths are exact where every phrase is in the phrase cache (for the engine, voice and rate of the
    config file), else estimated (marked ~).

    \b
    Example:
        voice-coach list
    """
    speech = SpeechChoices().speech(load_config())
    rows = []
    for routine_id in builtin_ids():
        target = api.load(routine_id)
        kind = "session" if isinstance(target, Session) else target.kind
        length = estimated_length(api.compile(target, CompileOptions()), speech)
        rows.append((routine_id, kind, length, target.title))
    width = max(len(r[0]) for r in rows)
    click.echo(f"{'ID':<{width}}  {'KIND':<8}  {'LENGTH':>7}  TITLE")
    for routine_id, kind, length, title in rows:
        click.echo(f"{routine_id:<{width}}  {kind:<8}  {length:>7}  {title}")


@click.command()
@click.argument("target", metavar="ID|FILE")
@routine_options
@speech_options
@click.option(
    "--estimate",
    is_flag=True,
    help="Synthesize nothing: phrase lengths from the cache, else estimated for the engine and rate.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
def show(target: str, estimate: bool, as_json: bool, routine: RoutineChoices, speech: SpeechChoices) -> None:
    """Print the script of a routine or session, with start times.

    Times are exact: every phrase is synthesized (or read from the cache) and measured;
    with --estimate nothing is synthesized and phrases not in the cache are estimated.

    \b
    Examples:
        voice-coach show spi
        voice-coach show kneeling-twist --hold 20s --sets 4
        voice-coach show spi --only kneeling-twist --json
        voice-coach show my-stretch.toml --estimate
    """
    config = load_config()
    timeline = api.compile(target, routine.compile_options(config))
    scheduled: api.Estimated | api.Synthesized
    if estimate:
        scheduled = api.estimate(timeline, speech.speech(config), warn=warn)
    else:
        with progress_bar() as progress:
            scheduled = api.synthesize(timeline, speech.speech(config), progress=progress, warn=warn)
    if as_json:
        click.echo(json.dumps(timeline_json(scheduled.schedule, scheduled.timing), indent=2))
    else:
        click.echo("\n".join(script_lines(scheduled.schedule, scheduled.timing)))


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check routine and session files; exit 2 if any is invalid.

    \b
    Example:
        voice-coach validate my-stretch.toml my-session.toml
    """
    speech = SpeechChoices().speech(load_config())
    failures = 0
    for path in files:
        try:
            target = load_path(path)
            timeline = api.compile(target, CompileOptions())
        except VoiceCoachError as error:
            failures += 1
            click.echo(f"Error: {error}", err=True)
            continue
        kind = "session" if isinstance(target, Session) else "routine"
        length = estimated_length(timeline, speech).lstrip("~")  # an engine error ends the command
        click.echo(f"ok: {path}: {kind} '{target.id}', about {length}")
    if failures:
        invalid = f"{failures} of {plural(len(files), 'file')} {agree(failures, 'is', 'are')} invalid"
        raise UsageError(invalid)


@click.command()
@click.argument("name")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(name: str, force: bool) -> None:
    """Write a commented routine template to NAME.toml.

    \b
    Example:
        voice-coach new my-stretch && voice-coach validate my-stretch.toml
    """
    path = Path(name if name.endswith(".toml") else f"{name}.toml")
    routine_id = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:64] or "my-routine"
    if path.exists() and not force:
        raise UsageError(f"{path}: already exists; use --force to overwrite it")
    template = (resources.files("voice_coach.routine") / "templates" / "routine.toml").read_text("utf-8")
    title = routine_id.replace("-", " ").capitalize()
    text = template.replace("@ID@", routine_id).replace("@TITLE@", title).replace("@FILE@", str(path))
    try:
        write_text_atomically(path, text)
    except OSError as error:
        raise RoutineError(f"{path}: cannot write ({error.strerror})") from None
    click.echo(f"Wrote {path}. Edit it, then: voice-coach show {path}")
