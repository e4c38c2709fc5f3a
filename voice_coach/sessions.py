"""The sessions a person played: the history (``history``, ``record``) and where to start again
(``start_point``: the resume point of the last unfinished session, or a routine of it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from voice_coach.api_types import Played, Warn
from voice_coach.api_types import default_warn as _warn
from voice_coach.compiler.timeline import Timeline
from voice_coach.errors import UsageError
from voice_coach.live.history import HistoryEntry, append_history, read_history
from voice_coach.live.resume import StartAt, check_from, resume_point, session_entry


def history(limit: int | None = None, *, warn: Warn | None = None) -> list[HistoryEntry]:
    """The sessions played, oldest first (the last ``limit`` of them); a torn or unreadable line is
    skipped, and ``warn`` told so once per line (``history.jsonl line 12 is unreadable; skipped``;
    default: a Python warning)."""
    entries = read_history(on_skip=warn or _warn)
    return entries[-limit:] if limit else entries


def record(played: Played, settings: Mapping[str, object], *, pain: int | None = None) -> HistoryEntry | None:
    """``played`` appended to the history with the ``settings`` a person chose (as they would write
    them: ``{"hold": "20s"}``) and how the back felt after it (``pain``, 0-10; None: not rated), or None
    when it stopped before a sound (nothing to record or resume); ``HistoryError`` if the history cannot
    be written."""
    entry = session_entry(
        played.schedule, played.outcome, dict(settings), played.total_ms or None, played.total_estimated
    )
    entry = replace(entry, pain=pain)
    if entry.played_ms == 0 and entry.skipped_ms == 0:
        return None
    append_history(entry)
    return entry


def start_point(
    timeline: Timeline, *, resume: bool = False, routine: str | None = None, warn: Warn | None = None
) -> StartAt | None:
    """Where ``play`` starts ``timeline``: at ``routine`` (one of its routine ids), where its last
    unfinished session stopped (``resume``; None if there is none), or None for the top. ``UsageError``
    naming the choice (``from``, ``resume``) when it cannot be done; ``warn`` hears of history lines
    skipped (see ``history``)."""
    if resume and routine:
        raise UsageError("give {resume} or {from}, not both", options=("resume", "from"))
    if routine:
        return check_from(timeline, routine)
    return resume_point(timeline, read_history(on_skip=warn or _warn)) if resume else None
