"""Commands that make sound: ``export`` (files) and ``play`` (live), and the ``history`` of sessions."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import click

import voice_coach as vc
from voice_coach.cli.device_commands import device_option, output_sink
from voice_coach.cli.help import SectionedCommand, complete_target
from voice_coach.cli.options import (
    Chosen,
    SpeechChoices,
    compile_run,
    compile_timeline,
    history_settings,
    made_again,
    progress_bar,
    routine_options,
    speech_options,
    warn,
)
from voice_coach.cli.play_screen import StatusScreen, each
from voice_coach.cli.programme_commands import ask_how_it_feels


def parse_cues(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """``lrc,srt`` as a tuple of known cue sheet formats."""
    if not value:
        return ()
    formats = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    if problem := vc.unknown_format(formats):
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
    if value and output is not None and (problem := vc.sample_rate_problem(output, value)):
        raise click.BadParameter(problem)
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
    help="Bitrate (mono): an MP3 bitrate, 8k to 160k at the voice's rate (to 320k from --sample-rate "
    "32000), or for M4B (AAC) any from 16k; 64k suits speech.",
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
    routine: Chosen,
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
    config = vc.load_config()
    timeline = compile_timeline(target, routine, config)
    with progress_bar() as progress:
        written = vc.export(
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
        f"Wrote {', '.join(str(p) for p in written.paths)} ({vc.clock(written.length_ms)}, "
        f"{vc.plural(chapters, 'chapter')}; {vc.plural(spoken.synthesized, 'phrase')} synthesized, "
        f"{spoken.cached} cached{made_again(written.session.cache.damaged)})"
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
@click.option(
    "--wake-word/--no-wake-word",
    default=True,
    help='Voice commands after "coach" ("coach, next") [default]; --no-wake-word: "pause" and "stop" alone.',
)
@click.option("--every-word", is_flag=True, help='Every command without "coach" (no TV or radio on).')
@click.option("--resume", is_flag=True, help="Start where the last unfinished session of it stopped.")
@click.option("--from", "from_routine", metavar="ROUTINE_ID", help="Start at this routine of a session.")
@click.option(
    "--ask/--no-ask",
    default=True,
    help="At the end, ask how your back feels, 0 to 10, for the history (on a terminal or with --listen).",
)
@device_option
@mix_options
@routine_options
@speech_options
def play(
    target: str,
    quiet: bool,
    listen: bool | None,
    wake_word: bool,
    every_word: bool,
    resume: bool,
    from_routine: str | None,
    ask: bool,
    device: str | None,
    music: Path | None,
    loudness: float | None,
    routine: Chosen,
    speech: SpeechChoices,
) -> None:
    """Speak a routine or session live, hands-free.

    \b
    Keys (on a terminal, no Enter needed; '?' shows them again):
        space  pause / resume      n  next step       b  back (twice: previous step)
        ]      next routine/side   [  start of it (twice: previous)     q  quit
    Voice commands (--listen), after "coach": pause, continue (or resume), next,
    back (or repeat), stop (say it twice), also "coach, okay next", "coach, go
    back"; --no-wake-word: "pause" and "stop" alone; --every-word: every command
    alone (no TV on). Heard while the coach is silent.
    A headset's buttons and media keys pause, resume, skip and go back (Linux).
    Without a terminal (a pipe, cron) it plays straight through.

    At the end it asks "How is your back now, from zero to ten?": press 0-9 or
    t for ten, or say the number with --listen; Enter or 10 s of silence skips.
    The answer is kept in the history and moves the step of a [progression].

    \b
    Examples:
        voice-coach play spi --listen
        voice-coach play spi --resume
        voice-coach play spi --from kneeling-twist
        voice-coach play kneeling-twist --hold 20s --sides left
        voice-coach play spi --device "USB Audio"
    """
    config = vc.load_config()
    timeline, choices, step = compile_run(routine_target(target), routine, config)  # before any device
    start = vc.start_point(timeline, resume=resume, routine=from_routine, warn=warn)
    if resume and start is None:
        warn(f"no unfinished session of {timeline.id} in the history; starting at the beginning")
    sink = output_sink(device, config)
    listening = listen if listen is not None else config.listen
    with (
        vc.open_keys() as terminal,
        vc.media_keys(terminal, warn) as (keys, media_status),
        vc.voice_commands(listening, warn, wake_word and not every_word, every_word) as listener,
    ):
        screen = None
        if not quiet and sys.stderr.isatty():
            keys_help = vc.printed(timeline.language, vc.KEY_HELP)
            intro = keys_help if isinstance(terminal, vc.TerminalKeys) else None
            screen = StatusScreen(sys.stderr, intro=intro)
        played = vc.play(
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
        click.echo(played.summary)  # played to the end: what was done; else where it stopped
        pain = (
            ask_how_it_feels(
                played.outcome.ended, keys, listener, sink, speech.speech(config), timeline.language
            )
            if ask
            else None
        )
    settings = history_settings(choices, routine, speech) | ({"step": step.step} if step else {})
    try:
        vc.record(played, settings, pain=pain)
    except vc.VoiceCoachError as error:  # the session itself went well
        warn(str(error))
    if played.outcome.ended == "interrupted":
        sys.exit(vc.interrupts.exit_status())  # 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP


def routine_target(target: str) -> str:
    """``target``, refused as "no such file" when it names a file that is not there: an id has no dot,
    so ``neck.tml`` can only be a mistyped path, never an unknown built-in."""
    if "." in Path(target).name and not Path(target).exists():
        raise vc.UsageError(f"{target}: no such file")  # no options: the text is never formatted
    return target


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
    entries = vc.history(limit, warn=warn)
    if as_json:
        rows = [{**dataclasses.asdict(entry), "completed": entry.completed} for entry in entries]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo(f"No sessions yet (they are recorded in {vc.history_path()}).")
        return
    table = [vc.HISTORY_COLUMNS, *(vc.entry_columns(entry) for entry in entries)]
    widths = [max(len(row[n]) for row in table) for n in range(len(vc.HISTORY_COLUMNS) - 1)]
    for row in table:  # the last column (settings) is not padded
        padded = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*padded, row[-1]]).rstrip())
