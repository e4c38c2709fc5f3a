"""Commands about speech itself: ``voices`` and the phrase ``cache``."""

from __future__ import annotations

from pathlib import Path

import click

import voice_coach as vc
from voice_coach.cli.help import SectionedCommand, complete_target
from voice_coach.cli.options import (
    Chosen,
    SpeechChoices,
    cache_dir_option,
    compile_timeline,
    made_again,
    progress_bar,
    routine_options,
    speech_options,
    warn,
)


@click.command()
@click.option("--engine", metavar="NAME", help="Only this engine: hibari, piper or pyttsx3.")
def voices(engine: str | None) -> None:
    """List the voices of each speech engine (* marks the default).

    \b
    Examples:
        voice-coach voices
        voice-coach voices --engine pyttsx3
    """
    for found in vc.voices(engine):
        if found.error is not None:
            click.echo(f"{found.engine}: not available ({found.error})\n")
            continue
        marker = " (default engine)" if found.default else ""
        click.echo(f"{found.engine}{marker}:")
        for info in found.voices:
            star = "*" if info.id == found.default_voice else " "
            click.echo(f" {star} {info.id:<28} {info.name} [{info.language}]")
        click.echo("")


def language_option(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--language de``, checked by the library's rule for a run's language (BadParameter listing the
    languages)."""
    try:
        language = vc.run_choices(language=value).language
    except vc.ChoiceError as error:
        raise click.BadParameter(error.problem, ctx, param) from None
    assert language is not None  # a language was given
    return language


@click.command(cls=SectionedCommand)
@click.argument("text")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the sample to this .wav or .mp3 file instead of playing it.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--language", callback=language_option, default="en", metavar="CODE", help="The text's language."
)
@speech_options
def say(text: str, output: Path | None, force: bool, language: str, speech: SpeechChoices) -> None:
    """Say TEXT with a voice, to hear it before choosing it.

    Plays it on the sound device, or writes it to a file with -o.

    \b
    Examples:
        voice-coach say "Twist to the left, and hold." --engine pyttsx3 --voice en-us
        voice-coach say "Breathe out." --rate 1.2x -o sample.wav
    """
    spoken = vc.say(text, speech.speech(vc.load_config()), output=output, language=language, force=force,
                    warn=warn)  # fmt: skip
    if isinstance(spoken, vc.Exported):
        settings = spoken.session.speech.settings
        click.echo(f"Wrote {output} ({settings.engine}, voice {settings.voice})")


@click.group()
def cache() -> None:
    """Inspect, empty or fill the phrase cache.

    Every phrase is synthesized once per engine, voice, rate and text, and kept
    here; exports after the first are fast and work offline.
    """


@cache.command("info")
@cache_dir_option("Cache folder to inspect.")
def cache_info(cache_dir: Path | None) -> None:
    """Show where the cache is, how many phrases it holds and its size.

    \b
    Example:
        voice-coach cache info
    """
    info = vc.cache_info(SpeechChoices(cache_dir=cache_dir).speech(vc.load_config()))
    click.echo(f"Location: {info.location}")
    click.echo(f"Entries:  {info.entries}")
    click.echo(f"Size:     {info.bytes / 1_048_576:.1f} MB")


@cache.command("clear")
@cache_dir_option("Cache folder to empty.")
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached phrase (they are made again when needed).

    \b
    Example:
        voice-coach cache clear
    """
    cleared = vc.clear_cache(SpeechChoices(cache_dir=cache_dir).speech(vc.load_config()))
    click.echo(f"Removed {vc.plural(cleared.removed, 'cached phrase')} from {cleared.location}")


@cache.command("warm", cls=SectionedCommand)
@click.argument("target", metavar="ID|FILE", shell_complete=complete_target)
@routine_options
@speech_options
def cache_warm(target: str, routine: Chosen, speech: SpeechChoices) -> None:
    """Synthesize every phrase of a routine ahead of time.

    \b
    Examples:
        voice-coach cache warm spi
        voice-coach cache warm spi --engine pyttsx3 --rate 1.2x
    """
    config = vc.load_config()
    timeline = compile_timeline(target, routine, config)
    warnings: list[str] = []
    with progress_bar() as progress:
        spoken = vc.synthesize(timeline, speech.speech(config), progress=progress, warn=warnings.append)
    for message in warnings:
        if message != spoken.cache.warning:  # warming a cache that keeps nothing is an error, not a warning
            warn(message)
    if spoken.cache.warning:
        problem = spoken.cache.warning.split("; phrases are kept")[0]
        raise vc.VoiceCoachError(
            f"{problem}; nothing was stored: make the folder writable, or choose another"
        )
    result = spoken.speech
    click.echo(
        f"{vc.plural(result.synthesized, 'phrase')} synthesized, {result.cached} already cached "
        f"({result.settings.engine}, voice {result.settings.voice}){made_again(spoken.cache.damaged)}"
    )
