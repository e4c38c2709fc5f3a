"""Commands about routine files and their script: ``list``, ``show``, ``validate`` and ``new``."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import click

import voice_coach as vc
from voice_coach.cli.help import SectionedCommand, complete_target
from voice_coach.cli.options import (
    Chosen,
    SpeechChoices,
    compile_run,
    progress_bar,
    routine_options,
    speech_options,
    warn,
)


def estimated_length(timeline: vc.Timeline, speech: vc.Speech) -> str:
    """How long ``timeline`` lasts, as ``mm:ss``; ``~`` first unless the phrase cache held every phrase
    (then it is exact)."""
    estimated = vc.estimate(timeline, speech, warn=warn)
    plan = estimated.schedule
    return ("" if estimated.exact else "~") + vc.clock(plan.ms(plan.total))


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_command(as_json: bool) -> None:
    """List the routines and sessions: built-in and your own.

    Yours are the .toml files of your routine library (see 'voice-coach config': routines_dir), used
    by id like the built-ins. Lengths are exact where every phrase is in the phrase cache (for the
    engine, voice and rate of the config file), else estimated (marked ~).

    \b
    Examples:
        voice-coach list
        voice-coach list --json
    """
    config = vc.load_config()
    entries = vc.catalog(config.library(), SpeechChoices().speech(config), warn=warn)
    if as_json:
        click.echo(json.dumps([catalog_row(entry) for entry in entries], indent=2, ensure_ascii=False))
        return
    width = max(len(entry.id) for entry in entries)
    click.echo(f"{'ID':<{width}}  {'KIND':<8}  {'LENGTH':>7}  TITLE")
    for entry in entries:
        title = entry.title + (" (yours)" if entry.yours else "")
        click.echo(f"{entry.id:<{width}}  {entry.kind:<8}  {entry.length:>7}  {title}")


def catalog_row(entry: vc.CatalogEntry) -> dict[str, Any]:
    """One routine or session as ``list --json`` prints it."""
    row: dict[str, Any] = {
        "id": entry.id,
        "kind": entry.kind,
        "title": entry.title,
        "length_ms": entry.length_ms,
        "exact": entry.exact,
        "source": entry.source,
    }
    if entry.path is not None:
        row["path"] = str(entry.path)
    return row


@click.command(cls=SectionedCommand)
@click.argument("target", metavar="ID|FILE", shell_complete=complete_target)
@routine_options
@speech_options
@click.option(
    "--estimate",
    is_flag=True,
    help="Synthesize nothing: phrase lengths from the cache, else estimated for the engine and rate.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
def show(target: str, estimate: bool, as_json: bool, routine: Chosen, speech: SpeechChoices) -> None:
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
    config = vc.load_config()
    timeline, _, step = compile_run(target, routine, config)
    scheduled: vc.Estimated | vc.Synthesized
    if estimate:
        scheduled = vc.estimate(timeline, speech.speech(config), warn=warn)
    else:
        with progress_bar() as progress:
            scheduled = vc.synthesize(timeline, speech.speech(config), progress=progress, warn=warn)
    if as_json:
        click.echo(json.dumps(vc.timeline_json(scheduled.schedule, scheduled.timing), indent=2))
    else:
        language = timeline.language  # every line in the language the routine is said in
        lines = vc.script_lines(scheduled.schedule, scheduled.timing_in(language))
        if step is not None:  # under the title: today's step, and why
            lines.insert(1, vc.printed(language, "Progression: {summary}", summary=step.summary(language)))
        click.echo("\n".join(lines))
        for dropped in scheduled.schedule.dropped:  # the same words as export's and play's warning
            warn(f'cue "{dropped.text}" dropped: {dropped.reason}')


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check routine and session files; exit 2 if any is invalid.

    \b
    Example:
        voice-coach validate my-stretch.toml my-session.toml
    """
    config = vc.load_config()
    speech = SpeechChoices().speech(config)
    failures = 0
    for path in files:
        try:
            target = vc.load(path, config.library())
            timeline = vc.compile(target)
        except vc.VoiceCoachError as error:
            failures += 1
            for problem in vc.each_problem(error):
                click.echo(f"Error: {problem}", err=True)
            continue
        kind = "session" if isinstance(target, vc.Session) else "routine"
        length = estimated_length(timeline, speech).lstrip("~")  # an engine error ends the command
        for advice in vc.language_advice(target):
            click.echo(f"Warning: {advice}", err=True)
        click.echo(f"ok: {path}: {kind} '{target.id}', about {length}")
    if failures and len(files) > 1:
        click.echo(
            f"{failures} of {vc.plural(len(files), 'file')} {'is' if failures == 1 else 'are'} invalid",
            err=True,
        )
    if failures:
        raise click.exceptions.Exit(2)


@click.command()
@click.argument("name")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--library", "in_library", is_flag=True, help="Write it to your routine library, to use it by id."
)
def new(name: str, force: bool, in_library: bool) -> None:
    """Write a commented routine template to NAME.toml.

    \b
    Examples:
        voice-coach new my-stretch && voice-coach validate my-stretch.toml
        voice-coach new neck --library && voice-coach show neck
    """
    config = vc.load_config()
    path = vc.new_routine(name, library=config.library(), in_library=in_library, force=force)
    shown = path.stem if in_library else shlex.quote(str(path))
    click.echo(f"Wrote {path}. Edit it, then: voice-coach show {shown}")
