"""Commands that make sound: ``export`` (files) and ``play`` (live), and the ``history`` of sessions."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from voice_coach.audio.wav import MP3_RATES
from voice_coach.cli.options import routine_options, speech_options
from voice_coach.durations import clock
from voice_coach.output.cuesheets import FORMATS as CUE_FORMATS
from voice_coach.pipeline import Prepared

if TYPE_CHECKING:
    from voice_coach.audio.clip import Clip
    from voice_coach.audio.mixer import Mix
    from voice_coach.live.steps import Status


def speak(target: str, params: dict[str, Any], rate: int | None = None) -> Prepared:
    """Compile and synthesize (see ``cli.prepare``), warning about cues that did not fit."""
    from voice_coach.cli.main import prepare

    prepared = prepare(target, params, speak=True, rate=rate)
    for dropped in prepared.plan.dropped:
        click.echo(f'Warning: cue "{dropped.text}" dropped: {dropped.reason}', err=True)
    return prepared


def check_music(music: Path | None) -> None:
    """Nothing if there is no music file or it can be read; ExportError before any synthesis otherwise."""
    if music is not None:
        from voice_coach.audio.wav import check_music as check_file

        check_file(music)


def voice_rate(params: dict[str, Any]) -> int:
    """The sample rate of the chosen engine's voice (no synthesis needed to know it)."""
    from voice_coach.cli.options import engine_settings
    from voice_coach.config import load_config
    from voice_coach.speech.engines import get_engine

    return get_engine(engine_settings(params, load_config()).engine).sample_rate


def read_bed(music: Path | None) -> Clip | None:
    """The music file's audio, if there is one (ExportError if it cannot be read)."""
    from voice_coach.audio.wav import read_music

    return read_music(music) if music else None


def mixed(prepared: Prepared, bed: Clip | None, loudness: float | None) -> Mix:
    """The session's mix at the schedule's rate, with an optional ducked music bed.

    The mix's loudness analysis is kept in the phrase cache, so the next mix of the same phrases (an
    export again, or ``play``) starts from it and is ready sooner.
    """
    from voice_coach.audio.mixer import Analysis, mix

    assert prepared.speech is not None
    cache = prepared.cache
    kept = cache.analyses() if cache else {}
    hints = {key: hint for key, record in kept.items() if (hint := Analysis.from_record(key, record))}
    audio = mix(prepared.plan, prepared.speech.clips, loudness_lufs=loudness, music=bed, hints=hints)
    if cache and audio.analysis and audio.analysis != hints.get(audio.analysis.key):
        cache.keep_analysis(audio.analysis.key, audio.analysis.record())
    return audio


def parse_cues(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """``lrc,srt`` as a tuple of known cue sheet formats."""
    if not value:
        return ()
    formats = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [f for f in formats if f not in CUE_FORMATS]
    if unknown:
        raise click.BadParameter(f"unknown format {unknown[0]!r}; use any of {', '.join(CUE_FORMATS)}")
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
@click.option("--sample-rate", type=click.IntRange(8000, 48000), help="Output sample rate in Hz.")
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
    **params: Any,
) -> None:
    """Write a routine or session as an MP3 or WAV file, with chapters and tags.

    \b
    Examples:
        voice-coach export spi -o spi.mp3
        voice-coach export kneeling-twist --hold 20s --sets 4 -o twist.mp3 --cues lrc
        voice-coach export spi -o spi.mp3 --split --force
        voice-coach export spi -o spi.wav --music calm.mp3
    """
    from voice_coach.output import export as exporter

    if sample_rate and output.suffix.lower() == ".mp3" and sample_rate not in MP3_RATES:
        rates = ", ".join(str(r) for r in MP3_RATES)
        raise click.BadParameter(
            f"an MP3 cannot have {sample_rate} Hz; use one of {rates}", param_hint="'--sample-rate'"
        )
    rate = sample_rate or voice_rate(params)
    exporter.check_output(output, force=force, split=split, cue_formats=cues, bitrate=bitrate, rate=rate)
    check_music(music)
    from voice_coach.cli.main import progress_bar

    prepared = speak(target, params, sample_rate)
    bed = read_bed(music)
    with progress_bar("Encoding") as progress:
        written = exporter.export(
            lambda: mixed(prepared, bed, loudness),
            prepared.plan,
            output,
            bitrate=bitrate,
            split=split,
            cue_formats=cues,
            force=force,
            progress=lambda stage, done, total: progress(done, total),
        )
    plan, speech = prepared.plan, prepared.speech
    assert speech is not None
    chapters = len(plan.chapters())
    click.echo(
        f"Wrote {', '.join(str(p) for p in written)} ({clock(plan.ms(plan.total))}, "
        f"{chapters} chapters; {speech.synthesized} phrases synthesized, {speech.cached} cached)"
    )


@click.command()
@click.argument("target", metavar="ID|FILE")
@click.option("--quiet", is_flag=True, help="No status line.")
@mix_options
@routine_options
@speech_options
def play(target: str, quiet: bool, music: Path | None, loudness: float | None, **params: Any) -> None:
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
    from voice_coach.live.history import HistoryEntry, HistoryError, append_history
    from voice_coach.live.player import SimpleaudioSink, open_keys, play_session, summarize

    sink = SimpleaudioSink()
    sink.check()
    check_music(music)
    prepared = speak(target, params)
    clip = mixed(prepared, read_bed(music), loudness).clip()
    draw = None if quiet or not sys.stderr.isatty() else status_drawer()
    with open_keys() as keys:
        outcome = play_session(prepared.plan, clip, sink=sink, keys=keys, on_status=draw)
    if draw is not None:
        click.echo("", err=True)
    timeline = prepared.timeline
    kinds = dict(zip(timeline.routine_ids, timeline.routine_kinds, strict=True))
    click.echo(summarize(prepared.plan, outcome, kinds))
    if outcome.ended == "finished":
        entry = HistoryEntry.now(timeline.id, timeline.title, outcome.heard_ms, settings(params))
        try:
            append_history(entry)
        except HistoryError as error:  # the session was done; losing its record is not a failure
            click.echo(f"Warning: {error}", err=True)
    if outcome.ended == "interrupted":
        sys.exit(130)


def status_drawer() -> Any:
    """A status callback redrawing one line on stderr with ``\\r``."""
    from voice_coach.live.player import format_status

    def draw(status: Status) -> None:
        width = shutil.get_terminal_size().columns - 1
        sys.stderr.write("\r" + format_status(status, width).ljust(width))
        sys.stderr.flush()

    return draw


def settings(params: dict[str, Any]) -> dict[str, Any]:
    """The options a user set for a session, as history records them."""
    keys = ("hold", "sets", "rest", "sides", "engine", "voice", "rate", "countdown")
    chosen = {key: params[key] for key in keys if params.get(key) is not None}
    for key in ("hold", "rest"):
        if key in chosen:
            chosen[key] = f"{chosen[key] / 1000:g}s"
    return chosen


@click.command()
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="How many to show.")
def history(limit: int) -> None:
    """List the sessions you completed with 'play', newest last.

    \b
    Example:
        voice-coach history
    """
    from voice_coach.live.history import format_entry, history_path, read_history

    entries = read_history()
    if not entries:
        click.echo(f"No sessions yet (they are recorded in {history_path()}).")
    for entry in entries[-limit:]:
        click.echo(format_entry(entry))
