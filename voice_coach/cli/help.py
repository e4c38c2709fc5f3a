"""How the CLI presents itself: options in sections in ``--help``, usage errors on one line, ``--debug``
anywhere on the line.

click prints a usage error in three lines (usage, a hint, the error) and lists every option in one block;
export has over twenty. Here an error is one ``Error: ...`` line like every other message, and the
options are grouped by what they change: the routine, the speech, the output.
"""

from __future__ import annotations

from typing import Any

import click
from click.shell_completion import CompletionItem

import voice_coach as vc

DEBUG = "voice_coach.debug"
"""Where ``--debug`` is noted in the context's ``meta``, which every nested context shares."""
SECTIONS = {
    "Output": (
        "output", "force", "split", "cues", "chapters_json", "bitrate", "sample_rate", "cover", "music",
        "loudness",
    ),
    "Routine overrides": (
        "hold", "sets", "rest", "sides", "set_values", "only", "skip", "countdown", "lead_in", "language",
    ),
    "Speech": ("engine", "voice", "rate", "cache_dir"),
}  # fmt: skip
"""The sections of ``--help``, by option name; any other option is listed under ``Options``."""


class SectionedCommand(click.Command):
    """A command whose ``--help`` lists its options in ``SECTIONS``."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows: dict[str, list[tuple[str, str]]] = {name: [] for name in [*SECTIONS, "Options"]}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                rows[section_of(param.name or "")].append(record)
        for name, records in rows.items():
            if records:
                with formatter.section(name):
                    formatter.write_dl(records)


def section_of(name: str) -> str:
    """The ``--help`` section of the option called ``name``."""
    return next((section for section, names in SECTIONS.items() if name in names), "Options")


def one_line(error: click.UsageError) -> click.UsageError:
    """``error`` as one line: a missing argument or an unknown option or command also gets its usage."""
    message = error.format_message()
    if not message.startswith("Invalid value") and not message.endswith("?") and error.ctx is not None:
        message = f"{message.rstrip('.')}; usage: {error.ctx.get_usage().removeprefix('Usage: ')}"
    return OneLineUsageError(message, error.ctx)


class OneLineUsageError(click.UsageError):
    """A usage error shown as ``Error: ...`` alone, without click's usage and hint lines."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


def debug_option(command: click.Command) -> None:
    """Let ``--debug`` come after the command name too (``voice-coach show x.toml --debug``), as people
    add it when an error appears; for a group, for each of its commands."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            debug_option(sub)
    if any(param.name == "debug" for param in command.params):
        return
    command.params.append(
        click.Option(
            ["--debug"],
            is_flag=True,
            expose_value=False,
            callback=_note_debug,
            help="Show a full traceback on errors.",
        )
    )


def _note_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[DEBUG] = True


def complete_target(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Shell completion of ``ID|FILE``: the built-in ids and your library's that start with what was
    typed, and file paths (the shell completes those itself)."""
    try:
        library = vc.load_config().library()
    except vc.VoiceCoachError:  # a broken config file must not break the shell's completion
        library = None
    ids = [
        CompletionItem(routine_id, help="your routine" if origin == "yours" else "built-in")
        for routine_id, origin in vc.known_ids(library).items()
        if routine_id.startswith(incomplete)
    ]
    # bash's script empties its list at a "file" item, so that item comes first; zsh and fish offer both
    return [CompletionItem(incomplete, type="file"), *ids]
