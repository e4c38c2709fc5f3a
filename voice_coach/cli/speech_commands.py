"""Commands about speech itself: ``voices`` and the phrase ``cache``."""

from __future__ import annotations

from pathlib import Path

import click

from voice_coach import api
from voice_coach.cli.help import SectionedCommand, complete_target
from voice_coach.cli.options import (
    RoutineChoices,
    SpeechChoices,
    cache_dir_option,
    compile_timeline,
    language_option,
    made_again,
    open_cache,
    progress_bar,
    routine_options,
    speech_options,
    warn,
)
from voice_coach.compiler.timeline import Pause, Say, Timeline
from voice_coach.config import load_config
from voice_coach.errors import CacheError, SynthesisError, UsageError
from voice_coach.speech.engines import ENGINES, default_engine_name, get_engine
from voice_coach.wording import plural

LEAD_IN_MS = 300
"""Silence before the sample, so the first sound of a word is not cut by a waking sound device."""


@click.command()
@click.option("--engine", metavar="NAME", help="Only this engine: hibari, piper or pyttsx3.")
def voices(engine: str | None) -> None:
    """List the voices of each speech engine (* marks the default).

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
    timeline = sample_timeline(text, language)
    chosen = speech.speech(load_config())
    if output is None:
        api.play(timeline, chosen, loudness=-16.0, warn=warn)
        return
    written = api.export(timeline, output, chosen, force=force, warn=warn)
    settings = written.session.speech.settings
    click.echo(f"Wrote {output} ({settings.engine}, voice {settings.voice})")


def sample_timeline(text: str, language: str) -> Timeline:
    """A timeline that says ``text`` once, after a short lead-in; UsageError if there is nothing to say."""
    words = " ".join(text.split())
    if not words:
        raise UsageError('TEXT is empty; give the words to say, e.g. voice-coach say "Breathe out."')
    blocks = (Pause(LEAD_IN_MS, "lead-in"), Say(words, "sample"))
    return Timeline("sample", words[:60], blocks, language=language)


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


@cache.command("warm", cls=SectionedCommand)
@click.argument("target", metavar="ID|FILE", shell_complete=complete_target)
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
    timeline = compile_timeline(target, routine, config)
    warnings: list[str] = []
    with progress_bar() as progress:
        spoken = api.synthesize(timeline, speech.speech(config), progress=progress, warn=warnings.append)
    for message in warnings:
        if message != spoken.cache.warning:  # warming a cache that keeps nothing is an error, not a warning
            warn(message)
    if spoken.cache.warning:
        problem = spoken.cache.warning.split("; phrases are kept")[0]
        raise CacheError(f"{problem}; nothing was stored: make the folder writable, or choose another")
    result = spoken.speech
    click.echo(
        f"{plural(result.synthesized, 'phrase')} synthesized, {result.cached} already cached "
        f"({result.settings.engine}, voice {result.settings.voice}){made_again(spoken.cache.damaged)}"
    )
