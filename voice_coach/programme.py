"""The library's calls for a programme over weeks: today's step, the pain question, logging a session
done elsewhere, the progress report and its charts, and calendar reminders.

    import voice_coach as vc
    session = vc.load("spi")
    today = vc.progression(session)              # the step the history earns, and why
    timeline = vc.compile(session, vc.with_step(vc.run_choices(), today))
    vc.log_session(session, pain=3, note="on the phone")
    report = vc.progress_report(session)         # per week: sessions, minutes, pain, step
    vc.progress_chart(report, "progress.png")
    vc.remind(session, days="mon,wed,fri", at="18:00", output="spi.ics")

The step is a pure function of the file and the history (``live.progression``); these calls only read
the history, the clock and the files at the edges. Errors name the value (``pain``, ``date``, ``step``,
``days``, ``at``, ``chart``), as everywhere in the library.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from voice_coach.api import compile, estimate, load
from voice_coach.api_types import Speech
from voice_coach.compiler.choices import RunChoices
from voice_coach.errors import OutputError, UsageError, literal
from voice_coach.files import replace_atomically
from voice_coach.live.device import Clock, SimpleaudioSink, Sink, SystemClock
from voice_coach.live.history import HistoryEntry, append_history, read_history
from voice_coach.live.keys import Keys, NoKeys
from voice_coach.live.microphone import AudioSource
from voice_coach.live.pain_question import PAIN_QUESTION, SPOKEN_ANSWER_LANGUAGES, ask_pain
from voice_coach.live.progression import Today, today, with_step
from voice_coach.live.ratings import check_pain, check_session_date, logged_entry, pains_of
from voice_coach.live.weeks import ProgressReport, report_csv
from voice_coach.live.weeks import progress_report as weeks_report
from voice_coach.output.calendar import Reminder, parse_days, parse_time, reminder_ics
from voice_coach.output.progress_chart import ChartPoint, check_chart_path, text_chart, write_chart
from voice_coach.printed import printed
from voice_coach.routine.model import Routine, Session
from voice_coach.serving import running_link
from voice_coach.speech.engines import settings_for
from voice_coach.speech.supply import synthesize_phrases

__all__ = [
    "ProgressReport", "Today", "apply_progression", "ask_pain_rating", "log_session", "progress_chart",
    "progress_csv", "progress_report", "progress_text_chart", "progression", "remind", "with_step",
]  # fmt: skip
Target = Routine | Session | str | os.PathLike[str]
T = TypeVar("T")


def progression(
    target: Target, *, step: int | None = None, entries: Sequence[HistoryEntry] | None = None
) -> Today:
    """Today's step of ``target`` from its rated sessions in ``entries`` (default: the history), or the
    ``step`` chosen; ``UsageError`` naming ``step`` when outside the file's steps."""
    loaded = _loaded(target)
    history = list(read_history() if entries is None else entries)
    return today(loaded, pains_of(loaded.id, history), step)


def apply_progression(
    target: Target,
    choices: RunChoices,
    *,
    enabled: bool = True,
    entries: Sequence[HistoryEntry] | None = None,
) -> tuple[RunChoices, Today | None]:
    """``choices`` at today's step of ``target``'s ``[progression]`` (or at ``choices.step``, checked
    against the file's steps), and that step with why; ``choices`` unchanged and None when the file has
    no progression or ``enabled`` is False (the file's defaults). ``UsageError`` naming ``step`` for a
    step outside the file's steps, or a step with ``enabled`` False."""
    loaded = _loaded(target)
    if not enabled:
        if choices.step is not None:
            raise UsageError("give {step} or {no_progression}, not both", options=("step", "no_progression"))
        return choices, None
    if loaded.progression is None and choices.step is None:
        return choices, None
    chosen = progression(loaded, step=choices.step, entries=entries)
    return with_step(choices, chosen), chosen


def log_session(
    target: Target,
    pain: int | str,
    *,
    note: str = "",
    day: str | date | None = None,
    now: datetime | None = None,
    speech: Speech | None = None,
    path: Path | None = None,
) -> HistoryEntry:
    """Record a session of ``target`` done elsewhere (an MP3 on the phone) on ``day`` (default today),
    rated ``pain``, at the step the history gave it; the record written. ``UsageError`` naming ``pain``
    or ``date`` for a rating outside 0-10 or a day in the future."""
    moment = now or datetime.now().astimezone()
    rating = _checked("pain", check_pain, pain)
    when = moment.date() if day is None else _checked("date", check_session_date, day, moment.date())
    loaded = _loaded(target)
    choices, chosen = apply_progression(loaded, RunChoices(), entries=read_history(path))
    plan = estimate(compile(loaded, choices), speech, warn=_quiet).schedule
    settings = {"step": chosen.step} if chosen else {}
    entry = logged_entry(
        loaded.id, loaded.title, plan.ms(plan.total), rating, when, moment, note.strip(), settings
    )
    append_history(entry, path)
    return entry


def ask_pain_rating(
    speech: Speech | None = None,
    *,
    language: str = "en",
    sink: Sink | None = None,
    keys: Keys | None = None,
    microphone: AudioSource | None = None,
    clock: Clock | None = None,
    answer_seconds: float = 10.0,
) -> int | None:
    """Ask "How is your back now, from zero to ten?" aloud in ``language`` (the session's) and wait for
    the answer: a key (0-9, ``t``), a number said into ``microphone`` (in a language of
    ``SPOKEN_ANSWER_LANGUAGES``; in any other the microphone is not listened to), or None when skipped
    (Enter, or ``answer_seconds`` of silence)."""
    speech = speech or Speech()
    question = printed(language, PAIN_QUESTION)
    settings = settings_for(language, speech.settings(), lambda message: None)
    clip = synthesize_phrases([question], settings, speech.cache(lambda message: None)).clips[question]
    heard = microphone if language in SPOKEN_ANSWER_LANGUAGES else None
    return ask_pain(
        clip.samples, clip.rate, sink or SimpleaudioSink(), clock or SystemClock(), keys or NoKeys(),
        heard, answer_seconds=answer_seconds,
    )  # fmt: skip


def progress_report(
    target: Target | None = None, entries: Sequence[HistoryEntry] | None = None
) -> ProgressReport:
    """The course of ``target``'s sessions (all sessions when None) in ``entries`` (default: the
    history), week by week, with the step of each session when the file has a progression."""
    loaded = None if target is None else _loaded(target)
    return weeks_report(list(read_history() if entries is None else entries), loaded)


def progress_csv(report: ProgressReport) -> str:
    """``report``'s sessions as CSV for a spreadsheet: date, routine, minutes, completed, pain, note,
    settings."""
    return report_csv(report)


def progress_chart(report: ProgressReport, output: str | os.PathLike[str], title: str | None = None) -> Path:
    """Draw ``report``'s chart to ``output`` (``.png`` or ``.svg``): pain by day, sessions marked, steps
    shaded; its path. Needs matplotlib (the ``chart`` extra)."""
    path = check_chart_path(Path(output))
    return write_chart(_points(report), title or _title(report), path)


def progress_text_chart(report: ProgressReport, width: int = 72, height: int = 18) -> str:
    """``report``'s pain by day drawn in text for a terminal."""
    return text_chart(_points(report), _title(report), width, height)


def remind(
    target: Target,
    *,
    days: str,
    at: str,
    output: str | os.PathLike[str] | None = None,
    url: str | None = None,
    force: bool = False,
    start: date | None = None,
    speech: Speech | None = None,
) -> tuple[bytes, Path | None]:
    """An iCalendar file of reminders for ``target`` on ``days`` (``mon,wed,fri``) at ``at`` (``18:00``),
    lasting today's session at today's step, with its equipment and ``url`` (default: the page of a
    ``serve`` running now, if any); written to ``output`` when
    given (refused if it exists, unless ``force``). The file's bytes and its path."""
    chosen_days = _checked("days", parse_days, days)
    time_of_day = _checked("at", parse_time, at)
    path = None if output is None else _ics_path(Path(output), force)
    loaded = _loaded(target)
    plan = estimate(compile(loaded, apply_progression(loaded, RunChoices())[0]), speech, warn=_quiet).schedule
    link = url or _served_page(loaded.id)
    reminder = Reminder(
        loaded.id, loaded.title, plan.ms(plan.total), _equipment(loaded), chosen_days, time_of_day, link
    )
    stamp = datetime.now(UTC).replace(microsecond=0)
    data = reminder_ics(reminder, start or date.today(), stamp)
    if path is not None:
        try:
            replace_atomically(path, lambda raw: raw.write(data))
        except OSError as error:
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from error
    return data, path


def _served_page(target_id: str) -> str | None:
    """The page of ``target_id`` on a ``serve`` running now, if one is."""
    running = running_link()
    return f"{running}routine/{target_id}" if running else None


def _quiet(message: str) -> None:
    """Warnings of an estimate nobody hears (a voice's note): the file is what matters here."""


def _equipment(target: Routine | Session) -> tuple[str, ...]:
    routines = (target,) if isinstance(target, Routine) else tuple(item.routine for item in target.items)
    return tuple(dict.fromkeys(thing for routine in routines for thing in routine.equipment))


def _ics_path(path: Path, force: bool) -> Path:
    if path.suffix.lower() != ".ics":
        raise UsageError(
            f"{{output}} {literal(str(path))}: a calendar file ends in .ics", options=("output",)
        )
    if path.exists() and not force:
        raise UsageError(f"{literal(str(path))} exists; add {{force}} to replace it", options=("force",))
    if not path.parent.is_dir():
        raise UsageError(f"{{output}} {literal(str(path))}: no folder {path.parent}", options=("output",))
    return path


def _points(report: ProgressReport) -> list[ChartPoint]:
    return [ChartPoint(row.when, row.pain, row.step) for row in report.sessions]


def _title(report: ProgressReport) -> str:
    name = report.sessions[0].title if report.id and report.sessions else "All sessions"
    return f"{name}: pain after each session"


def _loaded(target: Target) -> Routine | Session:
    return target if isinstance(target, Routine | Session) else load(target)


def _checked(name: str, parse: Callable[..., T], *args: Any) -> T:
    """``parse(*args)``, its ValueError turned into a ``UsageError`` naming the value ``name``."""
    try:
        return parse(*args)
    except ValueError as error:
        raise UsageError(f"{{{name}}}: {literal(str(error))}", options=(name,)) from None
