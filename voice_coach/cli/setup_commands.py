"""Commands about the set-up itself: ``config`` (the settings in effect) and ``completion`` (the shell)."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

import voice_coach as vc

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_VOICE_COACH_COMPLETE"


@click.command("config")
def config_command() -> None:
    """Show the settings in effect and where each comes from.

    A setting comes from the config file when it names it, else its default; but $VOICE_COACH_CACHE_DIR
    wins over the file's cache_dir, and $VOICE_COACH_DATA_DIR moves the routine folder when the file names
    none. Command-line options win over all of these for one run.

    \b
    Example:
        voice-coach config
    """
    path, origin = vc.config_file()
    config = vc.load_config()
    missing = "empty" if path.exists() else "not found"  # /dev/null: no config file on purpose
    found = "" if config.source else f", {missing}: every setting has its default"
    click.echo(f"Config file: {path} ({origin}{found})")
    settings = vc.settings_in_effect(config)
    width = max(len(setting.value) for setting in settings)
    click.echo(f"{'SETTING':<12}  {'VALUE':<{width}}  FROM")
    for setting in settings:
        click.echo(f"{setting.name:<12}  {setting.value:<{width}}  {setting.origin}")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell script that completes commands, options and ids.

    It completes the command names, options, built-in and library ids, and file paths.

    \b
    Examples (add the line to ~/.bashrc, ~/.zshrc or ~/.config/fish/config.fish):
        eval "$(voice-coach completion bash)"
        eval "$(voice-coach completion zsh)"
        voice-coach completion fish | source
    """
    complete = get_completion_class(shell)
    assert complete is not None  # click knows every shell of SHELLS
    click.echo(complete(ctx.find_root().command, {}, "voice-coach", COMPLETE_VAR).source())
