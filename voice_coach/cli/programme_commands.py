"""Commands for a programme over weeks: ``log`` a session done elsewhere, see ``progress``, and ``remind``."""

from __future__ import annotations

import json
from pathlib import Path

import click

import voice_coach as vc
from voice_coach.cli.help import SectionedCommand, complete_target
from voice_coach.cli.options import run_choices

PROGRESS_HEADER = "WEEK OF     SESSIONS  MINUTES  AVG PAIN  LAST PAIN  STEP"


@click.command("log", cls=SectionedCommand)
@click.argument("target", metavar="ID|FILE", shell_complete=complete_target)
@click.option("--pain", required=True, metavar="0-10", help="How your back feels now: 0 none, 10 the worst.")
@click.option("--note", default="", help="A few words to keep with it.")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The day you did it [default: today].")
def log_command(target: str, pain: str, note: str, day: str | None) -> None:
    """Record a session you did elsewhere, with how your back feels.

    A session done away from here (an MP3 on your phone) counts like one
    played here: in 'history', in 'progress' and for the step of a routine's
    [progression].

    \b
    Examples:
        voice-coach log spi --pain 3
        voice-coach log spi --pain 2 --note "after a long walk" --date 2026-03-04
    """
    entry = vc.log_session(target, pain, note=note, day=day)
    step = f", at step {entry.settings['step']}" if "step" in entry.settings else ""
    click.echo(f"Logged {entry.title} ({entry.id}) on {entry.date[:10]}: pain {entry.pain}/10{step}.")
    chosen = vc.progression(target)
    if chosen.steps > 1:
        language = said_in(target)
        click.echo(vc.printed(language, "Next time: {summary}", summary=chosen.summary(language)))


@click.command(cls=SectionedCommand)
@click.argument("target", metavar="[ID|FILE]", required=False, shell_complete=complete_target)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Draw the chart to a .png or .svg file (needs the chart extra).",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print one line per session for a spreadsheet.")
@click.option("--json", "as_json", is_flag=True, help="Print the weeks and sessions as JSON.")
def progress(target: str | None, chart: Path | None, as_csv: bool, as_json: bool) -> None:
    """Week by week: sessions, minutes, pain and the step.

    With ID, that routine or session only, and today's step of its
    [progression]; without, every session. A chart of the pain after each
    session follows the table.

    \b
    Examples:
        voice-coach progress spi
        voice-coach progress spi --chart progress.png
        voice-coach progress --csv > sessions.csv
    """
    report = vc.progress_report(target)
    if chart is not None:
        vc.progress_chart(report, chart)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    elif as_csv:
        click.echo(vc.progress_csv(report), nl=False)
    else:
        show_progress(report, target)
    if chart is not None:
        click.echo(f"Wrote {chart}", err=as_json or as_csv)


def show_progress(report: vc.ProgressReport, target: str | None) -> None:
    """The weeks as a table, the terminal chart, and today's step."""
    if not report.sessions:
        where = f" of {target}" if target else ""
        click.echo(f"No sessions{where} yet: play one, or record one with 'voice-coach log'.")
        return
    click.echo(PROGRESS_HEADER)
    for week in report.weeks:
        average = "-" if week.average_pain is None else f"{week.average_pain:.1f}"
        last = "-" if week.last_pain is None else str(week.last_pain)
        step = "-" if week.step is None else f"{week.step} of {report.steps}"
        counts = f"{week.sessions:>8}  {week.minutes:>7.0f}  {average:>8}  {last:>9}"
        click.echo(f"{week.start.isoformat()}  {counts}  {step}")
    if any(row.pain is not None for row in report.sessions):
        click.echo()
        click.echo(vc.progress_text_chart(report))
    if target is not None and report.steps:
        language = said_in(target)
        summary = vc.progression(target).summary(language)
        click.echo(vc.printed(language, "Next session: {summary}", summary=summary))


def said_in(target: str) -> str:
    """The language ``target`` is said in (its file's ``language``, else the config file's), so its next
    step reads as ``play`` says it: no German-English mix."""
    config = vc.load_config()
    try:
        loaded = vc.load(target, config.library())
        return vc.compile(loaded, run_choices({}, config), warn=lambda message: None).language
    except vc.VoiceCoachError:
        return "en"


@click.command(cls=SectionedCommand)
@click.argument("target", metavar="ID|FILE", shell_complete=complete_target)
@click.option("--days", required=True, metavar="mon,wed,fri", help="The weekdays, comma-separated.")
@click.option("--at", "at", required=True, metavar="HH:MM", help="The time of day, 24-hour (18:00).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .ics file to write [default: ID.ics].",
)
@click.option(
    "--url",
    metavar="URL",
    help="A link to play it, put in the event; 'serve' for this computer's serve --lan page of it "
    "[default: the page of a serve running now, if any].",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def remind(target: str, days: str, at: str, output: Path | None, url: str | None, force: bool) -> None:
    """Write calendar reminders for a routine or session.

    A recurring event with an alarm, to import on your phone or computer. It
    lasts as long as the session at today's step, and its description lists
    the equipment to lay out.

    \b
    Examples:
        voice-coach remind spi --days mon,wed,fri --at 18:00
        voice-coach remind spi --days tue,sat --at 07:30 -o back.ics --url serve
    """
    session = vc.load(target)
    page = f"{vc.phone_link()}routine/{session.id}" if url == "serve" else url
    output = output or Path(f"{session.id}.ics")
    _, path = vc.remind(session, days=days, at=at, output=output, url=page, force=force)
    click.echo(f"Wrote {path}: {session.title}, every {days.replace(',', ', ')} at {at}, with an alarm")
    click.echo("10 minutes before. Open it on your phone or computer to add it to your calendar.")


def ask_how_it_feels(
    ended: str,
    keys: object,
    listener: object | None,
    sink: vc.Sink | None,
    speech: vc.Speech,
    language: str = "en",
) -> int | None:
    """At the end of ``play``: "How is your back now, from zero to ten?" in the session's ``language``,
    answered by a key or, with ``--listen`` in a language the recognizer knows, by voice; None when
    skipped, and not asked at all when nobody could answer or the session was interrupted."""
    microphone = getattr(listener, "source", None) if language in vc.SPOKEN_ANSWER_LANGUAGES else None
    terminal = keys if isinstance(keys, vc.TerminalKeys) else None
    if ended == "interrupted" or (microphone is None and terminal is None):
        return None
    if microphone is not None:
        prompt = "How is your back now, from 0 to 10? Press 0-9 or t for 10, or say it; Enter skips."
    else:
        prompt = "How is your back now, from 0 to 10? Press 0-9 or t for 10; Enter skips."
    click.echo(vc.printed(language, prompt), err=True)
    pain = vc.ask_pain_rating(speech, language=language, sink=sink, keys=terminal, microphone=microphone)
    said = "Skipped." if pain is None else "Pain {pain}/10, kept with this session."
    click.echo(vc.printed(language, said, pain=pain), err=True)
    return pain
