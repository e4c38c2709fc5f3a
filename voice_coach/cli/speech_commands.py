"""Commands about speech itself: ``voices`` and the phrase ``cache``."""

from __future__ import annotations

from pathlib import Path

import click

from voice_coach import api
from voice_coach.cli.options import (
    RoutineChoices,
    SpeechChoices,
    cache_dir_option,
    open_cache,
    progress_bar,
    routine_options,
    speech_options,
    warn,
)
from voice_coach.config import load_config
from voice_coach.errors import SynthesisError
from voice_coach.speech.engines import ENGINES, default_engine_name, get_engine
from voice_coach.wording import plural


@click.command()
@click.option("--engine", metavar="NAME", help="Only this engine: hibari, piper or pyttsx3.")
def voices(engine: str | None) -> None:
    """List the voices of the speech engines (the default voice is marked *).

    \b
    Examples:
        voice-coach voices
        voice-coach voices --engine pyttsx3
    """
    names = [engine] if engine else sorted(ENGINES, key=lambda n: n != default_engine_name())
    for name in names:
        try:
            chosen = get_engine(name)
        except SynthesisError as error:
            if engine:
                raise
            click.echo(f"{name}: not available ({error})\n")
            continue
        default = chosen.default_voice()
        marker = " (default engine)" if default_engine_name() == chosen.NAME else ""
        click.echo(f"{chosen.NAME}{marker}:")
        for info in chosen.voices():
            star = "*" if info.id == default else " "
            click.echo(f" {star} {info.id:<28} {info.name} [{info.language}]")
        click.echo("")


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
    info = open_cache(cache_dir, load_config()).info()
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
    phrases = open_cache(cache_dir, load_config())
    removed = phrases.clear()
    click.echo(f"Removed {plural(removed, 'cached phrase')} from {phrases.directory}")


@cache.command("warm")
@click.argument("target", metavar="ID|FILE")
@routine_options
@speech_options
def cache_warm(target: str, routine: RoutineChoices, speech: SpeechChoices) -> None:
    """Synthesize every phrase of a routine ahead of time.

    \b
    Examples:
        voice-coach cache warm spi
        voice-coach cache warm spi --engine pyttsx3 --rate 1.2x
    """
    config = load_config()
    timeline = api.compile(target, routine.compile_options(config))
    with progress_bar() as progress:
        spoken = api.synthesize(timeline, speech.speech(config), progress=progress, warn=warn)
    result = spoken.speech
    click.echo(
        f"{plural(result.synthesized, 'phrase')} synthesized, {result.cached} already cached "
        f"({result.settings.engine}, voice {result.settings.voice})"
    )
