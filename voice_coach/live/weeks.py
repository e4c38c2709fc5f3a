"""A programme's course, week by week: sessions done, minutes, average and last pain, the step.

What a person (and their physiotherapist) looks at after a month: did I keep at it, how does the back
feel, where am I on the ladder. Weeks run Monday to Sunday; a week without a session is listed too, with
nothing done, because adherence is the first thing that matters. A pure function of the history records
and, for the steps, the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from voice_coach.compiler.progression import ladder
from voice_coach.live.history import HistoryEntry
from voice_coach.live.progression import steps_played
from voice_coach.live.ratings import entry_time, sorted_entries
from voice_coach.routine.model import Routine, Session


@dataclass(frozen=True)
class SessionRow:
    """One session of the history, as the progress report lists it."""

    when: datetime
    id: str
    title: str
    minutes: float
    completed: bool
    pain: int | None
    note: str
    settings: dict[str, Any]
    step: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.when.isoformat(timespec="seconds"), "routine": self.id, "title": self.title,
            "minutes": round(self.minutes, 1), "completed": self.completed, "pain": self.pain,
            "note": self.note, "settings": self.settings, "step": self.step,
        }  # fmt: skip


@dataclass(frozen=True)
class Week:
    """Monday ``start`` and what was done that week."""

    start: date
    sessions: int
    minutes: float
    average_pain: float | None
    last_pain: int | None
    step: int | None
    """The step of the week's last session (None: no session, or no progression)."""

    def as_dict(self) -> dict[str, Any]:
        average = None if self.average_pain is None else round(self.average_pain, 1)
        return {
            "week": self.start.isoformat(), "sessions": self.sessions, "minutes": round(self.minutes, 1),
            "average_pain": average, "last_pain": self.last_pain, "step": self.step,
        }  # fmt: skip


@dataclass(frozen=True)
class ProgressReport:
    """The sessions of one routine or session (or of all, ``id`` None), oldest first, and their weeks."""

    id: str | None
    steps: int | None
    """How many steps the file's progression has; None without one (or for all sessions)."""
    sessions: tuple[SessionRow, ...]
    weeks: tuple[Week, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "steps": self.steps, "weeks": [week.as_dict() for week in self.weeks],
            "sessions": [row.as_dict() for row in self.sessions],
        }  # fmt: skip


def progress_report(
    entries: Sequence[HistoryEntry], target: Routine | Session | None = None
) -> ProgressReport:
    """The report of ``target``'s sessions among ``entries`` (all sessions when None)."""
    mine = sorted_entries(target.id if target else None, list(entries))
    steps: list[int | None] = [None] * len(mine)
    count = None
    if target is not None and target.progression is not None:
        steps = list(steps_played(target, [entry.pain for entry in mine]))
        count = ladder(target).steps
    rows = tuple(_row(entry, step) for entry, step in zip(mine, steps, strict=True))
    return ProgressReport(target.id if target else None, count, rows, tuple(weeks_of(rows)))


def weeks_of(rows: Sequence[SessionRow]) -> list[Week]:
    """One ``Week`` per week from the first session's to the last's, empty weeks included."""
    if not rows:
        return []
    first, last = _monday(rows[0].when.date()), _monday(rows[-1].when.date())
    weeks = []
    start = first
    while start <= last:
        inside = [row for row in rows if _monday(row.when.date()) == start]
        pains = [row.pain for row in inside if row.pain is not None]
        weeks.append(
            Week(
                start,
                len(inside),
                sum(row.minutes for row in inside),
                sum(pains) / len(pains) if pains else None,
                pains[-1] if pains else None,
                inside[-1].step if inside else None,
            )
        )
        start += timedelta(days=7)
    return weeks


def _row(entry: HistoryEntry, step: int | None) -> SessionRow:
    when = entry_time(entry)
    assert when is not None  # sorted_entries keeps only records with a date
    return SessionRow(
        when, entry.id, entry.title, entry.played_ms / 60_000, entry.completed, entry.pain, entry.note,
        dict(entry.settings), step,
    )  # fmt: skip


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


CSV_COLUMNS = ("date", "routine", "minutes", "completed", "pain", "note", "settings")


def report_csv(report: ProgressReport) -> str:
    """One line per session for a spreadsheet: date, routine, minutes, completed, pain, note, settings
    (``key=value`` pairs, the step among them)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.sessions:
        settings = {**row.settings, **({"step": row.step} if row.step is not None else {})}
        writer.writerow((
            row.when.isoformat(timespec="minutes"), row.id, f"{row.minutes:.1f}",
            "yes" if row.completed else "no", "" if row.pain is None else row.pain, row.note,
            " ".join(f"{key}={value}" for key, value in sorted(settings.items())),
        ))  # fmt: skip
    return out.getvalue()
