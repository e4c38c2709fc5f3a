"""A log of played sessions, completed or partial: one JSON line each, appended, in the user's data folder.

A write cut short (a full disk, a killed process) can leave a torn last line. Each record therefore starts
on a line of its own (a newline first if the file does not end with one), and is flushed and synced to
the disk before the session is over, so the next record is never glued onto the torn one. Reading skips a
line that does not parse or holds values out of range (``"played_ms": 1e400``) and says so once, by line
number; it is never fatal, and the lines around it are read as usual.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from voice_coach.durations import clock
from voice_coach.errors import VoiceCoachError
from voice_coach.files import data_folder
from voice_coach.routine.model import PAIN_MAX

HISTORY_FILE = "history.jsonl"
MAX_MS = 10**12
"""More milliseconds than any session lasts (about 31 years): a larger count is a damaged line."""


class HistoryError(VoiceCoachError):
    """The history file cannot be written or read."""


@dataclass(frozen=True)
class HistoryEntry:
    """One session: when it started (ISO 8601, local time with offset), what it was, how long it played,
    and how it ended.

    ``ended`` is ``finished`` (the end was reached), ``quit`` or ``interrupted``; ``skipped_ms`` is what
    was jumped over between where it started and where it stopped, so a session ended with ``]`` at its
    first routine is not mistaken for one done. ``stopped_ms`` and ``stopped_step`` (an index into the
    session's steps) say where ``--resume`` goes on. Entries written before these fields existed read as
    finished sessions with nothing skipped.
    """

    date: str
    id: str
    title: str
    played_ms: int
    settings: dict[str, Any] = field(default_factory=dict)
    ended: str = "finished"
    total_ms: int = 0
    skipped_ms: int = 0
    stopped_ms: int = 0
    stopped_step: int = 0
    stopped_routine: str = ""
    total_estimated: bool = False
    """``total_ms`` is an estimate: the session stopped before every phrase of it was synthesized."""
    pain: int | None = None
    """How the back felt after it, 0-10 (the answer to the question at the end, or ``log --pain``);
    None: not rated."""
    note: str = ""

    @classmethod
    def now(
        cls, id: str, title: str, played_ms: int, settings: dict[str, Any] | None = None, **how: Any
    ) -> HistoryEntry:
        """An entry dated now; ``how`` fills the fields on how it ended."""
        date = datetime.now().astimezone().isoformat(timespec="seconds")
        return cls(date, id, title, played_ms, dict(settings or {}), **how)

    @property
    def completed(self) -> bool:
        """Whether the session ran to its end with nothing skipped."""
        return self.ended == "finished" and self.skipped_ms == 0

    @property
    def unfinished(self) -> bool:
        """Whether it stopped before the end (``q``, Ctrl-C, ``stop``): what ``--resume`` picks up."""
        return self.ended != "finished"


def history_path() -> Path:
    """``$VOICE_COACH_DATA_DIR/history.jsonl``, else ``history.jsonl`` in the user's data folder."""
    return data_folder() / HISTORY_FILE


def append_history(entry: HistoryEntry, path: Path | None = None) -> Path:
    """Append ``entry`` as one line to the history file (created with its folder if missing), on a line
    of its own even after a torn last line, flushed and synced; its path."""
    path = path or history_path()
    line = json.dumps(asdict(entry), ensure_ascii=False, sort_keys=True, default=str) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+b") as file:
            if file.tell() > 0:
                file.seek(-1, os.SEEK_END)
                if file.read(1) != b"\n":
                    line = "\n" + line  # the last write was cut short: start on a fresh line
            file.write(line.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        raise HistoryError(f"cannot write the session history {path}: {error.strerror or error}") from error
    return path


def read_history(
    path: Path | None = None, on_skip: Callable[[str], None] | None = None
) -> list[HistoryEntry]:
    """Every readable entry, oldest first; an empty list when there is no history yet. ``on_skip`` hears
    of each line skipped, once: ``history.jsonl line 12 is unreadable; skipped``."""
    path = path or history_path()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except OSError as error:
        raise HistoryError(f"cannot read the session history {path}: {error.strerror or error}") from error
    entries: list[HistoryEntry] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        entry = _parse(line)
        if entry is not None:
            entries.append(entry)
        elif on_skip is not None:
            on_skip(f"{path.name} line {number} is unreadable; skipped")
    return entries


def _parse(line: str) -> HistoryEntry | None:
    """The entry on ``line``, or ``None`` for a corrupt or foreign line, or one with a count out of range."""
    try:
        data = json.loads(line)
        entry = HistoryEntry(
            str(data["date"]),
            str(data["id"]),
            str(data["title"]),
            _count(data["played_ms"]),
            data.get("settings", {}),
            str(data.get("ended", "finished")),
            _count(data.get("total_ms", 0)),
            _count(data.get("skipped_ms", 0)),
            _count(data.get("stopped_ms", 0)),
            _count(data.get("stopped_step", 0)),
            str(data.get("stopped_routine", "")),
            data.get("total_estimated", False) is True,
            _pain(data.get("pain")),
            str(data.get("note", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        return None
    return entry if isinstance(entry.settings, dict) else None


def _count(value: object) -> int:
    """``value`` as a count of milliseconds or steps: a whole number from 0 to ``MAX_MS``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a number")
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise ValueError(f"{value!r} is not a whole number")
    if not 0 <= value <= MAX_MS:
        raise ValueError(f"{value!r} is out of range")
    return int(value)


def _pain(value: object) -> int | None:
    """A stored rating: a whole number from 0 to 10, else None (not rated, or not a rating)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= PAIN_MAX:
        return value
    return None


def last_unfinished(id: str, entries: list[HistoryEntry]) -> HistoryEntry | None:
    """The latest entry of session ``id`` if it stopped early; None if the latest one was finished (or
    there is none): a session done since is not resumed."""
    mine = [entry for entry in entries if entry.id == id]
    return mine[-1] if mine and mine[-1].unfinished else None


def format_entry(entry: HistoryEntry) -> str:
    """One line for ``voice-coach history``: date, played time (of the total), title, id, how it ended
    and settings, e.g. ``2026-03-01 07:30  01:07 of 04:12  Twist  (kneeling-twist)  partial: stopped at
    01:10, 00:40 skipped``."""
    return "  ".join(part for part in entry_columns(entry) if part)


HISTORY_COLUMNS = ("DATE", "PLAYED (OF TOTAL)", "SESSION (ID)", "HOW IT ENDED", "SETTINGS")
"""The headers of ``entry_columns``' columns, for a table of entries."""


def entry_columns(entry: HistoryEntry) -> tuple[str, str, str, str, str]:
    """An entry's cells under ``HISTORY_COLUMNS``: date, played (of the total), ``title (id)``, how it
    ended (with the pain rating) and the settings."""
    date = entry.date[:16].replace("T", " ")
    about = "about " if entry.total_estimated else ""
    played = clock(entry.played_ms) + (f" of {about}{clock(entry.total_ms)}" if entry.total_ms else "")
    settings = " ".join(f"{key}={value}" for key, value in sorted(entry.settings.items()))
    how = _how(entry) + ("" if entry.pain is None else f", pain {entry.pain}")
    return date, played, f"{entry.title}  ({entry.id})", how, settings


def _how(entry: HistoryEntry) -> str:
    """How a session ended, in words: ``completed``, or ``partial`` and why."""
    if entry.completed:
        return "completed"
    why = [] if entry.ended == "finished" else [f"stopped at {clock(entry.stopped_ms)}"]
    if entry.skipped_ms:
        why.append(f"{clock(entry.skipped_ms)} skipped")
    return "partial: " + ", ".join(why)
