"""Commands that make sound: ``export`` (files) and ``play`` (live), and the ``history`` of sessions."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from voice_coach import api
from voice_coach.cli.options import (
    RoutineChoices,
    SpeechChoices,
    history_settings,
    progress_bar,
    routine_options,
    speech_options,
    warn,
)
from voice_coach.config import load_config
from voice_coach.durations import clock
from voice_coach.live.history import (
    HistoryEntry,
    HistoryError,
    append_history,
    format_entry,
    history_path,
    read_history,
)
from voice_coach.live.keys import open_keys
from voice_coach.live.player import summarize
from voice_coach.live.steps import Status, format_status
from voice_coach.output.cuesheets import unknown_format
from voice_coach.output.mp3 import MP3_RATES
from voice_coach.wording import plural


def parse_cues(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """``lrc,srt`` as a tuple of known cue sheet formats."""
    if not value:
        return ()
    formats = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    if problem := unknown_format(formats):
        raise click.BadParameter(problem)
    return formats


def parse_loudness(ctx: click.Context, param: click.Parameter, value: str) -> float | None:
    """``-16`` (LUFS) as a float, ``off`` as None."""
    if value.lower() == "off":
        return None
    try:
        lufs = float(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a number of LUFS (e.g. -16) or 'off'") from None
    if not -40 <= lufs <= -5:
        raise click.BadParameter(f"{value} is outside -40..-5 LUFS; -16 suits speech on phones")
    return lufs


def parse_sample_rate(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """``--sample-rate``: refused for an MP3 when MP3 cannot have it (libmp3lame would change it)."""
    output = ctx.params.get("output")
    if value and output is not None and output.suffix.lower() == ".mp3" and value not in MP3_RATES:
        rates = ", ".join(str(r) for r in MP3_RATES)
        raise click.BadParameter(f"an MP3 cannot have {value} Hz; use one of {rates}")
    return value


def mix_options(func: Any) -> Any:
    """``--music --loudness``: shared by export and play."""
    func = click.option(
        "--loudness",
        default="-16",
        show_default=True,
        callback=parse_loudness,
        metavar="LUFS|off",
        help="Integrated loudness target; 'off' keeps the voice's own level.",
    )(func)
    return click.option(
        "--music",
        type=click.Path(dir_okay=False, path_type=Path),
        help="A music file to loop under the session, ducked under every cue.",
    )(func)


@click.command()
@click.argument("target", metavar="ID|FILE")
@click.option(
    "-o",
    "--output",
    required=True,
    is_eager=True,
    type=click.Path(path_type=Path),
    help="The file to write: .mp3 (for phones) or .wav.",
)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--split", is_flag=True, help="One file per chapter in a folder, plus an .m3u playlist.")
@click.option(
    "--cues",
    callback=parse_cues,
    metavar="lrc,srt,vtt",
    help="Also write cue sheets of everything said, beside the audio.",
)
@click.option("--bitrate", default="64k", show_default=True, help="MP3 bitrate (mono).")
@click.option(
    "--sample-rate",
    type=click.IntRange(8000, 48000),
    callback=parse_sample_rate,
    help="Output sample rate in Hz.",
)
@mix_options
@routine_options
@speech_options
def export(
    target: str,
    output: Path,
    force: bool,
    split: bool,
    cues: tuple[str, ...],
    bitrate: str,
    sample_rate: int | None,
    music: Path | None,
    loudness: float | None,
    routine: RoutineChoices,
    speech: SpeechChoices,
) -> None:
    """Write a routine or session as an MP3 or WAV file, with chapters and tags.

    \b
    Examples:
        voice-coach export spi -o spi.mp3
        voice-coach export kneeling-twist --hold 20s --sets 4 -o twist.mp3 --cues lrc
        voice-coach export spi -o spi.mp3 --split --force
        voice-coach export spi -o spi.wav --music calm.mp3
    """
    config = load_config()
    timeline = api.compile(target, routine.compile_options(config))
    with progress_bar() as progress:
        written = api.export(
            timeline,
            output,
            speech.speech(config),
            bitrate=bitrate,
            sample_rate=sample_rate,
            split=split,
            cues=cues,
            music=music,
            loudness=loudness,
            force=force,
            progress=progress,
            warn=warn,
        )
    spoken = written.session.speech
    chapters = len(written.session.schedule.chapters())
    click.echo(
        f"Wrote {', '.join(str(p) for p in written.paths)} ({clock(written.length_ms)}, "
        f"{plural(chapters, 'chapter')}; {plural(spoken.synthesized, 'phrase')} synthesized, "
        f"{spoken.cached} cached)"
    )


@click.command()
@click.argument("target", metavar="ID|FILE")
@click.option("--quiet", is_flag=True, help="No status line.")
@mix_options
@routine_options
@speech_options
def play(
    target: str,
    quiet: bool,
    music: Path | None,
    loudness: float | None,
    routine: RoutineChoices,
    speech: SpeechChoices,
) -> None:
    """Speak a routine or session live, hands-free.

    \b
    Keys (on a terminal, no Enter needed):
        space  pause / resume      n  next step       b  back (twice: previous step)
        ]      next routine/side   [  start of it (twice: previous)     q  quit
    Without a terminal (a pipe, cron) it plays straight through.

    \b
    Examples:
        voice-coach play spi
        voice-coach play kneeling-twist --hold 20s --sides left
    """
    config = load_config()
    timeline = api.compile(target, routine.compile_options(config))
    draw = None if quiet or not sys.stderr.isatty() else status_drawer()
    with progress_bar() as progress, open_keys() as keys:
        played = api.play(
            timeline,
            speech.speech(config),
            music=music,
            loudness=loudness,
            keys=keys,
            on_status=draw,
            progress=progress,
            warn=warn,
        )
    if draw is not None:
        click.echo("", err=True)
    outcome = played.outcome
    kinds = dict(zip(timeline.routine_ids, timeline.routine_kinds, strict=True))
    click.echo(summarize(played.session.schedule, outcome, kinds))
    if outcome.ended == "finished":
        entry = HistoryEntry.now(
            timeline.id, timeline.title, outcome.heard_ms, history_settings(routine, speech)
        )
        try:
            append_history(entry)
        except HistoryError as error:  # the session was done; losing its record is not a failure
            click.echo(f"Warning: {error}", err=True)
    if outcome.ended == "interrupted":
        sys.exit(130)


def status_drawer() -> Callable[[Status], None]:
    """A status callback redrawing one line on stderr with ``\\r``."""

    def draw(status: Status) -> None:
        width = shutil.get_terminal_size().columns - 1
        sys.stderr.write("\r" + format_status(status, width).ljust(width))
        sys.stderr.flush()

    return draw


@click.command()
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="How many to show.")
def history(limit: int) -> None:
    """List the sessions you completed with 'play', newest last.

    \b
    Example:
        voice-coach history
    """
    entries = read_history()
    if not entries:
        click.echo(f"No sessions yet (they are recorded in {history_path()}).")
    for entry in entries[-limit:]:
        click.echo(format_entry(entry))
