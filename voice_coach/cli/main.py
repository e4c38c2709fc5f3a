"""The ``voice-coach`` group: registers the commands, maps library errors to messages and exit codes."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

import voice_coach as vc
from voice_coach.cli.device_commands import devices
from voice_coach.cli.handover_commands import handout, import_command, pack
from voice_coach.cli.help import DEBUG, debug_option, one_line
from voice_coach.cli.programme_commands import log_command, progress, remind
from voice_coach.cli.script_commands import list_command, new, show, validate
from voice_coach.cli.setup_commands import completion, config_command
from voice_coach.cli.sound_commands import export, history, play
from voice_coach.cli.speech_commands import cache, say, voices


class CommandError(click.ClickException):
    """A failure shown as ``Error: ...``, exit code 1."""


class InputError(CommandError):
    """Bad input (a routine file, an option value) shown as ``Error: ...``, exit code 2."""

    exit_code = 2


def command_error(error: vc.VoiceCoachError) -> CommandError:
    """The click exception that prints ``error`` in the CLI's words (``--hold``) with its exit code."""
    message = error.worded(lambda name: "--" + name.replace("_", "-"))
    return InputError(message) if error.exit_code == 2 else CommandError(message)


LAZY_COMMANDS = {
    "serve": (
        "voice_coach.cli.serve_command",
        "Serve the routines to a phone: player, downloads, podcast feed.",
    ),
}
"""Commands loaded only when run: ``serve`` brings starlette and uvicorn (about 80 ms), which no other
command should pay at start-up. Its summary is here so ``--help`` lists it without loading it."""


class FriendlyGroup(click.Group):
    """Maps every VoiceCoachError to one clear message; ``--debug`` shows the traceback instead. click's
    own usage errors are one line too. Loads ``LAZY_COMMANDS`` when they are run or asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:  # listed by --help: a stand-in
            return click.Command(name, short_help=LAZY_COMMANDS[name][1])
        return super().get_command(ctx, name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else None
        if name in LAZY_COMMANDS and name not in self.commands:
            command = getattr(importlib.import_module(LAZY_COMMANDS[name][0]), name)
            debug_option(command)
            self.add_command(command)
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            raise one_line(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            raise one_line(error) from None
        except vc.VoiceCoachError as error:
            if ctx.meta.get(DEBUG):
                raise
            raise command_error(error) from None
        except KeyboardInterrupt:
            # Ctrl-C: clean-up has already run on the way here; exit quietly as shells expect.
            click.echo("Interrupted.", err=True)
            raise click.exceptions.Exit(130) from None


@click.group(cls=FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(vc.__version__, prog_name="voice-coach")
@click.option("--debug", is_flag=True, help="Show a full traceback on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Offline, voice-guided stretch and massage routines.

    Routines are TOML files (or built-ins, see 'list'). 'show' prints the script,
    'export' makes an MP3 for your phone, 'play' speaks it live.
    """
    if debug:
        ctx.meta[DEBUG] = True


COMMANDS = (
    list_command,
    show,
    validate,
    new,
    export,
    play,
    handout,
    pack,
    import_command,
    devices,
    say,
    voices,
    cache,
    history,
    log_command,
    progress,
    remind,
    config_command,
    completion,
)
for _command in COMMANDS:
    debug_option(_command)
    cli.add_command(_command)


def main() -> None:
    """Console entry point: quiet on Ctrl-C and on a closed pipe (``voice-coach show spi | head``).

    SIGTERM (``kill``, a service manager) and SIGHUP (the terminal closed) end the program the way
    Ctrl-C does, through the clean-up on the way out: speech workers and ffmpeg are stopped and an
    export's temporary files are removed. Their default action would end it on the spot, leaving
    ``.part`` files beside the target. No signal is ever lost on the way (see ``interrupts``).
    """
    # numpy's OpenBLAS would start a thread per core at import; nothing here multiplies matrices.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    vc.interrupts.install()
    try:
        cli.main(prog_name="voice-coach")
    except KeyboardInterrupt:
        vc.interrupts.exit_now(130)
    except SystemExit as done:
        if vc.interrupts.received() and isinstance(done.code, int):
            vc.interrupts.exit_now(done.code)
        raise
    except BrokenPipeError:
        sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - avoid a second error at interpreter exit
        sys.exit(0)
