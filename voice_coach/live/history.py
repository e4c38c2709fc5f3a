"""A log of completed sessions: one JSON object per line, appended, in the user's data folder.

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

DATA_ENV = "VOICE_COACH_DATA_DIR"
HISTORY_FILE = "history.jsonl"


class HistoryError(VoiceCoachError):
    """The history file cannot be written or read."""


@dataclass(frozen=True)
class HistoryEntry:
    """One session: when it started (ISO 8601, local time with offset), what it was, how long it played."""

    date: str
    id: str
    title: str
    played_ms: int
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def now(cls, id: str, title: str, played_ms: int, settings: dict[str, Any] | None = None) -> HistoryEntry:
        """An entry dated now."""
        date = datetime.now().astimezone().isoformat(timespec="seconds")
        return cls(date, id, title, played_ms, dict(settings or {}))


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
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return entry if isinstance(entry.settings, dict) else None


def format_entry(entry: HistoryEntry) -> str:
    """One line for ``voice-coach history``: date, played time, title, id and settings."""
    date = entry.date[:16].replace("T", " ")
    settings = " ".join(f"{key}={value}" for key, value in sorted(entry.settings.items()))
    return "  ".join(
        part for part in (date, clock(entry.played_ms), entry.title, f"({entry.id})", settings) if part
    )
