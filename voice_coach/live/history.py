"""A log of played sessions, completed or partial: one JSON line each, appended, in the user's data folder.

Appending whole lines keeps earlier entries safe if a write is cut off; a line that does not parse is
skipped when reading, never fatal.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from voice_coach.durations import clock
from voice_coach.errors import VoiceCoachError
from voice_coach.routine.model import PAIN_MAX

DATA_ENV = "VOICE_COACH_DATA_DIR"
HISTORY_FILE = "history.jsonl"


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
    if configured := os.environ.get(DATA_ENV):
        return Path(configured).expanduser() / HISTORY_FILE
    from platformdirs import user_data_path

    return user_data_path("voice-coach") / HISTORY_FILE


def append_history(entry: HistoryEntry, path: Path | None = None) -> Path:
    """Append ``entry`` as one line to the history file (created with its folder if missing); its path."""
    path = path or history_path()
    line = json.dumps(asdict(entry), ensure_ascii=False, sort_keys=True, default=str)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
            file.flush()
    except OSError as error:
        raise HistoryError(f"cannot write the session history {path}: {error.strerror or error}") from error
    return path


def read_history(path: Path | None = None) -> list[HistoryEntry]:
    """Every readable entry, oldest first; an empty list when there is no history yet."""
    path = path or history_path()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except OSError as error:
        raise HistoryError(f"cannot read the session history {path}: {error.strerror or error}") from error
    entries = (_parse(line) for line in text.splitlines() if line.strip())
    return [entry for entry in entries if entry is not None]


def _parse(line: str) -> HistoryEntry | None:
    """The entry on ``line``, or ``None`` for a corrupt or foreign line."""
    try:
        data = json.loads(line)
        entry = HistoryEntry(
            str(data["date"]),
            str(data["id"]),
            str(data["title"]),
            int(data["played_ms"]),
            data.get("settings", {}),
            str(data.get("ended", "finished")),
            int(data.get("total_ms", 0)),
            int(data.get("skipped_ms", 0)),
            int(data.get("stopped_ms", 0)),
            int(data.get("stopped_step", 0)),
            str(data.get("stopped_routine", "")),
            _pain(data.get("pain")),
            str(data.get("note", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return entry if isinstance(entry.settings, dict) else None


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
    date = entry.date[:16].replace("T", " ")
    played = clock(entry.played_ms) + (f" of {clock(entry.total_ms)}" if entry.total_ms else "")
    settings = " ".join(f"{key}={value}" for key, value in sorted(entry.settings.items()))
    pain = "" if entry.pain is None else f"pain {entry.pain}"
    parts = (date, played, entry.title, f"({entry.id})", _how(entry), pain, settings)
    return "  ".join(part for part in parts if part)


def _how(entry: HistoryEntry) -> str:
    """How a session ended, in words: ``completed``, or ``partial`` and why."""
    if entry.completed:
        return "completed"
    why = [] if entry.ended == "finished" else [f"stopped at {clock(entry.stopped_ms)}"]
    if entry.skipped_ms:
        why.append(f"{clock(entry.skipped_ms)} skipped")
    return "partial: " + ", ".join(why)
