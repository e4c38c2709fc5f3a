"""Commands that make sound: ``export`` (files) and ``play`` (live), and the ``history`` of sessions."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import click

from voice_coach import api
from voice_coach.cli.device_commands import device_option, output_sink
from voice_coach.cli.help import SectionedCommand, complete_target
from voice_coach.cli.options import (
    RoutineChoices,
    SpeechChoices,
    compile_timeline,
    history_settings,
    progress_bar,
    routine_options,
    speech_options,
    warn,
)
from voice_coach.cli.play_screen import StatusScreen, each, media_keys, voice_commands
from voice_coach.compiler.timeline import Timeline
from voice_coach.config import load_config
from voice_coach.durations import clock
from voice_coach.errors import UsageError, literal
from voice_coach.live.history import (
    HistoryEntry,
    HistoryError,
    append_history,
    format_entry,
    history_path,
    read_history,
)
from voice_coach.live.keys import KEY_HELP, TerminalKeys, open_keys
from voice_coach.live.outcome import summarize
from voice_coach.live.resume import StartAt, check_from, resume_point, session_entry
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
    """``--sample-rate``: refused for an MP3 or M4B when it cannot have it (the encoder would change it)."""
    output = ctx.params.get("output")
    kind = output.suffix.lower().lstrip(".") if output is not None else ""
    if value and kind in ("mp3", "m4b") and value not in MP3_RATES:
        rates = ", ".join(str(r) for r in MP3_RATES)
        raise click.BadParameter(f"an {kind.upper()} cannot have {value} Hz; use one of {rates}")
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


@click.command(cls=SectionedCommand)
@click.argument("target", metavar="ID|FILE", shell_complete=complete_target)
@click.option(
    "-o",
    "--output",
    required=True,
    is_eager=True,
    type=click.Path(path_type=Path),
    help="The file to write: .mp3 (for phones), .m4b (an audiobook with chapters) or .wav.",
)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--split", is_flag=True, help="One file per chapter in a folder, plus an .m3u8 playlist.")
@click.option(
    "--cues",
    callback=parse_cues,
    metavar="lrc,srt,vtt",
    help="Also write cue sheets of everything said, beside the audio.",
)
@click.option(
    "--chapters-json",
    is_flag=True,
    help="Also write the chapters as Podcasting 2.0 JSON beside the audio (NAME.chapters.json).",
)
@click.option(
    "--bitrate",
    default="64k",
    show_default=True,
    metavar="KBITS",
    help="Bitrate (mono): an MP3 bitrate, 8k to 320k, or for M4B (AAC) any from 16k; 64k suits speech.",
)
@click.option(
    "--sample-rate",
    type=click.IntRange(8000, 48000),
    callback=parse_sample_rate,
    metavar="HZ",
    help="Output sample rate [default: the voice's own: 24000 Hz for hibari, 22050 Hz for Piper, espeak-ng].",
)
@click.option(
    "--cover",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Cover art to embed (JPEG or PNG) [default: one drawn with the title].",
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
    chapters_json: bool,
    bitrate: str,
    sample_rate: int | None,
    cover: Path | None,
    music: Path | None,
    loudness: float | None,
    routine: RoutineChoices,
    speech: SpeechChoices,
) -> None:
    """Write a routine or session to an MP3, M4B or WAV file.

    The file has chapters (one per routine or side), tags and cover art; --split writes a file per chapter.

    \b
    Examples:
        voice-coach export spi -o spi.mp3
        voice-coach export kneeling-twist --hold 20s --sets 4 -o twist.mp3 --cues lrc
        voice-coach export spi -o spi.mp3 --split --force
        voice-coach export spi -o spi.m4b --chapters-json --cover me.jpg
        voice-coach export spi -o spi.wav --music calm.mp3
    """
    config = load_config()
    timeline = compile_timeline(target, routine, config)
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
            chapters_json=chapters_json,
            cover=cover,
        )
    spoken = written.session.speech
    chapters = len(written.session.schedule.chapters())
    click.echo(
        f"Wrote {', '.join(str(p) for p in written.paths)} ({clock(written.length_ms)}, "
        f"{plural(chapters, 'chapter')}; {plural(spoken.synthesized, 'phrase')} synthesized, "
        f"{spoken.cached} cached)"
    )


@click.command(cls=SectionedCommand)
@click.argument("target", metavar="ID|FILE", shell_complete=complete_target)
@click.option("--quiet", is_flag=True, help="No status line.")
@click.option(
    "--listen/--no-listen",
    default=None,
    help='Voice commands from the microphone: "pause", "continue", "next", "back", "stop" '
    "[default: 'listen' in the config file, else off].",
)
@click.option("--wake-word", is_flag=True, help='Voice commands only after "coach" ("coach, next"): a TV on.')
@click.option("--resume", is_flag=True, help="Start where the last unfinished session of it stopped.")
@click.option("--from", "from_routine", metavar="ROUTINE_ID", help="Start at this routine of a session.")
@device_option
@mix_options
@routine_options
@speech_options
def play(
    target: str,
    quiet: bool,
    listen: bool | None,
    wake_word: bool,
    resume: bool,
    from_routine: str | None,
    device: str | None,
    music: Path | None,
    loudness: float | None,
    routine: RoutineChoices,
    speech: SpeechChoices,
) -> None:
    """Speak a routine or session live, hands-free.

    \b
    Keys (on a terminal, no Enter needed; '?' shows them again):
        space  pause / resume      n  next step       b  back (twice: previous step)
        ]      next routine/side   [  start of it (twice: previous)     q  quit
    Voice commands (--listen): pause, continue (or resume), next, back (or repeat),
    stop (say it twice), also "okay next", "go back", "can you repeat that"; heard
    while the coach is silent. --wake-word: only after "coach" ("coach, next").
    A headset's buttons and media keys pause, resume, skip and go back (Linux).
    Without a terminal (a pipe, cron) it plays straight through.

    \b
    Examples:
        voice-coach play spi --listen
        voice-coach play spi --resume
        voice-coach play spi --from kneeling-twist
        voice-coach play kneeling-twist --hold 20s --sides left
        voice-coach play spi --device "USB Audio"
    """
    config = load_config()
    timeline = compile_timeline(routine_target(target), routine, config)  # before any device is opened
    start = start_point(timeline, resume, from_routine)
    sink = output_sink(device, config)
    listening = listen if listen is not None else config.listen
    with (
        open_keys() as terminal,
        media_keys(terminal, warn) as (keys, media_status),
        voice_commands(listening, warn, wake_word) as listener,
    ):
        screen = None
        if not quiet and sys.stderr.isatty():
            screen = StatusScreen(sys.stderr, intro=KEY_HELP if isinstance(terminal, TerminalKeys) else None)
        played = api.play(
            timeline,
            speech.speech(config),
            music=music,
            loudness=loudness,
            sink=sink,
            keys=keys,
            on_status=each(screen.status if screen is not None else None, media_status),
            on_notice=screen.notice if screen is not None else None,
            warn=warn,
            start=start,
            listener=listener,
        )
    if screen is not None:
        screen.clear()
    outcome = played.outcome
    kinds = dict(zip(timeline.routine_ids, timeline.routine_kinds, strict=True))
    click.echo(summarize(played.schedule, outcome, kinds))
    record(session_entry(played.schedule, outcome, history_settings(routine, speech)))
    if outcome.ended == "interrupted":
        sys.exit(130)


def routine_target(target: str) -> str:
    """``target``, refused as "no such file" when it names a file that is not there: an id has no dot,
    so ``neck.tml`` can only be a mistyped path, never an unknown built-in."""
    if "." in Path(target).name and not Path(target).exists():
        raise UsageError(f"{literal(target)}: no such file")
    return target


def start_point(timeline: Timeline, resume: bool, from_routine: str | None) -> StartAt | None:
    """Where ``--resume`` or ``--from`` start (checked before any synthesis), or None for the top."""
    if resume and from_routine:
        raise UsageError("give {resume} or {from}, not both", options=("resume", "from"))
    if from_routine:
        return check_from(timeline, from_routine)
    if not resume:
        return None
    start = resume_point(timeline, read_history())
    if start is None:
        warn(f"no unfinished session of {timeline.id} in the history; starting at the beginning")
    return start


def record(entry: HistoryEntry) -> None:
    """Append a played session to the history; a failure is a warning (the session itself went well)."""
    if entry.played_ms == 0 and entry.skipped_ms == 0:
        return  # stopped before a sound: nothing to record or resume
    try:
        append_history(entry)
    except HistoryError as error:
        warn(str(error))


HISTORY_HEADER = "DATE              PLAYED (OF TOTAL)  SESSION (ID)  HOW IT ENDED  SETTINGS"


@click.command()
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="How many to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the sessions as a JSON list.")
def history(limit: int, as_json: bool) -> None:
    """List the sessions you played: completed or partial, newest last.

    Partial: stopped early, or parts skipped.

    \b
    Examples:
        voice-coach history
        voice-coach history --json --limit 5
    """
    entries = read_history()[-limit:]
    if as_json:
        rows = [{**dataclasses.asdict(entry), "completed": entry.completed} for entry in entries]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo(f"No sessions yet (they are recorded in {history_path()}).")
        return
    click.echo(HISTORY_HEADER)
    for entry in entries:
        click.echo(format_entry(entry))
