"""The therapist's hand-over: ``handout`` (a printable PDF), ``pack`` (one file to send) and ``import``
(a pack into the patient's routine library)."""

from __future__ import annotations

from pathlib import Path

import click

import voice_coach as vc
from voice_coach.cli.help import SectionedCommand, complete_target
from voice_coach.cli.options import (
    Chosen,
    SpeechChoices,
    compile_run,
    progress_bar,
    routine_options,
    speech_options,
    warn,
)

PAPERS = vc.HANDOUT_PAPERS
PAPER_HELP = "Paper size: a4 or letter."
URL_HELP = (
    "The link the QR code holds; 'serve' or 'feed': the phone page or podcast feed 'voice-coach serve --lan' "
    "offers from this computer (port 8765)."
)


def link(url: str | None) -> str | None:
    """``--url``: a link as given, or this computer's serve's phone page (``serve``) or feed (``feed``)."""
    if url in ("serve", "feed"):
        return vc.phone_link(feed=url == "feed")
    return url


@click.command(cls=SectionedCommand)
@click.argument("target", metavar="ID|FILE", shell_complete=complete_target)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The .pdf to write.")
@click.option("--url", metavar="URL", help=URL_HELP)
@click.option(
    "--paper", type=click.Choice(vc.HANDOUT_PAPERS), default="a4", show_default=True, help=PAPER_HELP
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@routine_options
def handout(target: str, output: Path, url: str | None, paper: str, force: bool, routine: Chosen) -> None:
    """Write a printable handout (PDF) of a routine or session.

    Each step is printed as the voice says it, with the hold, sets, sides and rest
    chosen, the file's cautions, a QR code of --url and a table to log sessions and
    pain (0-10) by hand.

    \b
    Examples:
        voice-coach handout spi -o spi.pdf --url http://192.168.1.20:8765/Xy3q/
        voice-coach handout kneeling-twist --hold 20s --sets 4 -o twist.pdf --paper letter
    """
    config = vc.load_config()
    timeline, _, step = compile_run(target, routine, config)  # at today's step of a [progression]
    plan = vc.progression_plan(vc.load(target, config.library()), step, timeline.language)
    written = vc.handout(timeline, output, url=link(url), paper=paper, progression=plan, force=force)
    click.echo(f"Wrote {written} ({vc.plural(len(timeline.routine_ids), 'routine')}, {paper.upper()})")


@click.command(cls=SectionedCommand)
@click.argument("target", metavar="ID|FILE", shell_complete=complete_target)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The .zip to write.")
@click.option(
    "--audio",
    type=click.Choice(vc.PACK_AUDIO),
    default="mp3",
    show_default=True,
    help="The recording it holds: an MP3, an M4B audiobook, or none.",
)
@click.option("--url", metavar="URL", help=URL_HELP)
@click.option(
    "--paper", type=click.Choice(vc.HANDOUT_PAPERS), default="a4", show_default=True, help=PAPER_HELP
)
@click.option(
    "--remind", metavar="DAYS", help="Add reminders on these days, e.g. mon,wed,fri (see 'remind')."
)
@click.option("--at", default="18:00", show_default=True, metavar="HH:MM", help="The reminders' time.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@routine_options
@speech_options
def pack(
    target: str,
    output: Path,
    audio: str,
    url: str | None,
    paper: str,
    remind: str | None,
    at: str,
    force: bool,
    routine: Chosen,
    speech: SpeechChoices,
) -> None:
    """Write one file to send: routine files, recording and handout.

    The patient puts its routines in their library with 'voice-coach import FILE.zip'.

    \b
    Examples:
        voice-coach pack spi --hold 25s -o spi-pack.zip
        voice-coach pack my-session -o for-anna.zip --audio m4b --url serve --remind mon,thu --at 07:30
    """
    config = vc.load_config()
    _, choices, _ = compile_run(target, routine, config)  # with today's step, which the pack records
    with progress_bar() as progress:
        packed = vc.pack(
            target,
            output,
            choices,
            speech.speech(config),
            library=config.library(),
            audio=audio,
            url=link(url),
            paper=paper,
            remind=(remind, at) if remind else None,
            force=force,
            progress=progress,
            warn=warn,
        )
    length = f", {vc.clock(packed.length_ms)} of audio" if packed.length_ms else ""
    click.echo(f"Wrote {packed.path}: {', '.join(packed.members)}{length}")


@click.command("import")
@click.argument("archive", metavar="FILE.zip", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace routines of yours that have the same names.")
def import_command(archive: Path, force: bool) -> None:
    """Put the routines of a pack in your routine library.

    A pack that would write outside the library, holds links, is too large, or would
    replace a routine of yours (without --force) is refused, and nothing is written.

    \b
    Example:
        voice-coach import spi-pack.zip && voice-coach play spi
    """
    imported = vc.import_pack(archive, library=vc.load_config().library(), force=force)
    names = ", ".join(path.stem for path in imported.written)
    if names:
        click.echo(f"Imported {names} into {imported.library}")
    else:
        click.echo(f"Nothing new: {imported.library} already has the pack's routines")
    click.echo(f"Play it: {imported.command}")
