"""The command line: parse options, call the library, turn its errors into messages and exit codes."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import click

from voice_coach import __version__, interrupts
from voice_coach.cli.options import (
    compile_options,
    engine_settings,
    open_cache,
    routine_options,
    speech_options,
)
from voice_coach.compiler.build import CompileOptions, compile_target
from voice_coach.compiler.schedule import Schedule
from voice_coach.config import load_config
from voice_coach.durations import clock
from voice_coach.errors import RoutineError, UsageError, VoiceCoachError
from voice_coach.files import write_text_atomically
from voice_coach.output.script import script_lines, timeline_json
from voice_coach.pipeline import Prepared, compile_ref, estimate, synthesize
from voice_coach.routine.loader import builtin_ids, load_builtin, load_path
from voice_coach.routine.model import Routine, Session


class CommandError(click.ClickException):
    """A failure shown as ``Error: ...``, exit code 1."""


class InputError(CommandError):
    """Bad input (a routine file, an option value) shown as ``Error: ...``, exit code 2."""

    exit_code = 2


def command_error(message: str, exit_code: int) -> CommandError:
    """The click exception that prints ``message`` and exits with ``exit_code`` (1 or 2)."""
    return InputError(message) if exit_code == 2 else CommandError(message)


class FriendlyGroup(click.Group):
    """Maps every VoiceCoachError to one clear message; ``--debug`` shows the traceback instead."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VoiceCoachError as error:
            if ctx.meta.get("voice_coach.debug"):
                raise
            raise command_error(str(error), error.exit_code) from None
        except KeyboardInterrupt:
            # Ctrl-C: clean-up has already run on the way here; exit quietly as shells expect.
            click.echo("Interrupted.", err=True)
            raise click.exceptions.Exit(130) from None


@click.group(cls=FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voice-coach")
@click.option("--debug", is_flag=True, help="Show a full traceback on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Offline, voice-guided stretch and massage routines.

    Routines are TOML files (or built-ins, see 'list'). 'show' prints the script,
    'export' makes an MP3 for your phone, 'play' speaks it live.
    """
    ctx.meta["voice_coach.debug"] = debug


def estimated_schedule(target: Routine | Session, options: CompileOptions) -> Schedule:
    """The target compiled and placed in time (milliseconds) with estimated phrase lengths."""
    return estimate(compile_target(target, options)).plan


@cli.command("list")
def list_command() -> None:
    """List the built-in routines and sessions with their (estimated) length.

    \b
    Example:
        voice-coach list
    """
    rows = []
    for routine_id in builtin_ids():
        target = load_builtin(routine_id)
        kind = "session" if isinstance(target, Session) else target.kind
        total = estimated_schedule(target, CompileOptions()).total
        rows.append((routine_id, kind, "~" + clock(total), target.title))
    width = max(len(r[0]) for r in rows)
    click.echo(f"{'ID':<{width}}  {'KIND':<8}  {'LENGTH':>7}  TITLE")
    for routine_id, kind, length, title in rows:
        click.echo(f"{routine_id:<{width}}  {kind:<8}  {length:>7}  {title}")


@cli.command()
@click.argument("target", metavar="ID|FILE")
@routine_options
@speech_options
@click.option("--estimate", is_flag=True, help="Guess phrase lengths from word counts; synthesize nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
def show(target: str, estimate: bool, as_json: bool, **params: Any) -> None:
    """Print the script of a routine or session, with start times.

    Times are exact: every phrase is synthesized (or read from the cache) and measured.

    \b
    Examples:
        voice-coach show spi
        voice-coach show kneeling-twist --hold 20s --sets 4
        voice-coach show spi --only kneeling-twist --json
        voice-coach show my-stretch.toml --estimate
    """
    prepared = prepare(target, params, speak=not estimate)
    if as_json:
        click.echo(json.dumps(timeline_json(prepared.plan, prepared.timing), indent=2))
    else:
        click.echo("\n".join(script_lines(prepared.plan, prepared.timing)))


def prepare(target: str, params: dict[str, Any], *, speak: bool, rate: int | None = None) -> Prepared:
    """Compile ``target`` with the command's options; when ``speak``, synthesize its phrases (a
    progress bar on a terminal) and schedule at ``rate`` (default: the engine's sample rate)."""
    config = load_config()
    timeline = compile_ref(target, compile_options(params, config))
    if not speak:
        return estimate(timeline)
    settings = engine_settings(params, config)
    cache = open_cache(params, config)
    with progress_bar("Synthesizing") as progress:
        return synthesize(timeline, settings, cache, progress, rate)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a bar on a terminal's stderr; silent in pipes."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and done < total:
            bar = click.progressbar(length=total, label=label, file=sys.stderr).__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check routine and session files; exit 2 if any is invalid.

    \b
    Example:
        voice-coach validate my-stretch.toml my-session.toml
    """
    failures = 0
    for path in files:
        try:
            target = load_path(path)
            total = estimated_schedule(target, CompileOptions()).total
        except VoiceCoachError as error:
            failures += 1
            click.echo(f"Error: {error}", err=True)
            continue
        kind = "session" if isinstance(target, Session) else "routine"
        click.echo(f"ok: {path}: {kind} '{target.id}', about {clock(total)}")
    if failures:
        raise InputError(f"{failures} of {len(files)} files are invalid")


@cli.command()
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
    write_text_atomic(path, text)
    click.echo(f"Wrote {path}. Edit it, then: voice-coach show {path}")


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temp file and a rename: never half a file."""
    try:
        write_text_atomically(path, text)
    except OSError as error:
        raise RoutineError(f"{path}: cannot write ({error.strerror})") from None


def main() -> None:
    """Console entry point: quiet on Ctrl-C and on a closed pipe (``voice-coach show spi | head``).

    SIGTERM (``kill``, a service manager) and SIGHUP (the terminal closed) end the program the way
    Ctrl-C does, through the clean-up on the way out: speech workers and ffmpeg are stopped and an
    export's temporary files are removed. Their default action would end it on the spot, leaving
    ``.part`` files beside the target. No signal is ever lost on the way (see ``interrupts``).
    """
    # numpy's OpenBLAS would start a thread per core at import; nothing here multiplies matrices.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    interrupts.install()
    try:
        cli.main(prog_name="voice-coach")
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - avoid a second error at interpreter exit
        sys.exit(0)


def _register() -> None:
    from voice_coach.cli.sound_commands import export, history, play
    from voice_coach.cli.speech_commands import cache, voices

    for command in (export, play, voices, cache, history):
        cli.add_command(command)


_register()
