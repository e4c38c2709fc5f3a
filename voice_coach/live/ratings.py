"""Pain ratings in the history: checking one, recording a session done elsewhere, and reading them back
for a programme.

A rating is the 0-10 numeric rating scale (NRS) clinics use for pain: 0 no pain, 10 the worst imaginable.
A session done away from the computer (an MP3 on the phone) is logged with its date, which may not be in
the future: a rating is what was felt, never a plan.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from voice_coach.live.history import HistoryEntry
from voice_coach.routine.model import PAIN_MAX


def check_pain(value: object) -> int:
    """``value`` as a rating, a whole number from 0 to 10; ValueError saying what is allowed."""
    text = str(value).strip()
    number = text[1:] if text.startswith("-") else text
    if isinstance(value, bool) or not number.isdigit() or not 0 <= int(text) <= PAIN_MAX:
        raise ValueError(f"must be a whole number from 0 (none) to {PAIN_MAX} (the worst), got {text}")
    return int(text)


def check_session_date(value: str | date, today: date) -> date:
    """``value`` (``YYYY-MM-DD``) as a date no later than ``today``; ValueError saying what is wrong."""
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"must be a day like 2026-03-01 (YYYY-MM-DD), got {value}") from None
    if day > today:
        raise ValueError(f"{day.isoformat()} is in the future; log a session on the day it was done")
    return day


def logged_entry(
    target_id: str,
    title: str,
    length_ms: int,
    pain: int,
    day: date,
    now: datetime,
    note: str = "",
    settings: dict[str, Any] | None = None,
) -> HistoryEntry:
    """The history record of a session done elsewhere on ``day``: played whole, rated ``pain``. Dated at
    ``now`` when it was today, else at noon of that day (local time)."""
    when = now if day == now.date() else datetime.combine(day, time(12), now.tzinfo)
    stamp = when.isoformat(timespec="seconds")
    chosen = {**(settings or {}), "logged": True}
    return HistoryEntry(stamp, target_id, title, length_ms, chosen, total_ms=length_ms, pain=pain, note=note)


def pains_of(target_id: str, entries: list[HistoryEntry]) -> list[int | None]:
    """The ratings of the sessions of ``target_id``, oldest first (None: not rated), for a programme."""
    return [entry.pain for entry in sorted_entries(target_id, entries)]


def sorted_entries(target_id: str | None, entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """The entries of ``target_id`` (all when None) in date order: a session logged later for an earlier
    day takes its place among the others. A record whose date does not parse is left out."""
    mine = [e for e in entries if (target_id is None or e.id == target_id) and entry_time(e) is not None]
    return sorted(mine, key=lambda entry: entry_time(entry) or datetime.min)


def entry_time(entry: HistoryEntry) -> datetime | None:
    """When a record's session was done, as an aware datetime (a naive one taken as local time); None
    when its date does not parse."""
    try:
        moment = datetime.fromisoformat(entry.date)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.astimezone()
